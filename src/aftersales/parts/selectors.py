"""Reads of stock that carry policy (house style rule 2)."""

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import MaterialRequestLine, MaterialRequestStatus, StockBalance, StockMove, Warehouse


def stock_on_hand(*, warehouse, part) -> Decimal:
    row = StockBalance.objects.filter(warehouse=warehouse, part=part).values_list(
        "quantity", flat=True).first()
    return row if row is not None else Decimal(0)


RESERVING = (MaterialRequestStatus.APPROVED, MaterialRequestStatus.PICKED)


def _reserving(warehouse, part):
    """Lines of ``warehouse``'s requests that hold stock there — approved or picked, not shipped
    yet (of ``part``, unless it is None)."""
    lines = MaterialRequestLine.objects.filter(
        material_request__source=warehouse, material_request__status__in=RESERVING)
    return lines if part is None else lines.filter(part=part)


def reserved_quantity(warehouse, part, *, exclude=None) -> Decimal:
    """What ``warehouse`` holds of ``part`` reserved for material requests — approved or picked,
    not shipped yet (``exclude``: leave that request out). Read under the balance row's lock, it
    cannot change before the caller's transaction ends: approving, picking and shipping lock the
    same row."""
    lines = _reserving(warehouse, part)
    if exclude is not None:
        lines = lines.exclude(material_request=exclude)
    return lines.aggregate(s=Sum("reserved_quantity"))["s"] or Decimal(0)


def reserved_by_part(warehouse, parts, *, exclude=None) -> dict:
    """:func:`reserved_quantity` of many parts in one place, in one query: {part id: quantity}."""
    lines = _reserving(warehouse, None).filter(part__in=list(parts))
    if exclude is not None:
        lines = lines.exclude(material_request=exclude)
    return {part: quantity or Decimal(0) for part, quantity in
            lines.values("part").annotate(s=Sum("reserved_quantity")).values_list("part", "s")}


def balance_list(*, user):
    """Stock on hand in the places the user may see, each row with ``reserved`` (held for
    material requests approved or picked, not shipped yet)."""
    places = Warehouse.objects.restrict(user, "view")
    reserved = (_reserving(OuterRef("warehouse"), OuterRef("part")).values("part")
                .annotate(s=Sum("reserved_quantity")).values("s"))
    return (StockBalance.objects.filter(warehouse__in=places)
            .annotate(reserved=Coalesce(Subquery(reserved), Value(Decimal(0)),
                                        output_field=DecimalField(max_digits=14,
                                                                  decimal_places=3)))
            .select_related("warehouse", "part").order_by("warehouse__code", "part__code"))


def low_stock_list(*, user):
    """Places and parts at or below their reorder level (a level of 0 means none is set)."""
    return balance_list(user=user).filter(reorder_level__gt=0, quantity__lte=F("reorder_level"))


def move_list(*, user):
    places = Warehouse.objects.restrict(user, "view")
    return (StockMove.objects.filter(warehouse__in=places)
            .select_related("warehouse", "part", "counterpart", "request", "actor")
            .order_by("-at", "-id"))
