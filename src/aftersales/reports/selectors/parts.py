"""Monthly parts figures (PT-4, BL-3): parts out to jobs — charged to customers or free under
warranty — parts returned from jobs, and their value, by service centre and by product model.

Definitions (docs/parts.md, "Monthly figures"):
- **Out** is the month's ``issue`` moves of the stock ledger (a part fitted on a job), **returns**
  its ``return`` moves (a usage line taken off the job put the part back). A move belongs to the
  service centre of its job and to the product model of the job's installed product.
- **Charged or free** is the usage line's ``charged`` flag, found through the move's reference
  ``usage:<pk>``; a line since taken off the job no longer exists, and its move counts as the job
  was then (``ServiceRequest.chargeable``, which is what a new line takes).
- **Value** is quantity × the usage line's unit price (the price list's price when it was fitted),
  or the part's list price where the line no longer exists. Net value = out − returns.
- The month is the centre's local calendar (all centres: the project's time zone).

The sums are made in Python with Decimal (SQLite sums decimals in floating point); a month's
issue and return moves are read once, with their usage lines in one more query.
"""

import re
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from aftersales.parts.choices import MoveKind
from aftersales.parts.models import StockMove
from aftersales.service.models import PartUsage

from ..periods import Period

USAGE_REFERENCE = re.compile(r"^usage:(\d+)$")
FIELDS = ("out_quantity", "out_value", "charged_quantity", "charged_value", "free_quantity",
          "free_value", "returned_quantity", "returned_value", "net_value")
ZERO = Decimal(0)
CENTS = Decimal("0.01")


def _zero() -> dict:
    return dict.fromkeys(FIELDS, ZERO)


def _moves(*, period: Period, centre=None, centres=None) -> list[dict]:
    moves = StockMove.objects.filter(kind__in=[MoveKind.ISSUE, MoveKind.RETURN],
                                     at__gte=period.since, at__lt=period.until,
                                     request__isnull=False)
    if centre is not None:
        moves = moves.filter(request__service_centre=centre)
    elif centres is not None:
        moves = moves.filter(request__service_centre__in=centres)
    return list(moves.values(
        "kind", "quantity", "reference", "part__unit_price", "request__chargeable",
        "request__service_centre_id", "request__service_centre__name",
        "request__installed_product__model_id", "request__installed_product__model__code",
        "request__installed_product__model__name"))


def _usage_lines(moves) -> dict[int, tuple[bool, Decimal]]:
    ids = set()
    for move in moves:
        found = USAGE_REFERENCE.match(move["reference"] or "")
        if found:
            ids.add(int(found.group(1)))
    lines: dict[int, tuple[bool, Decimal]] = {}
    ids_list = sorted(ids)
    for start in range(0, len(ids_list), 5000):
        for pk, charged, price in PartUsage.objects.filter(
                pk__in=ids_list[start:start + 5000]).values_list("pk", "charged", "unit_price"):
            lines[pk] = (charged, price)
    return lines


def parts_monthly(*, period: Period, centre=None, centres=None) -> dict:
    """The month's figures: {"by_centre": [...], "by_model": [...], "totals": {...}}; every
    quantity and value a Decimal."""
    moves = _moves(period=period, centre=centre, centres=centres)
    usage = _usage_lines(moves)
    by_centre: dict = defaultdict(_zero)
    by_model: dict = defaultdict(_zero)
    names: dict = {}
    totals = _zero()
    for move in moves:
        found = USAGE_REFERENCE.match(move["reference"] or "")
        line = usage.get(int(found.group(1))) if found else None
        charged, price = line if line is not None else (move["request__chargeable"],
                                                         move["part__unit_price"])
        quantity = abs(move["quantity"])
        value = (quantity * price).quantize(CENTS)
        centre_key = move["request__service_centre_id"]
        model_key = move["request__installed_product__model_id"]
        names[("c", centre_key)] = move["request__service_centre__name"]
        names[("m", model_key)] = (
            f'{move["request__installed_product__model__code"]} '
            f'{move["request__installed_product__model__name"]}' if model_key else "")
        for row in (by_centre[centre_key], by_model[model_key], totals):
            if move["kind"] == MoveKind.ISSUE:
                row["out_quantity"] += quantity
                row["out_value"] += value
                prefix = "charged" if charged else "free"
                row[f"{prefix}_quantity"] += quantity
                row[f"{prefix}_value"] += value
                row["net_value"] += value
            else:
                row["returned_quantity"] += quantity
                row["returned_value"] += value
                row["net_value"] -= value
    centre_rows = sorted(({"centre": key, "name": names[("c", key)], **row}
                          for key, row in by_centre.items()), key=lambda r: r["name"])
    model_rows = sorted(({"model": key, "name": names[("m", key)] or str(_("No product")),
                          **row} for key, row in by_model.items()),
                        key=lambda r: (r["model"] is None, r["name"]))
    return {"by_centre": centre_rows, "by_model": model_rows, "totals": totals}
