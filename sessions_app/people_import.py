"""The people of an event from an organiser's spreadsheet: one row a person, all or nothing."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from infrastructure.sheet_import import ImportError_, ImportResult, csv_header, csv_rows, upload_sheet
from sessions_app.models import Event, Participant
from sessions_app.services import LANGUAGE_CODE_RE

IMPORT_BASE_COLUMNS = ["first_name", "last_name", "email", "role", "languages", "timezone"]


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
