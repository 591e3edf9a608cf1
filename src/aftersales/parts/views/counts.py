"""Stock-take pages (PT-3): the count sheets of the places a user sees, opening one, the sheet on
a phone (one number per line, saved as it is typed in with htmx; a part found that is not on
it added by its number), its surplus/deficit analysis,
the steps (counted, approve, recount, cancel) and the printable sheet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import error_text
from aftersales.core.views import service_run

from .. import selectors_counts as selectors
from ..models import Part, StockCountStatus
from ..services import counts as services
from ..services.stock import may_move
from ..workflow_counts import LEADS, stock_count_workflow


def _is_lead(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in LEADS)


@require_GET
@staff_required
def stock_count_list(request):
    status = request.GET.get("status", "open")
    if status not in {"open", ""} | set(StockCountStatus.values):
        status = "open"
    page = Paginator(selectors.stock_count_list(user=request.user, status=status), 50).get_page(
        request.GET.get("page"))
    return render(request, "parts/counts/list.html", {
        "page": page, "status": status, "statuses": StockCountStatus.choices,
        "places": selectors.places_to_count(user=request.user) if _is_lead(request.user) else [],
    })


@require_POST
@staff_required
def stock_count_open(request):
    place = get_object_or_404(selectors.places_to_count(user=request.user),
                              pk=request.POST.get("warehouse") or 0)
    try:
        count = services.stock_count_open(actor=request.user, warehouse=place,
                                          note=request.POST.get("note", ""),
                                          blind=request.POST.get("blind") == "on")
    except PermissionDenied as error:
        raise DjangoPermissionDenied(str(error.message)) from None
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("parts:counts")
    messages.success(request, _("Count sheet %(number)s opened.") % {"number": count.number})
    return redirect("parts:count", count.pk)


def _context(request, count):
    lines = selectors.stock_count_lines(count)
    return {
        "count": count, "lines": lines, "summary": selectors.stock_count_summary(lines),
        "actions": {t.name for t in selectors.stock_count_actions(count, request.user)},
        "may_enter": count.status == StockCountStatus.OPEN and may_move(request.user,
                                                                         count.warehouse),
    }


def _detail_context(request, count) -> dict:
    context = _context(request, count)
    labels = {"open": _("Opened"), "line_add": _("Part found added"),
              **{t.name: t.label for t in stock_count_workflow.transitions.values()}}
    context["events"] = [(event, labels.get(event.action, event.action))
                         for event in selectors.stock_count_events(count)]
    return context


@require_GET
@staff_required
def stock_count_detail(request, pk):
    count = selectors.stock_count_get(user=request.user, pk=pk)
    return render(request, "parts/counts/detail.html", _detail_context(request, count))


@require_POST
@staff_required
def stock_count_line(request, pk, line):
    """One counted quantity. htmx: the line back (with its difference) and the totals."""
    count = selectors.stock_count_get(user=request.user, pk=pk)
    row = get_object_or_404(count.lines.select_related("part", "count__warehouse"), pk=line)
    error = ""
    try:
        services.stock_count_line_set(actor=request.user, line=row,
                                      counted=request.POST.get("counted", ""))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    except ValidationError as exc:
        error = error_text(exc)
    except ConflictError as exc:
        error = str(exc.message)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{row.part.code}: {error}")
        return redirect("parts:count", count.pk)
    context = _context(request, count)
    context.update(line=next(x for x in context["lines"] if x.pk == row.pk), error=error,
                   entered=request.POST.get("counted", ""), oob=True)
    # 200 with the message in the line: htmx swaps only successful answers
    return render(request, "parts/counts/_line_saved.html", context)


@require_POST
@staff_required
def stock_count_found(request, pk):
    """A part found on the shelf that is not on the sheet, by its number, with what was counted."""
    count = selectors.stock_count_get(user=request.user, pk=pk)
    code = (request.POST.get("part") or "").strip()
    part = Part.objects.filter(code__iexact=code).first() if code else None
    added = {}

    def call():
        added["line"] = services.stock_count_line_add(actor=request.user, count=count, part=part,
                                                      counted=request.POST.get("counted", ""))

    try:
        call()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    except (ValidationError, ConflictError) as exc:  # the sheet again, the error at the form
        context = _detail_context(request, count)
        context.update(found_error=error_text(exc) if isinstance(exc, ValidationError)
                       else str(exc.message), found_part=code,
                       found_counted=request.POST.get("counted", ""))
        return render(request, "parts/counts/detail.html", context, status=400)
    messages.success(request, _("%(code)s added to the sheet.") % {"code": part.code})
    return redirect(f"{reverse('parts:count', args=[count.pk])}#line-{added['line'].pk}")


@require_POST
@staff_required
def stock_count_step(request, pk, step):
    if step not in services.ACTIONS:
        raise Http404
    count = selectors.stock_count_get(user=request.user, pk=pk)
    params = {"note": request.POST.get("note", "")}
    version = request.POST.get("version", "")
    if version.isdigit():
        params["expected_version"] = int(version)
    if service_run(request, lambda: services.ACTIONS[step](actor=request.user, count=count,
                                                           **params)):
        messages.success(request, _("Done."))
    return redirect("parts:count", count.pk)


@require_GET
@staff_required
def stock_count_print(request, pk):
    """盘点表: the sheet on paper, to count with a pen (or, once counted, the analysis)."""
    count = selectors.stock_count_get(user=request.user, pk=pk)
    context = _context(request, count)
    context["back_url"] = reverse("parts:count", args=[count.pk])
    return render(request, "parts/counts/print.html", context)
