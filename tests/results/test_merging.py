"""Merging many sites' tallies over plain data: figures per scope and small-number suppression,
every figure computed by hand."""

import importlib

import pytest

from results.answers import QuestionSpec
from results.merging import (
    GLOBAL,
    answering_units,
    complementary,
    merge_entries,
    question_scope_figures,
    scope_figures,
    sites_answering,
    suppressed,
)

SINGLE = QuestionSpec("q1", "single", ("a", "b"))
SCALE = QuestionSpec("q3", "scale", ("1", "2", "3", "4", "5"))
RANKING = QuestionSpec("q4", "ranking", ("x", "y"), respondent="group")
GROUP_CHOICE = QuestionSpec("q7", "single", ("yes", "no"), respondent="group")

# Two sites' entries for q1: 6 people in 2 groups (4 a, 2 b), and 4 people in 1 group (1 a, 3 b).
SITE_1 = {"groups": 2, "valid": 6, "counts": {"a": 4, "b": 2}, "by_valid": {"3": {"groups": 2}}}
SITE_2 = {"groups": 1, "valid": 4, "counts": {"a": 1, "b": 3}, "by_valid": {"4": {"groups": 1}}}


@pytest.mark.parametrize(
    ("spec", "entry", "units"),
    [
        (SINGLE, None, 0),
        (SINGLE, {}, 0),
        (SINGLE, SITE_1, 6),  # people who gave a valid answer
        (GROUP_CHOICE, {"groups": 3, "valid": 3}, 3),  # a group's own choice: groups
        (RANKING, {"groups": 2, "first": {"x": 2}}, 2),  # rankings: groups
        (SINGLE, {"groups": 1}, 0),  # no valid answer recorded
    ],
)
def test_answering_units(spec, entry, units):
    assert answering_units(spec, entry) == units


@pytest.mark.parametrize(
    ("entries", "merged"),
    [
        ([], {}),
        ([SITE_1], {"groups": 2, "valid": 6, "counts": {"a": 4, "b": 2}}),
        ([SITE_1, SITE_2], {"groups": 3, "valid": 10, "counts": {"a": 5, "b": 5}}),  # no by_valid
        (
            [{"groups": 1, "value": 6, "counts": {"1": 1}}, {"groups": 2, "value": 8, "counts": {"4": 2}}],
            {"groups": 3, "value": 14, "counts": {"1": 1, "4": 2}},
        ),
        (
            [{"groups": 2, "first": {"x": 2}, "ranks": {"x": 2, "y": 4}}, {"groups": 1, "first": {"y": 1}}],
            {"groups": 3, "first": {"x": 2, "y": 1}, "ranks": {"x": 2, "y": 4}},
        ),
        ([{"groups": 1, "counts": {}}, {"groups": 0}], {"groups": 1}),  # empty per-option sums add nothing
    ],
)
def test_merge_entries(entries, merged):
    assert merge_entries(entries) == merged


SCALE_1 = {"groups": 1, "valid": 2, "counts": {"1": 1, "5": 1}, "value": 6}  # mean 3
SCALE_2 = {"groups": 1, "valid": 3, "counts": {"4": 3}, "value": 12}  # mean 4
RANKING_1 = {"groups": 2, "first": {"x": 2}, "ranks": {"x": 2, "y": 4}}
RANKING_2 = {"groups": 1, "first": {"y": 1}, "ranks": {"x": 2, "y": 1}}


@pytest.mark.parametrize(
    ("spec", "entries", "sites_equal", "minimum", "figures"),
    [
        # Pooled: 5 of 10 people chose a.
        (
            SINGLE,
            [SITE_1, SITE_2],
            False,
            10,
            {"n": 10, "groups": 3, "sites": 2, "percent": [50.0, 50.0], "count": [5, 5]},
        ),
        # One site, one vote: a is 4/6 and 1/4 of the sites' people, mean 45.83.
        (
            SINGLE,
            [SITE_1, SITE_2],
            True,
            10,
            {"n": 10, "groups": 3, "sites": 2, "percent": [45.8, 54.2], "count": [5, 5]},
        ),
        # Fewer people than the threshold: only the fact, never N or the counts.
        (SINGLE, [SITE_1, SITE_2], False, 11, {"suppressed": True, "sites": 2}),
        (
            SINGLE,
            [SITE_1, {"groups": 0}],
            False,
            5,
            {"n": 6, "groups": 2, "sites": 1, "percent": [66.7, 33.3], "count": [4, 2]},
        ),
        # Scale: pooled mean 18 / 5; sites equal, the mean of 3 and 4.
        (
            SCALE,
            [SCALE_1, SCALE_2],
            False,
            5,
            {
                "n": 5,
                "groups": 2,
                "sites": 2,
                "mean": 3.6,
                "percent": [20.0, 0.0, 0.0, 60.0, 20.0],
                "count": [1, 0, 0, 3, 1],
            },
        ),
        (
            SCALE,
            [SCALE_1, SCALE_2],
            True,
            5,
            {
                "n": 5,
                "groups": 2,
                "sites": 2,
                "mean": 3.5,
                "percent": [25.0, 0.0, 0.0, 50.0, 25.0],
                "count": [1, 0, 0, 3, 1],
            },
        ),
        # Rankings count groups, and show the share of groups ranking each option first.
        (
            RANKING,
            [RANKING_1, RANKING_2],
            False,
            3,
            {"n": 3, "groups": 3, "sites": 2, "percent": [66.7, 33.3], "count": [2, 1]},
        ),
        (RANKING, [RANKING_1, RANKING_2], False, 4, {"suppressed": True, "sites": 2}),
        (SINGLE, [], False, 1, {"suppressed": True, "sites": 0}),
        (SINGLE, [], False, 0, {"n": 0, "groups": 0, "sites": 0, "percent": [None, None], "count": [0, 0]}),
    ],
)
def test_scope_figures(spec, entries, sites_equal, minimum, figures):
    assert scope_figures(spec, entries, sites_equal=sites_equal, minimum=minimum) == figures


@pytest.mark.parametrize(
    ("shown", "site_scopes", "site_units", "minimum", "still_shown"),
    [
        # Nothing small: everything stays.
        ({GLOBAL, "country:A"}, {1: [GLOBAL, "country:A"], 2: [GLOBAL]}, {1: 5, 2: 5}, 5, {GLOBAL, "country:A"}),
        # A is hidden (3 people): the world minus B would give A away, so B goes too (cheaper than the world).
        (
            {GLOBAL, "country:B"},
            {1: [GLOBAL, "country:A"], 2: [GLOBAL, "country:B"], 3: [GLOBAL, "country:B"]},
            {1: 3, 2: 5, 3: 5},
            5,
            {GLOBAL},
        ),
        # A country minus a tag within it would isolate 2 people: the tag is hidden, the country stays.
        (
            {GLOBAL, "country:A", "tag:t"},
            {1: [GLOBAL, "country:A", "tag:t"], 2: [GLOBAL, "country:A"]},
            {1: 6, 2: 2},
            5,
            {GLOBAL, "country:A"},
        ),
        # A site with no answers isolates nothing.
        (
            {GLOBAL, "country:B"},
            {1: [GLOBAL, "country:A"], 2: [GLOBAL, "country:B"]},
            {1: 0, 2: 7},
            5,
            {GLOBAL, "country:B"},
        ),
        # Only the world, and too few in it: the world is the last resort, and goes.
        ({GLOBAL}, {1: [GLOBAL]}, {1: 2}, 5, set()),
    ],
)
def test_complementary_suppression(shown, site_scopes, site_units, minimum, still_shown):
    assert complementary(shown, site_scopes, site_units, minimum) == still_shown


BY_SITE = {1: {"groups": 1, "valid": 2, "counts": {"a": 2}}, 2: {"groups": 2, "valid": 6, "counts": {"a": 3, "b": 3}}}
SCOPE_SITES = {GLOBAL: [1, 2], "country:A": [1], "country:B": [2]}
SITE_SCOPES = {1: [GLOBAL, "country:A"], 2: [GLOBAL, "country:B"]}
WORLD = {"n": 8, "groups": 3, "sites": 2, "percent": [62.5, 37.5], "count": [5, 3]}


@pytest.mark.parametrize(
    ("answered", "figures"),
    [
        # A has 2 people (hidden); B is shown alone would let the world minus B give A away.
        (None, {GLOBAL: WORLD, "country:A": suppressed(1), "country:B": suppressed(1)}),
        # Released figures, with site 1 not answering live: A says no site answered.
        ({2}, {GLOBAL: WORLD, "country:A": suppressed(0), "country:B": suppressed(1)}),
    ],
)
def test_question_scope_figures(answered, figures):
    found = question_scope_figures(
        SINGLE, BY_SITE, SCOPE_SITES, SITE_SCOPES, sites_equal=False, minimum=5, answered=answered
    )
    assert found == figures
    assert list(found) == list(SCOPE_SITES)  # in the scopes' order


def test_sites_answering():
    tallies = {
        1: {"s1": ({"groups": 1, "questions": {"q1": {"groups": 1}}}, None)},
        2: {"s1": ({"groups": 1, "questions": {"q1": {"groups": 0}, "q2": {"groups": 1}}}, None)},
        3: {"s2": ({"groups": 1, "questions": {"q1": {"groups": 4}}}, None)},
        4: {"s1": ({"groups": 0, "questions": {}}, None)},
    }
    assert sites_answering(tallies, "s1", "q1") == {1}
    assert sites_answering(tallies, "s1", "q2") == {2}
    assert sites_answering(tallies, "s2", "q1") == {3}


def test_merging_needs_no_database():
    module = importlib.import_module("results.merging")
    with open(module.__file__) as file:
        source = file.read()
    assert "import django" not in source and "from django" not in source and "from dialogues" not in source
