"""Writes of the live event: phases, groups, messages, help calls. Each sends on commit."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import selectors, streams
from groups.late_joiners import late_joiner_place, max_group_size
from groups.models import Allocation, BreakoutGroup, GroupMembership, HelpCall, RoomMessage
from infrastructure.tasks import task_named
from sessions_app import services as people_services
from sessions_app.models import Event, Participant, Phase

MAX_EXTEND_MINUTES = 120


class LiveActionRefused(ValueError):
    """An organiser's action that cannot be done now; the message says why, and `link` may
    point to the page where it can be changed."""

    def __init__(self, message, *, link: str = "", link_label: str = ""):
        super().__init__(message)
        self.link, self.link_label = link, link_label


# --- Phases ---------------------------------------------------------------------------------


@transaction.atomic
def phase_start(*, event: Event, phase: Phase) -> Phase:
    """Start a phase now (ending the one running); its clock runs for its planned minutes."""
    if phase.event_id != event.pk:
        raise LiveActionRefused(_("That phase belongs to another event."))
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one phase change at a time
    now = timezone.now()
    Phase.objects.filter(event=event, started_at__isnull=False, ended_at__isnull=True).exclude(pk=phase.pk).update(
        ended_at=now
    )
    phase.started_at, phase.ended_at = now, None
    phase.ends_at = now + timedelta(minutes=phase.planned_minutes)
    phase.save(update_fields=["started_at", "ended_at", "ends_at"])
    if event.status != Event.Status.LIVE:
        Event.objects.filter(pk=event.pk).update(status=Event.Status.LIVE)
    event.refresh_from_db(fields=["auto_end_phases"])
    _phase_auto_end_schedule(event, phase)
    streams.event_changed(event)
    return phase


PHASE_AUTO_END_TASK = "groups.phase_auto_end"


def _phase_auto_end_schedule(event: Event, phase: Phase) -> None:
    """On commit, ask for the phase to be ended at its planned end, when the event wants it."""
    if not event.auto_end_phases or phase.ends_at is None or phase.started_at is None:
        return
    args = [phase.pk, phase.started_at.isoformat()]
    eta = phase.ends_at
    transaction.on_commit(
        lambda: task_named(PHASE_AUTO_END_TASK).apply_async(args=args, eta=eta, retry=False, ignore_result=True)
    )


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def phase_auto_end(*, phase_id: int, started_at: str) -> tuple[str, Phase | None]:
    """End the phase if it is still the same run of it (started at `started_at`), still running,
    its event still ends phases automatically, and its planned end (extensions included) has
    passed. Answers what was done: "ended", "not_yet" (extended: the caller asks again at the
    new end), or "stale" (nothing to do); idempotent."""
    phase = Phase.objects.filter(pk=phase_id).select_related("event").first()
    if phase is None:
        return "stale", None
    event = Event.objects.select_for_update().filter(pk=phase.event_id).first()
    phase.refresh_from_db()
    if (
        not event.auto_end_phases
        or phase.started_at is None
        or phase.ended_at is not None
        or phase.started_at != _moment(started_at)
        or phase.ends_at is None
    ):
        return "stale", phase
    if phase.ends_at > timezone.now():
        return "not_yet", phase
    phase.ended_at = timezone.now()
    phase.save(update_fields=["ended_at"])
    streams.event_changed(event)
    return "ended", phase


@transaction.atomic
def event_auto_end_set(*, event: Event, enabled: bool) -> Event:
    """Choose whether phases end by themselves at their planned end; turned on during a phase,
    the running phase ends at its end too."""
    Event.objects.select_for_update().filter(pk=event.pk).update(auto_end_phases=enabled)
    event.auto_end_phases = enabled
    phase = event.running_phase()
    if phase is not None:
        _phase_auto_end_schedule(event, phase)
    streams.event_changed(event)
    return event


@transaction.atomic
def phase_extend(*, event: Event, minutes: int) -> Phase:
    if not 1 <= minutes <= MAX_EXTEND_MINUTES:
        raise LiveActionRefused(_("Extend by 1 to %(max)s minutes.") % {"max": MAX_EXTEND_MINUTES})
    Event.objects.select_for_update().filter(pk=event.pk).first()
    phase = event.running_phase()
    if phase is None:
        raise LiveActionRefused(_("No phase is running."))
    phase.ends_at = max(phase.ends_at or timezone.now(), timezone.now()) + timedelta(minutes=minutes)
    phase.save(update_fields=["ends_at"])
    event.refresh_from_db(fields=["auto_end_phases"])
    _phase_auto_end_schedule(event, phase)
    streams.event_changed(event)
    return phase


@transaction.atomic
def phase_end(*, event: Event) -> Phase:
    Event.objects.select_for_update().filter(pk=event.pk).first()
    phase = event.running_phase()
    if phase is None:
        raise LiveActionRefused(_("No phase is running."))
    phase.ended_at = timezone.now()
    phase.save(update_fields=["ended_at"])
    streams.event_changed(event)
    return phase


# --- Messages and help ----------------------------------------------------------------------


@transaction.atomic
def message_broadcast(*, event: Event, text: str, user, group: BreakoutGroup | None = None) -> RoomMessage:
    text = text.strip()
    if not text:
        raise LiveActionRefused(_("Write a message first."))
    if len(text) > 500:
        raise LiveActionRefused(_("A message has at most 500 characters."))
    if group is not None and group.event_id != event.pk:
        raise LiveActionRefused(_("That room belongs to another event."))
    message = RoomMessage.objects.create(event=event, group=group, text=text, created_by=user)
    if group is None:
        streams.event_changed(event)
    else:
        streams.room_message_sent(event, message)
    return message


@transaction.atomic
def help_call_create(*, participant: Participant) -> HelpCall:
    """Call an organiser; calling again while a call is open returns the open call."""
    open_call = HelpCall.objects.filter(participant=participant, acknowledged_at__isnull=True).first()
    if open_call is not None:
        return open_call
    membership = selectors.membership_of(participant)
    call = HelpCall.objects.create(
        event_id=participant.event_id, participant=participant, group=membership.group if membership else None
    )
    streams.control_changed(participant.event)
    return call


@transaction.atomic
def help_call_acknowledge(*, call: HelpCall, user) -> HelpCall:
    if call.acknowledged_at is None:
        call.acknowledged_at, call.acknowledged_by = timezone.now(), user
        call.save(update_fields=["acknowledged_at", "acknowledged_by"])
        streams.help_acknowledged(call.event, call)
    return call


# --- Groups ---------------------------------------------------------------------------------


@dataclass
class GroupPlan:
    """One group to write: its members by role, and its language."""

    participants: list[int]
    facilitator: int | None = None
    note_taker: int | None = None
    language: str = ""
    round: int = 1
    extra: dict = field(default_factory=dict)


@transaction.atomic
def allocation_apply(*, allocation: Allocation, plans: list[GroupPlan]) -> Allocation:
    """Write all groups of a run in one transaction and make it the event's current grouping.

    Applying a run twice changes nothing; a failure leaves the previous groups as they were."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.is_current or allocation.groups.exists():
        return allocation
    event = allocation.event
    numbers: dict[int, int] = {}
    memberships = []
    for plan in plans:
        numbers[plan.round] = numbers.get(plan.round, 0) + 1
        group = BreakoutGroup.objects.create(
            event=event,
            allocation=allocation,
            round=plan.round,
            number=numbers[plan.round],
            name=_("Group %(number)s") % {"number": numbers[plan.round]},
            language=plan.language,
        )
        seats = [(pid, GroupMembership.Role.PARTICIPANT) for pid in plan.participants]
        if plan.facilitator is not None:
            seats.append((plan.facilitator, GroupMembership.Role.FACILITATOR))
        if plan.note_taker is not None:
            seats.append((plan.note_taker, GroupMembership.Role.NOTE_TAKER))
        memberships += [
            GroupMembership(group=group, participant_id=pid, allocation=allocation, round=plan.round, role=role)
            for pid, role in seats
        ]
    GroupMembership.objects.bulk_create(memberships)
    Allocation.objects.filter(event=event, is_current=True).update(is_current=False)
    allocation.is_current = True
    allocation.status = Allocation.Status.SUCCEEDED
    allocation.finished_at = allocation.finished_at or timezone.now()
    allocation.save(update_fields=["is_current", "status", "finished_at"])
    streams.event_changed(event)
    return allocation


@transaction.atomic
def note_taker_appoint(*, participant: Participant) -> GroupMembership:
    """Ask a participant of a group without a note taker to take its notes: their seat becomes
    the note taker's, and their page turns into the note taker's room."""
    membership = (
        GroupMembership.objects.select_for_update()
        .select_related("group")
        .filter(participant=participant, allocation__is_current=True, allocation__event_id=participant.event_id)
        .order_by("round")
        .first()
    )
    if membership is None:
        raise LiveActionRefused(_("%(person)s is not in a group.") % {"person": participant})
    if membership.role == GroupMembership.Role.NOTE_TAKER:
        return membership  # asked twice: nothing changes
    if membership.role != GroupMembership.Role.PARTICIPANT:
        raise LiveActionRefused(_("%(person)s already has a role in the group.") % {"person": participant})
    if membership.group.memberships.filter(role=GroupMembership.Role.NOTE_TAKER).exists():
        raise LiveActionRefused(_("%(group)s already has a note taker.") % {"group": membership.group})
    membership.role = GroupMembership.Role.NOTE_TAKER
    membership.save(update_fields=["role"])
    streams.event_changed(participant.event)
    streams.person_seat_changed(participant.event, participant, membership.group_id)
    streams.room_changed(participant.event, membership.group_id)
    return membership


@dataclass
class MoveResult:
    membership: GroupMembership
    warnings: list[str]


@transaction.atomic
def membership_move(*, participant: Participant, group: BreakoutGroup) -> MoveResult:
    """Move a person to another group of the current grouping, warning of what it breaks."""
    if group.event_id != participant.event_id or not group.allocation.is_current:
        raise LiveActionRefused(_("That group is not part of this event's current grouping."))
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(participant=participant, allocation=group.allocation, round=group.round)
        .first()
    )
    warnings = move_warnings(participant=participant, group=group, membership=membership)
    if membership is None:
        role = participant.role if participant.role != Participant.Role.PARTICIPANT else "participant"
        if group.memberships.filter(role=role).exclude(role="participant").exists():
            raise LiveActionRefused(_("That group already has a %(role)s.") % {"role": participant.get_role_display()})
        membership = GroupMembership.objects.create(
            group=group,
            participant=participant,
            allocation=group.allocation,
            round=group.round,
            role=role,
            joined_late=True,
        )
        old_group_id = None
    else:
        if (
            membership.role != GroupMembership.Role.PARTICIPANT
            and group.memberships.filter(role=membership.role).exists()
        ):
            raise LiveActionRefused(_("That group already has a %(role)s.") % {"role": membership.get_role_display()})
        old_group_id = membership.group_id
        membership.group = group
        membership.save(update_fields=["group"])
    event = participant.event
    streams.event_changed(event)
    streams.person_moved(event, participant, group)
    if old_group_id:
        streams.room_changed(event, old_group_id)
    streams.room_changed(event, group.pk)
    return MoveResult(membership=membership, warnings=warnings)


def move_warnings(*, participant: Participant, group: BreakoutGroup, membership=None) -> list[str]:
    """What a move would break: group size, shared language."""
    warnings = []
    event = participant.event
    size = group.memberships.filter(role=GroupMembership.Role.PARTICIPANT).count()
    as_participant = membership is None or membership.role == GroupMembership.Role.PARTICIPANT
    if as_participant and size + 1 > max_group_size(event):
        warnings.append(
            _("%(group)s will have %(n)s participants, more than planned.") % {"group": group, "n": size + 1}
        )
    if event.keep_language_together and group.language and group.language not in participant.language_list:
        warnings.append(
            _("%(person)s does not list the group's language (%(lang)s).")
            % {"person": participant, "lang": group.language}
        )
    return warnings


def participant_check_in_and_seat(*, participant: Participant) -> Participant:
    """Check a person in and tell the control room; after the grouping, a late joiner is seated
    in a group or queued (event setting). The check-in page and the organisers call this one."""
    already = participant.checked_in_at is not None
    people_services.participant_mark_checked_in(participant=participant)
    event = participant.event
    if not already:
        streams.control_changed(event)
        allocation = selectors.current_allocation(event)
        if (
            allocation is not None
            and event.late_joiners == Event.LateJoiners.AUTO
            and participant.role == Participant.Role.PARTICIPANT
            and selectors.membership_of(participant) is None
        ):
            late_joiner_place(participant=participant, allocation=allocation)
    return participant
