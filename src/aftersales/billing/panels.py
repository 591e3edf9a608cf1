"""What billing adds to other apps' pages (core.panels): a job's charges, quote and payments on
the desk's request page and on the technician's phone."""

import uuid
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES, STAFF_ROLES, Role
from aftersales.core.find import FIND_PAGE, find_panel, local_day, number_section
from aftersales.core.panels import Panel
from aftersales.core.querysets import ids_restricted
from aftersales.service.choices import Category, Status

from .choices import ExpenseKind, Method, QuoteState
from .models import BillingSettings, ChargeExpense, ChargeSheet, Payment
from .selectors import charge_summary, hourly_rate_for, quote_list
from .services import QUOTE_PREFIX, SHEET_PREFIX, WORK_OPEN
from .workflow import ACCOUNTING

QUOTABLE = frozenset({Status.AWAITING_AGREEMENT, Status.REGISTERED}) | WORK_OPEN


def _payments(summary, user):
    """The sheet's payments, each with ``receipt_opens``: whether its receipt opens for ``user``
    (payments' own rule: the technician who took it, his supervisor, the back office) — the
    desk's agent sees the payment on the request, its number unlinked."""
    payments = list(summary.payments) if summary.issued else []
    opens = ids_restricted(Payment.objects, user, (p.pk for p in payments))
    for payment in payments:
        payment.receipt_opens = payment.pk in opens
    return payments


def _open_quote(quote):
    """An open quote's own lines and total, as the charges block shows them: what the customer
    agrees to may hold parts still to fit, which the job's preview does not."""
    if quote is None or quote.state != QuoteState.OPEN:
        return None
    return SimpleNamespace(lines=list(quote.lines.order_by("position")), total=quote.total)


def request_charges_panel(http_request, job) -> dict | None:
    """The desk's request page: the sheet (final once issued, a preview before), the quote and
    the agent's record of a phone answer, the payments."""
    user = http_request.user
    summary = charge_summary(job)
    if not summary.lines and summary.quote is None:
        return None
    desk = user.is_superuser or user.role in DESK_ROLES
    payments = _payments(summary, user)
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    for payment in payments:
        # a sheet paid from money on account by mistake may be undone by the back office
        payment.reversible = (payment.method == Method.ACCOUNT and payment.amount > 0
                              and payment.pk not in reversed_ids)
    return {"job": job, "charges": summary, "quote": summary.quote, "payments": payments,
            "may_reverse": user.is_superuser or user.role in ACCOUNTING,
            "quoted": _open_quote(summary.quote), "can_answer": desk,
            "can_quote": desk and job.category == Category.A and job.status in QUOTABLE}


def job_billing_panel(http_request, job) -> dict | None:
    """The technician's phone: charges, the quote to sign, expenses, taking the payment."""
    user = http_request.user
    summary = charge_summary(job)
    mine = user.is_superuser or (user.role == Role.TECHNICIAN and job.assigned_technician_id == user.pk)
    can_work = mine and job.status in WORK_OPEN
    quote = summary.quote
    to_take = summary.to_take if mine else summary.due
    return {
        "job": job, "charges": summary, "quote": quote, "payments": _payments(summary, user),
        "quoted": _open_quote(quote), "can_work": can_work,
        "can_quote": can_work and job.category == Category.A
        and (quote is None or quote.state != QuoteState.AGREED or quote.total != summary.total),
        "can_pay": mine and summary.issued and to_take > 0, "to_take": to_take,
        # WK-2: a small fee is paid on the spot; above the limit the invoice usually follows
        "over_limit": summary.issued and to_take > BillingSettings.current().on_site_limit,
        "payment_key": uuid.uuid4().hex,
        "expenses": list(ChargeExpense.objects.filter(request=job)) if can_work else [],
        "expense_kinds": ExpenseKind.choices,
        "hourly_rate": hourly_rate_for(job.installed_product.model
                                       if job.installed_product_id else None) if can_work else None,
    }


def sheet_find(http_request, q) -> dict | None:
    """Quick find: charge sheets (CS…) and quotes (QT…) by number, on their printed page
    (their pages' rule: staff; the find page itself is the desk's and the accountant's)."""
    return number_section(
        http_request, q, prefix=SHEET_PREFIX, roles=STAFF_ROLES, title=_("Charge sheets"),
        rows=lambda user: (ChargeSheet.objects.restrict(user, "view").select_related("customer")
                           .order_by("-issued_at", "-id")),
        url=lambda sheet: reverse("billing:sheet", args=[sheet.pk]),
        detail=lambda sheet: (f"{sheet.customer.name} · ¥{sheet.total} · "
                              f"{local_day(sheet.issued_at)}"),
    ) or number_section(
        http_request, q, prefix=QUOTE_PREFIX, roles=STAFF_ROLES, title=_("Quotes"),
        rows=lambda user: quote_list(user).order_by("-created_at", "-id"),
        url=lambda quote: reverse("billing:quote", args=[quote.pk]),
        detail=lambda quote: (f"{quote.request.customer.name} · ¥{quote.total} · "
                              f"{quote.get_state_display()}"))


PANELS = {
    FIND_PAGE: [find_panel(sheet_find, order=50)],
    "service_request.detail": [
        Panel(template="billing/panels/request.html", context=request_charges_panel, order=20),
    ],
    "field.job": [
        Panel(template="billing/panels/job.html", context=job_billing_panel, order=20),
    ],
}
