"""Sending a customer his statement of account (对账单) by e-mail: the period's statement in his
language — what it says in the mail, the whole of it as an Excel attachment — once per key, an
event on the customer saying who sent which period to which address; and the month's run that
sends every customer his (the page, ``aftersales statements_monthly`` and its task)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.billing.models import Payment
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.excel import CONTENT_TYPE, workbook_bytes
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.messaging import mail_send_after_commit
from aftersales.core.models import Event
from aftersales.customers.models import Customer
from aftersales.customers.selectors import message_language

from ..excel import statement_book
from ..issuers import company
from ..models import Invoice
from ..permissions import may_issue
from ..selectors import day_end
from ..statements import (
    STATEMENT_SENT,
    Statement,
    customer_statement,
    customers_events,
    statement_file_name,
    statements_sent,
)
from .invoices import month_bounds


def statement_text(statement: Statement) -> tuple[str, str]:
    """(subject, text) of the mail that carries ``statement``, in the active language."""
    values = {"company": company().name, "customer": statement.customer.name,
              "since": statement.since.isoformat(), "until": statement.until.isoformat(),
              "opening": statement.opening, "closing": statement.closing,
              "credit": statement.in_credit, "rows": len(statement.rows)}
    subject = _("Statement of account %(since)s – %(until)s, %(company)s") % values
    if statement.closing > 0:
        says = _("On %(until)s you owe us ¥%(closing)s.") % values
    elif statement.closing < 0:
        says = _("On %(until)s you have ¥%(credit)s in credit with us.") % values
    else:
        says = _("On %(until)s you owe us nothing.") % values
    lines = [_("Dear %(customer)s,") % values, "",
             _("Attached is your statement of account for %(since)s – %(until)s: the opening "
               "balance of ¥%(opening)s and %(rows)s invoices, credits, payments and refunds "
               "since, each with the balance after it.") % values,
             says]
    if statement.pending:
        lines.append(_("Finished jobs not invoiced yet: %(count)s, ¥%(due)s still due; they "
                       "are on your statement once invoiced.")
                     % {"count": len(statement.pending),
                        "due": sum(sheet.due for sheet in statement.pending)})
    lines += ["", _("Please check it against your records and tell us within 15 days what "
                    "does not agree."), "", values["company"]]
    return subject, "\n".join(lines)


def statement_send(*, actor, customer, since, until, idempotency_key: str = "",
                   to: str = "", statement: Statement | None = None
                   ) -> tuple[Statement, Event, bool]:
    """Mail ``customer`` his statement for ``since`` … ``until`` (to ``to``, else his e-mail
    address), in his language with the Excel attached, after the commit; an event on him (which
    says what was sent where). Once per key: a repeat sends nothing more and answers with the
    first send's event (created False). ``statement``: that period's, already read in his
    language (the month's run reads it to see whether there is anything to say). Accountants,
    service managers and administrators send; a customer without an address is refused by
    name."""
    if actor is not None and not may_issue(actor):  # None: the monthly run on its own
        raise PermissionDenied(_("Only accountants, service managers and administrators send "
                                 "statements."))
    address = (to or customer.email or "").strip()
    if not address:
        raise ValidationError({"to": [_("%(customer)s has no e-mail address: print the "
                                        "statement or add his address first.")
                                      % {"customer": customer.name}]})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"to": [_("“%(address)s” is no e-mail address.")
                                      % {"address": address}]}) from None
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        key = (idempotency_key or "").strip()[:100]
        earlier = statements_sent(customer).filter(data__key=key).first() if key else None
        if earlier is not None:
            return (statement or customer_statement(customer, since=since, until=until),
                    earlier, False)
        with translation.override(message_language(customer)):  # the rows' words too
            statement = statement or customer_statement(customer, since=since, until=until)
            subject, text = statement_text(statement)
            content = workbook_bytes(statement_book(statement))
        mail_send_after_commit(address, subject, text,
                               attachments=((statement_file_name(statement), content,
                                             CONTENT_TYPE),))
        event = event_append(
            subject=customer, action=STATEMENT_SENT, actor=actor,
            note=f"{since.isoformat()} – {until.isoformat()} · {address}",
            data={"since": since.isoformat(), "until": until.isoformat(), "to": address,
                  "closing": str(statement.closing), "key": key})
    return statement, event, True


@dataclass
class MonthlySend:
    """What a month's run of statements did: each customer with something to say once."""

    period: str
    sent: list = field(default_factory=list)       # customers mailed now
    before: list = field(default_factory=list)     # mailed by an earlier run of the month
    no_address: list = field(default_factory=list)  # to print: no e-mail address


def monthly_key(period: str) -> str:
    return f"month-{period}"


def statement_customers(until) -> list[Customer]:
    """Customers a statement up to ``until`` may concern: those with an invoice issued, or money
    received without a job, by then."""
    end = day_end(until)
    ids = set(Invoice.objects.filter(customer__isnull=False, issued_at__lt=end)
              .values_list("customer", flat=True))
    ids |= set(Payment.objects.filter(sheet__isnull=True, received_at__lt=end)
               .values_list("customer", flat=True))
    return list(Customer.objects.filter(pk__in=ids).order_by("name", "pk"))


def statements_month(period: str) -> tuple:
    """The days of the month ``period`` (YYMM) a monthly run covers: to today at the latest; a
    month not begun yet is refused by name."""
    since, until = month_bounds(period)
    today = local_today()
    if since > today:
        raise ValidationError({"period": [_("%(month)s has not begun: choose a month up to this "
                                            "one.") % {"month": since.strftime("%Y-%m")}]})
    return since, min(until, today)


def statements_sent_for_month(period: str) -> int:
    """How many customers the month's runs have mailed their statement."""
    return customers_events(STATEMENT_SENT).filter(data__key=monthly_key(period)).count()


def statements_send_for_month(*, actor, period: str, on_progress=None) -> MonthlySend:
    """Mail every customer whose statement for the month ``period`` (YYMM) has a movement or a
    balance his statement — each once for the month (a second run sends to those the first did
    not reach, e.g. an address added since); each in a transaction of its own. Customers without
    an address are listed to print for. ``on_progress(done, total)`` after each customer."""
    since, until = statements_month(period)
    result = MonthlySend(period=period)
    customers = statement_customers(until)
    key = monthly_key(period)
    for done, customer in enumerate(customers, start=1):
        _monthly_send_one(actor, customer, since, until, key, result)
        if on_progress is not None:
            on_progress(done, len(customers))
    return result


def statements_to_print(period: str) -> list[Statement]:
    """The month's statements of the customers it cannot mail — those without an e-mail
    address whose statement for the month ``period`` (YYMM) has a movement or a balance — by
    name, for the accountant to print and post (the same the month's run lists as
    ``no_address``)."""
    since, until = statements_month(period)
    statements = (customer_statement(customer, since=since, until=until)
                  for customer in statement_customers(until) if not customer.email)
    return [s for s in statements if s.rows or s.opening or s.closing]


def _monthly_send_one(actor, customer, since, until, key, result: MonthlySend) -> None:
    """One customer of the month's run: nothing read again for one mailed already; his
    statement read once, in his language, and sent if it has anything to say."""
    if statements_sent(customer).filter(data__key=key).exists():
        result.before.append(customer)
        return
    with translation.override(message_language(customer)):
        statement = customer_statement(customer, since=since, until=until)
    if not (statement.rows or statement.opening or statement.closing):
        return
    if not customer.email:
        result.no_address.append(customer)
        return
    _statement, _event, created = statement_send(
        actor=actor, customer=customer, since=since, until=until, idempotency_key=key,
        statement=statement)
    (result.sent if created else result.before).append(customer)
