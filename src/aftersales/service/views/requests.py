"""The request list (with export) and a request's page with the actions the user may take."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.pagination import CappedPaginator
from aftersales.core.plans import plans_for_values
from aftersales.core.views import PAGE_SIZE, page_query

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
@plans_for_values()
def request_list(request, *, status=200):
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
    return render(request, "service/request/list.html", context, status=status)


@desk_required
@plans_for_values()
def request_export(request):
    """The filtered list as an Excel workbook (same filterset, same access rule), written by
    core.excel. A filter that is not valid is the list page with its error (400), never an
    export of every row."""
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Nothing was exported: a filter is not valid."))
        return request_list(request, status=400)
    queryset = filterset.qs
    workbook = workbook_new(title=_("Service requests"), write_only=True)
    sheet = sheet_add(workbook, _("Service requests"))
    row_append(sheet, [
        _("Number"), _("Reported at"), _("Customer"), _("Phone"), _("Address"), _("Model"),
        _("Serial number"), _("Category"), _("Status"), _("In warranty"), _("Chargeable"),
        _("Rough charge"), _("Technician"), _("Arrive by"), _("What is wrong"),
    ])
    yes, no = _("yes"), _("no")
    for sr in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
        product = sr.installed_product
        row_append(sheet, [
            sr.number, sr.reported_at, sr.customer.name, sr.customer.phone_display,
            sr.customer.address, product.model.code if product else "",
            product.serial if product else "", sr.category, sr.get_status_display(),
            yes if sr.in_warranty else no, yes if sr.chargeable else no, sr.estimated_charge,
            str(sr.assigned_technician or ""), sr.arrive_by, sr.description,
        ])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, f"service-requests-{stamp}.xlsx")


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
    }
    return render(request, "service/request/detail.html", context, status=status)


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
