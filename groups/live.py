"""Channel groups and payloads of the live event. Services send them, on commit only.

Every payload is JSON with a `type` and the event's `version` (Event.live_version): a client
that sees a gap asks for the snapshot again."""

from django.db.models import F
from django.utils import timezone

from groups.models import Allocation, BreakoutGroup, GroupMembership, RoomMessage
from groups.presence import presence_connected
from infrastructure import caching
from infrastructure.broadcast import send_on_commit
from sessions_app.live import person_changed
from sessions_app.live import person_group as person_group  # the person's group is named one floor down
from sessions_app.models import Event, Participant, Phase, Question


def event_group(event_id: int) -> str:
    return f"event.{event_id}"


def room_group(group_id: int) -> str:
    return f"room.{group_id}"


def control_group(event_id: int) -> str:
    return f"control.{event_id}"


def _iso(value):
    return value.isoformat() if value else None


def phase_payload(phase: Phase | None) -> dict | None:
    if phase is None:
        return None
    return {
        "id": phase.pk,
        "kind": phase.kind,
        "title": phase.title,
        "started_at": _iso(phase.started_at),
        "ends_at": _iso(phase.ends_at),
    }


def current_allocation(event: Event) -> Allocation | None:
    return Allocation.objects.filter(event=event, is_current=True).first()


STATE_CACHE_SECONDS = 60


def messages_of_now(event: Event, phase: Phase | None):
    """The event's messages that are still current: a message expires at the end of the phase it
    was sent in (one sent between phases, when the next phase starts)."""
    messages = RoomMessage.objects.filter(event=event)
    if phase is not None:
        since = phase.started_at
    else:
        since = (
            Phase.objects.filter(event=event, ended_at__isnull=False)
            .order_by("-ended_at")
            .values_list("ended_at", flat=True)
            .first()
        )
    return messages.filter(created_at__gte=since) if since else messages


def _event_state(event: Event) -> dict:
    allocation_id = Allocation.objects.filter(event=event, is_current=True).values_list("pk", flat=True).first()
    phase = event.running_phase()
    message = messages_of_now(event, phase).filter(group__isnull=True).order_by("-created_at").first()
    open_questions = Question.objects.filter(session__event=event, is_open=True).order_by("pk")
    return {
        "type": "event.state",
        "version": event.live_version,
        "phase": phase_payload(phase),
        "allocation": allocation_id,
        "message": {"id": message.pk, "text": message.text, "at": _iso(message.created_at)} if message else None,
        # The vote page opens and closes its questions from this list, without a reload.
        "open_questions": list(open_questions.values_list("pk", flat=True)),
    }


def event_state(event: Event, *, cached: bool = False) -> dict:
    """What every page of the event follows: the phase and its clock, the grouping, the last message.

    Pages read it `cached`: every change bumps the event's version, so the state of a committed
    version never changes and a join storm computes it once, not once per person."""
    if cached:
        state = caching.cached(
            f"event-state:{event.pk}",
            lambda: _event_state(event),
            version=event.live_version,
            timeout=STATE_CACHE_SECONDS,
        )
    else:
        state = _event_state(event)
    return {**state, "server_time": timezone.now().isoformat()}


def membership_of(participant: Participant) -> GroupMembership | None:
    return (
        GroupMembership.objects.select_related("group")
        .filter(participant=participant, allocation__is_current=True, allocation__event_id=participant.event_id)
        .order_by("round")
        .first()
    )


def person_view(participant: Participant, state: dict) -> tuple[str, GroupMembership | None]:
    """Which page a person should see now: their room during the breakout phase, else the lobby."""
    phase = state["phase"]
    membership = membership_of(participant) if state["allocation"] else None
    if phase is not None and phase["kind"] == Phase.Kind.BREAKOUT and membership is not None:
        return "room", membership
    return "lobby", membership


def room_presence(group: BreakoutGroup) -> dict:
    return room_presence_of(group.pk)


def room_presence_of(group_id: int) -> dict:
    """Who of a room's members is connected, in one query (a room that is gone has nobody)."""
    members = list(GroupMembership.objects.filter(group_id=group_id).values_list("participant_id", flat=True))
    return {"type": "room.presence", "group": group_id, "connected": sorted(presence_connected(members))}


def event_changed(event: Event) -> None:
    """Bump the event's version and send its new state to every page, once committed."""
    Event.objects.filter(pk=event.pk).update(live_version=F("live_version") + 1)
    event.refresh_from_db(fields=["live_version"])
    state = event_state(event)
    # The consumers of people's pages read `allocation` to leave the rooms of a grouping that
    # is no longer current and join the new one.
    send_on_commit(event_group(event.pk), state, notice={"allocation": state["allocation"]})
    control_changed(event)


def person_moved(participant: Participant, group: BreakoutGroup) -> None:
    """Once committed, the person's open pages follow them to their new room."""
    person_changed(participant.pk, {"type": "person.moved", "group": group.pk})


def control_changed(event: Event) -> None:
    send_on_commit(control_group(event.pk), {"type": "control.changed", "version": event.live_version})
