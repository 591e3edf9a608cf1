"""Reads of invoicing that carry policy: credit notes for a source, receivables with ageing,
payment schedules' instalments and which are due, the month's figures (BL-3)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.billing.choices import Method, SheetState
from aftersales.billing.models import ChargeLine, ChargeSheet, Payment
from aftersales.core.dates import local_today
from aftersales.core.validators import phone_search_key
from aftersales.parts.models import MaterialRequestPayment

from .choices import AGEING_BUCKETS, InvoiceKind
from .models import (
    CreditNote,
    DepositRefund,
    Invoice,
    InvoicePayment,
    InvoiceRefund,
    PaymentSchedule,
)
from .money import CENT
from .schedules import InstalmentStatus, PaymentPlan, plan_apply

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def _money(value) -> Decimal:
    """An aggregate as money: SQLite's sums come back without their two places (413.5)."""
    return (value or ZERO).quantize(CENT)


def customer_matching(q: str, path: str = "customer") -> Q:
    """A document's customer by part of the name or the whole phone, typed as a caller says it
    ("138…" is stored "+86138…"); ``path=""``: the customers themselves."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}phone": phone_search_key(q)})


def invoices_matching(invoices, q: str):
    """The invoice list's search box: part of the number, the whole tax-office number, the
    customer (:func:`customer_matching`), part of a dealer's name or its code."""
    q = (q or "").strip()
    if not q:
        return invoices
    return invoices.filter(Q(number__icontains=q) | Q(external_number=q) | customer_matching(q)
                           | Q(dealer__name__icontains=q) | Q(dealer__code__iexact=q))


def credit_notes_matching(notes, q: str):
    """The credit-note list's search box: part of its number or its invoice's, the customer,
    part of a dealer's name, part of the reason."""
    q = (q or "").strip()
    if not q:
        return notes
    return notes.filter(Q(number__icontains=q) | Q(invoice__number__icontains=q)
                        | customer_matching(q) | Q(dealer__name__icontains=q)
                        | Q(reason__icontains=q))


def credit_notes_for(source):
    """The credit notes issued because of ``source`` (a complaint, a 三包 outcome, a return)."""
    return (CreditNote.objects
            .filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
            .select_related("invoice", "customer", "dealer").prefetch_related("lines")
            .order_by("issued_at", "id"))


def day_end(day: date) -> datetime:
    """The first moment after ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def bucket_of(age_days: int) -> str:
    for key, _label, low, high in AGEING_BUCKETS:
        if age_days >= low and (high is None or age_days <= high):
            return key
    return AGEING_BUCKETS[0][0]


@dataclass
class InvoiceBalance:
    invoice: Invoice
    paid: Decimal
    credited: Decimal
    age_days: int
    as_of: date | None = None
    plan: PaymentPlan | None = None  # its payment schedule, where receivables looks at it

    @property
    def outstanding(self) -> Decimal:
        return self.invoice.total - self.paid - self.credited

    @property
    def owed_back(self) -> Decimal:
        """What the party is owed back (credited after it paid): the negative balance, or 0."""
        return max(-self.outstanding, ZERO)

    @property
    def bucket(self) -> str:
        return bucket_of(self.age_days)


@dataclass
class CustomerBalance:
    """A party's receivable: a customer's, or a dealer's (``dealer`` set, ``customer`` None) for
    what it kept and was invoiced for."""

    customer: object
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    credited: Decimal = ZERO
    buckets: dict = field(default_factory=lambda: {key: ZERO for key, *_ in AGEING_BUCKETS})
    invoices: list = field(default_factory=list)
    not_due: Decimal = ZERO  # open on scheduled instalments whose due date has not passed
    dealer: object = None

    @property
    def party(self):
        return self.customer if self.customer is not None else self.dealer

    @property
    def outstanding(self) -> Decimal:
        return self.invoiced - self.paid - self.credited

    @property
    def bucket_list(self) -> list[Decimal]:
        return [self.buckets[key] for key, *_ in AGEING_BUCKETS]


def invoice_balances(invoices, *, as_of: date | None = None) -> list[InvoiceBalance]:
    """Each invoice issued by the end of ``as_of`` (today) with what was paid by then — through
    its charge sheets (billing's payments), its dealer's parts order (the order's payments, less
    refunds) or against the invoice itself (the amounts its allocations applied, less their
    reversals), less what was paid back on it — and credited."""
    as_of = as_of or local_today()
    end = day_end(as_of)
    invoices = list(invoices.filter(issued_at__lt=end).select_related("customer", "dealer")
                    .order_by("issued_at", "id"))
    ids = [i.pk for i in invoices]
    paid = defaultdict(Decimal)
    path = "sheet__invoice_line__invoice"
    for invoice_id, amount in (Payment.objects.filter(**{f"{path}__in": ids}, received_at__lt=end)
                               .values(path).annotate(s=Sum("amount")).values_list(path, "s")):
        paid[invoice_id] += amount
    path = "material_request__invoice_line__invoice"
    for invoice_id, amount in (MaterialRequestPayment.objects
                               .filter(**{f"{path}__in": ids}, recorded_at__lt=end)
                               .values(path).annotate(s=Sum("amount")).values_list(path, "s")):
        paid[invoice_id] += amount
    # against the invoice itself: what each allocation applied (a reversal takes it back), by
    # when it was applied — money on account counts once it is applied to the invoice
    for invoice_id, amount in (InvoicePayment.objects.filter(invoice__in=ids,
                                                             allocated_at__lt=end)
                               .values("invoice").annotate(s=Sum("amount"))
                               .values_list("invoice", "s")):
        paid[invoice_id] += amount
    # paid back on the invoice (what a credit left it owing back): paid out again
    for invoice_id, amount in (InvoiceRefund.objects.filter(invoice__in=ids, refunded_at__lt=end)
                               .values("invoice").annotate(s=Sum("amount"))
                               .values_list("invoice", "s")):
        paid[invoice_id] -= amount
    credited = dict(CreditNote.objects.filter(invoice__in=ids, issued_at__lt=end)
                    .values("invoice").annotate(s=Sum("amount")).values_list("invoice", "s"))
    return [InvoiceBalance(invoice=i, paid=_money(paid.get(i.pk)),
                           credited=_money(credited.get(i.pk)),
                           age_days=(as_of - timezone.localtime(i.issued_at).date()).days,
                           as_of=as_of)
            for i in invoices]


def payment_plans(balances: list[InvoiceBalance]) -> dict[int, PaymentPlan]:
    """The payment schedules of these invoices in force at the end of their balances' day,
    each instalment's state computed from what was paid (and credited) by then: invoice id →
    plan, for the invoices that have a schedule."""
    if not balances:
        return {}
    as_of = balances[0].as_of or local_today()
    by_invoice = {b.invoice.pk: b for b in balances}
    schedules = (PaymentSchedule.objects.filter(invoice__in=list(by_invoice))
                 .in_force_until(day_end(as_of)).select_related("made_by")
                 .prefetch_related("instalments"))
    plans = {}
    for schedule in schedules:
        balance = by_invoice[schedule.invoice_id]
        schedule.invoice = balance.invoice
        plans[schedule.invoice_id] = plan_apply(
            schedule, schedule.instalments.all(), paid=balance.paid, credited=balance.credited,
            total=balance.invoice.total, as_of=as_of)
    return plans


def invoice_plan(balance: InvoiceBalance) -> PaymentPlan | None:
    """One invoice's schedule with its instalments' states, or None without a schedule."""
    return payment_plans([balance]).get(balance.invoice.pk)


def receivables(invoices, *, as_of: date | None = None,
                dealers: bool = False) -> list[CustomerBalance]:
    """Per customer (and, with ``dealers``, per dealer): invoiced − paid − credited, and what is
    still open by age (0–30, 31–60, 61–90, over 90 days since the invoice). A customer who paid
    more than an invoice (or was credited after paying) has a negative balance on it; only open
    amounts are aged. An invoice with a payment schedule is aged by its overdue instalments
    instead, each by the days since its due date; what is open on instalments not yet overdue is
    ``not_due``, not aged. Of a dealer's invoices only those for what it kept count: a parts
    order's was paid in full before it was issued."""
    by_party: dict[tuple, CustomerBalance] = {}
    parties = Q(customer__isnull=False)
    if dealers:
        parties |= Q(kind=InvoiceKind.KEPT)
    balances = invoice_balances(invoices.filter(parties), as_of=as_of)
    plans = payment_plans(balances)
    for balance in balances:
        invoice = balance.invoice
        if invoice.customer_id:
            row = by_party.setdefault(("customer", invoice.customer_id),
                                      CustomerBalance(customer=invoice.customer))
        else:
            row = by_party.setdefault(("dealer", invoice.dealer_id),
                                      CustomerBalance(customer=None, dealer=invoice.dealer))
        row.invoiced += balance.invoice.total
        row.paid += balance.paid
        row.credited += balance.credited
        row.invoices.append(balance)
        plan = plans.get(balance.invoice.pk)
        if plan is not None:
            balance.plan = plan
            for status in plan.instalments:
                if status.overdue:
                    row.buckets[bucket_of(status.days_overdue)] += status.open
            row.not_due += plan.not_due
        elif balance.outstanding > 0:
            row.buckets[balance.bucket] += balance.outstanding
    return sorted(by_party.values(), key=lambda r: (-r.outstanding, r.party.name))


@dataclass
class InstalmentDue:
    """An open instalment on the accountant's list of whom to call."""

    balance: InvoiceBalance
    plan: PaymentPlan
    status: InstalmentStatus

    @property
    def invoice(self) -> Invoice:
        return self.balance.invoice


def instalments_due(invoices, *, as_of: date | None = None, within_days: int = 30,
                    overdue_only: bool = False) -> list[InstalmentDue]:
    """The open instalments of these invoices' current schedules that are overdue or (unless
    ``overdue_only``) fall due within ``within_days`` days of ``as_of`` (today), the earliest
    first."""
    as_of = as_of or local_today()
    limit = as_of if overdue_only else as_of + timedelta(days=within_days)
    scheduled = invoices.filter(pk__in=PaymentSchedule.objects.current()
                                .filter(instalments__due_on__lte=limit).values("invoice"))
    balances = invoice_balances(scheduled, as_of=as_of)
    plans = payment_plans(balances)
    rows = [InstalmentDue(balance=b, plan=plans[b.invoice.pk], status=status)
            for b in balances if b.invoice.pk in plans
            for status in plans[b.invoice.pk].instalments
            if status.open > 0 and (status.overdue or (not overdue_only
                                                       and status.instalment.due_on <= limit))]
    return sorted(rows, key=lambda r: (r.status.instalment.due_on, r.invoice.customer.name,
                                       r.invoice.number))


def receivables_totals(rows: list[CustomerBalance]) -> CustomerBalance:
    total = CustomerBalance(customer=None)
    for row in rows:
        total.invoiced += row.invoiced
        total.paid += row.paid
        total.credited += row.credited
        total.not_due += row.not_due
        for key in total.buckets:
            total.buckets[key] += row.buckets[key]
    return total


def customer_balance(customer, *, as_of: date | None = None) -> CustomerBalance:
    rows = receivables(Invoice.objects.filter(customer=customer), as_of=as_of)
    return rows[0] if rows else CustomerBalance(customer=customer)


CATEGORIES = ("A", "B", "C", "D")


def monthly_figures(*, since: date, until: date, centre=None) -> dict:
    """BL-3 for the days ``since``…``until``: after-sales revenue (what issued charge sheets
    charge, by line kind), collected vs outstanding of that revenue, payments received (a
    customer's or a dealer's), money on account paid back to customers and money paid back to
    dealers on their invoices, invoiced and credited, and the value of free against charged work
    by category and service centre. A centre's figures take a dealer's money by the dealer's
    service centre, as its invoices."""
    start, end = day_end(since - timedelta(days=1)), day_end(until)
    sheets = ChargeSheet.objects.filter(issued_at__gte=start, issued_at__lt=end)
    payments = Payment.objects.filter(received_at__gte=start, received_at__lt=end)
    invoices = Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end)
    credits = CreditNote.objects.filter(issued_at__gte=start, issued_at__lt=end)
    refunds = DepositRefund.objects.filter(refunded_at__gte=start, refunded_at__lt=end)
    paid_back = InvoiceRefund.objects.filter(refunded_at__gte=start, refunded_at__lt=end)
    if centre is not None:
        refunds = refunds.filter(payment__customer__service_centre=centre)
        paid_back = paid_back.filter(invoice__dealer__service_centre=centre)
        sheets = sheets.filter(request__service_centre=centre)
        payments = payments.filter(Q(sheet__request__service_centre=centre)
                                   | Q(sheet__isnull=True, customer__service_centre=centre)
                                   | Q(sheet__isnull=True, dealer__service_centre=centre))
        invoices = invoices.filter(Q(customer__service_centre=centre)
                                   | Q(dealer__service_centre=centre))
        credits = credits.filter(Q(customer__service_centre=centre)
                                 | Q(dealer__service_centre=centre))
    lines = ChargeLine.objects.filter(sheet__in=sheets)
    revenue = _money(lines.aggregate(s=Sum("amount"))["s"])
    by_kind = {row["kind"]: _money(row["s"])
               for row in lines.values("kind").annotate(s=Sum("amount"))}
    collected = _money(Payment.objects.filter(sheet__in=sheets).aggregate(s=Sum("amount"))["s"])
    collected = min(collected, revenue)
    cells: dict = defaultdict(lambda: {"jobs": 0, "charged": ZERO, "free": ZERO})
    for row in (lines.values("sheet__category", "sheet__request__service_centre__name")
                .annotate(charged=Sum("amount"), free=Sum("value", filter=Q(free=True)))):
        cell = cells[(row["sheet__request__service_centre__name"] or "", row["sheet__category"])]
        cell["charged"] += _money(row["charged"])
        cell["free"] += _money(row["free"])
    for row in sheets.values("category", "request__service_centre__name").annotate(n=Count("id")):
        cells[(row["request__service_centre__name"] or "", row["category"])]["jobs"] += row["n"]
    centres = sorted({name for name, _cat in cells})
    by_category = []
    for cat in CATEGORIES:
        row = {"category": cat, "jobs": 0, "charged": ZERO, "free": ZERO}
        for name in centres:
            cell = cells.get((name, cat))
            if cell:
                row["jobs"] += cell["jobs"]
                row["charged"] += cell["charged"]
                row["free"] += cell["free"]
        by_category.append(row)
    by_centre = []
    for name in centres:
        row = {"centre": name, "charged": ZERO, "free": ZERO, "jobs": 0}
        for cat in CATEGORIES:
            cell = cells.get((name, cat), {"jobs": 0, "charged": ZERO, "free": ZERO})
            row[f"charged_{cat}"], row[f"free_{cat}"] = cell["charged"], cell["free"]
            row["charged"] += cell["charged"]
            row["free"] += cell["free"]
            row["jobs"] += cell["jobs"]
        by_centre.append(row)
    return {
        "since": since, "until": until,
        "revenue": revenue, "revenue_by_kind": by_kind,
        "collected": collected, "outstanding": revenue - collected,
        # money received: a sheet paid from money on account was received as the deposit
        "received": _money(payments.exclude(method=Method.ACCOUNT)
                           .aggregate(s=Sum("amount"))["s"]),
        "refunded": _money(refunds.aggregate(s=Sum("amount"))["s"]),
        "dealers_paid_back": _money(paid_back.aggregate(s=Sum("amount"))["s"]),
        "invoiced": _money(invoices.aggregate(s=Sum("total"))["s"]),
        "credited": _money(credits.aggregate(s=Sum("amount"))["s"]),
        "free": sum((r["free"] for r in by_category), ZERO),
        "by_category": by_category, "by_centre": by_centre,
    }


# --- payments split over invoices, money on account -------------------------------------------

HALF_CENT = Decimal("0.005")  # SQLite compares decimals as floats: a sum may be off by a hair


def _sum_of(rows, column: str = "amount"):
    """A correlated subquery: the sum of ``column`` over ``rows`` (filtered on an OuterRef), 0
    when there are none — one subquery per relation, so two relations' rows never multiply."""
    summed = rows.order_by().annotate(s=Func(F(column), function="SUM")).values("s")
    return Coalesce(Subquery(summed, output_field=MONEY_FIELD), Value(ZERO),
                    output_field=MONEY_FIELD)


def payments_on_account(payments):
    """Of ``payments``, those received by the back office without a charge sheet with money
    not yet applied (预收款), oldest first; each with ``on_account``: what of it is left (its
    amount less its allocations to invoices, reversals taken back, less the charge sheets paid
    from it and less what was paid back to the customer)."""
    left = ExpressionWrapper(
        F("amount")
        - _sum_of(InvoicePayment.objects.filter(payment=OuterRef("pk")))
        - _sum_of(Payment.objects.filter(drawn_from=OuterRef("pk")))
        - _sum_of(DepositRefund.objects.filter(payment=OuterRef("pk"))),
        output_field=MONEY_FIELD)
    return (payments.filter(sheet__isnull=True).annotate(left=left)
            .filter(left__gt=HALF_CENT).order_by("received_at", "id"))


def _open_amount():
    """An invoice's open amount now, as an expression: its total less what was paid through its
    charge sheets, its dealer's order (less refunds) and against it (allocations, reversals
    negative) less what was paid back on it, and credited — the figures of
    :func:`invoice_balances`, for one query."""
    return ExpressionWrapper(
        F("total")
        - _sum_of(Payment.objects.filter(sheet__invoice_line__invoice=OuterRef("pk")))
        - _sum_of(MaterialRequestPayment.objects.filter(
            material_request__invoice_line__invoice=OuterRef("pk")))
        - _sum_of(InvoicePayment.objects.filter(invoice=OuterRef("pk")))
        + _sum_of(InvoiceRefund.objects.filter(invoice=OuterRef("pk")))
        - _sum_of(CreditNote.objects.filter(invoice=OuterRef("pk"))),
        output_field=MONEY_FIELD)


def invoices_settled(invoices):
    """Of ``invoices``, those with nothing open now (for other lists to filter on)."""
    return invoices.annotate(open_amount=_open_amount()).filter(open_amount__lt=HALF_CENT)


def sheet_invoice(sheet) -> Invoice | None:
    """The invoice ``sheet`` is on, with ``open_amount`` (money) — what may still be taken for
    the sheet, whose own payments do not know payments against the invoice, money on account
    applied to it, or credits — in one query; None for a sheet on no invoice."""
    invoice = (Invoice.objects.filter(lines__sheet=sheet).annotate(open_amount=_open_amount())
               .only("pk", "number", "customer_id", "dealer_id", "total").first())
    if invoice is not None:
        invoice.open_amount = _money(invoice.open_amount)
    return invoice


def sheets_not_settled_on_invoice(sheets):
    """``sheets`` less those on an invoice that has nothing open (paid against the invoice, from
    money on account, or credited): such a sheet's money is not due any more, whatever its own
    payments say."""
    return sheets.exclude(invoice_line__invoice__in=invoices_settled(Invoice.objects.all())
                          .values("pk"))


def on_account_rows(payments) -> list:
    """``payments`` of :func:`payments_on_account` with ``on_account`` as money."""
    rows = list(payments)
    for payment in rows:
        payment.on_account = _money(payment.left)
    return rows


def payment_unapplied(payment) -> Decimal:
    """What of a sheet-less payment is still on account: not applied to any invoice, drawn to
    pay a charge sheet nor paid back."""
    applied = payment.invoice_allocations.aggregate(s=Sum("amount"))["s"]
    drawn = payment.draws.aggregate(s=Sum("amount"))["s"]
    refunded = payment.refunds.aggregate(s=Sum("amount"))["s"]
    return (payment.amount - _money(applied) - _money(drawn) - _money(refunded)).quantize(CENT)


def _sheets_due_on_no_invoice(**where) -> list:
    """Issued charge sheets (above zero) on no invoice with money still due, oldest first, each
    with ``due`` — what money on account may pay directly."""
    sheets = list(ChargeSheet.objects.filter(state=SheetState.ISSUED, total__gt=0,
                                             invoice_line__isnull=True, **where)
                  .annotate(paid=Coalesce(Sum("payments__amount"), Value(ZERO),
                                          output_field=MONEY_FIELD))
                  .select_related("request").order_by("issued_at", "id"))
    for sheet in sheets:
        sheet.due = _money(sheet.total - sheet.paid)
    return [sheet for sheet in sheets if sheet.due > 0]


def sheets_payable_from_account(customer) -> list:
    """The customer's sheets his money on account may pay directly (``sheet_pay_from_account``):
    issued, on no invoice, with money still due, oldest first; each with ``due``."""
    return _sheets_due_on_no_invoice(customer=customer)


def what_money_on_account_can_pay(customer_ids) -> dict[int, tuple[int, int]]:
    """For each of these customers, what his money on account could pay now: ``(open
    invoices, charge sheets on no invoice with money due)`` — three reads for any number of
    customers (the list of money on account shows it on each row)."""
    ids = set(customer_ids)
    invoices = defaultdict(int)
    for balance in invoice_balances(Invoice.objects.filter(customer__in=ids)):
        if balance.outstanding > 0:
            invoices[balance.invoice.customer_id] += 1
    sheets = defaultdict(int)
    for sheet in _sheets_due_on_no_invoice(customer__in=ids):
        sheets[sheet.customer_id] += 1
    return {pk: (invoices[pk], sheets[pk]) for pk in ids}


def customer_on_account(customer) -> Decimal:
    """All the customer's money on account."""
    return sum((p.on_account for p in on_account_rows(
        payments_on_account(Payment.objects.filter(customer=customer)))), ZERO)


def invoices_open_for(customer) -> list[InvoiceBalance]:
    """The customer's invoices with something outstanding, the oldest due first: an invoice paid
    in instalments falls due with its first open instalment, any other on the day it was issued.
    Each balance carries ``due_on``."""
    balances = [b for b in invoice_balances(Invoice.objects.filter(customer=customer))
                if b.outstanding > 0]
    plans = payment_plans(balances)
    for balance in balances:
        plan = plans.get(balance.invoice.pk)
        balance.plan = plan
        next_open = plan.next_open if plan else None
        balance.due_on = (next_open.instalment.due_on if next_open
                          else timezone.localtime(balance.invoice.issued_at).date())
    return sorted(balances, key=lambda b: (b.due_on, b.invoice.issued_at, b.invoice.pk))


def invoices_due_now(customer) -> list[tuple[InvoiceBalance, Decimal]]:
    """What the customer should have paid by today, invoice by invoice (the oldest due first):
    of an invoice paid in instalments, its open instalments due by today; of any other, all that
    is open (it fell due when it was issued) — what a payment reminder asks for."""
    today = local_today()
    due = []
    for balance in invoices_open_for(customer):
        if balance.plan is None:
            amount = balance.outstanding
        else:
            amount = sum((s.open for s in balance.plan.instalments
                          if s.open > 0 and s.instalment.due_on <= today), ZERO)
        if amount > 0:
            due.append((balance, amount))
    return due


def customer_credit(customer) -> Decimal:
    """What the customer has with us that may pay what he owes: his money on account and what
    his invoices owe him back (paid, then credited)."""
    owed_back = (Invoice.objects.filter(customer=customer).annotate(open_amount=_open_amount())
                 .filter(open_amount__lt=0).aggregate(s=Sum("open_amount"))["s"])
    return customer_on_account(customer) - _money(owed_back)
