"""What the parts app adds to other apps' pages (core.panels), one function per section."""

from aftersales.core.panels import Panel

from .models import ReturnObligation
from .selectors_requests import material_requests_of_job


def request_material_requests_panel(http_request, service_request) -> dict | None:
    """A request's page: its material requests (PT-2), with their state and shipping order."""
    user = http_request.user
    rows = material_requests_of_job(user=user, job=service_request)
    may_request = service_request.is_open and (
        getattr(user, "sees_all_centres", False)
        or (user.role == "supervisor" and user.service_centre_id == service_request.service_centre_id))
    if not rows and not may_request:
        return None
    return {"material_requests": rows, "job": service_request, "may_request": may_request}


def request_returns_panel(http_request, service_request) -> dict | None:
    """A request's page: the faulty parts its free (warranty) parts owe back (PT-3)."""
    rows = list(ReturnObligation.objects.restrict(http_request.user)
                .filter(request=service_request).prefetch_related("part", "owed_by"))
    if not rows:
        return None
    return {"obligations": rows, "job": service_request}


PANELS = {
    "service_request.detail": [
        Panel(template="parts/panels/request_material_requests.html",
              context=request_material_requests_panel, order=30),
        Panel(template="parts/panels/request_returns.html", context=request_returns_panel,
              order=31),
    ],
}
