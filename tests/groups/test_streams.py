"""Every change of the live event brings its pages up to date: the snapshot before, with the
events the change sends applied as the pages apply them, equals a fresh snapshot after
(tests.streams.verify_action). Each event carries a `type` and a `version`."""

from pathlib import Path

import pytest
from django.utils import timezone

from groups import services
from groups.allocation_runs import allocation_cancel, allocation_request
from groups.models import Allocation, HelpCall
from groups.services import GroupPlan, allocation_apply
from groups.streams import control_group, event_group, person_group, room_group
from sessions_app.demo import demo_event_create
from sessions_app.models import Participant
from tests.factories import make_person
from tests.streams import control_view, event_view, person_view, room_view, verify_action

pytestmark = pytest.mark.django_db


def live_views(event, *people, rooms=()):
    views = {event_group(event.pk): event_view(event), control_group(event.pk): control_view(event)}
    views.update({person_group(p.pk): person_view(p) for p in people})
    views.update({room_group(r.pk): room_view(r.pk) for r in rooms})
    return views


def types(events):
    return [payload["type"] for _group, payload in events]


def test_starting_extending_and_ending_phases(event, phases):
    views = live_views(event)
    events = verify_action(lambda: services.phase_start(event=event, phase=phases[0]), views)
    assert types(events) == ["event.state", "control.changed"]
    verify_action(lambda: services.phase_start(event=event, phase=phases[1]), views)
    verify_action(lambda: services.phase_extend(event=event, minutes=5), views)
    events = verify_action(lambda: services.phase_end(event=event), views)
    assert events[0][1]["phase"] is None


def test_a_check_in_before_the_groups_tells_the_control_room(event, participant):
    events = verify_action(lambda: services.participant_check_in_and_seat(participant=participant), live_views(event))
    assert types(events) == ["control.changed"]


def test_a_late_joiner_is_seated_and_their_page_follows(event, grouped):
    late = make_person(event, first_name="Late", languages="en")
    rooms = list(grouped.groups.order_by("number"))
    views = live_views(event, late, rooms=rooms)
    events = verify_action(lambda: services.participant_check_in_and_seat(participant=late), views)
    assert {"person.moved", "room.changed"} <= set(types(events))
    seated = late.memberships.get().group_id
    assert [e[1]["group"] for e in events if e[1]["type"] == "room.changed"] == [seated]


def test_moving_a_person_updates_both_rooms_and_their_page(event, grouped, participant):
    one, two = grouped.groups.order_by("number")
    views = live_views(event, participant, rooms=[one, two])
    events = verify_action(lambda: services.membership_move(participant=participant, group=two), views)
    assert {"person.moved", "room.changed"} <= set(types(events))


def test_appointing_a_note_taker(event, grouped):
    two = grouped.groups.get(number=2)
    person = two.memberships.filter(role="participant").first().participant
    views = live_views(event, person, rooms=[two])
    verify_action(lambda: services.note_taker_appoint(participant=person), views)


def test_messages_to_everyone_and_to_one_room(event, grouped, organiser):
    one = grouped.groups.get(number=1)
    views = live_views(event, rooms=[one])
    events = verify_action(lambda: services.message_broadcast(event=event, text="Five minutes", user=organiser), views)
    assert events[0][1]["message"]["text"] == "Five minutes"
    events = verify_action(
        lambda: services.message_broadcast(event=event, text="Room 1 only", user=organiser, group=one), views
    )
    assert types(events) == ["room.message", "control.changed"]


def test_a_call_for_help_and_its_answer(event, grouped, participant, organiser):
    views = live_views(event, participant)
    verify_action(lambda: services.help_call_create(participant=participant), views)
    call = HelpCall.objects.get(participant=participant)
    events = verify_action(lambda: services.help_call_acknowledge(call=call, user=organiser), views)
    assert types(events) == ["help.acknowledged", "control.changed"]


def test_applying_groups_tells_every_page(event, participant, facilitator, note_taker):
    other = make_person(event, first_name="Other", languages="en")
    allocation = Allocation.objects.create(event=event, seed=1)
    plans = [GroupPlan(participants=[participant.pk, other.pk], facilitator=facilitator.pk, language="en")]
    events = verify_action(lambda: allocation_apply(allocation=allocation, plans=plans), live_views(event))
    # People's pages learn of their new rooms from the event's state: their streams follow it.
    assert [p["allocation"] for g, p in events if p["type"] == "event.state"] == [allocation.pk]


def test_an_allocation_run_reports_progress_and_is_done(organiser):
    demo = demo_event_create(start=timezone.now(), participants=12, seed=3)
    event = demo.event
    Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
    views = live_views(event)
    events = verify_action(lambda: allocation_request(event=event, user=organiser, seed=1, time_limit=0.5), views)
    assert Allocation.objects.get(event=event).status == "succeeded"
    assert {"control.changed", "allocation.progress", "allocation.done", "event.state"} <= set(types(events))
    progress = [p["version"] for g, p in events if p["type"] == "allocation.progress"]
    assert progress == list(range(1, len(progress) + 1))


def test_a_cancelled_run_tells_the_control_room(event, participant, facilitator, organiser):
    Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
    allocation = Allocation.objects.create(event=event, seed=1)
    verify_action(lambda: allocation_cancel(event=event, allocation=allocation), live_views(event))


def test_only_the_broadcast_module_sends_to_channel_groups():
    root = Path(__file__).resolve().parents[2]
    senders = {
        str(path.relative_to(root))
        for app in ("infrastructure", "sessions_app", "groups", "results", "dialogues", "wetheinternet")
        for path in (root / app).rglob("*.py")
        if "group_send(" in path.read_text(encoding="utf-8")
    }
    assert senders == {"infrastructure/broadcast.py"}
