"""The deadlines on a request's page (a panel, core.panels): time left, pause, resume, extend."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.service.selectors import service_request_get_for_page

from .. import clocks
from ..choices import ClockKind, ClockState
from ..selectors import request_clocks

CLOCK_OPS = {"pause": clocks.clock_pause, "resume": clocks.clock_resume,
             "extend": clocks.clock_extend}


def clock_ops(service_request) -> list[dict]:
    states = {c.state for c in service_request.clocks.all()}
    ops = []
    if ClockState.RUNNING in states:
        ops.append({"key": "pause", "label": _("Pause: waits on the customer"), "required": True,
                    "placeholder": _("Why (customer away until …)")})
    if ClockState.PAUSED in states and service_request.status != "awaiting_agreement":
        ops.append({"key": "resume", "label": _("Resume"), "required": False,
                    "placeholder": _("Note (optional)")})
    if any(c.kind == ClockKind.RESOLUTION and not c.extension_reason
           and c.state in (ClockState.RUNNING, ClockState.PAUSED) for c in service_request.clocks.all()):
        ops.append({"key": "extend", "label": _("Extend to 48 h"), "required": True,
                    "placeholder": _("Special case: why")})
    return ops


def request_clocks_panel(http_request, service_request) -> dict | None:
    """The request page's deadlines section; nothing for a request without clocks."""
    prefetch_related_objects([service_request], "clocks")  # read once, by both helpers
    rows = request_clocks(service_request)
    if not rows:
        return None
    return {"sr": service_request, "clocks": rows, "clock_ops": clock_ops(service_request)}


@require_POST
@desk_required
def request_clock(request, pk: int, op: str):
    """Pause, resume or extend the request's deadlines (DS-4, waiting on the customer)."""
    if op not in CLOCK_OPS:
        raise Http404
    service_request = service_request_get_for_page(user=request.user, pk=pk)
    try:
        CLOCK_OPS[op](actor=request.user, request=service_request,
                      reason=request.POST.get("reason", ""))
        messages.success(request, _("Deadlines updated."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    return redirect("service:detail", pk=pk)
