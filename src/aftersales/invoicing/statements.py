"""A customer's statement of account (对账单): what he owed at the start of a period, every
invoice, credit, payment and refund in it by date with the running balance, and what he owes at
its end — the page, its print, its Excel and the API all read it here.

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

from .models import CreditNote, DepositRefund, Invoice
from .money import CENT
from .selectors import day_end, sheets_payable_from_account

ZERO = Decimal("0.00")
KINDS = ("invoice", "credit", "received", "drawn", "refund")
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


@dataclass
class Statement:
    customer: object
    since: date
    until: date
    opening: Decimal = ZERO
    rows: list[StatementRow] = field(default_factory=list)
    pending: list = field(default_factory=list)  # charge sheets not invoiced yet, with ``due``

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


def _sources(customer) -> dict:
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


RELATED = {"credit": ("invoice",), "received": ("sheet",), "drawn": ("sheet",)}


def customer_statement(customer, *, since: date, until: date) -> Statement:
    """The customer's statement for the days ``since`` … ``until`` (Shanghai days, both
    included): the opening balance at the start of ``since``, the rows by time, each with the
    balance after it, and the jobs not invoiced yet — eleven reads whatever the number of
    rows."""
    start = day_end(since - timedelta(days=1))
    end = day_end(until)
    statement = Statement(customer=customer, since=since, until=until)
    rows = []
    for kind, (documents, moment, amount, sign) in _sources(customer).items():
        before = documents.filter(**{f"{moment}__lt": start}).aggregate(s=Sum(amount))["s"]
        statement.opening += sign * (before or ZERO)
        within = (documents.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
                  .select_related(*RELATED.get(kind, ())).order_by(moment, "pk"))
        for document in within:
            signed = sign * getattr(document, amount)  # a reversal's amount is below zero
            description, url = _describe(kind, document)
            rows.append(StatementRow(at=getattr(document, moment), kind=kind,
                                     number=document.number, description=description, url=url,
                                     debit=max(signed, ZERO), credit=max(-signed, ZERO)))
    rows.sort(key=lambda r: (r.at, KINDS.index(r.kind), r.number))
    balance = statement.opening = statement.opening.quantize(CENT)
    for row in rows:
        balance += row.debit - row.credit
        row.balance = balance
    statement.rows = rows
    statement.pending = [sheet for sheet in sheets_payable_from_account(customer)
                         if sheet.issued_at < end]
    return statement


def statement_file_name(statement: Statement) -> str:
    return (f"statement-{statement.customer.pk}-{statement.since.isoformat()}"
            f"-{statement.until.isoformat()}.xlsx")


def customers_events(action: str):
    """The events of one action on customers (by the (content type, object) index), the latest
    first."""
    return (Event.objects.filter(content_type=ContentType.objects.get_for_model(Customer),
                                 action=action)
            .select_related("actor").order_by("-at", "-id"))


def _customer_events(customer, action: str):
    return customers_events(action).filter(object_id=customer.pk)


def statements_sent(customer):
    """The events of the statements sent to ``customer``, the latest first."""
    return _customer_events(customer, STATEMENT_SENT)


def payment_reminders(customer):
    """The events of the payment reminders sent to ``customer``, the latest first."""
    return _customer_events(customer, PAYMENT_REMINDED)


def last_reminders(customer_ids) -> dict:
    """When each of these customers was last reminded to pay: customer id → event (one read)."""
    events = (customers_events(PAYMENT_REMINDED).filter(object_id__in=list(customer_ids))
              .order_by("object_id", "-at", "-id"))
    last = {}
    for event in events:
        last.setdefault(event.object_id, event)
    return last
