"""Invisible characters, deep JSON and odd line endings in every text and JSON input: a field
error (or a 400 naming the parameter), never a 500, on PostgreSQL as on SQLite."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from infrastructure.cleaning import JSON_MAX_DEPTH, JsonRefused, json_problems, safe_json_loads, text_problem
from results.models import ReferenceDataset, ReferenceResult
from results.questionnaire import questionnaire_import
from results.reference_import import reference_import_csv
from sessions_app.models import DiversityAttribute, Participant
from sessions_app.people_import import participants_import_csv
from sessions_app.translations import translations_export_po, translations_import_csv, translations_import_po
from tests.factories import make_questionnaire

pytestmark = pytest.mark.django_db


# --- The shared helpers ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a\x00", "\ud800", "x\udfffy"])
def test_text_problem_names_the_character(text):
    assert text_problem(text) and text_problem("plain é 漢字 🙂") is None


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": "\\u0000"}',
        b'{"\\ud800": 1}',
        b'{"a": ["\\udc00"]}',
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b'{"a": 1' + b"0" * 40 + b"}",
        b"[" * (JSON_MAX_DEPTH + 1) + b"]" * (JSON_MAX_DEPTH + 1),
        b"[" * 200_000,
        b"\xff\xfe",
        b"{",
    ],
)
def test_safe_json_loads_refuses_what_the_database_or_a_reader_cannot_take(raw):
    with pytest.raises(JsonRefused) as refused:
        safe_json_loads(raw)
    assert refused.value.problems


def test_safe_json_loads_takes_ordinary_documents_and_strings_with_brackets():
    assert safe_json_loads('{"text": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "n": -12, "x": 1.5}')["n"] == -12
    assert json_problems({"a": [{"b": "ok"}]}) == []
    assert json_problems({"a": {"b": "\x00"}}) == [("a.b", text_problem("\x00"))]


# --- Query parameters -------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client, organiser, event):
    make_questionnaire(event)
    client.force_login(organiser)
    for target in (
        reverse("paper_tallies", args=[event.slug]) + "?session=%00",
        reverse("paper_tallies_template", args=[event.slug]) + "?session=a%00b",
        reverse("results_export", args=[event.slug, "questions.json"]) + "?weighting=%00",
        "/admin/sessions_app/participant/?q=%00",
        "/?x%00=1",
    ):
        response = client.get(target)
        assert response.status_code == 400, target
        assert "NUL" in response.content.decode()
    api = client.get(reverse("api_results", args=[event.slug]) + "?weighting=%00")
    assert api.status_code == 400 and api.json()["errors"][0]["field"] == "weighting"


@pytest.mark.postgres
def test_a_nul_in_a_posted_form_is_a_400(client, organiser, event):
    make_questionnaire(event)
    client.force_login(organiser)
    response = client.post(reverse("paper_tables_create", args=[event.slug]), {"count": "2\x00"})
    assert response.status_code == 400
    upload = SimpleUploadedFile("t.csv", b"group,question,option,count\n", content_type="text/csv")
    response = client.post(reverse("paper_tallies", args=[event.slug]), {"session": "\x00", "file": upload})
    assert response.status_code == 400


# --- Files: people, paper tallies, reference results, translations (CSV and PO), questionnaire ----


@pytest.fixture
def gender(event):
    return DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman")


@pytest.mark.postgres
def test_a_nul_in_an_uploaded_file_is_refused_with_its_line(event, gender):
    result = participants_import_csv(event=event, data=b"first_name,gender\nAda,woman\nB\x00b,man\n")
    assert not result.ok and "line 3" in str(result.errors[0]) and "NUL" in str(result.errors[0])
    assert not Participant.objects.exists()
    session = make_questionnaire(event)
    dataset = ReferenceDataset.objects.create(title="R")
    refused = reference_import_csv(
        dataset=dataset, data=b"question_code,option_code,scope,n,count\nq1\x00,a,global,5,1\n"
    )
    assert not refused.ok and not ReferenceResult.objects.exists()
    assert not translations_import_csv(event=event, data=b"object,session,question,option,field,original,fr\n\x00").ok
    po = translations_export_po(event=event, language="fr").replace('msgstr ""\n\n', 'msgstr "a\x00"\n\n', 1)
    assert not translations_import_po(event=event, data=po.encode()).ok
    assert session.title == "Shaping the digital public sphere"


@pytest.mark.postgres
def test_cr_only_line_endings_are_read(event, gender):
    """Files saved by old spreadsheets end their lines with CR alone."""
    data = b"first_name,gender\rAda,woman\rBob,man\r"
    result = participants_import_csv(event=event, data=data)
    assert result.ok and result.created == 2
    assert sorted(Participant.objects.values_list("first_name", flat=True)) == ["Ada", "Bob"]


@pytest.mark.postgres
def test_cr_only_paper_and_reference_files_are_read(client, organiser, event):
    from results.paper_tables import paper_groups_create
    from results.paper_tallies import paper_tallies_import

    session = make_questionnaire(event)
    paper_groups_create(event=event, count=1, table_size=5)
    result = paper_tallies_import(
        event=event, session=session, data=b"group,question,option,count\r1,q1,opportunity,3\r1,q1,threat,1\r"
    )
    assert result.ok and len(result.updated) == 1
    dataset = ReferenceDataset.objects.create(title="R")
    data = b"question_code,option_code,scope,n,count\rq1,opportunity,global,10,4\r"
    assert reference_import_csv(dataset=dataset, data=data).ok


def test_a_line_the_csv_reader_cannot_read_is_a_field_error(event, gender):
    big = b"first_name,gender\n" + b"A" * 200_000 + b",woman\n"
    result = participants_import_csv(event=event, data=big)
    assert not result.ok and result.errors[0].line == 2
    quoted = participants_import_csv(event=event, data=b'first_name,gender\n"Ada\n')
    assert quoted.ok or quoted.errors  # never an exception


def test_a_po_syntax_error_never_shows_a_server_path(event):
    make_questionnaire(event)
    result = translations_import_po(event=event, data=b'msgid "a"\nmsgstr "b"\nmsgid "unterminated\n')
    assert not result.ok
    message = str(result.errors[0])
    assert "/tmp" not in message and ".po" not in message and "tmp" not in message


@pytest.mark.postgres
def test_a_questionnaire_file_with_invisible_characters_or_deep_nesting_is_refused(event):
    document = {"sessions": [{"code": "s1", "title": "T\x00", "questions": []}]}
    result = questionnaire_import(event=event, data=json.dumps(document))
    assert not result.ok and result.errors[0].field == "sessions[0].title"
    deep = questionnaire_import(event=event, data="[" * 50 + "]" * 50)
    assert not deep.ok
    lone = questionnaire_import(event=event, data='{"sessions": [{"code": "s1", "title": "\\ud83d"}]}')
    assert not lone.ok and lone.errors[0].field == "sessions[0].title"
    assert not event.sessions.exists()


# --- Admin JSON fields -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "value",
    ['{"gender": "\\u0000"}', '{"\\ud800": "x"}', '{"a": ' + "9" * 5000 + "}", "[" * 40 + "]" * 40],
)
def test_the_admins_json_fields_give_a_field_error(client, organiser, event, value):
    person = Participant.objects.create(event=event, first_name="Ada")
    client.force_login(organiser)
    target = f"/admin/sessions_app/participant/{person.pk}/change/"
    page = client.get(target)
    assert page.status_code == 200
    form = {
        "event": event.pk,
        "first_name": "Ada",
        "role": "participant",
        "attributes": value,
        "languages": "",
        "timezone": "",
    }
    response = client.post(target, form)
    assert response.status_code == 200  # the form again, with the error beside the field
    assert "errorlist" in response.content.decode()
    person.refresh_from_db()
    assert person.attributes == {}
