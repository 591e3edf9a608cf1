"""Material request pages (PT-2): the technician's form and list on his phone, the store's
queue, a request's page with its steps, the printable pick list and shipping order."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.choices import STAFF_ROLES, Role
from aftersales.accounts.models import ServiceCentre
from aftersales.accounts.permissions import staff_required
from aftersales.core.dates import local_today
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import error_text
from aftersales.core.views import page_query, roles_required, service_run, service_value

from .. import selectors_requests as selectors
from ..choices import PAYABLE_METHODS
from ..models import MaterialRequestStatus, Part, Warehouse
from ..services import order_payments, order_returns
from ..services import requests as services

LINE_ROWS = 4
EXPORT_LIMIT = 20_000
LIST_FILTERS = {"open", "", "unpaid", "reserving", "late"}  # selectors.material_request_list
# a dealer's logins see, receive and cancel their own parts orders on these pages
orders_required = roles_required(STAFF_ROLES | {Role.DEALER})


def _listed(request) -> dict:
    """The list's filters from the query string (an unknown value falls back to the default)
    and the rows they select, for the page and its Excel export alike."""
    status = request.GET.get("status", "open")
    if status not in LIST_FILTERS | set(MaterialRequestStatus.values):
        status = "open"
    centres = (ServiceCentre.objects.order_by("code") if request.user.sees_all_centres
               else ServiceCentre.objects.none())
    centre = request.GET.get("centre", "")
    centre = centres.filter(pk=centre).first() if centre.isdigit() else None
    dealers_only = request.GET.get("kind") == "dealer"
    # the stock page's "Reserved": the requests holding a part in a place
    place, part = request.GET.get("place", ""), request.GET.get("part", "")
    place = (Warehouse.objects.restrict(request.user, "view").filter(pk=place).first()
             if place.isdigit() else None)
    part = Part.objects.filter(pk=part).first() if part.isdigit() else None
    rows = selectors.material_request_list(user=request.user, status=status, centre=centre,
                                           dealers_only=dealers_only, place=place, part=part)
    return {"rows": rows, "status": status, "centre": centre, "centres": centres,
            "dealers_only": dealers_only, "place": place, "part": part,
            # dealers and the accountant see dealers' orders only
            "orders_page": dealers_only or request.user.role in {"dealer", "accountant"}}


@require_GET
@orders_required
def material_request_list(request):
    """The technician's own requests; the store's queue (its centre's; managers all); a
    dealer's own parts orders; the accountant's, dealers' orders (to take their payments)."""
    listed = _listed(request)
    page = Paginator(listed.pop("rows"), 50).get_page(request.GET.get("page"))
    for material in page.object_list:
        material.money = selectors.order_money(material)
    template = ("parts/requests/mine.html" if request.user.role == "technician"
                else "parts/requests/queue.html")
    return render(request, template, {**listed, "page": page, "query": page_query(request),
                                      "statuses": MaterialRequestStatus.choices})


@require_GET
@orders_required
def material_request_export(request):
    """The filtered list as an Excel workbook (``core.excel``): each request with its parts,
    and for a dealer's charged order what it costs, what was paid and what is owed."""
    rows = _listed(request)["rows"]
    title = _("Material requests")
    workbook = workbook_new(title=title, write_only=True)
    sheet = sheet_add(workbook, title)
    row_append(sheet, [_("Number"), _("For"), _("Dealer"), _("Supplied from"), _("Goes to"),
                       _("Parts"), _("Warranty"), _("To pay"), _("Paid"), _("Still owed"),
                       _("Status"), _("Requested at"), pgettext("material request", "Delivery date"),
                       _("Shipping order")])
    for material in rows[:EXPORT_LIMIT]:
        money = selectors.order_money(material) or {}
        row_append(sheet, [
            material.number, material.for_label,
            material.dealer.name if material.dealer_id else "", material.source.name,
            material.destination.name,
            ", ".join(f"{line.part.code} × {line.quantity.normalize():f}"
                      for line in material.lines.all()),
            _("charged") if material.chargeable else _("free"),
            money.get("due"), money.get("paid"), money.get("owed"),
            material.get_status_display(), timezone.localtime(material.created_at),
            material.delivery_date, material.shipping_number])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, f"material-requests-{stamp}.xlsx")


def _lines_from_post(post) -> tuple[list[dict], list[str], list[dict]]:
    rows, problems = [], []
    for i in range(LINE_ROWS):
        code = (post.get(f"code_{i}") or "").strip()
        quantity = (post.get(f"quantity_{i}") or "").strip()
        if code or quantity:
            rows.append({"code": code, "quantity": quantity or "1"})
    found = selectors.parts_by_code(r["code"] for r in rows)
    lines = []
    for row in rows:
        part = found.get(row["code"])
        if part is None:
            problems.append(_("No part with the number “%(code)s”.") % {"code": row["code"]})
        else:
            lines.append({"part": part, "quantity": row["quantity"]})
    return lines, problems, rows


@require_http_methods(["GET", "POST"])
@staff_required
def material_request_new(request, job=None):
    """Parts for a job (the technician on his phone), or for the workshop (a supervisor)."""
    service_request = selectors.job_get(user=request.user, pk=job) if job is not None else None
    context = {"job": service_request, "rows": [{}] * LINE_ROWS, "note": "",
               "offered": selectors.parts_offered(service_request)}
    if request.method == "POST":
        lines, problems, rows = _lines_from_post(request.POST)
        note = request.POST.get("note", "")
        context.update(rows=rows + [{}] * (LINE_ROWS - len(rows)), note=note)
        if problems:
            context["error"] = " ".join(problems)
        else:
            try:
                material = services.material_request_create(
                    actor=request.user, request=service_request, lines=lines, note=note)
            except PermissionDenied as error:
                raise DjangoPermissionDenied(str(error.message)) from None
            except ValidationError as error:
                context["error"] = error_text(error)
            else:
                messages.success(request, _("Material request %(number)s sent.")
                                 % {"number": material.number})
                return redirect("parts:material_request", material.pk)
    return render(request, "parts/requests/new.html", context)


@require_GET
@orders_required
def material_request_detail(request, pk):
    material = selectors.material_request_get(user=request.user, pk=pk)
    lines = selectors.lines_with_availability(material)
    return render(request, "parts/requests/detail.html", {
        "material": material, "lines": lines,
        "money": selectors.order_money(material, lines, request.user),
        "methods": PAYABLE_METHODS,
        "actions": selectors.material_request_actions(material, request.user),
        "events": selectors.material_request_events(material),
        "returns": selectors.order_returns(material),
        # the form, while something of the order may still come back
        "may_return": (order_returns.may_receive_return(request.user, material)
                       and any(line.returnable > 0 for line in lines)),
        "today": local_today().isoformat(),
    })


@require_POST
@orders_required
def material_request_return(request, pk):
    """The store receives parts the dealer sent back against its order (a quantity per line)."""
    material = selectors.material_request_get(user=request.user, pk=pk)
    quantities = {key.removeprefix("back_"): value.strip()
                  for key, value in request.POST.items() if key.startswith("back_")}
    done, document = service_value(request, lambda: order_returns.order_return_receive(
        actor=request.user, material_request=material, lines=quantities,
        note=request.POST.get("note", "")))
    if done:
        messages.success(request, _("%(number)s recorded: the parts are back in %(place)s.")
                         % {"number": document.number, "place": material.source.name})
    return redirect("parts:material_request", material.pk)


@require_POST
@orders_required
def material_request_payment(request, pk):
    """The back office records what the dealer paid for its picked order."""
    material = selectors.material_request_get(user=request.user, pk=pk)
    if service_run(request, lambda: order_payments.order_pay(
            actor=request.user, material_request=material, amount=request.POST.get("amount", ""),
            method=request.POST.get("method", ""), reference=request.POST.get("reference", ""),
            note=request.POST.get("note", ""))):
        messages.success(request, _("Payment recorded."))
    return redirect("parts:material_request", material.pk)


@require_POST
@orders_required
def material_request_step(request, pk, step):
    if step not in services.ACTIONS:
        raise Http404
    material = selectors.material_request_get(user=request.user, pk=pk)
    url = reverse("parts:material_request", args=[material.pk])
    params = {"note": request.POST.get("note", "")}
    version = request.POST.get("version", "")
    if version.isdigit():
        params["expected_version"] = int(version)
    if step == "promise":
        params["delivery_date"] = request.POST.get("delivery_date", "")
    if step == "pick":
        params["picked"] = {key.removeprefix("picked_"): value.strip()
                            for key, value in request.POST.items()
                            if key.startswith("picked_") and value.strip()}
    if service_run(request, lambda: services.ACTIONS[step](
            actor=request.user, material_request=material, **params)):
        messages.success(request, _("Done."))
    return redirect(url)


def _print_context(request, pk):
    material = selectors.material_request_get(user=request.user, pk=pk)
    lines = selectors.lines_with_availability(material)
    return {"material": material, "lines": lines,
            "money": selectors.order_money(material, lines),
            "back_url": reverse("parts:material_request", args=[material.pk])}


@require_GET
@orders_required
def print_pick_list(request, pk):
    """拣货单: what the store takes off its shelves for this request."""
    context = _print_context(request, pk)
    if context["material"].status in {MaterialRequestStatus.REQUESTED,
                                      MaterialRequestStatus.WAITING_AGREEMENT,
                                      MaterialRequestStatus.CANCELLED}:
        raise Http404
    return render(request, "parts/requests/print_pick_list.html", context)


@require_GET
@orders_required
def print_shipping_order(request, pk):
    """发货单: the numbered shipping order that goes with the parts."""
    context = _print_context(request, pk)
    if not context["material"].shipping_number:
        raise Http404
    return render(request, "parts/requests/print_shipping_order.html", context)
