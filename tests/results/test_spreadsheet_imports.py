"""Every import takes spreadsheets as they are saved: semicolons, tabs, a BOM, an .xlsx workbook;
and offers a template. Refused files say why and write nothing (run on PostgreSQL in CI)."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from results.models import NoteRevision, ReferenceDataset, ReferenceResult
from results.paper_tallies import paper_tallies_import
from sessions_app.models import DiversityAttribute, Participant, Question
from sessions_app.people_import import participants_import_csv
from sessions_app.translations import translated
from tests.factories import make_groups
from tests.helpers import without_bom
from tests.results import notes_fixtures

pytestmark = pytest.mark.django_db
questionnaire = notes_fixtures.questionnaire


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def gender(event):
    return DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman\nanother")


# --- People -----------------------------------------------------------------------------------


def test_people_from_french_excel_semicolons_and_bom(event, gender):
    data = "\ufefffirst_name;last_name;email;gender\r\nHélène;Dupré;helene@example.org;woman\r\n".encode()
    result = participants_import_csv(event=event, data=data)
    assert result.ok, result.errors
    assert Participant.objects.get().last_name == "Dupré"


def test_people_from_a_tab_separated_file(event):
    result = participants_import_csv(event=event, data="first_name\tlast_name\nJürgen\tKöhler\n".encode())
    assert result.ok and Participant.objects.get().first_name == "Jürgen"


def test_people_in_cp1252_are_refused_whole_saying_what_to_do(event, gender):
    data = "first_name;last_name\nHélène;Dupré\n".encode("cp1252")
    result = participants_import_csv(event=event, data=data)
    assert not result.ok and "Windows-1252" in str(result.errors[0]) and "CSV UTF-8" in str(result.errors[0])
    assert "unknown column" not in str(result.errors[0])
    assert Participant.objects.count() == 0


def test_people_from_an_xlsx_workbook_through_the_admin(client, organiser, event, gender):
    client.force_login(organiser)
    data = xlsx([["first_name", "email", "gender"], ["Zoé", "zoe@example.org", "woman"], ["Ana", None, None]])
    upload = SimpleUploadedFile("people.xlsx", data)
    response = client.post(reverse("admin:sessions_app_participant_import"), {"event": event.pk, "file": upload})
    assert response.status_code == 302
    assert sorted(Participant.objects.values_list("first_name", flat=True)) == ["Ana", "Zoé"]


def test_an_xlsx_with_a_bad_row_is_refused_whole_with_its_row(event, gender):
    data = xlsx([["first_name", "gender"], ["Zoé", "woman"], ["Ana", "robot"]])
    result = participants_import_csv(event=event, data=data, filename="people.xlsx")
    assert [(error.line, error.column) for error in result.errors] == [(3, "gender")]
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.xlsx", b"first_name\nA\n", "not an Excel workbook"),
        ("people.xlsx", b"PK\x03\x04not a zip at all", "not a readable Excel workbook"),
        ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xlsx"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_in_the_admin(client, organiser, event, name, data, message):
    client.force_login(organiser)
    upload = SimpleUploadedFile(name, data)
    response = client.post(reverse("admin:sessions_app_participant_import"), {"event": event.pk, "file": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert Participant.objects.count() == 0


def test_the_people_template_has_the_events_attributes(client, organiser, other_organiser, event, gender):
    client.force_login(organiser)
    url = reverse("admin:sessions_app_participant_import_template")
    generic = client.get(url)
    assert generic.status_code == 200 and generic["Content-Type"].startswith("text/csv")
    assert without_bom(generic.content.decode()).strip() == "first_name,last_name,email,role,languages,timezone"
    own = without_bom(client.get(url, {"event": event.pk}).content.decode())
    assert own.strip().endswith(",gender")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, {"event": event.pk, "format": "xlsx"}).content))
    assert next(workbook.active.iter_rows(values_only=True))[-1] == "gender"
    page = client.get(reverse("admin:sessions_app_participant_import")).content.decode()
    assert url in page and f"{url}?event={event.pk}" in page
    client.force_login(other_organiser)
    assert client.get(url, {"event": event.pk}).status_code == 404
    assert client.get(url, {"event": "1 OR 1=1"}).status_code == 404


# --- Reference results ------------------------------------------------------------------------


def test_reference_results_with_semicolons_and_decimal_commas(event):
    dataset = ReferenceDataset.objects.create(title="WTI 2020")
    data = "question_code;option_code;scope;scope_name;percent;n\nq1;threat;continent;Afrique;33,5;1300\n"
    from results.reference_import import reference_import_csv

    result = reference_import_csv(dataset=dataset, data=data.encode())
    assert result.ok, result.errors
    assert str(ReferenceResult.objects.get().percent) == "33.50"


def test_reference_results_from_xlsx_and_the_template_with_the_events_codes(client, organiser, event, questionnaire):
    from results.reference_import import reference_import_csv

    client.force_login(organiser)
    url = reverse("admin:results_referencedataset_template")
    response = client.get(url, {"event": event.pk, "format": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("question_code", "option_code", "scope", "scope_name", "count", "percent", "n")
    assert rows[1][:3] == ("q1", "opportunity", "global")
    filled = [list(rows[0])] + [[r[0], r[1], "global", None, 1, None, 4] for r in rows[1:3]]
    dataset = ReferenceDataset.objects.create(title="WTI 2020")
    result = reference_import_csv(dataset=dataset, data=xlsx(filled), filename="reference.xlsx")
    assert result.ok, result.errors
    assert dataset.results.count() == 2
    csv_template = without_bom(client.get(url).content.decode())
    assert csv_template.startswith("question_code,option_code,scope")


# --- Paper tallies ----------------------------------------------------------------------------


def test_paper_tallies_from_an_xlsx_workbook(client, organiser, event, questionnaire):
    make_groups(event, 2)
    rows = [["group", "question", "option", "count", "valid", "text"], [1, "q1", "both", 4, 4, None]]
    result = paper_tallies_import(event=event, session=questionnaire, data=xlsx(rows), filename="t.xlsx")
    assert result.ok, result.errors
    data = NoteRevision.objects.get().data["answers"]["q1"]
    assert data["counts"]["both"] == 4


def test_paper_tallies_from_a_semicolon_file_with_a_bom(event, questionnaire):
    make_groups(event, 2)
    data = "\ufeffgroup;question;option;count;valid;text\n1;q1;both;4;4;\n".encode()
    result = paper_tallies_import(event=event, session=questionnaire, data=data)
    assert result.ok, result.errors


# --- Translations -----------------------------------------------------------------------------


def test_translations_template_as_xlsx_round_trips(client, organiser, other_organiser, event, questionnaire):
    client.force_login(organiser)
    url = reverse("admin:sessions_app_event_translations_csv", args=[event.pk])
    page = client.get(reverse("admin:sessions_app_event_translations", args=[event.pk])).content.decode()
    assert url in page
    assert without_bom(client.get(url).content.decode()).startswith("object,session,question,option,field,original")
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    fr = header.index("fr") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "question" and row[4].value == "text" and row[2].value == "q1":
            sheet.cell(row=row[0].row, column=fr, value="Pour vous, Internet est :")
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("translations.xlsx", out.getvalue())
    response = client.post(reverse("admin:sessions_app_event_translations", args=[event.pk]), {"file": upload})
    assert response.status_code == 302
    q1 = Question.objects.get(session=questionnaire, code="q1")
    assert translated(q1, "text", "fr") == "Pour vous, Internet est :"
    client.force_login(other_organiser)
    assert client.get(url).status_code == 404


def test_a_semicolon_translations_file_is_read(event, questionnaire):
    from sessions_app.translations import translations_export_csv, translations_import_csv

    rows = list(csv.reader(io.StringIO(without_bom(translations_export_csv(event=event)))))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    result = translations_import_csv(event=event, data=out.getvalue().encode())
    assert result.ok, result.errors


def test_the_paper_tallies_excel_template_round_trips(client, organiser, event, questionnaire):
    make_groups(event, 2)
    client.force_login(organiser)
    url = reverse("paper_tallies_template", args=[event.slug])
    page = client.get(reverse("paper_tallies", args=[event.slug]), {"session": questionnaire.code}).content.decode()
    assert "format=xlsx" in page
    response = client.get(url, {"session": questionnaire.code, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('paper-tallies.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == ["group", "question", "option", "count", "valid", "text"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == 1 and row[1].value == "q1" and row[2].value == "both":
            row[3].value, row[4].value = 4, 4
    out = io.BytesIO()
    book.save(out)
    result = paper_tallies_import(event=event, session=questionnaire, data=out.getvalue(), filename="t.xlsx")
    assert result.ok, result.errors
    assert NoteRevision.objects.get().data["answers"]["q1"]["counts"]["both"] == 4
