"""Votes in the room, as a person's vote page shows them: the questions each person answers, the
person's own answers, and whether the group's submitted results lock them. Casting a vote is
``results.services.vote_cast``."""

from groups.models import BreakoutGroup
from results import selectors
from results.models import NoteSubmission
from results.services import VOTED_KINDS
from sessions_app.models import Participant, Question, Session


def vote_rows(*, participant: Participant, session: Session) -> list[dict]:
    """``{"question", "chosen"}`` for each question of the session that each person answers."""
    questions = [
        q
        for q in selectors.session_questions(session)
        if q.kind in VOTED_KINDS and q.respondent == Question.Respondent.INDIVIDUAL
    ]
    mine = {v.question_id: v.data for v in participant.votes.filter(question__in=questions)}
    rows = []
    for question in questions:
        data = mine.get(question.pk) or {}
        rows.append({"question": question, "chosen": data.get("choices") or [data.get("choice")]})
    return rows


def votes_locked(*, group: BreakoutGroup, session: Session) -> bool:
    """The group's results for the session are submitted: its people's answers can no longer change."""
    return session.note_submissions.filter(group=group, status=NoteSubmission.Status.SUBMITTED).exists()
