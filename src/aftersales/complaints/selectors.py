"""Reads that carry policy: the visible list with its filters, what a reader sees of a case."""

from django.db.models import Q
from django.utils import timezone

from aftersales.core.validators import phone_search_key

from .choices import OPEN_STATUSES
from .models import Complaint, Department, DepartmentMember
from .models.responsibility import internal_visible

__all__ = ["complaint_list", "internal_visible", "departments_with_people"]


def complaint_list(*, user, q: str = "", status: str = "", kind: str = "", channel: str = "",
                   now=None):
    rows = (Complaint.objects.restrict(user)
            .select_related("customer", "product_model", "service_centre"))
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status == "overdue":
        rows = rows.filter(status__in=OPEN_STATUSES, case_due_at__lt=now or timezone.now())
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if channel:
        rows = rows.filter(channel=channel)
    q = (q or "").strip()
    if q:
        # a phone as typed, or as a customer's is stored (E.164: "138…" is "+86138…")
        phone = phone_search_key(q)
        rows = rows.filter(Q(number__icontains=q) | Q(order_ref__icontains=q)
                           | Q(part_number__icontains=q) | Q(contact_name__icontains=q)
                           | Q(contact_phone__in={q, phone}) | Q(customer__name__icontains=q)
                           | Q(customer__phone=phone) | Q(description__icontains=q))
    return rows.order_by("-received_at", "-id")


def departments_with_people():
    departments = list(Department.objects.filter(active=True).order_by("code"))
    people = [m.user for m in DepartmentMember.objects.select_related("user")
              .order_by("user__username").distinct()]
    seen, unique = set(), []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return departments, unique
