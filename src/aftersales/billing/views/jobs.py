"""A job's money, acted on from the technician's phone, the desk's request page and the portal:
quotes, expenses, payments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.forms import form_error_text
from aftersales.core.querysets import get_restricted
from aftersales.parts.models import Part
from aftersales.service.models import ServiceRequest

from .. import services
from ..choices import AgreedVia
from ..forms import ExpenseForm, PaymentForm, PhoneAnswerForm, SignForm
from ..models import ChargeExpense, ChargeSheet, Payment, Quote
from .common import back, run


def _job(request, pk) -> ServiceRequest:
    return get_restricted(ServiceRequest.objects.select_related("customer"), request.user, "view",
                          pk=pk)


def _form_error(request, form, to):
    messages.error(request, form_error_text(form))
    return redirect(to)


def _planned(request) -> list[tuple]:
    """The form's parts to fit: rows of a part number and a quantity (empty rows skipped);
    an unknown number is a ValidationError naming it."""
    codes = request.POST.getlist("plan_part")
    quantities = request.POST.getlist("plan_qty")
    rows = [(code.strip(), (qty or "").strip() or "1")
            for code, qty in zip(codes, quantities + [""] * len(codes), strict=False)
            if code.strip()]
    parts = {p.code.upper(): p for p in Part.objects.filter(
        code__in=[code.upper() for code, _qty in rows] + [code for code, _qty in rows])}
    missing = [code for code, _qty in rows if code.upper() not in parts]
    if missing:
        raise ValidationError({"planned": [_("No part with the number “%(code)s”.")
                                           % {"code": missing[0]}]})
    return [(parts[code.upper()], qty) for code, qty in rows]


def _planned_labour(request) -> list[tuple]:
    """The form's labour still to do: rows of what for and hours (rows with neither skipped;
    the service refuses a row with only one of them)."""
    whats = request.POST.getlist("plan_labour")
    hours = request.POST.getlist("plan_hours")
    rows = zip(whats, hours + [""] * len(whats), strict=False)
    return [(what, h) for what, h in rows if what.strip() or h.strip()]


@require_POST
@staff_required
def quote_make(request, pk):
    job = _job(request, pk)
    response, quote = run(request, lambda: services.quote_make(
        actor=request.user, request=job, planned=_planned(request),
        planned_labour=_planned_labour(request)),
        success="", to=back(request, job))
    if quote is not None:
        messages.success(request, _("Quote %(number)s: ¥%(total)s.") % {
            "number": quote.number, "total": quote.total})
    return response


def _quote(request, pk) -> Quote:
    return get_restricted(Quote.objects.select_related("request", "request__customer"),
                          request.user, "view", pk=pk)


@require_POST
@staff_required
def quote_sign(request, pk):
    """The customer signs the quote on the technician's phone."""
    quote = _quote(request, pk)
    to = back(request, quote.request)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, to)
    response, _result = run(request, lambda: services.quote_agree(
        actor=request.user, quote=quote, via=AgreedVia.SIGNATURE,
        signer_name=form.cleaned_data["signer_name"], signature=form.cleaned_data["signature"]),
        success=_("The customer signed the quote."), to=to)
    return response


@require_POST
@staff_required
def quote_phone(request, pk):
    """The agent records the customer's answer given on the phone."""
    quote = _quote(request, pk)
    to = back(request, quote.request)
    form = PhoneAnswerForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, to)
    data = form.cleaned_data
    if request.POST.get("answer") == "decline":
        fn = lambda: services.quote_decline(actor=request.user, quote=quote,  # noqa: E731
                                            via=AgreedVia.PHONE, note=data["note"],
                                            signer_name=data["signer_name"])
        done = _("The refusal is recorded.")
    else:
        fn = lambda: services.quote_agree(actor=request.user, quote=quote,  # noqa: E731
                                          via=AgreedVia.PHONE, signer_name=data["signer_name"],
                                          note=data["note"])
        done = _("The agreement is recorded.")
    response, _result = run(request, fn, success=done, to=to)
    return response


@require_POST
@login_required
def quote_portal(request, pk):
    """The customer's own answer in the portal."""
    if request.user.role != "customer":
        raise Forbidden
    quote = _quote(request, pk)
    to = reverse("portal:request", args=[quote.request.number])
    if request.POST.get("answer") == "decline":
        fn = lambda: services.quote_decline(actor=request.user, quote=quote,  # noqa: E731
                                            via=AgreedVia.PORTAL,
                                            note=request.POST.get("note", ""))
        done = _("You declined the quote; the request is cancelled.")
    else:
        fn = lambda: services.quote_agree(actor=request.user, quote=quote,  # noqa: E731
                                          via=AgreedVia.PORTAL)
        done = _("Thank you: you agreed to the quote.")
    response, _result = run(request, fn, success=done, to=to)
    return response


@require_POST
@staff_required
def expense_add(request, pk):
    job = _job(request, pk)
    to = back(request, job)
    form = ExpenseForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, to)
    response, _result = run(request, lambda: services.expense_add(actor=request.user, request=job,
                                                                  **form.cleaned_data),
                            success=_("Expense added."), to=to)
    return response


@require_POST
@staff_required
def expense_remove(request, pk):
    expense = get_restricted(ChargeExpense.objects.select_related("request"), request.user,
                             "view", pk=pk)
    response, _result = run(request, lambda: services.expense_remove(actor=request.user,
                                                                     expense=expense),
                            success=_("Expense removed."), to=back(request, expense.request))
    return response


@require_POST
@staff_required
def payment_add(request, pk):
    sheet = get_restricted(ChargeSheet.objects.select_related("request"), request.user, "view",
                           pk=pk)
    to = back(request, sheet.request)
    form = PaymentForm(request.POST, all_methods=request.user.role != "technician")
    if not form.is_valid():
        return _form_error(request, form, to)
    data = form.cleaned_data
    response, result = run(request, lambda: services.payment_record(
        actor=request.user, sheet=sheet, amount=data["amount"], method=data["method"],
        idempotency_key=data["idempotency_key"], reference=data["reference"]), success="", to=to)
    if result is not None:
        payment, created = result
        text = _("Payment %(number)s recorded: ¥%(amount)s.") if created else \
            _("Payment %(number)s was already recorded: ¥%(amount)s.")
        messages.success(request, text % {"number": payment.number, "amount": payment.amount})
    return response


@require_POST
@staff_required
def payment_reverse(request, pk):
    """Undo a sheet paid from money on account by mistake (a reason is required): the sheet owes
    it again and the money is back on the customer's account."""
    payment = get_restricted(Payment.objects.select_related("sheet__request"), request.user,
                             "view", pk=pk)
    to = back(request, payment.sheet.request if payment.sheet_id else None)
    response, result = run(request, lambda: services.payment_draw_reverse(
        actor=request.user, payment=payment, reason=request.POST.get("reason", "")),
        success="", to=to)
    if result is not None:
        messages.success(request, _("Payment %(number)s reversed by %(reversal)s: ¥%(amount)s is "
                                    "back on account.")
                         % {"number": payment.number, "reversal": result.number,
                            "amount": payment.amount})
    return response
