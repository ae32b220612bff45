"""Personal join links: signed, single-person, expiring, revocable.

A link carries the person's id and a nonce; revoking a link rotates the nonce, so every link
issued before stops working. Links expire a fixed time after issue and once the event is over.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions_app.models import Participant

SALT = "sessions_app.join-link"


class JoinLinkInvalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def join_token_make(participant: Participant) -> str:
    return signing.dumps({"p": participant.pk, "n": participant.join_nonce}, salt=SALT, compress=False)


def join_url(participant: Participant, *, absolute: bool = True) -> str:
    path = reverse("join", kwargs={"token": join_token_make(participant)})
    return f"{settings.SITE_URL}{path}" if absolute else path


def join_token_check(token: str) -> Participant:
    """Return the person a token was issued to, or raise JoinLinkInvalid with a reason for people."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.JOIN_LINK_MAX_AGE_DAYS))
    except signing.SignatureExpired as exc:
        raise JoinLinkInvalid(_("This link has expired. Ask the organisers for a new one.")) from exc
    except signing.BadSignature as exc:
        raise JoinLinkInvalid(_("This link is not valid. Check that you copied all of it.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        raise JoinLinkInvalid(_("This link is not valid. Check that you copied all of it."))
    participant = Participant.objects.select_related("event").filter(pk=payload["p"]).first()
    if participant is None:
        raise JoinLinkInvalid(_("This link is no longer valid."))
    if participant.join_revoked_at is not None or payload.get("n") != participant.join_nonce:
        raise JoinLinkInvalid(_("This link was withdrawn by the organisers. Ask them for a new one."))
    if timezone.now() > participant.event.ends_at + timedelta(hours=settings.JOIN_LINK_GRACE_HOURS):
        raise JoinLinkInvalid(_("This event is over, so its links have expired."))
    return participant
