"""Files offered for download."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from infrastructure.csvfiles import csv_text
from infrastructure.spreadsheets import XLSX_CONTENT_TYPE, xlsx_bytes


def attachment(content, content_type: str, filename: str) -> HttpResponse:
    """``content`` sent as a file to save under ``filename``."""
    return HttpResponse(
        content, content_type=content_type, headers={"Content-Disposition": content_disposition_header(True, filename)}
    )


def table_download(header: list[str], rows, *, filename_stem: str, xlsx: bool = False) -> HttpResponse:
    """A table as a CSV file (with the byte order mark Excel needs for accents) or a .xlsx workbook."""
    rows = list(rows)
    if xlsx:
        return attachment(xlsx_bytes(header, rows), XLSX_CONTENT_TYPE, f"{filename_stem}.xlsx")
    return attachment(csv_text(header, rows), "text/csv; charset=utf-8", f"{filename_stem}.csv")
