"""Video in the rooms other than the built-in one: a self-hosted Jitsi Meet embedded in the room
page with a token per person (checked with PyJWT), a link opened beside the page, and Zoom's
breakout pre-assignment export; on PostgreSQL when DATABASE_URL points at it."""

import csv
import io
import json
import os
import subprocess
import sys
import time

import jwt
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from groups import services
from groups.models import GroupMembership
from infrastructure.jitsi import jitsi_room_name, jitsi_token
from tests.factories import make_person
from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db

JITSI = {
    "JITSI_DOMAIN": "meet.example.org",
    "JITSI_APP_ID": "wti-app",
    "JITSI_APP_SECRET": "s3cret-for-tests-only-0123456789abcdef",
    "JITSI_TOKEN_SUBJECT": "meet.example.org",
}
NO_JITSI = {"JITSI_DOMAIN": "", "JITSI_APP_ID": "", "JITSI_APP_SECRET": "", "JITSI_TOKEN_SUBJECT": ""}


def _decode(token: str) -> dict:
    return jwt.decode(
        token, JITSI["JITSI_APP_SECRET"], algorithms=["HS256"], audience="jitsi", issuer=JITSI["JITSI_APP_ID"]
    )


def _data(page: str, name: str) -> str:
    return page.split(f'data-{name}="', 1)[1].split('"', 1)[0]


@override_settings(**JITSI)
def test_a_token_holds_jitsis_claims_for_one_room_and_a_short_time():
    before = int(time.time())
    claims = _decode(jitsi_token(room="wti-abc", name="Nora", user_id="p7", moderator=False))
    assert claims["aud"] == "jitsi" and claims["iss"] == "wti-app" and claims["sub"] == "meet.example.org"
    assert claims["room"] == "wti-abc"
    assert claims["context"] == {"user": {"id": "p7", "name": "Nora", "moderator": False}}
    assert before - 1 <= claims["iat"] <= before + 5 and claims["nbf"] <= claims["iat"]
    assert 2 * 3600 - 5 <= claims["exp"] - claims["iat"] <= 2 * 3600 + 5
    # Signed with the secret: another secret, or a changed claim, is refused.
    token = jitsi_token(room="wti-abc", name="Nora", user_id="p7", moderator=False)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-0123456789abcdef0123", algorithms=["HS256"], audience="jitsi")
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, JITSI["JITSI_APP_SECRET"], algorithms=["HS256"], audience="other")


def test_an_event_cannot_choose_jitsi_on_a_server_without_it(event):
    event.video_provider = "jitsi"
    with override_settings(**NO_JITSI), pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "Jitsi is not configured on this server" in str(refused.value.message_dict["video_provider"])
    with override_settings(**{**JITSI, "JITSI_APP_SECRET": ""}), pytest.raises(ValidationError):
        event.full_clean()
    with override_settings(**JITSI):
        event.full_clean()  # configured: accepted


def test_the_admin_refuses_jitsi_with_a_clear_message(client, organiser, event):
    client.force_login(organiser)
    url = f"/admin/sessions_app/event/{event.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update(
        {
            "organisation": event.organisation_id,
            "starts_at_0": event.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": event.starts_at.strftime("%H:%M:%S"),
            "ends_at_0": event.ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": event.ends_at.strftime("%H:%M:%S"),
            "video_provider": "jitsi",
        }
    )
    for key, value in list(data.items()):
        if isinstance(value, bool):
            data[key] = "on" if value else ""
    with override_settings(**NO_JITSI):
        response = client.post(url, data)
    assert response.status_code == 200
    assert "Jitsi is not configured on this server" in response.content.decode()
    event.refresh_from_db()
    assert event.video_provider != "jitsi"


@override_settings(**JITSI)
def test_the_room_page_embeds_the_groups_jitsi_room_with_a_token_of_the_person(
    client, event, phases, grouped, participant, facilitator
):
    event.video_provider = "jitsi"
    event.save()
    services.phase_start(event=event, phase=phases[1])
    group = grouped.groups.get(number=1)
    log_in_as(client, participant)
    response = client.get(f"/events/{event.slug}/")
    page = response.content.decode()
    assert 'data-view="room"' in page
    assert '<script src="//meet.example.org/external_api.js"></script>' in page
    assert _data(page, "room") == jitsi_room_name(group.room_token) and group.room_token.lower() in _data(page, "room")
    assert grouped.groups.get(number=2).room_token.lower() not in page
    claims = _decode(_data(page, "jwt"))
    assert claims["room"] == _data(page, "room")
    assert claims["context"]["user"] == {"id": f"p{participant.pk}", "name": participant.first_name, "moderator": False}
    # The facilitator of the group is its moderator.
    client.logout()
    log_in_as(client, facilitator)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert _decode(_data(page, "jwt"))["context"]["user"]["moderator"] is True


def test_without_jitsi_configured_a_jitsi_event_says_so_and_loads_nothing(client, event, phases, grouped, participant):
    event.video_provider = "jitsi"
    event.save()  # chosen while the server had it
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, participant)
    with override_settings(**NO_JITSI):
        response = client.get(f"/events/{event.slug}/")
    page = response.content.decode()
    assert response.status_code == 200 and "this server's video is not configured" in page
    assert "external_api.js" not in page and "data-jwt" not in page


@override_settings(**JITSI)
def test_the_organiser_observing_a_room_joins_it_as_moderator_named_organiser(
    client, organiser, event, phases, grouped
):
    event.video_provider = "jitsi"
    event.save()
    services.phase_start(event=event, phase=phases[1])
    group = grouped.groups.get(number=1)
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/control/rooms/{group.pk}/").content.decode()
    claims = _decode(_data(page, "jwt"))
    assert claims["room"] == jitsi_room_name(group.room_token)
    assert claims["context"]["user"] == {"id": f"u{organiser.pk}", "name": "Organiser", "moderator": True}
    # The embed is outside the part the page refreshes: a refresh never reloads the call.
    part = client.get(f"/events/{event.slug}/control/rooms/{group.pk}/?part=1").content.decode()
    assert "data-jwt" not in part and "You are in this room's video at the top of this page" in part


def test_a_link_opens_in_a_new_tab_beside_the_page(client, event, phases, grouped, participant):
    event.video_provider = "link"
    event.video_link_template = "https://zoom.example.org/j/{room}"
    event.save()
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    link = f'href="https://zoom.example.org/j/{grouped.groups.get(number=1).room_token}" target="_blank" rel="noopener"'
    assert link in page
    assert "Keep this page open beside it" in page and "external_api.js" not in page


def _policy(**env) -> dict:
    """The settings' CSP directives as a fresh process reads them from this environment."""
    code = "import json; from django.conf import settings; print(json.dumps(settings.CONTENT_SECURITY_POLICY))"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "wetheinternet.settings", "DEBUG": "1", **env}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])["DIRECTIVES"]


def test_the_policy_allows_jitsi_only_when_configured_and_only_its_script_and_frame():
    plain = _policy(JITSI_DOMAIN="", HTTPS="0")
    assert plain["script-src"] == ["'self'"]
    assert plain["frame-src"] == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
    configured = _policy(JITSI_DOMAIN="Meet.Example.org", HTTPS="0")
    assert configured["script-src"] == ["'self'", "meet.example.org"]
    assert configured["frame-src"][-1] == "meet.example.org"
    assert configured["connect-src"] == ["'self'"] and configured["style-src"] == ["'self'"]
    secure = _policy(JITSI_DOMAIN="meet.example.org", HTTPS="1", SECRET_KEY="x" * 50)
    assert secure["script-src"] == ["'self'", "https://meet.example.org"]
    for hostile in ("https://meet.example.org", "meet.example.org/path", "evil.org 'unsafe-inline'", "a;b"):
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "wetheinternet.settings", "DEBUG": "1"}
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env={**environment, "JITSI_DOMAIN": hostile},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode != 0 and "give the host name alone" in done.stderr


# --- Zoom's breakout pre-assignment -----------------------------------------------------------


def test_zoom_export_has_one_row_per_person_with_an_email_and_no_byte_order_mark(
    client, organiser, event, grouped, participant
):
    members = GroupMembership.objects.filter(allocation=grouped).select_related("participant", "group")
    for n, membership in enumerate(members):
        person = membership.participant
        person.email = "" if n == 0 else f"person{n}@example.org"
        person.save()
    hostile = members.filter(group__number=2).first().participant
    hostile.email = "=cmd@example.org"
    hostile.save()
    client.force_login(organiser)
    response = client.get(f"/events/{event.slug}/results/export/zoom-round-1.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "zoom-round-1.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Pre-assign Room Name", "Email Address"]
    expected = sorted((f"Group {m.group.number}", m.participant.email) for m in members.all() if m.participant.email)
    expected = [(room, "'" + mail if mail.startswith("=") else mail) for room, mail in expected]
    assert sorted(tuple(r) for r in rows[1:]) == expected
    assert len(rows) - 1 == members.count() - 1  # the one without an e-mail is left out
    assert {r[0] for r in rows[1:]} == {"Group 1", "Group 2"}


def test_zoom_export_refuses_absurd_rounds_and_is_for_the_events_organisers(
    client, organiser, other_organiser, event, grouped, participant
):
    client.force_login(organiser)
    for name in ("zoom-round-2.csv", "zoom-round-0.csv", "zoom-round-99999999999.csv", "zoom-round-1.csv%00"):
        assert client.get(f"/events/{event.slug}/results/export/{name}").status_code == 404
    client.force_login(other_organiser)
    assert client.get(f"/events/{event.slug}/results/export/zoom-round-1.csv").status_code in (403, 404)
    client.logout()
    log_in_as(client, participant)
    assert client.get(f"/events/{event.slug}/results/export/zoom-round-1.csv").status_code in (302, 403, 404)
    participant.email = "nora@example.org"
    participant.save()
    make_person(event, first_name="Late", email="late@example.org")  # in no group: not in the file
    client.force_login(organiser)
    text = client.get(f"/events/{event.slug}/results/export/zoom-round-1.csv").content.decode()
    assert "nora@example.org" in text and "late@example.org" not in text


def test_the_control_room_offers_the_zoom_file_of_each_round(client, organiser, event, grouped):
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/control/").content.decode()
    assert f"/events/{event.slug}/results/export/zoom-round-1.csv" in page
