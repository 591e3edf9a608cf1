"""Billing's pages: the start page for each role, a technician's takings, the accountant's
hand-overs (filters, Excel, confirm), the desk's sheets and quotes, and the print views."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import staff_required
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.querysets import get_restricted
from aftersales.service.services import centre_local_date

from .. import services
from ..choices import HandoverState, QuoteState
from ..forms import ConfirmForm
from ..models import ChargeSheet, Handover, Payment, Quote
from ..models.rules import sees_all
from ..selectors import handover_list, quote_list, sheets_waiting, takings_on
from .common import run


def _today(user) -> date:
    return centre_local_date(timezone.now(), getattr(user, "service_centre", None))


@require_GET
@staff_required
def billing_home(request):
    """A technician: today's takings; the accountant: hand-overs to confirm; the desk: sheets
    with money due and quotes waiting."""
    user = request.user
    if user.role == Role.TECHNICIAN:
        return redirect("billing:takings")
    if user.role == Role.ACCOUNTANT:
        return redirect("billing:handovers")
    return redirect("billing:sheets")


@require_GET
@staff_required
def takings(request):
    user = request.user
    day = parse_date(request.GET.get("day") or "") or _today(user)
    rows = list(takings_on(user, day))
    handovers = Handover.objects.filter(technician=user, day=day).order_by("id")
    by_method: dict[str, object] = {}
    for p in rows:
        by_method[p.get_method_display()] = by_method.get(p.get_method_display(), 0) + p.amount
    return render(request, "billing/takings.html", {
        "day": day, "payments": rows, "handovers": handovers, "by_method": sorted(by_method.items()),
        "total": sum((p.amount for p in rows), 0)})


def _handover_rows(request):
    rows = handover_list(request.user).order_by("-day", "technician__username", "-id")
    state = request.GET.get("state", "open")
    if state in HandoverState.values:
        rows = rows.filter(state=state)
    since, until = parse_date(request.GET.get("since") or ""), parse_date(request.GET.get("until") or "")
    if since:
        rows = rows.filter(day__gte=since)
    if until:
        rows = rows.filter(day__lte=until)
    technician = request.GET.get("technician") or ""
    if technician.isdigit():
        rows = rows.filter(technician_id=int(technician))
    return rows, {"state": state, "since": since, "until": until, "technician": technician}


@require_GET
@staff_required
def handovers(request):
    rows, filters = _handover_rows(request)
    if request.GET.get("format") == "xlsx":
        return _handovers_xlsx(rows)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    technicians = User.objects.filter(
        pk__in=handover_list(request.user).values("technician")).order_by("username")
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(request, "billing/handovers.html", {
        "page": page, "technicians": technicians, "states": HandoverState.choices,
        "export_query": query.urlencode(), **filters})


def _handovers_xlsx(rows):
    workbook = workbook_new(title=_("Hand-overs"))
    sheet = sheet_add(workbook, _("Hand-overs"))
    row_append(sheet, [_("Day"), _("Technician"), _("Payments"), _("Taken (¥)"),
                       _("Received (¥)"), _("Difference (¥)"), _("Reason"), _("State"),
                       _("Confirmed by"), _("Confirmed at")])
    for h in rows.annotate(count=Count("payments")):
        row_append(sheet, [h.day, str(h.technician), h.count, h.taken or 0,
                           h.counted, h.difference, h.reason, h.get_state_display(),
                           str(h.confirmed_by or ""), timezone.localtime(h.confirmed_at)
                           .replace(tzinfo=None) if h.confirmed_at else ""])
    return xlsx_response(workbook, "handovers.xlsx")


@require_http_methods(["GET", "POST"])
@staff_required
def handover_detail(request, pk):
    handover = get_restricted(handover_list(request.user), request.user, "view", pk=pk)
    form = ConfirmForm(request.POST or None, initial={"counted": handover.taken or 0,
                                                     "version": handover.version})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            response, _result = run(request, lambda: services.handover_confirm(
                actor=request.user, handover=handover, counted=data["counted"],
                reason=data["reason"], expected_version=data["version"]),
                success=_("Hand-over confirmed."), to=request.path)
            return response
        messages.error(request, _("Enter the amount received."))
    payments = handover.payments.select_related("customer", "sheet", "sheet__request").order_by(
        "received_at", "id")
    return render(request, "billing/handover.html", {
        "handover": handover, "payments": payments, "form": form,
        "can_confirm": handover.state == HandoverState.OPEN and (
            request.user.is_superuser or request.user.role in {Role.ACCOUNTANT, Role.MANAGER,
                                                               Role.ADMIN})})


@require_GET
@staff_required
def sheets(request):
    """The desk's list: quotes waiting for the customer and issued sheets with money due."""
    q = (request.GET.get("q") or "").strip()
    quotes = quote_list(request.user).filter(state=QuoteState.OPEN).order_by("created_at")
    due = sheets_waiting(request.user)
    if q:
        quotes = quotes.filter(Q(number__icontains=q) | Q(request__number__icontains=q)
                               | Q(request__customer__name__icontains=q))
        due = due.filter(Q(number__icontains=q) | Q(request__number__icontains=q)
                         | Q(customer__name__icontains=q))
    page = Paginator(due.order_by("-issued_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "billing/sheets.html", {"quotes": quotes[:50], "page": page, "q": q})


@require_GET
@staff_required
def receipt(request, pk):
    payment = get_restricted(
        Payment.objects.select_related("customer", "sheet", "sheet__request", "received_by",
                                       "drawn_from", "reverses"),
        request.user, "view", pk=pk)
    return render(request, "billing/print/receipt.html", {"payment": payment})


@require_GET
@staff_required
def quote_print(request, pk):
    quote = get_restricted(Quote.objects.select_related("request", "request__customer",
                                                        "decided_by"),
                           request.user, "view", pk=pk)
    return render(request, "billing/print/quote.html", {"quote": quote,
                                                        "lines": quote.lines.all()})


@require_GET
@staff_required
def sheet_print(request, pk):
    sheet = get_restricted(ChargeSheet.objects.select_related("request", "customer", "issued_by"),
                           request.user, "view", pk=pk)
    return render(request, "billing/print/sheet.html", {
        "sheet": sheet, "lines": sheet.lines.select_related("part"),
        "payments": sheet.payments.select_related("drawn_from"),
        "money_wide": sees_all(request.user)})
