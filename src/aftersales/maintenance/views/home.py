"""The maintenance start page (PM-1, PM-2): plans, due and overdue visits with filters, Excel,
and the button that generates next month's visits."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.dates import local_today
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.views import page_query, roles_required
from aftersales.service.choices import Status

from ..choices import VisitState
from ..forms import VisitFilterForm
from ..models import PLAN_EDITORS
from ..selectors import plan_list, visit_counts, visit_list
from ..services.generate import maintenance_visits_generate, next_month

EXPORT_LIMIT = 50_000
OPEN_STATES = [VisitState.DUE, VisitState.OVERDUE]


def _visits(request, form):
    data = form.cleaned_data if form.is_valid() else {}
    state = data.get("state") or ""
    rows = visit_list(user=request.user, state=state if state in VisitState.values else "",
                      plan=data.get("plan"), due_from=data.get("due_from"),
                      due_to=data.get("due_to"), q=data.get("q") or "")
    if not state:
        rows = rows.filter(state__in=OPEN_STATES)
    return rows


@require_GET
@staff_required
def home(request):
    user = request.user
    plans = plan_list(user=user).annotate(visit_count=Count("visits"))
    form = VisitFilterForm(request.GET or None, plans=plan_list(user=user))
    rows = _visits(request, form)
    if request.GET.get("export") == "xlsx":
        return _export(rows)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "maintenance/home.html", {
        "plans": plans, "form": form, "page": page, "query": page_query(request),
        "counts": visit_counts(user=user), "next_month": next_month(),
        "may_edit": user.is_superuser or user.role in PLAN_EDITORS,
        "done_statuses": [Status.COMPLETED, Status.CLOSED],
    })


def _export(rows):
    labels = dict(VisitState.choices)
    workbook = workbook_new(title=_("Maintenance visits"), write_only=True)
    sheet = sheet_add(workbook, _("Maintenance visits"))
    row_append(sheet, [_("Due on"), _("State"), _("Request"), _("Customer"), _("Phone"),
                       _("Product"), _("Serial number"), _("Plan"), _("Due at meter"),
                       _("Technician"), _("Done on")])
    for v in rows[:EXPORT_LIMIT]:
        product = v.installed_product
        row_append(sheet, [
            v.due_on, str(labels[v.state]), v.request.number, product.customer.name,
            product.customer.phone_display, product.model.code, product.serial, v.plan.name,
            v.due_meter, str(v.request.assigned_technician or ""), v.done_on])
    return xlsx_response(workbook, f"maintenance-visits-{local_today():%Y%m%d}.xlsx")


@require_POST
@roles_required(PLAN_EDITORS)
def generate(request):
    """Generate next month's due visits now (the daily task does the same; idempotent)."""
    created = maintenance_visits_generate(actor=request.user)
    month = next_month()
    if created:
        messages.success(request, ngettext(
            "%(count)d maintenance visit of %(month)s generated.",
            "%(count)d maintenance visits of %(month)s generated.", created)
            % {"count": created, "month": month.strftime("%Y-%m")})
    else:
        messages.info(request, _("No new maintenance visits: those of %(month)s are all generated.")
                      % {"month": month.strftime("%Y-%m")})
    return redirect("maintenance:home")
