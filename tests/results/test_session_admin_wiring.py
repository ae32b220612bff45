"""Questionnaire export and import through the Session admin, end to end."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from results.questionnaire import questionnaire_export
from sessions_app.models import Event, Session

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/sessions_app/session/"
IMPORT = "/admin/sessions_app/session/import-json/"


def test_the_changelist_offers_export_and_import(client, organiser, session):
    client.force_login(organiser)
    page = client.get(CHANGELIST).content.decode()
    assert f'href="{IMPORT}"' in page
    assert 'value="export_sessions_as_json"' in page


def test_the_export_action_downloads_json(client, organiser, session):
    client.force_login(organiser)
    response = client.post(CHANGELIST, {"action": "export_sessions_as_json", "_selected_action": [session.pk]})
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == questionnaire_export([session])


def test_an_outsider_cannot_export_another_partners_sessions(client, other_organiser, session):
    client.force_login(other_organiser)
    response = client.post(CHANGELIST, {"action": "export_sessions_as_json", "_selected_action": [session.pk]})
    assert response.status_code == 302 and "digital-public-sphere" not in response.content.decode()
    assert "No session of yours was selected." in client.get(response["Location"]).content.decode()


def test_import_creates_the_sessions_in_the_chosen_event(client, organiser, session):
    client.force_login(organiser)
    other = Event.objects.create(
        organisation=session.event.organisation,
        title="Day 1",
        slug="day-1",
        starts_at=session.event.starts_at,
        ends_at=session.event.ends_at,
    )
    data = json.dumps(questionnaire_export([session])).encode()
    response = client.post(IMPORT, {"event": other.pk, "file": SimpleUploadedFile("q.json", data)})
    assert response.status_code == 302
    imported = Session.objects.get(event=other)
    assert questionnaire_export([imported]) == questionnaire_export([session])
    assert "Imported into Day 1" in client.get(response["Location"]).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, event):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "/login/" in response["Location"]
