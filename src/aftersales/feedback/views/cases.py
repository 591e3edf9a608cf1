"""Follow-up cases for the service department and supervisors (FB-4, CP-15 reply deadline)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.choices import Role
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.views import PAGE_SIZE, page_query, roles_required

from .. import selectors, services
from ..filtersets import FollowUpCaseFilterSet
from ..forms import CloseCaseForm, TakeUpForm, TellCustomerForm
from ..models import FollowUpCase, is_headquarters
from ..workflow import case_workflow

CASE_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
cases_required = roles_required(CASE_ROLES)

# action key → (workflow transition, form, service, message done)
ACTIONS = {
    "take_up": ("take_up", TakeUpForm),
    "tell_customer": ("tell_customer", TellCustomerForm),
    "close": ("close", CloseCaseForm),
}


def _done_message(key):
    return {"take_up": _("You have taken up the case."),
            "tell_customer": _("The outcome goes to the customer by SMS and e-mail."),
            "close": _("The case is closed; a follow-up call is on the call list.")}[key]


@cases_required
def case_list(request):
    data = request.GET.copy()
    if not data:
        data["open"] = "true"
    filterset = FollowUpCaseFilterSet(data, queryset=selectors.case_list(user=request.user),
                                      request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/cases/list.html", {
        "filterset": filterset, "form": filterset.form, "page": page, "data": data,
        "query": page_query(request), "filtered": bool(set(request.GET) - {"page"}),
        "counts": selectors.case_counts(user=request.user), "now": timezone.now(),
        "show_centre": is_headquarters(request.user),
        "selected_status": data.getlist("status"),
    })


def _can_change(user, case) -> bool:
    return FollowUpCase.objects.restrict(user, "change").filter(pk=case.pk).exists()


def _case_page(request, case, *, bound=None, status=200):
    actions = []
    if _can_change(request.user, case):
        for t in case_workflow.available(case, request.user):
            key = t.name
            form = bound[1] if bound and bound[0] == key else ACTIONS[key][1](
                initial={"version": case.version}, prefix=key)
            actions.append({"key": key, "label": t.label, "form": form})
    survey = case.survey or selectors.survey_of(case.request)
    return render(request, "feedback/cases/detail.html", {
        "case": case, "sr": case.request, "customer": case.customer,
        "reasons": selectors.case_reasons(case),
        "survey": survey, "answers": selectors.survey_answers(survey),
        "visits": case.visits.select_related("assigned_to"),
        "calls": case.calls.all(),
        "timeline": selectors.timeline(case),
        "actions": actions, "open_action": bound[0] if bound else "",
        "now": timezone.now(),
    }, status=status)


@cases_required
def case_detail(request, pk: int):
    return _case_page(request, selectors.case_get_for_page(user=request.user, pk=pk))


@require_POST
@cases_required
def case_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    case = selectors.case_get_for_page(user=request.user, pk=pk)
    form = ACTIONS[action][1](request.POST, prefix=action)
    if not form.is_valid():
        return _case_page(request, case, bound=(action, form), status=400)
    data = form.cleaned_data
    kwargs = {"actor": request.user, "case": case, "expected_version": data["version"]}
    try:
        if action == "take_up":
            services.case_take_up(note=data["note"], **kwargs)
        elif action == "tell_customer":
            services.case_tell_customer(outcome=data["outcome"], **kwargs)
        else:
            services.case_close(note=data.get("note") or "", **kwargs)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _case_page(request, case, bound=(action, form), status=400)
    except ConflictError as exc:
        messages.error(request, str(exc.message))
        return redirect("feedback:case", pk=pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return _case_page(request, case, status=403)
    messages.success(request, _done_message(action))
    return redirect("feedback:case", pk=pk)
