"""What invoicing adds to other apps' pages (core.panels)."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.billing.choices import SheetState
from aftersales.billing.models import ChargeSheet, Payment
from aftersales.billing.selectors import sheet_due
from aftersales.core.find import (
    FIND_PAGE,
    Hit,
    find_panel,
    find_section,
    local_day,
    may_open,
    number_section,
)
from aftersales.core.panels import Panel

from .choices import AGEING_BUCKETS, InvoiceKind, InvoicingMode
from .models import (
    CreditNote,
    DepositRefund,
    Invoice,
    InvoicingPreference,
    ReturnNote,
)
from .models.base import READ_ROLES
from .permissions import may_issue
from .selectors import (
    customer_balance,
    customer_on_account,
    invoice_balances,
    invoice_plan,
    invoices_matching,
    on_account_rows,
    payments_on_account,
    receivables,
    sheet_invoice,
)
from .services import contract_invoice_of, invoicing_mode_for, order_invoice_of
from .services.allocations import REFUND_PREFIX
from .services.credits import PREFIX as CREDIT_PREFIX
from .services.invoices import INVOICED_ORDER_STATUSES
from .services.returns import PREFIX as RETURN_PREFIX
from .statements import payment_reminders, statements_sent

RECENT_INVOICES = 5


def customer_balance_panel(http_request, customer) -> dict | None:
    """A customer's page: what he owes (invoiced − paid − credited, by age), his money on
    account (paid, not yet applied to an invoice), his latest invoices and how he is invoiced
    (now, later, never)."""
    user = http_request.user
    if not may_open(user, READ_ROLES):
        return None
    balance = customer_balance(customer)
    preference = InvoicingPreference.objects.filter(customer=customer).first()
    mode = preference.mode if preference else InvoicingMode.NOW
    return {
        "customer": customer, "balance": balance, "on_account": customer_on_account(customer),
        "aged": [(label, amount) for (_k, label, *_r), amount
                 in zip(AGEING_BUCKETS, balance.bucket_list, strict=True)],
        "invoices": list(Invoice.objects.restrict(user).filter(customer=customer)
                         .order_by("-issued_at", "-id")[:RECENT_INVOICES]),
        "reminded": payment_reminders(customer).first(),
        "statement_sent": statements_sent(customer).first(),
        "mode": mode, "mode_label": dict(InvoicingMode.choices)[mode],
        "note": preference.note if preference else "", "modes": InvoicingMode.choices,
        "may_issue": may_issue(user), "request": http_request,
    }


@dataclass(frozen=True)
class JobMoney:
    """A job's issued charge sheet and what is open on it: ``due``, as billing counts it (the
    sheet's own payments), and — when the sheet is on an invoice — ``outstanding``, what that
    invoice has open (payments against the invoice count there)."""

    sheet: object
    due: Decimal
    invoice: object = None
    outstanding: Decimal | None = None

    @property
    def owed(self) -> Decimal:
        """What is still to pay: the invoice's open amount, else the sheet's due."""
        return self.outstanding if self.invoice is not None else self.due


def _job_money(job) -> JobMoney | None:
    sheet = (ChargeSheet.objects.filter(request=job, state=SheetState.ISSUED, total__gt=0)
             .only("pk", "number", "total", "customer_id").first())
    if sheet is None:
        return None
    invoice = sheet_invoice(sheet)
    if invoice is None:
        return JobMoney(sheet=sheet, due=sheet_due(sheet))
    return JobMoney(sheet=sheet, due=sheet_due(sheet), invoice=invoice,
                    outstanding=invoice.open_amount)


def request_on_account_panel(http_request, job) -> dict | None:
    """The desk's request page: the job still owes money and its customer has money on account
    — whoever issues invoices pays the sheet from there (oldest payment first), or applies it to
    the sheet's invoice; the desk sees that it can be done."""
    user = http_request.user
    if not may_open(user, READ_ROLES):
        return None
    money = _job_money(job)
    if money is None or money.owed <= 0:
        return None
    deposits = on_account_rows(payments_on_account(
        Payment.objects.filter(customer=job.customer_id)))
    if not deposits:
        return None
    for deposit in deposits:
        deposit.pay = min(money.owed, deposit.on_account)
    return {"job": job, "sheet": money.sheet, "invoice": money.invoice, "due": money.owed,
            "deposits": deposits,
            "on_account": sum((d.on_account for d in deposits), Decimal("0.00")),
            "may_issue": may_issue(user), "key": uuid.uuid4().hex, "request": http_request}


def job_money_notice_panel(http_request, job) -> dict | None:
    """The technician's phone, above "take payment": what the office knows and he does not —
    the job's invoice was paid (in part) against the invoice itself, so no more than what it has
    left is to be taken; or the customer has money on account that may pay the job, so he asks
    the office before taking money."""
    user = http_request.user
    if not (user.is_superuser or job.assigned_technician_id == user.pk):
        return None
    money = _job_money(job)
    if money is None or money.due <= 0:
        return None
    if money.invoice is not None and money.outstanding < money.due:
        return {"job": job, "sheet": money.sheet, "due": money.due, "invoice": money.invoice,
                "left": max(money.outstanding, Decimal("0.00"))}
    if payments_on_account(Payment.objects.filter(customer=job.customer_id)).exists():
        return {"job": job, "sheet": money.sheet, "due": money.due, "invoice": None}
    return None


def contract_fee_panel(http_request, contract) -> dict | None:
    """A maintenance contract's page: its fee's invoice and what is still open on it — with the
    next instalment due if it is paid in instalments —, or that it waits for one (with the
    button for whoever issues invoices)."""
    user = http_request.user
    if not may_open(user, READ_ROLES) or contract.fee <= 0:
        return None
    invoice = contract_invoice_of(contract)
    balance = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0] if invoice else None
    plan = invoice_plan(balance) if balance else None
    return {
        "contract": contract, "invoice": invoice, "balance": balance, "plan": plan,
        "next_instalment": plan.next_open if plan else None,
        "never": invoice is None and invoicing_mode_for(contract.customer) == InvoicingMode.NEVER,
        "may_issue": may_issue(user),
    }


def order_invoice_panel(http_request, order) -> dict | None:
    """A dealer's charged parts order: its invoice to the dealer, or that it is invoiced when it
    ships — with the button for whoever issues invoices if it shipped without one. The dealer's
    logins open its print; the back office opens its page."""
    user = http_request.user
    dealer_login = getattr(user, "role", None) == Role.DEALER
    if (not order.is_dealer_order or not order.chargeable
            or not (dealer_login or may_open(user, READ_ROLES))):
        return None
    invoice = order_invoice_of(order)
    return {
        "order": order, "invoice": invoice, "may_open": not dealer_login,
        "shipped": order.status in INVOICED_ORDER_STATUSES,
        "may_issue": invoice is None and may_issue(user), "request": http_request,
    }


def dealer_invoices_panel(http_request, dealer) -> dict | None:
    """A dealer's page: its latest invoices (parts orders, parts it kept) and what it owes on
    them, for those who read invoices."""
    user = http_request.user
    if not may_open(user, READ_ROLES):
        return None
    invoices = Invoice.objects.restrict(user).filter(dealer=dealer)
    owed = receivables(invoices.filter(kind=InvoiceKind.KEPT), dealers=True)
    return {"dealer": dealer, "count": invoices.count(),
            "owes": owed[0].outstanding if owed else None,
            "invoices": list(invoices.order_by("-issued_at", "-id")[:RECENT_INVOICES])}


def dealer_account_panel(http_request, dealer) -> dict | None:
    """A dealer's own home: what it owes on its invoices (or is owed back), the invoices with
    something open, and its statement of account."""
    if getattr(http_request.user, "role", None) != Role.DEALER:
        return None
    balances = invoice_balances(Invoice.objects.filter(dealer=dealer))
    owes = sum((b.outstanding for b in balances), Decimal("0.00"))
    return {"dealer": dealer, "count": len(balances), "owes": owes, "owed_back": -owes,
            "open": [b for b in balances if b.outstanding][-RECENT_INVOICES:][::-1]}


def reports_money_card(http_request, subject) -> dict | None:
    return {} if may_open(http_request.user, READ_ROLES) else None


def invoice_find(http_request, q) -> dict | None:
    """Quick find: invoices as their list's search box finds them (number, tax-office number,
    customer's name or phone), newest first."""
    user = http_request.user
    if not may_open(user, READ_ROLES):
        return None
    number = q.replace(" ", "").upper()
    rows = (invoices_matching(Invoice.objects.restrict(user), q)
            .select_related("customer", "dealer").order_by("-issued_at", "-id"))

    def hit(invoice):
        return Hit(url=reverse("invoicing:invoice", args=[invoice.pk]), label=invoice.number,
                   detail=f"{invoice.party.name} · ¥{invoice.total} · "
                          f"{local_day(invoice.issued_at)}",
                   exact=number in {invoice.number, invoice.external_number.upper()})

    return find_section(_("Invoices"), rows, hit, more="invoicing:home", q=q)


def _credit_note_url(note) -> str:
    if note.invoice_id:
        return reverse("invoicing:invoice", args=[note.invoice_id])
    return f"{reverse('invoicing:credit_notes')}?{urlencode({'q': note.number})}"


def credit_note_find(http_request, q) -> dict | None:
    """Quick find: credit and return notes by number (CN…, RN…), on their invoice's page;
    refunds of money on account (TK…), on their slip."""

    def detail(note):
        party = note.party if isinstance(note, CreditNote) else note.customer
        return f"{party.name} · ¥{note.amount} · {local_day(note.issued_at)}"

    def rows(model):
        related = ("customer", "dealer") if model is CreditNote else ("customer",)
        return lambda user: (model.objects.restrict(user).select_related(*related)
                             .order_by("-issued_at", "-id"))

    return number_section(
        http_request, q, prefix=CREDIT_PREFIX, roles=READ_ROLES, title=_("Credit notes"),
        rows=rows(CreditNote), url=_credit_note_url, detail=detail,
    ) or number_section(
        http_request, q, prefix=RETURN_PREFIX, roles=READ_ROLES, title=_("Return notes"),
        rows=rows(ReturnNote),
        url=lambda note: reverse("invoicing:invoice", args=[note.invoice_id]), detail=detail,
    ) or number_section(
        http_request, q, prefix=REFUND_PREFIX, roles=READ_ROLES,
        title=_("Refunds of money on account"),
        rows=lambda user: (DepositRefund.objects.restrict(user)
                           .select_related("payment__customer").order_by("-refunded_at", "-id")),
        url=lambda refund: reverse("invoicing:deposit_refund_print", args=[refund.pk]),
        detail=lambda refund: (f"{refund.payment.customer.name} · ¥{refund.amount} · "
                               f"{local_day(refund.refunded_at)}"))


PANELS = {
    FIND_PAGE: [find_panel(invoice_find, order=40), find_panel(credit_note_find, order=45)],
    "customer.detail": [
        Panel(template="invoicing/panels/customer_balance.html",
              context=customer_balance_panel, order=30),
    ],
    "service_request.detail": [
        Panel(template="invoicing/panels/request_on_account.html",
              context=request_on_account_panel, order=25),
    ],
    "field.job": [
        # before the charges and "take payment": he asks before he takes money
        Panel(template="invoicing/panels/job_money_notice.html",
              context=job_money_notice_panel, order=15),
    ],
    "contract.detail": [
        Panel(template="invoicing/panels/contract_fee.html", context=contract_fee_panel,
              order=30),
    ],
    "reports.index": [
        Panel(template="invoicing/panels/reports_card.html", context=reports_money_card,
              order=30),
    ],
    "material_request.detail": [
        Panel(template="invoicing/panels/order_invoice.html", context=order_invoice_panel,
              order=30),
    ],
    "dealer.detail": [
        Panel(template="invoicing/panels/dealer_invoices.html", context=dealer_invoices_panel,
              order=30),
    ],
    "dealer.home": [
        Panel(template="invoicing/panels/dealer_account.html", context=dealer_account_panel,
              order=30),
    ],
}
