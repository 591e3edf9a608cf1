"""Reads of stock that carry policy (house style rule 2)."""

from decimal import Decimal

from django.db.models import F

from .models import StockBalance, StockMove, Warehouse


def stock_on_hand(*, warehouse, part) -> Decimal:
    row = StockBalance.objects.filter(warehouse=warehouse, part=part).values_list(
        "quantity", flat=True).first()
    return row if row is not None else Decimal(0)


def balance_list(*, user):
    """Stock on hand in the places the user may see."""
    places = Warehouse.objects.restrict(user, "view")
    return (StockBalance.objects.filter(warehouse__in=places)
            .select_related("warehouse", "part").order_by("warehouse__code", "part__code"))


def low_stock_list(*, user):
    """Places and parts at or below their reorder level (a level of 0 means none is set)."""
    return balance_list(user=user).filter(reorder_level__gt=0, quantity__lte=F("reorder_level"))


def move_list(*, user):
    places = Warehouse.objects.restrict(user, "view")
    return (StockMove.objects.filter(warehouse__in=places)
            .select_related("warehouse", "part", "counterpart", "request", "actor")
            .order_by("-at", "-id"))
