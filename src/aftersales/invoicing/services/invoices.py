"""Invoices (BL-1): a job's charge sheet invoiced now, a customer's sheets of a month collected
into one invoice later, or never — and the customer's preference that says which.

An invoice is issued in one transaction: the customer's row is locked (two batch runs for the
same customer queue instead of racing), the sheets not yet invoiced are read again under the
lock, the invoice takes its gap-free number (core.numbering), the configured issuer
(issuers.py) registers it, and the invoice and its lines are saved, never to change. A charge
sheet is on one invoice at most — a unique constraint backs the lock.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing.choices import SheetState
from aftersales.billing.models import ChargeSheet
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.numbering import next_number, period_bounds
from aftersales.customers.models import Customer
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


def invoice_issue(*, actor, customer, sheet_ids=None, period: str | None = None) -> Invoice:
    """Invoice ``customer``'s charge sheets not yet invoiced: the given ones (``sheet_ids``) or
    those issued in ``period`` (YYMM, a batch). ValidationError if there is nothing to invoice
    or the customer wants no invoice."""
    if sheet_ids is None and period is None:
        raise ValidationError({"period": [_("Choose the sheets or the month to invoice.")]})
    start = end = None
    if period is not None:
        start, end = month_bounds(period)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if invoicing_mode_for(customer) == InvoicingMode.NEVER:
            raise ValidationError({"customer": [
                _("%(customer)s takes no invoices (invoicing preference: never).")
                % {"customer": customer}]})
        sheets = invoiceable_sheets().filter(customer=customer)
        if sheet_ids is not None:
            sheets = sheets.filter(pk__in=list(sheet_ids))
        if period is not None:
            since, until = period_bounds(period)
            sheets = sheets.filter(issued_at__gte=since, issued_at__lt=until)
        sheets = list(sheets.select_related("request__installed_product").order_by("issued_at",
                                                                                      "id"))
        if not sheets:
            raise ValidationError({"customer": [
                _("%(customer)s has no charged work left to invoice here.")
                % {"customer": customer}]})
        rate = tax_rate()
        kind = InvoiceKind.BATCH if period is not None else InvoiceKind.SINGLE
        invoice = Invoice(number=next_number(DOC_TYPE, PREFIX), customer=customer, kind=kind,
                          period_start=start, period_end=end, tax_rate=rate,
                          issued_at=timezone.now(),
                          issued_by=actor if actor is not None and actor.is_authenticated
                          else None)
        lines = []
        for sheet in sheets:
            net, tax = tax_split(sheet.total, rate)
            lines.append(InvoiceLine(invoice=invoice, sheet=sheet, net=net, tax=tax,
                                     amount=sheet.total,
                                     description=_sheet_description(sheet)))
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
                     data={"kind": kind, "total": str(invoice.total), "period": period,
                           "sheets": [sheet.number for sheet in sheets]})
    invoice._lines_known = lines
    return invoice


def invoice_issue_for_job(*, actor, request) -> Invoice | None:
    """A finished job of a customer who is invoiced now: its charge sheet's invoice. Nothing if
    the job has no charged sheet, is invoiced already, or the customer is invoiced later/never."""
    sheet = invoiceable_sheets().filter(request=request).first()
    if sheet is None or invoicing_mode_for(sheet.customer) != InvoicingMode.NOW:
        return None
    return invoice_issue(actor=actor, customer=sheet.customer, sheet_ids=[sheet.pk])


def invoices_issue_for_period(*, actor, period: str, customer_ids=None) -> list[Invoice]:
    """The month's batch: one invoice per customer who is invoiced later (or each of
    ``customer_ids``, whatever their preference but never) for the charged sheets of ``period``
    not yet invoiced. Each customer in a transaction of its own; running it twice, or twice at
    once, invoices each job once."""
    month_bounds(period)
    since, until = period_bounds(period)
    sheets = invoiceable_sheets().filter(issued_at__gte=since, issued_at__lt=until)
    if customer_ids is not None:
        sheets = sheets.filter(customer_id__in=list(customer_ids))
    candidates = sorted(set(sheets.values_list("customer_id", flat=True)))
    issued = []
    for customer in Customer.objects.filter(pk__in=candidates).order_by("pk"):
        mode = invoicing_mode_for(customer)
        if mode == InvoicingMode.NEVER or (customer_ids is None and mode != InvoicingMode.LATER):
            continue
        try:
            issued.append(invoice_issue(actor=actor, customer=customer, period=period))
        except ValidationError:
            continue  # another run took them first: nothing left for this customer
    return issued
