"""A buyer's contact (EC-1) along its path: returns, exchanges, refunds, discounts (EC-2, EC-3),
repairs passed to service, and the case's message log (EC-4)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aftersales.core.attachments import attachment_add
from aftersales.core.events import event_append
from aftersales.core.exceptions import IllegalTransition
from aftersales.core.workflow import transition_apply, version_bump
from aftersales.invoicing import services as invoicing_services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.parts.services import stock_move
from aftersales.service import services as request_services
from aftersales.service.choices import Channel

from ..choices import GOODS_KINDS, CaseKind, CaseState, Direction, FeePayer, Inspection, Reason
from ..defaults import SHIPPING_FEE_PAYERS
from ..models import CaseMessage, Order, ShippingFeeRule, ShopCase
from ..rules import money, percent_of, refund_compute, return_deadline, within_return_window
from ..workflow import KIND_STEPS, shop_case_workflow
from .common import require_desk


def fee_payer_for(reason: str) -> str:
    """Who pays the return shipping for this reason: the admin's table, else the defaults."""
    rule = ShippingFeeRule.objects.filter(reason=reason).first()
    if rule is not None:
        return rule.payer
    return SHIPPING_FEE_PAYERS.get(reason, FeePayer.BUYER)


def _amount(value, field: str, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = money(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("The amount must be more than zero.")]})
    if amount >= Decimal("1e10"):
        raise ValidationError({field: [_("The amount is too large.")]})
    return amount


def _step(case: ShopCase, name: str, actor, *, note: str = "", changes: dict | None = None,
          data: dict | None = None) -> ShopCase:
    if name not in KIND_STEPS.get(case.kind, set()):
        raise IllegalTransition(_("A %(kind)s case has no step “%(step)s”.")
                                % {"kind": case.get_kind_display(),
                                   "step": shop_case_workflow.get(name).label})
    return transition_apply(workflow=shop_case_workflow, instance=case, name=name, actor=actor,
                            note=note, changes=changes, data=data)


def _photos(actor, case, photos, kind: str) -> None:
    for upload in photos or []:
        attachment_add(actor=actor, subject=case, upload=upload, kind=kind)


# --- opening ------------------------------------------------------------------------------------

def case_open(*, actor, order: Order, kind: str, reason: str = "", description: str = "",
              goods_amount=None, dispute: bool = False, opened_at=None) -> ShopCase:
    """A buyer's contact about an order. A no-reason return or exchange must come within the
    7-day window after delivery (EC-3); who pays the return shipping follows the reason (EC-2)."""
    require_desk(actor)
    now = timezone.now()
    opened_at = opened_at or now
    errors: dict = {}
    if kind not in CaseKind.values:
        errors["kind"] = [_("Choose the contact kind.")]
    if reason and reason not in Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    if opened_at > now + timezone.timedelta(minutes=1):
        errors["opened_at"] = [_("A contact cannot be in the future.")]
    goods = None
    if kind in GOODS_KINDS or kind == CaseKind.REFUND_ONLY:
        if not reason:
            errors["reason"] = [_("Say why the buyer wants this.")]
        goods = order.paid_amount if goods_amount in (None, "") else None
        if goods is None:
            try:
                goods = _amount(goods_amount, "goods_amount")
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if goods is not None and goods > order.paid_amount:
            errors["goods_amount"] = [_("More than the buyer paid (%(paid)s).")
                                      % {"paid": order.paid_amount}]
    if kind in GOODS_KINDS and reason == Reason.NO_REASON:
        if order.delivered_at is None:
            errors["reason"] = [_("The order is not delivered yet: a no-reason return counts "
                                  "7 days from delivery.")]
        elif not within_return_window(order.delivered_at, opened_at):
            last = timezone.localtime(return_deadline(order.delivered_at)
                                      - timezone.timedelta(seconds=1))
            errors["reason"] = [_("The 7 days for a no-reason return ended on %(date)s.")
                                % {"date": last.strftime("%Y-%m-%d %H:%M")}]
    if errors:
        raise ValidationError(errors)
    payer = fee_payer_for(reason) if reason and kind in GOODS_KINDS else ""
    with transaction.atomic():
        case = ShopCase.objects.create(
            order=order, kind=kind, reason=reason or "", description=(description or "").strip(),
            opened_at=opened_at, handler=actor, dispute=bool(dispute),
            goods_amount=goods or Decimal("0"), fee_payer=payer)
        event_append(subject=case, action="open", actor=actor, to_state=case.state,
                     data={"kind": kind, "reason": reason, "fee_payer": payer})
        if description:
            CaseMessage.objects.create(case=case, direction=Direction.IN, body=description.strip(),
                                       at=opened_at)
    return case


# --- goods coming back --------------------------------------------------------------------------

def case_goods_expect(*, actor, case: ShopCase, shipping_fee=Decimal("0"), tracking: str = "",
                      note: str = "") -> ShopCase:
    """The shop agrees: the buyer sends the goods back (after-sales card)."""
    if case.fee_payer == FeePayer.REFUSE:
        raise ValidationError({"reason": [_("Damaged by the courier: the buyer refuses "
                                            "delivery; nothing comes back to us.")]})
    fee = _amount(shipping_fee or 0, "shipping_fee")
    return _step(case, "goods_expect", actor, note=note,
                 changes={"shipping_fee": fee, "tracking": (tracking or "")[:60]},
                 data={"shipping_fee": str(fee)})


def case_goods_receive(*, actor, case: ShopCase, photos=(), note: str = "") -> ShopCase:
    with transaction.atomic():
        case = _step(case, "goods_receive", actor, note=note,
                     changes={"received_at": timezone.now()})
        _photos(actor, case, photos, "received")
    return case


def case_goods_inspect(*, actor, case: ShopCase, result: str, note: str = "", deduction=None,
                       deduction_percent=None, photos=()) -> ShopCase:
    """Record the inspection: passed, damaged by the buyer or parts missing (with a deduction
    as an amount or a percentage of the goods' value)."""
    if result not in Inspection.values:
        raise ValidationError({"result": [_("Choose the inspection's result.")]})
    cut = Decimal("0")
    if result != Inspection.PASS:
        if not (note or "").strip():
            raise ValidationError({"note": [_("Say what was found.")]})
        if deduction_percent not in (None, ""):
            try:
                pct = Decimal(str(deduction_percent))
            except InvalidOperation:
                raise ValidationError({"deduction_percent": [_("Enter a number.")]}) from None
            if not pct.is_finite() or not 0 <= pct <= 100:
                raise ValidationError({"deduction_percent": [_("A percentage from 0 to 100.")]})
            cut = percent_of(case.goods_amount, pct)
        elif deduction not in (None, ""):
            cut = _amount(deduction, "deduction")
        if cut > case.goods_amount:
            raise ValidationError({"deduction": [_("More than the goods are worth.")]})
    with transaction.atomic():
        case = _step(case, "goods_inspect", actor, note=note,
                     changes={"inspection": result, "inspection_note": (note or "").strip(),
                              "deduction": cut},
                     data={"result": result, "deduction": str(cut)})
        _photos(actor, case, photos, "inspection")
    return case


# --- money back ---------------------------------------------------------------------------------

def _refund_note(*, actor, case: ShopCase, amount: Decimal, reason: str, lines):
    """Hand the refund to finance as an issued refund note (invoicing)."""
    return invoicing_services.credit_note_issue(
        actor=actor, customer=case.order.customer, amount=amount, reason=reason,
        kind="refund", source=case, lines=lines)


def case_refund(*, actor, case: ShopCase, amount=None, note: str = "") -> ShopCase:
    """Pay back: after an inspected return, the amount the rules give (EC-3); for a refund-only
    case the amount agreed (at most what the buyer paid)."""
    if case.kind == CaseKind.REFUND_ONLY:
        total = _amount(amount if amount not in (None, "") else case.goods_amount, "amount",
                        allow_zero=False)
        if total > case.order.paid_amount:
            raise ValidationError({"amount": [_("More than the buyer paid (%(paid)s).")
                                              % {"paid": case.order.paid_amount}]})
        lines = [(_("Refund without return"), total)]
    else:
        refund = refund_compute(goods_amount=case.goods_amount, inspection=case.inspection,
                                deduction=case.deduction, fee_payer=case.fee_payer,
                                shipping_fee=case.shipping_fee)
        total, lines = refund.total, refund.lines()
        if total <= 0:
            raise ValidationError({"amount": [_("Nothing to refund after the deduction.")]})
    with transaction.atomic():
        case = _step(case, "refund", actor, note=note,
                     changes={"refund_amount": total, "refunded_at": timezone.now()},
                     data={"amount": str(total)})
        _refund_note(actor=actor, case=case, amount=total,
                     reason=_("Online-shop refund, order %(order)s (%(kind)s)")
                     % {"order": case.order.number, "kind": case.get_kind_display()},
                     lines=lines)
    return case


def case_discount_offer(*, actor, case: ShopCase, amount, note: str = "") -> ShopCase:
    """A partial refund for a minor defect instead of a return, at most the shop's shipping
    fee (EC-3)."""
    offer = _amount(amount, "amount", allow_zero=False)
    cap = case.order.shop.shipping_fee
    if offer > cap:
        raise ValidationError({"amount": [_("A discount instead of a return is at most the "
                                            "shipping fee (%(cap)s).") % {"cap": cap}]})
    if offer > case.order.paid_amount:
        raise ValidationError({"amount": [_("More than the buyer paid (%(paid)s).")
                                          % {"paid": case.order.paid_amount}]})
    return _step(case, "discount_offer", actor, note=note, changes={"discount": offer},
                 data={"amount": str(offer)})


def case_discount_answer(*, actor, case: ShopCase, accepted: bool, note: str = "") -> ShopCase:
    if not accepted:
        return _step(case, "discount_refuse", actor, note=note,
                     changes={"discount": Decimal("0")}, data={"refused": str(case.discount)})
    with transaction.atomic():
        case = _step(case, "discount_accept", actor, note=note,
                     changes={"refund_amount": case.discount, "refunded_at": timezone.now()},
                     data={"amount": str(case.discount)})
        _refund_note(actor=actor, case=case, amount=case.discount,
                     reason=_("Discount instead of a return, order %(order)s")
                     % {"order": case.order.number},
                     lines=[(_("Discount for a minor defect"), case.discount)])
    return case


# --- exchange, repair, closing ------------------------------------------------------------------

def case_replacement_ship(*, actor, case: ShopCase, replacement: str, part=None,
                          warehouse=None, tracking: str = "", note: str = "") -> ShopCase:
    """Ship the replacement of an exchange. When it is a part of the catalogue it leaves stock
    through the parts ledger in the same step (a "shipped to a buyer" move from ``warehouse``,
    by default the actor's service centre store, else the central warehouse; refused when it is
    not there); anything else is recorded on the case only."""
    if not (replacement or "").strip():
        raise ValidationError({"replacement": [_("Say what is sent.")]})
    if case.inspection and case.inspection != Inspection.PASS and not (note or "").strip():
        raise ValidationError({"note": [_("The goods failed inspection: say why you still "
                                          "exchange them.")]})
    changes = {"replacement": replacement.strip()[:200], "replacement_part": part}
    if tracking:
        changes["tracking"] = tracking[:60]
    with transaction.atomic():
        move = None
        if part is not None:
            place = warehouse or _shipping_place(actor)
            if place is None:
                raise ValidationError({"part": [_("No store to ship the part from.")]})
            move = stock_move(actor=actor, warehouse=place, part=part, kind=MoveKind.SHIP,
                              quantity=1, reference=case.order.number,
                              note=_("Exchange for online order %(order)s")
                              % {"order": case.order.number})
        return _step(case, "replacement_ship", actor, note=note, changes=changes,
                     data={"replacement": replacement.strip()[:200],
                           "part": getattr(part, "code", ""),
                           "stock_move": getattr(move, "pk", None)})


def _shipping_place(actor):
    stores = Warehouse.objects.filter(active=True)
    centre = getattr(actor, "service_centre_id", None)
    return (stores.filter(kind=WarehouseKind.CENTRE, service_centre_id=centre).first()
            if centre else None) or stores.filter(kind=WarehouseKind.CENTRAL).first()


def case_transfer(*, actor, case: ShopCase, description: str = "") -> ShopCase:
    """A repair case becomes an ordinary service request (the desk's registration)."""
    text = (description or case.description or "").strip()
    with transaction.atomic():
        request = request_services.service_request_create(
            actor=actor, customer=case.order.customer,
            description=_("Online order %(order)s: %(text)s")
            % {"order": case.order, "text": text or case.get_kind_display()},
            channel=Channel.PLATFORM)
        case = _step(case, "transfer", actor, changes={"service_request": request},
                     data={"service_request": request.pk})
    return case


def case_reject(*, actor, case: ShopCase, note: str) -> ShopCase:
    return _step(case, "reject", actor, note=note)


def case_close(*, actor, case: ShopCase, note: str = "") -> ShopCase:
    return _step(case, "close", actor, note=note)


def case_dispute_set(*, actor, case: ShopCase, dispute: bool, note: str = "") -> ShopCase:
    """The buyer escalated the case to the platform (or the platform closed the dispute): it
    counts in the dispute rate (EC-4) by the case's opening day."""
    require_desk(actor)
    with transaction.atomic():
        locked = ShopCase.objects.select_for_update().get(pk=case.pk)
        if locked.dispute == bool(dispute):
            return locked
        locked.dispute = bool(dispute)
        version_bump(instance=locked, expected_version=locked.version, fields=["dispute"])
        event_append(subject=locked, action="dispute_set" if dispute else "dispute_clear",
                     actor=actor, note=note)
    return locked


# --- messages -----------------------------------------------------------------------------------

def message_add(*, actor, case: ShopCase, direction: str, body: str, at=None,
                external_id: str = "") -> CaseMessage:
    """A buyer's message or our answer, for the log and the response rate (EC-4)."""
    if direction not in Direction.values:
        raise ValidationError({"direction": [_("Choose who wrote it.")]})
    if not (body or "").strip():
        raise ValidationError({"body": [_("Write the message.")]})
    at = at or timezone.now()
    if at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"at": [_("A message cannot be in the future.")]})
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case, direction=direction, body=body.strip(), at=at,
            author=actor if direction == Direction.OUT else None, external_id=external_id[:100])
        event_append(subject=case, action="message_" + direction, actor=actor,
                     data={"message": message.pk})
    return message


def message_from_platform(*, order: Order, payload: dict) -> CaseMessage | None:
    """A buyer's message sent by the platform: onto the order's latest open case, or a new
    pre-sale/logistics case. Inside the webhook's transaction; the event id keeps it once."""
    body = str(payload.get("body") or "").strip()
    if not body:
        raise ValidationError({"message": [_("The message is empty.")]})
    at = parse_datetime(str(payload.get("at") or "")) or timezone.now()
    if timezone.is_naive(at):
        raise ValidationError({"at": [_("Give the time zone of this time.")]})
    case = (order.cases.exclude(state__in=[CaseState.CLOSED, CaseState.REJECTED,
                                           CaseState.REFUNDED, CaseState.EXCHANGED,
                                           CaseState.TRANSFERRED])
            .order_by("-opened_at").first())
    if case is None:
        kind = payload.get("kind") if payload.get("kind") in CaseKind.values else CaseKind.LOGISTICS
        case = ShopCase.objects.create(order=order, kind=kind, opened_at=at, description=body)
        event_append(subject=case, action="open", to_state=case.state,
                     data={"kind": kind, "source": "webhook"})
    try:
        with transaction.atomic():
            return CaseMessage.objects.create(case=case, direction=Direction.IN, body=body, at=at,
                                              external_id=str(payload.get("id") or "")[:100])
    except IntegrityError:
        return None
