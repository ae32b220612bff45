"""Attacks on group results: absurd numbers, invisible characters, deep JSON, a reused key,
and results stored before the checks (or by hand) that must never break anyone's page."""

import json
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from results.answers import COUNT_MAX, validate_group_results
from results.models import NoteRevision, PlenarySettings, SessionTally
from results.selectors import group_answer_limit, session_question_specs
from results.services import api_token_create, note_submit
from tests.factories import make_groups, make_submission
from tests.helpers import log_in_as
from tests.results import notes_fixtures

pytestmark = pytest.mark.django_db
questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures

NINES = "9" * 4300


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def q1(**counts):
    return {"answers": {"q1": {"counts": counts}}}


@pytest.fixture
def api(client, event, teams, questionnaire):
    """Posts a raw body to the API for the first team's group (4 people may answer: 3 + the note taker)."""
    _token, key = api_token_create(event=event, name="Partner")
    target = reverse("api_submit", args=[event.slug, teams["group"].pk, questionnaire.code])

    def post(body: str):
        return client.post(target, body, content_type="application/json", **auth(key))

    return post


def body(data, key=None) -> str:
    return json.dumps({"idempotency_key": str(key or uuid.uuid4()), "data": data})


# --- The validator, the one every writer shares ------------------------------------------------


def test_a_count_is_at_most_the_groups_size(event, teams, questionnaire):
    specs = session_question_specs(questionnaire)
    assert group_answer_limit(teams["group"]) == 4  # three participants and the note taker, not the facilitator
    _clean, errors = validate_group_results(specs, q1(opportunity=4), limit=4)
    assert errors == []
    _clean, errors = validate_group_results(specs, q1(opportunity=5), limit=4)
    assert [error.field for error in errors] == ["answers.q1.counts"] and "at most 4" in errors[0].message
    _clean, errors = validate_group_results(specs, {"answers": {"q2": {"counts": {"media": 5}, "valid": 5}}}, limit=4)
    assert [error.field for error in errors] == ["answers.q2.valid"]


def test_without_a_group_every_figure_is_still_capped(session):
    specs = session_question_specs(session)
    _clean, errors = validate_group_results(specs, q1(opportunity=COUNT_MAX))
    assert errors == []
    for value in (COUNT_MAX + 1, 1_000_000, int(NINES), NINES, "9" * 5000, -1, 2.5, True, None, [], {}):
        clean, errors = validate_group_results(specs, q1(opportunity=value))
        assert [error.field.split(".")[2] for error in errors] in (["counts"], ["counts"]) and clean == {"answers": {}}


def test_answers_must_be_consistent(session):
    """choices <= answered <= group size; for multiple choice each option <= answered, and the
    choices in all <= answered × max choices."""
    specs = session_question_specs(session)  # q2: multiple choice, at most 2 of 5
    ok = {"answers": {"q2": {"counts": {"governments": 3, "platforms": 3}, "valid": 3}}}
    assert validate_group_results(specs, ok, limit=3)[1] == []
    too_many_choices = {"answers": {"q2": {"counts": {"governments": 3, "platforms": 3, "media": 1}, "valid": 3}}}
    assert [e.field for e in validate_group_results(specs, too_many_choices, limit=3)[1]] == ["answers.q2.counts"]
    one_option_beyond = {"answers": {"q2": {"counts": {"governments": 4}, "valid": 3}}}
    fields = [e.field for e in validate_group_results(specs, one_option_beyond, limit=5)[1]]
    assert fields == ["answers.q2.counts.governments"]
    answered_beyond_the_group = {"answers": {"q2": {"counts": {"governments": 4}, "valid": 4}}}
    assert [e.field for e in validate_group_results(specs, answered_beyond_the_group, limit=3)[1]] == [
        "answers.q2.valid"
    ]


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "ok \udfff"])
def test_texts_that_postgresql_cannot_store_are_refused(session, text):
    _clean, errors = validate_group_results(session_question_specs(session), {"answers": {"q5": {"text": text}}})
    assert [error.field for error in errors] == ["answers.q5.text"]


# --- Through the API and the note taker's form --------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "raw, field",
    [
        (body(q1(opportunity=int(NINES))), ""),  # a 4,300-digit number: refused before any int()
        (body(q1(opportunity=NINES)), "answers.q1.counts.opportunity"),
        (body(q1(opportunity="9" * 5000)), "answers.q1.counts.opportunity"),
        (body(q1(opportunity=1_000_000)), "answers.q1.counts"),  # a group of four
        (body(q1(opportunity=5)), "answers.q1.counts"),
        (body({"answers": {"q5": {"text": "key\u0000points"}}}), "answers.q5.text"),
        (body({"answers": {"q5": {"text": "\ud800"}}}), "answers.q5.text"),
        (body({"answers": {"q\u0000": {}}}), "answers.q\\u0000"),  # the name as its escape, safe to show
        ('{{"idempotency_key": "{}", "data": {}}}'.format(uuid.uuid4(), "[" * 30 + "]" * 30), ""),
        (body({"answers": {"q1": {"counts": {"opportunity": float("nan")}}}}), ""),
    ],
)
def test_the_api_refuses_absurd_input_with_a_field_error_and_writes_nothing(api, teams, raw, field):
    response = api(raw)
    assert response.status_code == 400, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not NoteRevision.objects.exists() and not SessionTally.objects.exists()


@pytest.mark.postgres
def test_the_note_takers_form_refuses_invisible_characters_in_drafts_and_submissions(
    client, event, teams, questionnaire, note_taker
):
    log_in_as(client, note_taker)
    args = [event.slug, teams["group"].pk, questionnaire.code]
    draft = client.post(
        reverse("notes_draft", args=args),
        json.dumps({"base_version": 0, "data": {"answers": {"q5": {"text": "a\u0000b"}}}}),
        content_type="application/json",
    )
    assert draft.status_code == 400
    assert [error["field"] for error in draft.json()["errors"]] == ["answers.q5.text"]
    submitted = client.post(
        reverse("notes_submit", args=args),
        json.dumps({"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": q1(opportunity=NINES)}),
        content_type="application/json",
    )
    assert submitted.status_code == 400
    assert [error["field"] for error in submitted.json()["errors"]] == ["answers.q1.counts.opportunity"]
    assert not NoteRevision.objects.exists()
    assert teams["group"].note_submissions.filter(version__gt=0).count() == 0


# --- One idempotency key, one content -------------------------------------------------------------


def test_a_correction_under_a_used_key_is_refused_never_answered_with_the_old_data(api, teams):
    key = uuid.uuid4()
    first = api(body(q1(opportunity=2, threat=1), key))
    again = api(body(q1(opportunity=2, threat=1), key))
    corrected = api(body(q1(opportunity=1, threat=2), key))
    assert (first.status_code, again.status_code) == (201, 200)
    assert corrected.status_code == 422
    assert [error["field"] for error in corrected.json()["errors"]] == ["idempotency_key"]
    assert "used for other data" in corrected.json()["errors"][0]["message"]
    assert NoteRevision.objects.get().data["answers"]["q1"]["counts"]["opportunity"] == 2


def test_the_form_gets_422_too(client, event, teams, questionnaire, note_taker):
    log_in_as(client, note_taker)
    target = reverse("notes_submit", args=[event.slug, teams["group"].pk, questionnaire.code])
    key = str(uuid.uuid4())

    def send(data, base_version):
        payload = {"idempotency_key": key, "base_version": base_version, "data": data}
        return client.post(target, json.dumps(payload), content_type="application/json")

    assert send(q1(opportunity=1), 0).status_code == 201
    assert send(q1(threat=1), 1).status_code == 422


# --- Paper tables: their declared size is the bound -------------------------------------------


def test_a_paper_tables_count_is_at_most_its_declared_size(event, session, organiser, client):
    from results.paper_tables import paper_groups_create
    from results.paper_tallies import paper_tallies_import

    client.force_login(organiser)
    response = client.post(reverse("paper_tables_create", args=[event.slug]), {"count": "2", "table_size": "6"})
    assert response.status_code == 302
    table = group_answer_limit(event.groups.get(number=1))
    assert table == 6
    csv = b"group,question,option,count,valid,text\n1,q1,opportunity,6,,\n2,q1,threat,7,,\n"
    result = paper_tallies_import(event=event, session=session, data=csv)
    assert not result.ok and [(e.line, e.column) for e in result.errors] == [(3, "count")]
    assert "at most 6" in result.errors[0].message
    with pytest.raises(ValueError):
        paper_groups_create(event=event, count=1, table_size=COUNT_MAX + 1)
    refused = client.post(reverse("paper_tables_create", args=[event.slug]), {"count": "2", "table_size": "9" * 4400})
    assert refused.status_code == 302


# --- Reading is total: stored results that fail the checks are left out, never a 500 -----------


def _poison(revision: NoteRevision, raw_json: str) -> None:
    """Store what no check would let through, as a revision written by hand in the database."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE results_noterevision SET data = %s::jsonb WHERE id = %s", [raw_json, revision.pk])


@pytest.mark.postgres
@pytest.mark.parametrize(
    "raw_json",
    [
        '{"answers": {"q1": {"counts": {"opportunity": %s}}}}' % ("9" * 5000),  # Python cannot read it
        f'{{"answers": {{"q1": {{"counts": {{"opportunity": {NINES}}}}}}}}}',  # it can, but no sum of it can be written
        '{"answers": {"q1": {"counts": {"opportunity": 1000000}}, "q5": {"text": 42}}}',
        '"not an object"',
        '{"answers": {"q5": {"text": ["a"]}, "q4": {"ranking": "education"}}}',
    ],
)
def test_a_stored_revision_that_fails_the_checks_breaks_no_page(client, event, session, organiser, raw_json):
    good, bad = make_groups(event, 2)
    note_submit(group=good, session=session, data=q1(opportunity=3, threat=1), idempotency_key=uuid.uuid4())
    _poison(make_submission(bad, session, q1(threat=1)), raw_json)
    SessionTally.objects.update(questions_key="")  # as after a change outside a submission
    PlenarySettings.objects.create(event=event, results_visible=True)
    client.force_login(organiser)
    pages = [reverse("plenary", args=[event.slug, event.plenary_token]), reverse("results_print", args=[event.slug])]
    pages += [
        reverse("results_export", args=[event.slug, name])
        for name in ("questions.csv", "questions.json", "groups.csv", "groups.json", "key-points.csv", "key-points.md")
    ]
    pages += [reverse("api_results", args=[event.slug]), reverse("control_room", args=[event.slug])]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    results = client.get(reverse("api_results", args=[event.slug])).json()
    q = results["sessions"][0]["questions"][0]
    assert q["respondents"] == 4 and q["options"][0]["count"] == 3  # the good group's results, only
    assert results["sessions"][0]["invalid"][0]["group"] == str(bad)
    control = client.get(reverse("control_room", args=[event.slug])).content.decode()
    assert 'id="results-set-aside"' in control and f"{bad}, session {session.code}" in control
    # Another group's next submission is counted as usual.
    note_submit(group=good, session=session, data=q1(opportunity=1), idempotency_key=uuid.uuid4())
    after = client.get(reverse("api_results", args=[event.slug])).json()["sessions"][0]["questions"][0]
    assert after["respondents"] == 1


@pytest.mark.postgres
def test_a_tally_counted_before_the_checks_is_counted_again(client, event, session, organiser):
    (group,) = make_groups(event, 1)
    note_submit(group=group, session=session, data=q1(opportunity=2), idempotency_key=uuid.uuid4())
    poisoned = '{"groups": 1, "questions": {"q1": {"groups": 1, "valid": %s}}}' % ("9" * 5000)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE results_sessiontally SET data = %s::jsonb, questions_key = 'old'", [poisoned])
    PlenarySettings.objects.create(event=event, results_visible=True)
    page = client.get(reverse("plenary", args=[event.slug, event.plenary_token]))
    assert page.status_code == 200
    assert SessionTally.objects.get().data["questions"]["q1"]["valid"] == 2
