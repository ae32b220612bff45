"""Self-hosted Jitsi Meet: whether it is configured, the room names and the tokens that let one
person into one room (Jitsi's JWT, HS256, signed with the app secret from the environment)."""

from datetime import timedelta

import jwt
from django.conf import settings
from django.utils import timezone

# A token outlives a normal phase and only opens the room it names.
TOKEN_LIFETIME = timedelta(hours=2)


def jitsi_configured() -> bool:
    """The domain, app id and secret are all set (they come from the environment only)."""
    return bool(settings.JITSI_DOMAIN and settings.JITSI_APP_ID and settings.JITSI_APP_SECRET)


def jitsi_room_name(room_token: str) -> str:
    """The group's Jitsi room: from its unguessable token, lower-case as Jitsi keeps room names."""
    return f"wti-{room_token.lower()}"


def jitsi_token(*, room: str, name: str, user_id: str, moderator: bool) -> str:
    """A token for ``room`` alone, for one person shown as ``name``, for two hours: Jitsi checks it
    when the person joins, and each page load (a move, a new phase) makes a new one."""
    now = timezone.now()
    expires = now + TOKEN_LIFETIME
    claims = {
        "aud": "jitsi",
        "iss": settings.JITSI_APP_ID,
        "sub": settings.JITSI_TOKEN_SUBJECT,
        "room": room,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()) - 10,
        "exp": int(expires.timestamp()),
        "context": {"user": {"id": user_id, "name": name, "moderator": moderator}},
    }
    return jwt.encode(claims, settings.JITSI_APP_SECRET, algorithm="HS256")
