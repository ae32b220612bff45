"""event_results: the latest revision of each current group, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from results.models import NoteSubmission
from results.selectors import event_results
from sessions_app.models import Event
from tests.factories import make_groups, make_questionnaire, make_submission

pytestmark = pytest.mark.django_db


def q1(opportunity, threat):
    return {"answers": {"q1": {"counts": {"opportunity": opportunity, "threat": threat}}}}


def percents(results, code="q1"):
    question = next(q for q in results["sessions"][0]["questions"] if q["code"] == code)
    return question, {o["code"]: o["percent"] for o in question["options"]}


def test_only_the_latest_revision_of_current_groups_counts(event, session, organisation):
    old_group = make_groups(event, 1, current=False)[0]
    make_submission(old_group, session, q1(0, 50))  # a previous grouping: ignored
    g1, g2, _g3 = make_groups(event, 3)
    make_submission(g1, session, q1(5, 0), number=1)
    make_submission(g1, session, q1(3, 1), number=2)  # the correction replaces revision 1
    make_submission(g2, session, q1(1, 1))
    # A correction still in draft does not count until it is submitted as a revision.
    NoteSubmission.objects.filter(group=g2).update(status="draft", data=q1(0, 9))
    other = Event.objects.create(
        organisation=organisation,
        title="Other",
        slug="other-1",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    make_submission(make_groups(other, 1)[0], make_questionnaire(other), q1(0, 70))

    results = event_results(event, weighting="pooled")
    assert results["groups_total"] == 3
    session_results = results["sessions"][0]
    assert session_results["code"] == "digital-public-sphere"
    assert (session_results["groups_total"], session_results["groups_submitted"]) == (3, 2)
    question, shares = percents(results)
    assert (question["groups"], question["respondents"]) == (2, 6)
    assert shares["opportunity"] == pytest.approx(400 / 6) and shares["threat"] == pytest.approx(200 / 6)

    _question, equal = percents(event_results(event, weighting="groups_equal"))
    assert equal["opportunity"] == pytest.approx(62.5)  # (75 + 50) / 2


def test_an_event_without_groups_has_empty_results(event, session):
    results = event_results(event, weighting="pooled")
    assert results["groups_total"] == 0
    assert results["sessions"][0]["groups_submitted"] == 0
    question, shares = percents(results)
    assert question["respondents"] == 0 and shares["opportunity"] is None


@pytest.mark.parametrize("group_count", [1, 20])
def test_the_number_of_queries_does_not_grow_with_groups(event, session, django_assert_num_queries, group_count):
    make_questionnaire(event, code="second-session", order=2)
    for group in make_groups(event, group_count):
        make_submission(group, session, q1(2, 1), number=1)
        make_submission(group, session, q1(3, 1), number=2)
    # groups, sessions, questions, options, latest revisions
    with django_assert_num_queries(5):
        results = event_results(event, weighting="pooled")
    question, _shares = percents(results)
    assert question["respondents"] == 4 * group_count
    assert [s["groups_submitted"] for s in results["sessions"]] == [group_count, 0]


def test_results_are_validated_against_a_session_from_the_database(session, django_assert_num_queries):
    from results.answers import validate_group_results
    from results.selectors import session_question_specs

    data = {"answers": {"q2": {"counts": {"governments": 3, "media": 2}, "valid": 2}, "q4": {"ranking": ["design"]}}}
    with django_assert_num_queries(2):  # questions, options
        clean, errors = validate_group_results(session_question_specs(session), data)
    # governments: more than the 2 people; 5 choices: more than 2 people x 2; the ranking is incomplete.
    assert [e.field for e in errors] == ["answers.q2.counts.governments", "answers.q2.counts", "answers.q4.ranking"]
    assert clean == {"answers": {}}
