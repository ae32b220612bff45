"""The database itself refuses what must never happen twice."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from groups.models import Allocation, BreakoutGroup, GroupMembership
from results.models import NoteRevision, NoteSubmission, ReferenceDataset, ReferenceResult
from sessions_app.models import Event, Option, Phase, Question, Session
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_event_must_end_after_it_starts(organisation):
    now = timezone.now()
    refused(lambda: Event.objects.create(organisation=organisation, title="x", slug="x", starts_at=now, ends_at=now))


def test_phase_order_is_unique_and_one_phase_runs_at_a_time(event):
    Phase.objects.create(
        event=event, order=1, kind="opening", title="Opening", planned_minutes=15, started_at=timezone.now()
    )
    refused(lambda: Phase.objects.create(event=event, order=1, kind="plenary", title="x", planned_minutes=5))
    refused(
        lambda: Phase.objects.create(
            event=event, order=2, kind="breakout", title="Rooms", planned_minutes=45, started_at=timezone.now()
        )
    )
    refused(lambda: Phase.objects.create(event=event, order=3, kind="plenary", title="x", planned_minutes=0))


def test_phase_cannot_end_before_it_started(event):
    now = timezone.now()
    refused(
        lambda: Phase.objects.create(
            event=event,
            order=1,
            kind="opening",
            title="x",
            planned_minutes=5,
            started_at=now,
            ended_at=now - timedelta(minutes=1),
        )
    )


def test_question_and_option_codes_are_unique(event):
    session = Session.objects.create(event=event, order=1, code="dps", title="Digital public sphere")
    refused(lambda: Session.objects.create(event=event, order=2, code="dps", title="Again"))
    question = Question.objects.create(session=session, order=1, code="q1", kind="single", text="?")
    refused(lambda: Question.objects.create(session=session, order=2, code="q1", kind="single", text="?"))
    Option.objects.create(question=question, order=1, code="yes", label="Yes")
    refused(lambda: Option.objects.create(question=question, order=2, code="yes", label="Yes again"))


def test_one_email_per_event_but_blank_emails_allowed(event):
    make_person(event, email="a@example.org")
    refused(lambda: make_person(event, email="a@example.org"))
    make_person(event, email="")
    make_person(event, email="")


@pytest.fixture
def allocation(event):
    return Allocation.objects.create(event=event, seed=1)


def test_two_current_allocations_of_one_event_are_refused(event, allocation):
    allocation.is_current = True
    allocation.save()
    Allocation.objects.create(event=event, seed=2)  # not current: fine
    refused(lambda: Allocation.objects.create(event=event, seed=3, is_current=True))


def test_one_membership_per_person_per_round(event, allocation, participant):
    group1 = BreakoutGroup.objects.create(event=event, allocation=allocation, number=1)
    group2 = BreakoutGroup.objects.create(event=event, allocation=allocation, number=2)
    GroupMembership.objects.create(group=group1, participant=participant, allocation=allocation, round=1)
    refused(
        lambda: GroupMembership.objects.create(group=group2, participant=participant, allocation=allocation, round=1)
    )
    round2 = BreakoutGroup.objects.create(event=event, allocation=allocation, number=1, round=2)
    GroupMembership.objects.create(group=round2, participant=participant, allocation=allocation, round=2)
    refused(lambda: BreakoutGroup.objects.create(event=event, allocation=allocation, number=1))


def test_one_facilitator_and_one_note_taker_per_group(event, allocation):
    group = BreakoutGroup.objects.create(event=event, allocation=allocation, number=1)
    for role in ("facilitator", "note_taker"):
        GroupMembership.objects.create(
            group=group, participant=make_person(event, role=role), allocation=allocation, role=role
        )
        refused(
            lambda role=role: GroupMembership.objects.create(
                group=group, participant=make_person(event, role=role), allocation=allocation, role=role
            )
        )


def test_one_note_submission_per_group_and_session_and_unique_revisions(event, allocation):
    session = Session.objects.create(event=event, order=1, code="dps", title="DPS")
    group = BreakoutGroup.objects.create(event=event, allocation=allocation, number=1)
    submission = NoteSubmission.objects.create(group=group, session=session)
    refused(lambda: NoteSubmission.objects.create(group=group, session=session))
    import uuid

    key = uuid.uuid4()
    NoteRevision.objects.create(submission=submission, number=1, data={}, idempotency_key=key)
    refused(lambda: NoteRevision.objects.create(submission=submission, number=2, data={}, idempotency_key=key))
    refused(lambda: NoteRevision.objects.create(submission=submission, number=1, data={}, idempotency_key=uuid.uuid4()))


def test_reference_results_are_checked():
    dataset = ReferenceDataset.objects.create(title="Illustrative", illustrative=True)
    ReferenceResult.objects.create(dataset=dataset, question_code="q1", option_code="a", scope="global", count=5, n=10)
    refused(
        lambda: ReferenceResult.objects.create(
            dataset=dataset, question_code="q1", option_code="a", scope="global", count=6, n=10
        )
    )
    refused(
        lambda: ReferenceResult.objects.create(
            dataset=dataset, question_code="q1", option_code="b", scope="global", n=10
        )
    )
    refused(
        lambda: ReferenceResult.objects.create(
            dataset=dataset, question_code="q1", option_code="c", scope="global", count=11, n=10
        )
    )
    refused(
        lambda: ReferenceResult.objects.create(
            dataset=dataset, question_code="q1", option_code="d", scope="global", percent=101, n=10
        )
    )


@pytest.mark.postgres
def test_the_suite_runs_on_postgresql_when_asked():
    from django.db import connection

    assert connection.vendor == "postgresql"
