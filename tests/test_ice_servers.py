"""STUN and TURN for the video call: TURN credentials per person, the TURN REST scheme coturn checks."""

import base64
import hashlib
import hmac

from django.test import override_settings

from infrastructure.ice_servers import ice_configuration, turn_credentials


@override_settings(
    VIDEO_STUN_URLS=["stun:turn.example.org:3478"],
    VIDEO_TURN_URLS=["turn:turn.example.org:3478?transport=udp"],
    VIDEO_TURN_SECRET="s3cret",
    VIDEO_TURN_TTL=600,
    VIDEO_ICE_TRANSPORT_POLICY="relay",
)
def test_turn_credentials_follow_the_turn_rest_scheme():
    credentials = turn_credentials(person="p12", now=1_700_000_000)
    assert credentials["username"] == "1700000600:p12"
    expected = base64.b64encode(hmac.new(b"s3cret", b"1700000600:p12", hashlib.sha1).digest()).decode()
    assert credentials["credential"] == expected
    config = ice_configuration(person="p12")
    assert config["iceTransportPolicy"] == "relay"
    assert config["iceServers"][0] == {"urls": ["stun:turn.example.org:3478"]}
    assert config["iceServers"][1]["urls"] == ["turn:turn.example.org:3478?transport=udp"]
    assert config["iceServers"][1]["username"].endswith(":p12")


@override_settings(VIDEO_STUN_URLS=[], VIDEO_TURN_URLS=["turn:x:3478"], VIDEO_TURN_SECRET="")
def test_no_turn_server_without_a_secret():
    assert ice_configuration(person="p1")["iceServers"] == []
