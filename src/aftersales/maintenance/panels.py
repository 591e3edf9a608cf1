"""What the maintenance app adds to other apps' pages (core.panels)."""

from aftersales.core.attachments import attachment_list
from aftersales.core.panels import Panel
from aftersales.customers.choices import Phase
from aftersales.service.choices import OPEN_STATUSES, Kind

from .choices import Basis
from .models import MaintenancePlan, MaintenanceVisit
from .selectors import DONE_STATUSES, checklist_rows, last_reading
from .services.installation import PHOTO_KIND


def _maintenance_context(job) -> dict:
    product = job.installed_product
    visit = (MaintenanceVisit.objects.select_related("plan").filter(request=job).first()
             if job.kind == Kind.MAINTENANCE else None)
    meter_plans = (list(MaintenancePlan.objects.filter(product_model_id=product.model_id,
                                                       basis=Basis.METER, active=True))
                   if product is not None else [])
    return {"visit": visit, "meter_plans": meter_plans,
            "last_reading": last_reading(product) if meter_plans else None,
            "plan_items": [line.strip() for line in (visit.plan.items if visit else "").splitlines()
                           if line.strip()],
            "certificate": visit is not None and job.status in DONE_STATUSES}


def field_job_panel(http_request, job) -> dict | None:
    """The phone's job page: installation photos and checklist (WK-5, WK-6; unboxing photos
    for a product not yet installed, AR-3), the meter reading, a maintenance visit's items."""
    product = job.installed_product
    installation = job.kind == Kind.INSTALLATION
    unboxing = product is not None and product.installed_on is None
    context = {"job": job, "installation": installation, "open": job.status in OPEN_STATUSES,
               **_maintenance_context(job)}
    if installation or unboxing:
        context["photos"] = list(attachment_list(job, PHOTO_KIND).select_related("uploaded_by"))
        context["photo_form"] = True
    if installation:
        context["checklist"] = checklist_rows(job)
    if not (installation or unboxing or context["visit"] or context["meter_plans"]):
        return None
    return context


def request_detail_panel(http_request, job) -> dict | None:
    """The desk's request page: the installation photos and checklist, or the maintenance
    visit with its certificate."""
    installation = job.kind == Kind.INSTALLATION
    photos = list(attachment_list(job, PHOTO_KIND).prefetch_related("uploaded_by"))  # mostly none
    if not (installation or photos or job.kind == Kind.MAINTENANCE):
        return None  # nothing to show: no visit to look up (the desk page shows no meter)
    context = {"job": job, "installation": installation, "photos": photos,
               "phase": job.installed_product.phase if job.installed_product else "",
               "unboxing": Phase.UNBOXING, **_maintenance_context(job)}
    if installation:
        context["checklist"] = checklist_rows(job)
    if not (installation or photos or context["visit"]):
        return None
    return context


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: due and overdue maintenance visits, with their Excel."""
    user = http_request.user
    if not (user.is_superuser or getattr(user, "is_staff_role", False)):
        return None
    from .selectors import visit_counts

    return {"counts": visit_counts(user=user)}


PANELS = {
    "field.job": [Panel(template="maintenance/panels/field_job.html", context=field_job_panel,
                        order=20)],
    "service_request.detail": [Panel(template="maintenance/panels/request_detail.html",
                                     context=request_detail_panel, order=40)],
    "reports.index": [Panel(template="maintenance/panels/reports_card.html",
                            context=reports_card_panel, order=45)],
}
