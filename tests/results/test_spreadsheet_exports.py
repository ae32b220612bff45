"""Exports as Excel opens them: CSV files start with a UTF-8 BOM, results come as a workbook."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import make_groups, make_submission

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil")'
DATA = {
    "answers": {
        "q1": {"counts": {"opportunity": 3, "threat": 1}},
        "q5": {"text": EVIL},
        "q6": {"text": "Éducation d’abord\x07"},
    }
}


@pytest.fixture
def results(event, session):
    group, _other = make_groups(event, 2)
    make_submission(group, session, DATA)
    return group


@pytest.mark.parametrize("name", ["questions.csv", "groups.csv", "key-points.csv"])
def test_every_csv_export_starts_with_the_bom(client, organiser, event, results, name):
    client.force_login(organiser)
    response = client.get(reverse("results_export", args=[event.slug, name]))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.count(b"\xef\xbb\xbf") == 1


def test_the_results_workbook_has_numbers_as_numbers_and_formulas_as_text(client, organiser, event, results):
    client.force_login(organiser)
    response = client.get(reverse("results_export", args=[event.slug, "results.xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="{event.slug}-results.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["questions", "groups", "key points"]
    questions = list(book["questions"].iter_rows(values_only=True))
    header = questions[0]
    opportunity = next(dict(zip(header, row, strict=True)) for row in questions[1:] if row[5] == "opportunity")
    assert opportunity["count"] == 3 and opportunity["percent"] == 75.0
    points = {row[4] for row in book["key points"].iter_rows(min_row=2, values_only=True)}
    assert EVIL in points and "Éducation d’abord" in points  # the bell character a workbook cannot hold is dropped
    for row in book["key points"].iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)


def test_the_results_workbook_is_for_the_events_organisers_only(client, other_organiser, event, results):
    url = reverse("results_export", args=[event.slug, "results.xlsx"])
    assert client.get(url).status_code == 302
    client.force_login(other_organiser)
    assert client.get(url).status_code == 404


def test_the_control_room_offers_the_workbook(client, organiser, event, results):
    client.force_login(organiser)
    page = client.get(reverse("control_room", args=[event.slug])).content.decode()
    assert reverse("results_export", args=[event.slug, "results.xlsx"]) in page
