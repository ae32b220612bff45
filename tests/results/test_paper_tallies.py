"""Paper tallies of sites without the app: the CSV file, its all-or-nothing import, the page."""

import csv
import io

import pytest
from django.urls import reverse

from groups.models import Allocation, BreakoutGroup
from results.answers import validate_group_results
from results.models import NoteRevision, NoteSubmission
from results.paper_sheet import paper_template_csv
from results.paper_tables import PaperTablesRefused, paper_groups_create
from results.paper_tallies import paper_tallies_import
from results.selectors import session_question_specs
from sessions_app.models import Option, Question
from tests.factories import make_groups
from tests.helpers import log_in_as, without_bom
from tests.results import notes_fixtures
from tests.results.notes_fixtures import FULL_ANSWERS

pytestmark = pytest.mark.django_db
questionnaire = notes_fixtures.questionnaire  # q1..q8: every kind, and the group's own choices q7, q8

HEADER = "group,question,option,count,valid,text\n"

# FULL_ANSWERS for group 1, one question for group 2; group 3 left empty.
GOOD = HEADER + (
    "1,q1,opportunity,2,,\n"
    "1,q1,threat,1,,\n"
    "1,q1,both,0,,\n"
    "1,q1,neither,,,\n"
    "1,q2,governments,2,2,\n"
    "1,q2,platforms,1,,\n"
    "1,q3,2,1,,\n"
    "1,q3,4,2,,\n"
    "1,q4,education,1,,\n"
    "1,q4,regulation,3,,\n"
    "1,q4,design,2,,\n"
    "1,q4,fact-checking,4,,\n"
    "1,q5,,,,We talked about trust.\n"
    "1,q6,,,,Teach media literacy.\n"
    "1,q7,yes,1,,\n"
    "1,q7,no,0,,\n"
    "1,q8,a,1,,\n"
    "1,q8,c,1,,\n"
    "2,q1,both,4,4,\n"
)


@pytest.fixture
def groups(event):
    return make_groups(event, 3)


def upload(event, session, text: str, user=None):
    return paper_tallies_import(event=event, session=session, data=text.encode(), user=user)


def latest(group, session):
    return NoteRevision.objects.filter(submission__group=group, submission__session=session).order_by("number").last()


def pairs(result):
    return [(error.line, error.column) for error in result.errors]


# --- The file -------------------------------------------------------------------------------


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_written(event, questionnaire, groups):
    text = HEADER + (
        "1,q1,opportunity,2,,\n"  # 2: good
        "9,q1,threat,1,,\n"  # 3: no group 9
        "1,q9,x,1,,\n"  # 4: no question q9
        "1,q3,maybe,1,,\n"  # 5: no option "maybe" in q3
        "1,q1,both,two,,\n"  # 6: not a whole number
        "1,q1,opportunity,1,,\n"  # 7: the same as line 2
        "1,q2,governments,2,,\n"  # 8: multiple choice without valid
        "2,q1,opportunity,3,2,\n"  # 9: 3 counted for 2 valid answers
        "2,q4,education,1,,\n"  # 10: the ranking of group 2 misses options
        "3,q4,education,1,,\n"  # 11
        "3,q4,design,1,,\n"  # 12: rank 1 twice
        "3,q3,2,1,,hello\n"  # 13: text on a counted question
        "3,q5,x,,,Key point\n"  # 14: an open question has no option
        "3,q7,yes,2,,\n"  # 15: the group's own choice is 1 or nothing
        "2,q2,governments,1,2,\n"  # 16
        "2,q2,platforms,1,3,\n"  # 17: valid differs from line 16
        "2,q8,a,1,,\n"  # 18
        "2,q8,b,1,,\n"  # 19
        "2,q8,c,1,,\n"  # 20: three choices, at most two
        "3,q1,both,-1,,\n"  # 21: negative
        "3,q1,threat,1.5,,\n"  # 22: not whole
        ",q1,threat,1,,\n"  # 23: no group
        "3,q6,,,," + "x" * 5001 + "\n"  # 24: too long
    )
    result = upload(event, questionnaire, text)
    assert not result.ok
    assert pairs(result) == [
        (3, "group"),
        (4, "question"),
        (5, "option"),
        (6, "count"),
        (7, ""),
        (8, "valid"),
        (9, "count"),
        (9, "valid"),
        (10, "count"),
        (12, "count"),
        (13, "text"),
        (14, "option"),
        (15, "count"),
        (17, "valid"),
        (18, "count"),
        (21, "count"),
        (22, "count"),
        (23, "group"),
        (24, "text"),
    ]
    messages = {(error.line, error.column): error.message for error in result.errors}
    assert "1 to 3" in messages[(3, "group")]
    assert "q1, q2" in messages[(4, "question")]
    assert "1, 2, 3, 4, 5" in messages[(5, "option")]
    assert "“two” is not a whole number" in messages[(6, "count")]
    assert "line 2" in messages[(7, "")]
    assert messages[(8, "valid")].startswith("q2: required")
    assert "more than the 2 valid" in messages[(9, "count")] and "add up to 3, not 2" in messages[(9, "valid")]
    assert "missing: regulation, design, fact-checking" in messages[(10, "count")]
    assert "line 11" in messages[(12, "count")]
    assert "at most 2 choices" in messages[(18, "count")]
    assert "line 16" in messages[(17, "valid")]
    assert "5,000" in messages[(24, "text")]
    assert str(result.errors[0]).startswith("line 3, group: ")
    assert not NoteRevision.objects.exists() and not NoteSubmission.objects.exists()


def test_one_bad_group_refuses_the_good_ones_too(event, questionnaire, groups):
    result = upload(event, questionnaire, GOOD + "3,q1,both,3,4,\n")
    assert pairs(result) == [(21, "valid")]
    assert not NoteRevision.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(0, "")]),
        ("group,question,option,count,colour\n1,q1,both,1,red\n", [(1, "colour")]),
        ("question,option,count\nq1,both,1\n", [(1, "group")]),
        ("group,question,option\n1,q1,both\n", [(1, "count, text")]),
        (HEADER, [(0, "")]),
        (HEADER + "1,q1,both,,,\n2,q5,,,,\n", [(0, "")]),  # the template, not filled in
        (HEADER + "1,q1,both,1,,,extra\n", [(2, "")]),
    ],
)
def test_files_without_tallies_are_refused(event, questionnaire, groups, text, expected):
    result = upload(event, questionnaire, text)
    assert pairs(result) == expected
    assert not NoteRevision.objects.exists()


def test_a_file_that_is_not_utf8_or_an_event_without_groups_is_refused(event, questionnaire):
    assert "no groups yet" in str(upload(event, questionnaire, GOOD).errors[0])
    make_groups(event, 2)
    result = paper_tallies_import(event=event, session=questionnaire, data="group;é".encode("latin-1"))
    assert "UTF-8" in str(result.errors[0])


def test_a_good_file_makes_one_revision_per_filled_group(event, questionnaire, groups, organiser):
    result = upload(event, questionnaire, GOOD, user=organiser)
    assert result.ok and result.updated == groups[:2] and result.unchanged == []
    first = latest(groups[0], questionnaire)
    assert first.number == 1 and first.submitted_by_user == organiser
    assert first.data == validate_group_results(session_question_specs(questionnaire), FULL_ANSWERS)[0]
    assert first.data["answers"]["q4"] == {"ranking": ["education", "design", "regulation", "fact-checking"]}
    assert latest(groups[1], questionnaire).data == {
        "answers": {"q1": {"counts": {"opportunity": 0, "threat": 0, "both": 4, "neither": 0}, "valid": 4}}
    }
    assert latest(groups[2], questionnaire) is None
    submission = NoteSubmission.objects.get(group=groups[0], session=questionnaire)
    assert submission.status == "submitted" and submission.data == first.data


def test_semicolons_quotes_and_several_text_rows(event, questionnaire, groups):
    text = 'Group;Question;Option;Count;Valid;Text\n1;q5;;;;"Trust, first"\n1;q5;;;;Then literacy\n1;q1;both;3;;\n'
    assert upload(event, questionnaire, text).ok
    answers = latest(groups[0], questionnaire).data["answers"]
    assert answers["q5"] == {"text": "Trust, first\nThen literacy"} and answers["q1"]["valid"] == 3


def test_the_same_file_again_makes_no_new_revision(event, questionnaire, groups):
    assert upload(event, questionnaire, GOOD).ok
    again = upload(event, questionnaire, GOOD)
    assert again.ok and again.updated == [] and again.unchanged == groups[:2]
    assert NoteRevision.objects.count() == 2


def test_a_corrected_file_adds_revision_2_and_keeps_the_first(event, questionnaire, groups):
    assert upload(event, questionnaire, GOOD).ok
    corrected = GOOD.replace("2,q1,both,4,4,\n", "2,q1,both,3,4,\n2,q1,threat,1,,\n")
    result = upload(event, questionnaire, corrected)
    assert result.ok and result.updated == [groups[1]] and result.unchanged == [groups[0]]
    revisions = list(
        NoteRevision.objects.filter(submission__group=groups[1]).order_by("number").values_list("number", "data")
    )
    assert [number for number, _data in revisions] == [1, 2]
    assert revisions[0][1]["answers"]["q1"]["counts"]["both"] == 4
    assert revisions[1][1]["answers"]["q1"]["counts"] == {"opportunity": 0, "threat": 1, "both": 3, "neither": 0}
    assert latest(groups[0], questionnaire).number == 1
    # Going back to the first file is a correction too: revision 3, the data of revision 1.
    back = upload(event, questionnaire, GOOD)
    assert back.updated == [groups[1]] and latest(groups[1], questionnaire).data == revisions[0][1]


def test_a_note_takers_submission_is_kept_as_history(event, questionnaire, groups):
    notes_fixtures_data = {"answers": {"q1": {"counts": {"threat": 2}}}}
    from tests.factories import make_submission

    make_submission(
        groups[1], questionnaire, validate_group_results(session_question_specs(questionnaire), notes_fixtures_data)[0]
    )
    assert upload(event, questionnaire, GOOD).ok
    assert list(
        NoteRevision.objects.filter(submission__group=groups[1]).order_by("number").values_list("number", flat=True)
    ) == [1, 2]


# --- The template ---------------------------------------------------------------------------


def fill(template: str) -> str:
    """Fill a template as a site would: every question of every table."""
    answers = {
        "q1": {"opportunity": "2", "both": "1"},
        "q2": {"governments": "2", "media": "1"},
        "q3": {"1": "1", "2": "2"},
        "q4": {"education": "2", "regulation": "1", "design": "4", "fact-checking": "3"},
        "q7": {"no": "1"},
        "q8": {"b": "1"},
    }
    rows = list(csv.DictReader(io.StringIO(without_bom(template))))
    for row in rows:
        code, option = row["question"], row["option"]
        if code in ("q5", "q6"):
            row["text"] = f"Table {row['group']} says so."
        else:
            row["count"] = answers[code].get(option, "")
            row["valid"] = "3" if code == "q2" and option == "governments" else ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_the_template_lists_every_group_question_and_option_and_round_trips(client, organiser, event, questionnaire):
    make_groups(event, 2)
    client.force_login(organiser)
    response = client.get(reverse("paper_tallies_template", args=[event.slug]), {"session": questionnaire.code})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="{event.slug}-{questionnaire.code}-paper-tallies.csv"' in response["Content-Disposition"]
    template = response.content.decode()
    rows = list(csv.reader(io.StringIO(without_bom(template))))
    assert rows[0] == ["group", "question", "option", "count", "valid", "text"]
    per_group = 4 + 5 + 5 + 4 + 1 + 1 + 2 + 3  # q1..q8: options, one row per open question
    assert len(rows) == 1 + 2 * per_group
    assert rows[1] == ["1", "q1", "opportunity", "", "", ""] and ["2", "q5", "", "", "", ""] in rows

    page = client.post(
        reverse("paper_tallies", args=[event.slug]),
        {"session": questionnaire.code, "file": io.BytesIO(fill(template).encode())},
    )
    assert page.status_code == 302
    assert NoteRevision.objects.count() == 2
    data = NoteRevision.objects.order_by("submission__group__number").first().data["answers"]
    assert data["q4"] == {"ranking": ["regulation", "education", "fact-checking", "design"]}
    assert data["q7"] == {"choice": "no"} and data["q8"] == {"choices": ["b"]}
    assert data["q2"] == {
        "counts": {"governments": 2, "platforms": 0, "citizens": 0, "media": 1, "international": 0},
        "valid": 3,
    }
    followed = client.get(page.url)
    assert "2 groups updated with a new revision: Group 1, Group 2." in followed.content.decode()
    again = client.post(
        reverse("paper_tallies", args=[event.slug]),
        {"session": questionnaire.code, "file": io.BytesIO(fill(template).encode())},
        follow=True,
    )
    assert "Nothing changed: 2 groups already up to date." in again.content.decode()
    assert NoteRevision.objects.count() == 2


def test_formula_cells_in_the_template_are_neutralised_and_read_back(event, questionnaire, groups):
    question = Question.objects.create(session=questionnaire, order=9, code="q9", kind="single", text="Odd codes")
    Option.objects.bulk_create(
        [
            Option(question=question, order=1, code="-1", label="Minus one"),
            Option(question=question, order=2, code="=1+1", label="Formula"),
        ]
    )
    template = paper_template_csv(event=event, session=questionnaire)
    assert "1,q9,'-1,,," in template and "1,q9,'=1+1,,," in template
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in csv.reader(io.StringIO(without_bom(template))) for cell in row
    )
    result = upload(event, questionnaire, HEADER + "1,q9,'-1,2,,\n1,q9,'=1+1,1,,\n2,q9,-1,1,,\n")
    assert result.ok
    assert latest(groups[0], questionnaire).data["answers"]["q9"]["counts"] == {"-1": 2, "=1+1": 1}


# --- Paper tables ---------------------------------------------------------------------------


def test_paper_tables_are_the_events_current_groups(event, organiser):
    allocation = paper_groups_create(event=event, count=4, user=organiser)
    assert allocation.is_current and allocation.status == "succeeded" and allocation.algorithm_version == "paper"
    assert allocation.parameters == {"paper_tables": 4, "table_size": 10} and allocation.created_by == organiser
    groups = list(BreakoutGroup.objects.filter(allocation=allocation).order_by("number"))
    assert [(g.number, str(g), g.round) for g in groups] == [(n, f"Table {n}", 1) for n in range(1, 5)]
    assert not groups[0].memberships.exists()


def test_paper_tables_are_refused_when_the_event_has_groups_or_for_a_bad_count(event):
    with pytest.raises(PaperTablesRefused):
        paper_groups_create(event=event, count=0)
    with pytest.raises(PaperTablesRefused):
        paper_groups_create(event=event, count=501)
    make_groups(event, 2)
    with pytest.raises(PaperTablesRefused, match="already has groups"):
        paper_groups_create(event=event, count=3)
    assert Allocation.objects.filter(event=event).count() == 1


def test_paper_tables_replace_a_current_grouping_without_groups(event):
    empty = Allocation.objects.create(event=event, seed=1, is_current=True, status="succeeded")
    paper_groups_create(event=event, count=2)
    empty.refresh_from_db()
    assert not empty.is_current and BreakoutGroup.objects.filter(allocation__is_current=True).count() == 2


# --- The page -------------------------------------------------------------------------------


def test_the_organiser_creates_tables_then_sees_the_steps(client, organiser, event, questionnaire):
    client.force_login(organiser)
    page = client.get(reverse("paper_tallies", args=[event.slug]))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="count"' in html and "Download the template" not in html
    response = client.post(reverse("paper_tables_create", args=[event.slug]), {"count": "3"})
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "3 paper tables created." in html and 'name="count"' not in html
    assert reverse("paper_tallies_template", args=[event.slug]) in html
    groups = BreakoutGroup.objects.filter(event=event).order_by("number")
    for group in groups:
        assert reverse("notes_form", args=[event.slug, group.pk, questionnaire.code]) in html
    assert client.get(reverse("notes_form", args=[event.slug, groups[0].pk, questionnaire.code])).status_code == 200
    again = client.post(reverse("paper_tables_create", args=[event.slug]), {"count": "2"}, follow=True)
    assert "already has groups" in again.content.decode() and groups.count() == 3
    bad = client.post(reverse("paper_tables_create", args=[event.slug]), {"count": "9" * 40}, follow=True)
    assert "Create 1 to 500 tables." in bad.content.decode()


def test_a_bad_upload_shows_every_problem_and_writes_nothing(client, organiser, event, questionnaire, groups):
    client.force_login(organiser)
    bad = HEADER + "1,q1,both,x,,\n7,q1,both,1,,\n"
    response = client.post(
        reverse("paper_tallies", args=[event.slug]),
        {"session": questionnaire.code, "file": io.BytesIO(bad.encode())},
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'id="upload-errors"' in html and "2 problems to fix" in html
    assert "line 2, count: “x” is not a whole number" in html and "line 3, group:" in html
    assert not NoteRevision.objects.exists()
    missing = client.post(reverse("paper_tallies", args=[event.slug]), {"session": questionnaire.code})
    assert missing.status_code == 400 and "Choose the CSV file" in missing.content.decode()
    elsewhere = client.post(
        reverse("paper_tallies", args=[event.slug]), {"session": "nope", "file": io.BytesIO(GOOD.encode())}
    )
    assert elsewhere.status_code == 400 and "Choose one of the event&#x27;s sessions." in elsewhere.content.decode()
    assert not NoteRevision.objects.exists()


def test_an_upload_too_large_is_refused_before_reading(client, organiser, event, questionnaire, groups):
    client.force_login(organiser)
    big = io.BytesIO(HEADER.encode() + b"x" * (2 * 1024 * 1024 + 100 * 1024))
    response = client.post(reverse("paper_tallies", args=[event.slug]), {"session": questionnaire.code, "file": big})
    assert response.status_code == 413 and "larger than 2 MB" in response.content.decode()
    assert not NoteRevision.objects.exists()


def test_the_upload_needs_the_csrf_token(organiser, event, questionnaire, groups):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    response = client.post(
        reverse("paper_tallies", args=[event.slug]),
        {"session": questionnaire.code, "file": io.BytesIO(GOOD.encode())},
    )
    assert response.status_code == 403 and not NoteRevision.objects.exists()
    tables = client.post(reverse("paper_tables_create", args=["day-0"]), {"count": "2"})
    assert tables.status_code == 403


def test_the_control_room_links_to_the_page(client, organiser, event, questionnaire):
    client.force_login(organiser)
    html = client.get(reverse("control_room", args=[event.slug])).content.decode()
    assert reverse("paper_tallies", args=[event.slug]) in html


ROUTES = [
    ("get", "paper_tallies", {}),
    ("get", "paper_tallies_template", {}),
    ("post", "paper_tallies", {"file": "GOOD"}),
    ("post", "paper_tables_create", {"count": "3"}),
]


@pytest.mark.parametrize(("method", "name", "body"), ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "participant", "other_organiser"])
def test_only_the_events_organisers_open_the_page(client, request, event, questionnaire, method, name, body, who):
    if who == "participant":
        log_in_as(client, request.getfixturevalue("participant"))
    elif who == "other_organiser":
        client.force_login(request.getfixturevalue("other_organiser"))
    if name != "paper_tables_create":
        make_groups(event, 3)
    groups_before = BreakoutGroup.objects.count()
    data = {key: io.BytesIO(GOOD.encode()) if value == "GOOD" else value for key, value in body.items()}
    response = getattr(client, method)(reverse(name, args=[event.slug]), data)
    if who == "other_organiser":
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not NoteRevision.objects.exists() and BreakoutGroup.objects.count() == groups_before


def test_organisers_enter_a_paper_tables_results_by_hand_but_only_read_other_groups(
    client, organiser, event, questionnaire
):
    import json
    import uuid

    from results.paper_tables import paper_groups_create

    client.force_login(organiser)
    data = {"answers": {"q1": {"counts": {"opportunity": 2, "threat": 1}}}}

    def submit(group):
        return client.post(
            reverse("notes_submit", args=[event.slug, group.pk, questionnaire.code]),
            json.dumps({"idempotency_key": str(uuid.uuid4()), "base_version": 0, "data": data}),
            content_type="application/json",
        )

    (ordinary,) = make_groups(event, 1)
    assert submit(ordinary).status_code == 403
    ordinary.allocation.is_current = False
    ordinary.allocation.save()
    BreakoutGroup.objects.filter(pk=ordinary.pk).delete()
    paper_groups_create(event=event, count=2)
    table = BreakoutGroup.objects.get(event=event, allocation__is_current=True, number=1)
    response = submit(table)
    assert response.status_code == 201, response.content
    revision = NoteRevision.objects.get(submission__group=table)
    assert revision.submitted_by_user == organiser and revision.data["answers"]["q1"]["valid"] == 3
