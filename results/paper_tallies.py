"""Paper tallies: a site without the app enters its groups' results from one file per session.

The file's format, its template and its checks are ``results.paper_sheet``; the tables are
``results.paper_tables``; what a file would replace, and its confirmation, ``results.paper_confirmation``.

The file is checked whole first; any bad row refuses it and every problem is listed with its
line (the spreadsheet's row number) and column. A valid file submits each filled group's results
for the session as its new revision (the same checks as the note taker's form, through
``note_submit``), all in one transaction. A group whose results are the same as its latest
revision gets no new one, so uploading the same file again changes nothing; a corrected file
adds a revision to the groups it changes, and the earlier revisions are kept.
"""

import hashlib
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from groups.models import BreakoutGroup
from infrastructure.sheet_import import ImportError_, upload_sheet
from results.models import NoteRevision
from results.paper_confirmation import paper_confirmation, paper_replacements
from results.paper_sheet import paper_sheet_submissions
from results.paper_tables import paper_groups
from results.selectors import session_question_specs
from results.services import NoteInvalid, note_submit
from sessions_app.models import Event, Session

# Idempotency keys of paper uploads: uuid5 in this namespace.
_KEY_NAMESPACE = uuid.UUID("6f1c2a4e-3b8d-5e7a-9c41-2d0b8e6f7a13")


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


def paper_tallies_import(
    *, event: Event, session: Session, data: bytes, user=None, filename: str = "", confirmed: str = ""
) -> PaperUploadResult:
    """Check a paper tallies file and submit each filled group's results, or refuse it whole.

    See ``results.paper_sheet`` for the format. Each group's results go through ``note_submit``
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
    submissions = paper_sheet_submissions(reader, result, groups=groups, specs=session_question_specs(session))
    if not submissions and not result.errors:
        result.errors.append(ImportError_(0, "", _("No group has a filled cell: write the tallies in “count”.")))
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result
    digest = hashlib.sha256(data).hexdigest()
    replacing = paper_replacements(session=session, submissions=submissions)
    if replacing:
        confirmation = paper_confirmation(digest=digest, replacing=replacing)
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


def paper_sessions(event: Event):
    """The event's sessions in their order, for the page's choice."""
    return Session.objects.filter(event=event).order_by("order")


def paper_session(event: Event, code: str | None) -> Session | None:
    """The session asked for, else the event's first one."""
    sessions = paper_sessions(event)
    return (sessions.filter(code=code).first() if code else None) or sessions.first()
