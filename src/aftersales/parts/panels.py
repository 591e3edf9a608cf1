"""What the parts app adds to other apps' pages (core.panels), one function per section."""

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.dates import local_today
from aftersales.core.find import FIND_PAGE, find_panel, local_day, number_section
from aftersales.core.panels import Panel

from .models import ReturnObligation, ReturnStatus
from .selectors_requests import material_request_list, material_requests_of_job
from .services.requests import PREFIX as MATERIAL_REQUEST_PREFIX
from .services.returns import obligation_may_send, return_point


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
                .filter(request=service_request).prefetch_related("part", "owed_by", "dealer"))
    if not rows:
        return None
    return {"obligations": rows, "job": service_request}


def field_job_returns_panel(http_request, job) -> dict | None:
    """The technician's job page: the faulty parts his free (warranty) parts owe back (PT-1,
    PT-3) — he writes down the serials and sends each back without leaving the job."""
    user = http_request.user
    rows = list(ReturnObligation.objects.restrict(user).filter(request=job)
                .select_related("part", "receiving_point").order_by("id"))
    if not rows:
        return None
    today = local_today()
    for row in rows:
        row.may_send = obligation_may_send(user, row)
        row.overdue = row.status == ReturnStatus.OPEN and row.due_on < today
    return {"obligations": rows, "job": job, "next": f"{http_request.path}#faulty-parts",
            "receiving_point": return_point()}


def material_request_find(http_request, q) -> dict | None:
    """Quick find: material requests by number (MR…)."""
    return number_section(
        http_request, q, prefix=MATERIAL_REQUEST_PREFIX, roles=DESK_ROLES,
        title=_("Material requests"),
        rows=lambda user: (material_request_list(user=user).prefetch_related(None)
                           .order_by("-created_at", "-id")),
        url=lambda row: reverse("parts:material_request", args=[row.pk]),
        detail=lambda row: (f"{row.request.number if row.request_id else row.destination.name}"
                            f" · {row.get_status_display()} · {local_day(row.created_at)}"))


PANELS = {
    FIND_PAGE: [find_panel(material_request_find, order=55)],
    "field.job": [
        Panel(template="parts/panels/field_job_returns.html", context=field_job_returns_panel,
              order=10),
    ],
    "service_request.detail": [
        Panel(template="parts/panels/request_material_requests.html",
              context=request_material_requests_panel, order=30),
        Panel(template="parts/panels/request_returns.html", context=request_returns_panel,
              order=31),
    ],
}
