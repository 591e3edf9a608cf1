"""Reads of billing that carry policy: the charges of a job, as previewed or as issued.

``charge_summary`` is the one place that computes the figures that the desk's request page,
the technician's phone, the portal and the printed voucher show (issue 11).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.handlers import react
from aftersales.parts.selectors_catalogue import part_prices_on
from aftersales.service.choices import Category, Channel, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.selectors import request_parts
from aftersales.service.services import centre_local_date

from .choices import ExpenseKind, FreeReason, HandoverState, LineKind, QuoteState, SheetState
from .models import (
    BillingSettings,
    ChargeExpense,
    ChargeLine,
    ChargeSheet,
    Handover,
    Payment,
    Quote,
    ServiceFee,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

FREE_BY_CATEGORY = {
    Category.B: FreeReason.CONTRACT,
    Category.C: FreeReason.WARRANTY,
    Category.D: FreeReason.INTERNAL,
}


def money(value) -> Decimal:
    """Half-up to two places (the rule for every line)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_make(*, kind: str, description: str, quantity, unit_price, part=None,
              free_reason: str = "", position: int = 0) -> ChargeLine:
    """An unsaved line: value = quantity × unit price half-up; amount = value unless free."""
    quantity = Decimal(quantity)
    unit_price = money(unit_price)
    value = money(quantity * unit_price)
    free = bool(free_reason)
    return ChargeLine(position=position, kind=kind, description=description[:200],
                      quantity=quantity, unit_price=unit_price, value=value,
                      amount=ZERO if free else value, part=part, free=free,
                      free_reason=free_reason)


def service_fee_for(product_model) -> Decimal:
    """The labour rule: the category's fee from the admin table, else the model's own fee."""
    if product_model is None:
        return ZERO
    row = ServiceFee.objects.filter(category=product_model.category).first()
    return money(row.fee if row is not None else product_model.service_fee)


def hourly_rate_for(product_model) -> Decimal:
    """What an hour of labour beyond the service fee costs: the category's rate from the admin
    table, else the billing settings' rate."""
    if product_model is not None:
        rate = (ServiceFee.objects.filter(category=product_model.category,
                                          hourly_rate__isnull=False)
                .values_list("hourly_rate", flat=True).first())
        if rate is not None:
            return money(rate)
    return money(BillingSettings.current().hourly_rate)


def is_follow_up(job: ServiceRequest) -> bool:
    """BL-2: a call on a product whose previous job was completed within the follow-up window."""
    if job.installed_product_id is None:
        return False
    window = BillingSettings.current().follow_up_days
    since = job.reported_at - timedelta(days=window)
    return (ServiceRequest.objects.filter(installed_product_id=job.installed_product_id,
                                          completed_at__gte=since,
                                          completed_at__lte=job.reported_at)
            .exclude(pk=job.pk).exists())


def is_dealer_job(job: ServiceRequest) -> bool:
    """A dealer's own call (channel "dealer") is charged to the dealer at parts' cost price."""
    return job.channel == Channel.DEALER


@dataclass
class Preview:
    """The sheet a job would have now (unsaved); the same shape the issued sheet has."""

    request: ServiceRequest
    category: str
    follow_up: bool
    dealer: bool
    lines: list = field(default_factory=list)
    state: str = SheetState.DRAFT
    number: str = ""

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def value(self) -> Decimal:
        return sum((line.value for line in self.lines), ZERO)


def _day(job: ServiceRequest, moment) -> date:
    return centre_local_date(moment or timezone.now(), job.service_centre)


def charge_sheet_preview(job: ServiceRequest, planned=(), planned_labour=()) -> Preview:
    """The lines the sheet would have now: labour by the fee rule (none on a follow-up visit,
    BL-2), each part fitted at the price valid on the day it was fitted (a dealer's job: the
    cost price), the technician's expenses and extra labour; every line free with its reason
    unless category A (labour on a follow-up visit too).
    ``planned``: (part, quantity) pairs still to fit — a quote's parts the customer agrees to
    before they are fitted — priced the same way, at today's price; ``planned_labour``:
    (what for, hours) pairs of labour still to do, at today's hourly rate."""
    category_free = FREE_BY_CATEGORY.get(job.category, "")
    follow_up = is_follow_up(job)
    labour_free = category_free or (FreeReason.FOLLOW_UP if follow_up else "")
    dealer = is_dealer_job(job)
    preview = Preview(request=job, category=job.category, follow_up=follow_up, dealer=dealer)
    lines = preview.lines
    product = job.installed_product
    model = product.model if product is not None else None
    fee = service_fee_for(model) if model is not None else money(job.estimated_charge)
    if fee > 0 or follow_up:
        label = (_("Service fee (%(model)s)") % {"model": model.name}) if model else _("Service fee")
        lines.append(line_make(kind=LineKind.LABOUR, description=label, quantity=1,
                               unit_price=fee, free_reason=labour_free))
    usages = request_parts(job)
    days = [_day(job, usage.created_at) for usage in usages]
    prices = part_prices_on([(usage.part_id, day) for usage, day in zip(usages, days, strict=True)])
    for usage, day in zip(usages, days, strict=True):
        row = prices[usage.part_id, day]
        if row is not None:
            unit = row.cost if dealer else row.price
        else:
            unit = usage.unit_price
        lines.append(line_make(kind=LineKind.PART, part=usage.part,
                               description=f"{usage.part.code} {usage.part.name}",
                               quantity=usage.quantity, unit_price=unit,
                               free_reason=category_free))
    today = _day(job, None)
    planned_prices = part_prices_on([(part.pk, today) for part, _quantity in planned])
    for part, quantity in planned:
        row = planned_prices[part.pk, today]
        unit = (row.cost if dealer else row.price) if row is not None else part.unit_price
        lines.append(line_make(kind=LineKind.PART, part=part,
                               description=_("%(part)s (to fit)")
                               % {"part": f"{part.code} {part.name}"},
                               quantity=quantity, unit_price=unit, free_reason=category_free))
    if planned_labour:
        rate = hourly_rate_for(model)
        for what, hours in planned_labour:
            lines.append(line_make(kind=LineKind.LABOUR,
                                   description=_("Extra labour: %(what)s (to do)") % {"what": what},
                                   quantity=hours, unit_price=rate, free_reason=labour_free))
    for expense in ChargeExpense.objects.filter(request=job).order_by("created_at", "id"):
        if expense.kind == ExpenseKind.LABOUR:
            lines.append(line_make(kind=LineKind.LABOUR,
                                   description=_("Extra labour: %(what)s")
                                   % {"what": expense.description},
                                   quantity=expense.hours, unit_price=expense.rate,
                                   free_reason=labour_free))
        else:
            lines.append(line_make(kind=expense.kind, description=expense.description,
                                   quantity=1, unit_price=expense.amount,
                                   free_reason=category_free))
    for position, line in enumerate(lines, start=1):
        line.position = position
    return preview


def charge_sheet_for(job: ServiceRequest) -> ChargeSheet | None:
    """The job's issued sheet, or None while it is a preview."""
    return ChargeSheet.objects.filter(request=job).select_related("issued_by").first()


@dataclass(frozen=True)
class ChargeSummary:
    """What every page shows of a job's money: the sheet (issued or preview) and what is paid."""

    sheet: object           # ChargeSheet or Preview
    lines: list
    total: Decimal
    issued: bool
    paid: Decimal
    quote: Quote | None
    payments: tuple = ()    # of a stored sheet, in the order received (paid is their sum)

    @property
    def due(self) -> Decimal:
        return max(self.total - self.paid, ZERO)

    @cached_property
    def to_take(self) -> Decimal:
        """What is still to take for the issued sheet: ``due``, which the handlers of
        ``charge_sheet.to_take`` may lower (invoicing: no more than the sheet's invoice has open,
        when it was paid against the invoice or credited). The phone offers it, the desk, the
        voucher and the portal say it is still due. A read: nothing is written;
        ``payment_record`` checks the same under its locks."""
        if not self.issued or self.due <= 0:
            return self.due
        return react("charge_sheet.to_take", self.sheet, data={"due": self.due}).data["due"]

    @property
    def settled_elsewhere(self) -> Decimal:
        """What of ``due`` is no longer to take: paid or reduced on the sheet's invoice."""
        return self.due - self.to_take

    @property
    def number(self) -> str:
        return self.sheet.number

    @property
    def part_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == LineKind.PART), ZERO)

    @property
    def free_value(self) -> Decimal:
        return sum((line.value for line in self.lines if line.free), ZERO)


def charge_summary(job: ServiceRequest) -> ChargeSummary:
    sheet = charge_sheet_for(job)
    if sheet is not None:
        lines = list(sheet.lines.select_related("part"))
        # one read gives both the payments the pages list and what is paid
        payments = tuple(sheet.payments.select_related("received_by", "drawn_from", "reverses")
                         .order_by("received_at", "id"))
        paid = money(sum((p.amount for p in payments), ZERO))
        total = sheet.total
    else:
        sheet = charge_sheet_preview(job)
        lines, paid, total, payments = sheet.lines, ZERO, sheet.total, ()
    return ChargeSummary(sheet=sheet, lines=lines, total=total, issued=sheet.state == SheetState.ISSUED,
                         paid=paid, quote=quote_current(job), payments=payments)


def sheet_due(sheet: ChargeSheet) -> Decimal:
    paid = money(sheet.payments.aggregate(s=Sum("amount"))["s"] or ZERO)
    return max(sheet.total - paid, ZERO)


# --- quotes -----------------------------------------------------------------------------------

def quote_current(job: ServiceRequest) -> Quote | None:
    """The open quote, else the latest decided one."""
    quotes = list(Quote.objects.filter(request=job).exclude(state=QuoteState.SUPERSEDED)
                  .prefetch_related("decided_by").order_by("-created_at", "-id")[:5])
    for quote in quotes:
        if quote.state == QuoteState.OPEN:
            return quote
    return quotes[0] if quotes else None


def quote_needed(job: ServiceRequest) -> bool:
    """SR-4: chargeable (category A) work not yet agreed, on an open job."""
    return (job.category == Category.A and job.status not in {Status.CLOSED, Status.CANCELLED,
                                                              Status.COMPLETED}
            and not Quote.objects.filter(request=job, state=QuoteState.AGREED).exists())


def quote_list(user):
    return Quote.objects.restrict(user, "view").select_related("request", "request__customer")


# --- payments and hand-overs ------------------------------------------------------------------

def payment_list(user):
    return (Payment.objects.restrict(user, "view")
            .select_related("customer", "sheet", "received_by", "handover"))


def handover_list(user):
    return (Handover.objects.restrict(user, "view").select_related("technician", "confirmed_by")
            .annotate(taken=Sum("payments__amount")))


def handovers_to_confirm(user):
    return handover_list(user).filter(state=HandoverState.OPEN)


def takings_on(technician, day: date):
    """A technician's payments of one day (his own takings page)."""
    return (Payment.objects.filter(received_by=technician, handover__day=day)
            .select_related("customer", "sheet", "sheet__request").order_by("received_at", "id"))


def sheets_waiting(user):
    """Issued sheets of category A with money still due (the desk's list): not paid in full by
    their own payments, and not settled elsewhere — the handlers of ``charge_sheet.list_due``
    may narrow the queryset (invoicing: a sheet whose invoice has nothing open is paid)."""
    sheets = (ChargeSheet.objects.restrict(user, "view").filter(category=Category.A, total__gt=0)
              .annotate(paid=Sum("payments__amount"))
              .filter(Q(paid__isnull=True) | Q(paid__lt=F("total")))
              .select_related("request", "customer"))
    return react("charge_sheet.list_due", sheets, data={"sheets": sheets}).data["sheets"]
