"""Questionnaires as JSON: export, import into another event, all or nothing."""

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from results.questionnaire import questionnaire_export, questionnaire_export_json, questionnaire_import
from sessions_app.models import Event, Option, Question, Session
from tests.factories import make_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(organisation):
    start = timezone.now()
    return Event.objects.create(
        organisation=organisation, title="Day 1", slug="day-1", starts_at=start, ends_at=start + timedelta(hours=2)
    )


@pytest.fixture
def document(session):
    return questionnaire_export([session])


def test_export_holds_every_question_and_option_with_codes_and_a_version(document):
    assert (document["format"], document["version"]) == ("wetheinternet.questionnaire", 1)
    [exported] = document["sessions"]
    assert exported["code"] == "digital-public-sphere"
    assert [q["code"] for q in exported["questions"]] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    q2 = exported["questions"][1]
    assert (q2["kind"], q2["respondent"], q2["max_choices"]) == ("multiple", "individual", 2)
    assert q2["options"][0] == {"code": "governments", "order": 1, "label": "Governments"}
    assert exported["questions"][3]["respondent"] == "group"


def test_round_trip_into_another_event_gives_equal_content(session, target):
    text = questionnaire_export_json([session])
    result = questionnaire_import(event=target, data=text.encode())
    assert result.ok, result.errors
    [imported] = result.sessions
    assert imported.event == target and imported.pk != session.pk
    assert questionnaire_export([imported]) == json.loads(text)
    assert Question.objects.filter(session=imported).count() == 6
    assert Option.objects.filter(question__session=imported).count() == 4 + 5 + 5 + 4


def test_a_session_code_already_in_the_event_is_refused(session, document):
    result = questionnaire_import(event=session.event, data=document)
    assert [str(e) for e in result.errors] == [
        "sessions[0].code: this event already has a session “digital-public-sphere”."
    ]
    assert Session.objects.count() == 1


def test_an_order_already_taken_goes_after_the_others(event, target, document):
    make_questionnaire(target, code="opening", order=1)
    result = questionnaire_import(event=target, data=document)
    assert result.ok and result.sessions[0].order == 2


def broken(document):
    bad = copy.deepcopy(document)
    questions = bad["sessions"][0]["questions"]
    questions[1]["code"] = "q1"  # duplicate question code
    questions[2]["kind"] = "matrix"  # unknown kind
    del questions[3]["text"]  # missing field
    questions[4]["order"] = "5"  # wrong type
    questions[0]["options"][1]["code"] = "opportunity"  # duplicate option code
    questions[0]["options"][2]["label"] = 3  # wrong type
    questions[1]["max_choices"] = None  # multiple choice without a maximum
    questions[0]["max_choices"] = 2  # a maximum on single choice
    questions[5]["colour"] = "red"  # unknown field
    return bad


def test_every_problem_is_reported_with_its_path_and_nothing_is_written(target, document):
    result = questionnaire_import(event=target, data=broken(document))
    fields = [error.field for error in result.errors]
    assert fields == [
        "sessions[0].questions[0].options[1].code",
        "sessions[0].questions[0].options[2].label",
        "sessions[0].questions[0].max_choices",
        "sessions[0].questions[1].code",
        "sessions[0].questions[1].max_choices",
        "sessions[0].questions[2].kind",
        "sessions[0].questions[3].text",
        "sessions[0].questions[4].order",
        "sessions[0].questions[5].colour",
    ]
    messages = [str(error) for error in result.errors]
    assert "sessions[0].questions[1].code: duplicate question code “q1” (also at index 0)." in messages
    assert any(m.startswith("sessions[0].questions[2].kind: unknown kind “matrix”") for m in messages)
    assert "sessions[0].questions[3].text: this field is required." in messages
    assert not Session.objects.filter(event=target).exists()
    assert not Question.objects.filter(session__event=target).exists()


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        (b"{not json", "", "not valid JSON"),
        (b"[]", "", "must be an object"),
        ({"format": "other", "version": 1, "sessions": []}, "format", "wetheinternet.questionnaire"),
        ({"format": "wetheinternet.questionnaire", "version": 2, "sessions": [{}]}, "version", "not supported"),
        ({"format": "wetheinternet.questionnaire", "version": 1, "sessions": []}, "sessions", "non-empty list"),
        ({"format": "wetheinternet.questionnaire", "version": 1}, "sessions", "required"),
    ],
)
def test_documents_that_are_not_questionnaires_are_refused(target, data, field, fragment):
    result = questionnaire_import(event=target, data=data)
    assert not result.ok
    error = next(e for e in result.errors if e.field == field)
    assert fragment in error.message


def test_two_sessions_with_one_code_and_a_scale_with_other_options_are_refused(target, document):
    bad = copy.deepcopy(document)
    bad["sessions"].append(copy.deepcopy(bad["sessions"][0]))
    bad["sessions"][1]["order"] = 2
    bad["sessions"][0]["questions"][2]["options"][0]["code"] = "0"
    result = questionnaire_import(event=target, data=bad)
    assert [e.field for e in result.errors] == [
        "sessions[0].questions[2].options",
        "sessions[1].code",
    ]
    assert not Session.objects.filter(event=target).exists()
