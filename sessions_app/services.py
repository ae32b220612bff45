"""Writes on events and people. Views, admin and commands call these; nothing else writes."""

import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sessions_app.models import Participant, new_token
from sessions_app.streams import person_changed

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", re.IGNORECASE)


def participant_record_join(*, participant: Participant) -> None:
    Participant.objects.filter(pk=participant.pk).update(join_last_opened_at=timezone.now())


def participant_mark_checked_in(*, participant: Participant) -> Participant:
    """Mark a person present, nothing more (groups.services.participant_check_in_and_seat also
    seats a late joiner); checking in twice keeps the first time."""
    if participant.checked_in_at is None:
        Participant.objects.filter(pk=participant.pk, checked_in_at__isnull=True).update(checked_in_at=timezone.now())
        participant.refresh_from_db(fields=["checked_in_at"])
    return participant


@transaction.atomic
def participant_revoke_join_link(*, participant: Participant) -> None:
    """Withdraw every link issued to this person so far, and end the sessions opened with them."""
    _join_link_rotate(participant=participant, revoked_at=timezone.now())


@transaction.atomic
def participant_reissue_join_link(*, participant: Participant) -> None:
    """Give the person a new link; the old ones stop working and their sessions end."""
    _join_link_rotate(participant=participant, revoked_at=None)


def _join_link_rotate(*, participant: Participant, revoked_at) -> None:
    participant.join_nonce = new_token()
    participant.join_revoked_at = revoked_at
    Participant.objects.filter(pk=participant.pk).update(
        join_nonce=participant.join_nonce, join_revoked_at=revoked_at, link_generation=F("link_generation") + 1
    )
    participant.refresh_from_db(fields=["link_generation"])
    person_changed(participant.pk)


def participant_update_profile(
    *, participant: Participant, languages: list[str], attributes: dict, consent: bool, timezone_name: str = ""
) -> Participant:
    """Save what a person tells about themselves; without consent no attribute is kept."""
    participant.languages = ",".join(languages)
    participant.attributes = attributes if consent else {}
    participant.consent_given_at = (participant.consent_given_at or timezone.now()) if consent else None
    fields = ["languages", "attributes", "consent_given_at"]
    if timezone_name:
        participant.timezone = timezone_name
        fields.append("timezone")
    participant.save(update_fields=fields)
    return participant
