"""Demo data for invoicing (BL-1, BL-4): how each customer is invoiced, last month's batch
invoices, and a few corrections — a credit note, an allowance, goods returned and received;
maintenance contracts' fees invoiced (customers invoiced now got theirs at signing, the others
in the batch of the month after) and paid by transfer, all but the latest few.

``seed_invoicing_preferences`` runs before the requests are played, so that the jobs of
customers invoiced per job get their invoice when they are completed (the handler) and those
of customers invoiced monthly wait for the batch; ``seed_invoicing`` runs at the end: it issues
last month's batch on the 1st of this month and leaves this month's work to invoice."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.billing.selectors import sheet_due
from aftersales.customers.choices import CustomerKind
from aftersales.customers.models import Customer
from aftersales.invoicing import services as invoicing
from aftersales.invoicing.choices import CreditKind, InvoicingMode
from aftersales.invoicing.models import Invoice
from aftersales.parts.models import Warehouse

NEVER_SHARE = 0.04  # customers who never take an invoice (they keep the charge sheet)


def _accountant(admin) -> User:
    user = User.objects.filter(role=Role.ACCOUNTANT, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create(username="accountant", first_name="周敏",
                                   role=Role.ACCOUNTANT, password=make_password("demo1234"),
                                   email="accountant@haichuan.example")
    return user


def seed_invoicing_preferences(rng, admin) -> None:
    """Companies and key accounts are invoiced monthly; a few individuals take no invoice."""
    for customer in Customer.objects.order_by("pk"):
        if customer.kind in (CustomerKind.COMPANY, CustomerKind.KEY_ACCOUNT):
            invoicing.invoicing_preference_set(actor=admin, customer=customer,
                                               mode=InvoicingMode.LATER, note="月结，次月初开票")
        elif rng.random() < NEVER_SHARE:
            invoicing.invoicing_preference_set(actor=admin, customer=customer,
                                               mode=InvoicingMode.NEVER, note="不需要发票")


def seed_invoicing(rng, admin, today, clock=None) -> None:
    accountant = _accountant(admin)
    first = today.replace(day=1)
    period = (first - timedelta(days=1)).strftime("%y%m")
    if clock is not None:
        clock.set(timezone.make_aware(datetime.combine(first, time(9, 30))))
    try:
        invoicing.invoices_issue_for_period(actor=accountant, period=period)
        invoices = list(Invoice.objects.filter(customer__isnull=False)  # customers' invoices
                        .order_by("issued_at", "pk"))
        if not invoices:
            return
        picked = rng.sample(invoices, k=min(3, len(invoices)))
        reasons = ["上门费多收，按规定退还", "配件价格按新价目表调整"]
        for invoice, reason in zip(picked[:2], reasons, strict=False):
            amount = min(invoice.total, Decimal(rng.choice(["20.00", "30.00", "50.00"])))
            invoicing.credit_note_issue(actor=accountant, customer=invoice.customer,
                                        amount=amount, reason=reason, invoice=invoice)
        customer = picked[-1].customer
        invoicing.credit_note_issue(actor=accountant, customer=customer, amount="50.00",
                                    kind=CreditKind.ALLOWANCE, reason="等待时间过长，给予服务补偿")
        _returned_goods(rng, accountant, admin, invoices)
        _contract_fees(rng, accountant, clock, first)
        _deposits(accountant, clock, today)
    except ValidationError:
        pass  # a demo set too small for a correction: nothing to show
    finally:
        if clock is not None:
            clock.set(None)


def _returned_goods(rng, accountant, admin, invoices) -> None:
    """A customer gave back a part he had bought and not fitted: the return note credits it;
    the centre's store received it back into stock."""
    for invoice in invoices:
        line = invoice.lines.filter(sheet__isnull=False).select_related("sheet").first()
        part_line = line and line.sheet.lines.filter(kind="part", free=False,
                                                     part__isnull=False).first()
        if part_line is None or invoice.total - invoicing.invoice_credited(invoice) < \
                part_line.amount:
            continue
        note = invoicing.return_note_issue(
            actor=accountant, invoice=invoice, reason="客户多购未使用，原包装退回",
            lines=[(part_line.description, part_line.amount, part_line.part,
                    part_line.quantity)])
        store = Warehouse.objects.filter(
            service_centre=invoice.customer.service_centre, kind="centre").first()
        if store is not None:
            invoicing.return_note_receive(actor=admin, return_note=note, warehouse=store,
                                          note="包装完好，已入库")
        return


def _deposits(accountant, clock, today) -> None:
    """Two customers invoiced monthly paid in advance this month (预收款): the first has his
    first job of the month paid from the deposit, the second's deposit waits for his jobs (their
    pages show it can pay them)."""
    waiting = [sheet for sheet in invoicing.invoiceable_sheets()
               .filter(issued_at__date__gte=today.replace(day=1))
               .select_related("customer").order_by("issued_at", "pk")
               if invoicing.invoicing_mode_for(sheet.customer) == InvoicingMode.LATER
               and sheet_due(sheet) > 0]
    customers = list(dict.fromkeys(sheet.customer for sheet in waiting))[:2]
    for n, customer in enumerate(customers):
        first_sheet = next(sheet for sheet in waiting if sheet.customer == customer)
        if clock is not None:
            clock.set(first_sheet.issued_at - timedelta(hours=2))
        deposit, _created = invoicing.customer_payment_record(
            actor=accountant, customer=customer, amount="1000.00", method="transfer",
            idempotency_key=f"demo-deposit-{customer.pk}", reference="年度维修预付款")
        if n == 0:
            if clock is not None:
                clock.set(min(first_sheet.issued_at + timedelta(hours=1), clock.real_now()))
            invoicing.sheet_pay_from_account(
                actor=accountant, payment=deposit, sheet=first_sheet,
                amount=min(first_sheet.total, deposit.amount),
                idempotency_key=f"demo-draw-{first_sheet.pk}")


def _moment(day, hour=10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _contract_fees(rng, accountant, clock, first) -> None:
    """Fees of contracts signed before last month by customers invoiced monthly are invoiced
    on the 1st of the month after signing (as that month's batch would have); contract
    invoices are paid by bank transfer within three weeks — except those of the last 45 days,
    which stay open on the receivables."""
    for contract in (invoicing.invoiceable_contracts().select_related("customer")
                     .filter(created_at__lt=_moment(first) - timedelta(days=31))
                     .order_by("created_at", "pk")):
        if invoicing.invoicing_mode_for(contract.customer) == InvoicingMode.NEVER:
            continue
        signed = timezone.localtime(contract.created_at).date()
        if clock is not None:
            clock.set(_moment((signed.replace(day=1) + timedelta(days=32)).replace(day=1), 9))
        invoicing.contract_invoice_issue(actor=accountant, contract=contract)
    open_after = _moment(first) - timedelta(days=45)
    for invoice in Invoice.objects.filter(kind="contract", issued_at__lt=open_after) \
            .order_by("issued_at", "pk"):
        if clock is not None:
            clock.set(invoice.issued_at + timedelta(days=rng.randint(2, 20), hours=2))
        invoicing.invoice_payment_record(
            actor=accountant, invoice=invoice, amount=invoice.total, method="transfer",
            idempotency_key=f"demo-{invoice.number}",
            reference=f"银行回单 {rng.randint(100000, 999999)}")
