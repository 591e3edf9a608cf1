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

Parts sold to dealers (PT-1) are outbound too, and charged ones after-sales revenue, but they
are no job's moves: they are counted apart, **by dealer** (``by_dealer``, ``dealer_totals``):
- A dealer's order (``MaterialRequest.dealer``) belongs to the month its ``shipped_at`` falls
  in, and to a centre through its ``service_centre``; an order picked and not yet shipped, or
  cancelled, is not sold.
- **Charged** are the picked quantities of its chargeable orders, valued as the dealer paid
  for them when they shipped (picked × the line's cost price; parts sent back later are counted
  apart, below): the revenue. **Free** are the picked quantities of its free orders (a job in warranty).
- **Sent back** are the parts dealers sent back against their orders that the store received in
  the month (``OrderReturn.received_at``, whenever the order shipped), and their value as
  refunded (the line's cost price; nothing for a free order's parts): a month already reported
  is not changed by a later return.
- **Paid** is what the back office recorded in the month (``MaterialRequestPayment.recorded_at``)
  on the dealer's orders, whatever their state, refunds as negatives: payment comes before
  shipping, so it need not fall in the month its order ships. A dealer with payments in the
  month and nothing shipped has a row too, so the total is all the month's payments.

The sums are made in Python with Decimal (SQLite sums decimals in floating point); a month's
issue and return moves are read once, with their usage lines in one more query; dealers'
orders take four more (their lines, the parts sent back, the payments, the dealers' names).
"""

import re
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from aftersales.dealers.models import Dealer
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import (
    MaterialRequestLine,
    MaterialRequestPayment,
    OrderReturnLine,
    StockMove,
)
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.service.models import PartUsage

from ..periods import Period

USAGE_REFERENCE = re.compile(r"^usage:(\d+)$")
FIELDS = ("out_quantity", "out_value", "charged_quantity", "charged_value", "free_quantity",
          "free_value", "returned_quantity", "returned_value", "net_value")
DEALER_FIELDS = ("charged_quantity", "charged_value", "free_quantity", "returned_quantity",
                 "returned_value", "paid")
SOLD = (S.SHIPPED, S.RECEIVED)
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


def _dealer_zero() -> dict:
    return dict.fromkeys(DEALER_FIELDS, ZERO)


def _by_dealer(*, period: Period, centre=None, centres=None) -> tuple[list[dict], dict]:
    """Parts sold to dealers in the month, by dealer, and their totals (see the module's
    docstring): four queries, whatever the number of orders and lines."""
    where: dict = {"material_request__dealer__isnull": False}
    if centre is not None:
        where["material_request__service_centre"] = centre
    elif centres is not None:
        where["material_request__service_centre__in"] = centres
    lines = (MaterialRequestLine.objects
             .filter(**where, material_request__status__in=SOLD,
                     material_request__shipped_at__gte=period.since,
                     material_request__shipped_at__lt=period.until)
             .select_related("material_request")
             .only("quantity", "picked_quantity", "unit_price", "material_request__dealer",
                   "material_request__chargeable"))
    sent_back = (OrderReturnLine.objects
                 .filter(**{f"order_line__{key}": value for key, value in where.items()},
                         order_return__received_at__gte=period.since,
                         order_return__received_at__lt=period.until)
                 .values_list("order_return__material_request__dealer_id", "quantity",
                              "unit_price"))
    payments = MaterialRequestPayment.objects.filter(
        **where, recorded_at__gte=period.since, recorded_at__lt=period.until,
    ).values_list("material_request__dealer_id", "amount")
    by_dealer: dict = defaultdict(_dealer_zero)
    for line in lines:
        order = line.material_request
        row = by_dealer[order.dealer_id]
        quantity = line.picked_quantity or ZERO
        if order.chargeable:
            row["charged_quantity"] += quantity
            row["charged_value"] += (quantity * (line.unit_price or ZERO)).quantize(CENTS)
        else:
            row["free_quantity"] += quantity
    for dealer_id, quantity, price in sent_back:
        by_dealer[dealer_id]["returned_quantity"] += quantity
        by_dealer[dealer_id]["returned_value"] += (quantity * (price or ZERO)).quantize(CENTS)
    for dealer_id, amount in payments:
        by_dealer[dealer_id]["paid"] += amount
    totals = _dealer_zero()
    for row in by_dealer.values():
        for key in DEALER_FIELDS:
            totals[key] += row[key]
    dealers = {pk: (code, name) for pk, code, name in
               Dealer.objects.filter(pk__in=list(by_dealer)).values_list("pk", "code", "name")}
    rows = sorted(({"dealer": key, "code": dealers[key][0],
                    "name": f"{dealers[key][0]} {dealers[key][1]}", **row}
                   for key, row in by_dealer.items()), key=lambda r: r["code"])
    return rows, totals


def parts_monthly(*, period: Period, centre=None, centres=None) -> dict:
    """The month's figures: {"by_centre": [...], "by_model": [...], "totals": {...}} of parts
    out to jobs, and {"by_dealer": [...], "dealer_totals": {...}} of parts sold to dealers;
    every quantity and value a Decimal."""
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
    dealer_rows, dealer_totals = _by_dealer(period=period, centre=centre, centres=centres)
    return {"by_centre": centre_rows, "by_model": model_rows, "totals": totals,
            "by_dealer": dealer_rows, "dealer_totals": dealer_totals}
