"""Reads that carry policy: the visible list with its filters, what a reader sees of a case,
the month's penalty deductions for payroll."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from aftersales.core.validators import phone_search_key

from .choices import OPEN_STATUSES
from .models import Complaint, Department, DepartmentMember, PenaltyInstalment
from .models.responsibility import internal_reader, internal_visible

__all__ = ["complaint_list", "deduction_list", "departments_with_people", "internal_reader",
           "internal_visible"]


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


@dataclass(frozen=True)
class Deduction:
    """One penalty's part taken in a month: what payroll deducts, and what is left of it."""

    person: object
    department: object
    complaint: Complaint
    kind: str
    penalty: Decimal
    before: Decimal
    amount: Decimal
    openable: bool = True  # the reader may open the complaint's page (payroll may not)

    @property
    def remaining(self) -> Decimal:
        return self.penalty - self.before - self.amount


@dataclass(frozen=True)
class PersonDeductions:
    person: object
    departments: str
    count: int
    amount: Decimal


def deduction_list(*, user, month: date) -> dict:
    """CP-13 for payroll: every penalty instalment of ``month`` the reader may see (the
    internal form's rule), with what was taken of each penalty before and what is still to
    take; and each person's total for the month."""
    month = month.replace(day=1)
    rows = list(PenaltyInstalment.objects.restrict(user).filter(month=month)
                .select_related("person", "penalty__department", "penalty__complaint")
                .order_by("person__username", "penalty__complaint__number", "penalty_id"))
    before = dict(PenaltyInstalment.objects.filter(penalty_id__in={r.penalty_id for r in rows},
                                                   month__lt=month)
                  .values("penalty").annotate(total=Sum("amount"))
                  .values_list("penalty", "total"))
    opens = set(Complaint.objects.restrict(user)
                .filter(pk__in={r.penalty.complaint_id for r in rows}).values_list("pk", flat=True))
    lines = [Deduction(person=r.person, department=r.penalty.department,
                       complaint=r.penalty.complaint, kind=r.penalty.get_kind_display(),
                       penalty=r.penalty.amount, before=before.get(r.penalty_id, Decimal("0.00")),
                       amount=r.amount, openable=r.penalty.complaint_id in opens)
             for r in rows]
    people: dict[int, list[Deduction]] = {}
    for line in lines:
        people.setdefault(line.person.pk, []).append(line)
    latest = None
    if not lines:  # say where the last ones are (a month before, or booked ahead)
        latest = (PenaltyInstalment.objects.restrict(user).filter(month__lte=month)
                  .aggregate(latest=Max("month"))["latest"])
    return {
        "month": month, "lines": lines, "latest": latest,
        "people": [PersonDeductions(
            person=own[0].person, count=len(own), amount=sum((x.amount for x in own), Decimal("0.00")),
            departments=" · ".join(sorted({str(x.department) for x in own})))
            for own in people.values()],
        "total": sum((x.amount for x in lines), Decimal("0.00")),
    }
