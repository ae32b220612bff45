"""The organisers' People and links page: every join link of the event, and only for its organisers."""

import pytest

from sessions_app.join_links import join_url
from sessions_app.services import participant_revoke_join_link
from tests.factories import make_person
from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db


def test_it_lists_every_person_with_their_link(client, organiser, event, participant, facilitator, note_taker):
    extra = [make_person(event, first_name=f"Person{i}") for i in range(40)]
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/people/").content.decode()
    for person in [participant, facilitator, note_taker, *extra]:
        assert join_url(person) in page
    assert page.count('data-copy="link-') == 43
    assert "<html lang=" in page


def test_a_withdrawn_link_is_not_shown(client, organiser, event, participant):
    old = join_url(participant)
    participant_revoke_join_link(participant=participant)
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/people/").content.decode()
    assert old not in page
    assert "withdrawn" in page


def test_the_control_room_links_to_it(client, organiser, event):
    client.force_login(organiser)
    assert f"/events/{event.slug}/people/" in client.get(f"/events/{event.slug}/control/").content.decode()


def test_it_rejects_outsider(client, other_organiser, event, participant):
    client.force_login(other_organiser)
    response = client.get(f"/events/{event.slug}/people/")
    assert response.status_code == 404
    assert join_url(participant) not in response.content.decode()


def test_it_rejects_participant(client, event, participant, facilitator):
    log_in_as(client, participant)
    response = client.get(f"/events/{event.slug}/people/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert join_url(facilitator) not in response.content.decode()


def test_it_rejects_anonymous(client, event):
    assert client.get(f"/events/{event.slug}/people/").status_code == 302
