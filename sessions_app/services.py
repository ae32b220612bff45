"""Writes on events and people. Views, admin and commands call these; nothing else writes."""

import csv
import re
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.live import person_changed
from sessions_app.models import Event, Participant, new_token
from wetheinternet.spreadsheets import SpreadsheetRefused, decode_text, read_sheet

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", re.IGNORECASE)
IMPORT_BASE_COLUMNS = ["first_name", "last_name", "email", "role", "languages", "timezone"]
IMPORT_MAX_ROWS = 20_000
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def participant_record_join(*, participant: Participant) -> None:
    Participant.objects.filter(pk=participant.pk).update(join_last_opened_at=timezone.now())


def participant_check_in(*, participant: Participant) -> Participant:
    """Mark a person present; checking in twice keeps the first time."""
    if participant.checked_in_at is None:
        Participant.objects.filter(pk=participant.pk, checked_in_at__isnull=True).update(checked_in_at=timezone.now())
        participant.refresh_from_db(fields=["checked_in_at"])
    return participant


@transaction.atomic
def participant_revoke_join_link(*, participant: Participant) -> None:
    """Withdraw every link issued to this person so far, and end the sessions opened with them."""
    _join_link_rotate(participant=participant, revoked_at=timezone.now())


@transaction.atomic
def participant_reissue_join_link(*, participant: Participant) -> None:
    """Give the person a new link; the old ones stop working and their sessions end."""
    _join_link_rotate(participant=participant, revoked_at=None)


def _join_link_rotate(*, participant: Participant, revoked_at) -> None:
    participant.join_nonce = new_token()
    participant.join_revoked_at = revoked_at
    Participant.objects.filter(pk=participant.pk).update(
        join_nonce=participant.join_nonce, join_revoked_at=revoked_at, link_generation=F("link_generation") + 1
    )
    participant.refresh_from_db(fields=["link_generation"])
    person_changed(participant.pk)


@dataclass
class ImportError_:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line else _("file")
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    # How the file was read, when the person should check it (e.g. other sheets left aside).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_upload(data: bytes) -> str:
    """An uploaded text file with LF line endings (see wetheinternet.spreadsheets.decode_text);
    ValidationError when it cannot be read or holds a NUL character, which no database field stores."""
    try:
        return decode_text(data)
    except SpreadsheetRefused as exc:
        raise ValidationError(str(exc)) from None


def unique_slug(model, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that no ``model`` row has as its slug."""
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def upload_sheet(data: bytes, result, *, filename: str = "") -> csv.DictReader | None:
    """An uploaded spreadsheet (CSV with any separator and common encoding, or .xlsx) as a reader
    of its rows, or None with the reason in ``result``; notes on how it was read go to
    ``result.notes``."""
    if len(data) > IMPORT_MAX_BYTES:
        result.errors.append(ImportError_(0, "", _("The file is larger than 5 MB.")))
        return None
    try:
        sheet = read_sheet(data, filename=filename, max_rows=IMPORT_MAX_ROWS)
    except SpreadsheetRefused as exc:
        result.errors.append(ImportError_(0, "", str(exc)))
        return None
    result.notes.extend(sheet.notes)
    return sheet.reader


def csv_table(reader: csv.DictReader, result, *, columns, required, one_of) -> csv.DictReader | None:
    """The reader with its header checked, or None when problems went to ``result``.

    Column names are stripped and lower-cased. Every name must be one of ``columns``, each of
    ``required`` must be there, and at least one of ``one_of``."""
    header = [name.strip().lower() for name in csv_header(reader, result)]
    if result.errors:
        return None
    if not header:
        result.errors.append(ImportError_(0, "", _("The file is empty.")))
        return None
    reader.fieldnames = header
    unknown = [name for name in header if name not in columns]
    if unknown:
        result.errors.append(
            ImportError_(1, ", ".join(unknown), _("unknown column. Expected: %(cols)s") % {"cols": ", ".join(columns)})
        )
    for name in required:
        if name not in header:
            result.errors.append(ImportError_(1, name, _("this column is required.")))
    if not any(name in header for name in one_of):
        result.errors.append(ImportError_(1, ", ".join(one_of), _("at least one of these columns is required.")))
    return None if result.errors else reader


def _unreadable(line: int, exc: csv.Error) -> ImportError_:
    return ImportError_(line, "", _("this line cannot be read as CSV (%(error)s).") % {"error": exc})


def csv_header(reader: csv.DictReader, result: ImportResult) -> list[str]:
    """The file's column names, or [] with the reason in ``result`` when the first line is unreadable."""
    try:
        return list(reader.fieldnames or [])
    except csv.Error as exc:
        result.errors.append(_unreadable(1, exc))
        return []


def _rows_read(reader, result: ImportResult):
    """The rows as the csv module reads them; a line it cannot read (a cell over its size
    limit, a stray quote) is reported in ``result`` and ends the reading."""
    rows = iter(reader)
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            result.errors.append(_unreadable(reader.line_num + 1, exc))  # line_num: the lines read before it
            return


def csv_rows(reader, result: ImportResult):
    """The rows of a CSV file as (line number, values stripped), skipping blank lines. Rows with
    more cells than the header are reported in `result`; reading stops after IMPORT_MAX_ROWS."""
    for index, row in enumerate(_rows_read(reader, result)):
        line = index + 2
        if index >= IMPORT_MAX_ROWS:
            result.errors.append(ImportError_(line, "", _("too many rows (at most %(n)s).") % {"n": IMPORT_MAX_ROWS}))
            return
        if None in row:
            result.errors.append(ImportError_(line, "", _("this row has more cells than the header.")))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if any(values.values()):
            yield line, values


def participants_import_csv(*, event: Event, data: bytes, filename: str = "") -> ImportResult:
    """Import people from a CSV file; a file with any bad row is refused whole, nothing written.

    Columns: first_name (required), last_name, email, role (participant, facilitator,
    note_taker), languages (codes separated by spaces or semicolons), timezone, and one
    column per diversity attribute of the event (by its key).
    """
    result = ImportResult()
    reader = upload_sheet(data, result, filename=filename)
    if reader is None:
        return result
    header = [name.strip() for name in csv_header(reader, result)]
    if result.errors:
        return result
    if not header:
        result.errors.append(ImportError_(0, "", _("The file is empty.")))
        return result
    reader.fieldnames = header
    attributes = {a.key: a for a in event.diversity_attributes.all()}
    known = set(IMPORT_BASE_COLUMNS) | set(attributes)
    unknown = [name for name in header if name not in known]
    if unknown:
        result.errors.append(
            ImportError_(
                1,
                ", ".join(unknown),
                _("unknown column. Expected some of: %(cols)s")
                % {"cols": ", ".join(IMPORT_BASE_COLUMNS + list(attributes))},
            )
        )
    if "first_name" not in header:
        result.errors.append(ImportError_(1, "first_name", _("this column is required.")))
    if result.errors:
        return result

    existing_emails = set(Participant.objects.filter(event=event).exclude(email="").values_list("email", flat=True))
    existing_emails = {e.lower() for e in existing_emails}
    seen_emails: dict[str, int] = {}
    people: list[Participant] = []
    timezones = zoneinfo.available_timezones()
    roles = set(Participant.Role.values)
    for line, values in csv_rows(reader, result):
        errors_before = len(result.errors)

        def error(column: str, message: str, line=line) -> None:
            result.errors.append(ImportError_(line, column, message))

        first_name = values.get("first_name", "")
        if not first_name:
            error("first_name", _("a first name is required."))
        elif len(first_name) > 100:
            error("first_name", _("at most 100 characters."))
        if len(values.get("last_name", "")) > 100:
            error("last_name", _("at most 100 characters."))
        email = values.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            else:
                if email in existing_emails:
                    error("email", _("%(value)s is already registered for this event.") % {"value": email})
                elif email in seen_emails:
                    error(
                        "email",
                        _("%(value)s is also on line %(other)s.") % {"value": email, "other": seen_emails[email]},
                    )
                seen_emails.setdefault(email, line)
        role = values.get("role", "") or Participant.Role.PARTICIPANT
        if role not in roles:
            error(
                "role",
                _("“%(value)s” is not a role; use one of %(roles)s.")
                % {"value": role, "roles": ", ".join(sorted(roles))},
            )
        languages = [code for code in re.split(r"[\s;,]+", values.get("languages", "")) if code]
        bad_codes = [code for code in languages if not LANGUAGE_CODE_RE.match(code)]
        if bad_codes:
            error(
                "languages",
                _("“%(value)s” is not a language code such as en or pt-BR.") % {"value": ", ".join(bad_codes)},
            )
        tz = values.get("timezone", "")
        if tz and tz not in timezones:
            error("timezone", _("“%(value)s” is not a time zone such as Europe/Paris.") % {"value": tz})
        person_attributes = {}
        for key, attribute in attributes.items():
            value = values.get(key, "")
            if not value:
                continue
            choices = attribute.choice_list
            if choices and value not in choices:
                error(
                    key, _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices)}
                )
            person_attributes[key] = value
        if len(result.errors) == errors_before:
            people.append(
                Participant(
                    event=event,
                    first_name=first_name,
                    last_name=values.get("last_name", ""),
                    email=email,
                    role=role,
                    languages=",".join(code.lower() for code in languages),
                    timezone=tz,
                    attributes=person_attributes,
                )
            )
    if reader.line_num <= 1 and not result.errors:
        result.errors.append(ImportError_(0, "", _("The file has a header but no people.")))
    if result.errors:
        return result
    with transaction.atomic():
        Participant.objects.bulk_create(people)
    result.created = len(people)
    return result


def participant_update_profile(
    *, participant: Participant, languages: list[str], attributes: dict, consent: bool, timezone_name: str = ""
) -> Participant:
    """Save what a person tells about themselves; without consent no attribute is kept."""
    participant.languages = ",".join(languages)
    participant.attributes = attributes if consent else {}
    participant.consent_given_at = (participant.consent_given_at or timezone.now()) if consent else None
    fields = ["languages", "attributes", "consent_given_at"]
    if timezone_name:
        participant.timezone = timezone_name
        fields.append("timezone")
    participant.save(update_fields=fields)
    return participant
