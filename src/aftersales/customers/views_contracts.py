"""Maintenance contract pages (AR-6, SR-2 B): list (search, state, customer), a contract's page,
create and edit, the renewals due and their outcome. Every write goes through customers.services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.dates import local_today
from aftersales.core.events import event_list
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors, error_text, form_error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query

from . import services
from .choices import ContractState, RenewalOutcome
from .forms_contracts import ContractFilterForm, ContractForm, LoseForm, RenewForm
from .models import ContractRenewal, Customer, MaintenanceContract
from .selectors import contract_list, renewal_list

EDIT_FIELDS = ("products", "starts_on", "ends_on", "fee", "excluded_causes", "responsible", "note")
EXPORT_LIMIT = 10_000


def _event_labels() -> dict:
    return {"create": _("Created"), "update": _("Changed"),
            "renewal_open": _("Renewal notice sent, task opened"),
            "renewed": _("Renewed"), "renewal_lost": _("Renewal lost")}


def _filtered(request):
    form = ContractFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    customer = None
    if values.get("customer"):
        customer = Customer.objects.restrict(request.user, "view").filter(
            pk=values["customer"]).first()
    qs = contract_list(user=request.user, q=values.get("q", ""), state=values.get("state", ""),
                       customer=customer)
    return form, customer, qs


@desk_required
def contract_list_view(request):
    form, customer, qs = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return _export(qs)
    page = Paginator(qs.prefetch_related("products__model").order_by("ends_on", "id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_today()
    for contract in page.object_list:
        contract.state_today = contract.state_on(today)
    return render(request, "customers/contracts/list.html", {
        "form": form, "page": page, "query": page_query(request), "customer": customer,
        "states": ContractState.choices, "state": form.data.get("state", "") if form.is_bound else "",
        "q": form.data.get("q", "") if form.is_bound else "",
        "open_renewals": renewal_list(user=request.user).count(),
    })


def _export(qs):
    workbook = workbook_new(title=_("Maintenance contracts"), write_only=True)
    sheet = sheet_add(workbook, _("Maintenance contracts"))
    row_append(sheet, [_("Number"), _("Customer"), _("Phone"), _("Starts on"), _("Ends on"),
                       _("Fee"), _("Products covered"), _("Causes not covered"),
                       _("Responsible person"), _("State")])
    today = local_today()
    labels = dict(ContractState.choices)
    for c in qs.prefetch_related("products__model").order_by("ends_on", "id")[:EXPORT_LIMIT]:
        row_append(sheet, [
            c.number, c.customer.name, c.customer.phone_display, c.starts_on, c.ends_on, c.fee,
            ", ".join(f"{p.model.code} #{p.serial}" for p in c.products.all()),
            ", ".join(c.excluded_labels()), str(c.responsible or ""),
            str(labels[c.state_on(today)])])
    return xlsx_response(workbook, f"contracts-{today:%Y%m%d}.xlsx")


@desk_required
def contract_detail(request, pk: int):
    contract = get_restricted(
        MaintenanceContract.objects.select_related("customer", "responsible", "previous"),
        request.user, pk=pk)
    renewal = ContractRenewal.objects.filter(contract=contract).select_related(
        "responsible", "decided_by").first()
    following = MaintenanceContract.objects.filter(previous=contract).first()
    return render(request, "customers/contracts/detail.html", {
        "contract": contract, "state": contract.state,
        "products": list(contract.products.select_related("model")),
        "renewal": renewal, "following": following, "events": _events(contract),
        "lose_form": LoseForm(), "renew_form": RenewForm(),
    })


def _events(contract) -> list:
    labels = _event_labels()
    events = list(event_list(contract))
    for event in events:
        event.label = labels.get(event.action, event.action)
    return events


def _contract_form_view(request, *, customer, contract=None):
    status = 200
    if request.method == "POST":
        form = ContractForm(request.POST, customer=customer)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in EDIT_FIELDS}
            data["products"] = list(data["products"])
            try:
                if contract is None:
                    contract = services.contract_create(actor=request.user, customer=customer,
                                                        **data)
                    messages.success(request, _("Contract %(number)s created.")
                                     % {"number": contract.number})
                else:
                    services.contract_update(actor=request.user, contract=contract,
                                             expected_version=form.cleaned_data["version"],
                                             **data)
                    messages.success(request, _("Contract %(number)s saved.")
                                     % {"number": contract.number})
            except ValidationError as exc:
                apply_errors(form, exc)
            except ConflictError as exc:
                messages.error(request, str(exc.message))
                status = 409
            except PermissionDenied as exc:
                messages.error(request, str(exc.message))
                status = 403
            else:
                return redirect("customers:contract", pk=contract.pk)
        status = status if status != 200 else 400
    elif contract is not None:
        form = ContractForm(customer=customer, initial={
            "products": list(contract.products.all()), "starts_on": contract.starts_on,
            "ends_on": contract.ends_on, "fee": contract.fee,
            "excluded_causes": contract.excluded_causes, "responsible": contract.responsible,
            "note": contract.note, "version": contract.version})
    else:
        form = ContractForm(customer=customer, initial={"responsible": request.user})
    return render(request, "customers/contracts/form.html", {
        "form": form, "customer": customer, "contract": contract, "stale": status == 409,
    }, status=status)


@desk_required
def contract_new(request, customer_pk: int):
    customer = get_restricted(Customer.objects.all(), request.user, pk=customer_pk)
    return _contract_form_view(request, customer=customer)


@desk_required
def contract_edit(request, pk: int):
    contract = get_restricted(MaintenanceContract.objects.select_related("customer"),
                              request.user, "change", pk=pk)
    return _contract_form_view(request, customer=contract.customer, contract=contract)


@desk_required
def renewal_list_view(request):
    outcome = request.GET.get("outcome", RenewalOutcome.OPEN)
    if outcome not in {"", *RenewalOutcome.values}:
        outcome = RenewalOutcome.OPEN
    mine = request.GET.get("mine") == "1"
    page = Paginator(renewal_list(user=request.user, outcome=outcome, mine=mine),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_today()
    for renewal in page.object_list:
        renewal.overdue = renewal.outcome == RenewalOutcome.OPEN and renewal.contract.ends_on < today
    return render(request, "customers/contracts/renewals.html", {
        "page": page, "query": page_query(request), "outcome": outcome, "mine": mine,
        "outcomes": RenewalOutcome.choices, "lose_form": LoseForm(), "renew_form": RenewForm(),
    })


def _renewal(request, pk: int) -> ContractRenewal:
    return get_restricted(ContractRenewal.objects.select_related("contract"), request.user,
                          "change", pk=pk)


def _back(request, renewal):
    target = request.POST.get("next", "")
    if target == "contract":
        return redirect("customers:contract", pk=renewal.contract_id)
    return redirect("customers:renewals")


@desk_required
@require_POST
def renewal_renew(request, pk: int):
    renewal = _renewal(request, pk)
    form = RenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return _back(request, renewal)
    try:
        new = services.contract_renew(actor=request.user, renewal=renewal,
                                      **{k: v for k, v in form.cleaned_data.items()
                                         if v not in (None, "") or k == "note"})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Renewed: contract %(number)s, %(start)s – %(end)s.") % {
            "number": new.number, "start": new.starts_on.isoformat(),
            "end": new.ends_on.isoformat()})
        return redirect("customers:contract", pk=new.pk)
    return _back(request, renewal)


@desk_required
@require_POST
def renewal_lose(request, pk: int):
    renewal = _renewal(request, pk)
    form = LoseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the renewal was lost."))
        return _back(request, renewal)
    try:
        services.contract_renewal_lose(actor=request.user, renewal=renewal,
                                       reason=form.cleaned_data["lost_reason"],
                                       note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Renewal of %(number)s recorded as lost.")
                         % {"number": renewal.contract.number})
    return _back(request, renewal)
