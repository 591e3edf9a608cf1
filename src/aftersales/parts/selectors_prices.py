"""Reads of the price list pages (PT-1; docs/parts.md, "Price list pages"): every active part with
the price valid today and the one waiting for a later day, a part's price history, and the plan
of a price-list import (what a file would change) before anything is written."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .models import Part, PartPrice


def price_list(*, user, day: date, q: str = "", category: str = "", unpriced: bool = False,
               with_cost: bool = False):
    """Active parts the user may see, each with ``price``, ``price_from`` (and ``cost`` when
    ``with_cost``: only for those who may read costs) of the row valid on ``day``, and
    ``next_price``, ``next_from`` (``next_cost``) of the first row after it. ``unpriced``: only
    parts with no row valid on ``day`` (none at all, or only one waiting for a later day)."""
    current = PartPrice.objects.filter(part=OuterRef("pk"), valid_from__lte=day).order_by(
        "-valid_from")
    later = PartPrice.objects.filter(part=OuterRef("pk"), valid_from__gt=day).order_by(
        "valid_from")
    annotations = {
        "price": Subquery(current.values("price")[:1]),
        "price_from": Subquery(current.values("valid_from")[:1]),
        "next_price": Subquery(later.values("price")[:1]),
        "next_from": Subquery(later.values("valid_from")[:1]),
    }
    if with_cost:
        annotations |= {"cost": Subquery(current.values("cost")[:1]),
                        "next_cost": Subquery(later.values("cost")[:1])}
    parts = Part.objects.restrict(user, "view").filter(active=True)
    q = (q or "").strip()
    if q:
        parts = parts.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if category:
        parts = parts.filter(category=category)
    parts = parts.annotate(**annotations)
    if unpriced:
        parts = parts.filter(price_from__isnull=True)
    return parts.order_by("code")


def price_list_categories(*, user) -> list[str]:
    """The categories the active parts are filed under (for the filter)."""
    return list(Part.objects.restrict(user, "view").filter(active=True).exclude(category="")
                .values_list("category", flat=True).distinct().order_by("category"))


def part_price_history(part: Part):
    """A part's price rows, newest day first, with who added each."""
    return part.prices.select_related("created_by").order_by("-valid_from", "-id")


# --- import ---------------------------------------------------------------------------------

CHANGE, UNCHANGED, ERROR = "change", "unchanged", "error"


@dataclass
class SheetRow:
    """One row of an uploaded price list: what it holds, and what importing it would do."""

    number: int  # the row's number in the sheet, as Excel shows it
    code: str
    price: Decimal | None = None
    cost: Decimal | None = None
    valid_from: date | None = None
    errors: list[str] = field(default_factory=list)
    part: Part | None = None
    before: PartPrice | None = None  # the row valid on ``valid_from`` until now
    status: str = ""

    def payload(self) -> list:
        return [self.number, self.code, None if self.price is None else str(self.price),
                None if self.cost is None else str(self.cost),
                None if self.valid_from is None else self.valid_from.isoformat(), self.errors]

    @classmethod
    def from_payload(cls, data) -> "SheetRow":
        number, code, price, cost, day, errors = data
        return cls(number=int(number), code=str(code),
                   price=None if price is None else Decimal(price),
                   cost=None if cost is None else Decimal(cost),
                   valid_from=None if day is None else date.fromisoformat(day),
                   errors=[str(e) for e in errors])


@dataclass
class ImportPlan:
    rows: list[SheetRow]

    def _of(self, status):
        return [row for row in self.rows if row.status == status]

    @property
    def changes(self) -> list[SheetRow]:
        return self._of(CHANGE)

    @property
    def unchanged(self) -> list[SheetRow]:
        return self._of(UNCHANGED)

    @property
    def errors(self) -> list[SheetRow]:
        return self._of(ERROR)


def price_import_plan(rows: list[SheetRow]) -> ImportPlan:
    """What importing ``rows`` would do, row by row, in two queries whatever their number: a
    new price row (``change``), nothing (``unchanged``: the part has this very price from that
    day), or nothing at all for the file (``error``: an unknown part number, a part twice in
    the file, a different price for a day that has one — rows are never edited — or a value
    the sheet could not read)."""
    rows = [replace(row, errors=list(row.errors), part=None, before=None, status="")
            for row in rows]  # the caller's rows stay as they were read
    codes = {row.code.lower() for row in rows if row.code}
    parts = {}
    if codes:
        for part in Part.objects.annotate(folded=Lower("code")).filter(
                folded__in=codes):
            parts[part.code.lower()] = part
    history: dict[int, list[PartPrice]] = {}
    for price in PartPrice.objects.filter(part__in=list(parts.values())).order_by(
            "part_id", "-valid_from"):
        history.setdefault(price.part_id, []).append(price)
    first_row: dict[str, int] = {}
    for row in rows:
        key = row.code.lower()
        if row.code:
            if key in first_row:
                row.errors.append(_("%(code)s is on row %(row)s already: one row per part.")
                                  % {"code": row.code, "row": first_row[key]})
            else:
                first_row[key] = row.number
            row.part = parts.get(key)
            if row.part is None:
                row.errors.append(_("No part has the number “%(code)s”.") % {"code": row.code})
        if row.errors or row.part is None or None in (row.price, row.cost, row.valid_from):
            row.status = ERROR
            continue
        rows_of_part = history.get(row.part.pk, [])
        same_day = next((p for p in rows_of_part if p.valid_from == row.valid_from), None)
        if same_day is not None:
            if same_day.price == row.price and same_day.cost == row.cost:
                row.status, row.before = UNCHANGED, same_day
            else:
                row.status, row.before = ERROR, same_day
                row.errors.append(_(
                    "%(code)s already has a different price from %(day)s; a price is never "
                    "changed: give the new one another day.") % {
                        "code": row.part.code, "day": row.valid_from.isoformat()})
            continue
        row.status = CHANGE
        row.before = next((p for p in rows_of_part if p.valid_from < row.valid_from), None)
    return ImportPlan(rows=rows)
