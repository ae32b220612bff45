"""The paper tallies spreadsheet: its template, and reading and checking a filled one.

A site without the app enters its groups' results from one CSV (or Excel) file per session.

The file holds one row per group, question and option, with these columns (``;`` is accepted as
the separator when the header has no comma, as spreadsheets set to a comma decimal save it)::

    group,question,option,count,valid,text

- ``group``: the group's number in the event's current grouping (its first round), e.g. ``3``.
- ``question``, ``option``: the codes of the session's questionnaire (the template lists them all).
- Questions each person answers (single choice, multiple choice, 1-5 scale): ``count`` is the
  number of people who chose the option (an empty cell counts 0). ``valid`` is the number of
  people who gave a valid answer: optional for single choice and scales (it is then the sum of
  the counts), required for multiple choice; it may be written on any row of that group and
  question, and must be the same where it is repeated.
- Choices the group makes together: ``count`` is 1 for each option the group chose, empty (or 0)
  for the others.
- Group rankings: ``count`` is the option's rank, 1 for the most important; every option is ranked.
- Open questions: one row with the ``option`` cell empty and the group's text in ``text``; several
  rows of the same group and question are joined, one line each.
- A question whose cells are all empty for a group was not answered by that group. A group with
  no filled cell is left as it is.

The file is checked whole; every problem is listed with its line (the spreadsheet's row number)
and column, and each group's answers are checked with the note taker's rules. Writing them is
``results.paper_tallies``.
"""

import re
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from groups.models import BreakoutGroup
from infrastructure.csvfiles import FORMULA_STARTS, csv_text
from infrastructure.sheet_import import ImportError_, csv_rows, csv_table
from results.answers import COUNT_MAX, GROUP, MULTIPLE, OPEN, RANKING, QuestionSpec, validate_group_results
from results.paper_tables import paper_groups
from results.selectors import group_answer_limit, session_question_specs
from sessions_app.models import Event, Session

COLUMNS = ["group", "question", "option", "count", "valid", "text"]
REQUIRED_COLUMNS = ["group", "question", "option"]
# The bound of every count: the tables' declared size, at most COUNT_MAX (see group_answer_limit).
MAX_COUNT = COUNT_MAX
_LINE_PATH = re.compile(
    r"^answers\.(?P<question>[^.\[]+)(?:\.(?P<part>[a-z]+))?(?:\.(?P<option>.+)|\[(?P<index>\d+)\])?$"
)


class SheetReport(Protocol):
    """Where reading a file puts its problems: any result with an ``errors`` list (a PaperUploadResult)."""

    errors: list[ImportError_]


# --- The template ---------------------------------------------------------------------------


def paper_template_rows(*, event: Event, session: Session) -> list[list]:
    """Every group number × question × option of the session, values empty (open questions:
    one row per group with the option empty)."""
    specs = session_question_specs(session)
    rows = []
    for group in paper_groups(event):
        for question in specs:
            options = [""] if question.kind == OPEN else question.options
            rows += [[group.number, question.code, option, "", "", ""] for option in options]
    return rows


def paper_template_csv(*, event: Event, session: Session) -> str:
    """The CSV to fill in (see paper_template_rows). Cells are written so that a spreadsheet
    never runs them as formulas (codes may start with “-”)."""
    return csv_text(COLUMNS, paper_template_rows(event=event, session=session))


def paper_questions(session: Session) -> list[dict]:
    """The session's questions for the page's guide: code, kind, respondent, text, (code, label) pairs."""
    return [
        {
            "code": spec.code,
            "kind": spec.kind,
            "respondent": spec.respondent,
            "max_choices": spec.max_choices,
            "text": spec.text,
            "code_labels": list(zip(spec.options, spec.option_labels, strict=False)),
        }
        for spec in session_question_specs(session)
    ]


# --- Reading and checking a file ------------------------------------------------------------


def _cell(value: str) -> str:
    """A cell as written: a quote that neutralised a formula start (see csvfiles) is taken away."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _numbers_text(numbers: list[int]) -> str:
    if numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 2:
        return _("%(first)s to %(last)s") % {"first": 1, "last": len(numbers)}
    return ", ".join(str(number) for number in numbers)


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else None


@dataclass
class _Answer:
    """What the file says about one question of one group, with the line of each piece."""

    question: QuestionSpec
    first_line: int
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # option -> (count, line)
    valid: tuple[int, int] | None = None  # (valid, line)
    texts: list[tuple[str, int]] = field(default_factory=list)
    option_lines: dict[str, int] = field(default_factory=dict)
    broken: bool = False  # a row of it is wrong

    @property
    def filled(self) -> bool:
        return bool(self.counts or self.valid or any(text for text, _line in self.texts))


def _read_rows(reader, result: SheetReport, groups: dict[int, BreakoutGroup], specs: dict):
    """Check every row on its own; returns {(group number, question code): _Answer}."""
    reader = csv_table(reader, result, columns=COLUMNS, required=REQUIRED_COLUMNS, one_of=["count", "text"])
    if reader is None:
        return {}

    answers: dict[tuple[int, str], _Answer] = {}
    seen: dict[tuple, int] = {}
    numbers = _numbers_text(list(groups))
    for line, raw in csv_rows(reader, result):
        values = {key: _cell(value) for key, value in raw.items()}
        before = len(result.errors)

        def error(column: str, message: str, line=line) -> None:
            result.errors.append(ImportError_(line, column, message))

        group_text, code, option = values.get("group", ""), values.get("question", ""), values.get("option", "")
        count_text, valid_text, text = values.get("count", ""), values.get("valid", ""), values.get("text", "")
        number = _whole(group_text)
        if not group_text:
            error("group", _("the group's number is required."))
        elif number not in groups:
            error(
                "group",
                _("“%(value)s” is not a group number; the groups are %(numbers)s.")
                % {"value": group_text, "numbers": numbers},
            )
        question = specs.get(code)
        if not code:
            error("question", _("a question code is required."))
        elif question is None:
            error(
                "question",
                _("“%(value)s” is not a question of this session; expected one of %(codes)s.")
                % {"value": code, "codes": ", ".join(specs)},
            )
        count = valid = None
        if question is not None:
            if question.kind == OPEN:
                if option:
                    error("option", _("an open question has no options: leave it empty and write in “text”."))
                for column, value in (("count", count_text), ("valid", valid_text)):
                    if value:
                        error(column, _("leave it empty for an open question; write in “text”."))
            else:
                if not option:
                    error("option", _("an option code is required."))
                elif option not in question.options:
                    error(
                        "option",
                        _("“%(value)s” is not an option of %(question)s; expected one of %(codes)s.")
                        % {"value": option, "question": code, "codes": ", ".join(question.options)},
                    )
                if text:
                    error("text", _("only open questions take a text."))
                if valid_text and (question.respondent == GROUP or question.kind == RANKING):
                    error("valid", _("leave it empty: the group answers this question together."))
        if count_text:
            count = _whole(count_text)
            if count is None or count > MAX_COUNT:
                error(
                    "count",
                    _("“%(value)s” is not a whole number from 0 to %(max)s.")
                    % {"value": count_text, "max": f"{MAX_COUNT:,}"},
                )
        if valid_text:
            valid = _whole(valid_text)
            if valid is None or valid > MAX_COUNT:
                error(
                    "valid",
                    _("“%(value)s” is not a whole number from 0 to %(max)s.")
                    % {"value": valid_text, "max": f"{MAX_COUNT:,}"},
                )
        answer = None
        if number in groups and question is not None:
            answer = answers.setdefault((number, code), _Answer(question=question, first_line=line))
        if len(result.errors) != before:
            if answer is not None:
                answer.broken = True  # its sums are not checked: they would only repeat this row's problem
            continue
        key = (number, code, option)
        if key in seen and question.kind != OPEN:
            error("", _("the same group, question and option as line %(other)s.") % {"other": seen[key]})
            answer.broken = True
            continue
        seen.setdefault(key, line)
        answer.option_lines.setdefault(option, line)
        if count is not None:
            answer.counts[option] = (count, line)
        if valid is not None:
            if answer.valid is not None and answer.valid[0] != valid:
                error(
                    "valid",
                    _("%(valid)s differs from %(other)s on line %(line)s.")
                    % {"valid": valid, "other": answer.valid[0], "line": answer.valid[1]},
                )
                answer.broken = True
                continue
            answer.valid = answer.valid or (valid, line)
        if question.kind == OPEN and text:
            answer.texts.append((text, line))
    if not answers and not result.errors:
        result.errors.append(ImportError_(0, "", _("The file has a header but no rows.")))
    return answers


def _group_choice(answer: _Answer, result: SheetReport) -> dict | None:
    """{"choice": code} or {"choices": [...]} from the 1s written for a choice the group makes."""
    question = answer.question
    before = len(result.errors)
    for count, line in answer.counts.values():
        if count not in (0, 1):
            result.errors.append(
                ImportError_(line, "count", _("write 1 for an option the group chose, 0 or nothing for the others."))
            )
    if len(result.errors) != before:
        return None
    chosen = [option for option in question.options if answer.counts.get(option, (0, 0))[0] == 1]
    if not chosen:
        result.errors.append(ImportError_(answer.first_line, "count", _("write 1 for the option the group chose.")))
        return None
    if question.kind == MULTIPLE:
        return {"choices": chosen}
    if len(chosen) > 1:
        lines = ", ".join(str(answer.counts[option][1]) for option in chosen)
        result.errors.append(
            ImportError_(
                answer.counts[chosen[1]][1],
                "count",
                _("the group chooses one option only; 1 is written on lines %(lines)s.") % {"lines": lines},
            )
        )
        return None
    return {"choice": chosen[0]}


def _ranking(answer: _Answer, result: SheetReport) -> dict | None:
    """{"ranking": [...]} from the rank written for each option (1 = most important)."""
    size = len(answer.question.options)
    before = len(result.errors)
    by_rank: dict[int, tuple[str, int]] = {}
    for option, (rank, line) in answer.counts.items():
        if not 1 <= rank <= size:
            result.errors.append(
                ImportError_(line, "count", _("a rank from 1 (most important) to %(n)s.") % {"n": size})
            )
        elif rank in by_rank:
            result.errors.append(
                ImportError_(
                    line,
                    "count",
                    _("rank %(rank)s is also given on line %(other)s.") % {"rank": rank, "other": by_rank[rank][1]},
                )
            )
        else:
            by_rank[rank] = (option, line)
    if len(result.errors) != before:
        return None
    return {"ranking": [by_rank[rank][0] for rank in sorted(by_rank)]}


def _answer_data(answer: _Answer, result: SheetReport) -> dict | None:
    """The answer in the shape of ``results.answers``, or None (not answered, or an error)."""
    question = answer.question
    if question.kind == OPEN:
        return {"text": "\n".join(text for text, _line in answer.texts)}
    if question.kind == RANKING:
        return _ranking(answer, result)
    if question.respondent == GROUP:
        return _group_choice(answer, result)
    data = {"counts": {option: count for option, (count, _line) in answer.counts.items()}}
    if answer.valid is not None:
        data["valid"] = answer.valid[0]
    return data


_COLUMN_OF_PART = {
    "counts": "count",
    "valid": "valid",
    "ranking": "count",
    "choice": "count",
    "choices": "count",
    "text": "text",
}


def _line_of(error_field: str, answers: dict[str, _Answer], data: dict) -> tuple[int, str]:
    """The line and column a validation error's field path points at, e.g. answers.q2.counts.media."""
    match = _LINE_PATH.match(error_field)
    answer = answers.get(match["question"]) if match else None
    if answer is None:
        return 0, ""
    part, option, index = match["part"], match["option"], match["index"]
    column = _COLUMN_OF_PART.get(part, "")
    if part == "counts" and option in answer.option_lines:
        return answer.option_lines[option], column
    if part == "valid" and answer.valid is not None:
        return answer.valid[1], column
    if index is not None:
        listed = data["answers"][match["question"]].get(part) or []
        if int(index) < len(listed) and listed[int(index)] in answer.option_lines:
            return answer.option_lines[listed[int(index)]], column
    if part == "text" and answer.texts:
        return answer.texts[0][1], column
    return answer.first_line, column


def _question_message(error) -> str:
    match = _LINE_PATH.match(error.field)
    code = match["question"] if match else ""
    return _("%(question)s: %(message)s") % {"question": code, "message": error.message} if code else error.message


def _group_results(
    group_answers: dict[str, _Answer], specs: list[QuestionSpec], result: SheetReport, limit: int
) -> dict | None:
    """One group's results checked with the note taker's rules; None when nothing is filled or wrong."""
    data: dict = {"answers": {}}
    failed = False
    for code, answer in group_answers.items():
        if answer.broken:
            failed = True
        elif answer.filled:
            answer_data = _answer_data(answer, result)
            if answer_data is None:
                failed = True
            else:
                data["answers"][code] = answer_data
    if not data["answers"]:
        return None
    # The questions whose rows are right are still checked, so that the file's every problem shows at once.
    clean, errors = validate_group_results(specs, data, limit=limit)
    for error in errors:
        line, column = _line_of(error.field, group_answers, data)
        result.errors.append(ImportError_(line, column, _question_message(error)))
    return None if errors or failed else clean


def paper_sheet_submissions(
    reader, result: SheetReport, *, groups: dict[int, BreakoutGroup], specs: list[QuestionSpec]
) -> list[tuple[BreakoutGroup, dict]]:
    """Each filled group of the file with its checked results, by group number; problems go to ``result``."""
    answers = _read_rows(reader, result, groups, {spec.code: spec for spec in specs})
    by_group: dict[int, dict[str, _Answer]] = {}
    for (number, code), answer in answers.items():
        by_group.setdefault(number, {})[code] = answer
    submissions = []
    for number in sorted(by_group):
        clean = _group_results(by_group[number], specs, result, group_answer_limit(groups[number]))
        if clean is not None:
            submissions.append((groups[number], clean))
    return submissions
