"""Group results: their JSON shape and its validation, over plain data.

No ORM here: `results.selectors` loads the questionnaire (as ``QuestionSpec``) and the
submissions and calls these functions; the tallies and figures made of the validated answers are
in `results.figures`.

A group's results (``NoteSubmission.data`` and ``NoteRevision.data``)::

    {"answers": {
        "q1": {"counts": {"opportunity": 3, "threat": 1}, "valid": 4},    # single choice
        "q2": {"counts": {"governments": 3, "platforms": 2}, "valid": 3},  # multiple choice
        "q3": {"counts": {"2": 1, "3": 2, "5": 1}, "valid": 4},            # scale, options "1".."5"
        "q4": {"ranking": ["education", "design", "regulation", "fact-checking"]},
        "q5": {"text": "Key points ..."},
    }}

- Questions answered by each participant (respondent "individual") record counts per option
  code. ``valid`` is the number of people who gave a valid answer. Single choice and scale: each
  of them chose exactly one option, so the counts add up to ``valid`` (``valid`` may be left out
  and is then that sum). Multiple choice: ``valid`` is required; each count is at most ``valid``
  and the counts add up to between ``valid`` (everyone chose at least one option) and
  ``valid * max_choices``. Options left out of ``counts`` count 0.
- Choice questions answered by the group as a whole (respondent "group"): ``{"choice": "yes"}``
  (single, scale) or ``{"choices": ["a", "b"]}`` (multiple, at most max_choices); they are
  counted as one respondent, so their percentages are shares of groups.
- Group rankings: ``ranking`` is the complete order of the option codes, most important first.
  Partial rankings are refused: the average rank of an option left out would be undefined.
- Open questions: ``text``, at most 5,000 characters; an empty text is "not answered".
- A question left out of ``answers`` was not answered by the group: it is excluded from that
  question's figures only.

Whole numbers are JSON integers, or strings of digits (as posted by a form); the cleaned data
always holds integers and lists every option of a counted question in questionnaire order.

Every figure is bounded by reality: ``valid`` (and so every count) is at most the number of people
who could answer, ``limit``: the group's size when a group submits (see
``results.selectors.group_answer_limit``), and never more than COUNT_MAX, the bound that stored
revisions are read with. Texts with a NUL or a lone surrogate are refused (PostgreSQL cannot store
them).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from infrastructure.cleaning import text_problem

TEXT_MAX_CHARS = 5_000
# No table, room or paper table has more people than this: the bound of every figure of a group.
COUNT_MAX = 1_000
SINGLE, MULTIPLE, SCALE, RANKING, OPEN = "single", "multiple", "scale", "ranking", "open"
INDIVIDUAL, GROUP = "individual", "group"
KINDS = (SINGLE, MULTIPLE, SCALE, RANKING, OPEN)
# At most 7 digits: more is never a count (and keeps 4,300-digit strings away from int()).
_DIGITS = re.compile(r"^\s*[0-9]{1,7}\s*$")


@dataclass(frozen=True)
class FieldError:
    """A problem in a submitted document, addressed by its path, e.g. ``answers.q2.valid``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    options: tuple[str, ...] = ()
    respondent: str = INDIVIDUAL
    max_choices: int | None = None
    text: str = ""
    option_labels: tuple[str, ...] = ()

    @property
    def is_counted(self) -> bool:
        """Answers are tallies of individual votes (not a group's own choice, ranking or text)."""
        return self.kind in (SINGLE, MULTIPLE, SCALE) and self.respondent != GROUP


@dataclass(frozen=True)
class GroupResults:
    """One group's latest submitted results for a session."""

    group_id: int
    label: str
    data: Any
    # Set for stored revisions (immutable): their validation is remembered between builds.
    cache_key: Any = None


def _whole(value) -> int | None:
    """A whole number >= 0 from JSON (int, or a string of digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # bit_length: never formats a huge number (Python refuses more than 4,300 digits).
        return value if value >= 0 and value.bit_length() <= 24 else None
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return None


def answer_limit(limit: int | None) -> int:
    """The most people whose answers a group's results may hold: ``limit`` capped by COUNT_MAX."""
    return COUNT_MAX if limit is None else max(0, min(limit, COUNT_MAX))


def validate_group_results(
    questions: Sequence[QuestionSpec], data, *, limit: int | None = None
) -> tuple[dict, list[FieldError]]:
    """Check a group's results against the questionnaire.

    ``questions``: the session's questions (``results.selectors.session_question_specs``). ``limit``: how many
    people could answer (the group's size); ``valid`` and every count are at most that, and never
    more than COUNT_MAX. Returns the cleaned data (only the answers that are entirely valid) and
    the list of errors, each addressed by its field path. The data are acceptable when the list
    is empty. Never raises, whatever ``data`` holds.
    """
    questions = {q.code: q for q in questions}
    limit = answer_limit(limit)
    errors: list[FieldError] = []
    clean: dict = {"answers": {}}
    if not isinstance(data, Mapping):
        return clean, [FieldError("", _("the results must be a JSON object."))]
    for key in data:
        if key != "answers":
            errors.append(FieldError(str(key), _("unknown field; expected “answers”.")))
    answers = data.get("answers", {})
    if not isinstance(answers, Mapping):
        errors.append(FieldError("answers", _("must be an object keyed by question code.")))
        return clean, errors
    for code, answer in answers.items():
        path = f"answers.{code}"
        question = questions.get(code) if isinstance(code, str) else None
        if question is None:
            errors.append(
                FieldError(
                    path, _("unknown question code; expected one of %(codes)s.") % {"codes": ", ".join(questions)}
                )
            )
            continue
        if not isinstance(answer, Mapping):
            errors.append(FieldError(path, _("must be an object.")))
            continue
        answer_errors: list[FieldError] = []
        cleaned = _validate_answer(question, answer, path, answer_errors, limit)
        errors.extend(answer_errors)
        if not answer_errors and cleaned is not None:
            clean["answers"][code] = cleaned
    # Keep questionnaire order, whatever order the writer used.
    clean["answers"] = {code: clean["answers"][code] for code in questions if code in clean["answers"]}
    return clean, errors


def _unknown_keys(answer: Mapping, allowed: Iterable[str], path: str, errors: list[FieldError]) -> None:
    allowed = tuple(allowed)
    for key in answer:
        if key not in allowed:
            errors.append(
                FieldError(f"{path}.{key}", _("unknown field; expected %(fields)s.") % {"fields": ", ".join(allowed)})
            )


def _validate_answer(
    question: QuestionSpec, answer: Mapping, path: str, errors: list[FieldError], limit: int
) -> dict | None:
    if question.kind == OPEN:
        return _validate_text(answer, path, errors)
    if question.kind == RANKING:
        return _validate_ranking(question, answer, path, errors)
    if question.respondent == GROUP:
        return _validate_group_choice(question, answer, path, errors)
    return _validate_counts(question, answer, path, errors, limit)


def _validate_text(answer, path, errors) -> dict | None:
    _unknown_keys(answer, ["text"], path, errors)
    text = answer.get("text")
    if not isinstance(text, str):
        errors.append(FieldError(f"{path}.text", _("must be text.")))
        return None
    problem = text_problem(text)
    if problem:
        errors.append(FieldError(f"{path}.text", problem))
        return None
    text = text.strip()
    if len(text) > TEXT_MAX_CHARS:
        errors.append(
            FieldError(
                f"{path}.text",
                _("at most %(max)s characters (this one has %(n)s).") % {"max": f"{TEXT_MAX_CHARS:,}", "n": len(text)},
            )
        )
        return None
    return {"text": text} if text else None


def _validate_ranking(question, answer, path, errors) -> dict | None:
    _unknown_keys(answer, ["ranking"], path, errors)
    ranking = answer.get("ranking")
    where = f"{path}.ranking"
    if not isinstance(ranking, list) or not all(isinstance(code, str) for code in ranking):
        errors.append(FieldError(where, _("must be a list of option codes, the most important first.")))
        return None
    before = len(errors)
    seen = set()
    for position, code in enumerate(ranking):
        if code not in question.options:
            errors.append(FieldError(f"{where}[{position}]", _("unknown option code “%(code)s”.") % {"code": code}))
        elif code in seen:
            errors.append(FieldError(f"{where}[{position}]", _("“%(code)s” is ranked twice.") % {"code": code}))
        seen.add(code)
    missing = [code for code in question.options if code not in seen]
    if missing:
        errors.append(
            FieldError(where, _("every option must be ranked; missing: %(codes)s.") % {"codes": ", ".join(missing)})
        )
    return {"ranking": list(ranking)} if len(errors) == before else None


def _validate_group_choice(question, answer, path, errors) -> dict | None:
    """A choice made by the group as a whole, stored as the tally of one respondent."""
    before = len(errors)
    if question.kind == MULTIPLE:
        _unknown_keys(answer, ["choices"], path, errors)
        choices = answer.get("choices")
        where = f"{path}.choices"
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            errors.append(FieldError(where, _("must be a non-empty list of option codes.")))
            return None
        for position, code in enumerate(choices):
            if code not in question.options:
                errors.append(FieldError(f"{where}[{position}]", _("unknown option code “%(code)s”.") % {"code": code}))
        if len(set(choices)) != len(choices):
            errors.append(FieldError(where, _("an option is chosen twice.")))
        if question.max_choices and len(choices) > question.max_choices:
            errors.append(FieldError(where, _("at most %(max)s choices.") % {"max": question.max_choices}))
        chosen = choices
    else:
        _unknown_keys(answer, ["choice"], path, errors)
        choice = answer.get("choice")
        if choice not in question.options:
            errors.append(
                FieldError(
                    f"{path}.choice",
                    _("must be one of the option codes: %(codes)s.") % {"codes": ", ".join(question.options)},
                )
            )
        chosen = [choice]
    if len(errors) != before:
        return None
    key = "choices" if question.kind == MULTIPLE else "choice"
    return {key: chosen if question.kind == MULTIPLE else chosen[0]}


def _validate_counts(question, answer, path, errors, limit: int) -> dict | None:
    _unknown_keys(answer, ["counts", "valid"], path, errors)
    before = len(errors)
    counts = answer.get("counts")
    if not isinstance(counts, Mapping):
        errors.append(FieldError(f"{path}.counts", _("must be an object of counts per option code.")))
        return None
    clean_counts = dict.fromkeys(question.options, 0)
    for code, value in counts.items():
        where = f"{path}.counts.{code}"
        if code not in clean_counts:
            errors.append(
                FieldError(
                    where, _("unknown option code; expected one of %(codes)s.") % {"codes": ", ".join(question.options)}
                )
            )
            continue
        number = _whole(value)
        if number is None:
            errors.append(FieldError(where, _("must be a whole number from 0 to %(max)s.") % {"max": f"{COUNT_MAX:,}"}))
            continue
        clean_counts[code] = number
    total = sum(clean_counts.values())
    raw_valid = answer.get("valid")
    if raw_valid is None and question.kind != MULTIPLE:
        valid = total
    else:
        valid = _whole(raw_valid)
        if valid is None:
            message = (
                _("required: the number of people who answered.")
                if raw_valid is None
                else _("must be a whole number from 0 to %(max)s.") % {"max": f"{COUNT_MAX:,}"}
            )
            errors.append(FieldError(f"{path}.valid", message))
    if len(errors) != before:
        return None
    if valid > limit:
        errors.append(
            FieldError(
                f"{path}.valid" if raw_valid is not None else f"{path}.counts",
                _("%(valid)s people answered, but at most %(limit)s can answer in this group.")
                % {"valid": valid, "limit": limit},
            )
        )
        return None
    for code, number in clean_counts.items():
        if number > valid:
            errors.append(
                FieldError(
                    f"{path}.counts.{code}",
                    _("%(count)s is more than the %(valid)s valid answers.") % {"count": number, "valid": valid},
                )
            )
    if question.kind == MULTIPLE:
        most = valid * (question.max_choices or len(question.options))
        if total > most:
            errors.append(
                FieldError(
                    f"{path}.counts",
                    _("%(total)s choices in all is more than %(valid)s people × %(max)s choices each.")
                    % {"total": total, "valid": valid, "max": question.max_choices or len(question.options)},
                )
            )
        elif total < valid:
            errors.append(
                FieldError(
                    f"{path}.valid",
                    _("%(valid)s people answered but only %(total)s choices were counted; each chose at least one.")
                    % {"valid": valid, "total": total},
                )
            )
    elif total != valid:
        errors.append(
            FieldError(
                f"{path}.valid",
                _("the counts add up to %(total)s, not %(valid)s; each person chooses exactly one option.")
                % {"total": total, "valid": valid},
            )
        )
    if len(errors) != before:
        return None
    return {"counts": clean_counts, "valid": valid}


# A submitted revision never changes: check it once per questionnaire, not on every plenary build.
_VALIDATED: OrderedDict = OrderedDict()
_VALIDATED_MAX = 50_000


def validated(questions: Sequence[QuestionSpec], group: GroupResults, questions_key=None):
    """``validate_group_results`` for a stored revision, remembered by its ``cache_key``."""
    if group.cache_key is None:
        return validate_group_results(questions, group.data)
    key = (group.cache_key, questions_key if questions_key is not None else tuple(questions))
    found = _VALIDATED.get(key)
    if found is None:
        found = validate_group_results(questions, group.data)
        _VALIDATED[key] = found
        if len(_VALIDATED) > _VALIDATED_MAX:
            _VALIDATED.popitem(last=False)
    return found


def remember_validated(cache_key, questions_key, clean: dict) -> None:
    """A stored revision's data just validated by the submission that wrote it."""
    _VALIDATED[(cache_key, questions_key)] = (clean, [])
    if len(_VALIDATED) > _VALIDATED_MAX:
        _VALIDATED.popitem(last=False)
