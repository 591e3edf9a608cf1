"""The price list as an Excel sheet (docs/parts.md, "Price list pages"): reading an uploaded
yearly price list (openpyxl) into rows with what is wrong in each, and the columns that the
template, the export and the import share. Writing goes through ``core.excel``."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import load_workbook

from aftersales.core.excel import row_append, sheet_add, workbook_new

from .forms_stock import FIRST_DAY, LAST_DAY
from .selectors_prices import SheetRow
from .services.prices import MAX_PRICE

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 40

# The columns of the template, in its order; the import finds them by their header in English,
# simplified or traditional Chinese, or by one of the other names a price list may use.
COLUMNS = {
    "code": gettext_lazy("Part number"),
    "name": pgettext_lazy("price list column", "Part name"),
    "price": pgettext_lazy("price list column", "Customer price"),
    "cost": pgettext_lazy("price list column", "Cost price"),
    "valid_from": pgettext_lazy("price list column", "Valid from"),
}
REQUIRED = ("code", "price", "cost", "valid_from")
SYNONYMS = {
    "code": ["code", "part code", "part no", "part number", "编号", "編號", "配件编号", "配件編號",
             "零件编号", "零件編號", "零部件编号", "零部件編號", "料号", "料號", "配件号", "配件號",
             "零件号", "零件號", "配件代码", "配件代碼"],
    "price": ["price", "customer price", "sales price", "客户价", "客戶價", "客户价格", "客戶價格",
              "销售价", "銷售價", "售价", "售價", "零售价", "零售價", "价格", "價格"],
    "cost": ["cost", "cost price", "成本价", "成本價", "成本", "成本价格", "成本價格", "进价",
             "進價"],
    "valid_from": ["valid from", "valid_from", "effective from", "effective", "from",
                   "生效日期", "生效日", "起始日期", "开始日期", "開始日期", "日期"],
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
NOISE = re.compile(r"[\s_\-.:：*＊]|[（(].*?[)）]")


def _header_key(value) -> str:
    return NOISE.sub("", str(value or "")).casefold()


def _header_names() -> dict[str, str]:
    """Every header text the import knows, normalised, and the column it names."""
    names = {}
    for column, words in SYNONYMS.items():
        for word in words:
            names[_header_key(word)] = column
    for language in ("en", "zh-hans", "zh-hant"):
        with translation.override(language):
            for column, label in COLUMNS.items():
                names[_header_key(str(label))] = column
    return names


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(value, column) -> tuple[Decimal | None, str]:
    """A price cell: the amount, or why it is not one (as the price service counts amounts)."""
    if _empty(value):
        return None, _("%(column)s is empty.") % {"column": column}
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(round(value, 6)))  # Excel's binary fractions: 35.5, not 35.4999…
    else:
        text = re.sub(r"[\s,，¥￥元]", "", str(value))
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            amount = None
    if amount is None or not amount.is_finite():
        return None, _("%(column)s: “%(value)s” is not a number.") % {
            "column": column, "value": str(value).strip()[:40]}
    if amount < 0:
        return None, _("%(column)s cannot be negative.") % {"column": column}
    if amount != amount.quantize(Decimal("0.01")):
        return None, _("%(column)s has more than two decimal places.") % {"column": column}
    if amount > MAX_PRICE:
        return None, _("%(column)s is too large.") % {"column": column}
    return amount.quantize(Decimal("0.01")), ""


def _day(value, column) -> tuple[date | None, str]:
    if _empty(value):
        return None, _("%(column)s is empty.") % {"column": column}
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(value.strip(), pattern).date()
                break
            except ValueError:
                continue
    if day is None:
        return None, _("%(column)s: “%(value)s” is not a date (write it as 2026-01-01).") % {
            "column": column, "value": str(value).strip()[:40]}
    if not FIRST_DAY <= day <= LAST_DAY:
        return None, _("%(column)s must be between %(first)s and %(last)s.") % {
            "column": column, "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
    return day, ""


def price_sheet_read(upload) -> list[SheetRow]:
    """The rows of an uploaded price list (.xlsx, first sheet; the first row that is not empty
    names the columns), each with the errors of its cells. A file the import cannot use at all
    (not a workbook, too large, too many rows, a column missing, no rows) is a ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB: split the price list.")
                              % {"mb": MAX_BYTES // (1024 * 1024)})
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError(_("Upload an Excel workbook (.xlsx)."))
    try:
        book = load_workbook(BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (any way a file is not a workbook is the same answer)
        raise ValidationError(_("This file is not an Excel workbook (.xlsx) that can be read.")
                              ) from None
    try:
        return _rows(book.worksheets[0])
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001
        raise ValidationError(_("This file is not an Excel workbook (.xlsx) that can be read.")
                              ) from None
    finally:
        book.close()


def _rows(sheet) -> list[SheetRow]:
    known = _header_names()
    columns: dict[str, int] | None = None
    rows: list[SheetRow] = []
    labels = {key: str(label) for key, label in COLUMNS.items()}
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if all(_empty(v) for v in values):
            continue
        if columns is None:
            columns = {}
            for index, value in enumerate(values):
                column = known.get(_header_key(value))
                if column and column not in columns:
                    columns[column] = index
            missing = [labels[c] for c in REQUIRED if c not in columns]
            if missing:
                raise ValidationError(_(
                    "The first row must name the columns %(columns)s; %(missing)s is missing. "
                    "Start from the template.") % {
                        "columns": "、".join(labels[c] for c in REQUIRED),
                        "missing": "、".join(missing)})
            continue

        def cell(name, values=values, columns=columns):
            index = columns[name]
            return values[index] if index < len(values) else None

        if all(_empty(cell(name)) for name in REQUIRED):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(_("The file has more than %(rows)s rows: split the price list.")
                                  % {"rows": MAX_ROWS})
        row = SheetRow(number=number, code=_code(cell("code")))
        if not row.code:
            row.errors.append(_("%(column)s is empty.") % {"column": labels["code"]})
        row.price, price_error = _amount(cell("price"), labels["price"])
        row.cost, cost_error = _amount(cell("cost"), labels["cost"])
        row.valid_from, day_error = _day(cell("valid_from"), labels["valid_from"])
        row.errors += [e for e in (price_error, cost_error, day_error) if e]
        rows.append(row)
    if columns is None or not rows:
        raise ValidationError(_("The file holds no prices."))
    return rows


def price_template_workbook():
    """The template to fill in: the columns the import reads, in the user's language (the name
    column is there to read; the import ignores it)."""
    workbook = workbook_new(title=_("Parts price list"))
    sheet = sheet_add(workbook, _("Parts price list"))
    row_append(sheet, [str(label) for label in COLUMNS.values()])
    for letter, width in zip("ABCDE", (18, 28, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook
