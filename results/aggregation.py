"""Group results: their JSON shape, their validation and their aggregation, over plain data.

No ORM here: `results.selectors` loads the questionnaire and the submissions and calls these
functions, so that the numbers can be checked by hand in fast tests.

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

import enum
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
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


class Weighting(enum.StrEnum):
    """How groups are combined: pool every answer, or give every group the same weight."""

    POOLED = "pooled"
    GROUPS_EQUAL = "groups_equal"


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


def _question_specs(session_or_questions) -> list[QuestionSpec]:
    if isinstance(session_or_questions, Sequence) and all(isinstance(q, QuestionSpec) for q in session_or_questions):
        return list(session_or_questions)
    # A Session instance: read through the selector, the only place here that touches the ORM.
    from results.selectors import session_question_specs

    return session_question_specs(session_or_questions)


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


def validate_group_results(session_or_questions, data, *, limit: int | None = None) -> tuple[dict, list[FieldError]]:
    """Check a group's results against the questionnaire.

    ``session_or_questions`` is a Session or a sequence of QuestionSpec. ``limit``: how many
    people could answer (the group's size); ``valid`` and every count are at most that, and never
    more than COUNT_MAX. Returns the cleaned data (only the answers that are entirely valid) and
    the list of errors, each addressed by its field path. The data are acceptable when the list
    is empty. Never raises, whatever ``data`` holds.
    """
    questions = {q.code: q for q in _question_specs(session_or_questions)}
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


# Aggregation ---------------------------------------------------------------------------------
#
# Groups' answers are added into a *tally*: plain JSON of whole-number sums, per question, that a
# submission updates in place (add the new revision, take away the one it replaces) and that
# tallies of other sessions or events can be merged with. The figures are always computed from a
# tally, so the full recount and the kept-up-to-date tally give exactly the same numbers. To give
# every group the same weight exactly, counts are also summed per group size (``by_valid``): the
# sum of the groups' shares is then the sum over sizes of count / size.


def _percent(part, whole) -> float | None:
    return float(100 * Fraction(part) / whole) if whole else None


def _scale_value(question: QuestionSpec, code: str) -> int | float:
    """Scale options are "1".."5"; other codes count by their position."""
    try:
        value = Fraction(code)
    except ValueError:
        return question.options.index(code) + 1
    return int(value) if value.denominator == 1 else float(value)


def empty_tally() -> dict:
    """A tally with no group in it: ``{"groups": 0, "questions": {}}``."""
    return {"groups": 0, "questions": {}}


def _add(entry: dict, key: str, value) -> None:
    entry[key] = entry.get(key, 0) + value


def tally_add(questions: Sequence[QuestionSpec], tally: dict, clean: Mapping, sign: int = 1) -> dict:
    """Add one group's validated results into ``tally`` (``sign=-1`` takes them away again).

    Per question: counted questions keep ``groups`` (groups with at least one valid answer),
    ``valid``, ``counts`` per option and, for scales, ``value`` (the sum of all answers' values);
    and the same per group size under ``by_valid[size]`` (``groups``, ``counts``, ``value``).
    Rankings keep ``groups``, ``first`` and ``ranks`` (sum of ranks) per option; open questions
    keep ``groups`` (groups that wrote something). Returns ``tally``.
    """
    by_code = {q.code: q for q in questions}
    tally["groups"] = tally.get("groups", 0) + sign
    entries = tally.setdefault("questions", {})
    for code, answer in clean.get("answers", {}).items():
        question = by_code.get(code)
        if question is None:
            continue
        entry = entries.setdefault(code, {})
        if "counts" in answer or "choice" in answer or "choices" in answer:
            if "counts" in answer:
                counts, valid = answer["counts"], answer["valid"]
            else:
                counts, valid = dict.fromkeys(answer.get("choices") or [answer["choice"]], 1), 1
            if valid <= 0:
                continue  # no valid answer to weigh
            size = entry.setdefault("by_valid", {}).setdefault(str(valid), {})
            _add(entry, "groups", sign)
            _add(entry, "valid", sign * valid)
            _add(size, "groups", sign)
            all_counts, size_counts = entry.setdefault("counts", {}), size.setdefault("counts", {})
            for option, count in counts.items():
                if count:
                    _add(all_counts, option, sign * count)
                    _add(size_counts, option, sign * count)
            if question.kind == SCALE:
                value = sum(_scale_value(question, c) * n for c, n in counts.items())
                _add(entry, "value", sign * value)
                _add(size, "value", sign * value)
        elif "ranking" in answer:
            _add(entry, "groups", sign)
            ranking = answer["ranking"]
            _add(entry.setdefault("first", {}), ranking[0], sign)
            ranks = entry.setdefault("ranks", {})
            for position, option in enumerate(ranking):
                _add(ranks, option, sign * (position + 1))
        elif "text" in answer:
            _add(entry, "groups", sign)
    return tally


def _merge_into(target: dict, source: dict) -> None:
    for key, value in source.items():
        if isinstance(value, dict):
            _merge_into(target.setdefault(key, {}), value)
        else:
            _add(target, key, value)


def tally_merge(tallies: Iterable[dict]) -> dict:
    """The sum of several tallies (e.g. of many events sharing a questionnaire)."""
    merged = empty_tally()
    for tally in tallies:
        _merge_into(merged, tally)
    return merged


def question_figures(question: QuestionSpec, entry: Mapping | None, weighting: Weighting | str) -> dict:
    """A question's figures from its tally entry (see ``_counted_figures``, ``_ranking_figures``)."""
    entry = entry or {}
    if question.kind == OPEN:
        return {"groups": entry.get("groups", 0)}
    if question.kind == RANKING:
        return _ranking_figures(question, entry)
    return _counted_figures(question, entry, Weighting(weighting))


def aggregate_session(
    questions: Sequence[QuestionSpec],
    groups: Sequence[GroupResults],
    *,
    weighting: Weighting | str = Weighting.POOLED,
    groups_total: int | None = None,
) -> dict:
    """Combine the groups' latest results for one session.

    Each group's data is validated first; answers that fail are left out and listed under
    ``invalid``, the group's other answers still count. Groups with no submission are simply
    absent from ``groups``: ``groups_submitted`` says how many there were (of ``groups_total``).
    See ``_counted_figures`` and ``_ranking_figures`` for the figures of each question.
    """
    weighting = Weighting(weighting)
    questions = list(questions)
    tally = empty_tally()
    texts: dict[str, list[dict]] = {q.code: [] for q in questions}
    invalid = []
    questions_key = tuple(questions)
    for group in groups:
        clean, errors = validated(questions, group, questions_key)
        if errors:
            invalid.append({"group_id": group.group_id, "group": group.label, "errors": [str(e) for e in errors]})
        tally_add(questions, tally, clean)
        for code, answer in clean["answers"].items():
            if "text" in answer:
                texts[code].append({"group": group.label, "text": answer["text"]})
    results = []
    for question in questions:
        base = {"code": question.code, "kind": question.kind, "respondent": question.respondent, "text": question.text}
        figures = question_figures(question, tally["questions"].get(question.code), weighting)
        if question.kind == OPEN:
            figures["texts"] = texts[question.code]
        results.append({**base, **figures})
    return {
        "weighting": str(weighting),
        "groups_total": groups_total,
        "groups_submitted": len(groups),
        "questions": results,
        "invalid": invalid,
    }


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


def _label(question: QuestionSpec, i: int, code: str) -> str:
    return question.option_labels[i] if i < len(question.option_labels) else code


def _counted_figures(question: QuestionSpec, entry: Mapping, weighting: Weighting) -> dict:
    """Counts and percentages per option.

    percent = count / valid answers. Pooled: all groups' counts summed over all their valid
    answers. Groups equal: the mean over groups of each group's own percentage. Groups whose
    ``valid`` is 0 gave no answer to weigh and are left out. For multiple choice the percentages
    are shares of respondents and may add up to more than 100. Scale questions add the mean
    (pooled: over all answers; groups equal: mean of the groups' means).
    """
    groups, respondents = entry.get("groups", 0), entry.get("valid", 0)
    counts, by_valid = entry.get("counts", {}), entry.get("by_valid", {})
    options = []
    for i, code in enumerate(question.options):
        count = counts.get(code, 0)
        if weighting == Weighting.POOLED:
            percent = _percent(count, respondents)
        else:
            shares = sum((Fraction(size["counts"].get(code, 0), int(v)) for v, size in by_valid.items()), Fraction(0))
            percent = _percent(shares, groups)
        options.append({"code": code, "label": _label(question, i, code), "count": count, "percent": percent})
    result = {"groups": groups, "respondents": respondents, "options": options}
    if question.kind == SCALE:
        if weighting == Weighting.POOLED:
            result["mean"] = float(Fraction(entry.get("value", 0)) / respondents) if respondents else None
        else:
            means = sum((Fraction(size.get("value", 0)) / int(v) for v, size in by_valid.items()), Fraction(0))
            result["mean"] = float(means / groups) if groups else None
    return result


def _ranking_figures(question: QuestionSpec, entry: Mapping) -> dict:
    """Share of groups ranking each option first, and its average rank (1 = first).

    Each group is one ranking, so pooling and equal weighting give the same figures.
    """
    groups = entry.get("groups", 0)
    first, ranks = entry.get("first", {}), entry.get("ranks", {})
    options = []
    for i, code in enumerate(question.options):
        options.append(
            {
                "code": code,
                "label": _label(question, i, code),
                "first": first.get(code, 0),
                "first_percent": _percent(first.get(code, 0), groups),
                "average_rank": ranks.get(code, 0) / groups if groups else None,
            }
        )
    return {"groups": groups, "respondents": groups, "options": options}
