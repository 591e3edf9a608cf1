"""Responsibility and penalties (CP-12, CP-13, CP-15): the split, the deductions and the
three strikes. The arithmetic is in rules.py; this books it."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, PermissionDenied

from .. import rules
from ..choices import Grade, PenaltyKind, StrikeConsequence
from ..models import (
    Complaint,
    Department,
    DepartmentMember,
    Penalty,
    PenaltyInstalment,
    Responsibility,
    StaffStrike,
)
from ..models.responsibility import internal_visible
from .common import policy

HUNDRED = Decimal("100")


def responsibility_set(*, actor, complaint: Complaint, lines: list[dict],
                       loss_actual=None, loss_resale=None, resold_on: date | None = None
                       ) -> list[Responsibility]:
    """The GM office's split of responsibility (sum 100 %) and the loss it is charged on.
    Replaces the split until the case is closed; after that it is fixed (penalties are booked)."""
    if not internal_visible(actor, complaint):
        raise PermissionDenied()
    if not complaint.is_open:
        raise ConflictError(_("The complaint is closed: its responsibility is fixed."))
    errors: dict[str, list] = {}
    clean = []
    for i, line in enumerate(lines):
        department = line.get("department")
        if not isinstance(department, Department):
            errors.setdefault("lines", []).append(_("Line %(n)s: choose a department.") % {"n": i + 1})
            continue
        try:
            ratio = rules.money(Decimal(str(line.get("ratio"))))
        except Exception:  # noqa: BLE001
            ratio = Decimal("0")
        if not (Decimal("0") < ratio <= HUNDRED):
            errors.setdefault("lines", []).append(
                _("Line %(n)s: the share must be above 0 and at most 100 %%.") % {"n": i + 1})
        person = line.get("person")
        grade = line.get("grade") or Grade.NONE
        if grade not in Grade.values:
            errors.setdefault("lines", []).append(_("Line %(n)s: unknown penalty.") % {"n": i + 1})
        if grade != Grade.NONE and person is None:
            errors.setdefault("lines", []).append(
                _("Line %(n)s: an administrative penalty needs a person.") % {"n": i + 1})
        clean.append(dict(department=department, person=person, ratio=ratio, grade=grade,
                          minor_count=max(1, int(line.get("minor_count") or 1))))
    if not clean:
        errors.setdefault("lines", []).append(_("Give at least one responsible department."))
    elif sum(line["ratio"] for line in clean) != HUNDRED:
        errors.setdefault("lines", []).append(_("The shares must add up to 100 %."))
    values = {}
    for key, value in (("loss_actual", loss_actual), ("loss_resale", loss_resale)):
        if value in (None, ""):
            values[key] = None
            continue
        try:
            values[key] = rules.money(Decimal(str(value)))
        except Exception:  # noqa: BLE001
            errors[key] = [_("Enter an amount.")]
            continue
        if values[key] < 0:
            errors[key] = [_("Must not be negative.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Complaint.objects.select_for_update().get(pk=complaint.pk)
        complaint.responsibilities.all().delete()
        rows = Responsibility.objects.bulk_create(
            [Responsibility(complaint=complaint, **line) for line in clean])
        Complaint.objects.filter(pk=complaint.pk).update(resold_on=resold_on, **values)
        event_append(subject=complaint, action="responsibility_set", actor=actor,
                     data={"lines": len(rows)})  # the split itself stays on the internal form
    return rows


def _member(department, person) -> DepartmentMember | None:
    return DepartmentMember.objects.filter(department=department, user=person).first()


def _members(department) -> tuple:
    return tuple((m.user_id, m.base_points)
                 for m in DepartmentMember.objects.filter(department=department).order_by("user_id"))


def loss_of(complaint: Complaint) -> Decimal:
    window = policy().resale_window_days
    decided = (complaint.approved_at or complaint.closed_at)
    resold_in_window = bool(complaint.resold_on and decided and complaint.resold_on
                            <= decided.date() + timedelta(days=window))
    return rules.loss_counted(actual_loss=complaint.loss_actual or Decimal("0"),
                              resale_loss=complaint.loss_resale,
                              resold_within_window=resold_in_window)


def penalties_book(complaint: Complaint, month: date) -> list[Penalty]:
    """At closing: each person's deductions (economic share, administrative penalty) and the
    months they are taken in (the cap with carry-over)."""
    p = policy()
    month = month.replace(day=1)
    responsibilities = list(complaint.responsibilities.select_related("department", "person"))
    shares = [rules.Share(key=r.pk, ratio=r.ratio, person=r.person_id,
                          members=() if r.person_id else _members(r.department))
              for r in responsibilities]
    by_pk = {r.pk: r for r in responsibilities}
    booked = []
    loss = loss_of(complaint)
    for d in rules.economic_deductions(loss, shares):
        if d.amount <= 0:
            continue
        r = by_pk[d.key]
        booked.append(Penalty(complaint=complaint, responsibility=r, person_id=d.person,
                              department=r.department, kind=PenaltyKind.ECONOMIC, amount=d.amount,
                              basis=d.basis, month=month))
    for r in responsibilities:
        if r.grade == Grade.NONE or r.person_id is None:
            continue
        member = _member(r.department, r.person)
        amount = rules.administrative_amount(
            grade=r.grade, warning_amount=p.warning_amount, minor_per_base=p.minor_per_base,
            base_points=member.base_points if member else Decimal("1"),
            monthly_bonus=member.monthly_bonus if member else Decimal("0"),
            minor_count=r.minor_count)
        booked.append(Penalty(complaint=complaint, responsibility=r, person=r.person,
                              department=r.department, kind=r.grade, amount=amount,
                              basis=r.get_grade_display(), month=month))
    rows = Penalty.objects.bulk_create(booked)
    for penalty in rows:
        if penalty.kind != PenaltyKind.ECONOMIC:
            PenaltyInstalment.objects.create(penalty=penalty, person=penalty.person, month=month,
                                             amount=penalty.amount) if penalty.amount > 0 else None
            continue
        member = _member(penalty.department, penalty.person)
        cap = rules.money((member.monthly_bonus if member else Decimal("0")) * p.cap_ratio)
        used = defaultdict(Decimal)
        for row in (PenaltyInstalment.objects.filter(person=penalty.person,
                                                     penalty__kind=PenaltyKind.ECONOMIC,
                                                     month__gte=month)
                    .values("month").annotate(total=Sum("amount"))):
            used[row["month"]] = row["total"]
        for when, amount in rules.instalments(penalty.amount, cap=cap, start=month, used=used):
            PenaltyInstalment.objects.create(penalty=penalty, person=penalty.person, month=when,
                                             amount=amount)
    return rows


def strike_record(complaint: Complaint) -> StaffStrike | None:
    """CP-15: an upheld complaint about a staff member counts one strike."""
    person = complaint.staff_complained_about
    if person is None or complaint.upheld is not True:
        return None
    from aftersales.accounts.models import User

    User.objects.select_for_update().get(pk=person.pk)  # strikes of one person in turn
    number = StaffStrike.objects.filter(person=person).count() + 1
    consequence = (StrikeConsequence.WARNING if number == 1 else
                   StrikeConsequence.PENALTY if number == 2 else StrikeConsequence.DISMISSAL)
    return StaffStrike.objects.create(person=person, complaint=complaint, number=number,
                                      consequence=consequence)
