"""One payment over several invoices and money on account (预收款): the customer's payment page
(record a payment, split it oldest due first, the rest on account; or apply money on account),
the list of money on account, and reversing a mistaken application (docs/invoicing.md,
"Payments, allocations and money on account")."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.models import ServiceCentre
from aftersales.billing.models import ChargeSheet, Payment
from aftersales.core.views import PAGE_SIZE, page_query, safe_next, service_value
from aftersales.customers.models import Customer

from ..allocations import split_oldest_first
from ..issuers import company
from ..models import DepositRefund, InvoicePayment
from ..models.documents import REFUND_METHODS
from ..money import money
from ..permissions import accounting_required, customer_for_books, invoicing_required, may_issue
from ..selectors import (
    customer_matching,
    invoices_open_for,
    on_account_rows,
    payment_unapplied,
    payments_on_account,
    sheets_payable_from_account,
    what_money_on_account_can_pay,
)
from ..services import (
    allocation_reverse,
    customer_payment_record,
    deposit_refund,
    payment_apply,
    sheet_pay_from_account,
)
from .invoices import PAYMENT_METHODS

ZERO = Decimal("0.00")
CUSTOMERS_FOUND = 10


def _typed_rows(request) -> list[tuple[str, str]]:
    """The split as the form posted it: each open invoice's id and the amount typed for it."""
    return list(zip(request.POST.getlist("invoice"), request.POST.getlist("alloc"),
                    strict=False))


def _allocations(rows) -> list[tuple[int, str]]:
    return [(int(pk), amount.strip()) for pk, amount in rows if pk.isdigit() and amount.strip()]


def _amount_or_zero(value) -> Decimal:
    try:
        return max(money(value), ZERO) if str(value or "").strip() else ZERO
    except ValidationError:  # a typing mistake splits nothing; the service says why on saving
        return ZERO


def _on_account_payment(customer, pk) -> Payment | None:
    if not str(pk or "").isdigit():
        return None
    rows = on_account_rows(payments_on_account(Payment.objects.filter(customer=customer, pk=pk)))
    return rows[0] if rows else None


def _sheets_with_default(customer, payment) -> list:
    """Sheets the payment may pay, each with what it would pay by default (all that is due, as
    far as the money goes) and a key of its own for its form."""
    sheets = sheets_payable_from_account(customer)
    for sheet in sheets:
        sheet.pay = min(sheet.due, payment.on_account)
        sheet.key = uuid.uuid4().hex
    return sheets


def _pay_page(request, customer, *, payment=None, typed=None, amount="", status=200):
    """The customer's payment page: his open invoices, oldest due first, each with the amount
    the money pays of it — split oldest first by default, as typed after a refusal."""
    balances = invoices_open_for(customer)
    money_in = payment.on_account if payment else _amount_or_zero(amount)
    split = split_oldest_first(money_in, [b.outstanding for b in balances])
    typed = dict(typed or {})
    rows = [(b, typed.get(str(b.invoice.pk), str(value) if value else "")) for b, value
            in zip(balances, split, strict=True)]
    return render(request, "invoicing/pay.html", {
        "customer": customer, "rows": rows, "payment": payment, "amount": amount,
        "open_total": sum((b.outstanding for b in balances), ZERO),
        "on_account": on_account_rows(payments_on_account(
            Payment.objects.filter(customer=customer))),
        # applying money on account: it may also pay a job's sheet that is on no invoice yet
        "sheets": _sheets_with_default(customer, payment) if payment else [],
        "refund_methods": REFUND_METHODS, "refund_key": uuid.uuid4().hex,
        "refunds": list(payment.refunds.select_related("refunded_by")) if payment else [],
        "methods": PAYMENT_METHODS, "key": request.POST.get("key") or uuid.uuid4().hex,
        "method": request.POST.get("method", ""), "reference": request.POST.get("reference", ""),
        "next": safe_next(request, request.POST.get("next") or request.GET.get("next")),
    }, status=status)


@require_http_methods(["GET", "POST"])
@accounting_required
def customer_pay(request, customer_pk: int):
    """Record one payment from the customer and split it over his open invoices (the rest
    stays on account), or — with ``?payment=`` — apply that payment's money on account."""
    customer = customer_for_books(customer_pk)
    payment = _on_account_payment(customer, request.GET.get("payment")
                                  or request.POST.get("payment"))
    if request.method == "GET":
        return _pay_page(request, customer, payment=payment,
                         amount=request.GET.get("amount", ""))
    rows = _typed_rows(request)
    key = request.POST.get("key", "")
    if payment is not None:
        done, _result = service_value(request, lambda: payment_apply(
            actor=request.user, payment=payment, allocations=_allocations(rows),
            idempotency_key=key))
        if done:
            messages.success(request, _("Money on account of payment %(number)s applied.")
                             % {"number": payment.number})
    else:
        amount = request.POST.get("amount", "")
        done, result = service_value(request, lambda: customer_payment_record(
            actor=request.user, customer=customer, amount=amount,
            method=request.POST.get("method", ""), idempotency_key=key,
            reference=request.POST.get("reference", ""), allocations=_allocations(rows)))
        if done:
            recorded, _created = result
            left = payment_unapplied(recorded)
            messages.success(request, _("Payment %(number)s of ¥%(amount)s recorded; ¥%(left)s "
                                        "stays on account.")
                             % {"number": recorded.number, "amount": recorded.amount,
                                "left": left})
    if not done:
        return _pay_page(request, customer, payment=payment, typed=dict(rows),
                         amount=request.POST.get("amount", ""), status=400)
    return redirect(safe_next(request, request.POST.get("next"))
                    or reverse("invoicing:customer_pay", args=[customer.pk]))


@require_POST
@accounting_required
def sheet_pay_from_account_view(request, sheet_pk: int):
    """Pay a job's charge sheet (on no invoice yet) from the customer's money on account; back
    to the page the form was on, which says what was done or why not."""
    sheet = ChargeSheet.objects.filter(pk=sheet_pk).select_related("customer").first()
    if sheet is None:
        raise Http404
    pk = request.POST.get("payment", "")
    payment = Payment.objects.filter(pk=pk, customer=sheet.customer_id).first() \
        if pk.isdigit() else None
    back = safe_next(request, request.POST.get("next")) or (
        reverse("invoicing:customer_pay", args=[sheet.customer_id])
        + (f"?payment={payment.pk}" if payment else ""))
    if payment is None:
        messages.error(request, _("Choose the money on account that pays the sheet."))
        return redirect(back)
    done, result = service_value(request, lambda: sheet_pay_from_account(
        actor=request.user, payment=payment, sheet=sheet, amount=request.POST.get("amount", ""),
        idempotency_key=request.POST.get("key", "")))
    if done:
        drawn, _created = result
        messages.success(request, _("Charge sheet %(sheet)s: ¥%(amount)s paid from money on "
                                    "account (payment %(payment)s), receipt %(number)s.")
                         % {"sheet": sheet.number, "amount": drawn.amount,
                            "payment": payment.number, "number": drawn.number})
    return redirect(back)


@require_POST
@accounting_required
def deposit_refund_view(request, customer_pk: int, pk: int):
    """Pay money on account back to the customer (a reason is required); then its slip to print
    for the customer to sign — or, refused, back to the page of that money, which says why."""
    customer = customer_for_books(customer_pk)
    payment = Payment.objects.filter(pk=pk, customer=customer).first()
    if payment is None:
        raise Http404
    back = reverse("invoicing:customer_pay", args=[customer.pk]) + f"?payment={payment.pk}"
    done, result = service_value(request, lambda: deposit_refund(
        actor=request.user, payment=payment, amount=request.POST.get("amount", ""),
        reason=request.POST.get("reason", ""), method=request.POST.get("method", ""),
        reference=request.POST.get("reference", ""), idempotency_key=request.POST.get("key", "")))
    if done:
        refund, _created = result
        messages.success(request, _("%(number)s: ¥%(amount)s of payment %(payment)s paid back to "
                                    "%(customer)s.")
                         % {"number": refund.number, "amount": refund.amount,
                            "payment": payment.number, "customer": customer.name})
        back = reverse("invoicing:deposit_refund_print", args=[refund.pk])
    return redirect(back)


@require_GET
@invoicing_required
def deposit_refund_print(request, pk: int):
    """A refund of money on account as a slip to print, for the customer to sign."""
    refund = (DepositRefund.objects.restrict(request.user).filter(pk=pk)
              .select_related("payment__customer", "refunded_by").first())
    if refund is None:
        raise Http404
    return render(request, "invoicing/print/refund.html", {
        "refund": refund, "payment": refund.payment, "customer": refund.payment.customer,
        "left": payment_unapplied(refund.payment), "company": company()})


@require_POST
@accounting_required
def allocation_reverse_view(request, pk: int):
    """Reverse one application of a payment to an invoice (a reason is required); the money
    goes back on the customer's account."""
    allocation = InvoicePayment.objects.filter(pk=pk).select_related("payment", "invoice").first()
    if allocation is None:
        raise Http404
    done, _result = service_value(request, lambda: allocation_reverse(
        actor=request.user, allocation=allocation, reason=request.POST.get("reason", "")))
    if done:
        messages.success(request, _("¥%(amount)s of payment %(number)s taken off invoice "
                                    "%(invoice)s and put back on account.")
                         % {"amount": allocation.amount, "number": allocation.payment.number,
                            "invoice": allocation.invoice.number})
    return redirect(reverse("invoicing:invoice", args=[allocation.invoice_id]) + "#payments")


@require_GET
@invoicing_required
def on_account_page(request):
    """Money on account: the back office's payments with something not yet applied, oldest
    first (customer, service centre); whoever records payments finds a customer here to
    record money received from him."""
    payments = Payment.objects.select_related("customer", "received_by")
    q = (request.GET.get("q") or "").strip()
    if q:
        payments = payments.filter(customer_matching(q))
    centre = request.GET.get("centre") or ""
    if centre.isdigit():
        payments = payments.filter(customer__service_centre_id=int(centre))
    rows = on_account_rows(payments_on_account(payments))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    payable = what_money_on_account_can_pay(p.customer_id for p in page.object_list)
    for payment in page.object_list:
        payment.open_invoices, payment.open_sheets = payable[payment.customer_id]
    customers = []
    if q and may_issue(request.user):
        customers = list(Customer.objects.filter(customer_matching(q, path=""))
                         .order_by("name")[:CUSTOMERS_FOUND])
    return render(request, "invoicing/on_account.html", {
        "page": page, "query": page_query(request), "q": q, "centre": centre,
        "total": sum((p.on_account for p in rows), ZERO), "customers": customers,
        "centres": ServiceCentre.objects.order_by("name"), "may_issue": may_issue(request.user),
    })
