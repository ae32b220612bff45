"""Reads for group results: load in a constant number of queries, then aggregate in plain Python."""

from django.db.models import OuterRef, Prefetch, Subquery

from groups.models import BreakoutGroup
from results.aggregation import GroupResults, QuestionSpec, Weighting, aggregate_session
from results.models import NoteRevision
from sessions_app.models import Event, Option, Question, Session


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


def session_question_specs(session: Session) -> list[QuestionSpec]:
    """The session's questions as plain data, in order (two queries, or none if prefetched)."""
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


def latest_revisions(event: Event):
    """The latest revision of every note submission of the event's current groups.

    Revisions are submitted states: a correction adds a revision, and while a correction is
    still a draft the previous revision keeps counting.
    """
    latest_number = (
        NoteRevision.objects.filter(submission=OuterRef("submission")).order_by("-number").values("number")[:1]
    )
    return NoteRevision.objects.filter(
        submission__group__event=event,
        submission__group__allocation__is_current=True,
        number=Subquery(latest_number),
    ).values("submission__group_id", "submission__session_id", "data")


def event_results(event: Event, *, weighting: Weighting | str = Weighting.POOLED) -> dict:
    """Aggregated results of every session of the event, from its current groups (5 queries).

    Shape: ``{"event", "weighting", "groups_total", "sessions": [{"code", "title",
    "groups_total", "groups_submitted", "questions": [...], "invalid": [...]}]}``; each question
    as described in ``results.aggregation``.
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
    revisions = latest_revisions(event) if groups else []
    for row in revisions:
        group_id = row["submission__group_id"]
        by_session.setdefault(row["submission__session_id"], []).append(
            GroupResults(group_id=group_id, label=labels.get(group_id, str(group_id)), data=row["data"])
        )
    results = []
    for session in sessions:
        submitted = sorted(by_session[session.pk], key=lambda g: order.get(g.group_id, 0))
        aggregate = aggregate_session(
            session_question_specs(session), submitted, weighting=weighting, groups_total=len(groups)
        )
        results.append({"code": session.code, "title": session.title, **aggregate})
    return {"event": event.slug, "weighting": str(weighting), "groups_total": len(groups), "sessions": results}
