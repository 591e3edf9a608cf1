"""The request list (with export) and a request's page with the actions the user may take."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.pagination import CappedPaginator
from aftersales.core.views import PAGE_SIZE, desk_required, page_query
from aftersales.dispatch import clocks
from aftersales.dispatch.choices import ClockKind, ClockState

from .. import selectors
from ..filtersets import ServiceRequestFilterSet
from ..forms import (
    AssignForm,
    HandBackForm,
    InspectForm,
    ReasonForm,
    VersionForm,
)
from ..services import ACTIONS
from ..workflow import service_request_workflow

EXPORT_LIMIT = 50_000


def _filtered(request):
    return ServiceRequestFilterSet(
        request.GET or None, queryset=selectors.service_request_list(user=request.user),
        request=request,
    )


@desk_required
def request_list(request):
    filterset = _filtered(request)
    queryset = filterset.qs
    paginator = CappedPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "capped": paginator.capped,
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "query": page_query(request),
        "filtered": bool(page_query(request)),
        "selected_status": request.GET.getlist("status"),
        "selected_category": request.GET.getlist("category"),
    }
    return render(request, "service/request/list.html", context)


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@desk_required
def request_export(request):
    """The filtered list as an Excel workbook (same filterset, same access rule)."""
    from openpyxl import Workbook

    filterset = _filtered(request)
    queryset = filterset.qs
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Service requests"))
    sheet.append([
        _("Number"), _("Reported at"), _("Customer"), _("Phone"), _("Address"), _("Model"),
        _("Serial number"), _("Category"), _("Status"), _("In warranty"), _("Chargeable"),
        _("Rough charge"), _("Technician"), _("Arrive by"), _("What is wrong"),
    ])
    yes, no = _("yes"), _("no")
    for sr in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
        product = sr.installed_product
        sheet.append([
            sr.number, _local(sr.reported_at), sr.customer.name, sr.customer.phone_display,
            sr.customer.address, product.model.code if product else "",
            product.serial if product else "", sr.category, sr.get_status_display(),
            yes if sr.in_warranty else no, yes if sr.chargeable else no, sr.estimated_charge,
            str(sr.assigned_technician or ""), _local(sr.arrive_by), sr.description,
        ])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="service-requests-{stamp}.xlsx"'
    workbook.save(response)
    return response


# --- a request's page -------------------------------------------------------------------------

# Desk actions offered on the page: workflow transition → (action key, form class)
DESK_TRANSITIONS = {
    "agree": ("agree", VersionForm),
    "decline": ("decline", VersionForm),
    "assign": ("assign", AssignForm),
    "unassign": ("unassign", ReasonForm),
    "inspect_pass": ("inspect", InspectForm),
    "inspect_fail": ("inspect", InspectForm),
    "hand_back": ("hand_back", HandBackForm),
    "close": ("close", VersionForm),
    "cancel": ("cancel", ReasonForm),
}
FORMS = {key: form for key, form in DESK_TRANSITIONS.values()}
ACTION_ORDER = ["agree", "decline", "assign", "unassign", "inspect", "hand_back", "close",
                "cancel"]


def _form(key, service_request, data=None):
    initial = {"version": service_request.version}
    if key == "assign":
        technicians = selectors.centre_technicians(centre=service_request.service_centre)
        initial["technician"] = service_request.assigned_technician_id
        return AssignForm(data, initial=initial, technicians=technicians, prefix=key)
    if key == "hand_back":
        initial["signer_name"] = service_request.customer.name
    return FORMS[key](data, initial=initial, prefix=key)


def _available(service_request, user) -> list[str]:
    names = {t.name for t in service_request_workflow.available(service_request, user)}
    keys = {DESK_TRANSITIONS[n][0] for n in names if n in DESK_TRANSITIONS}
    return [k for k in ACTION_ORDER if k in keys]


def _labels():
    return {
        "agree": _("Customer agrees to the charge"),
        "decline": _("Customer declines"),
        "assign": _("Assign a technician"),
        "unassign": _("Take back from the technician"),
        "inspect": _("Inspect the repair"),
        "hand_back": _("Return to the customer"),
        "close": _("Close the job"),
        "cancel": _("Cancel the request"),
    }


def _detail(request, service_request, *, bound=None, status=200):
    keys = _available(service_request, request.user)
    labels = _labels()
    actions = []
    for key in keys:
        form = bound[1] if bound and bound[0] == key else _form(key, service_request)
        actions.append({"key": key, "label": labels[key], "form": form})
    context = {
        "sr": service_request,
        "product": service_request.installed_product,
        "customer": service_request.customer,
        "work": selectors.request_work(service_request),
        "timeline": selectors.request_timeline(service_request),
        "actions": actions,
        "open_action": bound[0] if bound else "",
        "clocks": selectors.request_clocks(service_request),
        "clock_ops": _clock_ops(service_request),
    }
    return render(request, "service/request/detail.html", context, status=status)


CLOCK_OPS = {"pause": clocks.clock_pause, "resume": clocks.clock_resume,
             "extend": clocks.clock_extend}


def _clock_ops(service_request) -> list[dict]:
    states = {c.state for c in service_request.clocks.all()}
    ops = []
    if ClockState.RUNNING in states:
        ops.append({"key": "pause", "label": _("Pause: waits on the customer"), "required": True,
                    "placeholder": _("Why (customer away until …)")})
    if ClockState.PAUSED in states and service_request.status != "awaiting_agreement":
        ops.append({"key": "resume", "label": _("Resume"), "required": False,
                    "placeholder": _("Note (optional)")})
    if any(c.kind == ClockKind.RESOLUTION and not c.extension_reason
           and c.state in (ClockState.RUNNING, ClockState.PAUSED) for c in service_request.clocks.all()):
        ops.append({"key": "extend", "label": _("Extend to 48 h"), "required": True,
                    "placeholder": _("Special case: why")})
    return ops


@require_POST
@desk_required
def request_clock(request, pk: int, op: str):
    """Pause, resume or extend the request's deadlines (DS-4, waiting on the customer)."""
    if op not in CLOCK_OPS:
        raise Http404
    service_request = selectors.service_request_get_for_page(user=request.user, pk=pk)
    try:
        CLOCK_OPS[op](actor=request.user, request=service_request,
                      reason=request.POST.get("reason", ""))
        messages.success(request, _("Deadlines updated."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    return redirect("service:detail", pk=pk)


@desk_required
def request_detail(request, pk: int):
    service_request = selectors.service_request_get_for_page(user=request.user, pk=pk)
    return _detail(request, service_request)


def _kwargs(key: str, data: dict) -> dict:
    kwargs = {"expected_version": data["version"], "note": data.get("note") or ""}
    if key == "assign":
        kwargs |= {"technician": data["technician"], "appointment_at": data.get("appointment_at")}
    elif key == "inspect":
        kwargs["passed"] = data["passed"]
    elif key == "hand_back":
        kwargs |= {"signer_name": data["signer_name"], "signature": data.get("signature") or "",
                   "opinion": data.get("opinion") or ""}
    return kwargs


@require_POST
@desk_required
def request_action(request, pk: int, action: str):
    if action not in FORMS:
        raise Http404
    service_request = selectors.service_request_get_for_page(user=request.user, pk=pk)
    form = _form(action, service_request, request.POST)
    if not form.is_valid():
        return _detail(request, service_request, bound=(action, form), status=400)
    try:
        ACTIONS[action](actor=request.user, request=service_request,
                        **_kwargs(action, form.cleaned_data))
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail(request, service_request, bound=(action, form), status=400)
    except ConflictError as exc:
        messages.error(request, str(exc.message))
        return redirect("service:detail", pk=pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return _detail(request, service_request, status=403)
    messages.success(request, _("%(action)s: done.") % {"action": _labels()[action]})
    return redirect("service:detail", pk=pk)
