"""Session tallies: the running sums of submitted group results, kept up to date at submit time.

A submission adds its revision into the tally of its session and grouping and takes away the
revision it replaces, under a row lock, in the submission's transaction. Readers (the plenary
screen, the dialogue's global view) then read one row per session. A tally counted against an
older questionnaire, or missing (first read, deleted results), is counted again from the
revisions, under the same lock, so that no submission is ever lost between the two.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import OuterRef, Subquery

from results.answers import GroupResults, QuestionSpec, remember_validated, validated
from results.figures import empty_tally, tally_add
from results.models import NoteRevision, SessionTally

# The validation rules the tallies were counted with. Raised when the rules change (r2: every
# figure bounded by COUNT_MAX), so that every tally counted before is counted again, once, from
# the revisions, leaving out those that the rules now refuse.
RULES = "r2"


def questions_key(questions: Sequence[QuestionSpec]) -> str:
    """A fingerprint of what the figures depend on: the rules, codes, kinds, respondents, limits,
    options. Starts with ``RULES`` and a colon (see ``tally_counted_by_current_rules``)."""
    shape = [(q.code, q.kind, q.respondent, q.max_choices, list(q.options)) for q in questions]
    return f"{RULES}:" + hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:60]


def tally_counted_by_current_rules(key: str, data) -> bool:
    """Whether a stored tally may be read as it is (else it is counted again)."""
    return bool(key) and key.startswith(f"{RULES}:") and isinstance(data, dict)


def _locked(session_id: int, allocation_id: int) -> SessionTally:
    """The tally row, created if missing, locked until the end of the transaction."""
    rows = SessionTally.objects.select_for_update().filter(session_id=session_id, allocation_id=allocation_id)
    tally = rows.first()
    if tally is None:  # the session's first submission in this grouping (or a concurrent one)
        SessionTally.objects.bulk_create(
            [SessionTally(session_id=session_id, allocation_id=allocation_id)], ignore_conflicts=True
        )
        tally = rows.get()
    return tally


def latest_revisions(**filters):
    """The latest revision of every note submission matching ``filters`` (revisions are submitted
    states: a correction adds one, and while a correction is still a draft the previous counts)."""
    latest = NoteRevision.objects.filter(submission=OuterRef("submission")).order_by("-number").values("number")[:1]
    return NoteRevision.objects.filter(number=Subquery(latest), **filters)


def _count_again(session_id: int, allocation_id: int, questions: Sequence[QuestionSpec]) -> dict:
    """The tally counted from the latest revision of every group of that grouping."""
    rows = latest_revisions(
        submission__session_id=session_id, submission__group__allocation_id=allocation_id
    ).values_list("id", "idempotency_key", "data")
    tally = empty_tally()
    key = tuple(questions)
    for revision_id, idempotency_key, data in rows:
        clean, _errors = validated(questions, GroupResults(0, "", data, (revision_id, idempotency_key)), key)
        tally_add(questions, tally, clean)
    return tally


def tally_record_submission(
    *, session_id: int, allocation_id: int, questions: Sequence[QuestionSpec], previous, new, clean: dict
) -> None:
    """Within the submission's transaction: replace a group's previous revision by its new one.

    ``previous`` and ``new`` are ``(revision id, idempotency key, data)``; ``previous`` is None
    for a group's first submission. ``clean`` is the new revision's data, already validated."""
    # Checked before taking the lock, which other submissions of the session wait for.
    spec_key = tuple(questions)
    key = questions_key(questions)
    removed = None
    if previous is not None:
        removed, _errors = validated(questions, GroupResults(0, "", previous[2], previous[:2]), spec_key)
    remember_validated(new[:2], spec_key, clean)
    tally = _locked(session_id, allocation_id)
    if tally.questions_key != key or not isinstance(tally.data, dict):
        tally.data = _count_again(session_id, allocation_id, questions)
        tally.questions_key = key
    else:
        if removed is not None:
            tally_add(questions, tally.data, removed, sign=-1)
        tally_add(questions, tally.data, clean)
    tally.save(update_fields=["data", "questions_key", "updated_at"])


def session_tallies(allocation_id: int | None, questions_by_session: dict[int, Sequence[QuestionSpec]]) -> dict:
    """Each session's tally for that grouping, by session id (one query when all are current)."""
    if allocation_id is None:
        return {session_id: empty_tally() for session_id in questions_by_session}
    rows = SessionTally.objects.filter(
        allocation_id=allocation_id, session_id__in=list(questions_by_session)
    ).values_list("session_id", "questions_key", "data")
    found = {session_id: (key, data) for session_id, key, data in rows}
    tallies = {}
    for session_id, questions in questions_by_session.items():
        key, data = found.get(session_id, (None, None))
        if key != questions_key(questions) or not isinstance(data, dict):
            data = tally_refresh(session_id, allocation_id, questions)
        tallies[session_id] = data
    return tallies


@transaction.atomic
def tally_refresh(session_id: int, allocation_id: int, questions: Sequence[QuestionSpec]) -> dict:
    """Count a session's tally again from the revisions (under the lock submissions take)."""
    tally = _locked(session_id, allocation_id)
    key = questions_key(questions)
    if tally.questions_key != key or not isinstance(tally.data, dict):
        tally.data = _count_again(session_id, allocation_id, questions)
        tally.questions_key = key
        tally.save(update_fields=["data", "questions_key", "updated_at"])
    return tally.data


def tallies_forget(session_ids: Iterable[int]) -> None:
    """Results were deleted: the next reader counts these sessions again."""
    SessionTally.objects.filter(session_id__in=list(session_ids)).update(questions_key="")
