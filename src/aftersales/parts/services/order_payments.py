"""What a dealer's parts order costs and what the dealer paid for it (PT-1: out of warranty the
maker sells to dealers at cost, paid before shipping; docs/parts.md, "Dealers' parts orders").

An order's amount is known once it is picked: the picked quantities × the prices its lines took
on the order's day. The back office then records the dealer's payment (one or more rows, never
more than is owed); shipping refuses an order not paid in full; cancelling a paid order refunds
it with a negative row in the cancel's transaction, as receiving parts the dealer sent back
refunds what they cost (``services.order_returns``). Payment rows are a ledger: never changed.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied

from ..choices import PAYABLE_METHODS, PaymentMethod
from ..models import MaterialRequest, MaterialRequestPayment
from ..models import MaterialRequestStatus as S
from .prices import may_read_costs

CENT = Decimal("0.01")


def may_take_payment(user) -> bool:
    """A dealer's payment is the back office's to record: accountants, service managers,
    administrators (who read costs, ``may_read_costs``)."""
    return may_read_costs(user)


def order_lines_amount(lines) -> Decimal:
    """Σ price × quantity of a charged order's ``lines``: the picked quantity once picked, less
    what the dealer sent back (``services.order_returns``); the requested one before (what it
    would cost)."""
    total = Decimal("0.00")
    for line in lines:
        if line.unit_price is None:
            continue
        quantity = line.picked_quantity if line.picked_quantity is not None else line.quantity
        total += (line.unit_price * (quantity - line.returned_quantity)).quantize(CENT)
    return total


def order_due(material: MaterialRequest) -> Decimal:
    """What the dealer owes for the order (zero for a free order or any other request)."""
    if not material.is_dealer_order or not material.chargeable:
        return Decimal(0)
    return order_lines_amount(material.lines.all())


def order_paid(material: MaterialRequest) -> Decimal:
    """What the dealer paid, less what was refunded (summed in Python: SQLite sums decimals in
    floating point; a list that prefetched the orders' payments reads no more rows)."""
    return sum((payment.amount for payment in material.payments.all()), Decimal("0.00"))


def _amount_clean(raw) -> Decimal:
    try:
        amount = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": [_("Enter the amount as a number, e.g. 120.50.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": [_("The amount must be more than zero.")]})
    if amount != amount.quantize(CENT):
        raise ValidationError({"amount": [_("The amount has at most two decimals.")]})
    return amount


def order_pay(*, actor, material_request: MaterialRequest, amount, method: str,
              reference: str = "", note: str = "") -> MaterialRequestPayment:
    """The dealer's payment for a picked order, recorded by the back office: at most what is
    still owed. The order's row is locked first, as shipping and cancelling lock it, so a
    payment never lands on an order shipped or cancelled meanwhile, and two clerks recording
    the same transfer at once cannot both count it."""
    if not may_take_payment(actor):
        raise PermissionDenied(_("Only the back office records a dealer's payment."))
    amount = _amount_clean(amount)
    if method not in dict(PAYABLE_METHODS):
        raise ValidationError({"method": [_("Choose how the dealer paid.")]})
    with transaction.atomic():
        material = MaterialRequest.objects.select_for_update().get(pk=material_request.pk)
        if not (material.is_dealer_order and material.chargeable):
            raise ValidationError({"amount": [_("This request is not charged: nothing to pay.")]})
        if material.status != S.PICKED:
            raise ValidationError({"amount": [
                _("A payment is recorded once the order is picked and before it ships "
                  "(it is %(status)s).") % {"status": material.get_status_display()}]})
        owed = order_due(material) - order_paid(material)
        if amount > owed:
            raise ValidationError({"amount": [
                _("Only %(owed)s is still owed on %(number)s; %(amount)s is more.")
                % {"owed": owed, "number": material.number, "amount": amount}]})
        payment = MaterialRequestPayment.objects.create(
            material_request=material, amount=amount, method=method,
            reference=(reference or "").strip()[:60], note=(note or "").strip()[:300],
            recorded_by=actor)
        event_append(subject=material, action="payment", actor=actor, from_state=material.status,
                     to_state=material.status, note=payment.note,
                     data={"amount": str(amount), "method": method,
                           "reference": payment.reference, "owed": str(owed - amount)})
    return payment


def refund_write(*, actor, material: MaterialRequest, amount: Decimal, reference: str = "",
                 note: str = "") -> MaterialRequestPayment:
    """The refund row of ``amount`` (above zero) paid back on ``material``: a negative payment,
    method ``refund``. Written by the callers below and by parts sent back, each under the
    order's lock and with its own event."""
    return MaterialRequestPayment.objects.create(
        material_request=material, amount=-amount, method=PaymentMethod.REFUND,
        reference=(reference or "").strip()[:60], note=(note or "").strip()[:300],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None)


def order_refund(*, actor, material_request: MaterialRequest, amount, reference: str = "",
                 note: str = "") -> MaterialRequestPayment:
    """Money paid back to the dealer on its shipped order — what a credit note against the
    order's invoice left it owed (invoicing checks that and calls this) — recorded by the back
    office: a negative row, never more than the dealer has paid on the order less earlier
    refunds, under the order's row lock (as every payment and refund of it)."""
    if not may_take_payment(actor):
        raise PermissionDenied(_("Only the back office records a refund to a dealer."))
    amount = _amount_clean(amount)
    with transaction.atomic():
        material = MaterialRequest.objects.select_for_update().get(pk=material_request.pk)
        if not (material.is_dealer_order and material.chargeable):
            raise ValidationError({"amount": [_("This request is not charged: nothing to pay.")]})
        if material.status not in (S.SHIPPED, S.RECEIVED):
            raise ValidationError({"amount": [
                _("%(number)s has not shipped: cancelling it refunds what was paid.")
                % {"number": material.number}]})
        paid = order_paid(material)
        if amount > paid:
            raise ValidationError({"amount": [
                _("%(paid)s is paid on %(number)s (less refunds); %(amount)s cannot be paid back.")
                % {"paid": paid, "number": material.number, "amount": amount}]})
        payment = refund_write(actor=actor, material=material, amount=amount,
                               reference=reference, note=note)
        event_append(subject=material, action="refund", actor=actor, from_state=material.status,
                     to_state=material.status, note=payment.note,
                     data={"amount": str(amount), "reference": payment.reference})
    return payment


def paid_in_full_check(material: MaterialRequest) -> None:
    """Shipping a dealer's charged order: refused until it is paid in full (PT-1). Called in
    the ship step's transaction, after the step locked the order."""
    due = order_due(material)
    if not due:
        return
    paid = order_paid(material)
    if paid < due:
        raise ValidationError({"payment": [
            _("%(number)s is paid %(paid)s of %(due)s: it ships once the dealer has paid in "
              "full.") % {"number": material.number, "paid": paid, "due": due}]})


def refund_if_paid(*, actor, material: MaterialRequest) -> Decimal:
    """A paid order cancelled (by its dealer, the store, or the job's end): what was paid is
    refunded — a negative row, in the cancel's transaction. Returns the refund (0: none)."""
    paid = order_paid(material)
    if paid <= 0:
        return Decimal(0)
    refund_write(actor=actor, material=material, amount=paid,
                 note=_("Refund: %(number)s was cancelled.") % {"number": material.number})
    event_append(subject=material, action="refund", actor=actor, from_state=material.status,
                 to_state=material.status, data={"amount": str(paid)})
    return paid
