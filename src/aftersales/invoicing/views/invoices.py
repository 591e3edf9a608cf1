"""Invoices: the start page (work to invoice, issued invoices), an invoice with its print view,
credit and return notes against it (BL-1, BL-4)."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre
from aftersales.billing.choices import Method
from aftersales.billing.models import Payment
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import error_text, form_error_text
from aftersales.core.numbering import period_bounds
from aftersales.core.pagination import CappedPaginator
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query, safe_next, service_run
from aftersales.customers.models import Customer, MaintenanceContract
from aftersales.dealers.models import Dealer
from aftersales.dealers.selectors import dealer_for
from aftersales.parts.models import MaterialRequest, MaterialRequestPayment, Part, Warehouse
from aftersales.parts.services import order_due, order_paid

from ..choices import InvoiceKind, InvoicingMode
from ..excel import invoices_workbook
from ..forms import CreditNoteForm, ReturnNoteForm, ScheduleForm, month_input, month_value
from ..issuers import company, issuer_get
from ..models import Invoice, InvoicingPreference, ReturnNote
from ..models.documents import REFUND_METHODS
from ..permissions import (
    accounting_required,
    customer_for_books,
    dealer_books_required,
    invoicing_required,
    may_issue,
    orders_seen,
    sees_customer_pages,
    sees_dealer_pages,
)
from ..selectors import (
    invoice_balances,
    invoices_matching,
    on_account_rows,
    payments_on_account,
)
from ..services import (
    contract_invoice_issue,
    credit_note_issue,
    dealer_refund_record,
    invoice_issue,
    invoice_payment_record,
    invoiceable_contracts,
    invoiceable_loans,
    invoiceable_obligations,
    invoiceable_orders,
    invoiceable_sheets,
    invoices_issue_for_period,
    kept_invoice_issue,
    order_invoice_issue,
    payment_schedule_set,
    return_note_issue,
    return_note_receive,
)
from .schedules import schedule_context


def _to_invoice(period: str | None):
    """Charged work not yet invoiced, one row per customer (of ``period`` if given)."""
    sheets = invoiceable_sheets()
    if period:
        since, until = period_bounds(period)
        sheets = sheets.filter(issued_at__gte=since, issued_at__lt=until)
    rows = list(sheets.values("customer").annotate(jobs=Count("id"), total=Sum("total"),
                                                   oldest=Min("issued_at"))
                .order_by("oldest")[:200])
    customers = Customer.objects.in_bulk([r["customer"] for r in rows])
    modes = dict(InvoicingPreference.objects.filter(customer__in=customers)
                 .values_list("customer", "mode"))
    labels = dict(InvoicingMode.choices)
    for row in rows:
        row["customer"] = customers[row["customer"]]
        row["total"] = row["total"].quantize(Decimal("0.01"))
        row["mode"] = modes.get(row["customer"].pk, InvoicingMode.NOW)
        row["mode_label"] = labels[row["mode"]]
    return [r for r in rows if r["mode"] != InvoicingMode.NEVER]


def _contracts_to_invoice():
    """Maintenance contracts whose fee waits for an invoice (customers who take none left
    out), the oldest signed first."""
    contracts = list(invoiceable_contracts().select_related("customer")
                     .order_by("created_at", "id")[:200])
    never = set(InvoicingPreference.objects.filter(
        customer__in={c.customer_id for c in contracts}, mode=InvoicingMode.NEVER)
        .values_list("customer", flat=True))
    return [c for c in contracts if c.customer_id not in never]


KEPT_SHOWN = 100


def _kept_to_invoice() -> list[dict]:
    """Parts kept and charged that wait for an invoice (the dealer's when its invoice was
    refused as they were charged, a customer's kept loan until his month's invoice), one row per
    dealer or customer (customers who take no invoice left out), the oldest charged first."""
    obligations = list(invoiceable_obligations().select_related("dealer", "part", "request",
                                                             "dealer_job_part__job")
                       .order_by("kept_at", "id")[:KEPT_SHOWN])
    loans = list(invoiceable_loans().select_related("customer", "dealer", "part")
                 .order_by("kept_at", "id")[:KEPT_SHOWN])
    never = set(InvoicingPreference.objects.filter(
        customer__in={loan.customer_id for loan in loans if loan.customer_id},
        mode=InvoicingMode.NEVER).values_list("customer", flat=True))
    rows: dict[tuple, dict] = {}
    for item in sorted([*obligations, *loans], key=lambda i: i.kept_at):
        customer = getattr(item, "customer", None)
        if customer is not None and customer.pk in never:
            continue
        party = customer or item.dealer
        row = rows.setdefault((type(party).__name__, party.pk), {
            "party": party, "dealer": item.dealer if customer is None else None,
            "customer": customer, "items": [], "total": Decimal("0.00"),
            "oldest": item.kept_at})
        row["items"].append(item)
        row["total"] += item.charge_amount
    return list(rows.values())


def invoice_filter(request, queryset):
    """The issued list's filters (page, Excel and API read the same query string)."""
    queryset = invoices_matching(queryset, request.GET.get("q"))
    kind = request.GET.get("kind") or ""
    if kind in InvoiceKind.values:
        queryset = queryset.filter(kind=kind)
    if request.GET.get("month"):
        period = month_value(request.GET.get("month"))
        since, until = period_bounds(period)
        queryset = queryset.filter(issued_at__gte=since, issued_at__lt=until)
    centre = request.GET.get("centre") or ""
    if centre.isdigit():
        queryset = queryset.filter(Q(customer__service_centre_id=int(centre))
                                   | Q(dealer__service_centre_id=int(centre)))
    dealer = request.GET.get("dealer") or ""
    if dealer.isdigit():
        queryset = queryset.filter(dealer_id=int(dealer))
    return queryset


ORDERS_SHOWN = 50


def _orders_to_invoice() -> tuple[list, int]:
    """Dealers' charged orders shipped without an invoice (the tax platform refused it when
    they shipped, or they shipped before orders were invoiced): the oldest ``ORDERS_SHOWN``,
    each with what it cost and what was paid, and how many there are."""
    pending = invoiceable_orders()
    orders = list(pending.select_related("dealer").prefetch_related("lines", "payments")
                  .order_by("shipped_at", "id")[:ORDERS_SHOWN])
    for order in orders:
        order.due, order.paid = order_due(order), order_paid(order)
    return orders, (pending.count() if len(orders) == ORDERS_SHOWN else len(orders))


@require_GET
@invoicing_required
def home(request):
    period = month_value(request.GET.get("period")) if request.GET.get("period") else None
    invoices = invoice_filter(request, Invoice.objects.restrict(request.user)
                              .select_related("customer", "dealer", "issued_by"))
    page = CappedPaginator(invoices.order_by("-issued_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    to_invoice = _to_invoice(period)
    orders_to_invoice, orders_count = _orders_to_invoice()
    return render(request, "invoicing/home.html", {
        "page": page, "query": page_query(request), "to_invoice": to_invoice,
        "contracts_to_invoice": _contracts_to_invoice(),
        "orders_to_invoice": orders_to_invoice, "orders_to_invoice_count": orders_count,
        "orders_seen": orders_seen(request.user, (o.pk for o in orders_to_invoice)),
        "kept_to_invoice": _kept_to_invoice(),
        "to_invoice_total": sum((r["total"] for r in to_invoice), Decimal("0.00")),
        "period": period, "period_input": month_input(period) if period else "",
        "this_month": month_input(month_value(None)),
        "q": request.GET.get("q", ""), "kind": request.GET.get("kind", ""),
        "month": request.GET.get("month", ""), "centre": request.GET.get("centre", ""),
        "kinds": InvoiceKind.choices, "centres": ServiceCentre.objects.order_by("name"),
        "may_issue": may_issue(request.user), "issuer": issuer_get(),
        "customer_pages": sees_customer_pages(request.user),
        "filtered": any(request.GET.get(k) for k in ("q", "kind", "month", "centre", "dealer")),
    })


@require_GET
@invoicing_required
def invoices_excel(request):
    invoices = invoice_filter(request, Invoice.objects.restrict(request.user))
    return invoices_workbook(invoice_balances(invoices), "invoices.xlsx")


def _issue_and_open(request, issue, *, back: str):
    """Run ``issue`` (a service call that issues one invoice): the new invoice's page with a
    message naming whom it is made out to; refused, ``back`` with the reason."""
    try:
        invoice = issue()
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(back)
    messages.success(request, _("Invoice %(number)s issued to %(customer)s.")
                     % {"number": invoice.number, "customer": invoice.party})
    return redirect("invoicing:invoice", invoice.pk)


@require_POST
@accounting_required
def invoice_now(request):
    """"Invoice now for this period": one customer's charged work of a month."""
    customer = customer_for_books(request.POST.get("customer"))
    period = month_value(request.POST.get("period"))
    return _issue_and_open(request, lambda: invoice_issue(
        actor=request.user, customer=customer, period=period), back=reverse("invoicing:home"))


@require_POST
@accounting_required
def contract_invoice(request, pk: int):
    """"Invoice the fee" of one maintenance contract (the start page, the contract's page)."""
    contract = MaintenanceContract.objects.filter(pk=pk).select_related("customer").first()
    if contract is None:
        raise Http404
    return _issue_and_open(request, lambda: contract_invoice_issue(
        actor=request.user, contract=contract), back=reverse("invoicing:home"))


@require_POST
@accounting_required
def order_invoice(request, pk: int):
    """"Invoice the order": a dealer's shipped order whose invoice was not issued as it
    shipped (the start page, the order's page)."""
    order = MaterialRequest.objects.filter(pk=pk).select_related("dealer").first()
    if order is None:
        raise Http404
    return _issue_and_open(
        request, lambda: order_invoice_issue(actor=request.user, order=order),
        back=safe_next(request, request.POST.get("next")) or reverse("invoicing:home"))


@require_POST
@accounting_required
def kept_invoice(request):
    """"Invoice what it kept": every kept part of one dealer (``dealer``) or customer
    (``customer``) that waits for an invoice (the start page)."""
    dealer_id, customer_id = request.POST.get("dealer", ""), request.POST.get("customer", "")
    if dealer_id.isdigit():
        dealer = Dealer.objects.filter(pk=int(dealer_id)).first()
        if dealer is None:
            raise Http404
        party = {"dealer": dealer}
    else:
        party = {"customer": customer_for_books(customer_id)}
    return _issue_and_open(request, lambda: kept_invoice_issue(actor=request.user, **party),
                           back=reverse("invoicing:home"))


@require_POST
@accounting_required
def batch_run(request):
    """The month's batch for every customer invoiced later (what the monthly task does)."""
    period = month_value(request.POST.get("period"))
    try:
        issued = invoices_issue_for_period(actor=request.user, period=period)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:home")
    messages.success(request, _("%(count)s invoice(s) issued for %(month)s.")
                     % {"count": len(issued), "month": month_input(period)})
    return redirect("invoicing:home")


EVENT_LABELS = {"issue": gettext_lazy("issued"), "credit": gettext_lazy("credited"),
                "payment": gettext_lazy("payment received"),
                "payment_reverse": gettext_lazy("payment application reversed"),
                "schedule": gettext_lazy("payment schedule made"),
                "schedule_replace": gettext_lazy("payment schedule replaced"),
                "instalment_overdue": gettext_lazy("instalment overdue"),
                "refund": gettext_lazy("paid back to the dealer")}
PAYMENT_METHODS = [(m.value, m.label) for m in (Method.TRANSFER, Method.CASH, Method.CARD,
                                                 Method.QR)]


def _events(invoice):
    events = list(event_list(invoice))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


def _allocations_context(invoice) -> dict:
    """The invoice's payments card: each allocation (how much of which payment pays it; a
    reversal negative, with its reason) and the customer's money on account to apply."""
    allocations = list(invoice.payments.select_related("payment", "allocated_by")
                       .order_by("id"))
    reversed_ids = {a.reverses_id for a in allocations if a.reverses_id}
    for allocation in allocations:
        allocation.is_reversed = allocation.pk in reversed_ids
        allocation.magnitude = abs(allocation.amount)
    if invoice.dealer_id:
        return {"payments": allocations, "on_account": []}
    return {"payments": allocations,
            "on_account": on_account_rows(payments_on_account(
                Payment.objects.filter(customer=invoice.customer_id)))}


def _invoice_get(request, pk):
    return get_restricted(Invoice.objects.select_related("customer", "dealer", "issued_by"),
                          request.user, pk=pk)


def _invoice_page(request, invoice, *, schedule_form=None, status: int = 200):
    """The invoice's page; ``schedule_form``: a schedule that was refused, shown again with
    its errors as it was typed."""
    balance = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0]
    preference = (InvoicingPreference.objects.filter(customer=invoice.customer).first()
                  if invoice.customer_id else None)
    returns = list(invoice.return_notes.select_related("receipt__warehouse")
                   .prefetch_related("lines__part"))
    lines = list(invoice.lines.select_related("sheet__request", "contract", "order",
                                              "obligation__request", "obligation__part",
                                              "obligation__dealer_job_part__job", "loan")
                 .order_by("id"))
    return render(request, "invoicing/invoice.html", {
        "invoice": invoice, "balance": balance, "lines": lines,
        "orders_seen": orders_seen(request.user, (line.order_id for line in lines)),
        "order_payments": _order_payments(invoice),
        "refunds": (invoice.refunds.select_related("refunded_by").order_by("refunded_at", "id")
                    if invoice.dealer_id else []),
        "refund_methods": REFUND_METHODS,
        **_allocations_context(invoice),
        "methods": PAYMENT_METHODS, "payment_key": uuid.uuid4().hex,
        "credit_notes": invoice.credit_notes.order_by("issued_at", "id"),
        "return_notes": returns, "events": _events(invoice),
        "credit_form": CreditNoteForm(), "return_form": ReturnNoteForm(),
        "warehouses": Warehouse.objects.restrict(request.user).filter(active=True)
        .order_by("code"),
        "may_issue": may_issue(request.user), "modes": InvoicingMode.choices,
        "customer_pages": sees_customer_pages(request.user),
        "dealer_pages": sees_dealer_pages(request.user),
        "mode": preference.mode if preference else InvoicingMode.NOW,
        "mode_note": preference.note if preference else "",
        **schedule_context(request, balance, schedule_form),
    }, status=status)


def _order_payments(invoice) -> list:
    """A dealer's invoice: what the dealer paid for its order (the order's payment rows)."""
    if not invoice.dealer_id:
        return []
    return list(MaterialRequestPayment.objects
                .filter(material_request__invoice_line__invoice=invoice)
                .select_related("material_request", "recorded_by").order_by("id"))


@require_GET
@invoicing_required
def invoice_detail(request, pk: int):
    return _invoice_page(request, _invoice_get(request, pk))


@require_POST
@accounting_required
def payment_schedule_new(request, pk: int):
    """Make or replace the invoice's payment schedule; refused, the page shows it again as it
    was typed, with what is wrong (400)."""
    invoice = _invoice_get(request, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid() and service_run(request, lambda: payment_schedule_set(
            actor=request.user, invoice=invoice, instalments=form.cleaned_data["instalments"],
            reason=form.cleaned_data["reason"], replaces=form.cleaned_data["replaces"]),
            form=form):
        messages.success(request, _("Payment schedule of invoice %(number)s saved.")
                         % {"number": invoice.number})
        return redirect(reverse("invoicing:invoice", args=[invoice.pk]) + "#schedule")
    return _invoice_page(request, invoice, schedule_form=form, status=400)


@require_GET
@dealer_books_required
def invoice_print(request, pk: int):
    """The invoice as printed; a dealer's login prints its own (another's is 404)."""
    user = request.user
    if getattr(user, "role", None) == Role.DEALER:
        dealer = dealer_for(user)  # None: a login linked to no dealer sees no invoice at all
        invoice = (Invoice.objects.filter(pk=pk, dealer=dealer).select_related(
            "dealer", "issued_by").first() if dealer is not None else None)
        if invoice is None:
            raise Http404
        back = reverse("invoicing:dealer_statement", args=[invoice.dealer_id])
    else:
        invoice = _invoice_get(request, pk)
        back = reverse("invoicing:invoice", args=[invoice.pk])
    lines = list(invoice.lines.select_related("sheet__request", "contract", "order",
                                              "obligation__request", "obligation__part",
                                              "obligation__dealer_job_part__job", "loan")
                 .prefetch_related("order__lines__part").order_by("id"))
    return render(request, "invoicing/print/invoice.html", {
        "invoice": invoice, "lines": lines, "company": company(), "back": back,
        "issuer": issuer_get(), "extra": issuer_get().print_context(invoice),
        "centre": invoice.party.service_centre,
    })


@require_POST
@accounting_required
def credit_note_new(request, pk: int):
    invoice = _invoice_get(request, pk)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("invoicing:invoice", invoice.pk)
    try:
        note = credit_note_issue(actor=request.user, customer=invoice.customer,
                                 amount=form.cleaned_data["amount"],
                                 reason=form.cleaned_data["reason"],
                                 kind=form.cleaned_data["kind"], invoice=invoice)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice", invoice.pk)
    messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
    return redirect("invoicing:invoice", invoice.pk)


@require_POST
@accounting_required
def invoice_payment_new(request, pk: int):
    """The customer paid against this invoice (a transfer for a monthly invoice, a contract's
    fee). The form carries an idempotency key, so sending it twice records it once."""
    invoice = _invoice_get(request, pk)
    try:
        allocation, created = invoice_payment_record(
            actor=request.user, invoice=invoice, amount=request.POST.get("amount", ""),
            method=request.POST.get("method", ""),
            idempotency_key=request.POST.get("key", ""),
            reference=request.POST.get("reference", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice", invoice.pk)
    if created:
        messages.success(request, _("Payment %(number)s of ¥%(amount)s recorded.")
                         % {"number": allocation.payment.number,
                            "amount": allocation.payment.amount})
    return redirect("invoicing:invoice", invoice.pk)


@require_POST
@accounting_required
def dealer_refund_new(request, pk: int):
    """Pay the dealer back what a credit note left it owed on its invoice; the form sends what
    it showed as owed back, so sending it twice pays once."""
    invoice = _invoice_get(request, pk)
    if service_run(request, lambda: dealer_refund_record(
            actor=request.user, invoice=invoice, amount=request.POST.get("amount", ""),
            reference=request.POST.get("reference", ""), note=request.POST.get("note", ""),
            owed_seen=request.POST.get("owed", ""),
            method=request.POST.get("method") or Method.TRANSFER)):
        messages.success(request, _("Refund to %(dealer)s recorded.")
                         % {"dealer": invoice.dealer.name})
    return redirect(reverse("invoicing:invoice", args=[invoice.pk]) + "#payments")


@require_POST
@accounting_required
def return_note_new(request, pk: int):
    invoice = _invoice_get(request, pk)
    form = ReturnNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("invoicing:invoice", invoice.pk)
    data = form.cleaned_data
    part = None
    if data["part"]:
        part = Part.objects.filter(code=data["part"].strip()).first()
        if part is None:
            messages.error(request, _("No part with the number “%(code)s”.")
                           % {"code": data["part"]})
            return redirect("invoicing:invoice", invoice.pk)
    try:
        note = return_note_issue(actor=request.user, invoice=invoice, reason=data["reason"],
                                 lines=[(data["description"], data["amount"], part,
                                         data["quantity"])])
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice", invoice.pk)
    messages.success(request, _("Return note %(number)s issued.") % {"number": note.number})
    return redirect("invoicing:invoice", invoice.pk)


@require_POST
@invoicing_required
def return_note_receive_view(request, pk: int):
    """The warehouse confirms it received the returned goods (whoever may move its stock)."""
    note = get_restricted(ReturnNote.objects.all(), request.user, pk=pk)
    warehouse = Warehouse.objects.restrict(request.user).filter(
        pk=request.POST.get("warehouse") or 0).first()
    if warehouse is None:
        messages.error(request, _("Choose the place the goods were received into."))
        return redirect("invoicing:invoice", note.invoice_id)
    try:
        return_note_receive(actor=request.user, return_note=note, warehouse=warehouse,
                            note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Goods of %(number)s received into %(place)s.")
                         % {"number": note.number, "place": warehouse})
    return redirect("invoicing:invoice", note.invoice_id)
