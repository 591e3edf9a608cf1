"""Key accounts (RP-6, FB-6): the list, the archive page, marking, editing, visits, KPIs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import desk_required, staff_required
from aftersales.core.dates import local_today
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import ConflictError
from aftersales.core.forms import error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query
from aftersales.customers.models import Customer

from .. import services
from ..forms import (
    KeyAccountEditForm,
    KeyAccountMarkForm,
    VisitPlanForm,
    VisitRecordForm,
    staff_users,
)
from ..models import CareVisit, KeyAccount, VisitPlan
from ..selectors import (
    ARREARS_NOTE,
    REVENUE_NOTE,
    key_account_archive,
    key_account_list,
    manager_kpis,
)


@require_GET
@staff_required
def key_account_list_view(request):
    q = (request.GET.get("q") or "").strip()
    manager = (request.GET.get("manager") or "").strip()
    rows = key_account_list(user=request.user, q=q, manager=manager)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/key_accounts.html", {
        "page": page, "q": q, "manager": manager, "managers": staff_users().filter(
            key_accounts__isnull=False).distinct(), "query": page_query(request)})


@require_GET
@staff_required
def key_account_detail(request, pk: int):
    account = get_restricted(KeyAccount.objects.select_related("customer", "manager"),
                             request.user, pk=pk)
    context = key_account_archive(account, user=request.user)
    context.update({
        "edit_form": KeyAccountEditForm(initial={"manager": account.manager_id,
                                                 "note": account.note, "active": account.active}),
        "visit_form": VisitRecordForm(initial={"visited_on": local_today()}),
        "plan_form": VisitPlanForm(),
        "may_edit": request.user.is_superuser or request.user.role in {"supervisor", "manager",
                                                                      "admin"},
    })
    return render(request, "care/key_account.html", context)


@require_POST
@desk_required
def key_account_mark(request, customer: int):
    customer = get_restricted(Customer.objects.all(), request.user, pk=customer)
    form = KeyAccountMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
        return redirect("customers:detail", customer.pk)
    try:
        account = services.key_account_mark(actor=request.user, customer=customer,
                                            manager=form.cleaned_data["manager"],
                                            note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("customers:detail", customer.pk)
    messages.success(request, _("%(customer)s is a key account now.") % {"customer": customer})
    return redirect("care:key_account", account.pk)


@require_POST
@desk_required
def key_account_edit(request, pk: int):
    account = get_restricted(KeyAccount.objects.all(), request.user, "change", pk=pk)
    form = KeyAccountEditForm(request.POST)
    if form.is_valid():
        try:
            services.key_account_update(actor=request.user, key_account=account,
                                        **form.cleaned_data)
            messages.success(request, _("Saved."))
        except (ValidationError, ConflictError) as exc:
            messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.error(request, error_text(ValidationError(form.errors)))
    return redirect("care:key_account", account.pk)


@require_POST
@staff_required
def visit_record(request, customer: int):
    customer = get_restricted(Customer.objects.all(), request.user, pk=customer)
    form = VisitRecordForm(request.POST)
    back = request.POST.get("next") or ""
    if form.is_valid():
        data = form.cleaned_data
        visit = (CareVisit.objects.restrict(request.user, "change").filter(pk=data["visit"]).first()
                 if data.get("visit") else None)
        plan = (VisitPlan.objects.restrict(request.user, "change").filter(pk=data["plan"]).first()
                if data.get("plan") else None)
        try:
            services.visit_record(actor=request.user, customer=customer,
                                  visited_on=data["visited_on"], note=data["note"], visit=visit,
                                  plan=plan, kind=data["kind"])
            messages.success(request, _("Visit recorded."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, error_text(ValidationError(form.errors)))
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    account = KeyAccount.objects.filter(customer=customer).first()
    return redirect("care:key_account", account.pk) if account else redirect("care:home")


@require_POST
@desk_required
def visit_plan_add(request, customer: int):
    customer = get_restricted(Customer.objects.all(), request.user, pk=customer)
    form = VisitPlanForm(request.POST)
    if form.is_valid():
        try:
            services.visit_plan_create(actor=request.user, customer=customer, **form.cleaned_data)
            messages.success(request, _("Visit plan added."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, error_text(ValidationError(form.errors)))
    account = get_object_or_404(KeyAccount, customer=customer)
    return redirect("care:key_account", account.pk)


KPI_COLUMNS = [
    ("manager", gettext_lazy("Account manager")), ("accounts", gettext_lazy("Key accounts")),
    ("revenue", gettext_lazy("Revenue, last 12 months")),
    ("revenue_growth", gettext_lazy("Revenue growth %")), ("satisfaction", gettext_lazy("Satisfaction (0–100)")),
    ("surveys", gettext_lazy("Surveys")), ("arrears", gettext_lazy("Arrears")), ("churn", gettext_lazy("Churn signals")),
    ("visits_overdue", gettext_lazy("Visits overdue")),
]


@require_GET
@desk_required
def manager_kpi_view(request):
    rows = manager_kpis(user=request.user)
    if request.GET.get("format") == "xlsx":
        workbook = workbook_new(title=_("Key-account KPIs"), subject=_("Key-account KPIs"))
        sheet = sheet_add(workbook, _("Key-account KPIs"))
        row_append(sheet, [str(label) for _key, label in KPI_COLUMNS])
        for row in rows:
            row_append(sheet, [str(row.manager), row.accounts, row.revenue, row.revenue_growth,
                               row.satisfaction, row.surveys, row.arrears, row.churn,
                               row.visits_overdue])
        row_append(sheet, [])
        row_append(sheet, [str(REVENUE_NOTE)])
        row_append(sheet, [str(ARREARS_NOTE)])
        return xlsx_response(workbook, f"key-account-kpis-{local_today():%Y%m%d}.xlsx")
    return render(request, "care/kpis.html", {"rows": rows, "revenue_note": REVENUE_NOTE,
                                              "arrears_note": ARREARS_NOTE})
