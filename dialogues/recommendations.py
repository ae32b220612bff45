"""The groups' recommendations across the dialogue: those of every site whose partner shares them
(``DialoguePartner.recommendations_shared``; on the public page, only partners whose results are
public as well), as each site's organisers chose them on their wall: hidden ones never, starred
first, similar ones together under their label.

Small-number rules apply to text as to figures: a site shows no text at all until at least the
dialogue's ``min_respondents`` of its groups have submitted a recommendation (groups are the
answering units of a group's text), so that no text can be traced to a handful of people. Only
the fact that some sites are not shown yet is given, never which.

The collection takes a constant number of queries (five, whatever the number of sites and
groups) and is kept like the figures: rebuilt when older than ``FRESH_SECONDS`` by one request
at a time. Reading it in a language, filtered and paged, is ``recommendations_page``: pure, per
request."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language

from dialogues.models import Dialogue, DialoguePartner
from dialogues.results import FRESH_SECONDS
from infrastructure.caching import cached_fresh
from infrastructure.languages import base_language, language_codes, language_name, pick_translation
from results.recommendation_selectors import recommendation_cards, wall_units
from sessions_app.models import Event

PER_PAGE = 30
FILTER_MAX_CHARS = 100


def _sites(dialogue: Dialogue, public: bool) -> list[dict]:
    shared = DialoguePartner.objects.filter(
        dialogue=dialogue, organisation=OuterRef("organisation"), recommendations_shared=True
    )
    if public:
        shared = shared.filter(results_public=True)
    rows = (
        Event.objects.filter(dialogue=dialogue)
        .filter(Exists(shared))
        .order_by("starts_at", "pk")
        .values("pk", "title", "country", "continent", "tags", "language", "organisation__name")
    )
    return [{**row, "tags": [tag.strip() for tag in row["tags"].split(",") if tag.strip()]} for row in rows]


def dialogue_recommendations(dialogue: Dialogue, *, public: bool = False) -> dict:
    """The shared recommendations as plain JSON: ``{"min_groups", "withheld", "sites": [{"title",
    "organisation", "country", "continent", "tags", "recommendations": [{"language", "text",
    "translations", "label", "starred"}]}]}``; ``withheld`` counts the sites that share but are
    below the threshold. No group's name, notes or people are in it."""
    sites = _sites(dialogue, public)
    cards = recommendation_cards([site["pk"] for site in sites])
    shown, withheld = [], 0
    for site in sites:
        written = [card for card in cards[site["pk"]] if card["text"]]
        if len(written) < dialogue.min_respondents:
            withheld += 1 if written else 0
            continue
        recommendations = [
            {
                "language": (card["language"] or site["language"] or "").lower(),
                "text": card["text"],
                "translations": card["translations"],
                "label": unit["label"],
                "starred": card["starred"],
            }
            for unit in wall_units(written)
            for card in unit["cards"]
        ]
        if recommendations:
            shown.append(
                {
                    "title": site["title"],
                    "organisation": site["organisation__name"],
                    "country": site["country"],
                    "continent": site["continent"],
                    "tags": site["tags"],
                    "recommendations": recommendations,
                }
            )
    return {"min_groups": dialogue.min_respondents, "withheld": withheld, "sites": shown}


def cached_dialogue_recommendations(dialogue: Dialogue, *, public: bool = False) -> dict:
    key = f"dialogues:recommendations:{dialogue.pk}:{int(public)}:{dialogue.min_respondents}"
    return cached_fresh(key, lambda: dialogue_recommendations(dialogue, public=public), fresh=FRESH_SECONDS)


def in_language(recommendation: dict, language: str) -> dict:
    """The recommendation as a reader of ``language`` sees it: in that language when written in
    it or translated into it (then marked, with the original beside), else as written."""
    written = recommendation["language"]
    shown = {
        "label": recommendation["label"],
        "starred": recommendation["starred"],
        "language": written,
        "language_name": language_name(written),
        "text": recommendation["text"],
        "original": "",
    }
    if written and base_language(written) in language_codes(language):
        return shown
    translation = pick_translation(recommendation["translations"], language)
    if translation:
        shown.update(text=translation, original=recommendation["text"])
    return shown


def _clean_filter(value) -> str:
    return value[:FILTER_MAX_CHARS] if isinstance(value, str) else ""


def _chosen(collection: dict, country: str, tag: str) -> list[dict]:
    return [
        site
        for site in collection["sites"]
        if (not country or site["country"] == country) and (not tag or tag in site["tags"])
    ]


def recommendations_table(collection: dict, *, country="", tag="", organisation: bool = True) -> tuple[list, list]:
    """The recommendations (filtered as on the page) as a table to download: a row each, its
    site, language, set and its translations into the product's languages. ``organisation``:
    with the partner organisation's name (the signed-in page; the public page names sites only)."""
    country, tag = _clean_filter(country), _clean_filter(tag)
    codes = [code for code, _name in settings.LANGUAGES]
    header = ["site", *(["organisation"] if organisation else []), "country", "continent", "tags"]
    header += ["language", "set", "starred", "recommendation", *[f"translation_{code}" for code in codes]]
    rows = []
    for site in _chosen(collection, country, tag):
        for r in site["recommendations"]:
            place = [site["title"], *([site["organisation"]] if organisation else [])]
            place += [site["country"], site["continent"], ", ".join(site["tags"])]
            rows.append(
                [*place, r["language"], r["label"], "yes" if r["starred"] else "", r["text"]]
                + [r["translations"].get(code, "") for code in codes]
            )
    return header, rows


def recommendations_page(collection: dict, *, country="", tag="", page=1, language: str | None = None) -> dict:
    """One page of the recommendations in the reader's language, filtered by country and tag:
    ``{"items": [{site, recommendation}], "page": Page, "countries", "tags", "country", "tag",
    "total", "all_sites", "withheld", "min_groups"}``. An unknown filter value shows nothing (a
    country no shown site is in); an unknown page number, the nearest page."""
    language = (language or get_language() or "en").lower()
    country, tag = _clean_filter(country), _clean_filter(tag)
    sites = collection["sites"]
    chosen = _chosen(collection, country, tag)
    items = [
        {"site": site, "recommendation": in_language(recommendation, language)}
        for site in chosen
        for recommendation in site["recommendations"]
    ]
    paged = Paginator(items, PER_PAGE).get_page(page)
    return {
        "items": paged.object_list,
        "page": paged,
        "countries": sorted({site["country"] for site in sites if site["country"]}, key=str.lower),
        "tags": sorted({t for site in sites for t in site["tags"]}, key=str.lower),
        "country": country,
        "tag": tag,
        "total": len(items),
        "all_sites": len(sites),
        "withheld": collection["withheld"],
        "min_groups": collection["min_groups"],
    }
