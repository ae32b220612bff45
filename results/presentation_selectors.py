"""Reads for the plenary's presenter mode (``?present=1``): the slides, what each shows, and the
presenter state every screen follows (changed by ``results.presentation.presentation_update``).

The slides are, in order: a title slide, one slide per question with figures (the plenary's
questions, open-text ones left out), and the groups' recommendations: those the organiser chose on
the recommendations wall (``results.recommendation_selectors``), a slide per page of cards. Besides them, one slide per
group with its key points and recommendation, shown when the organiser puts that group on
screen (it has no number: the numbered slides stay where they are).

A question's figures are shown when the organiser revealed them, hidden when they hid them;
otherwise they follow the plenary's "results shown" setting, except that a question open for
votes on devices stays hidden until it closes ("hide until closed"), so that no one anchors on
the first answers. A hidden question shows how many have answered so far, not the split."""

from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language

from infrastructure.caching import cached_fresh
from results.figures import bar_width
from results.models import OpenVote, PlenarySettings, Vote
from results.phone_votes import vote_code_of, vote_qr
from results.plenary_selectors import (
    SNAPSHOT_FIELDS,
    SNAPSHOT_FRESH_SECONDS,
    plenary_settings_key,
    plenary_settings_of,
    plenary_snapshot,
)
from results.presentation_state import presentation_state, question_key
from results.recommendation_selectors import wall_cards, wall_pages, wall_units
from sessions_app.models import Event, Option, Question
from sessions_app.translations import translated

TITLE, QUESTION, RECOMMENDATIONS, GROUP = "title", "question", "recommendations", "group"
# More options than this: the question's slide uses smaller rows.
MANY_OPTIONS = 6


def presentation_outline(event: Event, pages: list | None = None) -> list[dict]:
    """The numbered slides, without figures: ``[{"kind", "key", "label", "is_open"?, "page"?}]``
    (five queries; two when the wall's ``pages`` are given)."""
    if pages is None:
        pages = wall_pages(wall_units(wall_cards(event)))
    slides = [{"kind": TITLE, "key": TITLE, "label": event.title}]
    rows = (
        Question.objects.filter(session__event=event)
        .exclude(kind=Question.Kind.OPEN)
        .order_by("session__order", "session_id", "order", "pk")
        .select_related("session")
        .only("session__code", "code", "text", "is_open", "translations")
    )
    for question in rows:
        slides.append(
            {
                "kind": QUESTION,
                "key": question_key(question.session.code, question.code),
                "label": translated(question, "text"),
                "is_open": question.is_open,
            }
        )
    for number in range(1, len(pages) + 1):
        key = RECOMMENDATIONS if number == 1 else f"{RECOMMENDATIONS}-{number}"
        slides.append({"kind": RECOMMENDATIONS, "key": key, "label": "", "page": number, "pages": len(pages)})
    return slides


def figures_revealed(settings_: PlenarySettings, slide: dict) -> bool:
    """Whether a question slide shows its figures (see the module's docstring)."""
    chosen = (settings_.present_reveal or {}).get(slide["key"])
    if isinstance(chosen, bool):
        return chosen
    return settings_.results_visible and not slide["is_open"]


def presentation_controls(event: Event, settings_: PlenarySettings) -> dict:
    """What the control room's presenter controls show: the slides (numbered, with their label),
    the current one, and whether its figures are revealed (two queries)."""
    outline = presentation_outline(event)
    state = presentation_state(settings_, len(outline))
    slides = [{**slide, "index": i, "number": i + 1} for i, slide in enumerate(outline)]
    current = slides[state["slide"]]
    if current["kind"] == QUESTION:
        current["revealed"] = figures_revealed(settings_, current)
    return {"slides": slides, "current": current, "state": state, "last": len(slides) - 1}


def presentation_deck(event: Event, *, staff: bool = False) -> dict:
    """Every slide with what it shows, and the state: ``{"slides": [...], "groups": [...],
    "state": {...}}``. Figures of a hidden question are left out, not only hidden."""
    settings_ = plenary_settings_of(event)
    snapshot = plenary_snapshot(event, staff=staff, every_question=True)
    figures = {
        question_key(session["code"], question["code"]): question
        for session in snapshot["sessions"]
        for question in session["questions"]
    }
    cards = wall_cards(event)
    pages = wall_pages(wall_units(cards))
    outline = presentation_outline(event, pages)
    # A group's own slide shows its wall card: its recommendation and the key points before it
    # (the wall read them for every group at once); a card hidden on the wall, nothing.
    groups = [
        {
            "id": card["id"],
            "name": card["name"],
            "points": [] if card["hidden"] else card["points"],
            "text": "" if card["hidden"] else card["text"],
            "hidden": card["hidden"],
        }
        for card in cards
    ]
    labels = _option_labels(event)
    device_votes = _device_votes(event, [slide["key"] for slide in outline if slide.get("is_open")])
    slides = []
    for number, slide in enumerate(outline, start=1):
        slide = {**slide, "number": number, "index": number - 1}
        if slide["kind"] == QUESTION:
            question = figures.get(slide["key"], {"options": [], "n": 0, "measure": "share"})
            revealed = figures_revealed(settings_, slide)
            slide.update(
                revealed=revealed,
                n=question["n"],
                measure=question["measure"],
                mean=question.get("mean") if revealed else None,
                options=[
                    {**_option(option, revealed), "label": labels.get((slide["key"], option["code"]), option["label"])}
                    for option in question["options"]
                ],
                many=len(question["options"]) > MANY_OPTIONS,
            )
            if slide["is_open"]:
                # While open, the slide also counts the votes cast on devices so far (those of the
                # participants and, apart, those of open voting).
                votes, open_votes = device_votes.get(slide["key"], (0, 0))
                slide.update(device_votes=votes + open_votes, open_votes=open_votes)
        elif slide["kind"] == RECOMMENDATIONS:
            slide.update(units=pages[slide["page"] - 1])
        elif slide["kind"] == TITLE:
            slide.update(groups_submitted=snapshot["groups_submitted"], groups_total=snapshot["groups_total"])
        slides.append(slide)
    return {
        "slides": slides,
        "groups": groups,
        "reference": snapshot["reference"],
        "version": snapshot["version"],
        "state": presentation_state(settings_, len(slides)),
        "vote": vote_qr(vote_code_of(event)) if device_votes is not None else None,
    }


def _device_votes(event: Event, keys: list[str]) -> dict | None:
    """``{question key: (participants' votes, open votes)}`` of the open questions (two queries);
    None when no question is open."""
    if not keys:
        return None
    counts: dict[str, list[int]] = {}
    for index, model in enumerate((Vote, OpenVote)):
        rows = (
            model.objects.filter(question__session__event=event, question__is_open=True)
            .values_list("question__session__code", "question__code")
            .annotate(n=Count("id"))
            .order_by()
        )
        for session_code, code, n in rows:
            counts.setdefault(question_key(session_code, code), [0, 0])[index] = n
    return {key: tuple(pair) for key, pair in counts.items()}


def _option_labels(event: Event) -> dict[tuple[str, str], str]:
    """``{(question key, option code): label in the page's language}`` (one query)."""
    rows = (
        Option.objects.filter(question__session__event=event)
        .select_related("question__session")
        .only("question__session__code", "question__code", "code", "label", "translations")
    )
    return {
        (question_key(option.question.session.code, option.question.code), option.code): translated(option, "label")
        for option in rows
    }


def _option(option: dict, revealed: bool) -> dict:
    if not revealed:
        return {"code": option["code"], "label": option["label"]}
    reference = option["reference"]
    return {
        "code": option["code"],
        "label": option["label"],
        "percent": option["percent"],
        "width": bar_width(option["percent"]),
        "count": option["count"],
        "reference": reference,
        "reference_width": bar_width(reference["percent"]) if reference else "0%",
    }


# Besides the snapshot's settings, those of the slides: a new slide, figures revealed or a group put
# on screen make another key for the phones' kept deck.
DECK_FIELDS = SNAPSHOT_FIELDS + ("present_version", "present_slide", "present_group_id", "present_reveal")


DECK_FIRST_COPY_WAIT = 2.0  # seconds


def presentation_now(event: Event, group_id: int | None = None) -> dict:
    """The slide every screen shows now, as a participant's phone follows it in the closing
    plenary: ``{"slide", "reference", "vote", "version"}`` (``version``: the presenter state's, as
    its ``plenary.slide`` hint carries it). ``slide`` is a slide of ``presentation_deck``
    (``kind`` title, question, recommendations) or, when the organiser put a group on screen,
    that group's (``kind`` "group"). The participant's own group (``group_id``) is marked
    ``mine``: its card on a recommendations slide, or the group slide itself.

    The deck is built once per version of the slides and kept in the shared cache (every
    participant's phone asks every few seconds); the copy read here is changed for one reader."""
    deck = cached_fresh(
        f"presenter-deck:{event.pk}:{get_language() or ''}",
        lambda: presentation_deck(event),
        fresh=SNAPSHOT_FRESH_SECONDS,
        version=plenary_settings_key(event, DECK_FIELDS),
        # A new slide sends the room's phones here within 300 ms: one builds, the others wait for it.
        first_copy_wait=DECK_FIRST_COPY_WAIT,
    )
    state = deck["state"]
    slide = None
    if state["group"]:
        found = next((g for g in deck["groups"] if g["id"] == state["group"]), None)
        if found:
            slide = {**found, "kind": GROUP, "mine": found["id"] == group_id}
    if slide is None:
        slide = dict(deck["slides"][state["slide"]]) if deck["slides"] else {"kind": TITLE, "label": event.title}
    if slide["kind"] == RECOMMENDATIONS:
        slide["units"] = [
            {**unit, "cards": [{**card, "mine": card["id"] == group_id} for card in unit["cards"]]}
            for unit in slide["units"]
        ]
    return {"slide": slide, "reference": deck["reference"], "vote": deck["vote"], "version": state["version"]}


def slide_html(event_id: int) -> dict[str, str]:
    """ "On the screen now" as the phones show it, no group marked (each phone marks its own), in
    each of the product's languages: ``{language code: HTML}`` (templates/results/_closing_now.html)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return {}
    drawn = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            drawn[code] = render_to_string(
                "results/_closing_now.html", {"event": event, "now": presentation_now(event)}
            )
    return drawn
