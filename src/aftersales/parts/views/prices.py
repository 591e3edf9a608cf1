"""The price list pages (PT-1; docs/parts.md, "Price list pages"): every active part with the
price valid today and one waiting for a later day, its Excel export and print view; a part's
price history with the form for a new price and the product models it fits; the yearly price
list imported from Excel (template, preview, confirm). Every write goes through
``parts.services``; cost prices are shown only to those ``may_read_costs`` allows."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.choices import COMPANY_WIDE_ROLES
from aftersales.accounts.permissions import staff_required
from aftersales.core.dates import local_today
from aftersales.core.events import event_list
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import error_text, form_error_text
from aftersales.core.pagination import CappedPaginator
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query, roles_required, service_value
from aftersales.customers.models import ProductModel

from ..forms_prices import FitAddForm, PriceFilterForm, PriceImportForm, PriceSetForm
from ..models import Part
from ..prices_sheet import COLUMNS, MAX_BYTES, MAX_ROWS, price_sheet_read, price_template_workbook
from ..selectors_prices import (
    SheetRow,
    part_price_history,
    price_import_plan,
    price_list,
    price_list_categories,
)
from ..services import catalogue as catalogue_services
from ..services.prices import may_read_costs, may_set_prices, part_price_set
from ..services.prices_import import price_list_import

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
PRINT_LIMIT = 2_000
IMPORT_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
managers_required = roles_required(COMPANY_WIDE_ROLES)  # who ``may_set_prices``


def _filtered(request):
    user = request.user
    form = PriceFilterForm(request.GET or None, categories=price_list_categories(user=user))
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    rows = price_list(user=user, day=local_today(), q=data.get("q", ""),
                      category=data.get("category", ""), unpriced=data.get("unpriced", False),
                      with_cost=may_read_costs(user))
    filtered = bool(data.get("q") or data.get("category") or data.get("unpriced"))
    return form, (rows if valid else rows.none()), valid, filtered


@require_GET
@staff_required
def price_list_page(request, *, status=200):
    form, rows, valid, filtered = _filtered(request)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = page_query(request)
    context = {"form": form, "page": page, "query": query, "filtered": filtered,
               "costs": may_read_costs(request.user), "may_set": may_set_prices(request.user),
               "today": local_today()}
    template = ("parts/prices/_results.html" if request.headers.get("HX-Request")
                else "parts/prices/list.html")
    return render(request, template, context, status=status if valid else 400)


@require_GET
@staff_required
def price_list_export(request):
    """The filtered price list as an Excel workbook (cost columns only for those who may read
    costs). Its first columns are the import's, so an edited export can be imported again."""
    _form, rows, valid, _filtered_ = _filtered(request)
    if not valid:
        messages.error(request, _("Nothing was exported: a filter is not valid."))
        return price_list_page(request, status=400)
    costs = may_read_costs(request.user)
    workbook = workbook_new(title=_("Parts price list"), write_only=True)
    sheet = sheet_add(workbook, _("Parts price list"))
    head = [COLUMNS["code"], COLUMNS["name"], COLUMNS["price"]]
    head += [COLUMNS["cost"]] if costs else []
    head += [COLUMNS["valid_from"], pgettext("parts", "Category"),
             pgettext("parts", "Unit"), _("Next customer price")]
    head += [_("Next cost price")] if costs else []
    head += [_("Next price valid from")]
    row_append(sheet, head)
    for part in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
        values = [part.code, part.name, part.price]
        values += [part.cost] if costs else []
        values += [part.price_from, part.category, part.unit, part.next_price]
        values += [part.next_cost] if costs else []
        values += [part.next_from]
        row_append(sheet, values)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, f"parts-prices-{stamp}.xlsx")


@require_GET
@staff_required
def price_list_print(request):
    """The filtered price list on paper (at most ``PRINT_LIMIT`` parts)."""
    _form, rows, valid, _filtered_ = _filtered(request)
    if not valid:
        return price_list_page(request, status=400)
    parts = list(rows[:PRINT_LIMIT + 1])
    query = page_query(request)
    return render(request, "parts/prices/print.html", {
        "parts": parts[:PRINT_LIMIT], "more": len(parts) > PRINT_LIMIT, "limit": PRINT_LIMIT,
        "costs": may_read_costs(request.user), "today": local_today(),
        "back_url": reverse("parts:prices") + (f"?{query}" if query else "")})


# --- one part -------------------------------------------------------------------------------

def _part_context(request, part, *, price_form=None) -> dict:
    user, today = request.user, local_today()
    history = list(part_price_history(part))
    current = next((row for row in history if row.valid_from <= today), None)
    waiting = [row for row in history if row.valid_from > today]
    may_set = may_set_prices(user)
    labels = {"fit_add": _("Listed as fitting %(model)s"),
              "fit_remove": _("No longer listed for %(model)s")}
    fit_events = [(event, labels[event.action] % {"model": event.data.get("code", "")})
                  for event in event_list(part).filter(action__in=list(labels))]
    return {
        "part": part, "history": history, "current": current,
        "next": waiting[-1] if waiting else None, "today": today,
        "costs": may_read_costs(user), "may_set": may_set,
        "price_form": price_form if price_form is not None else (
            PriceSetForm(initial={"valid_from": today}) if may_set else None),
        "fits": list(part.fits.order_by("code")),
        "fit_form": FitAddForm(part=part) if may_set else None,
        "fit_events": fit_events[::-1],
    }


@require_http_methods(["GET", "POST"])
@staff_required
def part_prices(request, pk):
    """A part's prices: its history, newest first, and for those who set prices the form for a
    new one from a day (``part_price_set`` decides which days are accepted)."""
    part = get_restricted(Part.objects.all(), request.user, pk=pk)
    if request.method == "GET":
        return render(request, "parts/prices/part.html", _part_context(request, part))
    if not may_set_prices(request.user):
        raise Forbidden
    form = PriceSetForm(request.POST)
    if form.is_valid():
        done, row = service_value(request, lambda: part_price_set(
            actor=request.user, part=part, **form.cleaned_data), form=form)
        if done:
            messages.success(request, _(
                "%(part)s: %(price)s from %(day)s on.") % {
                    "part": part.code, "price": f"¥{row.price}", "day": row.valid_from.isoformat()})
            return redirect("parts:part_prices", part.pk)
    return render(request, "parts/prices/part.html",
                  _part_context(request, part, price_form=form), status=400)


@require_POST
@staff_required
def part_fits(request, pk):
    """Adds or takes off a product model the part fits. htmx: the fits panel comes back, with
    what was refused in it."""
    part = get_restricted(Part.objects.all(), request.user, pk=pk)
    if not may_set_prices(request.user):
        raise Forbidden
    action = request.POST.get("action")
    if action not in {"add", "remove"}:
        raise Http404
    form = FitAddForm(request.POST, part=part)
    model = ProductModel.objects.filter(pk=request.POST.get("product_model") or 0).first()
    error = ""
    try:
        if action == "add" and not form.is_valid():
            error = form_error_text(form)
        elif action == "add":
            catalogue_services.part_fit_add(actor=request.user, part=part, product_model=model)
        else:
            catalogue_services.part_fit_remove(actor=request.user, part=part,
                                               product_model=model)
    except PermissionDenied as exc:
        raise Forbidden(str(exc.message)) from None
    except ValidationError as exc:
        error = error_text(exc)
    done = _("%(part)s fits %(model)s.") if action == "add" else _(
        "%(part)s is no longer listed for %(model)s.")
    done = "" if error else done % {"part": part.code, "model": model.code}
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(reverse("parts:part_prices", args=[part.pk]) + "#fits")
    part.refresh_from_db()
    context = _part_context(request, part) | {"fit_error": error, "fit_done": done}
    # 200 with the message in the panel: htmx swaps only successful answers
    return render(request, "parts/prices/_fits.html", context)


# --- import ---------------------------------------------------------------------------------

def _salt(request) -> str:
    return f"parts.price-import.{request.user.pk}"


def _preview(request, plan, payload, name, *, status=200):
    return render(request, "parts/prices/import.html", {
        "form": None, "plan": plan, "payload": payload, "name": name,
        "costs": may_read_costs(request.user), "max_mb": MAX_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS}, status=status)


@require_http_methods(["GET", "POST"])
@managers_required
def price_import(request):
    """Upload a price list: the preview of what it would change (nothing is written yet)."""
    context = {"max_mb": MAX_BYTES // (1024 * 1024), "max_rows": MAX_ROWS}
    if request.method == "GET":
        return render(request, "parts/prices/import.html", context | {"form": PriceImportForm()})
    form = PriceImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = price_sheet_read(upload)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            payload = signing.dumps({"name": upload.name[:100],
                                     "rows": [row.payload() for row in rows]},
                                    salt=_salt(request), compress=True)
            return _preview(request, price_import_plan(rows), payload, upload.name)
    return render(request, "parts/prices/import.html", context | {"form": form}, status=400)


@require_POST
@managers_required
def price_import_confirm(request):
    """Imports the previewed file: every new price in one transaction, or nothing."""
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=_salt(request),
                             max_age=IMPORT_MAX_AGE)
        rows = [SheetRow.from_payload(row) for row in data["rows"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, _("The preview has expired: upload the file again."))
        return redirect("parts:price_import")
    done, plan = service_value(request, lambda: price_list_import(actor=request.user,
                                                                  rows=rows))
    if not done:  # something changed since the preview: show it again, nothing was written
        return _preview(request, price_import_plan(rows), request.POST["payload"],
                        data.get("name", ""), status=400)
    messages.success(request, _("Price list imported: %(new)s new prices, %(same)s unchanged.")
                     % {"new": len(plan.changes), "same": len(plan.unchanged)})
    return redirect("parts:prices")


@require_GET
@managers_required
def price_import_template(request):
    return xlsx_response(price_template_workbook(), "parts-price-list-template.xlsx")
