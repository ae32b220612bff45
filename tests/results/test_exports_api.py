"""Exports (CSV formula-safe, JSON, Markdown, printable) and the JSON API with tokens."""

import csv
import io
import json
import uuid

import pytest
from django.urls import reverse

from infrastructure.csvfiles import safe_cell
from results.models import ApiToken, NoteRevision, PlenarySettings, ReferenceDataset, ReferenceResult
from results.services import api_token_create
from tests.factories import make_groups, make_submission

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil")'
DATA = {
    "answers": {
        "q1": {"counts": {"opportunity": 3, "threat": 1}},
        "q4": {"ranking": ["education", "design", "regulation", "fact-checking"]},
        "q5": {"text": EVIL},
        "q6": {"text": "@SUM(1)\n# not a heading"},
    }
}


@pytest.fixture
def results(event, session):
    g1, g2 = make_groups(event, 2)
    make_submission(g1, session, DATA)
    return g1, g2


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\t=1"])
def test_formula_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("fine") == "fine" and safe_cell(3) == 3


def test_key_points_csv_and_markdown_are_safe(client, organiser, event, results):
    client.force_login(organiser)
    response = client.get(reverse("results_export", args=[event.slug, "key-points.csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["text"] for row in rows} == {"'" + EVIL, "'@SUM(1)\n# not a heading"}
    markdown = client.get(reverse("results_export", args=[event.slug, "key-points.md"])).content.decode()
    assert "\\# not a heading" in markdown and "## Group 1" in markdown


def test_questions_and_groups_exports(client, organiser, event, results):
    client.force_login(organiser)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("results_export", args=[event.slug, "questions.csv"])).content.decode())
        )
    )
    opportunity = next(r for r in rows if r["question_code"] == "q1" and r["option_code"] == "opportunity")
    assert opportunity["count"] == "3" and opportunity["percent"] == "75.0" and opportunity["n"] == "4"
    education = next(r for r in rows if r["question_code"] == "q4" and r["option_code"] == "education")
    assert education["ranked_first"] == "1" and education["ranked_first_percent"] == "100.0"
    data = client.get(reverse("results_export", args=[event.slug, "questions.json"])).json()
    assert data["sessions"][0]["groups_submitted"] == 1
    groups = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("results_export", args=[event.slug, "groups.csv"])).content.decode())
        )
    )
    assert any(r["question_code"] == "q4" and r["option_code"] == "design" and r["rank"] == "2" for r in groups)
    by_group = client.get(reverse("results_export", args=[event.slug, "groups.json"])).json()
    assert by_group["groups"][0]["revision"] == 1 and by_group["groups"][0]["data"]["answers"]["q5"]["text"] == EVIL
    page = client.get(reverse("results_print", args=[event.slug])).content.decode()
    assert "75.0" in page and "&quot;http://evil&quot;" in page and EVIL not in page


def test_the_printable_report_draws_every_figure_and_the_plenarys_comparison(client, organiser, event, results):
    client.force_login(organiser)
    page = client.get(reverse("results_print", args=[event.slug])).content.decode()
    # A bar (an SVG whose figure is written beside it) per option, no comparison yet.
    assert '<rect width="75.0%"' in page and '<rect width="25.0%"' in page
    assert "Compared with" not in page and "no data" not in page

    dataset = ReferenceDataset.objects.create(title="Citizens <2020>", illustrative=True)
    ReferenceResult.objects.create(
        dataset=dataset, question_code="q1", option_code="opportunity", scope="global", percent=62.5, n=5000
    )
    PlenarySettings.objects.create(event=event, reference_dataset=dataset, scope="global")
    page = client.get(reverse("results_print", args=[event.slug])).content.decode()
    assert "Compared with: Citizens &lt;2020&gt;" in page and "illustrative only" in page
    assert '<rect width="62.5%"' in page and "62.5" in page
    assert "no data" in page  # "threat" has no reference figure: said, not drawn as 0
    assert "data-print>Print or save as PDF" in page


def test_exports_are_for_the_events_organisers_only(client, other_organiser, participant, event, results):
    for name in ["questions.csv", "key-points.md"]:
        assert client.get(reverse("results_export", args=[event.slug, name])).status_code == 302  # to login
    client.force_login(other_organiser)
    assert client.get(reverse("results_export", args=[event.slug, "questions.csv"])).status_code == 404
    assert client.get(reverse("results_print", args=[event.slug])).status_code == 404


# --- API ------------------------------------------------------------------------------------


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_tokens_are_stored_hashed(event):
    token, key = api_token_create(event=event, name="Partner tool")
    assert key not in token.key_hash and token.prefix == key[:8]
    assert ApiToken.objects.get().key_hash == token.key_hash


def test_the_api_reads_results_with_a_token_or_an_organiser_session(client, event, results, organiser, other_organiser):
    _token, key = api_token_create(event=event, name="Partner")
    target = reverse("api_results", args=[event.slug])
    body = client.get(target, **auth(key)).json()
    assert body["sessions"][0]["questions"][0]["options"][0]["count"] == 3
    assert [g["number"] for g in body["groups"]] == [1, 2]
    assert client.get(target).status_code == 401
    assert client.get(target, **auth("wti_wrong")).status_code == 401
    assert client.get(target + "?weighting=nope", **auth(key)).status_code == 400
    client.force_login(organiser)
    assert client.get(target).status_code == 200
    client.force_login(other_organiser)
    assert client.get(target).status_code == 404


def test_a_token_opens_only_its_event(client, event, results, other_organiser):
    from sessions_app.models import Event

    _token, key = api_token_create(event=Event.objects.get(slug="other"), name="Other")
    assert client.get(reverse("api_results", args=[event.slug]), **auth(key)).status_code == 404
    assert client.get(reverse("plenary", args=[event.slug, key])).status_code == 403


def test_a_revoked_token_is_refused(client, event, results):
    from django.utils import timezone

    token, key = api_token_create(event=event, name="Old")
    token.revoked_at = timezone.now()
    token.save()
    assert client.get(reverse("api_results", args=[event.slug]), **auth(key)).status_code == 401


def test_the_api_submits_idempotently(client, event, session, results):
    _g1, g2 = results
    _token, key = api_token_create(event=event, name="Partner")
    target = reverse("api_submit", args=[event.slug, g2.pk, session.code])
    body = {"idempotency_key": str(uuid.uuid4()), "data": {"answers": {"q1": {"counts": {"both": 2}}}}}
    first = client.post(target, json.dumps(body), content_type="application/json", **auth(key))
    again = client.post(target, json.dumps(body), content_type="application/json", **auth(key))
    assert first.status_code == 201 and again.status_code == 200
    assert NoteRevision.objects.filter(submission__group=g2).count() == 1


@pytest.mark.parametrize(
    "body, status, field",
    [
        ("not json", 400, ""),
        ("[]", 400, ""),
        (json.dumps({"data": {"answers": {}}}), 400, "idempotency_key"),
        (json.dumps({"idempotency_key": "x", "data": {}}), 400, "idempotency_key"),
        (json.dumps({"idempotency_key": str(uuid.uuid4()), "data": {"answers": {"q9": {}}}}), 400, "answers.q9"),
        (
            json.dumps({"idempotency_key": str(uuid.uuid4()), "data": {"answers": {"q1": {"counts": {"both": -1}}}}}),
            400,
            "answers.q1.counts.both",
        ),
        (json.dumps({"idempotency_key": str(uuid.uuid4()), "data": "x"}), 400, ""),
        (json.dumps({"idempotency_key": str(uuid.uuid4()), "data": {}, "extra": 1}), 400, "extra"),
        ("[" * 100_000, 400, ""),
        ("x" * 300_000, 413, ""),
    ],
)
def test_bad_api_input_gets_4xx_with_field_errors(client, event, session, results, body, status, field):
    _g1, g2 = results
    _token, key = api_token_create(event=event, name="Partner")
    target = reverse("api_submit", args=[event.slug, g2.pk, session.code])
    response = client.post(target, body, content_type="application/json", **auth(key))
    assert response.status_code == status
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not NoteRevision.objects.filter(submission__group=g2).exists()


def test_the_api_refuses_unknown_groups_sessions_and_missing_tokens(client, event, session, results):
    g1, _g2 = results
    _token, key = api_token_create(event=event, name="Partner")
    body = json.dumps({"idempotency_key": str(uuid.uuid4()), "data": {"answers": {}}})
    for args in [(event.slug, 10**30, session.code), (event.slug, g1.pk, "nope"), ("other", g1.pk, session.code)]:
        response = client.post(reverse("api_submit", args=args), body, content_type="application/json", **auth(key))
        assert response.status_code == 404
    response = client.post(
        reverse("api_submit", args=[event.slug, g1.pk, session.code]), body, content_type="application/json"
    )
    assert response.status_code == 401
    assert client.get(reverse("api_submit", args=[event.slug, g1.pk, session.code]), **auth(key)).status_code == 405


def test_the_schema_describes_both_operations(client):
    schema = client.get(reverse("api_schema")).json()
    assert schema["openapi"].startswith("3.")
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operations == {"getEventResults", "submitGroupResults"}
