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


def part_price_set(*, actor, part: Part, cost, price, valid_from: date) -> PartPrice:
    """Adds a price from ``valid_from`` on (managers and administrators). When it is the price
    valid today, the part's ``unit_price`` becomes it, in the same transaction; a future price
    waits for its day (``part_prices_apply``)."""
    if actor is not None and not (actor.is_superuser or getattr(actor, "sees_all_centres", False)):
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
