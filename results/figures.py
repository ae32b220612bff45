"""Tallies and figures of group results, over plain data (no ORM).

Groups' answers, validated by `results.answers`, are added into a *tally*: plain JSON of
whole-number sums, per question, that a submission updates in place (add the new revision, take
away the one it replaces) and that tallies of other sessions or events can be merged with. The
figures are always computed from a tally, so the full recount and the kept-up-to-date tally give
exactly the same numbers. To give every group the same weight exactly, counts are also summed per
group size (``by_valid``): the sum of the groups' shares is then the sum over sizes of count / size.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from results.answers import OPEN, RANKING, SCALE, GroupResults, QuestionSpec, validated


class Weighting(enum.StrEnum):
    """How groups are combined: pool every answer, or give every group the same weight."""

    POOLED = "pooled"
    GROUPS_EQUAL = "groups_equal"


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


def bar_width(percent) -> str:
    """A bar's CSS width for a percentage (none: an empty bar), kept within 0–100 %."""
    return f"{max(0.0, min(100.0, percent or 0.0)):.1f}%"
