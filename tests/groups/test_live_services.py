"""Phases, messages, help calls, moves and late joiners: what they write and what they send."""

from unittest import mock

import pytest
from django.utils import timezone

from groups import services
from groups.models import Allocation, BreakoutGroup, GroupMembership, HelpCall
from groups.services import GroupPlan, LiveActionRefused, allocation_apply
from groups.streams import event_group, person_group, room_group
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """What the broadcast module sends (the outer seam), once committed."""
    with mock.patch("groups.streams.send_on_commit") as send:
        yield lambda: [(c.args[0], c.args[1]) for c in send.call_args_list]


def test_starting_a_phase_ends_the_running_one_and_sets_its_clock(event, phases, sent):
    opening, rooms, _ = phases
    services.phase_start(event=event, phase=opening)
    before = timezone.now()
    services.phase_start(event=event, phase=rooms)
    opening.refresh_from_db()
    rooms.refresh_from_db()
    assert opening.ended_at is not None and rooms.ended_at is None
    assert abs((rooms.ends_at - before).total_seconds() - 45 * 60) < 5
    event.refresh_from_db()
    assert event.live_version == 2 and event.status == "live"
    states = [payload for group, payload in sent() if group == event_group(event.pk)]
    assert [s["phase"]["title"] for s in states] == ["Opening", "Rooms"]
    assert [s["version"] for s in states] == [1, 2]


def test_extend_and_end(event, phases, sent):
    services.phase_start(event=event, phase=phases[1])
    ends = event.running_phase().ends_at
    services.phase_extend(event=event, minutes=5)
    assert (event.running_phase().ends_at - ends).total_seconds() == 300
    with pytest.raises(LiveActionRefused, match="1 to 120"):
        services.phase_extend(event=event, minutes=0)
    services.phase_end(event=event)
    assert event.running_phase() is None
    with pytest.raises(LiveActionRefused, match="No phase is running"):
        services.phase_end(event=event)
    assert sent()[-2][1]["phase"] is None  # every page learns the phase ended


def test_a_phase_of_another_event_is_refused(event, phases, other_organiser):
    from sessions_app.models import Event, Phase

    other = Phase.objects.create(
        event=Event.objects.get(slug="other"), order=1, kind="opening", title="x", planned_minutes=5
    )
    with pytest.raises(LiveActionRefused):
        services.phase_start(event=event, phase=other)


def test_broadcast_to_all_or_one_room(event, grouped, organiser, sent):
    services.message_broadcast(event=event, text="Five minutes left", user=organiser)
    group = grouped.groups.get(number=2)
    services.message_broadcast(event=event, text="Group 2: please wrap up", user=organiser, group=group)
    payloads = sent()
    assert any(g == event_group(event.pk) and p["message"]["text"] == "Five minutes left" for g, p in payloads)
    assert (room_group(group.pk), mock.ANY) in payloads
    assert [p["text"] for g, p in payloads if g == room_group(group.pk)] == ["Group 2: please wrap up"]
    with pytest.raises(LiveActionRefused):
        services.message_broadcast(event=event, text="   ", user=organiser)
    with pytest.raises(LiveActionRefused):
        services.message_broadcast(event=event, text="x" * 501, user=organiser)


def test_help_calls_are_not_duplicated_and_acknowledged(event, grouped, participant, organiser, sent):
    call = services.help_call_create(participant=participant)
    assert services.help_call_create(participant=participant) == call
    assert call.group.number == 1
    services.help_call_acknowledge(call=call, user=organiser)
    call.refresh_from_db()
    event.refresh_from_db()
    assert call.acknowledged_by == organiser
    assert (
        person_group(participant.pk),
        {"type": "help.acknowledged", "version": event.live_version, "call": call.pk, "participant": participant.pk},
    ) in sent()
    assert services.help_call_create(participant=participant) != call
    assert HelpCall.objects.count() == 2


def test_applying_a_run_twice_changes_nothing_and_replaces_the_current_groups(event, grouped, participant):
    count = GroupMembership.objects.count()
    allocation_apply(allocation=grouped, plans=[GroupPlan(participants=[participant.pk])])
    assert GroupMembership.objects.count() == count
    second = Allocation.objects.create(event=event, seed=2)
    allocation_apply(allocation=second, plans=[GroupPlan(participants=[participant.pk])])
    grouped.refresh_from_db()
    assert not grouped.is_current and Allocation.objects.get(is_current=True) == second


def test_a_failing_apply_leaves_the_previous_groups(event, grouped, participant):
    second = Allocation.objects.create(event=event, seed=2)
    with pytest.raises(Exception):  # noqa: B017 - the database refuses the double seat
        allocation_apply(allocation=second, plans=[GroupPlan(participants=[participant.pk, participant.pk])])
    grouped.refresh_from_db()
    assert grouped.is_current
    assert not BreakoutGroup.objects.filter(allocation=second).exists()


def test_move_warns_of_language_and_refuses_a_second_facilitator(event, grouped, participant, facilitator):
    group2 = grouped.groups.get(number=2)
    group2.language = "de"
    group2.save()
    result = services.membership_move(participant=participant, group=group2)
    assert result.membership.group == group2
    assert any("language" in w for w in result.warnings)
    services.membership_move(participant=facilitator, group=group2)
    other_facilitator = make_person(event, role="facilitator")
    with pytest.raises(LiveActionRefused, match="already has"):
        services.membership_move(participant=other_facilitator, group=group2)


def test_late_joiner_is_placed_where_they_add_most_diversity_without_moving_anyone(event, grouped):
    from sessions_app.models import DiversityAttribute

    DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman")
    for m in GroupMembership.objects.filter(group__number=1, role="participant"):
        m.participant.attributes = {"gender": "woman"}
        m.participant.save()
    for m in GroupMembership.objects.filter(group__number=2, role="participant"):
        m.participant.attributes = {"gender": "man"}
        m.participant.save()
    before = set(GroupMembership.objects.values_list("participant_id", "group_id"))
    late = make_person(event, first_name="Late", attributes={"gender": "woman"}, languages="en")
    services.participant_check_in_and_seat(participant=late)
    membership = GroupMembership.objects.get(participant=late)
    assert membership.group.number == 2 and membership.joined_late
    assert before <= set(GroupMembership.objects.values_list("participant_id", "group_id"))


def _groups_of(event, genders):
    """A current grouping: one group per list, of participants of those genders."""
    from sessions_app.models import DiversityAttribute

    DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman\nother")
    allocation = Allocation.objects.create(event=event, seed=1)
    plans = []
    for number, group in enumerate(genders):
        people = [
            make_person(event, first_name=f"M{number}{i}", languages="en", attributes={"gender": gender})
            for i, gender in enumerate(group)
        ]
        plans.append(GroupPlan(participants=[p.pk for p in people], language="en"))
    allocation_apply(allocation=allocation, plans=plans)


def test_a_late_joiner_fills_a_group_below_the_group_size_before_a_full_one(event):
    """Groups of 5, 4 and 4 (size 5, one more allowed): the group of 5 has the most members who
    differ from the newcomer, yet they join a group of 4, the one where they add most diversity."""
    event.group_size = 5
    event.save()
    _groups_of(event, [["man"] * 5, ["woman", "woman", "man", "other"], ["woman", "man", "man", "other"]])
    late = make_person(event, first_name="Late", attributes={"gender": "woman"}, languages="en")
    services.participant_check_in_and_seat(participant=late)
    sizes = {
        g.number: g.memberships.filter(role="participant").count() for g in BreakoutGroup.objects.filter(event=event)
    }
    assert sizes == {1: 5, 2: 4, 3: 5}
    assert GroupMembership.objects.get(participant=late).joined_late


def test_a_late_joiner_takes_the_extra_seat_when_every_group_is_full(event):
    """Every group at the group size: the newcomer still gets a seat, where they add most diversity."""
    event.group_size = 5
    event.save()
    _groups_of(event, [["woman"] * 5, ["man"] * 5])
    late = make_person(event, first_name="Late", attributes={"gender": "woman"}, languages="en")
    services.participant_check_in_and_seat(participant=late)
    assert GroupMembership.objects.get(participant=late).group.number == 2


def test_late_joiners_are_queued_when_the_event_says_so(event, grouped):
    event.late_joiners = "queue"
    event.save()
    late = make_person(event, first_name="Late", languages="en")
    services.participant_check_in_and_seat(participant=late)
    assert not GroupMembership.objects.filter(participant=late).exists()


def test_late_joiner_without_a_fitting_language_waits(event, grouped):
    late = make_person(event, first_name="Late", languages="ja")
    services.participant_check_in_and_seat(participant=late)
    assert not GroupMembership.objects.filter(participant=late).exists()
