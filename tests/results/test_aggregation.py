"""Validation and aggregation of group results over plain data: every figure computed by hand."""

import importlib

import pytest

from results.answers import GroupResults, QuestionSpec, validate_group_results
from results.figures import Weighting, aggregate_session

Q1 = QuestionSpec("q1", "single", ("opportunity", "threat", "both", "neither"))
Q2 = QuestionSpec("q2", "multiple", ("governments", "platforms", "citizens", "media", "international"), max_choices=2)
Q3 = QuestionSpec("q3", "scale", ("1", "2", "3", "4", "5"))
Q4 = QuestionSpec("q4", "ranking", ("education", "regulation", "design", "fact-checking"), respondent="group")
Q5 = QuestionSpec("q5", "open", (), respondent="group")
Q6 = QuestionSpec("q6", "single", ("yes", "no", "unsure"), respondent="group")
Q7 = QuestionSpec("q7", "multiple", ("a", "b", "c"), respondent="group", max_choices=2)
QUESTIONS = [Q1, Q2, Q3, Q4, Q5, Q6, Q7]

G1 = {
    "answers": {
        "q1": {"counts": {"opportunity": 3, "threat": 1}, "valid": 4},
        "q2": {"counts": {"governments": 3, "platforms": 2, "citizens": 1}, "valid": 3},
        "q3": {"counts": {"2": 1, "3": 2, "5": 1}, "valid": 4},
        "q4": {"ranking": ["education", "design", "regulation", "fact-checking"]},
        "q5": {"text": "  Trust needs literacy. "},
        "q6": {"choice": "yes"},
        "q7": {"choices": ["a", "b"]},
    }
}
G2 = {
    "answers": {
        "q1": {"counts": {"opportunity": 1, "threat": 1}, "valid": 2},
        "q2": {"counts": {"governments": 1, "media": 2}, "valid": 2},
        "q3": {"counts": {"1": 1, "4": 1}, "valid": 2},
        "q4": {"ranking": ["design", "education", "fact-checking", "regulation"]},
        "q6": {"choice": "no"},
        "q7": {"choices": ["a"]},
    }
}
G3 = {
    "answers": {
        "q4": {"ranking": ["education", "regulation", "design", "fact-checking"]},
        "q5": {"text": ""},
        "q6": {"choice": "yes"},
    }
}
SUBMITTED = [GroupResults(1, "Group 1", G1), GroupResults(2, "Group 2", G2), GroupResults(3, "Group 3", G3)]


def by_code(items):
    return {item["code"]: item for item in items}


def question(result, code):
    return by_code(result["questions"])[code]


def percents(result, code):
    return {o["code"]: o["percent"] for o in question(result, code)["options"]}


@pytest.fixture(scope="module")
def pooled():
    return aggregate_session(QUESTIONS, SUBMITTED, weighting=Weighting.POOLED, groups_total=4)


@pytest.fixture(scope="module")
def equal():
    return aggregate_session(QUESTIONS, SUBMITTED, weighting="groups_equal", groups_total=4)


# Validation -----------------------------------------------------------------------------------


def test_good_results_are_cleaned_into_the_canonical_shape():
    clean, errors = validate_group_results(QUESTIONS, G1)
    assert errors == []
    assert clean["answers"]["q1"] == {"counts": {"opportunity": 3, "threat": 1, "both": 0, "neither": 0}, "valid": 4}
    assert clean["answers"]["q5"] == {"text": "Trust needs literacy."}
    assert list(clean["answers"]) == ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]


def test_single_choice_valid_defaults_to_the_sum_and_digit_strings_are_whole_numbers():
    clean, errors = validate_group_results([Q1], {"answers": {"q1": {"counts": {"threat": "2", "both": 1}}}})
    assert errors == []
    assert clean["answers"]["q1"]["valid"] == 3 and clean["answers"]["q1"]["counts"]["threat"] == 2


def test_an_empty_text_is_not_an_answer():
    clean, errors = validate_group_results([Q5], {"answers": {"q5": {"text": "   "}}})
    assert errors == [] and clean == {"answers": {}}


BAD = [
    ({"answers": {"q2": {"counts": {"governments": -1}, "valid": 2}}}, "answers.q2.counts.governments", "whole number"),
    (
        {"answers": {"q2": {"counts": {"governments": 1.5}, "valid": 2}}},
        "answers.q2.counts.governments",
        "whole number",
    ),
    ({"answers": {"q2": {"counts": {"governments": True}, "valid": 2}}}, "answers.q2.counts.governments", "whole"),
    ({"answers": {"q2": {"counts": {"governments": 1}}}}, "answers.q2.valid", "required"),
    ({"answers": {"q9": {"text": "x"}}}, "answers.q9", "unknown question code"),
    ({"answers": {"q1": {"counts": {"maybe": 1}}}}, "answers.q1.counts.maybe", "unknown option code"),
    ({"answers": {"q1": {"counts": {"threat": 5}, "valid": 5, "extra": 1}}}, "answers.q1.extra", "unknown field"),
    (
        {"answers": {"q2": {"counts": {"governments": 4, "media": 1}, "valid": 3}}},
        "answers.q2.counts.governments",
        "more than the 3",
    ),
    (
        {"answers": {"q2": {"counts": {"governments": 3, "platforms": 3, "media": 1}, "valid": 3}}},
        "answers.q2.counts",
        "7 choices",
    ),
    ({"answers": {"q2": {"counts": {"governments": 1}, "valid": 3}}}, "answers.q2.valid", "at least one"),
    ({"answers": {"q1": {"counts": {"threat": 2, "both": 1}, "valid": 4}}}, "answers.q1.valid", "add up to 3, not 4"),
    ({"answers": {"q3": {"counts": {"6": 1}}}}, "answers.q3.counts.6", "unknown option code"),
    (
        {"answers": {"q4": {"ranking": ["education", "design"]}}},
        "answers.q4.ranking",
        "missing: regulation, fact-checking",
    ),
    (
        {"answers": {"q4": {"ranking": ["education", "education", "design", "regulation"]}}},
        "answers.q4.ranking[1]",
        "twice",
    ),
    (
        {"answers": {"q4": {"ranking": ["education", "x", "design", "regulation", "fact-checking"]}}},
        "answers.q4.ranking[1]",
        "unknown option",
    ),
    ({"answers": {"q4": {"ranking": "education"}}}, "answers.q4.ranking", "list of option codes"),
    ({"answers": {"q5": {"text": "x" * 5001}}}, "answers.q5.text", "at most 5,000 characters"),
    ({"answers": {"q5": {"text": 12}}}, "answers.q5.text", "must be text"),
    ({"answers": {"q6": {"choice": "perhaps"}}}, "answers.q6.choice", "option codes: yes, no, unsure"),
    ({"answers": {"q7": {"choices": ["a", "b", "c"]}}}, "answers.q7.choices", "at most 2"),
    ({"answers": {"q1": [1, 2]}}, "answers.q1", "must be an object"),
    ({"answers": [], "notes": "x"}, "notes", "unknown field"),
    ({"answers": []}, "answers", "object keyed by question code"),
]


@pytest.mark.parametrize(("data", "field", "fragment"), BAD)
def test_each_problem_is_reported_on_its_field(data, field, fragment):
    clean, errors = validate_group_results(QUESTIONS, data)
    matching = [error for error in errors if error.field == field]
    assert matching, errors
    assert fragment in str(matching[0])
    assert str(matching[0]).startswith(f"{field}: ")
    # A bad answer never reaches the cleaned data.
    assert not set(clean["answers"]) & {field.split(".")[1] if "." in field else ""}


def test_one_bad_answer_does_not_hide_the_good_ones():
    data = {"answers": {"q1": {"counts": {"threat": 1}}, "q2": {"counts": {"governments": "x"}, "valid": 1}}}
    clean, errors = validate_group_results(QUESTIONS, data)
    assert [e.field for e in errors] == ["answers.q2.counts.governments"]
    assert list(clean["answers"]) == ["q1"]


def test_a_document_that_is_not_an_object_is_refused():
    clean, errors = validate_group_results(QUESTIONS, ["q1"])
    assert clean == {"answers": {}} and len(errors) == 1


# Aggregation ----------------------------------------------------------------------------------


def test_submitted_and_missing_groups_are_counted(pooled):
    assert pooled["groups_total"] == 4 and pooled["groups_submitted"] == 3
    assert pooled["invalid"] == []


def test_single_choice_pooled_divides_all_counts_by_all_valid_answers(pooled):
    q1 = question(pooled, "q1")
    assert (q1["groups"], q1["respondents"]) == (2, 6)  # group 3 did not answer q1
    assert {o["code"]: o["count"] for o in q1["options"]} == {"opportunity": 4, "threat": 2, "both": 0, "neither": 0}
    assert percents(pooled, "q1") == pytest.approx({"opportunity": 400 / 6, "threat": 200 / 6, "both": 0, "neither": 0})


def test_single_choice_groups_equal_averages_the_groups_percentages(equal):
    q1 = question(equal, "q1")
    assert (q1["groups"], q1["respondents"]) == (2, 6)
    # Group 1: 75 % / 25 %; group 2: 50 % / 50 %.
    assert percents(equal, "q1") == pytest.approx({"opportunity": 62.5, "threat": 37.5, "both": 0, "neither": 0})
    assert question(equal, "q1")["options"][0]["count"] == 4  # counts stay the raw sums


def test_multiple_choice_percentages_are_shares_of_respondents(pooled, equal):
    assert question(pooled, "q2")["respondents"] == 5
    assert percents(pooled, "q2") == pytest.approx(
        {"governments": 80, "platforms": 40, "citizens": 20, "media": 40, "international": 0}
    )
    assert sum(percents(pooled, "q2").values()) > 100
    assert percents(equal, "q2") == pytest.approx(
        {"governments": 75, "platforms": 100 / 3, "citizens": 50 / 3, "media": 50, "international": 0}
    )


def test_scale_distribution_and_mean(pooled, equal):
    assert percents(pooled, "q3") == pytest.approx(
        {"1": 100 / 6, "2": 100 / 6, "3": 200 / 6, "4": 100 / 6, "5": 100 / 6}
    )
    assert question(pooled, "q3")["mean"] == pytest.approx(3.0)  # (2 + 3 + 3 + 5 + 1 + 4) / 6
    assert question(equal, "q3")["mean"] == pytest.approx(2.875)  # (3.25 + 2.5) / 2
    assert percents(equal, "q3") == pytest.approx({"1": 25, "2": 12.5, "3": 25, "4": 25, "5": 12.5})


def test_group_ranking_share_ranked_first_and_average_rank(pooled, equal):
    q4 = question(pooled, "q4")
    assert q4["groups"] == 3
    options = by_code(q4["options"])
    assert {code: o["first"] for code, o in options.items()} == {
        "education": 2,
        "regulation": 0,
        "design": 1,
        "fact-checking": 0,
    }
    assert options["education"]["first_percent"] == pytest.approx(200 / 3)
    assert options["design"]["first_percent"] == pytest.approx(100 / 3)
    assert {code: o["average_rank"] for code, o in options.items()} == pytest.approx(
        {"education": 4 / 3, "regulation": 3, "design": 2, "fact-checking": 11 / 3}
    )
    assert question(equal, "q4") == q4  # one ranking per group: weighting changes nothing


def test_group_choices_are_shares_of_groups(pooled, equal):
    for result in (pooled, equal):
        assert question(result, "q6")["groups"] == 3
        assert percents(result, "q6") == pytest.approx({"yes": 200 / 3, "no": 100 / 3, "unsure": 0})
    assert percents(pooled, "q7") == pytest.approx({"a": 100, "b": 50, "c": 0})


def test_open_answers_are_listed_per_group_without_empty_ones(pooled):
    q5 = question(pooled, "q5")
    assert q5["groups"] == 1
    assert q5["texts"] == [{"group": "Group 1", "text": "Trust needs literacy."}]


def test_a_question_nobody_answered_has_no_percentages():
    result = aggregate_session([Q1, Q3], [GroupResults(1, "G", {"answers": {"q1": {"counts": {}, "valid": 0}}})])
    q1 = question(result, "q1")
    assert (q1["groups"], q1["respondents"]) == (0, 0)
    assert all(option["percent"] is None for option in q1["options"])
    assert question(result, "q3")["mean"] is None


def test_an_invalid_answer_is_left_out_and_reported(pooled):
    bad = GroupResults(
        9, "Group 9", {"answers": {"q1": {"counts": {"threat": 9}, "valid": 1}, "q3": {"counts": {"5": 2}}}}
    )
    result = aggregate_session(QUESTIONS, [*SUBMITTED, bad], weighting="pooled")
    assert result["groups_submitted"] == 4
    assert question(result, "q1")["respondents"] == 6  # unchanged by the bad answer
    assert question(result, "q3")["respondents"] == 8  # the good answer of the same group counts
    assert result["invalid"][0]["group_id"] == 9
    assert result["invalid"][0]["errors"][0].startswith("answers.q1.")


def test_unknown_weighting_is_refused():
    with pytest.raises(ValueError):
        aggregate_session(QUESTIONS, SUBMITTED, weighting="by_population")


@pytest.mark.parametrize("name", ["results.answers", "results.figures"])
def test_aggregation_needs_no_database(name):
    module = importlib.import_module(name)

    with open(module.__file__) as file:
        source = file.read()
    assert "django.db" not in source and ".models import" not in source and "from results.selectors" not in source
