"""A report as an Excel workbook: one sheet per table, a header row in bold, frozen
below the header, number formats per column kind, and a totals row from the stored totals.
Written through core.excel, the one writer of every export (text stays text)."""

from datetime import date

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from aftersales.core.excel import row_append, sheet_add, workbook_bytes, workbook_new

from .tables import Table

FORMATS = {
    "int": "0", "hours": "0.00", "money": "#,##0.00", "percent": "0.0%", "score": "0.0",
    "rating": "0.00", "rank": "0", "date": "yyyy-mm-dd", "quantity": "General",
}
WIDTHS = {"text": 16, "category": 9, "date": 12}
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
TOTAL_FILL = PatternFill("solid", fgColor="F0F3F7")
TOP = Border(top=Side(style="thin", color="5F6B7A"))


def _cell_value(column, value):
    if value is None or value == "":
        return None
    if column.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def workbook_for(tables: list[Table], *, title: str, subtitle: str) -> bytes:
    workbook = workbook_new(title=title, subject=subtitle)
    used: set[str] = set()
    for table in tables:
        sheet = sheet_add(workbook, table.title, used)
        header = [str(column.label) for column in table.columns]
        row_append(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            row_append(sheet, [_cell_value(column, row.get(column.key)) for column in table.columns])
        if table.totals is not None:
            values = []
            for index, column in enumerate(table.columns):
                if index == 0:
                    values.append(str(table.totals_label or _("Total")))
                elif column.kind in ("text", "category", "date", "rank", "rating"):
                    values.append(None)
                else:
                    values.append(_cell_value(column, table.totals.get(column.key)))
            row_append(sheet, values)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
                cell.border = TOP
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            number_format = FORMATS.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            sheet.column_dimensions[letter].width = max(
                WIDTHS.get(column.kind, 11), min(28, len(header[index - 1]) * 2 + 2))
        sheet.freeze_panes = "A2"
        if table.rows:  # the filter covers the lines, not the totals row below them
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{1 + len(table.rows)}"
    if not tables:
        sheet = sheet_add(workbook, title, used)
        row_append(sheet, [_("No figures")])
    return workbook_bytes(workbook)
