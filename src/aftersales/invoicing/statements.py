"""A customer's or a dealer's statement of account (对账单): what it owed at the start of a
period, every invoice, credit, payment and refund in it by date with the running balance, and
what it owes at its end — the page, its print, its Excel and the API all read it here.

The balance is the receivables' (invoices − what was paid on them − credits, as
:func:`~aftersales.invoicing.selectors.invoice_balances` counts) less his money on account, and
every row is a movement of it:

- an invoice issued: owed more (+ its total);
- a credit note against one of his invoices: owed less;
- money received — paid on site for a job that is on an invoice, or received by the back
  office without a job (a transfer, a deposit: it pays invoices or waits on account): owed
  less. Applying money on account to an invoice moves nothing: the money was counted when it
  came;
- money on account paid back to him, or drawn to pay a job that is on no invoice (its reversal
  puts it back): owed more.

A job paid on site and never invoiced is a cash sale, not on the statement; nor is a credit
note on no invoice (a refund or allowance outside the invoices). Jobs finished and not invoiced
yet with money still due are listed apart (``pending``): owed, but not on the statement until
they are invoiced. A positive balance is what he owes, a negative one what he has in credit.

A dealer's balance is the receivables' too: its invoices (parts orders as they ship, parts it kept
as they are charged) − what it paid on them − credits. Its rows:

- an invoice issued: owed more;
- a credit note against one of its invoices (parts of an order sent back): owed less;
- money it paid for a parts order that is on an invoice (before it shipped, so usually before the
  invoice: the balance dips below zero until the invoice comes): owed less; what was paid back
  on such an order (a refund row of the order's ledger): owed more;
- a payment it made against an invoice (what it kept): owed less.

What is not on an invoice yet is listed apart: orders it paid for that are not invoiced (not
shipped yet: money it has paid ahead) and parts it kept that are charged and wait for their
invoice (owed).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.billing.models import Payment
from aftersales.core.models import Event
from aftersales.customers.models import Customer
from aftersales.dealers.models import Dealer
from aftersales.parts.models import MaterialRequest, MaterialRequestPayment

from .models import CreditNote, DepositRefund, Invoice, InvoiceRefund
from .money import CENT
from .selectors import day_end, sheets_payable_from_account

ZERO = Decimal("0.00")
KINDS = ("invoice", "credit", "received", "drawn", "refund")  # a customer's rows
DEALER_KINDS = ("invoice", "credit", "order", "received", "paid_back")  # a dealer's rows
# the order of rows at the same moment
_ROW_ORDER = ("invoice", "credit", "order", "received", "paid_back", "drawn", "refund")
STATEMENT_SENT = "statement_sent"  # the event on a customer sent his statement
PAYMENT_REMINDED = "payment_reminded"  # the event on a customer reminded to pay


@dataclass
class StatementRow:
    at: datetime
    kind: str  # one of KINDS
    number: str
    description: str
    debit: Decimal = ZERO   # owed more
    credit: Decimal = ZERO  # owed less
    balance: Decimal = ZERO  # after this row
    url: str = ""
    pk: int | None = None  # the document's id


@dataclass
class Statement:
    party: object  # a customer or a dealer
    since: date
    until: date
    opening: Decimal = ZERO
    rows: list[StatementRow] = field(default_factory=list)
    pending: list = field(default_factory=list)  # charge sheets not invoiced yet, with ``due``
    paid_ahead: list = field(default_factory=list)  # a dealer's orders paid, not invoiced yet
    kept_waiting: list = field(default_factory=list)  # a dealer's kept parts to invoice yet

    @property
    def is_dealer(self) -> bool:
        return isinstance(self.party, Dealer)

    @property
    def customer(self):
        """The customer whose statement this is (None for a dealer's)."""
        return None if self.is_dealer else self.party

    @property
    def debits(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debits - self.credits

    @property
    def in_credit(self) -> Decimal:
        """What the customer has in credit at the end (a negative closing balance), or 0."""
        return max(-self.closing, ZERO)


def _customer_sources(customer) -> dict:
    """Each kind of row as a queryset of the customer's documents and the column of its moment;
    ``sign`` +1 owes more, −1 owes less."""
    received = Payment.objects.filter(customer=customer, drawn_from__isnull=True).filter(
        Q(sheet__isnull=True) | Q(sheet__invoice_line__invoice__customer=customer))
    return {
        "invoice": (Invoice.objects.filter(customer=customer), "issued_at", "total", 1),
        "credit": (CreditNote.objects.filter(invoice__customer=customer), "issued_at", "amount",
                   -1),
        "received": (received, "received_at", "amount", -1),
        "drawn": (Payment.objects.filter(customer=customer, drawn_from__isnull=False,
                                         sheet__invoice_line__isnull=True),
                  "received_at", "amount", 1),
        "refund": (DepositRefund.objects.filter(payment__customer=customer), "refunded_at",
                   "amount", 1),
    }


def _describe(kind: str, document) -> tuple[str, str]:
    """What a row says and where it leads."""
    if kind == "invoice":
        return (_("Invoice"), reverse("invoicing:invoice", args=[document.pk]))
    if kind == "credit":
        return (_("Credit note on invoice %(number)s: %(reason)s")
                % {"number": document.invoice.number, "reason": document.reason},
                reverse("invoicing:invoice", args=[document.invoice_id]))
    if kind == "received":
        if document.sheet_id:
            return (_("Paid for charge sheet %(sheet)s (%(method)s)")
                    % {"sheet": document.sheet.number, "method": document.get_method_display()},
                    reverse("billing:sheet", args=[document.sheet_id]))
        return (_("Payment received (%(method)s)") % {"method": document.get_method_display()},
                reverse("invoicing:customer_pay", args=[document.customer_id])
                + f"?payment={document.pk}")
    if kind == "drawn":
        text = (_("Money on account taken back from charge sheet %(sheet)s: %(reason)s")
                if document.reverses_id else
                _("Money on account paid charge sheet %(sheet)s"))
        return (text % {"sheet": document.sheet.number, "reason": document.reason},
                reverse("billing:sheet", args=[document.sheet_id]))
    return (_("Money on account paid back (%(method)s): %(reason)s")
            % {"method": document.get_method_display(), "reason": document.reason},
            reverse("invoicing:deposit_refund_print", args=[document.pk]))


def _dealer_sources(dealer) -> dict:
    """A dealer's rows as :func:`_customer_sources` gives a customer's."""
    return {
        "invoice": (Invoice.objects.filter(dealer=dealer), "issued_at", "total", 1),
        "credit": (CreditNote.objects.filter(invoice__dealer=dealer), "issued_at", "amount", -1),
        "order": (MaterialRequestPayment.objects.filter(
            material_request__dealer=dealer, material_request__invoice_line__isnull=False),
            "recorded_at", "amount", -1),
        "received": (Payment.objects.filter(dealer=dealer), "received_at", "amount", -1),
        "paid_back": (InvoiceRefund.objects.filter(invoice__dealer=dealer), "refunded_at",
                      "amount", 1),
    }


def _describe_dealers(kind: str, document) -> tuple[str, str]:
    if kind in ("invoice", "credit"):
        return _describe(kind, document)
    if kind == "order":
        order = document.material_request
        url = reverse("parts:material_request", args=[order.pk])
        if document.amount > 0:
            return (_("Paid for parts order %(order)s (%(method)s)")
                    % {"order": order.number, "method": document.get_method_display()}, url)
        if document.note:  # it says what was paid back and why
            return (_("Parts order %(order)s: %(note)s")
                    % {"order": order.number, "note": document.note}, url)
        return _("Paid back on parts order %(order)s") % {"order": order.number}, url
    if kind == "paid_back":
        return (_("Paid back on invoice %(number)s (%(method)s)")
                % {"number": document.invoice.number, "method": document.get_method_display()},
                reverse("invoicing:invoice", args=[document.invoice_id]))
    allocation = next(iter(document.invoice_allocations.all()), None)
    return (_("Payment received (%(method)s)") % {"method": document.get_method_display()},
            reverse("invoicing:invoice", args=[allocation.invoice_id]) if allocation else "")


RELATED = {"credit": ("invoice",), "received": ("sheet",), "drawn": ("sheet",),
           "order": ("material_request",), "paid_back": ("invoice",)}


def _number(kind: str, document) -> str:
    if kind == "order":
        return document.material_request.number
    if kind == "paid_back":
        return document.invoice.number
    return document.number


def _rows(statement: Statement, sources: dict, describe, *, start, end) -> None:
    """The opening balance at ``start`` and the rows from ``start`` until ``end``, by time,
    each with the balance after it: two reads a kind."""
    rows = []
    for kind, (documents, moment, amount, sign) in sources.items():
        before = documents.filter(**{f"{moment}__lt": start}).aggregate(s=Sum(amount))["s"]
        statement.opening += sign * (before or ZERO)
        within = (documents.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
                  .select_related(*RELATED.get(kind, ())).order_by(moment, "pk"))
        if kind == "received" and statement.is_dealer:
            within = within.prefetch_related("invoice_allocations")
        for document in within:
            signed = sign * getattr(document, amount)  # a reversal's amount is below zero
            description, url = describe(kind, document)
            rows.append(StatementRow(at=getattr(document, moment), kind=kind,
                                     number=_number(kind, document), description=description,
                                     url=url, debit=max(signed, ZERO), credit=max(-signed, ZERO),
                                     pk=document.pk))
    rows.sort(key=lambda r: (r.at, _ROW_ORDER.index(r.kind), r.number))
    balance = statement.opening = statement.opening.quantize(CENT)
    for row in rows:
        balance += row.debit - row.credit
        row.balance = balance
    statement.rows = rows


def customer_statement(customer, *, since: date, until: date) -> Statement:
    """The customer's statement for the days ``since`` … ``until`` (Shanghai days, both
    included): the opening balance at the start of ``since``, the rows by time, each with the
    balance after it, and the jobs not invoiced yet — eleven reads whatever the number of
    rows."""
    start, end = day_end(since - timedelta(days=1)), day_end(until)
    statement = Statement(party=customer, since=since, until=until)
    _rows(statement, _customer_sources(customer), _describe, start=start, end=end)
    statement.pending = [sheet for sheet in sheets_payable_from_account(customer)
                         if sheet.issued_at < end]
    return statement


@dataclass(frozen=True)
class PaidAhead:
    """A dealer's parts order paid (what it paid less what was paid back) and on no invoice."""

    order: object
    paid: Decimal


def dealer_statement(dealer, *, since: date, until: date) -> Statement:
    """The dealer's statement for the days ``since`` … ``until``, as a customer's: the opening
    balance, the rows with the balance after each, and what is not invoiced yet — its orders
    paid ahead and the parts it kept that wait for their invoice; the same reads whatever the
    number of rows."""
    start, end = day_end(since - timedelta(days=1)), day_end(until)
    statement = Statement(party=dealer, since=since, until=until)
    _rows(statement, _dealer_sources(dealer), _describe_dealers, start=start, end=end)
    paid = dict(MaterialRequestPayment.objects
                .filter(material_request__dealer=dealer, recorded_at__lt=end,
                        material_request__invoice_line__isnull=True)
                .values("material_request").annotate(s=Sum("amount"))
                .filter(s__gt=0).values_list("material_request", "s"))
    orders = MaterialRequest.objects.filter(pk__in=list(paid)).order_by("created_at", "pk")
    statement.paid_ahead = [PaidAhead(order=order, paid=paid[order.pk].quantize(CENT))
                            for order in orders]
    # what waits for an invoice is the invoicing rule's (here: not at import, the services
    # package reads this module as it loads)
    from .services.invoices import invoiceable_loans, invoiceable_obligations

    obligations = (invoiceable_obligations().filter(dealer=dealer, kept_at__lt=end)
                   .select_related("part").order_by("kept_at", "pk"))
    loans = (invoiceable_loans().filter(dealer=dealer, kept_at__lt=end)
             .select_related("part").order_by("kept_at", "pk"))
    statement.kept_waiting = sorted([*obligations, *loans], key=lambda item: item.kept_at)
    return statement


def party_statement(party, *, since: date, until: date) -> Statement:
    """A customer's or a dealer's statement, whichever ``party`` is."""
    if isinstance(party, Dealer):
        return dealer_statement(party, since=since, until=until)
    return customer_statement(party, since=since, until=until)


def statement_file_name(statement: Statement) -> str:
    party = f"dealer-{statement.party.code}" if statement.is_dealer else statement.party.pk
    return (f"statement-{party}-{statement.since.isoformat()}"
            f"-{statement.until.isoformat()}.xlsx")


def customers_events(action: str, model=Customer):
    """The events of one action on customers — or on the parties of ``model`` (Dealer) — by
    the (content type, object) index, the latest first."""
    return (Event.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                 action=action)
            .select_related("actor").order_by("-at", "-id"))


def _customer_events(party, action: str):
    return customers_events(action, type(party)).filter(object_id=party.pk)


def statements_sent(customer):
    """The events of the statements sent to ``customer``, the latest first."""
    return _customer_events(customer, STATEMENT_SENT)


def payment_reminders(party):
    """The events of the payment reminders sent to ``party`` (a customer or a dealer), the
    latest first."""
    return _customer_events(party, PAYMENT_REMINDED)


def last_reminders(party_ids, model=Customer) -> dict:
    """When each of these customers (or dealers: ``model``) was last reminded to pay: id →
    event (one read)."""
    events = (customers_events(PAYMENT_REMINDED, model).filter(object_id__in=list(party_ids))
              .order_by("object_id", "-at", "-id"))
    last = {}
    for event in events:
        last.setdefault(event.object_id, event)
    return last
