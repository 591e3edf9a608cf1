"""Return notes (成品退货单, BL-4): goods a customer gives back against an invoice.

Issuing a return note also issues its credit note (source: the return note) for the goods'
value, in one transaction — so the invoice is never edited and never credited beyond its
total. The warehouse then confirms it received the goods (:func:`return_note_receive`): a
receipt row, and the parts back into the chosen place's stock through parts' ledger.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.numbering import next_number
from aftersales.parts.choices import MoveKind
from aftersales.parts.services import stock_move

from ..choices import CreditKind
from ..models import ReturnNote, ReturnNoteLine, ReturnReceipt
from ..money import money
from .credits import credit_note_issue
from .invoices import customer_invoice_required

DOC_TYPE = "return_note"
PREFIX = "RN"


def _lines_clean(lines) -> list[dict]:
    """(description, amount, part, quantity) tuples → clean dicts; ValidationError if bad."""
    cleaned = []
    for line in lines or []:
        description, amount, part, quantity = (tuple(line) + (None, None))[:4]
        description = (description or "").strip()[:200] or (str(part) if part else "")
        try:
            value = money(amount)
            qty = Decimal(str(quantity if quantity not in (None, "") else "1"))
        except (ValidationError, ArithmeticError, ValueError):
            raise ValidationError({"lines": [_("Each line needs an amount such as 120.50 and a "
                                               "quantity above zero.")]}) from None
        if not description or value < 0 or qty <= 0:
            raise ValidationError({"lines": [_("Each returned item needs a description, a "
                                               "quantity above zero and its value.")]})
        cleaned.append({"description": description, "amount": value, "part": part,
                        "quantity": qty})
    if not cleaned:
        raise ValidationError({"lines": [_("List the goods that came back.")]})
    return cleaned


def return_note_issue(*, actor, invoice, reason: str, lines) -> ReturnNote:
    """Goods returned against ``invoice``: the note and, if they are worth anything, its credit
    note (never more than the invoice has left to credit)."""
    customer_invoice_required(invoice)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the goods came back.")]})
    cleaned = _lines_clean(lines)
    total = sum((line["amount"] for line in cleaned), Decimal("0.00"))
    with transaction.atomic():
        note = ReturnNote.objects.create(
            number=next_number(DOC_TYPE, PREFIX), customer=invoice.customer, invoice=invoice,
            reason=reason[:300], amount=total, issued_at=timezone.now(),
            issued_by=actor if actor is not None and actor.is_authenticated else None)
        ReturnNoteLine.objects.bulk_create(
            [ReturnNoteLine(return_note=note, **line) for line in cleaned])
        event_append(subject=note, action="issue", actor=actor, to_state="issued",
                     note=note.reason, data={"invoice": invoice.number, "amount": str(total)})
        if total > 0:
            credit_note_issue(
                actor=actor, customer=invoice.customer, amount=total, invoice=invoice,
                kind=CreditKind.CREDIT, source=note,
                reason=_("Goods returned: %(number)s") % {"number": note.number},
                lines=[(line["description"], line["amount"]) for line in cleaned
                       if line["amount"] > 0])
    return note


def return_note_receive(*, actor, return_note, warehouse, note: str = "") -> ReturnReceipt:
    """The warehouse received the goods of ``return_note`` into ``warehouse`` (once): its
    parts go back into that place's stock."""
    with transaction.atomic():
        return_note = ReturnNote.objects.select_for_update().get(pk=return_note.pk)
        if ReturnReceipt.objects.filter(return_note=return_note).exists():
            raise ValidationError({"return_note": [
                _("The goods of %(number)s were received already.")
                % {"number": return_note.number}]})
        try:
            with transaction.atomic():
                receipt = ReturnReceipt.objects.create(
                    return_note=return_note, warehouse=warehouse, received_at=timezone.now(),
                    received_by=actor, note=(note or "").strip()[:300])
        except IntegrityError:
            raise ValidationError({"return_note": [
                _("The goods of %(number)s were received already.")
                % {"number": return_note.number}]}) from None
        for line in return_note.lines.filter(part__isnull=False).select_related("part"):
            stock_move(actor=actor, warehouse=warehouse, part=line.part, kind=MoveKind.RECEIPT,
                       quantity=line.quantity, reference=return_note.number,
                       note=_("Returned by the customer"))
        event_append(subject=return_note, action="receive", actor=actor, to_state="received",
                     note=receipt.note, data={"warehouse": str(warehouse)})
    return receipt
