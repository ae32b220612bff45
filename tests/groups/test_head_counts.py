"""Any head count forms groups in one click, with any number of staff: every person checked in
is seated once, and every group without a facilitator or a note taker is named."""

import pytest
from django.utils import timezone

from groups.allocation_plan import event_plan
from groups.allocation_runs import allocation_request
from groups.allocator_input import event_people
from groups.models import Allocation, GroupMembership
from sessions_app.models import DiversityAttribute, Participant

MAX_PEOPLE = 60


@pytest.fixture
def crowd(event):
    """60 participants (one in five French-speaking), 30 bilingual facilitators and note takers."""
    DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman\nother")
    people = [
        Participant(
            event=event,
            first_name=f"P{i:02d}",
            languages="fr" if i % 5 == 4 else "en",
            attributes={"gender": ["woman", "man", "other"][i % 3]},
        )
        for i in range(MAX_PEOPLE)
    ]
    staff = [
        Participant(event=event, first_name=f"{role[0].upper()}{i:02d}", role=role, languages="en, fr")
        for role in ("facilitator", "note_taker")
        for i in range(30)
    ]
    Participant.objects.bulk_create(people + staff)
    return event


def check_in(event, n, staff_per_role):
    Participant.objects.filter(event=event).update(checked_in_at=None)
    now = timezone.now()
    ids = list(
        Participant.objects.filter(event=event, role="participant")
        .order_by("first_name")[:n]
        .values_list("pk", flat=True)
    )
    Participant.objects.filter(pk__in=ids).update(checked_in_at=now)
    for role in ("facilitator", "note_taker"):
        staff = Participant.objects.filter(event=event, role=role).order_by("first_name")[:staff_per_role]
        Participant.objects.filter(pk__in=list(staff.values_list("pk", flat=True))).update(checked_in_at=now)


@pytest.mark.django_db
@pytest.mark.parametrize("staffing", ["none", "one", "full"])
def test_every_head_count_from_2_to_60_forms_groups(crowd, organiser, staffing, django_capture_on_commit_callbacks):
    event = crowd
    for n in range(2, MAX_PEOPLE + 1):
        check_in(event, n, 0)
        participants, _ = event_people(event)
        planned = event_plan(event, participants, []).groups
        staff = {"none": 0, "one": 1, "full": planned}[staffing]
        check_in(event, n, staff)
        participants, staff_people = event_people(event)
        plan = event_plan(event, participants, staff_people)
        with django_capture_on_commit_callbacks(execute=True):
            run = allocation_request(event=event, user=organiser, seed=n, time_limit=2)
        run.refresh_from_db()
        assert run.status == Allocation.Status.SUCCEEDED, (n, staffing, run.error)
        seats = GroupMembership.objects.filter(allocation=run)
        seated = list(seats.filter(participant__role="participant").values_list("participant_id", flat=True))
        assert sorted(seated) == sorted(p.pk for p in participants), (n, staffing)
        staff_seated = list(seats.exclude(participant__role="participant").values_list("participant_id", flat=True))
        assert len(staff_seated) == len(set(staff_seated)) == min(len(staff_people), 2 * run.groups.count())
        groups = list(run.groups.order_by("number"))
        assert len(groups) == plan.groups and sorted(g.memberships.count() for g in groups)
        for group in groups:
            roles = list(group.memberships.values_list("role", flat=True))
            assert (group.number in run.report["groups_without_facilitator"]) == ("facilitator" not in roles)
            assert (group.number in run.report["groups_without_note_taker"]) == ("note_taker" not in roles)
            assert roles.count("participant") + roles.count("note_taker") >= 1
        expected_missing = {"none": len(groups), "one": len(groups) - 1, "full": 0}[staffing]
        assert len(run.report["groups_without_facilitator"]) == expected_missing, (n, staffing)
        assert plan.missing_facilitators == expected_missing, (n, staffing)
