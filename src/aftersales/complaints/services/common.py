"""Helpers the complaint services share: the calendar, the policy, who may act on a step."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aftersales.core.calendar import calendar_for
from aftersales.core.exceptions import PermissionDenied

from ..models import Complaint, ComplaintPolicy, DepartmentMember
from ..models.complaint import is_headquarters

DOC_TYPE = "complaint"
PREFIX = "KS"


def calendar_of(complaint: Complaint):
    return calendar_for(complaint.service_centre if complaint.service_centre_id else None)


def policy() -> ComplaintPolicy:
    return ComplaintPolicy.load()


def check_visible(actor, complaint: Complaint) -> None:
    if not Complaint.objects.restrict(actor).filter(pk=complaint.pk).exists():
        raise PermissionDenied()


def member_of(actor, department) -> bool:
    return DepartmentMember.objects.filter(
        user=actor, department__in=[department.pk, *department.units.values_list("pk", flat=True)]
    ).exists()


def check_department(actor, department) -> None:
    """The step's department does the step; the head office may step in."""
    if is_headquarters(actor) or member_of(actor, department):
        return
    raise PermissionDenied(_("Only %(department)s does this step.") % {"department": department})


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValidationError({field: [message]})


def defaults_ensure() -> None:
    """The seed's departments, route, authorities and policy, where none exist (a new or
    flushed database; migration 0002 does the same on migrate)."""
    from .. import defaults
    from ..models import ApprovalAuthority, Department, RouteStep

    departments = {}
    for code, kind, name in defaults.DEPARTMENTS:
        departments[code], _c = Department.objects.get_or_create(
            code=code, defaults={"kind": str(kind), "name": name})
    for step, department, domestic, foreign in defaults.ROUTE:
        RouteStep.objects.get_or_create(code=str(step), defaults={
            "department": departments[department], "days_domestic": domestic,
            "days_foreign": foreign})
    if not ApprovalAuthority.objects.exists():
        for level, name, limit in defaults.AUTHORITIES:
            ApprovalAuthority.objects.create(level=level, name=name, max_amount=limit)
    ComplaintPolicy.load()
