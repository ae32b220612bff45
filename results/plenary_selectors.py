"""Reads for the plenary screen: its settings, its full state (the snapshot every screen is sent)
and what its figures can be compared with (reference datasets, and the sources registered in
``results.comparisons``), in a constant number of queries."""

import hashlib

from django.db.models import Count

from groups.models import BreakoutGroup
from infrastructure.caching import cached_fresh
from infrastructure.cleaning import text_problem
from results.answers import QuestionSpec
from results.comparisons import comparison_scopes, comparison_source
from results.figures import question_figures
from results.models import NoteRevision, PlenarySettings, ReferenceDataset, ReferenceResult
from results.presentation_state import presentation_state
from results.recommendation_selectors import wall_page_count
from results.selectors import questions_prefetch, session_question_specs
from results.tallies import session_tallies
from sessions_app.models import Event, Session

# The comparison source of a plenary's ``world_scope``: the dialogue's results so far.
WORLD = "world"
# A kept snapshot of one version is built again after this long: the dialogue's world results
# change with other sites, and a lost broadcast must not keep a page stale for long.
SNAPSHOT_FRESH_SECONDS = 30


def plenary_settings_of(event: Event) -> PlenarySettings:
    """The event's plenary settings (unsaved defaults when the organiser never changed them)."""
    found = PlenarySettings.objects.select_related("reference_dataset", "on_screen_group").filter(event=event).first()
    return found or PlenarySettings(event=event)


def _reference_figures(settings_: PlenarySettings) -> dict[tuple[str, str], dict]:
    if settings_.reference_dataset_id is None:
        return {}
    rows = ReferenceResult.objects.filter(
        dataset_id=settings_.reference_dataset_id, scope=settings_.scope, scope_name=settings_.scope_name
    ).values_list("question_code", "option_code", "count", "percent", "n")
    figures = {}
    for question_code, option_code, count, percent, n in rows:
        value = float(percent) if percent is not None else 100.0 * count / n
        figures[(question_code, option_code)] = {"percent": round(value, 1), "n": n}
    return figures


def _world_reference(event: Event, scope_key: str, staff: bool) -> tuple[dict, dict | None]:
    """The dialogue's results so far for a scope, as the plenary's comparison (the "world" source
    of ``results.comparisons``): the live results for the event's signed-in organisers, else only
    the public ones (or no comparison at all)."""
    source = comparison_source(WORLD)
    figures, scope = source.figures(event, scope_key, public=not staff) if source else ({}, None)
    if scope is None and not staff:
        return {}, None
    return figures, {
        "title": "",
        "illustrative": False,
        "live": True,
        "scope": scope_key,
        "scope_name": scope["label"] if scope else scope_key,
        "sites_reported": scope["sites_reported"] if scope else 0,
    }


def plenary_comparison(event: Event, settings_: PlenarySettings, *, staff: bool = False) -> tuple[dict, dict | None]:
    """What the plenary compares the event's figures with: ``({(question code, option code):
    {"percent", "n"}}, reference)``, ``reference`` being ``{"title", "illustrative", "scope",
    "scope_name", "live"?, "sites_reported"?}`` or None (see ``plenary_snapshot``)."""
    if settings_.world_scope and event.dialogue_id:
        return _world_reference(event, settings_.world_scope, staff)
    dataset = settings_.reference_dataset
    if dataset is None:
        return _reference_figures(settings_), None
    reference = {
        "title": dataset.title,
        "illustrative": dataset.illustrative,
        "scope": settings_.scope,
        "scope_name": settings_.scope_name,
    }
    return _reference_figures(settings_), reference


def _on_screen(settings_: PlenarySettings, texts_by_session: dict[str, dict[str, str]]) -> dict | None:
    group = settings_.on_screen_group
    if group is None:
        return None
    return group_key_points(group, texts_by_session)


def group_recommendation(group: BreakoutGroup) -> dict:
    """A group's key points and recommendation (its submitted answers to the open questions), as the
    plenary shows them: ``{"group", "group_id", "points": [{"question", "text"}]}``."""
    sessions = Session.objects.filter(event_id=group.event_id).order_by("order").prefetch_related(questions_prefetch())
    texts = {s.code: {q.code: q.text for q in session_question_specs(s) if q.kind == "open"} for s in sessions}
    return group_key_points(group, texts)


def group_key_points(group: BreakoutGroup, texts_by_session: dict[str, dict[str, str]]) -> dict:
    revisions = NoteRevision.objects.filter(submission__group=group).values_list(
        "submission__session__code", "number", "data"
    )
    latest: dict[str, tuple[int, dict]] = {}
    for session_code, number, data in revisions:
        if session_code not in latest or number > latest[session_code][0]:
            latest[session_code] = (number, data)
    points = []
    for session_code, questions in texts_by_session.items():
        if session_code not in latest:
            continue
        data = latest[session_code][1]
        answers = data.get("answers") if isinstance(data, dict) else None
        answers = answers if isinstance(answers, dict) else {}
        for code, question_text in questions.items():
            answer = answers.get(code)
            text = answer.get("text") if isinstance(answer, dict) else None
            if isinstance(text, str) and text and not text_problem(text):
                points.append({"question": question_text, "text": text})
    return {"group": str(group), "group_id": group.pk, "points": points}


def _round(value):
    return None if value is None else round(value, 1)


def _plenary_question(spec: QuestionSpec, entry, weighting: str, figures: dict) -> dict:
    question = question_figures(spec, entry, weighting)
    ranking = spec.kind == "ranking"
    options = [
        {
            "code": option["code"],
            "label": option["label"],
            "percent": _round(option["first_percent"] if ranking else option["percent"]),
            "count": option["first"] if ranking else option["count"],
            "reference": figures.get((spec.code, option["code"])),
        }
        for option in question["options"]
    ]
    result = {
        "code": spec.code,
        "kind": spec.kind,
        "text": spec.text,
        "n": question["respondents"],
        "groups": question["groups"],
        "measure": "ranked_first" if ranking else "share",
        "options": options,
    }
    if "mean" in question:
        result["mean"] = _round(question["mean"])
    return result


def plenary_snapshot(event: Event, *, staff: bool = False, every_question: bool = False) -> dict:
    """The plenary screen's full state, in a constant number of queries (8, whatever the groups).

    Shape: ``{"type": "plenary.snapshot", "version", "event", "title", "results_visible",
    "weighting", "groups_total", "groups_submitted", "reference": {"title", "illustrative",
    "scope", "scope_name", "live"?, "sites_reported"?} | null, "sessions": [{"code", "title",
    "groups_submitted", "questions": [{"code", "kind", "text", "n", "groups", "measure", "mean"?, "options":
    [{"code", "label", "percent", "count", "reference": {"percent", "n"} | null}]}]}],
    "on_screen": {"group", "group_id", "points": [{"question", "text"}]} | null,
    "presenter": results.presentation_state.presentation_state}``.
    ``sessions`` is empty while the results are hidden (unless ``every_question``: for the
    presenter's slides, which hide figures question by question); open questions are never in it.
    For rankings, ``percent`` is the share of groups ranking the option first. ``reference.live``:
    the comparison is the dialogue's results so far (an event of a dialogue with a ``world_scope``):
    with ``staff`` (the event's signed-in organisers) the live ones, else only the public ones, so
    that an anonymous screen shows no figure of a site that did not opt in to publication.
    """
    settings_ = plenary_settings_of(event)
    figures, reference = plenary_comparison(event, settings_, staff=staff)
    current = list(
        BreakoutGroup.objects.filter(event=event, allocation__is_current=True)
        .values("allocation_id")
        .annotate(groups=Count("id"))
        .order_by()
    )
    allocation_id, groups_total = (current[0]["allocation_id"], current[0]["groups"]) if current else (None, 0)
    session_rows = list(Session.objects.filter(event=event).order_by("order").prefetch_related(questions_prefetch()))
    questions_by_session = {session.pk: session_question_specs(session) for session in session_rows}
    tallies = session_tallies(allocation_id, questions_by_session)
    sessions, texts_by_session = [], {}
    for session in session_rows:
        specs, tally = questions_by_session[session.pk], tallies[session.pk]
        texts_by_session[session.code] = {q.code: q.text for q in specs if q.kind == "open"}
        questions = [
            _plenary_question(spec, tally["questions"].get(spec.code), settings_.weighting, figures)
            for spec in specs
            if spec.kind != "open"
        ]
        sessions.append(
            {
                "code": session.code,
                "title": session.title,
                "groups_submitted": tally["groups"],
                "questions": questions,
            }
        )
    return {
        "type": "plenary.snapshot",
        "version": settings_.version,
        "event": event.slug,
        "title": event.title,
        "results_visible": settings_.results_visible,
        "weighting": settings_.weighting,
        "groups_total": groups_total,
        "groups_submitted": max((s["groups_submitted"] for s in sessions), default=0),
        "reference": reference,
        "sessions": sessions if settings_.results_visible or every_question else [],
        "on_screen": _on_screen(settings_, texts_by_session),
        # The presenter's slides: a title, the questions with figures, the recommendations' pages.
        "presenter": presentation_state(
            settings_, 1 + sum(len(s["questions"]) for s in sessions) + wall_page_count(event)
        ),
    }


SNAPSHOT_FIELDS = (
    "version",
    "results_visible",
    "weighting",
    "reference_dataset_id",
    "scope",
    "scope_name",
    "world_scope",
    "on_screen_group_id",
)


def plenary_settings_key(event: Event, fields: tuple[str, ...] = SNAPSHOT_FIELDS) -> str:
    """The plenary's version with the settings a kept copy is drawn from (by default, those of its
    snapshot), in one query: a submission bumps the version (results.streams.plenary_broadcast),
    and a setting saved before its broadcast already makes another key."""
    row = PlenarySettings.objects.filter(event=event).values_list(*fields).first()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:24]


def plenary_snapshot_cached(event: Event, *, staff: bool = False) -> dict:
    """``plenary_snapshot`` as the pages that fetch it again and again read it (the closing page
    of every participant, every 20 seconds): built once per version of the plenary and its
    settings, and kept in the shared cache, then again when older than SNAPSHOT_FRESH_SECONDS
    (by one caller, the others served the kept copy). A copy may be changed by its reader."""
    return cached_fresh(
        f"plenary-snapshot:{event.pk}:{'staff' if staff else 'anyone'}",
        lambda: plenary_snapshot(event, staff=staff),
        fresh=SNAPSHOT_FRESH_SECONDS,
        version=plenary_settings_key(event),
    )


def plenary_scopes(event: Event) -> list[dict]:
    """The reference datasets the event may compare with (shared, or of its organisation) and the
    scopes each one has, for the organiser's choice."""
    rows = (
        ReferenceResult.objects.filter(dataset__in=ReferenceDataset.objects.for_event(event))
        .values_list("dataset_id", "dataset__title", "dataset__illustrative", "scope", "scope_name")
        .distinct()
        .order_by("dataset__title", "scope", "scope_name")
    )
    return [
        {"dataset": d, "title": t, "illustrative": ill, "scope": s, "scope_name": n, "value": f"{d}|{s}|{n}"}
        for d, t, ill, s, n in rows
    ]


def plenary_world_scopes(event: Event) -> list[dict]:
    """The scopes of the comparison sources for the event (for an event of a dialogue, those of
    the dialogue's results so far), to compare with: ``[{"value", "label", "sites_reported"}]``."""
    return comparison_scopes(event)
