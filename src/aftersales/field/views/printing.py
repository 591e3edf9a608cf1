"""Print views (print CSS, A4/A5): service voucher, product receipt, repair card (WK-1, WK-3)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..qr import portal_url, qr_svg
from .common import home_url, staff_view


def _context(request, pk) -> dict:
    job = selectors.job_get(user=request.user, pk=pk)
    url = portal_url(job.number)
    return {
        "job": job,
        "work": selectors.job_work(job),
        "signatures": (sigs := selectors.signatures(job)),
        "final_signature": sigs.get("completion") or sigs.get("return"),
        "visit": selectors.current_visit(job),
        "receipt": selectors.latest_receipt(job),
        "card": getattr(job, "repair_card", None),
        "portal_url": url,
        "qr": qr_svg(url),
        "back_url": home_url(job),
    }


@require_GET
@staff_view
def print_voucher(request, pk):
    """服务凭证: the work order the technician takes along and the customer signs."""
    return render(request, "field/print/voucher.html", _context(request, pk))


@require_GET
@staff_view
def print_receipt(request, pk):
    """客户商品领取收据: what was taken to the workshop; stamped cancelled on return."""
    context = _context(request, pk)
    if context["receipt"] is None:
        raise Http404
    return render(request, "field/print/receipt.html", context)


@require_GET
@staff_view
def print_repair_card(request, pk):
    """修护卡: hangs on the product at the workshop; hours, parts, inspection, return."""
    context = _context(request, pk)
    if context["card"] is None:
        raise Http404
    context["bench"] = selectors.job_work(context["job"], bench_only=True)
    return render(request, "field/print/repair_card.html", context)
