"""The live event's streams: the names of their channel groups and every payload sent on them.

Services call the `*_changed`/`*_sent` functions here, which send once the transaction commits
(infrastructure.broadcast); nothing else in `groups` builds a payload or talks to the channel
layer. Every payload is JSON with a `type` and a `version`:

- on the event's, the control room's, a room's and a person's groups, `version` is the event's
  `live_version` at the change (every change of the event state bumps it; `event.state` is the
  state of that version, and a page that sees a gap in it asks for the snapshot again);
- `room.presence` and `control.presence` reflect the shared cache, not the database: their
  `version` is the time the presence was read, in milliseconds;
- `allocation.progress` counts the run's reports (1, 2, ...), newest highest;
- a hint another app sends the participants' pages on the event's group (`participants_hint`,
  e.g. results' `plenary.slide`) carries that app's own version.

Clients that need no version ignore it."""

import time

from django.db.models import F
from django.utils import timezone

from groups.models import Allocation, BreakoutGroup, GroupMembership, HelpCall, RoomMessage
from groups.presence import presence_connected
from groups.selectors import membership_of, messages_of_now
from infrastructure import caching
from infrastructure.broadcast import send_now, send_now_async, send_on_commit
from sessions_app.models import Event, Participant, Phase, Question
from sessions_app.streams import person_changed
from sessions_app.streams import person_group as person_group  # the person's group is named one floor down

# --- Channel groups ---------------------------------------------------------------------------


def event_group(event_id: int) -> str:
    """Every page of the event: `event.state`."""
    return f"event.{event_id}"


def room_group(group_id: int) -> str:
    """The pages of one room's members: `room.message`, `room.changed`, `room.presence`."""
    return f"room.{group_id}"


def control_group(event_id: int) -> str:
    """The organisers' control room: `control.changed`, `control.presence`, `allocation.*`."""
    return f"control.{event_id}"


# --- The event's state (the snapshot every page opens with) -----------------------------------


def _iso(value):
    return value.isoformat() if value else None


def phase_payload(phase: Phase | None) -> dict | None:
    if phase is None:
        return None
    return {
        "id": phase.pk,
        "kind": phase.kind,
        "title": phase.title,
        # The title in the other languages (by code, those translated): each page shows its own.
        "titles": {code: texts["title"] for code, texts in (phase.translations or {}).items() if texts.get("title")},
        "started_at": _iso(phase.started_at),
        "ends_at": _iso(phase.ends_at),
        "closing": is_closing_phase(phase),
    }


def is_closing_phase(phase: Phase) -> bool:
    """The closing plenary: a plenary phase after one of the event's breakout phases. Participants
    then see their closing page (results, their group's recommendation, the feedback survey)."""
    return (
        phase.kind == Phase.Kind.PLENARY
        and Phase.objects.filter(event_id=phase.event_id, kind=Phase.Kind.BREAKOUT, order__lt=phase.order).exists()
    )


STATE_CACHE_SECONDS = 60


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


def person_view(participant: Participant, state: dict) -> tuple[str, GroupMembership | None]:
    """Which page a person should see now: their room during the breakout phase, the closing page
    in the closing plenary (participants; staff see the lobby), else the lobby."""
    phase = state["phase"]
    membership = membership_of(participant) if state["allocation"] else None
    if phase is not None and phase["kind"] == Phase.Kind.BREAKOUT and membership is not None:
        return "room", membership
    if phase is not None and phase.get("closing") and not participant.is_staff_role:
        return "closing", membership
    return "lobby", membership


# --- Changes, sent on commit ------------------------------------------------------------------


def event_changed(event: Event) -> None:
    """Bump the event's version and send its new state to every page, once committed."""
    Event.objects.filter(pk=event.pk).update(live_version=F("live_version") + 1)
    event.refresh_from_db(fields=["live_version"])
    state = event_state(event)
    # The consumers of people's pages read `allocation` to leave the rooms of a grouping that
    # is no longer current and join the new one.
    send_on_commit(event_group(event.pk), state, notice={"allocation": state["allocation"]})
    _control_send(event)


# A notice on an update of the event's group: the organisers' connections to that group (the
# control room, a room observed) skip it; only the participants' pages act on it.
PARTICIPANTS_ONLY = "participants_only"


def participants_hint(event_id: int, payload: dict) -> None:
    """Once committed, a payload for the participants' pages of the event alone (their streams
    forward it as it is); the organisers' connections to the event's group never see it."""
    send_on_commit(event_group(event_id), payload, notice={PARTICIPANTS_ONLY: True})


def _current_version(event: Event) -> int:
    """The event's version as this transaction sees it: the object in hand may be older (a
    person's event, loaded before the last change). Sets it on the object too."""
    event.live_version = Event.objects.values_list("live_version", flat=True).get(pk=event.pk)
    return event.live_version


def control_changed(event: Event) -> None:
    """Something the control room shows changed, but not the event's state: it fetches its panel again."""
    _current_version(event)
    _control_send(event)


def _control_send(event: Event) -> None:
    send_on_commit(control_group(event.pk), {"type": "control.changed", "version": event.live_version})


def person_moved(event: Event, participant: Participant, group: BreakoutGroup) -> None:
    """Once committed, the person's open pages follow them to their new room."""
    person_changed(participant.pk, {"type": "person.moved", "group": group.pk, "version": event.live_version})


def person_seat_changed(event: Event, participant: Participant, group_id: int) -> None:
    """The person's seat in their room changed (e.g. they now take the notes): their pages reload it."""
    payload = {"type": "person.moved", "group": group_id, "version": event.live_version}
    send_on_commit(person_group(participant.pk), payload)


def room_changed(event: Event, group_id: int) -> None:
    """A room's members changed: its pages fetch it again."""
    send_on_commit(room_group(group_id), {"type": "room.changed", "group": group_id, "version": event.live_version})


def room_message_sent(event: Event, message: RoomMessage) -> None:
    """A message to one room (a message to everyone is part of the event's state)."""
    payload = {
        "type": "room.message",
        "version": _current_version(event),
        "id": message.pk,
        "text": message.text,
        "at": message.created_at.isoformat(),
    }
    send_on_commit(room_group(message.group_id), payload)
    _control_send(event)


def help_acknowledged(event: Event, call: HelpCall) -> None:
    """The person who called for help hears that an organiser is coming."""
    payload = {
        "type": "help.acknowledged",
        "version": _current_version(event),
        "call": call.pk,
        "participant": call.participant_id,
    }
    send_on_commit(person_group(call.participant_id), payload)
    _control_send(event)


def allocation_done(event: Event, allocation: Allocation) -> None:
    send_on_commit(
        control_group(event.pk), {"type": "allocation.done", "version": event.live_version, "allocation": allocation.pk}
    )


# --- Hints sent at once (their truth is elsewhere) ---------------------------------------------


def allocation_progress(allocation: Allocation, *, report: int, fraction: float, best_score: float) -> None:
    """A running allocation's progress, sent from the worker outside any transaction: progress is
    a hint, the database row holds the truth. `report` counts the run's reports."""
    payload = {
        "type": "allocation.progress",
        "version": report,
        "allocation": allocation.pk,
        "progress": round(fraction, 3),
        "best_score": round(float(best_score), 3),
    }
    send_now(control_group(allocation.event_id), payload)


def room_presence_of(group_id: int) -> dict:
    """Who of a room's members is connected, in one query (a room that is gone has nobody)."""
    members = list(GroupMembership.objects.filter(group_id=group_id).values_list("participant_id", flat=True))
    return {
        "type": "room.presence",
        "version": time.time_ns() // 1_000_000,
        "group": group_id,
        "connected": sorted(presence_connected(members)),
    }


async def presence_changed(event_id: int, room_presence: dict) -> None:
    """Someone's connection to a room came or went (sent by their stream, which holds no
    transaction): the room sees who is there now (`room_presence_of`), the control room
    refreshes its counts."""
    await send_now_async(room_group(room_presence["group"]), room_presence)
    await send_now_async(control_group(event_id), {"type": "control.presence", "version": room_presence["version"]})


# --- The built-in video call's relay (not versioned state: nothing is stored) -----------------


def call_group(group_id: int) -> str:
    """The connections of one group's call: `call.join`, `call.leave`."""
    return f"call.{group_id}"


def call_peer_group(group_id: int, peer: str) -> str:
    """One peer's connection in one group's call: `call.signal` addressed to them. A peer who
    is moved stops following it, so nothing sent to the old room's call reaches them."""
    return f"call.{group_id}.{peer}"


def call_presence_payload(kind: str, *, peer: str, name: str = "", role: str = "") -> dict:
    """`call.join` or `call.leave`: a peer came into or left the call (sender set by the server)."""
    return {"type": kind, "from": peer, "name": name, "role": role}


async def call_presence_send(group_id: int, kind: str, *, peer: str, name: str = "", role: str = "") -> None:
    await send_now_async(call_group(group_id), call_presence_payload(kind, peer=peer, name=name, role=role))


async def call_signal_send(group_id: int, *, sender: str, name: str, role: str, target: str, signal: dict) -> None:
    """Relay an offer, an answer or an ICE candidate to one peer of the group's call."""
    payload = {"type": "call.signal", "from": sender, "name": name, "role": role, "to": target, **signal}
    await send_now_async(call_peer_group(group_id, target), payload)
