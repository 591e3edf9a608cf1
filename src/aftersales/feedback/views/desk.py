"""Staff pages: the follow-up call list and call page (FB-5), supervisors' visits (FB-4) and the
survey list with the response rate (FB-1). Thin: load through restrict, validate, call services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.choices import Role
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.views import PAGE_SIZE, page_query, roles_required

from .. import selectors, services
from ..filtersets import FollowUpCallFilterSet, SurveyFilterSet, VisitTaskFilterSet
from ..forms import CallCloseForm, CallOutcomeForm, VisitAssignForm, VisitCompleteForm
from ..models import FeedbackSettings, is_headquarters

CALL_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VISIT_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
calls_required = roles_required(CALL_ROLES)
visits_required = roles_required(VISIT_ROLES)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- calls ------------------------------------------------------------------------------------

@calls_required
def call_list(request):
    data = request.GET.copy()
    data.setdefault("show", "due")
    filterset = FollowUpCallFilterSet(data, queryset=selectors.call_list(user=request.user),
                                      request=request)
    page = _page(request, filterset.qs)
    return render(request, "feedback/calls/list.html", {
        "filterset": filterset, "form": filterset.form, "page": page, "show": data["show"],
        "query": page_query(request), "counts": selectors.call_counts(user=request.user),
        "now": timezone.now(), "today_end": selectors.end_of_today(),
        "filtered": bool(set(request.GET) - {"page", "show"}),
        "show_centre": is_headquarters(request.user),
    })


def _call_page(request, call, *, outcome_form=None, close_form=None, status=200):
    survey = selectors.survey_of(call.request)
    initial = {"version": call.version}
    return render(request, "feedback/calls/detail.html", {
        "call": call,
        "sr": call.request,
        "customer": call.request.customer,
        "script": selectors.call_script(call, request.user),
        "survey": survey,
        "answers": selectors.survey_answers(survey),
        "case": call.case,
        "raised_case": getattr(call, "raised_case", None),
        "timeline": selectors.timeline(call),
        "outcome_form": outcome_form or CallOutcomeForm(initial=initial, prefix="o"),
        "close_form": close_form or CallCloseForm(initial=initial, prefix="c"),
        "max_attempts": FeedbackSettings.load().call_max_attempts,
        "now": timezone.now(),
    }, status=status)


@calls_required
def call_detail(request, pk: int):
    call = selectors.call_get_for_page(user=request.user, pk=pk)
    return _call_page(request, call)


def _run(request, form, call_service, on_error):
    """Call a service with a bound form; errors next to fields (400) or as a message."""
    try:
        call_service()
    except ValidationError as exc:
        apply_errors(form, exc)
        return on_error(400)
    except ConflictError as exc:
        messages.error(request, str(exc.message))
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return on_error(403)
    return None


@require_POST
@calls_required
def call_record(request, pk: int):
    call = selectors.call_get_for_page(user=request.user, pk=pk)
    form = CallOutcomeForm(request.POST, prefix="o")
    if not form.is_valid():
        return _call_page(request, call, outcome_form=form, status=400)
    data = form.cleaned_data
    before = call.status
    failed = _run(request, form, lambda: services.follow_up_call_record(
        actor=request.user, call=call, outcome=data["outcome"], note=data["note"],
        call_back_at=data.get("call_back_at"), raise_case=data["raise_case"],
        expected_version=data["version"]),
        lambda status: _call_page(request, call, outcome_form=form, status=status))
    if failed is not None:
        return failed
    call.refresh_from_db()
    if call.status != before or call.attempts:
        messages.success(request, _("Call recorded: %(status)s.") % {
            "status": call.get_status_display()})
    return redirect("feedback:call", pk=pk)


@require_POST
@calls_required
def call_close(request, pk: int):
    call = selectors.call_get_for_page(user=request.user, pk=pk)
    form = CallCloseForm(request.POST, prefix="c")
    if not form.is_valid():
        return _call_page(request, call, close_form=form, status=400)
    failed = _run(request, form, lambda: services.follow_up_call_close(
        actor=request.user, call=call, note=form.cleaned_data["note"],
        expected_version=form.cleaned_data["version"]),
        lambda status: _call_page(request, call, close_form=form, status=status))
    if failed is not None:
        return failed
    messages.success(request, _("The call is closed."))
    return redirect("feedback:calls")


# --- supervisors' visits ----------------------------------------------------------------------

def _visit_forms(task, user, data=None, which=None, supervisors=None):
    initial = {"version": task.version}
    complete = VisitCompleteForm(data if which == "complete" else None, initial=initial,
                                 prefix=f"v{task.pk}")
    assign = None
    if user.role != Role.TECHNICIAN:
        assign = VisitAssignForm(data if which == "assign" else None, initial=initial,
                                 prefix=f"a{task.pk}",
                                 supervisors=supervisors if supervisors is not None
                                 else selectors.centre_supervisors(task.service_centre))
    return complete, assign


@visits_required
def visit_list(request):
    data = request.GET.copy()
    if not data:
        data["status"] = "open"
    filterset = VisitTaskFilterSet(data, queryset=selectors.visit_list(user=request.user),
                                   request=request)
    page = _page(request, filterset.qs)
    centres = {task.service_centre_id for task in page.object_list}
    by_centre = {centre: [] for centre in centres}
    for supervisor in selectors.centre_supervisors(centres):
        by_centre[supervisor.service_centre_id].append(supervisor)
    for task in page.object_list:
        task.complete_form, task.assign_form = _visit_forms(
            task, request.user, supervisors=by_centre[task.service_centre_id])
        task.overdue = task.status == "open" and task.due_on < timezone.localdate()
    return render(request, "feedback/visits/list.html", {
        "filterset": filterset, "form": filterset.form, "page": page,
        "query": page_query(request), "filtered": bool(set(request.GET) - {"page"}),
        "show_centre": is_headquarters(request.user),
    })


@require_POST
@visits_required
def visit_action(request, pk: int, action: str):
    task = selectors.visit_get(user=request.user, pk=pk)
    complete, assign = _visit_forms(task, request.user, request.POST, action)
    form = complete if action == "complete" else assign
    if form is None or action not in {"complete", "assign"}:
        messages.error(request, _("You are not allowed to do this."))
        return redirect("feedback:visits")
    if not form.is_valid():
        errors = [f"{form.fields[name].label}: {m}" if name in form.fields else m
                  for name, field_errors in form.errors.items() for m in field_errors]
        messages.error(request, " ".join(errors))
        return redirect("feedback:visits")
    data = form.cleaned_data
    if action == "complete":
        call_service = lambda: services.visit_task_complete(  # noqa: E731
            actor=request.user, task=task, report=data["report"],
            expected_version=data["version"])
        done = _("Visit recorded.")
    else:
        call_service = lambda: services.visit_task_assign(  # noqa: E731
            actor=request.user, task=task, supervisor=data["supervisor"],
            expected_version=data["version"])
        done = _("The visit is given to %(name)s.") % {"name": data["supervisor"]}
    try:
        call_service()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:visits")
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
        return redirect("feedback:visits")
    messages.success(request, done)
    return redirect("feedback:visits")


# --- surveys ----------------------------------------------------------------------------------

@calls_required
def survey_list(request):
    base = selectors.survey_list(user=request.user)
    filterset = SurveyFilterSet(request.GET or None, queryset=base, request=request)
    page = _page(request, filterset.qs)
    return render(request, "feedback/surveys/list.html", {
        "filterset": filterset, "form": filterset.form, "page": page,
        "query": page_query(request), "filtered": bool(set(request.GET) - {"page"}),
        "rate": selectors.survey_response_rate(queryset=filterset.qs),
        "show_centre": is_headquarters(request.user),
        "labels": selectors.item_labels(),
    })
