"""Receivables with ageing, the instalments due, the credit notes list and the month's figures
(BL-3)."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import ServiceCentre
from aftersales.core.dates import local_today
from aftersales.core.forms import error_text
from aftersales.core.pagination import CappedPaginator
from aftersales.core.views import PAGE_SIZE, page_query
from aftersales.dealers.models import Dealer

from ..charts import figures_charts
from ..choices import AGEING_BUCKETS, CreditKind
from ..excel import (
    credit_notes_workbook,
    figures_workbook,
    instalments_due_workbook,
    receivables_workbook,
)
from ..forms import (
    DUE_WITHIN_DAYS,
    InstalmentsDueForm,
    PreferenceForm,
    month_input,
    month_value,
    statement_default_since,
)
from ..models import CreditNote, Invoice
from ..permissions import (
    accounting_required,
    customer_for_books,
    invoicing_required,
    may_issue,
    sees_customer_pages,
    sees_dealer_pages,
)
from ..selectors import (
    credit_notes_matching,
    customer_matching,
    instalments_due,
    monthly_figures,
    receivables,
    receivables_totals,
)
from ..services import invoicing_preference_set, month_bounds, statements_sent_for_month
from ..statements import last_reminders


def _as_of(request) -> date:
    try:
        return min(date.fromisoformat(request.GET.get("as_of") or ""), local_today())
    except ValueError:
        return local_today()


def _parties_invoices(request):
    """The invoices of the customers (or dealers) asked for: by name or phone (``q``; a dealer
    by part of its name or its code), by service centre."""
    invoices = Invoice.objects.restrict(request.user)
    q = (request.GET.get("q") or "").strip()
    if q:
        invoices = invoices.filter(customer_matching(q) | Q(dealer__name__icontains=q)
                                   | Q(dealer__code__iexact=q))
    centre = request.GET.get("centre") or ""
    if centre.isdigit():
        invoices = invoices.filter(Q(customer__service_centre_id=int(centre))
                                   | Q(dealer__service_centre_id=int(centre)))
    return invoices


def _receivables(request):
    as_of = _as_of(request)
    rows = receivables(_parties_invoices(request), as_of=as_of, dealers=True)
    bucket = request.GET.get("bucket") or ""
    if bucket in {key for key, *_ in AGEING_BUCKETS}:
        rows = [r for r in rows if r.buckets[bucket] > 0]
    elif request.GET.get("open", "1") == "1":
        rows = [r for r in rows if r.outstanding != 0]
    return rows, as_of


@require_GET
@invoicing_required
def receivables_page(request):
    rows, as_of = _receivables(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    reminded = last_reminders(row.customer.pk for row in page.object_list if row.customer)
    dealers_reminded = last_reminders((row.dealer.pk for row in page.object_list if row.dealer),
                                      Dealer)
    for row in page.object_list:
        row.reminded = (reminded.get(row.customer.pk) if row.customer
                        else dealers_reminded.get(row.dealer.pk))
    return render(request, "invoicing/receivables.html", {
        "page": page, "query": page_query(request), "totals": receivables_totals(rows),
        "buckets": [(key, label) for key, label, *_ in AGEING_BUCKETS], "as_of": as_of,
        "q": request.GET.get("q", ""), "centre": request.GET.get("centre", ""),
        "bucket": request.GET.get("bucket", ""), "open": request.GET.get("open", "1"),
        "centres": ServiceCentre.objects.order_by("name"),
        "customer_pages": sees_customer_pages(request.user),
        "dealer_pages": sees_dealer_pages(request.user),
        **_statements_card(request),
    })


def _statements_card(request) -> dict:
    """The month's statements: which month (last month unless asked), how many were sent."""
    period = month_value(request.GET.get("month"),
                         default=statement_default_since(local_today()))
    return {"statements_month": month_input(period), "may_issue": may_issue(request.user),
            "statements_sent": statements_sent_for_month(period)}


@require_GET
@invoicing_required
def receivables_excel(request):
    rows, as_of = _receivables(request)
    return receivables_workbook(rows, as_of, f"receivables-{as_of.isoformat()}.xlsx")


def _instalments_due(request):
    """The open instalments the filter asks for (page and Excel); None if the filter is
    invalid."""
    form = InstalmentsDueForm(request.GET)
    if not form.is_valid():
        return form, None
    days = form.cleaned_data["days"]
    return form, instalments_due(_parties_invoices(request), as_of=local_today(),
                                 within_days=DUE_WITHIN_DAYS if days is None else days,
                                 overdue_only=form.cleaned_data["overdue"])


@require_GET
@invoicing_required
def instalments_due_page(request):
    form, rows = _instalments_due(request)
    page = Paginator(rows or [], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invoicing/instalments_due.html", {
        "form": form, "page": page, "query": page_query(request), "today": local_today(),
        "q": request.GET.get("q", ""), "centre": request.GET.get("centre", ""),
        "days": request.GET.get("days") or DUE_WITHIN_DAYS,
        "centres": ServiceCentre.objects.order_by("name"),
        "customer_pages": sees_customer_pages(request.user),
    }, status=400 if rows is None else 200)


@require_GET
@invoicing_required
def instalments_due_excel(request):
    form, rows = _instalments_due(request)
    if rows is None:
        return HttpResponseBadRequest(error_text(ValidationError(form.errors)))
    today = local_today()
    return instalments_due_workbook(rows, today, f"instalments-due-{today.isoformat()}.xlsx")


def _credit_notes(request):
    notes = CreditNote.objects.restrict(request.user).select_related("customer", "dealer",
                                                                     "invoice", "issued_by")
    notes = credit_notes_matching(notes, request.GET.get("q"))
    kind = request.GET.get("kind") or ""
    if kind in CreditKind.values:
        notes = notes.filter(kind=kind)
    return notes.order_by("-issued_at", "-id")


@require_GET
@invoicing_required
def credit_notes_page(request):
    page = CappedPaginator(_credit_notes(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invoicing/credit_notes.html", {
        "page": page, "query": page_query(request), "q": request.GET.get("q", ""),
        "kind": request.GET.get("kind", ""), "kinds": CreditKind.choices})


@require_GET
@invoicing_required
def credit_notes_excel(request):
    return credit_notes_workbook(_credit_notes(request), "credit-notes.xlsx")


def _figures(request):
    default = local_today().replace(day=1) - timedelta(days=1)  # last month
    period = month_value(request.GET.get("month"), default=default)
    since, until = month_bounds(period)
    centres = ServiceCentre.objects.order_by("name")
    centre = None
    if (request.GET.get("centre") or "").isdigit():
        centre = centres.filter(pk=int(request.GET["centre"])).first()
    return period, centre, monthly_figures(since=since, until=until, centre=centre)


@require_GET
@invoicing_required
def figures_page(request):
    period, centre, figures = _figures(request)
    return render(request, "invoicing/figures.html", {
        "figures": figures, "month": month_input(period), "centre": centre,
        "centres": ServiceCentre.objects.order_by("name"), "charts": figures_charts(figures)})


@require_GET
@invoicing_required
def figures_excel(request):
    period, centre, figures = _figures(request)
    return figures_workbook(figures, centre, f"after-sales-revenue-{month_input(period)}.xlsx")


@require_POST
@accounting_required
def preference_set(request, customer_pk: int):
    customer = customer_for_books(customer_pk)
    form = PreferenceForm(request.POST)
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = None
    if not form.is_valid():
        messages.error(request, _("Choose now, later or never."))
    else:
        try:
            invoicing_preference_set(actor=request.user, customer=customer,
                                     mode=form.cleaned_data["mode"],
                                     note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Invoicing of %(customer)s saved.")
                             % {"customer": customer})
    return redirect(back or "invoicing:receivables")
