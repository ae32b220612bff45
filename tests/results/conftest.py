"""Results fixtures: the demo questionnaire, a current allocation with groups, submitted notes."""

import uuid

import pytest

from groups.models import Allocation, BreakoutGroup
from results.models import NoteRevision, NoteSubmission
from sessions_app.demo_questionnaire import QUESTIONS
from sessions_app.models import Option, Question, Session


def make_questionnaire(event, *, code="digital-public-sphere", order=1):
    session = Session.objects.create(event=event, order=order, code=code, title="Shaping the digital public sphere")
    for position, (q_code, kind, respondent, max_choices, text, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            session=session,
            order=position,
            code=q_code,
            kind=kind,
            respondent=respondent,
            max_choices=max_choices,
            text=text,
        )
        Option.objects.bulk_create(
            Option(question=question, order=i, code=o_code, label=label)
            for i, (o_code, label) in enumerate(options, start=1)
        )
    return session


def make_groups(event, count, *, current=True):
    allocation = Allocation.objects.create(event=event, seed=1, is_current=current, status="succeeded")
    return BreakoutGroup.objects.bulk_create(
        BreakoutGroup(event=event, allocation=allocation, number=n) for n in range(1, count + 1)
    )


def submit(group, session, data, *, number=1):
    submission, _ = NoteSubmission.objects.get_or_create(group=group, session=session)
    submission.status = NoteSubmission.Status.SUBMITTED
    submission.data = data
    submission.save()
    return NoteRevision.objects.create(submission=submission, number=number, data=data, idempotency_key=uuid.uuid4())


@pytest.fixture
def session(event):
    return make_questionnaire(event)
