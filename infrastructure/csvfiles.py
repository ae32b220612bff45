"""CSV files that spreadsheets open safely."""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV file as the computer's legacy encoding unless it starts with this mark;
# with it, accents show right. Every import strips it again (infrastructure.spreadsheets).
BOM = "\ufeff"


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @ gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_text(header: list[str], rows) -> str:
    """A CSV file of these rows, starting with the UTF-8 byte order mark (see BOM)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
