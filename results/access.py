"""Who may read or write a group's results, and the API's tokens."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import BreakoutGroup, GroupMembership
from results.models import ApiToken
from results.selectors import PAPER_ALGORITHM
from results.services import api_token_hash
from sessions_app.auth import participant_for_request
from sessions_app.models import Event, Participant


@dataclass(frozen=True)
class NotesAccess:
    event: Event
    group: BreakoutGroup
    participant: Participant | None
    can_write: bool
    is_organiser: bool


def notes_access(request, slug: str, group_id: int) -> NotesAccess:
    """The group's note taker writes; its facilitator and the event's organisers read, except
    that organisers write the results of paper tables (which have no note taker).

    Other people of the event get 403; an organiser of another event (or an unknown event or
    group) gets 404, so that events do not leak."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise Http404(_("No such event."))
    group = (
        BreakoutGroup.objects.filter(pk=group_id, event=event, allocation__is_current=True)
        .select_related("allocation")
        .first()
        if group_id < 2**63
        else None
    )
    participant = participant_for_request(request, event)
    organiser = request.user.is_authenticated and event.is_organised_by(request.user)
    if group is None:
        raise Http404(_("No such group."))
    role = None
    if participant is not None:
        role = (
            GroupMembership.objects.filter(group=group, participant=participant).values_list("role", flat=True).first()
        )
    if role == GroupMembership.Role.NOTE_TAKER:
        return NotesAccess(event, group, participant, can_write=True, is_organiser=organiser)
    if organiser and group.allocation.algorithm_version == PAPER_ALGORITHM:
        # A paper table has no note taker: its organisers enter its results.
        return NotesAccess(event, group, participant, can_write=True, is_organiser=True)
    if organiser or role == GroupMembership.Role.FACILITATOR:
        return NotesAccess(event, group, participant, can_write=False, is_organiser=organiser)
    if participant is None and request.user.is_authenticated:
        raise Http404(_("No such event among yours."))
    raise PermissionDenied(_("Only the group's note taker and facilitator open its results."))


def api_token_event(request) -> Event | None:
    """The event of the request's bearer token, or None (no token, unknown or revoked)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    token = (
        ApiToken.objects.select_related("event")
        .filter(key_hash=api_token_hash(key.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.event
