"""Fixtures for the note taker's form, votes and plenary: import them into a test module."""

import pytest

from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply
from sessions_app.models import Option, Question
from tests.factories import make_person, make_questionnaire


@pytest.fixture
def questionnaire(event):
    """The demo questions (q1..q6), plus a group's own single choice (q7) and multiple choice (q8)."""
    session = make_questionnaire(event)
    q7 = Question.objects.create(
        session=session, order=7, code="q7", kind="single", respondent="group", text="Does the group agree?"
    )
    Option.objects.bulk_create(
        [Option(question=q7, order=1, code="yes", label="Yes"), Option(question=q7, order=2, code="no", label="No")]
    )
    q8 = Question.objects.create(
        session=session, order=8, code="q8", kind="multiple", respondent="group", max_choices=2, text="Priorities?"
    )
    Option.objects.bulk_create(
        [Option(question=q8, order=i, code=c, label=c.title()) for i, c in enumerate(["a", "b", "c"], start=1)]
    )
    return session


@pytest.fixture
def teams(event, questionnaire, participant, facilitator, note_taker):
    """Group 1: participant + two others, the facilitator and the note taker. Group 2: two others."""
    others = [make_person(event, first_name=f"P{i}") for i in range(4)]
    allocation = Allocation.objects.create(event=event, seed=1)
    allocation_apply(
        allocation=allocation,
        plans=[
            GroupPlan(
                participants=[participant.pk, others[0].pk, others[1].pk],
                facilitator=facilitator.pk,
                note_taker=note_taker.pk,
            ),
            GroupPlan(participants=[others[2].pk, others[3].pk]),
        ],
    )
    groups = list(allocation.groups.order_by("number"))
    return {"group": groups[0], "other_group": groups[1], "members": [participant, others[0], others[1]]}


FULL_ANSWERS = {
    "answers": {
        "q1": {"counts": {"opportunity": "2", "threat": 1, "both": 0, "neither": 0}},
        "q2": {"counts": {"governments": 2, "platforms": 1}, "valid": 2},
        "q3": {"counts": {"2": 1, "4": 2}},
        "q4": {"ranking": ["education", "design", "regulation", "fact-checking"]},
        "q5": {"text": "We talked about trust."},
        "q6": {"text": "Teach media literacy."},
        "q7": {"choice": "yes"},
        "q8": {"choices": ["a", "c"]},
    }
}
