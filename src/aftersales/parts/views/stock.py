"""Stock pages (docs/parts.md, "Stock pages"): the user's places, a place's stock on hand, the
low-stock list, the moves ledger with its Excel export, and receipt, transfer and scrap forms.
Every place comes through ``Warehouse.objects.restrict``: a technician sees only his van; every
move through ``parts.services``."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts.choices import DESK_ROLES
from aftersales.accounts.permissions import staff_required
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.pagination import CappedPaginator
from aftersales.core.views import page_query, roles_required

from .. import selectors
from ..choices import MoveKind
from ..forms_stock import MoveFilterForm, ReceiptForm, ScrapForm, TransferForm
from ..models import Warehouse
from ..services import stock as services

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
desk_required = roles_required(DESK_ROLES)


def _place_get(user, pk) -> Warehouse:
    """The same 404 for a place that does not exist and one the user may not see."""
    place = Warehouse.objects.restrict(user, "view").filter(pk=pk).first()
    if place is None:
        raise Http404
    return place


@require_GET
@staff_required
def stock_places(request):
    places = (Warehouse.objects.restrict(request.user, "view")
              .select_related("service_centre", "technician")
              .annotate(parts_held=Count("balances", filter=Q(balances__quantity__gt=0)),
                        parts_low=Count("balances", filter=Q(
                            balances__reorder_level__gt=0,
                            balances__quantity__lte=F("balances__reorder_level"))))
              .order_by("-active", "kind", "code"))
    return render(request, "parts/stock/places.html", {"places": places})


@require_GET
@staff_required
def stock_place(request, pk):
    place = _place_get(request.user, pk)
    q = (request.GET.get("q") or "").strip()
    rows = selectors.balance_list(user=request.user).filter(warehouse=place)
    if q:
        rows = rows.filter(Q(part__code__icontains=q) | Q(part__name__icontains=q))
    else:
        rows = rows.exclude(quantity=0, reorder_level=0)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parts/stock/place.html", {
        "place": place, "q": q, "page": page, "query": page_query(request),
        "may_move": services.may_move(request.user, place)})


@require_GET
@staff_required
def stock_low(request):
    rows = selectors.low_stock_list(user=request.user)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parts/stock/low.html", {"page": page, "query": page_query(request)})


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _moves_filtered(request):
    form = MoveFilterForm(request.GET or None, user=request.user)
    rows = selectors.move_list(user=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["place"]:
            rows = rows.filter(warehouse=data["place"])
        if data["part"]:
            rows = rows.filter(part=data["part"])
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        # local days as a range of times, so the index on ``at`` serves it
        if data["date_from"]:
            rows = rows.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            rows = rows.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    return form, rows


@require_GET
@staff_required
def stock_moves(request, *, status=200):
    form, rows = _moves_filtered(request)
    if form.is_bound and not form.is_valid():
        rows = rows.none()
        status = 400
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parts/stock/moves.html", {
        "form": form, "page": page, "query": page_query(request),
        "filtered": bool(page_query(request))}, status=status)


@require_GET
@staff_required
def stock_moves_export(request):
    """The filtered ledger as an Excel workbook (the page's form, the same access rule). A filter
    that is not valid is the page with its error (400), never an export of every move."""
    form, rows = _moves_filtered(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Nothing was exported: a filter is not valid."))
        return stock_moves(request, status=400)
    workbook = workbook_new(title=_("Stock moves"), write_only=True)
    sheet = sheet_add(workbook, _("Stock moves"))
    row_append(sheet, [_("At"), _("Place"), _("Part number"), _("Part"), _("Kind"),
                       _("Quantity"), _("On hand after"), _("Unit"), _("From / to"),
                       _("Service request"), _("Reference"), _("Note"), _("By")])
    for move in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
        row_append(sheet, [
            move.at, move.warehouse.code, move.part.code, move.part.name, move.get_kind_display(),
            move.quantity, move.balance_after, move.part.unit,
            move.counterpart.code if move.counterpart else "",
            move.request.number if move.request else "", move.reference, move.note,
            str(move.actor or "")])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, f"stock-moves-{stamp}.xlsx")


# --- moves made on the pages --------------------------------------------------------------------

def _move_page(request, form_class, template, perform, success):
    initial = {}
    if request.GET.get("place"):
        initial = {"place": request.GET["place"], "source": request.GET["place"]}
    if request.method == "GET":
        form = form_class(initial=initial, user=request.user)
        return render(request, template, {"form": form})
    form = form_class(request.POST, user=request.user)
    if form.is_valid():
        try:
            place = perform(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error, rename={"warehouse": "place", "target": "target"})
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You may not move stock there."))
        else:
            messages.success(request, success(form.cleaned_data))
            return redirect(reverse("parts:stock_place", args=[place.pk]))
    return render(request, template, {"form": form}, status=400)


def _qty(data):
    return {"part": data["part"].code, "qty": data["quantity"].strip(), "unit": data["part"].unit}


@require_http_methods(["GET", "POST"])
@desk_required
def stock_receipt(request):
    def perform(data):
        services.stock_move(actor=request.user, warehouse=data["place"], part=data["part"],
                            kind=MoveKind.RECEIPT, quantity=data["quantity"],
                            unit_cost=data["unit_cost"], reference=data["reference"])
        return data["place"]

    return _move_page(request, ReceiptForm, "parts/stock/receipt.html", perform, lambda d: _(
        "%(qty)s %(unit)s of %(part)s received.") % _qty(d))


@require_http_methods(["GET", "POST"])
@staff_required
def stock_transfer(request):
    def perform(data):
        services.stock_transfer(actor=request.user, source=data["source"], target=data["target"],
                                part=data["part"], quantity=data["quantity"], note=data["note"])
        return data["source"]

    return _move_page(request, TransferForm, "parts/stock/transfer.html", perform, lambda d: _(
        "%(qty)s %(unit)s of %(part)s moved to %(place)s.") % (_qty(d) | {
            "place": d["target"].name}))


@require_http_methods(["GET", "POST"])
@staff_required
def stock_scrap(request):
    def perform(data):
        services.stock_move(actor=request.user, warehouse=data["place"], part=data["part"],
                            kind=MoveKind.SCRAP, quantity=data["quantity"], note=data["note"])
        return data["place"]

    return _move_page(request, ScrapForm, "parts/stock/scrap.html", perform, lambda d: _(
        "%(qty)s %(unit)s of %(part)s scrapped.") % _qty(d))
