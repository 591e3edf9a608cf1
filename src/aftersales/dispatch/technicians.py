"""Technicians' qualifications and availability (DS-2): who can take a job now, and why not."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.customers.models import ProductModel
from aftersales.service.choices import FIELD_STATUSES

from .choices import OUT_STATUSES, TechnicianStatus
from .models import Skill, TechnicianProfile

STATUS_AFTER = {
    "depart": TechnicianStatus.EN_ROUTE,
    "arrive": TechnicianStatus.ON_SITE,
    "complete": TechnicianStatus.AVAILABLE,
    "carry_in": TechnicianStatus.AVAILABLE,
    "reschedule": TechnicianStatus.AVAILABLE,
}


def technician_status_follow(*, request, action: str) -> None:
    """Keep the technician's status in step with his job (called by the request's services)."""
    status = STATUS_AFTER.get(action)
    if status is None or request.assigned_technician_id is None:
        return
    TechnicianProfile.objects.filter(user_id=request.assigned_technician_id).exclude(
        status=TechnicianStatus.OFF).update(status=status, updated_at=timezone.now())


def required_skill(request) -> str | None:
    product = request.installed_product
    return product.model.category if product is not None else None


def skill_gap(profile: TechnicianProfile, skill_code: str | None, day: date) -> str | None:
    """Why the technician may not do work of this category, or None."""
    if skill_code is None:
        return None
    skill = next((s for s in profile.skills.all() if s.code == skill_code), None)
    if skill is None:
        return _("lacks the skill “%(skill)s”") % {"skill": skill_names([skill_code])[skill_code]}
    if skill.needs_certificate and not any(
            c.skill_id == skill.pk and c.expires_on >= day for c in profile.certificates.all()):
        return _("certificate for “%(skill)s” missing or expired") % {"skill": skill.name}
    return None


def availability_gap(profile: TechnicianProfile, day: date, open_jobs: int) -> str | None:
    """Why the technician cannot take another job today, or None (DS-2: out on another job)."""
    if profile.status == TechnicianStatus.OFF:
        return _("off duty")
    if profile.status in OUT_STATUSES:
        return _("still out on another job (%(status)s)") % {"status": profile.get_status_display()}
    shifts = list(profile.shifts.all())
    if shifts and not any(s.weekday == day.weekday() for s in shifts):
        return _("not on shift today")
    if open_jobs >= profile.daily_capacity:
        return _("has %(count)s jobs today, his capacity") % {"count": open_jobs}
    return None


def open_jobs_today(technician_ids, day: date) -> dict[int, int]:
    """Open field jobs per technician: assigned, on the way or on site, due today or earlier."""
    from django.db.models import Count

    from aftersales.service.models import ServiceRequest

    rows = (ServiceRequest.objects.filter(assigned_technician_id__in=technician_ids,
                                          status__in=FIELD_STATUSES)
            .values("assigned_technician_id").annotate(n=Count("pk")))
    return {row["assigned_technician_id"]: row["n"] for row in rows}


def skill_names(codes) -> dict[str, str]:
    """code → what people call the skill: its name; a product category whose skill has no name
    of its own (no skill record, or one named by its code) by its product models' names, so a
    page never shows a code. Two queries at most."""
    codes = set(codes)
    names = {code: name for code, name in Skill.objects.filter(code__in=codes).values_list(
        "code", "name") if name and name.strip() and name != code}
    unnamed = codes - names.keys()
    if unnamed:
        models: dict[str, list[str]] = {}
        for category, name in (ProductModel.objects.filter(category__in=unnamed)
                               .order_by("category", "code").values_list("category", "name")):
            models.setdefault(category, []).append(name)
        for category, model_names in models.items():
            names[category] = " / ".join(model_names[:2]) + (" …" if len(model_names) > 2 else "")
    return {code: names.get(code, code) for code in sorted(codes)}
