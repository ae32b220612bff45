"""Reads for the recommendations wall: every group's recommendation (its answer to the session's
last open question) and key points, what the organiser chose for it (``RecommendationCuration``),
the order the plenary shows the chosen ones in, their pages, and the suggested groupings.

The plenary shows the chosen ones: starred first, hidden never, and the recommendations grouped
under one label together (the set where its first member would stand, starred first within)."""

from django.urls import reverse

from groups.models import BreakoutGroup
from infrastructure.cleaning import text_problem
from results.models import NoteRevision, RecommendationCuration
from results.recommendation_clusters import common_words, suggest_clusters
from sessions_app.models import Event, Question

# Cards on one page of the wall and on one of the presenter's recommendation slides.
CARDS_PER_PAGE = 6


def _open_questions(event: Event) -> list[tuple[str, str, str]]:
    """``(session code, question code, text)`` of the open questions, in order (one query)."""
    return list(
        Question.objects.filter(session__event=event, kind=Question.Kind.OPEN)
        .order_by("session__order", "order", "pk")
        .values_list("session__code", "code", "text")
    )


def _latest_answers(event: Event) -> dict[tuple[int, str], dict]:
    """The answers of each group's latest revision per session (one query)."""
    latest: dict[tuple[int, str], tuple[int, dict]] = {}
    rows = NoteRevision.objects.filter(submission__group__event=event).values_list(
        "submission__group_id", "submission__session__code", "number", "data"
    )
    for group_id, session_code, number, data in rows:
        key = (group_id, session_code)
        if key not in latest or number > latest[key][0]:
            answers = data.get("answers") if isinstance(data, dict) else None
            latest[key] = (number, answers if isinstance(answers, dict) else {})
    return {key: answers for key, (_number, answers) in latest.items()}


def wall_cards(event: Event) -> list[dict]:
    """Every current group, in order, with its recommendation and what was chosen for it:
    ``{"id", "name", "language", "text", "points", "notes_url", "starred", "hidden", "label"}``."""
    questions = _open_questions(event)
    answers = _latest_answers(event)
    curations = {c.group_id: c for c in RecommendationCuration.objects.filter(group__event=event)}
    cards = []
    groups = BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("round", "number")
    for group in groups:
        points, source = [], None
        for session_code, code, question_text in questions:
            answer = answers.get((group.pk, session_code), {}).get(code)
            text = answer.get("text") if isinstance(answer, dict) else None
            if isinstance(text, str) and text.strip() and not text_problem(text):
                points.append({"question": question_text, "text": text})
                source = session_code
        curation = curations.get(group.pk)
        cards.append(
            {
                "id": group.pk,
                "name": str(group),
                "language": group.language,
                "text": points[-1]["text"] if points else "",
                "points": points[:-1],
                "notes_url": reverse(
                    "notes_form", kwargs={"slug": event.slug, "group_id": group.pk, "session_code": source}
                )
                if source
                else reverse("notes_start", kwargs={"slug": event.slug, "group_id": group.pk}),
                "starred": bool(curation and curation.starred),
                "hidden": bool(curation and curation.hidden),
                "label": curation.cluster_label if curation else "",
            }
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


def wall(event: Event) -> dict:
    """Everything the wall page shows (three queries and the clustering)."""
    cards = wall_cards(event)
    units = wall_units(cards)
    return {
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
