"""What a dealer or a customer kept is invoiced to it (PT-3): a faulty part a dealer did not send
back by its due day, or a lent part not brought back, counts as kept and is charged by parts'
sweeps; invoicing turns that charge into an invoice line, so it is a receivable like any other —
paid against the invoice, aged, reminded, corrected by a credit note.

A dealer's charges are invoiced as they are charged (a dealer is invoiced now, as its parts
orders are); a customer's kept loan follows his invoicing preference (now: at once; later: the
month's invoice; never: not at all). A technician's kept part is not invoiced: it is his
employer's business with him. An invoice that could not be issued when the part was charged (the
tax platform refused it) waits on the accountant's list of work to invoice.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.dealers.models import Dealer
from aftersales.parts.models import Loan, ReturnObligation

from ..choices import InvoiceKind, InvoicingMode
from ..models import Invoice
from .invoices import (
    _customer_locked,
    _issue,
    invoiceable_loans,
    invoiceable_obligations,
    invoicing_mode_for,
)


def kept_party(item):
    """Whom a kept charge is invoiced to: (customer, dealer), one of them None; (None, None) for
    a technician's kept part."""
    if isinstance(item, Loan):
        return item.customer, item.dealer
    return None, item.dealer


def kept_invoice_issue(*, actor, customer=None, dealer=None, since=None, until=None,
                       obligation_ids=None, loan_ids=None) -> Invoice:
    """Invoice what ``customer`` (or ``dealer``) kept and was charged for, not invoiced yet —
    those given (``obligation_ids``, ``loan_ids``), or all, or those charged from ``since`` up to
    ``until`` — on one invoice, under the party's row lock (two runs for one party queue; the
    unique lines back it). ValidationError if nothing is left or the customer takes no
    invoices."""
    if (customer is None) == (dealer is None):
        raise ValueError("a kept charge is invoiced to a customer or to a dealer")
    with transaction.atomic():
        if customer is not None:
            customer = _customer_locked(customer)
            obligations = ReturnObligation.objects.none()
            loans = invoiceable_loans().filter(customer=customer)
        else:
            dealer = Dealer.objects.select_for_update(no_key=True).get(pk=dealer.pk)
            obligations = invoiceable_obligations().filter(dealer=dealer)
            loans = invoiceable_loans().filter(dealer=dealer)
        if obligation_ids is not None or loan_ids is not None:
            obligations = obligations.filter(pk__in=list(obligation_ids or ()))
            loans = loans.filter(pk__in=list(loan_ids or ()))
        if since is not None:
            obligations = obligations.filter(kept_at__gte=since, kept_at__lt=until)
            loans = loans.filter(kept_at__gte=since, kept_at__lt=until)
        items = [*obligations.select_related("part", "request", "dealer_job_part__job")
                 .order_by("kept_at", "id"),
                 *loans.select_related("part").order_by("kept_at", "id")]
        if not items:
            raise ValidationError({"customer": [
                _("%(party)s has nothing kept left to invoice.")
                % {"party": customer or dealer}]})
        return _issue(actor=actor, customer=customer, dealer=dealer, kind=InvoiceKind.KEPT,
                      items=items)


def kept_invoice_now(*, actor, item) -> Invoice | None:
    """A part just counted as kept and charged (``item``: a return obligation or a loan): its
    invoice now if it is a dealer's, or a customer's who is invoiced now. Nothing for a
    technician's part, a customer invoiced later (the month's invoice takes it) or never."""
    customer, dealer = kept_party(item)
    if customer is None and dealer is None:
        return None
    if customer is not None and invoicing_mode_for(customer) != InvoicingMode.NOW:
        return None
    ids = {"obligation_ids": [item.pk]} if isinstance(item, ReturnObligation) else {
        "loan_ids": [item.pk]}
    return kept_invoice_issue(actor=actor, customer=customer, dealer=dealer, **ids)
