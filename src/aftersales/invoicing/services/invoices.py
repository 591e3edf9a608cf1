"""Invoices (BL-1): a job's charge sheet invoiced now, a customer's sheets of a month collected
into one invoice later, or never — and the customer's preference that says which. A maintenance
contract's fee (AR-6) and a part a customer kept instead of bringing it back (PT-3) are invoiced
the same way: at once, in the month's invoice, or by hand. A dealer's charged parts order (PT-1:
sold at cost, paid before shipping) is invoiced to the dealer when it ships, or by hand; what a
dealer kept: services.kept.

An invoice is issued in one transaction: the customer's row is locked (two batch runs for the
same customer queue instead of racing), the sheets not yet invoiced are read again under the
lock and locked themselves (money taken on site for one of them meanwhile queues: ADR 0023),
the invoice takes its gap-free number (core.numbering), the configured issuer (issuers.py)
registers it, and the invoice and its lines are saved, never to change. A charge sheet is on
one invoice at most — a unique constraint backs the lock.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing.choices import SheetState
from aftersales.billing.models import ChargeSheet
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.numbering import next_number, period_bounds
from aftersales.customers.models import Customer, MaintenanceContract
from aftersales.parts.models import (
    Loan,
    LoanStatus,
    MaterialRequest,
    MaterialRequestLine,
    MaterialRequestStatus,
    ReturnObligation,
    ReturnStatus,
)
from aftersales.parts.services import order_due, order_paid
from aftersales.service.choices import Category

from ..choices import InvoiceKind, InvoicingMode
from ..issuers import IssueRefused, issuer_get
from ..models import Invoice, InvoiceLine, InvoicingPreference
from ..money import tax_rate, tax_split

DOC_TYPE = "invoice"
PREFIX = "IV"


def invoicing_mode_for(customer) -> str:
    """The customer's preference; without one, setting INVOICE_DEFAULT_MODE ("now")."""
    preference = InvoicingPreference.objects.filter(customer=customer).first()
    if preference is not None:
        return preference.mode
    return getattr(settings, "INVOICE_DEFAULT_MODE", InvoicingMode.NOW)


def invoicing_preference_set(*, actor, customer, mode: str, note: str = "") -> InvoicingPreference:
    if mode not in InvoicingMode.values:
        raise ValidationError({"mode": [_("Choose now, later or never.")]})
    with transaction.atomic():
        preference = (InvoicingPreference.objects.select_for_update()
                      .filter(customer=customer).first())
        before = snapshot(preference) if preference else None
        if preference is None:
            preference = InvoicingPreference.objects.create(
                customer=customer, mode=mode, note=(note or "").strip()[:200], changed_by=actor)
        else:
            preference.mode, preference.note = mode, (note or "").strip()[:200]
            preference.changed_by = actor
            preference.version += 1
            preference.save(update_fields=["mode", "note", "changed_by", "version",
                                           "updated_at"])
        change_log(actor=actor, instance=preference, action="update" if before else "create",
                   before=before)
        event_append(subject=customer, action="invoicing_preference", actor=actor,
                     to_state=mode, note=preference.note)
    return preference


def invoiceable_sheets():
    """Issued charge sheets of charged work (category A, above zero) not yet on an invoice."""
    return ChargeSheet.objects.filter(state=SheetState.ISSUED, category=Category.A,
                                      total__gt=0, invoice_line__isnull=True)


def month_bounds(period: str) -> tuple[date, date]:
    """First and last day of a "YYMM" month; ValidationError if it is no month."""
    bounds = period_bounds(period or "")
    if bounds is None or len(period) != 4:
        raise ValidationError({"period": [_("Enter a month as YYMM, e.g. 2611.")]})
    since, until = bounds
    return since.date(), (until - timedelta(days=1)).date()


def last_period() -> str:
    """Last month as YYMM (in the local time zone)."""
    return (local_today().replace(day=1) - timedelta(days=1)).strftime("%y%m")


def _sheet_description(sheet) -> str:
    request = sheet.request
    product = getattr(request, "installed_product", None)
    text = request.number
    if product is not None:
        text += f" · {product}"
    return text[:200]


def _contract_description(contract) -> str:
    return (_("Maintenance contract %(number)s, %(start)s – %(end)s")
            % {"number": contract.number, "start": contract.starts_on.isoformat(),
               "end": contract.ends_on.isoformat()})[:200]


def _order_description(order) -> str:
    lines = [line for line in order.lines.all() if line.picked_quantity]
    return (_("Parts order %(number)s: %(count)s parts")
            % {"number": order.number, "count": len(lines)})[:200]


def _obligation_description(obligation) -> str:
    values = {"part": obligation.part.code, "name": obligation.part.name,
              "quantity": obligation.quantity, "due": obligation.due_on.isoformat()}
    if obligation.job_label:  # a dealer's own call has no request, maybe its own reference
        text = _("Faulty part %(part)s %(name)s × %(quantity)s not sent back (%(job)s, due "
                 "%(due)s)") % {**values, "job": obligation.job_label}
    else:
        text = _("Faulty part %(part)s %(name)s × %(quantity)s not sent back (due %(due)s)") % (
            values)
    return text[:200]


def _loan_description(loan) -> str:
    return (_("Loan %(number)s: %(part)s %(name)s × %(quantity)s not brought back (due "
              "%(due)s)")
            % {"number": loan.number, "part": loan.part.code, "name": loan.part.name,
               "quantity": f"{loan.quantity:f}".rstrip("0").rstrip("."),
               "due": loan.due_on.isoformat()})[:200]


def _line_source(item) -> tuple[Decimal, dict, str]:
    """What an invoice line of ``item`` charges: (amount, the line's source field, its
    description)."""
    if isinstance(item, ChargeSheet):
        return item.total, {"sheet": item}, _sheet_description(item)
    if isinstance(item, MaterialRequest):
        return order_due(item), {"order": item}, _order_description(item)
    if isinstance(item, ReturnObligation):
        return item.charge_amount, {"obligation": item}, _obligation_description(item)
    if isinstance(item, Loan):
        return item.charge_amount, {"loan": item}, _loan_description(item)
    return item.fee, {"contract": item}, _contract_description(item)


def _issue(*, actor, customer=None, dealer=None, kind: str, items, start=None, end=None,
           data=None) -> Invoice:
    """Issue one invoice to ``customer`` (or ``dealer``) of ``items`` (charge sheets and
    contracts, or a parts order, read under a lock) in the caller's transaction: number, lines
    with tax split, the issuer, the rows and the event."""
    rate = tax_rate()
    invoice = Invoice(number=next_number(DOC_TYPE, PREFIX), customer=customer, dealer=dealer,
                      kind=kind, period_start=start, period_end=end, tax_rate=rate,
                      issued_at=timezone.now(),
                      issued_by=actor if actor is not None and actor.is_authenticated else None)
    lines = []
    for item in items:
        amount, source, description = _line_source(item)
        net, tax = tax_split(amount, rate)
        lines.append(InvoiceLine(invoice=invoice, net=net, tax=tax, amount=amount,
                                 description=description, **source))
    invoice.net = sum((line.net for line in lines), Decimal("0.00"))
    invoice.tax = sum((line.tax for line in lines), Decimal("0.00"))
    invoice.total = sum((line.amount for line in lines), Decimal("0.00"))
    issuer = issuer_get()
    try:
        external = issuer.issue(invoice, lines)
    except IssueRefused as error:
        raise ValidationError({"issuer": [str(error)]}) from None
    invoice.issuer, invoice.external_number = issuer.name, (external or "")[:60]
    try:
        with transaction.atomic():
            invoice.save()
            for line in lines:
                line.invoice = invoice
            InvoiceLine.objects.bulk_create(lines)
    except IntegrityError:
        raise ValidationError({"customer": [
            _("One of these jobs was invoiced at the same moment; reload and try again.")]},
        ) from None
    event_append(subject=invoice, action="issue", actor=actor, to_state="issued",
                 data={"kind": kind, "total": str(invoice.total), **(data or {}),
                       "sheets": [i.number for i in items if isinstance(i, ChargeSheet)],
                       "contracts": [i.number for i in items
                                     if isinstance(i, MaintenanceContract)],
                       **({"orders": [i.number for i in items if isinstance(i, MaterialRequest)]}
                          if dealer is not None else {}),
                       **({"obligations": [i.pk for i in items
                                           if isinstance(i, ReturnObligation)],
                           "loans": [i.number for i in items if isinstance(i, Loan)]}
                          if kind == InvoiceKind.KEPT else {})})
    invoice._lines_known = lines
    return invoice


def _customer_locked(customer) -> Customer:
    """The customer's row, locked (two runs for one customer queue), if he takes invoices. A
    no-key lock: rows that merely refer to him (money taken on site for his job's sheet, which
    holds the sheet's lock that issuing waits for) insert meanwhile, so the two never
    deadlock."""
    customer = Customer.objects.select_for_update(no_key=True).get(pk=customer.pk)
    if invoicing_mode_for(customer) == InvoicingMode.NEVER:
        raise ValidationError({"customer": [
            _("%(customer)s takes no invoices (invoicing preference: never).")
            % {"customer": customer}]})
    return customer


def _nothing_left(customer) -> ValidationError:
    return ValidationError({"customer": [
        _("%(customer)s has no charged work left to invoice here.") % {"customer": customer}]})


def invoice_issue(*, actor, customer, sheet_ids=None, period: str | None = None) -> Invoice:
    """Invoice ``customer``'s charge sheets not yet invoiced: the given ones (``sheet_ids``) or
    those issued in ``period`` (YYMM, a batch — with the fees of his maintenance contracts
    signed in that month). ValidationError if there is nothing to invoice or the customer wants
    no invoice."""
    if sheet_ids is None and period is None:
        raise ValidationError({"period": [_("Choose the sheets or the month to invoice.")]})
    start = end = None
    if period is not None:
        start, end = month_bounds(period)
    with transaction.atomic():
        customer = _customer_locked(customer)
        sheets = invoiceable_sheets().filter(customer=customer)
        contracts, loans = [], []
        if sheet_ids is not None:
            sheets = sheets.filter(pk__in=list(sheet_ids))
        if period is not None:
            since, until = period_bounds(period)
            sheets = sheets.filter(issued_at__gte=since, issued_at__lt=until)
            contracts = list(invoiceable_contracts().filter(
                customer=customer, created_at__gte=since, created_at__lt=until)
                .order_by("created_at", "id"))
            loans = list(invoiceable_loans().filter(
                customer=customer, kept_at__gte=since, kept_at__lt=until)
                .select_related("part").order_by("kept_at", "id"))
        # the sheets' rows are locked too: money taken on site for one of them (billing's
        # payment_record, under the sheet's lock) either commits first, and the invoice counts
        # it, or waits and then finds the sheet on the invoice and takes no more than is open
        sheets = list(sheets.select_related("request__installed_product")
                      .select_for_update(of=("self",)).order_by("issued_at", "id"))
        if not sheets and not contracts and not loans:
            raise _nothing_left(customer)
        kind = InvoiceKind.BATCH if period is not None else InvoiceKind.SINGLE
        return _issue(actor=actor, customer=customer, kind=kind,
                      items=[*sheets, *contracts, *loans], start=start, end=end,
                      data={"period": period})


def invoiceable_contracts():
    """Maintenance contracts with a fee whose fee is not on an invoice yet."""
    return MaintenanceContract.objects.filter(fee__gt=0, invoice_line__isnull=True)


def invoiceable_obligations():
    """Faulty parts dealers kept instead of sending them back, charged and not on an invoice
    yet (a technician's kept part is not invoiced)."""
    return ReturnObligation.objects.filter(status=ReturnStatus.KEPT, dealer__isnull=False,
                                           charge_amount__gt=0, invoice_line__isnull=True)


def invoiceable_loans():
    """Lent parts a customer or a dealer kept, charged and not on an invoice yet."""
    return Loan.objects.filter(status=LoanStatus.KEPT, charge_amount__gt=0,
                               invoice_line__isnull=True)


def contract_invoice_issue(*, actor, contract) -> Invoice:
    """Invoice a maintenance contract's fee (AR-6) on its own invoice, for the contract's
    period. ValidationError if it has no fee, is invoiced already, or its customer takes no
    invoices."""
    with transaction.atomic():
        customer = _customer_locked(contract.customer)
        contract = invoiceable_contracts().filter(pk=contract.pk).first()
        if contract is None:
            raise ValidationError({"contract": [
                _("This contract's fee is invoiced already, or it has no fee.")]})
        return _issue(actor=actor, customer=customer, kind=InvoiceKind.CONTRACT,
                      items=[contract], start=contract.starts_on, end=contract.ends_on)


def contract_invoice_now(*, actor, contract) -> Invoice | None:
    """A contract just signed by a customer who is invoiced now: its fee's invoice. Nothing
    for a contract without a fee or a customer invoiced later (the month's batch) or never."""
    if contract.fee <= 0 or invoicing_mode_for(contract.customer) != InvoicingMode.NOW:
        return None
    return contract_invoice_issue(actor=actor, contract=contract)


def contract_invoice_of(contract) -> Invoice | None:
    """The invoice that charges ``contract``'s fee, if any."""
    return (Invoice.objects.filter(lines__contract=contract).select_related("customer")
            .first())


def invoice_issue_for_job(*, actor, request) -> Invoice | None:
    """A finished job of a customer who is invoiced now: its charge sheet's invoice. Nothing if
    the job has no charged sheet, is invoiced already, or the customer is invoiced later/never."""
    sheet = invoiceable_sheets().filter(request=request).first()
    if sheet is None or invoicing_mode_for(sheet.customer) != InvoicingMode.NOW:
        return None
    return invoice_issue(actor=actor, customer=sheet.customer, sheet_ids=[sheet.pk])


INVOICED_ORDER_STATUSES = (MaterialRequestStatus.SHIPPED, MaterialRequestStatus.RECEIVED)


def invoiceable_orders():
    """Dealers' charged parts orders that have shipped and are not on an invoice yet (and of
    which the dealer kept something: an order whose parts all came back has nothing to invoice)."""
    kept = MaterialRequestLine.objects.filter(material_request=OuterRef("pk"),
                                              picked_quantity__gt=F("returned_quantity"))
    return MaterialRequest.objects.filter(Exists(kept), dealer__isnull=False, chargeable=True,
                                          status__in=INVOICED_ORDER_STATUSES,
                                          invoice_line__isnull=True)


def order_invoice_issue(*, actor, order) -> Invoice:
    """Invoice a dealer's charged parts order to the dealer, for what it paid (PT-1: at cost,
    paid in full before shipping) — once, under the order's row lock (the unique line backs it).
    ValidationError if it is no charged dealer's order, has not shipped, is invoiced already or
    is not paid in full."""
    with transaction.atomic():
        locked = MaterialRequest.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None or not locked.is_dealer_order or not locked.chargeable:
            raise ValidationError({"order": [
                _("Only a dealer's charged parts order is invoiced to the dealer.")]})
        if locked.status not in INVOICED_ORDER_STATUSES:
            raise ValidationError({"order": [
                _("%(number)s is invoiced when it ships.") % {"number": locked.number}]})
        if InvoiceLine.objects.filter(order=locked).exists():
            raise ValidationError({"order": [
                _("%(number)s is invoiced already.") % {"number": locked.number}]})
        due, paid = order_due(locked), order_paid(locked)
        if due <= 0:
            raise ValidationError({"order": [
                _("%(number)s: every part came back, so there is nothing to invoice.")
                % {"number": locked.number}]})
        if paid < due:
            raise ValidationError({"order": [
                _("%(number)s: paid %(paid)s of %(due)s; it is invoiced once paid in full.")
                % {"number": locked.number, "paid": paid, "due": due}]})
        return _issue(actor=actor, dealer=locked.dealer, kind=InvoiceKind.ORDER, items=[locked])


def payable_invoice_required(invoice) -> None:
    """Refuse a payment against a dealer's parts order's invoice: the order was paid in full
    before it was issued (a correction is a credit note; parts the dealer sends back come back
    against the order, parts' OrderReturn, which credits the invoice). A dealer's invoice for
    what it kept is paid like a customer's."""
    if invoice is not None and invoice.kind == InvoiceKind.ORDER:
        raise ValidationError({"invoice": [
            _("%(number)s is a dealer's invoice for a parts order paid in full; it takes no "
              "payments, schedules or return notes (correct it with a credit note).")
            % {"number": invoice.number}]})


def customer_invoice_required(invoice) -> None:
    """Refuse what only a customer's invoice takes — a payment schedule, a return note — on a
    dealer's."""
    payable_invoice_required(invoice)
    if invoice is not None and invoice.dealer_id is not None:
        raise ValidationError({"invoice": [
            _("%(number)s is a dealer's invoice: it takes no payment schedule or return note.")
            % {"number": invoice.number}]})


def order_invoice_of(order) -> Invoice | None:
    """The invoice that charges the dealer's ``order``, if any."""
    return Invoice.objects.filter(lines__order=order).select_related("dealer").first()
