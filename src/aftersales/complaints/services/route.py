"""The route (CP-4 … CP-7, CP-9, CP-10): step deadlines on the business calendar, each step done
by its department, approval by authority, reminders and urge notes exactly once."""

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import transition_apply

from .. import rules
from ..choices import AlertKind, Cause, Kind, Market, OutcomeKind, StepCode
from ..models import (
    ApprovalAuthority,
    Complaint,
    ComplaintStep,
    DepartmentMember,
    Inquiry,
    InternalNote,
    RouteStep,
    StepAlert,
)
from ..workflow import STEP_TRANSITION, complaint_workflow
from .common import (
    calendar_of,
    check_department,
    check_visible,
    defaults_ensure,
    policy,
    require,
)

logger = logging.getLogger(__name__)
ALERT_TASK = "aftersales.complaints.tasks.fire_step_alert"
CASE_ALERT_TASK = "aftersales.complaints.tasks.fire_case_alert"
FIRE_TOLERANCE = timedelta(seconds=5)
NEXT_STEP = {
    StepCode.INTAKE: StepCode.QA, StepCode.QA: StepCode.MANUFACTURING,
    StepCode.MANUFACTURING: StepCode.RND, StepCode.RND: StepCode.NEGOTIATION,
    StepCode.NEGOTIATION: StepCode.REVIEW, StepCode.REVIEW: StepCode.APPROVAL,
}


def step_limit(route: RouteStep, market: str) -> Decimal:
    return route.days_foreign if market == Market.FOREIGN else route.days_domestic


def step_start(complaint: Complaint, code: str, start) -> ComplaintStep:
    """Open a route step with its deadline and schedule its reminder and urge note."""
    route = RouteStep.objects.select_related("department").filter(code=code).first()
    if route is None:
        defaults_ensure()
        route = RouteStep.objects.select_related("department").get(code=code)
    calendar = calendar_of(complaint)
    due = rules.working_days_after(calendar, start, step_limit(route, complaint.market))
    step = ComplaintStep.objects.create(complaint=complaint, code=code,
                                        department=route.department, started_at=start, due_at=due)
    remind = rules.reminder_moment(calendar, start, due, policy().reminder_before_hours)
    enqueue(ALERT_TASK, step.pk, AlertKind.REMINDER, run_after=remind)
    enqueue(ALERT_TASK, step.pk, AlertKind.URGE, run_after=due)
    return step


def running_step(complaint: Complaint) -> ComplaintStep | None:
    return complaint.steps.filter(code=complaint.status, done_at__isnull=True).first()


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if number < 0 or not number.is_finite():
        raise ValidationError({field: [_("Must not be negative.")]})
    return rules.money(number)


def _authority_covering(actor, level: int) -> bool:
    if actor.is_superuser:
        return True
    return ApprovalAuthority.objects.filter(level__gte=level, users=actor).exists()


def required_level(amount: Decimal) -> int:
    levels = list(ApprovalAuthority.objects.values_list("level", "max_amount"))
    level = rules.authority_level(levels, amount)
    if level is None:
        raise ValidationError({"proposed_amount": [_("No approval authority covers this amount.")]})
    return level


def step_complete(*, actor, complaint: Complaint, opinion: str = "", expected_version=None,
                  **fields) -> Complaint:
    """Finish the running step with the department's opinion and start the next (CP-4)."""
    check_visible(actor, complaint)
    opinion = (opinion or "").strip()
    now = timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if expected_version is not None and locked.version != expected_version:
            from aftersales.core.exceptions import StaleWrite

            raise StaleWrite()
        step = running_step(locked)
        if step is None:
            raise ConflictError(_("No step of this complaint is waiting."))
        changes: dict = {}
        code = step.code
        if code == StepCode.APPROVAL:
            if not _authority_covering(actor, locked.required_level or 1):
                raise PermissionDenied(_("This amount needs the approval of a higher "
                                         "authority."))
            changes.update(approved_by=actor, approved_at=now)
        else:
            check_department(actor, step.department)
        if code == StepCode.INTAKE:
            p = policy()
            calendar = calendar_of(locked)
            days = p.foreign_case_days if locked.market == Market.FOREIGN else p.domestic_case_days
            changes.update(accepted_at=now,
                           case_due_at=rules.working_days_after(calendar, now, days),
                           qa_report_due_at=rules.working_days_after(calendar, now,
                                                                     p.qa_report_days))
            if "joint_inspection" in fields:
                changes["joint_inspection"] = bool(fields["joint_inspection"])
        elif code == StepCode.QA:
            cause = fields.get("cause") or ""
            upheld = fields.get("upheld")
            kind = fields.get("kind") or locked.kind
            supplier = bool(fields.get("supplier_involved"))
            supplier_name = (fields.get("supplier_name") or "").strip()
            errors = {}
            if cause not in Cause.values:
                errors["cause"] = [_("Choose the cause (one of the fifteen).")]
            if upheld not in (True, False):
                errors["upheld"] = [_("Say whether the complaint is upheld.")]
            if kind not in Kind.values:
                errors["kind"] = [_("Choose quality or non-quality.")]
            if supplier and not supplier_name:
                errors["supplier_name"] = [_("Name the supplier.")]
            if len(opinion) < 4:
                errors["opinion"] = [_("Write the cause and the responsible department found.")]
            if errors:
                raise ValidationError(errors)
            changes.update(cause=cause, upheld=upheld, kind=kind, supplier_involved=supplier,
                           supplier_name=supplier_name)
        elif code == StepCode.NEGOTIATION:
            outcome = fields.get("proposed_outcome") or ""
            require(outcome in OutcomeKind.values, "proposed_outcome",
                    _("Choose the outcome agreed with the customer."))
            if locked.upheld is False:
                require(outcome == OutcomeKind.NOT_UPHELD, "proposed_outcome",
                        _("QA found the complaint not upheld: the receivable is collected as "
                          "normal."))
            amount = _decimal(fields.get("proposed_amount"), "proposed_amount")
            quantity = _decimal(fields.get("return_quantity"), "return_quantity")
            if outcome == OutcomeKind.ALLOWANCE:
                require(amount is not None and amount > 0, "proposed_amount",
                        _("Give the allowance amount."))
            if outcome in (OutcomeKind.RETURN, OutcomeKind.REWORK):
                require(quantity is not None and quantity > 0, "return_quantity",
                        _("Give the quantity to return or rework."))
            require(len(opinion) >= 4, "opinion", _("Write the result of the negotiation."))
            changes.update(proposed_outcome=outcome, proposed_amount=amount or Decimal("0.00"),
                           return_quantity=quantity)
        elif code == StepCode.REVIEW:
            require(len(opinion) >= 4, "opinion", _("Write the combined opinion."))
            changes["required_level"] = required_level(locked.proposed_amount or Decimal("0"))
        elif code in (StepCode.MANUFACTURING, StepCode.RND):
            require(len(opinion) >= 4, "opinion", _("Write the department's opinion."))
        step.done_at, step.done_by, step.opinion = now, actor, opinion
        step.save(update_fields=["done_at", "done_by", "opinion"])
        locked = transition_apply(
            workflow=complaint_workflow, instance=locked, name=STEP_TRANSITION[code],
            actor=actor, note=opinion, changes=changes,
            data={"step": code, "late": now > step.due_at, "due_at": step.due_at})
        if code in NEXT_STEP:
            step_start(locked, NEXT_STEP[code], now)
        if code == StepCode.INTAKE:
            enqueue(CASE_ALERT_TASK, locked.pk, AlertKind.CASE_URGE, run_after=locked.case_due_at)
    return locked


def qa_report_record(*, actor, complaint: Complaint, text: str) -> Complaint:
    """CP-6: QA's report to the general manager, within three working days of acceptance."""
    check_visible(actor, complaint)
    qa = RouteStep.objects.select_related("department").get(code=StepCode.QA).department
    check_department(actor, qa)
    text = (text or "").strip()
    require(len(text) >= 4, "text", _("Write the report."))
    if complaint.accepted_at is None:
        raise ConflictError(_("The GM office has not accepted this complaint yet."))
    now = timezone.now()
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=complaint.pk, qa_report_at__isnull=True).update(
            qa_report_at=now, updated_at=now)
        if not updated:
            raise ConflictError(_("QA has already reported on this complaint."))
        InternalNote.objects.create(complaint=complaint, author=actor,
                                    text=_("QA report: %(text)s") % {"text": text})
        event_append(subject=complaint, action="qa_report", actor=actor,
                     data={"in_time": now <= complaint.qa_report_due_at})
    complaint.qa_report_at = now
    return complaint


def complaint_cancel(*, actor, complaint: Complaint, note: str) -> Complaint:
    check_visible(actor, complaint)
    with transaction.atomic():
        locked = transition_apply(workflow=complaint_workflow, instance=complaint, name="cancel",
                                  actor=actor, note=note)
        locked.steps.filter(done_at__isnull=True).update(done_at=timezone.now())
    return locked


# --- reminders, urge notes (CP-7) -----------------------------------------------------------------


def _recipients(department) -> list[User]:
    people = [m.user for m in DepartmentMember.objects.filter(
        department=department, user__is_active=True).select_related("user")]
    return people or list(User.objects.filter(is_active=True, role__in=[Role.MANAGER, Role.ADMIN],
                                               service_centre__isnull=True))


def _fire(complaint: Complaint, step: ComplaintStep | None, kind: str, now) -> bool:
    """Record the alert once (the unique constraint decides) and notify."""
    try:
        with transaction.atomic():
            StepAlert.objects.create(complaint=complaint, step=step, kind=kind, fired_at=now)
    except IntegrityError:
        return False
    due = step.due_at if step else complaint.case_due_at
    department = step.department if step else None
    texts = {
        AlertKind.REMINDER: _("%(number)s: %(step)s is due %(due)s"),
        AlertKind.URGE: _("Urge note %(number)s: %(step)s was due %(due)s — please deal with it"),
        AlertKind.CASE_URGE: _("%(number)s: the whole case was due %(due)s"),
    }
    text = texts.get(kind, texts[AlertKind.REMINDER]) % {
        "number": complaint.number, "step": step.get_code_display() if step else "",
        "due": timezone.localtime(due).strftime("%m-%d %H:%M")}
    people = _recipients(department) if department else _recipients(
        RouteStep.objects.get(code=StepCode.INTAKE).department)
    Notification.objects.bulk_create([
        Notification(user=user, text=text[:300], link=f"/complaints/{complaint.pk}/",
                     level="info" if kind == AlertKind.REMINDER else "warning")
        for user in people])
    event_append(subject=complaint, action=f"alert_{kind}", at=now,
                 data={"step": step.code if step else None, "due_at": due})
    return True


def step_alert_fire(*, step_id: int, kind: str, now=None) -> bool:
    """A step's reminder or urge note, if due and the step still runs (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        step = (ComplaintStep.objects.select_for_update().select_related("complaint", "department")
                .filter(pk=step_id).first())
        if step is None or step.done_at is not None:
            return False
        complaint = step.complaint
        if kind == AlertKind.REMINDER:
            threshold = rules.reminder_moment(calendar_of(complaint), step.started_at,
                                              step.due_at, policy().reminder_before_hours)
        else:
            threshold = step.due_at
        if now + FIRE_TOLERANCE < threshold:
            return False
        fired = _fire(complaint, step, kind, now)
    if fired:
        logger.info("complaint alert %s fired", kind, extra={"path": complaint.number})
    return fired


def case_alert_fire(*, complaint_id: int, kind: str = AlertKind.CASE_URGE, now=None) -> bool:
    """The whole case passed its 13/17-day limit while still open (CP-5)."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        if (complaint is None or not complaint.is_open or complaint.case_due_at is None
                or now + FIRE_TOLERANCE < complaint.case_due_at):
            return False
        return _fire(complaint, None, kind, now)


def inquiries_open(complaint: Complaint, now) -> list[Inquiry]:
    """CP-7: after closing, every step that was late gets an inquiry (洽辦單) to its department."""
    calendar = calendar_of(complaint)
    made = []
    for step in complaint.steps.filter(done_at__isnull=False).select_related("department"):
        if step.done_at <= step.due_at:
            continue
        late = calendar.between(step.due_at, step.done_at)
        hours = rules.money(Decimal(late.total_seconds()) / Decimal(3600))
        inquiry, new = Inquiry.objects.get_or_create(
            step=step, defaults={"complaint": complaint, "department": step.department,
                                 "late_by_hours": hours, "created_at": now})
        if new:
            made.append(inquiry)
            Notification.objects.bulk_create([
                Notification(user=user, link=f"/complaints/{complaint.pk}/", level="warning",
                             text=(_("Inquiry %(number)s: why was “%(step)s” late?") % {
                                 "number": complaint.number, "step": step.get_code_display()})[:300])
                for user in _recipients(step.department)])
    return made


def inquiry_answer(*, actor, inquiry: Inquiry, answer: str) -> Inquiry:
    check_visible(actor, inquiry.complaint)
    check_department(actor, inquiry.department)
    answer = (answer or "").strip()
    require(len(answer) >= 4, "answer", _("Write why the step was late."))
    now = timezone.now()
    with transaction.atomic():
        if not Inquiry.objects.filter(pk=inquiry.pk, answered_at__isnull=True).update(
                answer=answer, answered_by=actor, answered_at=now):
            raise ConflictError(_("This inquiry has already been answered."))
        event_append(subject=inquiry.complaint, action="inquiry_answer", actor=actor,
                     note=answer, data={"step": inquiry.step.code})
    inquiry.refresh_from_db()
    return inquiry
