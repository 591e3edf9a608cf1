"""What the technician's app adds to other apps' pages (core.panels)."""

from aftersales.core.panels import Panel
from aftersales.service.choices import Status

from .selectors import job_work

FINISHED = frozenset({Status.COMPLETED, Status.CLOSED})


def request_charges_panel(http_request, service_request) -> dict | None:
    """A finished request's page: the final charge, the same figures as the signed voucher."""
    if service_request.status not in FINISHED:
        return None
    return {"job": service_request, "work": job_work(service_request)}


# The desk's request page shows billing's charge sheet (billing.panels.request_charges_panel):
# the same figures as the phone, the portal and the voucher.
PANELS: dict[str, list[Panel]] = {}
