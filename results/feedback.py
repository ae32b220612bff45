"""The participants' anonymous feedback survey on the closing page: its default questions, the
answers (stored with no link to the person, in one transaction with the person's "feedback
given" mark, so each person answers once) and what the organisers read of them."""

import random

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.streams import control_changed
from infrastructure.cleaning import text_problem
from results.models import FeedbackAnswer, FeedbackQuestion
from sessions_app.models import Event, Participant
from sessions_app.translations import translated

TEXT_MAX_CHARS = 2000
# The languages the default questions come translated into (the product's own translations).
TRANSLATED_LANGUAGES = ["en", "fr", "es"]
DEFAULT_QUESTIONS = [
    (FeedbackQuestion.Kind.SCALE, gettext_lazy("How satisfied are you with the event overall?")),
    (FeedbackQuestion.Kind.SCALE, gettext_lazy("Could you say what you think in your group?")),
    (FeedbackQuestion.Kind.SCALE, gettext_lazy("Was the information material clear?")),
    (FeedbackQuestion.Kind.TEXT, gettext_lazy("What should we do better next time?")),
]


class FeedbackRefused(Exception):
    """The answers cannot be stored; `problems` maps each field's name to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def feedback_field(question: FeedbackQuestion) -> str:
    """The name of a question's field in the survey form."""
    return f"feedback-{question.pk}"


def feedback_questions_of(event: Event, language: str | None = None) -> list[dict]:
    """The survey's questions in order, with their text in the language asked for."""
    return [
        {"id": q.pk, "kind": q.kind, "text": translated(q, "text", language), "field": feedback_field(q)}
        for q in FeedbackQuestion.objects.filter(event=event).order_by("order")
    ]


@transaction.atomic
def feedback_questions_create_defaults(*, event: Event) -> int:
    """Add the default questions to an event that has none; returns how many were added."""
    if FeedbackQuestion.objects.select_for_update().filter(event=event).exists():
        return 0
    with translation.override(event.language or "en"):
        questions = [
            FeedbackQuestion(event=event, order=number, kind=kind, text=str(text))
            for number, (kind, text) in enumerate(DEFAULT_QUESTIONS, start=1)
        ]
    for question, (_kind, text) in zip(questions, DEFAULT_QUESTIONS, strict=True):
        for code in TRANSLATED_LANGUAGES:
            with translation.override(code):
                if str(text) != question.text:
                    question.translations[code] = {"text": str(text)}
    FeedbackQuestion.objects.bulk_create(questions)
    return len(DEFAULT_QUESTIONS)


def _answer(question: FeedbackQuestion, raw) -> FeedbackAnswer | None:
    """The answer to one question from its posted value (None when left empty); raises ValueError
    with what is wrong."""
    value = raw if isinstance(raw, str) else ""
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    value = value.strip()
    if not value:
        return None
    if question.kind == FeedbackQuestion.Kind.SCALE:
        if value not in {"1", "2", "3", "4", "5"}:
            raise ValueError(_("choose a number from 1 to 5."))
        return FeedbackAnswer(question=question, score=int(value))
    if len(value) > TEXT_MAX_CHARS:
        raise ValueError(
            _("is %(length)s characters long; at most %(max)s are kept.")
            % {"length": len(value), "max": TEXT_MAX_CHARS}
        )
    return FeedbackAnswer(question=question, text=value)


def feedback_submit(*, participant: Participant, data) -> int:
    """Store a participant's answers to the survey, anonymously; returns how many were stored.

    `data` maps field names (feedback_field) to posted texts. Every value is checked before
    anything is written; a person who already answered is refused (FeedbackRefused with the
    problem under "__all__"), and so is an empty survey."""
    questions = list(FeedbackQuestion.objects.filter(event_id=participant.event_id).order_by("order"))
    problems, answers = {}, []
    for question in questions:
        field = feedback_field(question)
        try:
            answer = _answer(question, data.get(field, ""))
        except ValueError as error:
            problems[field] = _("“%(question)s”: %(problem)s") % {"question": question.text, "problem": error}
            continue
        if answer is not None:
            answers.append(answer)
    if problems:
        raise FeedbackRefused(problems)
    if not answers:
        raise FeedbackRefused({"__all__": _("Answer at least one question, or leave the survey as it is.")})
    with transaction.atomic():
        person = Participant.objects.select_for_update().get(pk=participant.pk)
        if person.feedback_given_at is not None:
            raise FeedbackRefused({"__all__": _("You have already given your feedback. Thank you!")})
        # Shuffled out of the order they were typed in: the ids then say nothing about who
        # answered together.
        random.shuffle(answers)
        FeedbackAnswer.objects.bulk_create(answers)
        person.feedback_given_at = timezone.now()
        person.save(update_fields=["feedback_given_at"])
        # The control room's survey summary counts the answers: it fetches its panel again.
        control_changed(person.event)
    participant.feedback_given_at = person.feedback_given_at
    return len(answers)


def feedback_summary(event: Event) -> dict:
    """What the organisers read: per question the number of answers, the mean score and the count
    of each score (scale questions), or the texts (free text questions); and how many answered."""
    questions = []
    for question in FeedbackQuestion.objects.filter(event=event).order_by("order").prefetch_related("answers"):
        answers = list(question.answers.all())
        entry = {"code": question.order, "text": question.text, "kind": question.kind, "n": len(answers)}
        if question.kind == FeedbackQuestion.Kind.SCALE:
            scores = [a.score for a in answers if a.score is not None]
            entry["mean"] = round(sum(scores) / len(scores), 1) if scores else None
            entry["scores"] = [
                {
                    "score": n,
                    "count": scores.count(n),
                    "percent": round(100 * scores.count(n) / len(scores), 1) if scores else None,
                }
                for n in range(1, 6)
            ]
        else:
            entry["texts"] = sorted(a.text for a in answers if a.text)
        questions.append(entry)
    answered = Participant.objects.filter(event=event, feedback_given_at__isnull=False).count()
    return {"answered": answered, "questions": questions}


FEEDBACK_HEADER = ["question_order", "question", "kind", "answers", "mean", "score", "count", "percent", "text"]


def feedback_rows(summary: dict) -> list[list]:
    """The export's rows: one per score of each scale question, one per text of the others."""
    rows = []
    for q in summary["questions"]:
        base = [q["code"], q["text"], q["kind"], q["n"]]
        if q["kind"] == FeedbackQuestion.Kind.SCALE:
            mean = "" if q["mean"] is None else f"{q['mean']:.1f}"
            for s in q["scores"]:
                percent = "" if s["percent"] is None else f"{s['percent']:.1f}"
                rows.append([*base, mean, s["score"], s["count"], percent, ""])
        else:
            rows.extend([[*base, "", "", "", "", text] for text in q["texts"]] or [[*base, "", "", "", "", ""]])
    return rows
