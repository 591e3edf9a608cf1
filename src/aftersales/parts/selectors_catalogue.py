"""Reads of the catalogue (PT-1): the price valid on a day, and the parts search that knows
which product models a part fits."""

from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from aftersales.customers.models import ProductModel

from .models import Part, PartPrice


def part_price_on(part: Part, day: date) -> PartPrice | None:
    """The price row valid on ``day``: the newest from that day or before (none: the part had
    no price row yet)."""
    return PartPrice.objects.filter(part=part, valid_from__lte=day).order_by("-valid_from").first()


def part_prices_on(wanted: list[tuple[int, date]]) -> dict[tuple[int, date], PartPrice | None]:
    """``part_price_on`` for many (part id, day) pairs in one query: each pair's row."""
    if not wanted:
        return {}
    rows: dict[int, list[PartPrice]] = {}
    for row in PartPrice.objects.filter(part_id__in={part_id for part_id, _day in wanted},
                                        valid_from__lte=max(day for _part, day in wanted)
                                        ).order_by("part_id", "-valid_from"):
        rows.setdefault(row.part_id, []).append(row)
    return {(part_id, day): next((r for r in rows.get(part_id, ()) if r.valid_from <= day), None)
            for part_id, day in wanted}


def part_search(*, query: str, product_model=None, show_all: bool = False, limit: int = 8,
                queryset=None):
    """Active parts whose code or name, or the code or name of a model they fit, holds
    ``query``.

    For a job on ``product_model`` a technician wants what fits that unit: the parts listed as
    fitting it, then the parts that list no model (screws, fuses, sealant: they fit any). A part
    listed for other models only is left out unless ``show_all`` — then it comes last."""
    query = (query or "").strip()
    parts = Part.objects.all() if queryset is None else queryset
    if not query:
        return parts.none()
    fits = Part.fits.through.objects.filter(part_id=OuterRef("pk"))
    by_model = ProductModel.objects.filter(
        Q(code__icontains=query) | Q(name__icontains=query)).values("pk")
    parts = parts.filter(active=True).filter(
        Q(code__icontains=query) | Q(name__icontains=query)
        | Exists(fits.filter(productmodel_id__in=by_model)))
    if product_model is None:
        return parts.order_by("code")[:limit]
    parts = parts.annotate(
        fits_model=Exists(fits.filter(productmodel_id=product_model.pk)),
        fits_any=~Exists(fits),
    ).annotate(rank=Case(When(fits_model=True, then=Value(0)), When(fits_any=True, then=Value(1)),
                         default=Value(2), output_field=IntegerField()))
    if not show_all:
        parts = parts.filter(Q(fits_model=True) | Q(fits_any=True))
    return parts.order_by("rank", "code")[:limit]
