import pytest

from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply
from sessions_app.models import Phase
from tests.factories import make_person


@pytest.fixture
def phases(event):
    return [
        Phase.objects.create(event=event, order=1, kind="opening", title="Opening", planned_minutes=15),
        Phase.objects.create(event=event, order=2, kind="breakout", title="Rooms", planned_minutes=45),
        Phase.objects.create(event=event, order=3, kind="plenary", title="Plenary", planned_minutes=20),
    ]


@pytest.fixture
def grouped(event, participant, facilitator, note_taker):
    """Two groups: the participant with the facilitator and note taker in group 1; others in group 2."""
    others = [make_person(event, first_name=f"P{i}", languages="en") for i in range(3)]
    allocation = Allocation.objects.create(event=event, seed=1)
    allocation_apply(
        allocation=allocation,
        plans=[
            GroupPlan(
                participants=[participant.pk, others[0].pk],
                facilitator=facilitator.pk,
                note_taker=note_taker.pk,
                language="en",
            ),
            GroupPlan(participants=[others[1].pk, others[2].pk], language="en"),
        ],
    )
    allocation.refresh_from_db()
    return allocation
