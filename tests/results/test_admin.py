"""Admin imports and exports: reference results (superusers) and questionnaires (organisers)."""

import json

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile

from results.models import ReferenceDataset, ReferenceResult
from results.questionnaire import questionnaire_export
from results.questionnaire_admin import export_sessions_as_json, questionnaire_import_view
from sessions_app.models import Event, Session

pytestmark = pytest.mark.django_db

GOOD_CSV = b"question_code,option_code,scope,scope_name,count,percent,n\nq1,threat,global,,9,,100\n"
BAD_CSV = b"question_code,option_code,scope,scope_name,count,percent,n\nq1,threat,planet,,9,,100\nq1,both,global,,,,\n"


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(username="coalition", email="c@example.org", password="x" * 12)


@pytest.fixture
def dataset():
    return ReferenceDataset.objects.create(title="Citizens 2020")


def upload(content, name="results.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_a_superuser_imports_reference_results(client, superuser, dataset):
    client.force_login(superuser)
    url = f"/admin/results/referencedataset/{dataset.pk}/import/"
    assert url in client.get(f"/admin/results/referencedataset/{dataset.pk}/change/").content.decode()
    response = client.post(url, {"file": upload(GOOD_CSV)})
    assert response.status_code == 302 and response["Location"].endswith(f"/referencedataset/{dataset.pk}/change/")
    assert dataset.results.get().count == 9


def test_a_bad_file_lists_every_problem_and_writes_nothing(client, superuser, dataset):
    client.force_login(superuser)
    response = client.post(f"/admin/results/referencedataset/{dataset.pk}/import/", {"file": upload(BAD_CSV)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "3 problems to fix. Nothing was written." in page
    assert "line 2, scope: “planet” is not a scope" in page
    assert "line 3, n: N, the number of answers, is required." in page
    assert "line 3, count: give a count or a percent (or both)." in page
    assert not ReferenceResult.objects.exists()


def test_an_organiser_may_read_datasets_but_not_import(client, organiser, dataset):
    client.force_login(organiser)
    assert client.get(f"/admin/results/referencedataset/{dataset.pk}/change/").status_code == 200
    url = f"/admin/results/referencedataset/{dataset.pk}/import/"
    response = client.post(url, {"file": upload(GOOD_CSV)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not ReferenceResult.objects.exists()
    assert client.post("/admin/results/referencedataset/illustrative-demo/").status_code == 302
    assert not ReferenceDataset.objects.filter(illustrative=True).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, dataset):
    response = client.post(f"/admin/results/referencedataset/{dataset.pk}/import/", {"file": upload(GOOD_CSV)})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ReferenceResult.objects.exists()


def test_a_superuser_creates_the_illustrative_dataset_which_says_so(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/results/referencedataset/illustrative-demo/").status_code == 405
    response = client.post("/admin/results/referencedataset/illustrative-demo/")
    dataset = ReferenceDataset.objects.get(illustrative=True)
    assert response["Location"].endswith(f"/referencedataset/{dataset.pk}/change/")
    page = client.get(response["Location"]).content.decode()
    assert "these figures are made up" in page


# Questionnaire export and import (wired into SessionAdmin by sessions_app/admin.py) --------------


def admin_request(rf, user, method="get", data=None):
    request = getattr(rf, method)("/admin/sessions_app/session/import-json/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def session_admin():
    return admin.site._registry[Session]


def test_export_action_downloads_the_selected_sessions(rf, organiser, session, session_admin):
    response = export_sessions_as_json(session_admin, admin_request(rf, organiser), Session.objects.all())
    assert response["Content-Disposition"] == 'attachment; filename="day-0-digital-public-sphere.json"'
    assert json.loads(response.content) == questionnaire_export([session])


def test_an_organiser_imports_a_questionnaire_into_their_event(rf, organiser, event, session, session_admin):
    data = json.dumps(questionnaire_export([session])).replace("digital-public-sphere", "copy").encode()
    request = admin_request(rf, organiser, "post", {"event": event.pk, "file": upload(data, "q.json")})
    response = questionnaire_import_view(session_admin, request)
    assert response.status_code == 302 and response["Location"].endswith(f"?event__id__exact={event.pk}")
    assert Session.objects.get(code="copy").questions.count() == 6


def test_a_bad_questionnaire_lists_its_problems(rf, organiser, event, session, session_admin):
    document = questionnaire_export([session])
    document["sessions"][0]["questions"][0]["kind"] = "matrix"
    request = admin_request(rf, organiser, "post", {"event": event.pk, "file": upload(json.dumps(document).encode())})
    response = questionnaire_import_view(session_admin, request)
    assert response.status_code == 400
    page = response.render().content.decode()
    assert "sessions[0].code: this event already has a session" in page
    assert "sessions[0].questions[0].kind: unknown kind" in page
    assert Session.objects.count() == 1


def test_an_organiser_cannot_import_into_another_partners_event(rf, organiser, other_organiser, session, session_admin):
    other_event = Event.objects.get(slug="other")
    data = json.dumps(questionnaire_export([session])).encode()
    request = admin_request(rf, organiser, "post", {"event": other_event.pk, "file": upload(data, "q.json")})
    response = questionnaire_import_view(session_admin, request)
    assert response.status_code == 200
    assert "Select a valid choice" in response.render().content.decode()
    assert not Session.objects.filter(event=other_event).exists()


def test_the_import_form_offers_only_the_organisers_events(rf, other_organiser, event, session_admin):
    response = questionnaire_import_view(session_admin, admin_request(rf, other_organiser))
    page = response.render().content.decode()
    assert "Other event" in page and event.title not in page


def test_someone_who_organises_nothing_is_refused(rf, django_user_model, session_admin):
    stranger = django_user_model.objects.create_user(username="stranger", password="x" * 12, is_staff=True)
    response = questionnaire_import_view(session_admin, admin_request(rf, stranger))
    assert response.status_code == 302 and response["Location"] == "/admin/"
