"""The maintenance certificate (PM-1: each done maintenance recorded with a certificate)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.accounts.permissions import staff_required
from aftersales.core.querysets import get_restricted

from ..models import MaintenanceVisit
from ..selectors import DONE_STATUSES


@require_GET
@staff_required
def certificate(request, pk: int):
    visit = get_restricted(
        MaintenanceVisit.objects.select_related(
            "plan", "installed_product__model", "installed_product__customer",
            "request__assigned_technician", "request__service_centre"),
        request.user, pk=pk)
    if visit.request is None or visit.request.status not in DONE_STATUSES:
        raise Http404
    items = [line.strip() for line in visit.plan.items.splitlines() if line.strip()]
    signature = visit.request.signatures.order_by("-signed_at").first()
    return render(request, "maintenance/certificate.html", {
        "visit": visit, "sr": visit.request, "product": visit.installed_product, "items": items,
        "signature": signature})
