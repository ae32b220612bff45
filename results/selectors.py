"""Reads for group results: load in a constant number of queries, then aggregate in plain Python."""

from django.db.models import Count, OuterRef, Prefetch, Subquery

from groups.models import Allocation, BreakoutGroup, GroupMembership
from infrastructure.cleaning import text_problem
from results.answers import COUNT_MAX, GroupResults, QuestionSpec, answer_limit, validated
from results.figures import Weighting, aggregate_session, question_figures
from results.models import NoteRevision, NoteSubmission, PlenarySettings, ReferenceResult, Vote
from results.tallies import latest_revisions, session_tallies
from sessions_app.models import Event, Option, Phase, Question, Session


def _spec(question: Question) -> QuestionSpec:
    options = list(question.options.all())
    return QuestionSpec(
        code=question.code,
        kind=question.kind,
        respondent=question.respondent,
        max_choices=question.max_choices,
        text=question.text,
        options=tuple(option.code for option in options),
        option_labels=tuple(option.label for option in options),
    )


def _questions_prefetch() -> Prefetch:
    return Prefetch(
        "questions",
        queryset=Question.objects.order_by("order").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order"))
        ),
    )


def session_question_specs(session: Session | int) -> list[QuestionSpec]:
    """The session's (or session id's) questions as plain data, in order (two queries, or none
    if prefetched)."""
    questions = session.questions.all() if _is_prefetched(session) else _load_questions(session)
    return [_spec(question) for question in questions]


def _is_prefetched(session: Session) -> bool:
    return "questions" in getattr(session, "_prefetched_objects_cache", {})


def _load_questions(session: Session):
    return (
        Question.objects.filter(session=session)
        .order_by("order")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("order")))
    )


# The allocation "algorithm" of tables created for a site with paper ballots.
PAPER_ALGORITHM = "paper"


def group_answer_limit(group: BreakoutGroup) -> int:
    """How many people can answer for the group, the bound of its figures (at most COUNT_MAX).

    A paper table: the size declared when the tables were created. A group formed in the app: its
    members but the facilitator (who does not vote). A group with nobody registered in it (people
    at a table who have no link): COUNT_MAX only, as nothing else is known of it."""
    allocation = Allocation.objects.filter(pk=group.allocation_id).values("algorithm_version", "parameters").first()
    if allocation and allocation["algorithm_version"] == PAPER_ALGORITHM:
        size = (
            (allocation["parameters"] or {}).get("table_size") if isinstance(allocation["parameters"], dict) else None
        )
        return answer_limit(size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else COUNT_MAX)
    members = GroupMembership.objects.filter(group=group).exclude(role=GroupMembership.Role.FACILITATOR).count()
    return answer_limit(members or COUNT_MAX)


def event_latest_revisions(event: Event):
    """The latest revision of every note submission of the event's current groups."""
    return latest_revisions(submission__group__event=event, submission__group__allocation__is_current=True).values(
        "id", "idempotency_key", "submission__group_id", "submission__session_id", "data"
    )


def event_results(event: Event, *, weighting: Weighting | str = Weighting.POOLED) -> dict:
    """Aggregated results of every session of the event, from its current groups (5 queries).

    Shape: ``{"event", "weighting", "groups_total", "sessions": [{"code", "title",
    "groups_total", "groups_submitted", "questions": [...], "invalid": [...]}]}``; each question
    as described in ``results.figures``.
    """
    weighting = Weighting(weighting)
    groups = list(
        BreakoutGroup.objects.filter(event=event, allocation__is_current=True)
        .order_by("round", "number")
        .only("id", "name", "number", "round")
    )
    labels = {group.pk: str(group) for group in groups}
    order = {group.pk: i for i, group in enumerate(groups)}
    sessions = list(Session.objects.filter(event=event).order_by("order").prefetch_related(_questions_prefetch()))
    by_session: dict[int, list[GroupResults]] = {session.pk: [] for session in sessions}
    revisions = event_latest_revisions(event) if groups else []
    for row in revisions:
        group_id = row["submission__group_id"]
        by_session.setdefault(row["submission__session_id"], []).append(
            GroupResults(
                group_id=group_id,
                label=labels.get(group_id, str(group_id)),
                data=row["data"],
                cache_key=(row["id"], row["idempotency_key"]),
            )
        )
    results = []
    for session in sessions:
        submitted = sorted(by_session[session.pk], key=lambda g: order.get(g.group_id, 0))
        aggregate = aggregate_session(
            session_question_specs(session), submitted, weighting=weighting, groups_total=len(groups)
        )
        results.append({"code": session.code, "title": session.title, **aggregate})
    return {"event": event.slug, "weighting": str(weighting), "groups_total": len(groups), "sessions": results}


# --- The note taker's form ------------------------------------------------------------------


def group_session(event: Event) -> Session | None:
    """The session groups work on now: the running breakout phase's, else the event's first."""
    phase = event.running_phase()
    if phase is not None and phase.kind == Phase.Kind.BREAKOUT and phase.session_id:
        return phase.session
    return Session.objects.filter(event=event).order_by("order").first()


def vote_tally(group: BreakoutGroup, session: Session) -> dict:
    """The group's votes on its devices, as counts per question: never who voted what."""
    specs = {spec.code: spec for spec in session_question_specs(session)}
    tally: dict[str, dict] = {}
    rows = Vote.objects.filter(group=group, question__session=session).values_list("question__code", "data")
    for code, data in rows:
        spec = specs.get(code)
        if spec is None:
            continue
        entry = tally.setdefault(code, {"counts": dict.fromkeys(spec.options, 0), "valid": 0})
        chosen = data.get("choices") or [data.get("choice")]
        counted = [c for c in chosen if c in entry["counts"]]
        if counted:
            entry["valid"] += 1
            for c in counted:
                entry["counts"][c] += 1
    return tally


def tally_as_answers(tally: dict) -> dict:
    """The votes as a first version of the group's results (counts per option; valid answers)."""
    return {"answers": {code: {"counts": dict(t["counts"]), "valid": t["valid"]} for code, t in tally.items()}}


def note_page(group: BreakoutGroup, session: Session) -> dict:
    """What the form shows: the working copy (or the device votes if none yet), the revisions."""
    submission = NoteSubmission.objects.filter(group=group, session=session).select_related("updated_by").first()
    tally = vote_tally(group, session)
    revisions = (
        list(submission.revisions.select_related("submitted_by", "submitted_by_user").order_by("-number"))
        if submission
        else []
    )
    has_draft = submission is not None and submission.version > 0
    # A working copy that cannot be read (stored before the checks) opens as an empty form.
    draft = submission.data if has_draft and isinstance(submission.data, dict) else {"answers": {}}
    return {
        "submission": submission,
        "version": submission.version if submission else 0,
        "data": draft if has_draft else tally_as_answers(tally),
        "updated_at": submission.updated_at if has_draft else None,
        "tally": tally,
        "revisions": revisions,
        "submitted": bool(revisions),
    }


def session_questions(session: Session):
    return list(
        Question.objects.filter(session=session)
        .order_by("order")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("order")))
    )


# --- Exports --------------------------------------------------------------------------------


def group_result_rows(event: Event) -> list[dict]:
    """The latest revision of each current group's results per session, with who and when (four
    queries). ``data`` holds only the answers that pass validation (as everywhere results are
    read); ``invalid`` lists what was left out, so that no stored value can break an export."""
    specs = event_question_specs(event)
    latest_number = (
        NoteRevision.objects.filter(submission=OuterRef("submission")).order_by("-number").values("number")[:1]
    )
    rows = (
        NoteRevision.objects.filter(
            submission__group__event=event,
            submission__group__allocation__is_current=True,
            number=Subquery(latest_number),
        )
        .select_related("submission__group", "submission__session")
        .order_by("submission__session__order", "submission__group__round", "submission__group__number")
    )
    result = []
    for row in rows:
        questions = specs.get(row.submission.session_id, [])
        clean, errors = validated(
            questions, GroupResults(row.submission.group_id, "", row.data, (row.pk, row.idempotency_key))
        )
        result.append(
            {
                "group_id": row.submission.group_id,
                "group": str(row.submission.group),
                "group_number": row.submission.group.number,
                "session": row.submission.session.code,
                "session_id": row.submission.session_id,
                "revision": row.number,
                "submitted_at": row.created_at,
                "data": clean,
                "invalid": [str(error) for error in errors],
            }
        )
    return result


def results_set_aside(event: Event) -> list[dict]:
    """The current groups' latest submitted results that do not pass validation (written before a
    rule was added, or by hand in the database), for the control room: ``[{"group", "session",
    "revision", "errors"}]``. What fails is left out of every figure; the rest of it still counts."""
    return [
        {"group": row["group"], "session": row["session"], "revision": row["revision"], "errors": row["invalid"]}
        for row in group_result_rows(event)
        if row["invalid"]
    ]


# --- Plenary --------------------------------------------------------------------------------


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
    """The dialogue's results so far for a scope, as the plenary's comparison: the live results
    for the event's signed-in organisers, else only the public ones (or no comparison at all)."""
    from dialogues.results import world_figures

    figures, scope = world_figures(event, scope_key, public=not staff)
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


def _on_screen(settings_: PlenarySettings, texts_by_session: dict[str, dict[str, str]]) -> dict | None:
    group = settings_.on_screen_group
    if group is None:
        return None
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


def plenary_snapshot(event: Event, *, staff: bool = False) -> dict:
    """The plenary screen's full state, in a constant number of queries (8, whatever the groups).

    Shape: ``{"type": "plenary.snapshot", "version", "event", "title", "results_visible",
    "weighting", "groups_total", "groups_submitted", "reference": {"title", "illustrative",
    "scope", "scope_name", "live"?, "sites_reported"?} | null, "sessions": [{"code", "title",
    "groups_submitted", "questions": [{"code", "kind", "text", "n", "groups", "measure", "mean"?, "options":
    [{"code", "label", "percent", "count", "reference": {"percent", "n"} | null}]}]}],
    "on_screen": {"group", "group_id", "points": [{"question", "text"}]} | null}``.
    ``sessions`` is empty while the results are hidden; open questions are never in it.
    For rankings, ``percent`` is the share of groups ranking the option first. ``reference.live``:
    the comparison is the dialogue's results so far (an event of a dialogue with a ``world_scope``):
    with ``staff`` (the event's signed-in organisers) the live ones, else only the public ones, so
    that an anonymous screen shows no figure of a site that did not opt in to publication.
    """
    settings_ = plenary_settings_of(event)
    if settings_.world_scope and event.dialogue_id:
        figures, reference = _world_reference(event, settings_.world_scope, staff)
    else:
        figures = _reference_figures(settings_)
        dataset = settings_.reference_dataset
        reference = (
            {
                "title": dataset.title,
                "illustrative": dataset.illustrative,
                "scope": settings_.scope,
                "scope_name": settings_.scope_name,
            }
            if dataset
            else None
        )
    current = list(
        BreakoutGroup.objects.filter(event=event, allocation__is_current=True)
        .values("allocation_id")
        .annotate(groups=Count("id"))
        .order_by()
    )
    allocation_id, groups_total = (current[0]["allocation_id"], current[0]["groups"]) if current else (None, 0)
    session_rows = list(Session.objects.filter(event=event).order_by("order").prefetch_related(_questions_prefetch()))
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
        "sessions": sessions if settings_.results_visible else [],
        "on_screen": _on_screen(settings_, texts_by_session),
    }


def event_question_specs(event: Event) -> dict[int, list[QuestionSpec]]:
    """Every session's questions as plain data, by session id (three queries)."""
    sessions = Session.objects.filter(event=event).order_by("order").prefetch_related(_questions_prefetch())
    return {session.pk: session_question_specs(session) for session in sessions}


def plenary_scopes() -> list[dict]:
    """The reference datasets and the scopes each one has, for the organiser's choice."""
    rows = (
        ReferenceResult.objects.values_list(
            "dataset_id", "dataset__title", "dataset__illustrative", "scope", "scope_name"
        )
        .distinct()
        .order_by("dataset__title", "scope", "scope_name")
    )
    return [
        {"dataset": d, "title": t, "illustrative": ill, "scope": s, "scope_name": n, "value": f"{d}|{s}|{n}"}
        for d, t, ill, s, n in rows
    ]


def plenary_world_scopes(event: Event) -> list[dict]:
    """For an event of a dialogue: the scopes of the dialogue's results so far, to compare with."""
    if event.dialogue_id is None:
        return []
    from dialogues.results import cached_global_snapshot, scope_label

    snapshot = cached_global_snapshot(event.dialogue)
    return [
        {
            "value": f"world|{scope['key']}",
            "label": scope_label(scope["key"]),
            "sites_reported": scope["sites_reported"],
        }
        for scope in snapshot["scopes"]
    ]


def form_questions(session: Session, tally: dict) -> list[dict]:
    """The form's questions: how each is answered (its mode) and the device votes per option."""
    rows = []
    for question in session_questions(session):
        if question.kind == Question.Kind.OPEN:
            mode = "text"
        elif question.kind == Question.Kind.RANKING:
            mode = "ranking"
        elif question.respondent == Question.Respondent.GROUP:
            mode = "choices" if question.kind == Question.Kind.MULTIPLE else "choice"
        else:
            mode = "counts"
        votes = tally.get(question.code)
        options = [
            {"option": option, "votes": votes["counts"].get(option.code, 0) if votes else 0}
            for option in question.options.all()
        ]
        rows.append({"question": question, "mode": mode, "options": options, "voters": votes["valid"] if votes else 0})
    return rows
