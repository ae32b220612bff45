"""Uploaded spreadsheets as they are: CSV as any spreadsheet saves it, or an Excel workbook.

Every import (people, paper tallies, reference results, translations) reads its file here, so
they all accept the same files:
- CSV separated by commas, semicolons (what French, German and Spanish Excel save) or tabs: the
  separator is the one that splits the header line into the most cells;
- text in UTF-8, with or without a byte order mark, or UTF-16 with its mark (Excel's "Unicode
  text"). Other text is refused, and a file that looks like Windows-1252 (Excel's plain "CSV" in
  western Europe) is named as such, with how to save it as "CSV UTF-8" or to upload the .xlsx:
  guessing the encoding could change accents in names without anyone noticing;
- `.xlsx` workbooks: the first sheet's values only (a formula gives the value the spreadsheet
  saved with it, never runs), with limits on the unpacked size, rows and columns. Notes say when
  other sheets were left aside or formulas had no saved value.

Imports nothing of the project: the apps build on it.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from infrastructure.cleaning import clean_lines, normalise_newlines, text_problem

DELIMITERS = (",", ";", "\t")
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
XLSX_MAX_MEMBERS = 2_000
XLSX_MAX_COLUMNS = 200
# Rows read at most, empty ones included, per row an import allows (Excel keeps formatted rows).
XLSX_BLANK_ROWS_FACTOR = 5
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"


class SpreadsheetRefused(ValueError):
    """A file that cannot be read as a table; the message says why and what to do."""


@dataclass
class Sheet:
    """A file read as a table: a ``csv.DictReader`` over its rows, and notes for the person who
    uploaded it (how it was read, when that may matter)."""

    reader: csv.DictReader
    notes: list[str] = field(default_factory=list)


def is_xlsx(data: bytes) -> bool:
    return data.startswith(_ZIP_MAGIC)


def decode_text(data: bytes) -> str:
    """The text of an uploaded file with LF line endings. Raises SpreadsheetRefused when it
    cannot be read or holds a NUL character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SpreadsheetRefused(_("The file says it is UTF-16 text but is not. Save it as “CSV UTF-8”.")) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpreadsheetRefused(_not_utf8_message(data)) from None
    text = normalise_newlines(text)
    for line, problem in clean_lines(text):
        raise SpreadsheetRefused(_("line %(line)s: %(problem)s") % {"line": line, "problem": problem})
    if problem := text_problem(text):
        raise SpreadsheetRefused(problem)
    return text


def _not_utf8_message(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return _("The file is not UTF-8 text. In your spreadsheet, choose “Save as” and the type “CSV UTF-8”.")
    # Read as Windows-1252 it would often look right, but not always (a file from a Mac, from
    # eastern Europe…): a wrong accent in a name or a code is worse than asking once.
    return _(
        "The file is not UTF-8 text: it looks like Windows-1252, what Excel saves as “CSV” in western "
        "Europe, in which accents would be read wrongly. In Excel, choose “Save as” and the type "
        "“CSV UTF-8 (comma delimited)”, or upload the .xlsx workbook itself."
    )


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first line into the most cells (a comma when none does)."""
    first_line = text.split("\n", 1)[0]
    best, best_cells = ",", 1
    for delimiter in DELIMITERS:
        try:
            cells = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:
            continue
        if cells > best_cells:
            best, best_cells = delimiter, cells
    return best


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class _Rows:
    """The rows of a sheet as lists of text, counting them as ``csv.reader`` counts lines."""

    def __init__(self, rows):
        self._rows = iter(rows)
        self.line_num = 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self._rows)
        self.line_num += 1
        return row


def _xlsx_rows(data: bytes, *, max_rows: int, max_columns: int) -> tuple[list[list[str]], list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetRefused(_("The file is not a readable Excel workbook (.xlsx).")) from None
    if len(members) > XLSX_MAX_MEMBERS or sum(member.file_size for member in members) > XLSX_MAX_UNPACKED_BYTES:
        raise SpreadsheetRefused(
            _("The workbook unpacks to more than %(n)s MB. Keep only the sheet to import, or save it as CSV.")
            % {"n": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    import openpyxl  # only imports read workbooks

    try:
        # data_only: a formula's saved value, never the formula; read_only: rows are streamed.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors…) for a damaged workbook
        raise SpreadsheetRefused(_("The file is not a readable Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SpreadsheetRefused(_("The workbook has no sheet."))
        rows: list[list[str]] = []
        notes: list[str] = []
        if len(workbook.worksheets) > 1:
            notes.append(
                _("The workbook has %(n)s sheets: only the first, “%(name)s”, was read.")
                % {"n": len(workbook.worksheets), "name": sheet.title}
            )
        try:
            blank = 0  # empty rows seen since the last filled one: kept only if a filled one follows
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > max_rows * XLSX_BLANK_ROWS_FACTOR:
                    raise SpreadsheetRefused(_("too many rows (at most %(n)s).") % {"n": max_rows})
                cells = [_cell_text(value) for value in values]
                while cells and cells[-1] == "":
                    cells.pop()
                if not cells:
                    blank += 1  # formatted but empty rows, as Excel leaves below a table
                    continue
                if len(rows) + 1 > max_rows + 1:
                    raise SpreadsheetRefused(_("too many rows (at most %(n)s).") % {"n": max_rows})
                rows.extend([] for _blank in range(blank))
                blank = 0
                if len(cells) > max_columns:
                    raise SpreadsheetRefused(
                        _("row %(row)s has more than %(n)s columns.") % {"row": number, "n": max_columns}
                    )
                for column, cell in enumerate(cells, start=1):
                    if problem := text_problem(cell):
                        raise SpreadsheetRefused(
                            _("row %(row)s, column %(column)s: %(problem)s")
                            % {"row": number, "column": column, "problem": problem}
                        )
                rows.append(cells)
        except SpreadsheetRefused:
            raise
        except Exception:  # a damaged sheet part
            raise SpreadsheetRefused(_("The file is not a readable Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()
    width = len(rows[0]) if rows else 0
    rows = [row + [""] * (width - len(row)) for row in rows]  # as a CSV line with its empty cells
    unsaved = _formulas_without_value(data, rows) if any("" in row for row in rows) else 0
    if unsaved:
        notes.append(
            _(
                "%(n)s cells hold a formula whose result was never saved, so they were read as empty. Open "
                "the file in your spreadsheet and save it again to keep the results."
            )
            % {"n": unsaved}
        )
    return rows, notes


def _formulas_without_value(data: bytes, rows: list[list[str]]) -> int:
    """Formula cells of the first sheet read as empty (``rows``): files written by programs
    rather than by a spreadsheet save formulas without their result, which is then unknown
    (formulas are never run here)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # read once already: a file that fails now has no countable formulas
        return 0
    try:
        sheet = workbook.worksheets[0]
        count = 0
        for values, cells in zip(rows, sheet.iter_rows(), strict=False):
            for column, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f" and (column >= len(values) or values[column] == ""):
                    count += 1
        return count
    except Exception:
        return 0
    finally:
        workbook.close()


def read_sheet(data: bytes, *, filename: str = "", max_rows: int, max_columns: int = XLSX_MAX_COLUMNS) -> Sheet:
    """An uploaded file (CSV of any separator and encoding above, or .xlsx) as a table.
    Raises SpreadsheetRefused saying why when it cannot be read."""
    if is_xlsx(data):
        rows, notes = _xlsx_rows(data, max_rows=max_rows, max_columns=max_columns)
        reader = csv.DictReader([])
        reader.reader = _Rows(rows)
        return Sheet(reader, notes)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetRefused(_("The file is named .xlsx but is not an Excel workbook. Save it again from Excel."))
    if filename.lower().endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetRefused(_("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as “CSV UTF-8”."))
    text = decode_text(data)
    return Sheet(csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text)))


def _clean_cell(value):
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook cannot hold
    return value


def xlsx_workbook_bytes(sheets) -> bytes:
    """A workbook of ``(title, header, rows)`` sheets; text is stored as text, never as a formula."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING, WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=(title or "Sheet")[:31])
        sheet.append(list(header))
        for row in rows:
            cells = []
            for value in row:
                value = _clean_cell(value)
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = TYPE_STRING  # "=1+1" stays text: opening the workbook runs nothing
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(header: list[str], rows, *, title: str = "Sheet") -> bytes:
    """A workbook of one sheet with these rows (see xlsx_workbook_bytes)."""
    return xlsx_workbook_bytes([(title, header, rows)])
