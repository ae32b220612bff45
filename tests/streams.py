"""Stream verification: a state change's events bring what the clients hold up to date.

`verify_action(action, views)` follows the idea of Zulip's verify_action. `views` names channel
groups and, for each, how to fetch afresh what its clients hold (the snapshot a page opens with,
or what it shows). The helper fetches every view, runs the action with its on-commit callbacks
and records what is sent to the channel layer, then checks that

- every payload has a `type` and an integer `version`, and a type's versions never go back;
- each view fetched before, with the events sent to its group applied the way its clients apply
  them (REDUCERS, which mirror static/js), equals the view fetched afresh after the action.

A change that forgets to send, or sends a payload that differs from the snapshot, fails."""

import copy
import json
from collections.abc import Callable
from contextlib import contextmanager
from unittest import mock

from django.test import TestCase


class RecordingLayer:
    """A channel layer that keeps what is sent to groups (clients' payloads only)."""

    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        if "text" in message:
            self.sent.append((group, json.loads(message["text"])))


@contextmanager
def events_sent():
    """Record the payloads sent through infrastructure.broadcast, running on-commit callbacks."""
    layer = RecordingLayer()
    with (
        mock.patch("infrastructure.broadcast.get_channel_layer", return_value=layer),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        yield layer.sent


def _without_clock(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "server_time"}


def _refetch(state, payload, fetch):
    """The page fetches the view again (the control room's panel, a room's page)."""
    return fetch()


def _keep(state, payload, fetch):
    return state


def _newest(state, payload, fetch):
    """The page replaces its state with the payload, unless it holds a newer version."""
    if state and isinstance(state.get("version"), int) and payload["version"] < state["version"]:
        return state
    return _without_clock(payload)


REDUCERS: dict[str, Callable] = {
    # live.js, follow.js, person-live.js, messages.js: the event's state replaces the page's.
    "event.state": _newest,
    # control-room.js: any message but progress fetches the panel again.
    "control.changed": lambda state, payload, fetch: {**fetch(), "version": payload["version"]},
    "allocation.done": lambda state, payload, fetch: {**fetch(), "version": payload["version"]},
    "control.presence": lambda state, payload, fetch: {**fetch(), "version": state["version"]},
    "allocation.progress": _keep,  # only the progress bar moves
    # person-live.js: a room's message is added to its list; a change of members reloads it.
    "room.message": lambda state, payload, fetch: {**state, "messages": [*state["messages"], payload["id"]]},
    "room.changed": _refetch,
    "room.presence": _keep,  # who is connected: not part of the database's state
    # A person's own page: follows them to their room, and hears that help is coming.
    "person.moved": lambda state, payload, fetch: {**state, "group": payload["group"]},
    "help.acknowledged": lambda state, payload, fetch: {
        **state,
        "acknowledged": sorted({*state["acknowledged"], payload["call"]}),
    },
    # plenary.js: keeps only the newest snapshot.
    "plenary.snapshot": _newest,
    # person-live.js: a phone's closing page fetches "On the screen now" again.
    "plenary.slide": _refetch,
    # presenter.js: the organiser's newest command replaces the snapshot's presenter state.
    "plenary.presenter": lambda state, payload, fetch: (
        state
        if payload["version"] <= state["presenter"]["version"]
        else {**state, "presenter": {k: v for k, v in payload.items() if k != "type"}}
    ),
}


def check_payloads(events: list[tuple[str, dict]]) -> None:
    last: dict[tuple[str, str], int] = {}
    for group, payload in events:
        assert isinstance(payload.get("type"), str), f"a payload to {group} has no type: {payload}"
        assert payload["type"] in REDUCERS, f"no client knows {payload['type']!r} (sent to {group})"
        version = payload.get("version")
        assert isinstance(version, int) and not isinstance(version, bool), f"no version: {payload}"
        key = (group, payload["type"])
        assert version >= last.get(key, version), f"{payload['type']} to {group} went back to {version}"
        last[key] = version


def verify_action(action: Callable, views: dict[str, Callable[[], dict]]) -> list[tuple[str, dict]]:
    """Run `action` and check what it sends against `views` (channel group -> fetch); returns
    the events sent, as (group, payload), for further checks."""
    before = {group: fetch() for group, fetch in views.items()}
    with events_sent() as events:
        action()
    check_payloads(events)
    held = copy.deepcopy(before)
    for group, payload in events:
        if group in views:
            held[group] = REDUCERS[payload["type"]](held[group], payload, views[group])
    after = {group: fetch() for group, fetch in views.items()}
    for group in views:
        assert held[group] == after[group], (
            f"{group}: the events sent do not bring its clients up to date\n"
            f"before: {before[group]}\nheld after the events: {held[group]}\nfresh: {after[group]}\n"
            f"events: {[p for g, p in events if g == group]}"
        )
    return events


# --- Views of the live event (groups) ----------------------------------------------------------


def event_view(event) -> Callable[[], dict]:
    """What every page of the event holds: the event's state."""

    def fetch():
        from groups.streams import event_state
        from sessions_app.models import Event

        return _without_clock(event_state(Event.objects.get(pk=event.pk)))

    return fetch


def control_view(event) -> Callable[[], dict]:
    """What the control room's panel reflects: the event's version, open help calls, the runs."""

    def fetch():
        from groups.models import Allocation, HelpCall
        from sessions_app.models import Event, Participant

        return {
            "version": Event.objects.values_list("live_version", flat=True).get(pk=event.pk),
            "help_calls": list(
                HelpCall.objects.filter(event=event, acknowledged_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
            "checked_in": Participant.objects.filter(event_id=event.pk, checked_in_at__isnull=False).count(),
            "runs": list(
                Allocation.objects.filter(event=event).order_by("pk").values_list("pk", "status", "is_current")
            ),
        }

    return fetch


def room_view(group_id: int) -> Callable[[], dict]:
    """What a room's page holds: the messages sent to the room, and its members."""

    def fetch():
        from groups.models import GroupMembership, RoomMessage

        return {
            "messages": list(RoomMessage.objects.filter(group_id=group_id).order_by("pk").values_list("pk", flat=True)),
            "members": sorted(GroupMembership.objects.filter(group_id=group_id).values_list("participant_id", "role")),
        }

    return fetch


def person_view(participant) -> Callable[[], dict]:
    """What a person's own page holds: their room, and which of their calls for help are answered."""

    def fetch():
        from groups.models import HelpCall
        from groups.selectors import membership_of
        from sessions_app.models import Participant

        membership = membership_of(Participant.objects.get(pk=participant.pk))
        return {
            "group": membership.group_id if membership else None,
            "acknowledged": list(
                HelpCall.objects.filter(participant_id=participant.pk, acknowledged_at__isnull=False)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
        }

    return fetch


# --- The plenary (results) -----------------------------------------------------------------------


def plenary_view(event, *, staff: bool = False) -> Callable[[], dict]:
    """What a plenary screen holds: the newest snapshot."""

    def fetch():
        from results.plenary_selectors import plenary_snapshot
        from sessions_app.models import Event

        return _without_clock(plenary_snapshot(Event.objects.get(pk=event.pk), staff=staff))

    return fetch


def closing_now_view(event, group_id: int | None = None) -> Callable[[], dict]:
    """What a participant's phone shows on its closing page: the slide on every screen now."""

    def fetch():
        from results.presentation_selectors import presentation_now
        from sessions_app.models import Event

        return presentation_now(Event.objects.get(pk=event.pk), group_id)

    return fetch
