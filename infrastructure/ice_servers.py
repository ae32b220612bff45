"""Where browsers find each other for a call: STUN and TURN servers from the settings.

TURN credentials follow the TURN REST scheme that coturn checks with `use-auth-secret` and
`static-auth-secret`: the username is "<expiry unix time>:<person>", the credential is
base64(HMAC-SHA1(secret, username)). They are minted per person and expire after
VIDEO_TURN_TTL seconds; the secret never leaves the server."""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def turn_credentials(*, person: str, now: float | None = None) -> dict:
    """{"username", "credential"} for `person` (a peer id such as "p12"), valid VIDEO_TURN_TTL seconds."""
    expiry = int(now if now is not None else time.time()) + settings.VIDEO_TURN_TTL
    username = f"{expiry}:{person}"
    digest = hmac.new(settings.VIDEO_TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode("ascii")}


def ice_configuration(*, person: str) -> dict:
    """The RTCPeerConnection configuration a person's browser uses: STUN servers, TURN servers
    with that person's credentials (when a secret is set), and the transport policy."""
    servers = []
    if settings.VIDEO_STUN_URLS:
        servers.append({"urls": list(settings.VIDEO_STUN_URLS)})
    if settings.VIDEO_TURN_URLS and settings.VIDEO_TURN_SECRET:
        servers.append({"urls": list(settings.VIDEO_TURN_URLS), **turn_credentials(person=person)})
    return {"iceServers": servers, "iceTransportPolicy": settings.VIDEO_ICE_TRANSPORT_POLICY}
