"""Translations of the questionnaire: sessions, questions and options carry their text in other
languages; people see their language, falling back to the original. Results stay keyed by codes,
so they add up across languages. Translators work in a spreadsheet (CSV export and import) or in
their PO editor (one PO file per language, each text's place in the questionnaire as its context)."""

import re
import tempfile

import polib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from infrastructure.csvfiles import csv_text
from infrastructure.languages import pick_translation
from infrastructure.sheet_import import ImportError_, ImportResult, csv_header, csv_rows, decode_upload, upload_sheet
from sessions_app.models import Event, Session
from sessions_app.services import LANGUAGE_CODE_RE

# The texts translated in the spreadsheet and PO files: the questionnaire's (session, question,
# option) and the phases' titles, which people see on their pages. A phase is named by its order
# in the "session" column (its PO context is "phase/<order>/title").
FIELDS = {
    "session": ["title", "material"],
    "question": ["text", "help_text"],
    "option": ["label"],
    "phase": ["title"],
}
KEY_COLUMNS = ["object", "session", "question", "option", "field", "original"]
MAX_TEXT = 10_000


def translated(obj, field: str, language: str | None = None) -> str:
    """The field in the language (e.g. "pt-br", then "pt"), or the original."""
    return pick_translation(obj.translations, language or get_language(), field) or getattr(obj, field)


def _rows(event: Event):
    """(object kind, session code, question code, option code, field, the object) in order."""
    for session in Session.objects.filter(event=event).prefetch_related("questions__options").order_by("order"):
        for field in FIELDS["session"]:
            yield "session", session.code, "", "", field, session
        for question in session.questions.all():
            for field in FIELDS["question"]:
                yield "question", session.code, question.code, "", field, question
            for option in question.options.all():
                yield "option", session.code, question.code, option.code, "label", option
    for phase in event.phases.order_by("order"):
        yield "phase", str(phase.order), "", "", "title", phase


def translation_languages(event: Event, rows=None) -> list[str]:
    """The interface's languages and those already translated, but the event's own."""
    rows = list(_rows(event)) if rows is None else rows
    found = {code for *_, obj in rows for code in (obj.translations or {})}
    return sorted(found | {code for code, _name in settings.LANGUAGES} - {event.language})


def translations_table(*, event: Event, languages: list[str] | None = None) -> tuple[list[str], list[list]]:
    """The header and rows of the translations spreadsheet: one row per translatable text, one
    column per language (existing translations filled in)."""
    rows = list(_rows(event))
    if languages is None:
        languages = translation_languages(event, rows)
    body = [
        [kind, session, question, option, field, getattr(obj, field)]
        + [((obj.translations or {}).get(code) or {}).get(field, "") for code in languages]
        for kind, session, question, option, field, obj in rows
    ]
    return KEY_COLUMNS + languages, body


def translations_export_csv(*, event: Event, languages: list[str] | None = None) -> str:
    """The translations spreadsheet as CSV (see translations_table)."""
    return csv_text(*translations_table(event=event, languages=languages))


def translations_import_csv(*, event: Event, data: bytes, filename: str = "") -> ImportResult:
    """Apply a translated spreadsheet; a file with any bad row is refused whole, nothing written."""
    result = ImportResult()
    reader = upload_sheet(data, result, filename=filename)
    if reader is None:
        return result
    header = [name.strip() for name in csv_header(reader, result)]
    if result.errors:
        return result
    missing = [name for name in KEY_COLUMNS if name not in header]
    if missing:
        result.errors.append(ImportError_(1, ", ".join(missing), _("these columns are required.")))
        return result
    languages = [name for name in header if name not in KEY_COLUMNS]
    bad = [name for name in languages if not LANGUAGE_CODE_RE.match(name)]
    if bad:
        result.errors.append(
            ImportError_(1, ", ".join(bad), _("a language column must be named by its code, e.g. fr."))
        )
    if not languages:
        result.errors.append(ImportError_(1, "", _("add at least one language column, e.g. fr.")))
    if result.errors:
        return result
    reader.fieldnames = header
    objects = {(kind, s, q, o): obj for kind, s, q, o, _f, obj in _rows(event)}
    changes: dict[int, tuple] = {}
    for line, values in csv_rows(reader, result):
        kind, field = values["object"], values["field"]
        obj = objects.get((kind, values["session"], values["question"], values["option"]))
        if obj is None:
            result.errors.append(
                ImportError_(line, "object", _("no %(kind)s with these codes in this event.") % {"kind": kind or "?"})
            )
            continue
        if field not in FIELDS[kind]:
            result.errors.append(
                ImportError_(line, "field", _("“%(field)s” cannot be translated here.") % {"field": field})
            )
            continue
        for code in languages:
            if len(values[code]) > MAX_TEXT:
                result.errors.append(ImportError_(line, code, _("at most %(n)s characters.") % {"n": MAX_TEXT}))
                continue
            _stage(changes, obj, code.lower(), field, values[code])
    if not result.errors:
        _save(changes, result)
    return result


def _stage(changes: dict, obj, language: str, field: str, text: str) -> None:
    """Remember one translated text (an empty one removes the translation) until all are checked."""
    key = (type(obj), obj.pk)
    _obj, merged = changes.get(key, (obj, {k: dict(v) for k, v in (obj.translations or {}).items()}))
    if text:
        merged.setdefault(language, {})[field] = text
    else:
        merged.get(language, {}).pop(field, None)
    changes[key] = (obj, merged)


def _save(changes: dict, result: ImportResult) -> None:
    with transaction.atomic():
        for obj, merged in changes.values():
            obj.translations = {code: texts for code, texts in merged.items() if texts}
            obj.save(update_fields=["translations"])
    result.created = len(changes)


# --- PO files ---------------------------------------------------------------------------------


def _po_context(kind: str, session: str, question: str, option: str, field: str) -> str:
    """Where a text is, e.g. "option/dps/q1/opportunity/label" (codes never contain "/")."""
    return "/".join(part for part in (kind, session, question, option, field) if part)


def translations_export_po(*, event: Event, language: str) -> str:
    """A PO file of the questionnaire's texts for one language (existing translations filled in)."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"{event.slug} questionnaire",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for kind, session, question, option, field, obj in _rows(event):
        original = getattr(obj, field)
        if not original:
            continue  # nothing to translate (no help text, no material)
        po.append(
            polib.POEntry(
                msgctxt=_po_context(kind, session, question, option, field),
                msgid=original,
                msgstr=((obj.translations or {}).get(language) or {}).get(field, ""),
            )
        )
    return str(po)


def _po_error_line(exc: Exception) -> int:
    """The line of a PO syntax error, from polib's message (which names the server's temporary
    file: the message itself is never shown)."""
    found = re.search(r"\(line (\d+)\)", str(exc))
    return int(found.group(1)) if found else 0


def _read_po(text: str) -> polib.POFile:
    # polib reads a file when its argument names one: always hand it a file of our own.
    with tempfile.NamedTemporaryFile("w", suffix=".po", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        return polib.pofile(handle.name, wrapwidth=0)


def translations_import_po(*, event: Event, data: bytes) -> ImportResult:
    """Apply a translated PO file (its header names the language); a file with any problem is
    refused whole, nothing written. Entries marked fuzzy are not applied."""
    result = ImportResult()
    try:
        po = _read_po(decode_upload(data))
    except ValidationError as exc:
        result.errors.append(ImportError_(0, "", exc.messages[0]))
        return result
    except (OSError, ValueError, IndexError, KeyError) as exc:
        result.errors.append(ImportError_(_po_error_line(exc), "", _("This is not a PO file: check its syntax.")))
        return result
    language = (po.metadata.get("Language") or "").strip().lower().replace("_", "-")
    if not LANGUAGE_CODE_RE.match(language):
        result.errors.append(
            ImportError_(1, "Language", _("the header must name the file's language, e.g. “Language: fr”."))
        )
        return result
    places = {
        _po_context(kind, session, question, option, field): (obj, field)
        for kind, session, question, option, field, obj in _rows(event)
    }
    changes: dict[tuple, tuple] = {}
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        found = places.get(entry.msgctxt or "")
        if found is None:
            result.errors.append(
                ImportError_(
                    entry.linenum,
                    "msgctxt",
                    _("no text of this event is at “%(context)s”.") % {"context": entry.msgctxt or ""},
                )
            )
            continue
        if len(entry.msgstr) > MAX_TEXT:
            message = _("at most %(n)s characters.") % {"n": MAX_TEXT}
            result.errors.append(ImportError_(entry.linenum, "msgstr", message))
            continue
        obj, field = found
        _stage(changes, obj, language, field, entry.msgstr)
    if not result.errors:
        _save(changes, result)
    return result
