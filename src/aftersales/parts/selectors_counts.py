"""Reads of the stock-take (PT-3): count sheets a user may see, a sheet's lines and its
surplus/deficit analysis."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404

from aftersales.core.events import event_list

from .models import StockCount, StockCountLine, Warehouse
from .workflow_counts import stock_count_workflow

ZERO = Decimal(0)
CENTS = Decimal("0.01")


def stock_count_list(*, user, status: str = ""):
    rows = StockCount.objects.restrict(user, "view").select_related("warehouse", "opened_by")
    if status == "open":
        rows = rows.filter(status__in=["open", "counted"])
    elif status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def stock_count_get(*, user, pk) -> StockCount:
    """The sheet, or 404 for a missing one and one the user may not see alike."""
    count = (StockCount.objects.restrict(user, "view")
             .select_related("warehouse", "opened_by", "approved_by").filter(pk=pk).first())
    if count is None:
        raise Http404
    return count


def places_to_count(*, user):
    return Warehouse.objects.restrict(user, "view").filter(active=True).order_by("code")


def stock_count_lines(count: StockCount) -> list[StockCountLine]:
    return list(count.lines.select_related("part", "move").order_by("part__code", "id"))


@dataclass
class CountSummary:
    lines: int = 0
    counted: int = 0
    surplus_lines: int = 0
    deficit_lines: int = 0
    surplus_quantity: Decimal = ZERO
    deficit_quantity: Decimal = ZERO  # positive: how much is missing
    surplus_value: Decimal = ZERO
    deficit_value: Decimal = ZERO  # positive: the value missing
    expected_value: Decimal = ZERO

    @property
    def net_value(self) -> Decimal:
        return self.surplus_value - self.deficit_value


def stock_count_summary(lines: list[StockCountLine]) -> CountSummary:
    """Surplus and deficit per sheet: quantities and their value (difference × unit cost)."""
    summary = CountSummary(lines=len(lines))
    for line in lines:
        summary.expected_value += (line.expected * line.unit_cost).quantize(CENTS)
        if line.counted is None:
            continue
        summary.counted += 1
        difference, value = line.difference, line.value
        if difference > 0:
            summary.surplus_lines += 1
            summary.surplus_quantity += difference
            summary.surplus_value += value
        elif difference < 0:
            summary.deficit_lines += 1
            summary.deficit_quantity -= difference
            summary.deficit_value -= value
    return summary


def stock_count_actions(count: StockCount, user):
    return stock_count_workflow.available(count, user)


def stock_count_events(count: StockCount):
    return event_list(count)
