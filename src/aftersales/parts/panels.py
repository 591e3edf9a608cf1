"""What the parts app adds to other apps' pages (core.panels), one function per section."""

from aftersales.core.panels import Panel

from .selectors_requests import material_request_list


def request_material_requests_panel(http_request, service_request) -> dict | None:
    """A request's page: its material requests (PT-2), with their state and shipping order."""
    rows = list(material_request_list(user=http_request.user, job=service_request))
    if not rows:
        return None
    return {"material_requests": rows}


PANELS = {
    "service_request.detail": [
        Panel(template="parts/panels/request_material_requests.html",
              context=request_material_requests_panel, order=30),
    ],
}
