"""Reads for group results: load in a constant number of queries, then aggregate in plain Python.

The plenary screen's reads are in ``results.plenary_selectors``."""

from django.db.models import OuterRef, Prefetch, Subquery

from groups.models import Allocation, BreakoutGroup, GroupMembership
from results.answers import COUNT_MAX, GroupResults, QuestionSpec, answer_limit, validated
from results.figures import Weighting, aggregate_session
from results.models import NoteRevision, NoteSubmission, Vote
from results.tallies import latest_revisions
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


def questions_prefetch() -> Prefetch:
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
    sessions = list(Session.objects.filter(event=event).order_by("order").prefetch_related(questions_prefetch()))
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


def event_question_specs(event: Event) -> dict[int, list[QuestionSpec]]:
    """Every session's questions as plain data, by session id (three queries)."""
    sessions = Session.objects.filter(event=event).order_by("order").prefetch_related(questions_prefetch())
    return {session.pk: session_question_specs(session) for session in sessions}


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
