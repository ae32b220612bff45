"""Reading an uploaded spreadsheet row by row, with every problem reported by line and column.

Imports of people, paper tallies and reference results build on it: ``upload_sheet`` opens the
file (any CSV separator and common encoding, or .xlsx), ``csv_table`` checks its header and
``csv_rows`` yields its rows; problems go to an ``ImportResult``."""

import csv
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from infrastructure.spreadsheets import SpreadsheetRefused, decode_text, read_sheet

IMPORT_MAX_ROWS = 20_000
IMPORT_MAX_BYTES = 5 * 1024 * 1024


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
    """An uploaded text file with LF line endings (see infrastructure.spreadsheets.decode_text);
    ValidationError when it cannot be read or holds a NUL character, which no database field stores."""
    try:
        return decode_text(data)
    except SpreadsheetRefused as exc:
        raise ValidationError(str(exc)) from None


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
