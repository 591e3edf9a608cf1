"""A customer enters his product's meter reading in the portal (PM-1: hours or kilometres)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.querysets import get_restricted
from aftersales.core.views import safe_next
from aftersales.customers.models import InstalledProduct

from ..services import meter_reading_add

TAG = "meter"


@require_POST
@login_required
def customer_reading(request):
    back = safe_next(request, request.POST.get("next")) or "/"
    product = get_restricted(InstalledProduct.objects, request.user,
                             pk=request.POST.get("product") or 0)
    value = (request.POST.get("value") or "").strip()
    if not value.isdigit():
        messages.error(request, _("Enter the meter reading as a whole number."), extra_tags=TAG)
        return redirect(f"{back}#meter")
    try:
        meter_reading_add(actor=request.user, product=product, value=int(value))
        messages.success(request, _("Meter reading recorded."), extra_tags=TAG)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(m for ms in getattr(exc, "message_dict", {"": getattr(exc, "messages", [str(exc)])}).values() for m in ms)
        messages.error(request, text, extra_tags=TAG)
    return redirect(f"{back}#meter")
