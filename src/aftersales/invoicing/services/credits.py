"""Credit notes (销货折让证明单, BL-4): credit, allowance or refund — never an edit of an invoice.

``credit_note_issue`` is the one way every app issues one (complaints' allowances, warranty's 三包
refunds, the shop's refunds, the accountant's corrections): docs/invoicing.md, "Credit notes".
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.numbering import next_number
from aftersales.parts.models import OrderReturn

from ..choices import CreditKind
from ..models import CreditNote, CreditNoteLine, Invoice
from ..money import money

DOC_TYPE = "credit_note"
PREFIX = "CN"


def invoice_credited(invoice) -> Decimal:
    """What the credit notes against ``invoice`` have taken off it so far."""
    total = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def _lines_clean(lines, amount, errors) -> list[tuple[str, Decimal]]:
    cleaned = []
    for description, line_amount in lines or []:
        description = (description or "").strip()[:200]
        try:
            value = money(line_amount)
        except ValidationError as error:
            errors["lines"] = error.messages
            return []
        if not description or value <= 0:
            errors["lines"] = [_("Each line needs a description and an amount above zero.")]
            return []
        cleaned.append((description, value))
    if cleaned and amount is not None and sum(v for _d, v in cleaned) != amount:
        errors["lines"] = [_("The lines add up to %(lines)s, not to the amount %(amount)s.")
                           % {"lines": sum(v for _d, v in cleaned), "amount": amount}]
    return cleaned


def credit_note_issue(*, actor, customer=None, amount, reason: str,
                      kind: str = CreditKind.CREDIT, invoice=None, source=None, lines=None,
                      dealer=None) -> CreditNote:
    """Issue a numbered, immutable credit note for ``customer`` or ``dealer`` (neither given:
    the party of ``invoice``).

    kind "credit" corrects ``invoice`` (required); "allowance" grants a discount and "refund"
    pays money back, with or without an invoice. Against an invoice the amount never exceeds
    what the invoice has left to credit: the invoice row is locked while that is checked, so
    two credits at once cannot both take the last of it. ``source`` is the object the note
    exists for (a complaint, a 三包 outcome, a shop return); ``lines`` (description, amount)
    pairs that add up to ``amount``. Runs inside the caller's transaction if there is one.
    """
    errors: dict[str, list] = {}
    if invoice is not None and customer is None and dealer is None:
        customer, dealer = invoice.customer, invoice.dealer
    value = None
    try:
        value = money(amount)
        if value <= 0:
            errors["amount"] = [_("The amount must be above zero.")]
    except ValidationError as error:
        errors["amount"] = error.messages
    if kind not in CreditKind.values:
        errors["kind"] = [_("Choose credit, allowance or refund.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the customer is credited.")]
    if kind == CreditKind.CREDIT and invoice is None:
        errors["invoice"] = [_("A credit note corrects an invoice: choose the invoice.")]
    if (customer is None) == (dealer is None):
        errors["customer"] = [_("Choose the customer (or the dealer) the note is for.")]
    elif invoice is not None and (invoice.customer_id, invoice.dealer_id) != (
            getattr(customer, "pk", None), getattr(dealer, "pk", None)):
        errors["invoice"] = [_("This invoice is not the customer's.") if customer is not None
                             else _("This invoice is not the dealer's.")]
    cleaned = _lines_clean(lines, value if "amount" not in errors else None, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if invoice is not None:
            invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
            left = invoice.total - invoice_credited(invoice)
            if value > left:
                raise ValidationError({"amount": [
                    _("Invoice %(number)s has %(left)s left to credit; %(amount)s is more.")
                    % {"number": invoice.number, "left": left, "amount": value}]})
        note = CreditNote.objects.create(
            number=next_number(DOC_TYPE, PREFIX), kind=kind, customer=customer, dealer=dealer,
            invoice=invoice,
            amount=value, reason=reason[:300],
            source_type=(ContentType.objects.get_for_model(source) if source is not None
                         else None),
            source_id=source.pk if source is not None else None,
            source_label=str(source)[:200] if source is not None else "",
            issued_at=timezone.now(),
            issued_by=actor if actor is not None and actor.is_authenticated else None)
        CreditNoteLine.objects.bulk_create(
            [CreditNoteLine(credit_note=note, description=d, amount=v)
             for d, v in cleaned or [(reason[:200], value)]])
        event_append(subject=note, action="issue", actor=actor, to_state="issued",
                     note=reason[:300],
                     data={"kind": kind, "amount": str(value),
                           "invoice": invoice.number if invoice else None})
        if invoice is not None:
            event_append(subject=invoice, action="credit", actor=actor, note=note.number,
                         data={"credit_note": note.number, "amount": str(value)})
    return note


def order_return_credit(*, actor, order, order_return_id: int) -> CreditNote | None:
    """Parts the dealer sent back against its invoiced ``order`` were refunded: a credit note
    to the dealer against the order's invoice for the refund, a line per part, its source the
    return (parts.OrderReturn). None when nothing was refunded (a free order) or the order has
    no invoice yet (it is invoiced later for what the dealer kept)."""
    document = OrderReturn.objects.prefetch_related("lines__part").get(pk=order_return_id)
    invoice = Invoice.objects.filter(lines__order=order).first()
    if not document.amount or invoice is None:
        return None
    lines = [(_("%(part)s %(name)s × %(quantity)s sent back")
              % {"part": line.part.code, "name": line.part.name,
                 "quantity": f"{line.quantity.normalize():f}"}, line.amount)
             for line in document.lines.all() if line.amount]
    return credit_note_issue(
        actor=actor, amount=document.amount, kind=CreditKind.CREDIT, invoice=invoice,
        source=document, lines=lines,
        reason=_("Parts sent back against %(order)s (%(return)s), refunded to the dealer.")
        % {"order": order.number, "return": document.number})
