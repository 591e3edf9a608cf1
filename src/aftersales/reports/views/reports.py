"""Report pages: the list, a report with its charts, tables, sign-off steps and runs, the Excel
download, "run now" with progress (htmx polling), and a technician's own reports."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.choices import DESK_ROLES, Role
from aftersales.core.excel import xlsx_response
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.views import PAGE_SIZE, page_query, roles_required

from .. import selectors, services
from ..charts import charts_for
from ..choices import FREQUENCY, RULE_IDS, Frequency, ReportKind, RunStatus
from ..excel import workbook_for
from ..forms import ReportFilterForm, ReportFindForm, StepForm
from ..models import ReportSchedule, is_headquarters
from ..periods import local_today, period_bounds
from ..permissions import available_steps, can_run, may_run_kind, viewer_technician
from ..tables import key_figures, tables_for

REPORT_ROLES = DESK_ROLES


def _period_label(report) -> str:
    frequency = FREQUENCY[report.kind]
    if frequency == Frequency.DAILY:
        return report.period_start.strftime("%Y-%m-%d")
    if frequency == Frequency.WEEKLY:
        year, week, _day = report.period_start.isocalendar()
        return _("%(year)s week %(week)s (%(start)s – %(end)s)") % {
            "year": year, "week": week, "start": report.period_start.strftime("%m-%d"),
            "end": report.period_end.strftime("%m-%d")}
    return report.period_start.strftime("%Y-%m")


def _open_url(kind, day, centre_id) -> str:
    return reverse("reports:open") + "?" + urlencode(
        {"kind": kind, "date": day.isoformat(), "centre": centre_id})


def _user_centre(request, form_centre=None):
    """The centre a user works on: his own, or (service department) the one he picked."""
    user = request.user
    if is_headquarters(user):
        return form_centre
    return user.service_centre


@roles_required(REPORT_ROLES)
def report_list(request):
    form = ReportFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    hq = is_headquarters(request.user)
    reports = selectors.report_list(
        user=request.user, kind=data.get("kind", ""), state=data.get("state", ""),
        centre_id=data["centre"].pk if hq and data.get("centre") else None,
        since=data.get("since"), until=data.get("until"))
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    centre = request.user.service_centre
    today = local_today(centre)
    find = ReportFindForm(initial={"kind": ReportKind.SUPERVISOR_DAILY,
                                   "date": today - timedelta(days=1), "centre": centre})
    for report in page.object_list:
        report.period_label = _period_label(report)
        report.rule = RULE_IDS[report.kind]
    return render(request, "reports/list.html", {
        "form": form, "find": find, "page": page, "query": page_query(request),
        "filtered": bool(page_query(request)), "hq": hq,
        # the dashboard and the parts report are a centre's (or head office's): a desk login of
        # no centre (the complaints departments') opens neither
        "centre_figures": hq or bool(request.user.service_centre_id),
        "schedules": ReportSchedule.objects.order_by("kind"),
    })


@login_required
def report_open(request):
    """The report of a kind for the period containing a day: open it, or offer to produce it."""
    user = request.user
    if user.role == Role.CUSTOMER:
        raise Http404
    form = ReportFindForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a report and a day."))
        return redirect("reports:mine" if user.role == Role.TECHNICIAN else "reports:index")
    kind, day = form.cleaned_data["kind"], form.cleaned_data["date"]
    centre = _user_centre(request, form.cleaned_data.get("centre"))
    if centre is None:
        messages.error(request, _("Choose a service centre."))
        return redirect("reports:index")
    start, end = period_bounds(kind, day)
    report = selectors.report_find(user=user, kind=kind, centre_id=centre.pk, start=start)
    if report is not None:
        return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/not_yet.html", {
        "kind": ReportKind(kind), "rule": RULE_IDS[kind], "centre": centre, "start": start,
        "end": end, "day": day, "can_produce": may_run_kind(user, kind, centre),
        "in_future": start > local_today(centre),
    }, status=404)


@require_POST
@login_required
def report_produce(request):
    form = ReportFindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report and a day."))
        return redirect("reports:index")
    centre = _user_centre(request, form.cleaned_data.get("centre"))
    if centre is None:
        messages.error(request, _("Choose a service centre."))
        return redirect("reports:index")
    try:
        run = services.report_produce(actor=request.user, kind=form.cleaned_data["kind"],
                                      centre=centre, day=form.cleaned_data["date"])
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return redirect("reports:index")
    except ConflictError as exc:
        messages.error(request, str(exc.message))
        return redirect(_open_url(form.cleaned_data["kind"], form.cleaned_data["date"], centre.pk))
    return redirect("reports:detail", pk=run.report_id)


def _detail(request, report, *, status=200, bound=None):
    user = request.user
    viewer = viewer_technician(user)
    run = report.current_run
    figures = run.figures if run is not None and run.status == RunStatus.DONE else None
    steps = []
    for step in available_steps(user, report):
        form = bound[1] if bound and bound[0] == step.name else StepForm(
            initial={"version": report.version}, prefix=step.name)
        steps.append({"name": step.name, "label": step.label, "needs_note": step.needs_note,
                      "form": form})
    centre = report.service_centre
    previous_day = report.period_start - timedelta(days=1)
    next_day = report.period_end + timedelta(days=1)
    schedule = ReportSchedule.objects.filter(kind=report.kind, enabled=True).first()
    timeline = list(selectors.report_timeline(report)) if viewer is None else []
    labels = _event_labels(report)
    for event in timeline:
        event.action_label = labels.get(event.action, event.action)
    return render(request, "reports/detail.html", {
        "report": report, "rule": RULE_IDS[report.kind], "period_label": _period_label(report),
        "figures": figures, "run": run,
        "tables": tables_for(figures, viewer_id=viewer) if figures else [],
        "charts": charts_for(figures, viewer_id=viewer) if figures else [],
        "steps": steps, "can_run": can_run(user, report), "active": selectors.active_run(report),
        "runs": selectors.recent_runs(report) if viewer is None else [],
        "timeline": timeline,
        "key_figures": key_figures(figures, viewer_id=viewer) if figures else [],
        "job_url": "field:job" if viewer is not None else "service:detail",
        "viewer": viewer, "schedule": schedule,
        "previous_url": _open_url(report.kind, previous_day, centre.pk),
        "next_url": (_open_url(report.kind, next_day, centre.pk)
                     if next_day <= local_today(centre) else ""),
        "open_step": bound[0] if bound else "",
    }, status=status)


@login_required
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    return _detail(request, report)


@login_required
def report_excel(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    run = report.current_run
    if run is None or run.figures is None:
        messages.error(request, _("This report has no figures yet."))
        return redirect("reports:detail", pk=pk)
    viewer = viewer_technician(request.user)
    title = f"{report.get_kind_display()} · {report.service_centre.name} · {_period_label(report)}"
    content = workbook_for(tables_for(run.figures, viewer_id=viewer), title=title,
                           subtitle=RULE_IDS[report.kind])
    name = f"{report.kind}-{report.service_centre.code}-{report.period_start:%Y%m%d}.xlsx"
    return xlsx_response(content, name)


@require_POST
@login_required
def report_run(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        run = services.report_run_request(actor=request.user, report=report)
    except ConflictError as exc:
        messages.error(request, str(exc.message))
        return _detail(request, report, status=409)
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return _detail(request, report, status=403)
    if request.htmx:
        return _run_partial(request, run)
    messages.info(request, _("The report is being computed; the page updates when it is ready."))
    return redirect("reports:detail", pk=pk)


def _run_partial(request, run):
    response = render(request, "reports/_run.html", {"active": run})
    if run.status == RunStatus.DONE and request.GET.get("poll"):
        response["HX-Refresh"] = "true"  # the figures are ready: show them
    return response


@login_required
def run_status(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    return _run_partial(request, run)


@require_POST
@login_required
def report_action(request, pk: int, action: str):
    report = selectors.report_get(user=request.user, pk=pk)
    form = StepForm(request.POST, prefix=action)
    if not form.is_valid():
        return _detail(request, report, status=400, bound=(action, form))
    try:
        services.report_transition(actor=request.user, report=report, name=action,
                                   note=form.cleaned_data["note"] or "",
                                   expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail(request, report, status=400, bound=(action, form))
    except ConflictError as exc:
        messages.error(request, str(exc.message))
        report.refresh_from_db()
        return _detail(request, report, status=409)
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return _detail(request, report, status=403)
    messages.success(request, _("Done: %(step)s.") % {"step": _step_label(report, action)})
    return redirect("reports:detail", pk=pk)


def _event_labels(report) -> dict:
    from ..workflow import workflow_for

    labels = {"run": _("Figures computed")}
    workflow = workflow_for(report.kind)
    if workflow is not None:
        labels |= {name: str(t.label) for name, t in workflow.transitions.items()}
    return labels


def _step_label(report, action):
    from ..workflow import workflow_for

    workflow = workflow_for(report.kind)
    return str(workflow.get(action).label) if workflow else action


@login_required
def mine(request):
    """A technician's reports: his daily reports and his published appraisals."""
    user = request.user
    if user.role != Role.TECHNICIAN:
        return redirect("reports:index")
    rows = []
    for report in selectors.technician_reports(user=user):
        figures = report.current_run.figures if report.current_run else None
        line = None
        if figures:
            key = "appraisal" if report.kind == ReportKind.APPRAISAL else "technicians"
            line = next((x for x in figures.get(key, []) if x["technician"] == user.pk), None)
        rows.append({"report": report, "line": line, "label": _period_label(report)})
    today = local_today(user.service_centre)
    return render(request, "reports/mine.html", {
        # no "today": a day's report is produced the next morning (a technician cannot run it)
        "rows": rows, "today": today,
        "yesterday_url": _open_url(ReportKind.TECHNICIAN_DAILY, today - timedelta(days=1),
                                   user.service_centre_id or ""),
    })

