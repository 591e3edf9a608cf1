"""Return obligation pages (PT-3): the list (open / overdue / received …, the technician sees
his own, a dealer's login its dealer's), recording serials and sending the faulty part back,
receiving it at the receiving point."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.choices import STAFF_ROLES, Role
from aftersales.accounts.models import User
from aftersales.core.dates import local_today
from aftersales.core.excel import (
    row_append,
    sheet_add,
    tables_workbook,
    workbook_new,
    xlsx_response,
)
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query, roles_required, safe_next, service_run

from ..models import ReturnObligation, ReturnStatus
from ..selectors_returns import kept_deductions
from ..services import returns as services
from ..services.stock import may_move

FILTERS = {
    "open": (gettext_lazy("to be sent or received"),
             Q(status__in=[ReturnStatus.OPEN, ReturnStatus.SENT])),
    "overdue": (gettext_lazy("overdue"), None),  # open and past the due day (needs today)
    "received": (gettext_lazy("received"), Q(status=ReturnStatus.RECEIVED)),
    "kept": (gettext_lazy("kept (charged)"), Q(status=ReturnStatus.KEPT)),
    "cancelled": (gettext_lazy("cancelled"), Q(status=ReturnStatus.CANCELLED)),
    "all": (gettext_lazy("all"), Q()),
}
STEPS = {"serials", "send", "receive"}
EXPORT_LIMIT = 50_000
# staff, and a dealer's login for what its own jobs owe (ReturnObligation.restrict_rule)
returns_required = roles_required(STAFF_ROLES | {Role.DEALER})
# payroll's month of kept parts: staff (a technician his own, ReturnObligation.restrict_rule)
deductions_required = roles_required(STAFF_ROLES)


def _listed(request) -> dict:
    """The obligations the list's filters ask for (the page and its Excel read the same query
    string): the status (open by default), the technician, part of a part's code, a request's
    number or a serial."""
    status = request.GET.get("status") or "open"
    if status not in FILTERS:
        status = "open"
    rows = (ReturnObligation.objects.restrict(request.user)
            .select_related("part", "request", "owed_by", "dealer", "dealer_job_part__job",
                            "receiving_point"))
    today = local_today()
    if status == "overdue":
        rows = rows.filter(status=ReturnStatus.OPEN, due_on__lt=today)
    else:
        rows = rows.filter(FILTERS[status][1])
    technician = request.GET.get("technician") or ""
    if technician.isdigit():
        rows = rows.filter(owed_by_id=int(technician))
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(part__code__icontains=q) | Q(request__number__icontains=q)
                           | Q(faulty_serial__icontains=q) | Q(new_serial__icontains=q))
    return {"rows": rows.order_by("due_on", "id"), "status": status, "technician": technician,
            "q": q, "today": today}


@require_GET
@returns_required
def return_list(request):
    """Faulty parts owed back: a technician sees his own, a dealer its own, a centre its own, HQ
    all."""
    user = request.user
    listed = _listed(request)
    today = listed["today"]
    technicians = []
    if user.role not in {Role.TECHNICIAN, Role.DEALER}:
        owed = ReturnObligation.objects.restrict(user).values("owed_by")
        technicians = User.objects.filter(pk__in=owed).order_by("username")
    page = Paginator(listed["rows"], 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.overdue = row.status == ReturnStatus.OPEN and row.due_on < today
        row.may_send = services.obligation_may_send(user, row)
        row.may_receive = (row.status in {ReturnStatus.OPEN, ReturnStatus.SENT}
                           and user.role != Role.TECHNICIAN
                           and row.receiving_point is not None
                           and may_move(user, row.receiving_point))
    return render(request, "parts/returns/list.html", {
        "page": page, "status": listed["status"],
        "filters": [(k, v[0]) for k, v in FILTERS.items()], "technicians": technicians,
        "technician": listed["technician"], "q": listed["q"],
        "receiving_point": services.return_point(), "query": page_query(request),
        "dealer_login": user.role == Role.DEALER})


@require_GET
@returns_required
def returns_excel(request):
    """The filtered list as an Excel workbook (``core.excel``): who owes which faulty part, its
    serials, when it was due, sent and received — and, kept, what was charged (the payroll's
    list for technicians, the month's kept parts by ``?status=kept``)."""
    title = _("Faulty parts owed back")
    workbook = workbook_new(title=title, write_only=True)
    sheet = sheet_add(workbook, title)
    row_append(sheet, [_("Part"), pgettext("part", "Name"), _("Quantity"), _("Job"), _("Owed by"),
                       _("New part's serial"), _("Faulty part's serial"), _("Due on"),
                       _("Status"), pgettext("return", "Sent at"), _("Waybill"),
                       _("Received at"), _("Counted as kept at"), _("Charge")])
    for row in _listed(request)["rows"][:EXPORT_LIMIT]:
        row_append(sheet, [
            row.part.code, row.part.name, row.quantity, row.job_label,
            str(row.owed_by or row.dealer or ""), row.new_serial, row.faulty_serial, row.due_on,
            row.get_status_display(), row.sent_at, row.tracking,
            row.received_at, row.kept_at, row.charge_amount])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, f"faulty-parts-{stamp}.xlsx")



def _month(request) -> date:
    """The month asked for (``?month=YYYY-MM``), else this one."""
    try:
        year, month = (int(x) for x in (request.GET.get("month") or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return local_today().replace(day=1)


@require_GET
@deductions_required
def return_deductions(request):
    """The month's faulty parts technicians kept, each technician's with his total: what
    payroll deducts (a technician sees his own)."""
    month = _month(request)
    people = kept_deductions(user=request.user, month=month)
    return render(request, "parts/returns/deductions.html", {
        "month": month.strftime("%Y-%m"), "people": people,
        "total": sum((p.total for p in people), Decimal("0.00"))})


@require_GET
@deductions_required
def return_deductions_excel(request):
    month = _month(request)
    people = kept_deductions(user=request.user, month=month)
    head = [_("Technician"), _("Username"), _("Counted as kept at"), _("Job"), _("Part"),
            pgettext("part", "Name"), _("Quantity"), _("Charge")]
    rows = [[str(p.technician), p.technician.username, row.kept_at, row.job_label,
             row.part.code, row.part.name, row.quantity, row.charge_amount]
            for p in people for row in p.rows]
    totals = [[str(p.technician), p.technician.username, len(p.rows), p.total] for p in people]
    workbook = tables_workbook(
        title=_("Kept faulty parts to deduct %(month)s") % {"month": month.strftime("%Y-%m")},
        tables=[{"title": _("By technician"),
                 "head": [_("Technician"), _("Username"), _("Parts kept"), _("To deduct")],
                 "rows": totals},
                {"title": _("Each part"), "head": head, "rows": rows}])
    return xlsx_response(workbook, f"kept-parts-deductions-{month:%Y-%m}.xlsx")


@require_POST
@returns_required
def return_step(request, pk, step):
    if step not in STEPS:
        raise Http404
    obligation = get_restricted(ReturnObligation.objects.all(), request.user, pk=pk)
    post = request.POST

    def call():
        if step == "serials":
            services.obligation_serials_record(
                actor=request.user, obligation=obligation, new_serial=post.get("new_serial", ""),
                faulty_serial=post.get("faulty_serial", ""))
        elif step == "send":
            services.obligation_send(actor=request.user, obligation=obligation,
                                     faulty_serial=post.get("faulty_serial"),
                                     new_serial=post.get("new_serial"),
                                     tracking=post.get("tracking", ""))
        else:
            services.obligation_receive(actor=request.user, obligation=obligation,
                                        faulty_serial=post.get("faulty_serial") or None)

    if service_run(request, call):
        messages.success(request, _("Done."))
    return redirect(safe_next(request, post.get("next")) or "parts:returns")
