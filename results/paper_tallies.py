"""Paper tallies: a site without the app enters its groups' results from one CSV file per session.

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

The file is checked whole first; any bad row refuses it and every problem is listed with its
line (the spreadsheet's row number) and column. A valid file submits each filled group's results
for the session as its new revision (the same checks as the note taker's form, through
``note_submit``), all in one transaction. A group whose results are the same as its latest
revision gets no new one, so uploading the same file again changes nothing; a corrected file
adds a revision to the groups it changes, and the earlier revisions are kept.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import streams as groups_streams
from groups.models import Allocation, BreakoutGroup
from infrastructure.csvfiles import FORMULA_STARTS, csv_text
from infrastructure.sheet_import import ImportError_, csv_rows, csv_table, upload_sheet
from results.aggregation import COUNT_MAX, GROUP, MULTIPLE, OPEN, RANKING, QuestionSpec, validate_group_results
from results.models import NoteRevision
from results.selectors import PAPER_ALGORITHM, group_answer_limit, session_question_specs
from results.services import NoteInvalid, note_submit
from sessions_app.models import Event, Session

COLUMNS = ["group", "question", "option", "count", "valid", "text"]
REQUIRED_COLUMNS = ["group", "question", "option"]
# The bound of every count: the tables' declared size, at most COUNT_MAX (see group_answer_limit).
MAX_COUNT = COUNT_MAX
PAPER_TABLES_MAX = 500
# People per table when the organiser does not say: a World Wide Views table seats 5 to 8.
PAPER_TABLE_SIZE_DEFAULT = 10
# Idempotency keys of paper uploads: uuid5 in this namespace.
_KEY_NAMESPACE = uuid.UUID("6f1c2a4e-3b8d-5e7a-9c41-2d0b8e6f7a13")
_LINE_PATH = re.compile(
    r"^answers\.(?P<question>[^.\[]+)(?:\.(?P<part>[a-z]+))?(?:\.(?P<option>.+)|\[(?P<index>\d+)\])?$"
)


@dataclass
class PaperUploadResult:
    """What an upload did: the groups given a new revision and those already up to date, or errors."""

    updated: list[BreakoutGroup] = field(default_factory=list)
    unchanged: list[BreakoutGroup] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Results of note takers that the file would replace: nothing was written,
    # the organiser is asked first. ``confirmation`` names them, for the second step.
    replacing: list[dict] = field(default_factory=list)
    confirmation: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.replacing) and not self.errors and not self.updated


class PaperTablesRefused(ValueError):
    """Paper tables cannot be created now; the message says why."""


# --- Groups for a site without the app ------------------------------------------------------


def paper_groups(event: Event) -> list[BreakoutGroup]:
    """The groups a paper file refers to: the current grouping's first round, by number."""
    return list(BreakoutGroup.objects.filter(event=event, allocation__is_current=True, round=1).order_by("number"))


@transaction.atomic
def paper_groups_create(
    *, event: Event, count: int, table_size: int = PAPER_TABLE_SIZE_DEFAULT, user=None
) -> Allocation:
    """Make ``count`` empty groups, “Table 1” to “Table N”, the event's current grouping.

    For a site whose people sit at tables with paper ballots and are not registered: the
    grouping is recorded as a run of the “paper” algorithm, with ``table_size``, the most people
    at one table (1 to COUNT_MAX): no count of a table may be more. Refused when the event
    already has a current grouping with groups (form or import results into those)."""
    if not 1 <= count <= PAPER_TABLES_MAX:
        raise PaperTablesRefused(_("Create 1 to %(max)s tables.") % {"max": PAPER_TABLES_MAX})
    if isinstance(table_size, bool) or not isinstance(table_size, int) or not 1 <= table_size <= COUNT_MAX:
        raise PaperTablesRefused(_("A table seats 1 to %(max)s people.") % {"max": f"{COUNT_MAX:,}"})
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one grouping change at a time
    if BreakoutGroup.objects.filter(event=event, allocation__is_current=True).exists():
        raise PaperTablesRefused(_("This event already has groups: enter the tallies of those groups."))
    now = timezone.now()
    Allocation.objects.filter(event=event, is_current=True).update(is_current=False)
    allocation = Allocation.objects.create(
        event=event,
        status=Allocation.Status.SUCCEEDED,
        is_current=True,
        seed=0,
        algorithm_version=PAPER_ALGORITHM,
        parameters={"paper_tables": count, "table_size": table_size},
        progress=1.0,
        created_by=user if user is not None and user.is_authenticated else None,
        finished_at=now,
    )
    BreakoutGroup.objects.bulk_create(
        BreakoutGroup(event=event, allocation=allocation, number=n, name=_("Table %(number)s") % {"number": n}, round=1)
        for n in range(1, count + 1)
    )
    groups_streams.event_changed(event)
    return allocation


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


def _read_rows(reader, result: PaperUploadResult, groups: dict[int, BreakoutGroup], specs: dict):
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


def _group_choice(answer: _Answer, result: PaperUploadResult) -> dict | None:
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


def _ranking(answer: _Answer, result: PaperUploadResult) -> dict | None:
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


def _answer_data(answer: _Answer, result: PaperUploadResult) -> dict | None:
    """The answer in the shape of ``results.aggregation``, or None (not answered, or an error)."""
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
    group_answers: dict[str, _Answer], specs: list[QuestionSpec], result: PaperUploadResult, limit: int
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


def paper_tallies_import(
    *, event: Event, session: Session, data: bytes, user=None, filename: str = "", confirmed: str = ""
) -> PaperUploadResult:
    """Check a paper tallies file and submit each filled group's results, or refuse it whole.

    See the module's docstring for the format. Each group's results go through ``note_submit``
    with an idempotency key made from the event, session, group, the file's SHA-256 and the
    group's latest revision number: sending the same file twice (even at once) adds nothing.

    A file that would replace results a note taker submitted writes nothing at
    first: ``result.replacing`` lists what would change, and the organiser sends the file again
    with ``confirmed=result.confirmation``. If those results changed meanwhile, they are listed
    again instead of being replaced."""
    result = PaperUploadResult()
    if session.event_id != event.pk:
        result.errors.append(ImportError_(0, "", _("That session belongs to another event.")))
        return result
    reader = upload_sheet(data, result, filename=filename)
    if reader is None:
        return result
    groups = {group.number: group for group in paper_groups(event)}
    if not groups:
        result.errors.append(ImportError_(0, "", _("The event has no groups yet: create the paper tables first.")))
        return result
    spec_list = session_question_specs(session)
    specs = {spec.code: spec for spec in spec_list}
    answers = _read_rows(reader, result, groups, specs)
    by_group: dict[int, dict[str, _Answer]] = {}
    for (number, code), answer in answers.items():
        by_group.setdefault(number, {})[code] = answer
    submissions = []
    for number in sorted(by_group):
        clean = _group_results(by_group[number], spec_list, result, group_answer_limit(groups[number]))
        if clean is not None:
            submissions.append((groups[number], clean))
    if not submissions and not result.errors:
        result.errors.append(ImportError_(0, "", _("No group has a filled cell: write the tallies in “count”.")))
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result
    digest = hashlib.sha256(data).hexdigest()
    replacing = paper_replacements(session=session, submissions=submissions)
    if replacing:
        shown = ",".join(f"{item['group'].pk}.{item['revision']}" for item in replacing)
        confirmation = hashlib.sha256(f"{digest}:{shown}".encode()).hexdigest()
        if confirmed != confirmation:
            result.replacing, result.confirmation = replacing, confirmation
            return result
    try:
        with transaction.atomic():
            _submit_all(event=event, session=session, submissions=submissions, digest=digest, user=user, result=result)
    except NoteInvalid as invalid:  # checked above with the same rules: only a questionnaire changed meanwhile
        result.updated, result.unchanged = [], []
        result.errors = [ImportError_(0, "", str(error)) for error in invalid.errors]
    return result


def _by_a_note_taker(revision: NoteRevision) -> bool:
    """Submitted from the group's notes form by a person of the event (its note taker, or a
    participant asked to take the notes), not by an organiser's upload."""
    return revision.submitted_by_id is not None


def paper_replacements(*, session: Session, submissions) -> list[dict]:
    """The groups whose latest results, submitted by a note taker, the file would change:
    ``{"group", "revision", "by", "at", "questions"}`` (the question codes that change)."""
    groups = {group.pk: (group, clean) for group, clean in submissions}
    latest: dict[int, NoteRevision] = {}
    revisions = NoteRevision.objects.filter(submission__session=session, submission__group__in=list(groups))
    for revision in revisions.select_related("submission", "submitted_by", "submitted_by_user"):
        current = latest.get(revision.submission.group_id)
        if current is None or revision.number > current.number:
            latest[revision.submission.group_id] = revision
    out = []
    for group_pk, revision in sorted(latest.items(), key=lambda item: groups[item[0]][0].number):
        group, clean = groups[group_pk]
        if revision.data == clean or not _by_a_note_taker(revision):
            continue
        old = (revision.data or {}).get("answers", {}) if isinstance(revision.data, dict) else {}
        new = clean.get("answers", {})
        changed = sorted(code for code in set(old) | set(new) if old.get(code) != new.get(code))
        by = str(revision.submitted_by)
        out.append(
            {"group": group, "revision": revision.number, "by": by, "at": revision.created_at, "questions": changed}
        )
    return out


def _submit_all(*, event, session, submissions, digest, user, result: PaperUploadResult) -> None:
    latest: dict[int, tuple[int, dict]] = {}
    revisions = NoteRevision.objects.filter(
        submission__session=session, submission__group__in=[group for group, _clean in submissions]
    ).values_list("submission__group_id", "number", "data")
    for group_id, number, data in revisions:
        if number > latest.get(group_id, (0, None))[0]:
            latest[group_id] = (number, data)
    for group, clean in submissions:
        number, data = latest.get(group.pk, (0, None))
        if data == clean:
            result.unchanged.append(group)
            continue
        key = uuid.uuid5(_KEY_NAMESPACE, f"{event.pk}:{session.pk}:{group.pk}:{digest}:{number}")
        submitted = note_submit(group=group, session=session, data=clean, idempotency_key=key, user=user)
        (result.updated if submitted.created else result.unchanged).append(group)


def paper_groups_status(*, event: Event, session: Session) -> list[dict]:
    """Each paper group with its latest revision for the session: ``{"group", "revision", "at"}``."""
    groups = paper_groups(event)
    latest: dict[int, tuple[int, object]] = {}
    revisions = NoteRevision.objects.filter(submission__session=session, submission__group__in=groups).values_list(
        "submission__group_id", "number", "created_at"
    )
    for group_id, number, created_at in revisions:
        if number > latest.get(group_id, (0, None))[0]:
            latest[group_id] = (number, created_at)
    return [
        {"group": group, "revision": latest.get(group.pk, (None, None))[0], "at": latest.get(group.pk, (None, None))[1]}
        for group in groups
    ]
