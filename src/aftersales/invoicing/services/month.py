"""The month's batch (BL-1): every customer invoiced later gets one invoice of the month's
charged work — his jobs' charge sheets, his new contracts' fees and the lent parts he kept — and
every dealer whose kept parts of the month are on no invoice yet (their invoice was refused when
they were charged) gets one of those. Run by the monthly task, the command and the start page."""

from django.core.exceptions import ValidationError

from aftersales.core.numbering import period_bounds
from aftersales.customers.models import Customer
from aftersales.dealers.models import Dealer

from ..choices import InvoicingMode
from ..models import Invoice
from .invoices import (
    invoice_issue,
    invoiceable_contracts,
    invoiceable_loans,
    invoiceable_obligations,
    invoiceable_sheets,
    invoicing_mode_for,
    month_bounds,
)
from .kept import kept_invoice_issue


def invoices_issue_for_period(*, actor, period: str, customer_ids=None) -> list[Invoice]:
    """The month's batch: one invoice per customer who is invoiced later (or each of
    ``customer_ids``, whatever their preference but never) for the charged work of ``period``
    not yet invoiced, then (for the whole batch, not for chosen customers) one per dealer for
    what it kept in ``period`` that is on no invoice. Each party in a transaction of its own;
    running it twice, or twice at once, invoices each job, fee and kept part once."""
    month_bounds(period)
    since, until = period_bounds(period)
    sheets = invoiceable_sheets().filter(issued_at__gte=since, issued_at__lt=until)
    contracts = invoiceable_contracts().filter(created_at__gte=since, created_at__lt=until)
    loans = invoiceable_loans().filter(kept_at__gte=since, kept_at__lt=until,
                                       customer__isnull=False)
    if customer_ids is not None:
        sheets = sheets.filter(customer_id__in=list(customer_ids))
        contracts = contracts.filter(customer_id__in=list(customer_ids))
        loans = loans.filter(customer_id__in=list(customer_ids))
    candidates = sorted(set(sheets.values_list("customer_id", flat=True))
                        | set(contracts.values_list("customer_id", flat=True))
                        | set(loans.values_list("customer_id", flat=True)))
    issued = []
    for customer in Customer.objects.filter(pk__in=candidates).order_by("pk"):
        mode = invoicing_mode_for(customer)
        if mode == InvoicingMode.NEVER or (customer_ids is None and mode != InvoicingMode.LATER):
            continue
        try:
            issued.append(invoice_issue(actor=actor, customer=customer, period=period))
        except ValidationError:
            continue  # another run took them first: nothing left for this customer
    if customer_ids is None:
        issued += _dealers_kept_for_period(actor=actor, since=since, until=until)
    return issued


def _dealers_kept_for_period(*, actor, since, until) -> list[Invoice]:
    dealers = (set(invoiceable_obligations().filter(kept_at__gte=since, kept_at__lt=until)
                   .values_list("dealer_id", flat=True))
               | set(invoiceable_loans().filter(kept_at__gte=since, kept_at__lt=until,
                                                dealer__isnull=False)
                     .values_list("dealer_id", flat=True)))
    issued = []
    for dealer in Dealer.objects.filter(pk__in=dealers).order_by("pk"):
        try:
            issued.append(kept_invoice_issue(actor=actor, dealer=dealer, since=since,
                                             until=until))
        except ValidationError:
            continue  # another run took them first
    return issued
