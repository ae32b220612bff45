"""“Join this room”: an organiser observes a room read only, from the control room's help calls
and group cards, without becoming a member; only organisers of the event may."""

import pytest

from groups import services
from groups.models import Allocation, GroupMembership
from groups.services import GroupPlan, allocation_apply
from sessions_app.models import Phase, Session
from tests.factories import make_event, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms(event, organiser, participant, facilitator, note_taker):
    session = Session.objects.create(event=event, order=1, code="dps", title="Digital public sphere")
    phase = Phase.objects.create(
        event=event, order=1, kind="breakout", title="Rooms", planned_minutes=45, session=session
    )
    other = make_person(event, first_name="Otto", languages="en")
    allocation = Allocation.objects.create(event=event, seed=1)
    allocation_apply(
        allocation=allocation,
        plans=[
            GroupPlan(participants=[participant.pk], facilitator=facilitator.pk, note_taker=note_taker.pk),
            GroupPlan(participants=[other.pk]),
        ],
    )
    services.phase_start(event=event, phase=phase)
    services.message_broadcast(
        event=event, text="Ten minutes left in room one", group=allocation.groups.get(number=1), user=organiser
    )
    services.help_call_create(participant=participant)
    return allocation.groups.get(number=1), allocation.groups.get(number=2)


def test_the_control_room_links_each_group_card_and_help_call_to_its_room(client, organiser, event, rooms):
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/control/").content.decode()
    mine, other = rooms
    assert page.count(f'href="/events/{event.slug}/control/rooms/{mine.pk}/"') == 2  # card and help call
    assert page.count(f'href="/events/{event.slug}/control/rooms/{other.pk}/"') == 1
    assert "Join this room" in page


def test_an_organiser_sees_the_room_read_only_and_is_not_added(client, organiser, event, rooms, participant):
    mine, _other = rooms
    members_before = set(GroupMembership.objects.filter(group=mine).values_list("participant_id", flat=True))
    client.force_login(organiser)
    response = client.get(f"/events/{event.slug}/control/rooms/{mine.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert participant.first_name in page and "Ten minutes left in room one" in page
    assert 'id="countdown"' in page and "You are observing this room" in page
    assert 'id="help-form"' not in page and "notes_start" not in page and "/notes/" not in page
    part = client.get(f"/events/{event.slug}/control/rooms/{mine.pk}/?part=1").content.decode()
    assert part.startswith('<div id="observed-room">') and "<html" not in part
    members_after = set(GroupMembership.objects.filter(group=mine).values_list("participant_id", flat=True))
    assert members_after == members_before


def test_another_events_group_is_not_found(client, organiser, event, rooms, organisation):
    other_event = make_event(organisation, title="Second", slug="second")
    mine, _other = rooms
    client.force_login(organiser)
    assert client.get(f"/events/{other_event.slug}/control/rooms/{mine.pk}/").status_code == 404
    assert client.get(f"/events/{event.slug}/control/rooms/99999999/").status_code == 404
    assert client.get(f"/events/{event.slug}/control/rooms/{2**70}/").status_code == 404
    assert client.post(f"/events/{event.slug}/control/rooms/{mine.pk}/").status_code == 405
