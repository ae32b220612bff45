"""Dialogues in the admin: coordinators see only theirs, publish from a list action; the event
form shows where the event counts in the global results."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from dialogues.models import Dialogue
from tests.factories import make_partner, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_dialogue(db):
    return Dialogue.objects.create(title="Someone else's dialogue", slug="elsewhere")


def test_coordinators_see_and_edit_only_their_dialogues(client, dialogue, other_dialogue, coordinator):
    make_partner(dialogue, "Partner France", "fr-partner")
    client.force_login(coordinator)
    listing = client.get("/admin/dialogues/dialogue/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Global Dialogue" in body and "Someone else" not in body
    change = client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/")
    assert change.status_code == 200
    body = change.content.decode()
    assert "Partner France" in body  # the partners inline
    assert "what changed" in body.lower()  # the versions inline
    assert client.get(f"/admin/dialogues/dialogue/{other_dialogue.pk}/change/").status_code == 302
    assert client.get("/admin/dialogues/dialogue/add/").status_code == 403


def test_superusers_see_all(client, dialogue, other_dialogue, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="boss", email="b@example.org", password="x"))
    body = client.get("/admin/dialogues/dialogue/").content.decode()
    assert "Global Dialogue" in body and "Someone else" in body


def test_the_publish_action_asks_for_a_note_then_publishes(client, dialogue, coordinator):
    client.force_login(coordinator)
    data = {"action": "publish_version", ACTION_CHECKBOX_NAME: [dialogue.pk], "index": 0}
    confirm = client.post("/admin/dialogues/dialogue/", data)
    assert confirm.status_code == 200 and "Publish" in confirm.content.decode()
    assert dialogue.versions.count() == 1
    response = client.post(
        "/admin/dialogues/dialogue/",
        {"action": "publish_version", ACTION_CHECKBOX_NAME: [dialogue.pk], "apply": "1", "note": "From the admin"},
        follow=True,
    )
    assert "version 2 is published" in response.content.decode()
    assert dialogue.latest_version().note == "From the admin"


def test_the_event_form_shows_the_dialogue_fields(client, dialogue, django_user_model):
    organisation, user = make_partner(dialogue, "Partner France", "fr-partner", django_user_model)
    event = make_site(dialogue, organisation, "paris", country="France", continent="europe", tags="G20")
    client.force_login(user)
    body = client.get(f"/admin/sessions_app/event/{event.pk}/change/").content.decode()
    assert 'name="country"' in body and 'name="continent"' in body and 'name="tags"' in body
    assert 'name="dialogue"' not in body and 'name="dialogue_version"' not in body  # read-only
    assert "Global Dialogue" in body
