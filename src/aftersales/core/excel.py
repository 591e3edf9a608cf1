"""The one Excel writer every export uses (openpyxl): the request list, the reports, any later one.

Every value goes into its cell through ``cell_for``, so that what a user typed can never become
something Excel runs or something the file cannot hold:

- **Text stays text** (formula injection, issue 9 item 7). openpyxl writes a string that starts
  with ``=`` as a live formula, and Excel re-reads text that starts with ``+ - @``, a tab or a
  carriage return as a formula when the cell is edited. Text is written with the string type set
  explicitly (never ``f`` or an error code), unchanged, and such text also gets Excel's own
  "quote prefix" cell style (the apostrophe a person types to say "this is text"): the text reads
  back exactly as stored, and Excel shows it, sorts it and edits it as text. A literal ``'`` in the
  value would show in every cell and change the data, so none is added.
- **Numbers and dates stay numbers and dates** (a negative amount stays a number); an aware
  time is written in the current time zone (Excel has no offsets).
- **No control characters**: openpyxl refuses them (IllegalCharacterError, a 500 for the whole
  export); they are dropped here (input refuses them: core.middleware, api/parsers.py, but older
  rows or imported data may hold them).
"""

from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .validators import control_characters_strip

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes Excel read text as a formula (OWASP "CSV injection"), also in full width.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
MAX_TEXT = 32_767  # characters in one cell
INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def text_clean(value) -> str:
    """Text a cell (or a sheet title, a document property) can hold."""
    return control_characters_strip(str(value))[:MAX_TEXT]


def cell_for(sheet, value):
    """The cell for ``value`` in ``sheet`` (a normal or a write-only worksheet)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    elif not (value is None or isinstance(value, (str, bool, int, float, Decimal, date, time))):
        value = str(value)
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        text = text_clean(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def row_append(sheet, values) -> None:
    """Appends one row; every value goes through ``cell_for``."""
    sheet.append([cell_for(sheet, value) for value in values])


def workbook_new(*, title="", subject="", write_only=False) -> Workbook:
    """An empty workbook (no default sheet) whose properties name what it holds."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    workbook.properties.title = text_clean(title)[:255] or None
    workbook.properties.subject = text_clean(subject)[:255] or None
    workbook.properties.creator = "aftersales"
    return workbook


def sheet_add(workbook: Workbook, title, used: set[str] | None = None):
    """A new sheet with a title Excel accepts: no ``[]:*?/\\``, 31 characters, unique in
    ``used`` (the titles given so far)."""
    used = used if used is not None else set()
    name = text_clean(title).translate(INVALID_SHEET_CHARS).strip()[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name)
    return workbook.create_sheet(name)


def tables_workbook(*, title, tables) -> Workbook:
    """A workbook of plain tables as a page shows them, one sheet each: ``tables`` are dicts
    with ``title``, ``head`` (the column names) and ``rows``."""
    workbook = workbook_new(title=title)
    used: set[str] = set()
    for table in tables:
        sheet = sheet_add(workbook, table["title"], used)
        row_append(sheet, table["head"])
        for row in table["rows"]:
            row_append(sheet, row)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(workbook: Workbook | bytes, filename: str) -> HttpResponse:
    """The workbook as a download named ``filename``."""
    content = workbook if isinstance(workbook, bytes) else workbook_bytes(workbook)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
