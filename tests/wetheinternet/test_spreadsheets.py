"""Uploaded spreadsheets as they are: separators, encodings and .xlsx workbooks, read once for
every import, and refused with a clear message when they cannot be read."""

import io
import zipfile

import openpyxl
import pytest

from infrastructure.csvfiles import BOM, csv_text
from infrastructure.spreadsheets import SpreadsheetRefused, read_sheet, sniff_delimiter, xlsx_bytes


def rows_of(data: bytes, **kwargs) -> list[dict]:
    sheet = read_sheet(data, max_rows=kwargs.pop("max_rows", 100), **kwargs)
    return [dict(row) for row in sheet.reader]


def workbook(rows, *, sheets: int = 1) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for n in range(1, sheets):
        book.create_sheet(f"Other {n}").append(["ignored"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_separator_is_detected(delimiter):
    data = delimiter.join(["first_name", "last_name", "note"]) + "\n" + delimiter.join(["Zoé", "Ñúñez", "a, b"])
    if delimiter == ",":
        data = data.replace("a, b", '"a, b"')
    assert rows_of(data.encode()) == [{"first_name": "Zoé", "last_name": "Ñúñez", "note": "a, b"}]


def test_a_single_column_file_reads_as_one_column():
    assert sniff_delimiter("first_name\nAmina\n") == ","
    assert rows_of(b"first_name\nAmina\n") == [{"first_name": "Amina"}]


def test_a_quoted_semicolon_in_a_comma_header_does_not_fool_the_detection():
    assert sniff_delimiter('a,"b;c",d\n') == ","


def test_utf8_with_bom_and_french_excel_semicolons_and_crlf():
    data = BOM.encode() + "prénom;ville\r\nHélène;Besançon\r\n".encode()
    assert rows_of(data) == [{"prénom": "Hélène", "ville": "Besançon"}]


def test_utf16_unicode_text_from_excel_is_read():
    data = "first_name\tcity\r\nJürgen\tKöln\r\n".encode("utf-16")
    assert rows_of(data) == [{"first_name": "Jürgen", "city": "Köln"}]


def test_cp1252_is_refused_with_a_message_that_says_what_to_do():
    with pytest.raises(SpreadsheetRefused) as refused:
        read_sheet("prénom;ville\nHélène;Besançon\n".encode("cp1252"), max_rows=10)
    assert "Windows-1252" in str(refused.value) and "CSV UTF-8" in str(refused.value)


def test_bytes_of_no_known_encoding_are_refused():
    with pytest.raises(SpreadsheetRefused, match="not UTF-8"):
        read_sheet(b"name\n\x81\x8d\x8f\n", max_rows=10)


def test_nul_is_refused_with_its_line():
    with pytest.raises(SpreadsheetRefused, match="line 2"):
        read_sheet(b"name\nA\x00B\n", max_rows=10)


def test_xlsx_values_are_read_as_text():
    data = workbook([["question_code", "count", "percent", "when"], ["q1", 12, 33.5, None], ["q2", 7.0, "x", "y"]])
    assert rows_of(data) == [
        {"question_code": "q1", "count": "12", "percent": "33.5", "when": ""},
        {"question_code": "q2", "count": "7", "percent": "x", "when": "y"},
    ]


def test_xlsx_formulas_are_never_run_and_unsaved_results_are_noted():
    data = workbook([["name", "count"], ['=HYPERLINK("http://evil.example","x")', "=1+1"], ["plain", 3]])
    sheet = read_sheet(data, max_rows=10)
    rows = [dict(row) for row in sheet.reader]
    # openpyxl saves formulas without their result: read as empty, never as the formula or its effect
    assert rows == [{"name": "", "count": ""}, {"name": "plain", "count": "3"}]
    assert any("2 cells hold a formula" in note for note in sheet.notes)


def test_xlsx_other_sheets_are_noted():
    sheet = read_sheet(workbook([["name"], ["A"]], sheets=3), max_rows=10)
    assert [dict(row) for row in sheet.reader] == [{"name": "A"}]
    assert any("3 sheets" in note for note in sheet.notes)


def test_xlsx_too_many_rows_or_columns_is_refused():
    with pytest.raises(SpreadsheetRefused, match="too many rows"):
        read_sheet(workbook([["name"]] + [[f"p{i}"] for i in range(20)]), max_rows=10)
    with pytest.raises(SpreadsheetRefused, match="more than 5 columns"):
        read_sheet(workbook([[f"c{i}" for i in range(6)]]), max_rows=10, max_columns=5)


def test_an_xlsx_with_a_nul_or_surrogate_in_a_cell_is_refused():
    # openpyxl refuses to write such cells, so the sheet's XML is edited by hand
    data = workbook([["name"], ["MARK"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, content.replace(b"MARK", b"A&#xD800;B"))
    with pytest.raises(SpreadsheetRefused):
        read_sheet(out.getvalue(), max_rows=10)


def test_a_file_that_is_not_a_zip_but_named_xlsx_is_refused():
    with pytest.raises(SpreadsheetRefused, match="not an Excel workbook"):
        read_sheet(b"name\nAmina\n", filename="people.xlsx", max_rows=10)


def test_a_broken_zip_is_refused():
    with pytest.raises(SpreadsheetRefused, match="not a readable Excel workbook"):
        read_sheet(b"PK\x03\x04" + b"\x00" * 100, filename="people.xlsx", max_rows=10)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SpreadsheetRefused, match="not a readable Excel workbook"):
        read_sheet(out.getvalue(), max_rows=10)


def test_a_zip_bomb_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(SpreadsheetRefused, match="more than 50 MB"):
        read_sheet(out.getvalue(), max_rows=10)


def test_old_xls_files_are_refused_with_what_to_do():
    with pytest.raises(SpreadsheetRefused, match=r"\.xlsx"):
        read_sheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, filename="people.xls", max_rows=10)


def test_csv_exports_start_with_the_bom_and_round_trip():
    text = csv_text(["name"], [["Zoé"], ["=1+1"]])
    assert text.startswith("\ufeffname")
    assert rows_of(text.encode()) == [{"name": "Zoé"}, {"name": "'=1+1"}]


def test_xlsx_exports_keep_formula_text_as_text():
    data = xlsx_bytes(["name", "count"], [["=1+1", 3], ["Zoé", None]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3 and sheet["A3"].value == "Zoé"


def test_xlsx_empty_rows_below_the_table_do_not_count_and_rows_keep_their_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name"])
    sheet.append(["A"])
    sheet.cell(row=4, column=1, value="B")  # row 3 empty: B stays on line 4
    sheet.cell(row=40, column=3).number_format = "0.00"  # a formatted, empty cell far below
    out = io.BytesIO()
    book.save(out)
    # the empty row 3 is kept (imports skip it), so that B is reported on its own row number, 4
    assert rows_of(out.getvalue(), max_rows=10) == [{"name": "A"}, {"name": ""}, {"name": "B"}]


def test_xlsx_with_endless_empty_rows_is_refused_quickly():
    book = openpyxl.Workbook()
    book.active.append(["name"])
    book.active.cell(row=100, column=1, value="far")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SpreadsheetRefused, match="too many rows"):
        read_sheet(out.getvalue(), max_rows=10)
