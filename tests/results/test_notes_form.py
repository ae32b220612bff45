"""The note taker's form: who may open it, drafts, conflicts, submissions, revisions."""

import json
import uuid

import pytest
from django.urls import reverse

from results.models import NoteRevision, NoteSubmission
from tests.factories import make_person
from tests.helpers import log_in_as
from tests.results import notes_fixtures
from tests.results.notes_fixtures import FULL_ANSWERS

pytestmark = pytest.mark.django_db
questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures


def url(name, event, group, session=None):
    args = [event.slug, group.pk] + ([session.code] if session else [])
    return reverse(name, args=args)


def post_json(client, target, body):
    return client.post(target, json.dumps(body), content_type="application/json")


@pytest.fixture
def writer(client, note_taker, teams):
    log_in_as(client, note_taker)
    return client


# --- Who may see what -----------------------------------------------------------------------


def test_the_note_taker_gets_a_form_with_every_kind_of_question(writer, event, teams, questionnaire):
    start = writer.get(url("notes_start", event, teams["group"]))
    assert start.status_code == 302 and start.url == url("notes_form", event, teams["group"], questionnaire)
    page = writer.get(start.url)
    assert page.status_code == 200
    html = page.content.decode()
    for code, mode in [("q1", "counts"), ("q2", "counts"), ("q3", "counts"), ("q4", "ranking")]:
        assert f'data-question="{code}" data-mode="{mode}"' in html
    assert 'data-question="q5" data-mode="text"' in html
    assert 'data-question="q7" data-mode="choice"' in html and 'data-question="q8" data-mode="choices"' in html
    assert 'data-readonly="0"' in html and 'id="submit-button"' in html
    assert 'aria-live="polite"' in html


def test_the_facilitator_reads_without_writing(client, event, teams, questionnaire, facilitator):
    log_in_as(client, facilitator)
    page = client.get(url("notes_form", event, teams["group"], questionnaire))
    assert page.status_code == 200 and 'data-readonly="1"' in page.content.decode()
    assert 'id="submit-button"' not in page.content.decode()
    draft = post_json(client, url("notes_draft", event, teams["group"], questionnaire), {"base_version": 0, "data": {}})
    assert draft.status_code == 403
    submit = post_json(
        client,
        url("notes_submit", event, teams["group"], questionnaire),
        {"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": FULL_ANSWERS},
    )
    assert submit.status_code == 403
    assert not NoteRevision.objects.exists()


def test_a_participant_of_the_group_gets_403(client, event, teams, questionnaire, participant):
    log_in_as(client, participant)
    assert client.get(url("notes_form", event, teams["group"], questionnaire)).status_code == 403
    draft = post_json(client, url("notes_draft", event, teams["group"], questionnaire), {"base_version": 0, "data": {}})
    assert draft.status_code == 403


def test_the_note_taker_of_another_group_gets_403(client, event, teams, questionnaire):
    other_taker = make_person(event, role="note_taker", first_name="Otto")
    teams["other_group"].memberships.create(
        participant=other_taker, allocation=teams["other_group"].allocation, role="note_taker"
    )
    log_in_as(client, other_taker)
    assert client.get(url("notes_form", event, teams["group"], questionnaire)).status_code == 403
    assert client.get(url("notes_form", event, teams["other_group"], questionnaire)).status_code == 200


def test_organisers_read_and_another_events_organiser_gets_404(
    client, event, teams, questionnaire, organiser, other_organiser
):
    client.force_login(organiser)
    page = client.get(url("notes_form", event, teams["group"], questionnaire))
    assert page.status_code == 200 and 'data-readonly="1"' in page.content.decode()
    assert (
        post_json(client, url("notes_draft", event, teams["group"], questionnaire), {"base_version": 0}).status_code
        == 403
    )
    client.force_login(other_organiser)
    assert client.get(url("notes_form", event, teams["group"], questionnaire)).status_code == 404
    assert client.get(url("notes_state", event, teams["group"], questionnaire)).status_code == 404


def test_a_stranger_and_a_person_of_another_event_get_403(client, event, teams, questionnaire, outsider):
    assert client.get(url("notes_form", event, teams["group"], questionnaire)).status_code == 403
    log_in_as(client, outsider)
    assert client.get(url("notes_form", event, teams["group"], questionnaire)).status_code == 403


# --- Drafts and conflicts -------------------------------------------------------------------


def test_drafts_save_with_versions_and_come_back_on_reload(writer, event, teams, questionnaire):
    draft_url = url("notes_draft", event, teams["group"], questionnaire)
    half = {"answers": {"q5": {"text": "We talked about tr"}}}
    first = post_json(writer, draft_url, {"base_version": 0, "data": half})
    assert first.status_code == 200 and first.json()["version"] == 1
    more = {"answers": {"q5": {"text": "We talked about trust"}, "q1": {"counts": {"both": "3"}}}}
    second = post_json(writer, draft_url, {"base_version": 1, "data": more})
    assert second.json()["version"] == 2
    state = writer.get(url("notes_state", event, teams["group"], questionnaire)).json()
    assert state["version"] == 2 and state["data"] == more and not state["submitted"]
    page = writer.get(url("notes_form", event, teams["group"], questionnaire))
    initial = json.loads(
        page.content.decode().split('id="notes-initial" type="application/json">')[1].split("</script>")[0]
    )
    assert initial["version"] == 2 and initial["data"] == more


def test_a_stale_draft_gets_409_with_both_versions(writer, event, teams, questionnaire, note_taker):
    draft_url = url("notes_draft", event, teams["group"], questionnaire)
    post_json(writer, draft_url, {"base_version": 0, "data": {"answers": {"q5": {"text": "laptop"}}}})
    mine = {"answers": {"q5": {"text": "phone"}}}
    conflict = post_json(writer, draft_url, {"base_version": 0, "data": mine})
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["server"]["version"] == 1 and body["server"]["data"]["answers"]["q5"]["text"] == "laptop"
    assert body["server"]["updated_by"] == note_taker.first_name
    assert body["yours"] == {"version": 0, "data": mine}
    assert NoteSubmission.objects.get().data["answers"]["q5"]["text"] == "laptop"
    kept = post_json(writer, draft_url, {"base_version": 1, "data": mine})
    assert kept.status_code == 200 and NoteSubmission.objects.get().data == mine


@pytest.mark.parametrize(
    "body, field",
    [
        ({"data": {}}, "base_version"),
        ({"base_version": "1", "data": {}}, "base_version"),
        ({"base_version": 0, "data": []}, "data"),
        ({"base_version": 0, "data": {"answers": "x"}}, "data"),
    ],
)
def test_bad_drafts_get_400_with_the_field(writer, event, teams, questionnaire, body, field):
    response = post_json(writer, url("notes_draft", event, teams["group"], questionnaire), body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_a_draft_that_is_not_json_gets_400(writer, event, teams, questionnaire):
    response = writer.post(
        url("notes_draft", event, teams["group"], questionnaire), "{no", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["errors"]


# --- Submission -----------------------------------------------------------------------------


def test_every_question_kind_is_submitted_through_the_form(writer, event, teams, questionnaire, note_taker):
    response = post_json(
        writer,
        url("notes_submit", event, teams["group"], questionnaire),
        {"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": FULL_ANSWERS},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["revision"] == 1 and body["created"] is True and body["version"] == 1
    answers = NoteRevision.objects.get().data["answers"]
    assert answers["q1"] == {"counts": {"opportunity": 2, "threat": 1, "both": 0, "neither": 0}, "valid": 3}
    assert answers["q2"]["valid"] == 2 and answers["q2"]["counts"]["platforms"] == 1
    assert answers["q3"] == {"counts": {"1": 0, "2": 1, "3": 0, "4": 2, "5": 0}, "valid": 3}
    assert answers["q4"]["ranking"][0] == "education"
    assert answers["q6"] == {"text": "Teach media literacy."}
    assert answers["q7"] == {"choice": "yes"} and answers["q8"] == {"choices": ["a", "c"]}
    submission = NoteSubmission.objects.get()
    assert submission.status == "submitted" and submission.submitted_at is not None
    assert NoteRevision.objects.get().submitted_by == note_taker


def test_the_same_key_twice_makes_one_revision(writer, event, teams, questionnaire):
    body = {"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": FULL_ANSWERS}
    first = post_json(writer, url("notes_submit", event, teams["group"], questionnaire), body)
    retry = post_json(writer, url("notes_submit", event, teams["group"], questionnaire), body)
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json()["revision"] == first.json()["revision"] and retry.json()["created"] is False
    assert NoteRevision.objects.count() == 1


def test_invalid_results_are_refused_field_by_field_and_nothing_is_written(writer, event, teams, questionnaire):
    data = {
        "answers": {
            "q1": {"counts": {"opportunity": "two"}},
            "q2": {"counts": {"governments": 3}, "valid": 1},
            "q4": {"ranking": ["education"]},
            "q5": {"text": "fine"},
        }
    }
    response = post_json(
        writer,
        url("notes_submit", event, teams["group"], questionnaire),
        {"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": data},
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"answers.q1.counts.opportunity", "answers.q2.counts.governments", "answers.q4.ranking"} <= fields
    assert not NoteRevision.objects.exists() and not NoteSubmission.objects.exists()


def test_a_submission_on_a_stale_version_gets_409(writer, event, teams, questionnaire):
    post_json(writer, url("notes_draft", event, teams["group"], questionnaire), {"base_version": 0, "data": {}})
    response = post_json(
        writer,
        url("notes_submit", event, teams["group"], questionnaire),
        {"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": FULL_ANSWERS},
    )
    assert response.status_code == 409 and response.json()["server"]["version"] == 1
    assert not NoteRevision.objects.exists()


def test_a_correction_after_submission_adds_a_revision_shown_to_organisers(
    writer, client, event, teams, questionnaire, organiser
):
    submit_url = url("notes_submit", event, teams["group"], questionnaire)
    first = post_json(
        writer, submit_url, {"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": FULL_ANSWERS}
    )
    corrected = json.loads(json.dumps(FULL_ANSWERS))
    corrected["answers"]["q5"]["text"] = "We talked about trust <b>and</b> doubt."
    draft = post_json(
        writer, url("notes_draft", event, teams["group"], questionnaire), {"base_version": 1, "data": corrected}
    )
    assert draft.json()["version"] == 2
    second = post_json(writer, submit_url, {"idempotency_key": str(uuid.uuid4()), "base_version": 2, "data": corrected})
    assert first.status_code == second.status_code == 201 and second.json()["revision"] == 2
    numbers = list(NoteRevision.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    assert NoteRevision.objects.get(number=1).data["answers"]["q5"]["text"] == "We talked about trust."
    client.force_login(organiser)
    page = client.get(url("notes_form", event, teams["group"], questionnaire)).content.decode()
    assert "History of submissions" in page and "Revision 2" in page and "Revision 1" in page
    assert "&lt;b&gt;and&lt;/b&gt;" in page and "<b>and</b>" not in page


def test_a_key_used_for_another_group_is_refused(client, writer, event, teams, questionnaire):
    key = str(uuid.uuid4())
    post_json(
        writer,
        url("notes_submit", event, teams["group"], questionnaire),
        {"idempotency_key": key, "base_version": 0, "data": FULL_ANSWERS},
    )
    from results import services

    with pytest.raises(services.NotesRefused):
        services.note_submit(
            group=teams["other_group"], session=questionnaire, data=FULL_ANSWERS, idempotency_key=uuid.UUID(key)
        )
    assert NoteRevision.objects.count() == 1


def test_a_retry_racing_its_first_attempt_gets_the_same_revision(event, teams, questionnaire, monkeypatch):
    """The first attempt commits after the retry's first look: the look under the lock finds it."""
    from results import services

    key = uuid.uuid4()
    real_validate = services.validate_group_results
    raced = []

    def validate_while_the_first_attempt_commits(session, data, **kwargs):
        if not raced:
            raced.append(True)
            services.note_submit(group=teams["group"], session=questionnaire, data=data, idempotency_key=key)
        return real_validate(session, data, **kwargs)

    monkeypatch.setattr(services, "validate_group_results", validate_while_the_first_attempt_commits)
    retry = services.note_submit(group=teams["group"], session=questionnaire, data=FULL_ANSWERS, idempotency_key=key)
    assert raced and retry.created is False
    assert NoteRevision.objects.count() == 1 and retry.revision.number == 1


def test_a_unique_key_violation_returns_the_existing_revision(event, teams, questionnaire, monkeypatch):
    """The other attempt commits just before this one inserts: the database refuses the key
    (IntegrityError, simulated at the locked step) and the other attempt's revision is returned."""
    from django.db import IntegrityError

    from results import services

    key = uuid.uuid4()
    real_validate = services.validate_group_results

    def insert_refused(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: results_noterevision.idempotency_key")

    def validate_while_the_other_attempt_commits(session, data, **kwargs):
        monkeypatch.setattr(services, "validate_group_results", real_validate)
        services.note_submit(group=teams["group"], session=questionnaire, data=data, idempotency_key=key)
        monkeypatch.setattr(services, "_note_submit_locked", insert_refused)
        return real_validate(session, data, **kwargs)

    monkeypatch.setattr(services, "validate_group_results", validate_while_the_other_attempt_commits)
    result = services.note_submit(group=teams["group"], session=questionnaire, data=FULL_ANSWERS, idempotency_key=key)
    assert result.created is False and result.revision.number == 1
    assert NoteRevision.objects.count() == 1
