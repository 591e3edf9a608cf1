"""Parts a dealer sends back against its parts order (PT-3: one receiving point for returns;
docs/parts.md, "Parts a dealer sends back").

The store that supplied the order receives them, in one transaction under the order's row lock:
a numbered document (``OrderReturn``, RT + YYMM + serial) with a line per part, at most what was
shipped of each line less what came back before; the parts move from the dealer's stock place
back into the store (a transfer); a charged order refunds what they cost the dealer (a negative
payment row, at the line's price), so what the order owes is what the dealer kept; an event on the
order; the dealer's logins are told; and ``material_request.return`` runs its handlers (invoicing
credits the order's invoice by the refund).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.handlers import react
from aftersales.core.numbering import next_number

from ..models import MaterialRequest, OrderReturn, OrderReturnLine
from ..models import MaterialRequestStatus as S
from .order_payments import refund_write
from .requests import _tell
from .stock import _plain, may_move, quantity_clean, stock_transfer

DOC_TYPE = "order_return"
PREFIX = "RT"
RETURNABLE_STATUSES = (S.SHIPPED, S.RECEIVED)


def may_receive_return(user, material: MaterialRequest) -> bool:
    """Who may move stock in the store that supplied the order receives what comes back to it."""
    return (material.is_dealer_order and material.status in RETURNABLE_STATUSES
            and may_move(user, material.source))


def returnable_quantity(line) -> Decimal:
    """What of an order's line may still be sent back: what shipped, less what came back."""
    return (line.picked_quantity or Decimal(0)) - line.returned_quantity


def _lines_clean(material, quantities: dict) -> list[tuple]:
    """(line, quantity) for each line of ``material`` given a quantity above zero in
    ``quantities`` ({line id: quantity}); refused, naming the part, beyond what may come back."""
    lines = {line.pk: line for line in material.lines.select_related("part")}
    cleaned, errors = [], []
    for key, raw in (quantities or {}).items():
        if raw in (None, "") or str(raw).strip() in {"", "0"}:
            continue
        try:
            line = lines[int(key)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"lines": [
                _("A line of another order was given: send back only %(number)s's parts.")
                % {"number": material.number}]}) from None
        quantity = quantity_clean(line.part, raw, field="lines")
        left = returnable_quantity(line)
        if quantity > left:
            errors.append(_("%(part)s: %(left)s %(unit)s may come back (%(shipped)s shipped, "
                            "%(returned)s sent back before); %(quantity)s is more.")
                          % {"part": line.part.code, "left": _plain(left), "unit": line.part.unit,
                             "shipped": _plain(line.picked_quantity or Decimal(0)),
                             "returned": _plain(line.returned_quantity),
                             "quantity": _plain(quantity)})
            continue
        cleaned.append((line, quantity))
    if errors:
        raise ValidationError({"lines": errors})
    if not cleaned:
        raise ValidationError({"lines": [_("Enter how many of which part came back.")]})
    return cleaned


def order_return_receive(*, actor, material_request, lines: dict, note: str = "") -> OrderReturn:
    """The store receives parts the dealer sent back against ``material_request`` (a dealer's
    order that shipped): ``lines`` maps the order's line ids to the quantities that came back.
    Returns the numbered document; everything it does is one transaction (module docstring)."""
    with transaction.atomic():
        material = (MaterialRequest.objects.select_for_update(of=("self",))
                    .select_related("source", "destination").get(pk=material_request.pk))
        if not material.is_dealer_order:
            raise ValidationError({"lines": [
                _("Only a dealer's parts order takes parts sent back.")]})
        if material.status not in RETURNABLE_STATUSES:
            raise ValidationError({"lines": [
                _("%(number)s is %(status)s: parts come back once it has shipped.")
                % {"number": material.number, "status": material.get_status_display()}]})
        if not may_move(actor, material.source):
            raise PermissionDenied(_("Only the store that supplied %(number)s receives its parts "
                                     "back.") % {"number": material.number})
        cleaned = _lines_clean(material, lines)
        note = (note or "").strip()[:300]
        rows = [OrderReturnLine(order_line=line, part=line.part, quantity=quantity,
                                unit_price=line.unit_price if material.chargeable else None)
                for line, quantity in cleaned]
        document = OrderReturn.objects.create(
            number=next_number(DOC_TYPE, PREFIX), material_request=material,
            amount=sum((row.amount for row in rows), Decimal("0.00")),
            note=note, received_at=timezone.now(),
            received_by=actor if getattr(actor, "is_authenticated", False) else None)
        for row in rows:
            row.order_return = document
        OrderReturnLine.objects.bulk_create(rows)
        for line, quantity in cleaned:
            line.returned_quantity += quantity
            line.save(update_fields=["returned_quantity"])
            stock_transfer(actor=actor, source=material.destination, target=material.source,
                           part=line.part, quantity=quantity, reference=document.number,
                           note=material.number, by_receiver=True)
        if document.amount:
            refund_write(actor=actor, material=material, amount=document.amount,
                         reference=document.number,
                         note=_("Refund: parts sent back on %(number)s.")
                         % {"number": document.number})
        parts = {line.part.code: _plain(quantity) for line, quantity in cleaned}
        event_append(subject=material, action="return", actor=actor,
                     from_state=material.status, to_state=material.status, note=note,
                     data={"return": document.number, "parts": parts,
                           "refund": str(document.amount)})
        text = (_("%(return)s: the store received parts sent back against %(number)s; "
                  "%(amount)s refunded.") if document.amount
                else _("%(return)s: the store received parts sent back against %(number)s."))
        _tell(Q(dealer_link__dealer_id=material.dealer_id), material,
              text % {"return": document.number, "number": material.number,
                      "amount": document.amount})
        react("material_request.return", material, actor=actor, from_state=material.status,
              to_state=material.status, note=note,
              data={"order_return": document.pk, "amount": str(document.amount)})
    return document
