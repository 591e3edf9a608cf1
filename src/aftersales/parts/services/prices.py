"""Prices of parts (PT-1): a price change is a new ``PartPrice`` row, never an edit; the part's
``unit_price`` (what the rest of the product charges) follows the row valid today."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log
from aftersales.core.dates import local_today
from aftersales.core.exceptions import PermissionDenied

from ..models import Part, PartPrice
from ..selectors_catalogue import part_price_on

MAX_PRICE = Decimal("99999999.99")


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: [_("The amount cannot be negative.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Amounts have two decimal places at most.")]})
    if amount > MAX_PRICE:
        raise ValidationError({field: [_("The amount is too large.")]})
    return amount.quantize(Decimal("0.01"))


def may_read_costs(user) -> bool:
    """Cost prices are the back office's: service managers, accountants and administrators read
    them (managers and administrators set them: ``part_price_set``)."""
    return bool(user.is_superuser or getattr(user, "sees_all_centres", False)
                or getattr(user, "role", None) == "accountant")


def may_set_prices(user) -> bool:
    """Who sets prices and edits the catalogue (the pages, the import, the API, the admin):
    service managers and administrators."""
    return bool(user.is_superuser or getattr(user, "sees_all_centres", False))


def part_price_set(*, actor, part: Part, cost, price, valid_from: date) -> PartPrice:
    """Adds a price from ``valid_from`` on (managers and administrators). When it is the price
    valid today, the part's ``unit_price`` becomes it, in the same transaction; a future price
    waits for its day (``part_prices_apply``)."""
    if actor is not None and not may_set_prices(actor):
        raise PermissionDenied(_("Only service managers and administrators set prices."))
    errors = {}
    values = {}
    for field, value in (("cost", cost), ("price", price)):
        try:
            values[field] = _money(value, field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not isinstance(valid_from, date):
        errors["valid_from"] = [_("Enter the day the price is valid from.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Part.objects.select_for_update().get(pk=part.pk)
        if PartPrice.objects.filter(part=locked, valid_from=valid_from).exists():
            raise ValidationError({"valid_from": [
                _("%(part)s already has a price from %(day)s: a change needs another day.")
                % {"part": locked.code, "day": valid_from.isoformat()}]})
        row = PartPrice.objects.create(part=locked, valid_from=valid_from,
                                       created_by=actor if getattr(actor, "is_authenticated",
                                                                   False) else None, **values)
        _unit_price_follow(actor, locked)
    part.unit_price = locked.unit_price
    return row


def part_prices_add(*, actor, rows) -> list[PartPrice]:
    """``part_price_set`` for many rows at once (the price-list import), all or none: the same
    permission and amounts, the parts locked in the order of their ids, one query for the days
    that have a row already, the rows inserted together; each part whose price valid today
    changed has its unit price follow it. ``rows``: (part, cost, price, valid_from)."""
    if actor is not None and not may_set_prices(actor):
        raise PermissionDenied(_("Only service managers and administrators set prices."))
    errors, values = [], []
    for part, cost, price, valid_from in rows:
        try:
            amounts = {"cost": _money(cost, "cost"), "price": _money(price, "price")}
        except ValidationError as error:
            errors += [f"{part.code}: {m}" for ms in error.message_dict.values() for m in ms]
            continue
        if not isinstance(valid_from, date):
            errors.append(f"{part.code}: {_('Enter the day the price is valid from.')}")
            continue
        values.append((part, valid_from, amounts))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ids = sorted({part.pk for part, _day, _amounts in values})
        locked = {part.pk: part for part in
                  Part.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        taken = set(PartPrice.objects.filter(part_id__in=ids).values_list("part_id",
                                                                          "valid_from"))
        for part, valid_from, _amounts in values:
            if (part.pk, valid_from) in taken:
                errors.append(_("%(part)s already has a price from %(day)s: a change needs "
                                "another day.") % {"part": part.code,
                                                   "day": valid_from.isoformat()})
            taken.add((part.pk, valid_from))
        if errors:
            raise ValidationError(errors)
        by = actor if getattr(actor, "is_authenticated", False) else None
        created = PartPrice.objects.bulk_create(
            [PartPrice(part=locked[part.pk], valid_from=valid_from, created_by=by, **amounts)
             for part, valid_from, amounts in values], batch_size=500)
        today = local_today()
        for part_id in sorted({row.part_id for row in created if row.valid_from <= today}):
            _unit_price_follow(actor, locked[part_id])
    return created


def _unit_price_follow(actor, part: Part) -> None:
    """The part's unit price := the customer price valid today (locked part, in a transaction)."""
    current = part_price_on(part, local_today())
    if current is None or current.price == part.unit_price:
        return
    before = {"unit_price": str(part.unit_price)}
    part.unit_price = current.price
    part.version += 1
    part.save(update_fields=["unit_price", "version", "updated_at"])
    change_log(actor=actor, instance=part, action="update", before=before)


def part_prices_apply(*, actor=None) -> int:
    """Brings every part's unit price to the row valid today (a future price whose day has
    come); run daily. Returns how many parts changed."""
    changed = 0
    today = local_today()
    due = PartPrice.objects.filter(valid_from__lte=today).values_list("part_id", flat=True)
    for part_id in set(due):
        with transaction.atomic():
            part = Part.objects.select_for_update().get(pk=part_id)
            old = part.unit_price
            _unit_price_follow(actor, part)
            changed += part.unit_price != old
    return changed
