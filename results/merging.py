"""The arithmetic of merging many sites' tallies: figures per scope, and small-number suppression.

Plain data only (no ORM): `dialogues.results` decides which events are merged, into which scopes
(the world, a continent, a country, a tag), and passes their tally entries here. A scope's figure
is the sum of its sites' entries for one question, pooled (every answer counts the same) or one
site, one vote (the mean of the sites' own pooled percentages). A figure with fewer answering
units than ``minimum`` (people for individual questions, groups for group questions and rankings)
is suppressed: only the fact that it is suppressed is shown, never its N or its counts, and the
figures that would let it be worked out by subtraction are suppressed as well (``complementary``).
See docs/privacy.md.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from results.answers import GROUP, RANKING, SCALE, QuestionSpec
from results.figures import Weighting, question_figures

GLOBAL = "global"

_SUMS = ("groups", "valid", "value")
_PER_OPTION = ("counts", "first", "ranks")

# What hiding a scope costs readers, when a small number forces one to be hidden: a tag first,
# then a country, then a continent; the world last.
_HIDING_COST = {"tag": 1, "country": 2, "continent": 3, GLOBAL: 1000}


def answering_units(spec: QuestionSpec, entry: Mapping | None) -> int:
    """The units a threshold counts for one question: groups for group answers and rankings,
    else the people who gave a valid answer."""
    if not entry:
        return 0
    if spec.respondent == GROUP or spec.kind == RANKING:
        return int(entry.get("groups") or 0)
    return int(entry.get("valid") or 0)


def merge_entries(entries: Iterable[Mapping]) -> dict:
    """The sum of the sites' tally entries for one question, without the per-group-size sums
    (``by_valid``), which only equal weighting of groups within an event needs."""
    merged: dict = {}
    for entry in entries:
        for key in _SUMS:
            if key in entry:
                merged[key] = merged.get(key, 0) + entry[key]
        for key in _PER_OPTION:
            source = entry.get(key)
            if source:
                target = merged.setdefault(key, {})
                for option, number in source.items():
                    target[option] = target.get(option, 0) + number
    return merged


def suppressed(sites: int) -> dict:
    """A figure that is not shown: only how many sites answered."""
    return {"suppressed": True, "sites": sites}


def scope_figures(spec: QuestionSpec, entries: list[dict], *, sites_equal: bool, minimum: int) -> dict:
    """One question's figures in one scope from its sites' tally entries: ``{"n", "groups",
    "sites", "percent": [...], "count": [...], "mean"?}`` in the options' order (for rankings, the
    share and number of groups ranking the option first), or ``suppressed`` below ``minimum``."""
    pooled = question_figures(spec, merge_entries(entries), Weighting.POOLED)
    units = pooled["groups"] if (spec.respondent == GROUP or spec.kind == RANKING) else pooled["respondents"]
    sites = sum(1 for entry in entries if entry.get("groups"))
    figures = {"n": pooled["respondents"], "groups": pooled["groups"], "sites": sites}
    if units < minimum:
        return suppressed(sites)
    ranking = spec.kind == RANKING
    if sites_equal and sites:
        per_site = [question_figures(spec, entry, Weighting.POOLED) for entry in entries if entry.get("groups")]
        percents = [
            _mean([site["options"][i]["first_percent" if ranking else "percent"] for site in per_site])
            for i in range(len(spec.options))
        ]
        if spec.kind == SCALE:
            figures["mean"] = _round(_mean([site.get("mean") for site in per_site]))
    else:
        percents = [option["first_percent" if ranking else "percent"] for option in pooled["options"]]
        if spec.kind == SCALE:
            figures["mean"] = _round(pooled.get("mean"))
    figures["percent"] = [_round(p) for p in percents]
    figures["count"] = [option["first" if ranking else "count"] for option in pooled["options"]]
    return figures


def sites_answering(tallies: Mapping, session_code: str, question_code: str) -> set:
    """The sites whose tally of that session has at least one group answering the question.

    ``tallies``: ``{site: {session code: (tally, at)}}``."""
    return {
        site
        for site, own in tallies.items()
        if session_code in own and (own[session_code][0]["questions"].get(question_code) or {}).get("groups")
    }


def _hiding_cost(keys) -> int:
    return sum(_HIDING_COST.get(key.partition(":")[0], 1) for key in keys)


def complementary(shown: set[str], site_scopes: Mapping, site_units: Mapping, minimum: int) -> set[str]:
    """The scopes that may be shown, so that no combination of shown figures (one minus another,
    any sum and difference) isolates fewer than ``minimum`` answering units (secondary
    suppression, sound for any number of scopes of any kind, intersections included).

    Sites in exactly the same shown scopes form a cell: every shown figure is a sum of whole
    cells, so subtraction can at most isolate a cell. While a cell holds 1 to ``minimum`` - 1
    units, the scopes that set it apart are hidden: those that tell it from its cheapest
    neighbour cell (so that the two merge), or all of its scopes (so that it is in none)."""
    shown = set(shown)
    while True:
        cells: dict[frozenset, int] = defaultdict(int)
        for site, keys in site_scopes.items():
            cells[frozenset(key for key in keys if key in shown)] += site_units.get(site, 0)
        small = sorted(
            (signature for signature, units in cells.items() if signature and 0 < units < minimum),
            key=lambda signature: (cells[signature], sorted(signature)),
        )
        if not small:
            return shown
        cell = small[0]
        choices = [cell] + [cell ^ other for other in cells if other != cell]
        hide = min(choices, key=lambda keys: (_hiding_cost(keys), sorted(keys)))
        shown -= hide


def question_scope_figures(
    spec: QuestionSpec,
    by_site: Mapping,
    scope_sites: Mapping[str, list],
    site_scopes: Mapping,
    *,
    sites_equal: bool,
    minimum: int,
    answered: set | None = None,
) -> dict[str, dict]:
    """One question's figures in every scope, after primary and secondary suppression.

    ``by_site``: each site's tally entry for the question; ``scope_sites``: the sites of each scope;
    ``site_scopes``: the scopes of each site. ``answered``: when the entries are not the live ones
    (the released figures), the sites answering live, so that a figure not (yet) released still
    says whether any site answered at all."""
    computed = {
        key: scope_figures(
            spec, [by_site[site] for site in sites if site in by_site], sites_equal=sites_equal, minimum=minimum
        )
        for key, sites in scope_sites.items()
    }
    if answered is not None:
        for key, found in computed.items():
            if found.get("suppressed"):
                found["sites"] = sum(1 for site in scope_sites[key] if site in answered)
    shown = {key for key, found in computed.items() if not found.get("suppressed")}
    site_units = {site: answering_units(spec, entry) for site, entry in by_site.items()}
    shown = complementary(shown, site_scopes, site_units, minimum)
    return {key: found if key in shown else suppressed(found["sites"]) for key, found in computed.items()}


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _round(value):
    return None if value is None else round(value, 1)
