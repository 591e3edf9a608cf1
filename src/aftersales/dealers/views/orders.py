"""A dealer orders parts from the maker (PT-1): the order form, for a job or for stock. The
order's own page is parts' (``parts:material_request``), which the service department ships
from and the back office records the payment on."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aftersales.core.querysets import get_restricted
from aftersales.core.views import service_value
from aftersales.parts.selectors_requests import parts_offered

from .. import services
from ..forms import fitted_parts_form
from ..models import DealerJob
from .common import dealer_required
from .jobs import JOB_RELATED


@require_http_methods(["GET", "POST"])
@dealer_required
def order_new(request, job=None):
    """“订购配件”: part numbers and quantities; for an open job of the dealer's (free when the
    job is in warranty) or for its stock (charged at cost, paid before it ships)."""
    job = (get_restricted(DealerJob.objects.select_related(*JOB_RELATED), request.user, pk=job)
           if job is not None else None)
    posted = request.method == "POST"
    parts_form = fitted_parts_form(request.POST if posted else None)
    note = request.POST.get("note", "") if posted else ""
    status = 200
    if posted:
        status = 400
        if parts_form.is_valid():
            done, order = service_value(request, lambda: services.dealer_parts_order(
                actor=request.user, job=job, lines=parts_form.lines(), note=note))
            if done:
                messages.success(request, _("Parts order %(number)s sent.")
                                 % {"number": order.number})
                return redirect("parts:material_request", order.pk)
    return render(request, "dealers/order_new.html", {
        "job": job, "parts_form": parts_form, "note": note,
        "charged": services.fitted_parts_charged(job) if job is not None else True,
        "offered": parts_offered(job.request or job if job is not None else None)},
        status=status)
