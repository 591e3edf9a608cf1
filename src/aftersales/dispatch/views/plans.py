"""The day plan's pages: the plans of a centre with "Plan the day", a plan's progress (polled
with htmx; a page never waits on the solver), the review page with moves by hand, publishing,
and re-planning during the day."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import dispatch_required
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors, form_error_text
from aftersales.core.views import PAGE_SIZE, page_query

from .. import plans
from ..forms import MoveForm, PlanDayForm, ReplanForm, VersionForm
from ..models import DayPlanStatus
from ..problem import centre_today
from .common import centre_chosen
from .review import build_review


def _list_page(request, centres, centre, *, form=None, status=200):
    context = {"centres": centres, "centre": centre, "statuses": DayPlanStatus.choices}
    if centre is not None:
        queryset = plans.day_plan_list(user=request.user).filter(service_centre=centre)
        wanted = request.GET.get("status", "")
        if wanted in DayPlanStatus.values:
            queryset = queryset.filter(status=wanted)
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        today = centre_today(centre)
        context |= {
            "page": page, "query": page_query(request), "status": wanted, "today": today,
            "form": form or PlanDayForm(initial={"day": today, "centre": centre.pk}),
            "current": plans.day_plan_list(user=request.user).filter(
                service_centre=centre, day=today, status=DayPlanStatus.PUBLISHED).first(),
        }
    return render(request, "dispatch/plans/list.html", context, status=status)


@require_GET
@dispatch_required
def plan_list(request):
    centres = plans.planner_centres(user=request.user)
    return _list_page(request, centres, centre_chosen(request, centres))


@require_POST
@dispatch_required
def plan_create(request):
    centres = plans.planner_centres(user=request.user)
    centre = centre_chosen(request, centres)
    if centre is None:
        raise Http404
    form = PlanDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = plans.day_plan_create(
                actor=request.user, centre=centre, day=data["day"], time_limit=data["time_limit"],
                job_minutes=data["job_minutes"], keep_assignments=data["keep_assignments"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except (ConflictError, PermissionDenied) as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("dispatch:plan", pk=plan.pk)
    return _list_page(request, centres, centre, form=form, status=400)


def _detail_context(request, plan, **extra):
    items = plans.plan_items(plan)
    review = build_review(plan, items) if plan.status not in {
        DayPlanStatus.QUEUED, DayPlanStatus.SOLVING, DayPlanStatus.FAILED} else None
    return {
        "plan": plan, "review": review, "items": items,
        "can_edit": plan.status == DayPlanStatus.READY,
        "can_replan": plan.status == DayPlanStatus.PUBLISHED,
        "replan_form": ReplanForm(),
        "outcomes": _outcome_counts(items) if plan.status in {
            DayPlanStatus.PUBLISHED, DayPlanStatus.SUPERSEDED} else None,
        "newer": plan.replans.exclude(status=DayPlanStatus.FAILED).order_by("-id").first(),
        **extra,
    }


def _outcome_counts(items):
    counts = {}
    for item in items:
        if item.outcome:
            counts[item.outcome] = counts.get(item.outcome, 0) + 1
    return counts


@require_GET
@dispatch_required
def plan_detail(request, pk: int):
    plan = plans.day_plan_get(user=request.user, pk=pk)
    return render(request, "dispatch/plans/detail.html", _detail_context(request, plan))


@require_GET
@dispatch_required
def plan_progress(request, pk: int):
    """The progress fragment, polled every second while the plan is being made; once it is
    done the page reloads itself into the review."""
    plan = plans.day_plan_get(user=request.user, pk=pk)
    if not plan.is_running and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "dispatch/plans/_progress.html", {"plan": plan})


def _board(request, plan, *, done=None, error=None, warnings=(), error_item=None, status=200):
    context = _detail_context(request, plan, done=done, error=error, warnings=list(warnings),
                              error_item=error_item)
    return render(request, "dispatch/plans/_board.html", context, status=status)


@require_POST
@dispatch_required
def plan_move(request, pk: int, item_pk: int):
    plan = plans.day_plan_get(user=request.user, pk=pk)
    item = plan.items.select_related("request").filter(pk=item_pk).first()
    if item is None:
        raise Http404
    review_techs = build_review(plan, plans.plan_items(plan)).technicians
    form = MoveForm(request.POST, technicians=review_techs)
    done = error = None
    warnings = []
    if form.is_valid():
        try:
            result = plans.day_plan_item_move(
                actor=request.user, plan=plan, item=item,
                technician=form.cleaned_data["technician"],
                position=form.cleaned_data.get("position"),
                expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except (ConflictError, PermissionDenied) as exc:
            error = str(exc.message)
        else:
            plan = result.plan
            warnings = result.warnings
            target = form.cleaned_data["technician"]
            done = (_("%(number)s moved to %(name)s, stop %(n)d.") % {
                "number": item.request.number, "name": target, "n": result.item.sequence}
                if target else _("%(number)s deferred: it goes first tomorrow.") % {
                    "number": item.request.number})
    else:
        error = form_error_text(form)
    if not request.htmx:
        for text, level in [(error, messages.ERROR), (done, messages.SUCCESS),
                            *((w, messages.WARNING) for w in warnings)]:
            if text:
                messages.add_message(request, level, text)
        return redirect("dispatch:plan", pk=plan.pk)
    plan.refresh_from_db()
    return _board(request, plan, done=done, error=error, warnings=warnings,
                  error_item=item.pk if error else None)


@require_POST
@dispatch_required
def plan_publish(request, pk: int):
    plan = plans.day_plan_get(user=request.user, pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the plan and try again."))
        return redirect("dispatch:plan", pk=plan.pk)
    try:
        result = plans.day_plan_publish(actor=request.user, plan=plan,
                                        expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    else:
        counts = result.counts
        messages.success(request, _(
            "Plan published: %(assigned)d assigned, %(rescheduled)d at a new time with the same "
            "technician, %(unchanged)d already as planned, %(kept)d under way, %(returned)d back "
            "to the queue.") % counts)
        if result.skipped:
            messages.warning(request, ngettext(
                "%(n)d job was skipped because it changed since planning: %(list)s",
                "%(n)d jobs were skipped because they changed since planning: %(list)s",
                len(result.skipped)) % {"n": len(result.skipped), "list": "; ".join(
                    f"{number} ({why})" for number, why in result.skipped)})
    return redirect("dispatch:plan", pk=plan.pk)


@require_POST
@dispatch_required
def plan_replan(request, pk: int):
    plan = plans.day_plan_get(user=request.user, pk=pk)
    form = ReplanForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("dispatch:plan", pk=plan.pk)
    try:
        new = plans.day_plan_replan(actor=request.user, plan=plan,
                                    time_limit=form.cleaned_data["time_limit"],
                                    keep_assignments=form.cleaned_data["keep_assignments"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    else:
        return redirect(reverse("dispatch:plan", args=[new.pk]))
    return redirect("dispatch:plan", pk=plan.pk)
