"""Attacks on small numbers through the anonymous public results alone (see docs/privacy.md).

The attacker reads the open data (JSON and CSV) and knows which sites each scope covers (the
public page lists every site with its country, continent and tags). Two attacks:

- subtraction: for every pair of published scopes, one minus the other;
- differencing over time: two downloads taken around one submission.

Both fail when no published difference isolates fewer than the threshold of answering units,
and none equals the answers of a unit that is below it."""

import csv
import io
import itertools

import pytest
from django.core.cache import cache
from django.test import Client

from dialogues import results, results_cache
from infrastructure.caching import clear_process_caches
from tests.dialogues.scenarios import q1, submit_results
from tests.factories import make_groups, make_partner, make_site

pytestmark = pytest.mark.django_db

K = 5  # the dialogue's threshold (its default)
QUESTION = "q1"
OPTIONS = ("opportunity", "threat")

# site slug: (country, continent, tags, the people of each group as (opportunity, threat))
SITES = {
    # France's main site: 15 people in 3 groups.
    "paris": ("France", "europe", "G20, coastal", [(3, 2), (4, 1), (2, 3)]),
    # A students' panel in France: a tag within one country and one continent, 2 people.
    "lyon-students": ("France", "europe", "students", [(2, 0)]),
    # Germany: 7 people; Kenya: 3 people (below the threshold); Chile: 6 people.
    "berlin": ("Germany", "europe", "G20", [(4, 0), (1, 2)]),
    "nairobi": ("Kenya", "africa", "youth", [(1, 2)]),
    "santiago": ("Chile", "south_america", "youth, G20", [(5, 1)]),
}


def _scope_sites() -> dict[str, frozenset[str]]:
    scopes: dict[str, set[str]] = {"global:world": set()}
    for slug, (country, continent, tags, _groups) in SITES.items():
        keys = ["global:world", f"continent:{continent}", f"country:{country}"]
        keys += [f"tag:{tag.strip()}" for tag in tags.split(",")]
        for key in keys:
            scopes.setdefault(key, set()).add(slug)
    return {key: frozenset(slugs) for key, slugs in scopes.items()}


SCOPE_SITES = _scope_sites()


def _secrets(extra=()) -> set[tuple[int, ...]]:
    """(opportunity, threat, n) of every group, every small site and every small union of sites
    (and of the ``extra`` groups): what the attacker must never recover."""
    units = list(extra)
    for _slug, (*_place, groups) in SITES.items():
        units.extend(groups)
        units.append(tuple(map(sum, zip(*groups, strict=True))))
    secrets = set()
    for size in (1, 2):
        for chosen in itertools.combinations(units, size):
            total = tuple(map(sum, zip(*chosen, strict=True)))
            if 0 < sum(total) < K:
                secrets.add((*total, sum(total)))
    return secrets


@pytest.fixture
def world(dialogue):
    dialogue.public = True
    dialogue.save()
    sites = {}
    for number, (slug, (country, continent, tags, groups)) in enumerate(SITES.items()):
        organisation, _ = make_partner(dialogue, f"Partner {slug}", f"partner-{number}", public=True)
        event = make_site(dialogue, organisation, slug, country=country, continent=continent, tags=tags)
        made = make_groups(event, len(groups) + 3)  # three spare groups for later submissions
        for group, (yes, no) in zip(made, groups, strict=False):
            submit_results(event, group, q1(yes, no))
        sites[slug] = {"event": event, "spare": made[len(groups) :]}
    return sites


@pytest.fixture(autouse=True)
def _always_fresh(monkeypatch):
    """Every download is built anew: the attacker is as fast as the caches allow."""
    monkeypatch.setattr(results, "FRESH_SECONDS", 0.0)
    monkeypatch.setattr(results_cache, "PUBLIC_PAGE_SECONDS", 0.0)


def _download(dialogue) -> dict[str, dict[str, tuple[int, ...]]]:
    """What an anonymous reader gets, from the JSON and from the CSV (they must agree):
    ``{scope: (opportunity, threat, n)}`` for the published, unsuppressed scopes of q1."""
    cache.clear()
    clear_process_caches()
    anonymous = Client()
    json_rows = anonymous.get(f"/public/dialogues/{dialogue.slug}/results.json").json()["rows"]
    csv_text = anonymous.get(f"/public/dialogues/{dialogue.slug}/results.csv").content.decode()
    csv_rows = list(csv.DictReader(io.StringIO(csv_text)))
    found = {}
    for name, rows in (("json", json_rows), ("csv", csv_rows)):
        figures: dict[str, dict] = {}
        for row in rows:
            if row["question_code"] != QUESTION or row["suppressed"] in (True, "true"):
                continue
            key = f"{row['scope_kind']}:{row['scope_name']}"
            figures.setdefault(key, {"n": int(row["n"])})[row["option_code"]] = int(row["count"])
        found[name] = {key: (*(f[o] for o in OPTIONS), f["n"]) for key, f in figures.items()}
    assert found["json"] == found["csv"]
    return found["json"]


def _difference(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x - y for x, y in zip(a, b, strict=True))


def _assert_no_small_difference(published: dict[tuple, tuple[int, ...]], sites_of: dict[tuple, frozenset], extra=()):
    """Every pair of published figures (scope, moment): their difference never equals a secret;
    and where the first covers the other's sites, at the same moment or later, what it adds
    (answers of its other sites and answers that arrived since) is 0 or at least K units."""
    secrets = _secrets(extra)
    nested = 0
    for (name_a, a), (name_b, b) in itertools.permutations(published.items(), 2):
        difference = _difference(a, b)
        assert difference not in secrets, f"{name_a} - {name_b} gives {difference}"
        if sites_of[name_b] <= sites_of[name_a] and name_a[1] >= name_b[1]:
            nested += 1
            assert not 0 < abs(difference[-1]) < K, f"{name_a} - {name_b} gives {difference}"
    for name, figure in published.items():
        assert figure not in secrets, f"{name} is {figure}"
    return nested


def test_subtracting_any_two_published_scopes_reveals_no_small_number(dialogue, world):
    published = _download(dialogue)
    nested = _assert_no_small_difference(
        {(key, 0): figure for key, figure in published.items()},
        {(key, 0): SCOPE_SITES[key] for key in published},
    )
    # The attack had something to work with: the world, Europe, France, Germany, Chile and the
    # G20 tag are published, and the youth tag covers Chile and Kenya's 3 people.
    assert nested >= 10
    assert {"global:world", "continent:europe", "country:France", "country:Chile", "tag:G20"} <= set(published)
    assert published["country:France"] == (9, 6, 15)  # Paris only: Lyon's 2 are not released
    assert "tag:students" not in published
    # Neither Kenya (3 people) nor the French students' panel (2, a tag within one country) can
    # be worked out: the youth tag minus Chile is nothing, France minus "coastal" too.
    assert _difference(published["tag:youth"], published["country:Chile"]) == (0, 0, 0)
    assert _difference(published["country:France"], published["tag:coastal"]) == (0, 0, 0)
    assert "country:Kenya" not in published and "continent:africa" not in published
    # The public page shows the same numbers as the downloads, scope by scope.
    for key in ("country:France", "tag:youth", "country:Kenya", "tag:students"):
        page = Client().get(f"/public/dialogues/{dialogue.slug}/", {"scope": key}).content.decode()
        q1_html = page[page.index(f'id="q-digital-public-sphere-{QUESTION}"') :].split("</section>")[0]
        if key in published:
            assert f"N = {published[key][-1]}<" in q1_html
        else:
            assert "not shown" in q1_html and "N = " not in q1_html


def test_two_downloads_around_one_submission_reveal_nothing(dialogue, world):
    before = _download(dialogue)
    paris = world["paris"]
    # One person (N = 1), then a group of 3: neither moves any published figure.
    submit_results(paris["event"], paris["spare"][0], q1(1, 0))
    after_one = _download(dialogue)
    assert after_one == before
    submit_results(paris["event"], paris["spare"][1], q1(0, 3))
    after_two = _download(dialogue)
    assert after_two == before
    # A group of 2 more: 6 new people since France's last release, so France moves, by all six.
    submit_results(paris["event"], paris["spare"][2], q1(1, 1))
    after_three = _download(dialogue)
    assert after_three["country:France"] == (11, 10, 21)
    moments = {0: before, 1: after_one, 2: after_two, 3: after_three}
    published = {(key, when): figure for when, figures in moments.items() for key, figure in figures.items()}
    sites_of = {(key, when): SCOPE_SITES[key] for key, when in published}
    # Every scope at every moment against every other scope at every moment.
    new_groups = [(1, 0), (0, 3), (1, 1)]
    assert _assert_no_small_difference(published, sites_of, extra=new_groups) >= 40


def test_a_correction_below_the_threshold_is_not_published(dialogue, world):
    """Changing one group's answers (the same people) would give away how that group changed."""
    before = _download(dialogue)
    berlin = world["berlin"]
    group = berlin["event"].groups.get(number=2)
    submit_results(berlin["event"], group, q1(0, 3))  # the same 3 people, other answers
    assert _download(dialogue) == before


def test_small_sites_join_the_figures_once_enough_have_answered(dialogue, world):
    """Kenya's 3 people are never published alone, nor hidden in a larger scope; with 2 more
    (5, the threshold), Kenya, Africa and the youth tag show them."""
    nairobi = world["nairobi"]
    submit_results(nairobi["event"], nairobi["spare"][0], q1(2, 0))
    published = _download(dialogue)
    assert published["country:Kenya"] == published["continent:africa"] == (3, 2, 5)
    assert published["tag:youth"] == (8, 3, 11)  # Kenya and Chile
    assert "tag:students" not in published  # Lyon's 2 still wait
    assert published["global:world"] == (9 + 5 + 5 + 3, 6 + 2 + 1 + 2, 15 + 7 + 6 + 5)


def test_the_live_page_resists_subtraction_between_any_two_scopes(client, dialogue, world, coordinator):
    """The coordinators' and partners' live figures are not held back in time, but no two of
    their scopes (a tag within a country included) may be subtracted to isolate a small number."""
    client.force_login(coordinator)
    snapshot = client.get(f"/dialogues/{dialogue.slug}/results.json").json()
    q1_ = next(q for s in snapshot["sessions"] for q in s["questions"] if q["code"] == QUESTION)
    published = {}
    for key, found in q1_["figures"].items():
        if not found.get("suppressed"):
            name = "global:world" if key == "global" else key
            published[(name, 0)] = (*found["count"][:2], found["n"])
    assert published[("global:world", 0)] == (9 + 2 + 5 + 1 + 5, 6 + 0 + 2 + 2 + 1, 33)  # live: every site
    nested = _assert_no_small_difference(published, {key: SCOPE_SITES[key[0]] for key in published})
    assert nested >= 5
    # The students' panel (2) is inside France and coastal; Kenya (3) inside the youth tag.
    assert ("tag:students", 0) not in published and ("country:Kenya", 0) not in published
