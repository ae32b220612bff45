"""Reads for the recommendations wall: every group's recommendation (its answer to the session's
last open question) and key points, what the organiser chose for it (``RecommendationCuration``),
the order the plenary shows the chosen ones in, their pages, and the suggested groupings.

The plenary shows the chosen ones: starred first, hidden never, and the recommendations grouped
under one label together (the set where its first member would stand, starred first within)."""

import hashlib
import json

from django.conf import settings
from django.urls import reverse

from groups.models import BreakoutGroup
from infrastructure.cleaning import text_problem
from infrastructure.languages import base_language
from results.models import NoteRevision, RecommendationCuration
from results.recommendation_clusters import common_words, suggest_clusters
from sessions_app.models import Event, Question

# Cards on one page of the wall and on one of the presenter's recommendation slides.
CARDS_PER_PAGE = 6


def _open_questions(event_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Each event's open questions, in order: ``{event id: [(session code, question code, text)]}``
    (one query)."""
    found: dict[int, list[tuple[str, str, str]]] = {event_id: [] for event_id in event_ids}
    rows = (
        Question.objects.filter(session__event_id__in=event_ids, kind=Question.Kind.OPEN)
        .order_by("session__order", "order", "pk")
        .values_list("session__event_id", "session__code", "code", "text")
    )
    for event_id, session_code, code, text in rows:
        found[event_id].append((session_code, code, text))
    return found


def _latest_answers(event_ids: list[int]) -> dict[tuple[int, str], dict]:
    """The answers of each group's latest revision per session (one query)."""
    latest: dict[tuple[int, str], tuple[int, dict]] = {}
    rows = NoteRevision.objects.filter(
        submission__group__event_id__in=event_ids, submission__group__allocation__is_current=True
    ).values_list("submission__group_id", "submission__session__code", "number", "data")
    for group_id, session_code, number, data in rows:
        key = (group_id, session_code)
        if key not in latest or number > latest[key][0]:
            answers = data.get("answers") if isinstance(data, dict) else None
            latest[key] = (number, answers if isinstance(answers, dict) else {})
    return {key: answers for key, (_number, answers) in latest.items()}


def recommendation_cards(event_ids) -> dict[int, list[dict]]:
    """Every current group of these events, in order, with its recommendation (its answer to the
    last open question it answered in submitted notes), its other key points and what the
    organisers chose for it: ``{event id: [{"id", "event", "name", "language", "text", "points",
    "source", "starred", "hidden", "label", "translations"}]}``. Four queries, whatever the
    number of events."""
    event_ids = list(event_ids)
    questions = _open_questions(event_ids)
    answers = _latest_answers(event_ids)
    curations = {c.group_id: c for c in RecommendationCuration.objects.filter(group__event_id__in=event_ids)}
    cards: dict[int, list[dict]] = {event_id: [] for event_id in event_ids}
    groups = BreakoutGroup.objects.filter(event_id__in=event_ids, allocation__is_current=True).order_by(
        "event_id", "round", "number"
    )
    for group in groups:
        points, source = [], None
        for session_code, code, question_text in questions[group.event_id]:
            answer = answers.get((group.pk, session_code), {}).get(code)
            text = answer.get("text") if isinstance(answer, dict) else None
            if isinstance(text, str) and text.strip() and not text_problem(text):
                points.append({"question": question_text, "text": text})
                source = session_code
        curation = curations.get(group.pk)
        translations = curation.translations if curation and isinstance(curation.translations, dict) else {}
        cards[group.event_id].append(
            {
                "id": group.pk,
                "event": group.event_id,
                "name": str(group),
                "language": group.language,
                "text": points[-1]["text"] if points else "",
                "points": points[:-1],
                "source": source,
                "starred": bool(curation and curation.starred),
                "hidden": bool(curation and curation.hidden),
                "label": curation.cluster_label if curation else "",
                "translations": {k: v for k, v in translations.items() if isinstance(v, str) and v},
            }
        )
    return cards


def _translation_rows(card: dict, event_language: str) -> list[dict]:
    """The languages the card may be translated into, with the translation kept in each."""
    written = base_language(card["language"] or event_language)
    return [
        {"code": code, "name": name, "text": card["translations"].get(code, "")}
        for code, name in settings.LANGUAGES
        if code != written
    ]


def wall_cards(event: Event) -> list[dict]:
    """Every current group of the event, in order, with its recommendation (see
    ``recommendation_cards``), the address of the notes it comes from (``notes_url``) and the
    languages it may be translated into (``translation_rows``)."""
    cards = recommendation_cards([event.pk])[event.pk]
    for card in cards:
        card["translation_rows"] = _translation_rows(card, event.language)
        card["notes_url"] = (
            reverse("notes_form", kwargs={"slug": event.slug, "group_id": card["id"], "session_code": card["source"]})
            if card["source"]
            else reverse("notes_start", kwargs={"slug": event.slug, "group_id": card["id"]})
        )
    return cards


def wall_units(cards: list[dict]) -> list[dict]:
    """The chosen recommendations as the plenary shows them: ``[{"label", "cards", "starred"}]``,
    a unit per set of similar ones (its label) or per recommendation on its own (label "")."""
    units: list[dict] = []
    by_label: dict[str, dict] = {}
    for card in cards:
        if card["hidden"] or not card["text"]:
            continue
        if card["label"]:
            unit = by_label.get(card["label"])
            if unit is None:
                unit = by_label[card["label"]] = {"label": card["label"], "cards": [], "starred": False}
                units.append(unit)
        else:
            unit = {"label": "", "cards": [], "starred": False}
            units.append(unit)
        unit["cards"].append(card)
        unit["starred"] = unit["starred"] or card["starred"]
    for unit in units:
        unit["cards"].sort(key=lambda card: not card["starred"])  # stable: the groups' order otherwise
    units.sort(key=lambda unit: not unit["starred"])
    return units


def wall_pages(units: list[dict], per_page: int = CARDS_PER_PAGE) -> list[list[dict]]:
    """The units on pages of at most ``per_page`` cards; a set starts a new page rather than be
    split, unless it is larger than a page. Always one page at least (empty: nothing chosen)."""
    pages: list[list[dict]] = [[]]
    used = 0
    for unit in units:
        cards = unit["cards"]
        while cards:
            room = per_page - used
            if room < len(cards) and used and len(cards) <= per_page:
                pages.append([])
                used, room = 0, per_page
            part, cards = cards[:room], cards[room:]
            pages[-1].append({**unit, "cards": part})
            used += len(part)
            if cards or used >= per_page:
                pages.append([])
                used = 0
    if len(pages) > 1 and not pages[-1]:
        pages.pop()
    return pages


def wall_suggestions(cards: list[dict]) -> list[dict]:
    """Suggested sets of similar recommendations among those shown and not yet grouped, each
    ``{"cards": [...], "label": a proposed label}``. Never applied by themselves."""
    free = {c["id"]: c for c in cards if c["text"] and not c["hidden"] and not c["label"]}
    found = suggest_clusters([(card_id, c["language"], c["text"]) for card_id, c in free.items()])
    suggestions = []
    for keys in found:
        members = [free[key] for key in keys]
        label = " · ".join(common_words([(m["language"], m["text"]) for m in members]))
        suggestions.append({"cards": members, "label": label[:80], "ids": ",".join(str(key) for key in keys)})
    return suggestions


def wall_signature(cards: list[dict]) -> str:
    """Changes with anything the wall shows of its cards: texts, choices, sets, translations."""
    shown = [
        (c["id"], c["text"], c["points"], c["starred"], c["hidden"], c["label"], sorted(c["translations"].items()))
        for c in cards
    ]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:20]


def wall_state(cards: list[dict]) -> dict:
    """What a drawn wall remembers to ask whether it changed: ``{"signature", "written"}``
    (``written``: how many recommendations it had)."""
    return {"signature": wall_signature(cards), "written": sum(1 for card in cards if card["text"])}


def wall_news(state: dict, seen: str, written: str) -> dict:
    """What changed since a page drew the wall whose signature was ``seen`` with ``written``
    recommendations, the wall now being ``state`` (``wall_state``): ``{"changed", "new"}``
    (``new``: how many more recommendations now)."""
    now = state["written"]
    before = int(written) if written.isascii() and written.isdigit() and len(written) < 7 else now
    return {"changed": seen != state["signature"], "new": max(0, now - before)}


def wall(event: Event) -> dict:
    """Everything the wall page shows (four queries and the clustering)."""
    cards = wall_cards(event)
    units = wall_units(cards)
    return {
        **wall_state(cards),
        "cards": cards,
        "pages": wall_pages(units),
        "hidden": [c for c in cards if c["hidden"] and c["text"]],
        "waiting": [c for c in cards if not c["text"]],
        "suggestions": wall_suggestions(cards),
        "labels": sorted({c["label"] for c in cards if c["label"]}),
    }


def wall_page_count(event: Event) -> int:
    """How many recommendation slides the presenter has (four queries)."""
    return len(wall_pages(wall_units(wall_cards(event))))
