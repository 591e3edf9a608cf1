"""Follow-up cases (FB-4, CP-15 reply), supervisors' visits (FB-4) and calls (FB-5)."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.numbering import next_number
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import transition_apply
from aftersales.service.models import ServiceRequest

from .. import rules, texts
from ..choices import (
    CallKind,
    CallOutcome,
    CaseSource,
    MessageChannel,
    MessageKind,
    VisitStatus,
)
from ..models import (
    FeedbackSettings,
    FollowUpCall,
    FollowUpCase,
    OutboundMessage,
    VisitTask,
    is_headquarters,
)
from ..workflow import call_workflow, case_workflow, visit_workflow
from .common import (
    CASE_PREFIX,
    EARLY_TOLERANCE,
    centre_tz,
    customer_destinations,
    hq_managers,
    notify,
    working_day_start,
)

# Tasks this module schedules, by name (the tasks module imports this one).
CHECK_CASE_REPLY_TASK = "aftersales.feedback.tasks.check_case_reply"
DELIVER_MESSAGE_TASK = "aftersales.feedback.tasks.deliver_message"


def follow_up_call_schedule(*, request: ServiceRequest, kind: str = CallKind.AFTER_REPAIR,
                            case: FollowUpCase | None = None,
                            after: datetime | None = None) -> FollowUpCall:
    """FB-5: a call on the centre's list, due the configured working days later; idempotent."""
    lookup = {"request": request, "kind": kind} if kind == CallKind.AFTER_REPAIR else {
        "case": case, "kind": kind}
    existing = FollowUpCall.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    policy = FeedbackSettings.load()
    start = after or request.completed_at or timezone.now()
    due = working_day_start(start, request.service_centre, policy.call_delay_days)
    try:
        with transaction.atomic():
            call = FollowUpCall.objects.create(request=request, case=case, kind=kind, due_at=due)
    except IntegrityError:
        return FollowUpCall.objects.get(**lookup)
    event_append(subject=call, action="schedule", to_state=call.status, data={"due_at": due})
    return call


# --- follow-up cases (FB-4, CP-15) ------------------------------------------------------------

def _reply_due(centre, start: datetime) -> datetime:
    from aftersales.dispatch.clocks import deadline_from, policy_for

    policy = policy_for("complaint_reply")
    return deadline_from(policy, start, centre) if policy else start + timedelta(hours=24)


def follow_up_case_open(*, request, source, summary, serious: bool, complaint: bool, reasons: list,
               survey=None, call=None, policy=None, actor=None) -> FollowUpCase:

    policy = policy or FeedbackSettings.load()
    now = timezone.now()
    centre = request.service_centre
    case = FollowUpCase.objects.create(
        number=next_number("follow_up_case", CASE_PREFIX, now), request=request,
        service_centre=centre, customer=request.customer, source=source, survey=survey,
        call=call, serious=serious, complaint=complaint or serious, reasons=reasons,
        summary=summary, reply_due_at=_reply_due(centre, now))
    event_append(subject=case, action="open", actor=actor, to_state=case.status, at=now,
                 data={"serious": case.serious, "complaint": case.complaint,
                       "reasons": case.reasons})
    alerted = set()
    if case.serious:
        alerted = {user.pk for user in _serious_alert(case, policy)}
    values = {"number": case.number, "request": request.number, "customer": request.customer.name}
    department = (User.objects.filter(Q(service_centre__isnull=True) | Q(service_centre=centre),
                                      role=Role.MANAGER, is_active=True)
                  .exclude(pk__in=alerted))
    notify(department,
            _("New follow-up case %(number)s: %(customer)s, request %(request)s") % values,
            reverse("feedback:case", args=[case.pk]), "warning")
    if case.complaint:
        visit_task_create(case=case, policy=policy)
    enqueue(CHECK_CASE_REPLY_TASK, case.pk, run_after=case.reply_due_at)
    return case


def _serious_recipients(policy):
    chosen = list(policy.notify_users.filter(is_active=True))
    return chosen or list(hq_managers())


def _serious_alert(case: FollowUpCase, policy) -> list:
    """FB-4: a serious complaint goes to the vice-president at once (in the product, SMS, e-mail)."""

    recipients = _serious_recipients(policy)
    values = {"number": case.number, "customer": case.customer.name}
    notify(recipients, _("Serious complaint %(number)s from %(customer)s — please look at it now")
            % values, reverse("feedback:case", args=[case.pk]), "error")
    subject, body = texts.serious_alert(case)
    for user in recipients:
        for channel, destination in ((MessageChannel.SMS, user.phone),
                                     (MessageChannel.EMAIL, user.email)):
            if not destination:
                continue
            message, new = OutboundMessage.objects.get_or_create(
                case=case, kind=MessageKind.SERIOUS_ALERT, channel=channel,
                destination=destination, defaults={"subject": subject, "body": body})
            if new:
                enqueue(DELIVER_MESSAGE_TASK, message.pk)
    return recipients


def _check_case_access(actor, case: FollowUpCase) -> None:
    if not FollowUpCase.objects.restrict(actor, "change").filter(pk=case.pk).exists():
        raise PermissionDenied()


def case_take_up(*, actor, case: FollowUpCase, note: str, expected_version=None) -> FollowUpCase:
    """The first reply to the customer (CP-15: within 24 hours); the actor handles the case."""
    _check_case_access(actor, case)
    now = timezone.now()
    return transition_apply(workflow=case_workflow, instance=case, name="take_up", actor=actor,
                            note=(note or "").strip(), expected_version=expected_version,
                            changes={"handler": actor, "replied_at": now},
                            data={"in_time": now <= case.reply_due_at})


def case_tell_customer(*, actor, case: FollowUpCase, outcome: str,
                       expected_version=None) -> FollowUpCase:
    """FB-4: the customer is told the outcome, by SMS and e-mail where we have them."""

    _check_case_access(actor, case)
    outcome = (outcome or "").strip()
    if len(outcome) < 4:
        raise ValidationError({"outcome": [_("Write what the customer is told: the outcome.")]})
    if len(outcome) > 300:
        raise ValidationError({"outcome": [_("Keep it under 300 characters: it goes by SMS.")]})
    with transaction.atomic():
        case = transition_apply(workflow=case_workflow, instance=case, name="tell_customer",
                                actor=actor, note=outcome, expected_version=expected_version,
                                changes={"outcome": outcome, "customer_told_at": timezone.now()})
        subject, body = texts.case_outcome(case)
        for channel, destination in customer_destinations(case.customer):
            message, new = OutboundMessage.objects.get_or_create(
                case=case, kind=MessageKind.CASE_OUTCOME, channel=channel,
                destination=destination, defaults={"subject": subject, "body": body})
            if new:
                enqueue(DELIVER_MESSAGE_TASK, message.pk)
    return case


def case_close(*, actor, case: FollowUpCase, note: str = "", expected_version=None) -> FollowUpCase:
    """Settled: the case closes and a call after the complaint lands on the call list (FB-5)."""
    _check_case_access(actor, case)
    if case.visits.filter(status=VisitStatus.OPEN).exists():
        raise ValidationError(_("The supervisor's visit is still open: record it or cancel it "
                                "first."))
    now = timezone.now()
    with transaction.atomic():
        case = transition_apply(workflow=case_workflow, instance=case, name="close", actor=actor,
                                note=note, expected_version=expected_version,
                                changes={"closed_at": now})
        follow_up_call_schedule(request=case.request, kind=CallKind.AFTER_COMPLAINT, case=case,
                                after=now)
    return case


def case_reply_check(*, case_id: int, now: datetime | None = None) -> bool:
    """At the reply deadline: a case nobody has taken up is escalated to the service department."""
    now = now or timezone.now()
    with transaction.atomic():
        case = (FollowUpCase.objects.select_for_update().select_related("customer")
                .filter(pk=case_id).first())
        if case is None or case.replied_at or now + EARLY_TOLERANCE < case.reply_due_at:
            return False
        if _has_event(case, "reply_overdue"):
            return False
        event_append(subject=case, action="reply_overdue", at=now,
                     data={"reply_due_at": case.reply_due_at})
        notify(hq_managers(), _("Follow-up case %(number)s: no reply to the customer within the "
                                  "deadline") % {"number": case.number},
                reverse("feedback:case", args=[case.pk]), "error")
    return True


def _has_event(subject, action: str) -> bool:
    from aftersales.core.events import event_list

    return event_list(subject).filter(action=action).exists()


# --- supervisors' visits (FB-4) ---------------------------------------------------------------

def _least_busy_supervisor(centre):
    return (User.objects.filter(role=Role.SUPERVISOR, service_centre=centre, is_active=True)
            .annotate(load=Count("visit_tasks", filter=Q(visit_tasks__status=VisitStatus.OPEN)))
            .order_by("load", "pk").first())


def visit_task_create(*, case: FollowUpCase, policy=None) -> VisitTask:
    policy = policy or FeedbackSettings.load()
    centre = case.service_centre
    supervisor = _least_busy_supervisor(centre)
    due = working_day_start(timezone.now(), centre, policy.visit_due_days)
    task = VisitTask.objects.create(case=case, request=case.request, customer=case.customer,
                                    service_centre=centre, assigned_to=supervisor,
                                    due_on=timezone.localtime(due, centre_tz(centre)).date())
    event_append(subject=task, action="create", to_state=task.status,
                 data={"supervisor": supervisor.pk if supervisor else None})
    if supervisor is not None:
        notify([supervisor], _("Visit %(customer)s by %(day)s (follow-up case %(number)s)") % {
            "customer": case.customer.name, "day": task.due_on.isoformat(), "number": case.number},
            reverse("feedback:visits"), "warning")
    return task


def _check_visit_access(actor, task: VisitTask) -> None:
    if not VisitTask.objects.restrict(actor, "change").filter(pk=task.pk).exists():
        raise PermissionDenied()
    if (actor.role == Role.SUPERVISOR and task.assigned_to_id
            and task.assigned_to_id != actor.pk):
        raise PermissionDenied(_("This visit is assigned to another supervisor."))


def visit_task_complete(*, actor, task: VisitTask, report: str, expected_version=None) -> VisitTask:
    _check_visit_access(actor, task)
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": [_("Say what was found and agreed at the visit.")]})
    return transition_apply(workflow=visit_workflow, instance=task, name="complete", actor=actor,
                            note=report, expected_version=expected_version,
                            changes={"report": report, "done_at": timezone.now()})


def visit_task_cancel(*, actor, task: VisitTask, note: str, expected_version=None) -> VisitTask:
    _check_visit_access(actor, task)
    return transition_apply(workflow=visit_workflow, instance=task, name="cancel", actor=actor,
                            note=note, expected_version=expected_version)


def visit_task_assign(*, actor, task: VisitTask, supervisor: User,
                      expected_version=None) -> VisitTask:
    from aftersales.core.workflow import version_bump

    if not (is_headquarters(actor) or (actor.role in {Role.MANAGER, Role.SUPERVISOR}
                                       and actor.service_centre_id == task.service_centre_id)):
        raise PermissionDenied()
    if task.status != VisitStatus.OPEN:
        raise ValidationError(_("Only an open visit can be given to someone else."))
    if (supervisor.role != Role.SUPERVISOR or not supervisor.is_active
            or supervisor.service_centre_id != task.service_centre_id):
        raise ValidationError({"supervisor": [_("Choose an active supervisor of this centre.")]})
    with transaction.atomic():
        previous = task.assigned_to_id
        task.assigned_to = supervisor
        version_bump(instance=task, expected_version=expected_version, fields=["assigned_to"])
        event_append(subject=task, action="assign", actor=actor,
                     data={"supervisor": supervisor.pk, "previous": previous})
        notify([supervisor], _("Visit %(customer)s by %(day)s") % {
            "customer": task.customer.name, "day": task.due_on.isoformat()},
            reverse("feedback:visits"), "warning")
    return task


# --- follow-up calls (FB-5) -------------------------------------------------------------------

def _check_call_access(actor, call: FollowUpCall) -> None:
    if not FollowUpCall.objects.restrict(actor, "change").filter(pk=call.pk).exists():
        raise PermissionDenied()


def follow_up_call_record(*, actor, call: FollowUpCall, outcome: str, note: str = "",
                          call_back_at: datetime | None = None, raise_case: bool = False,
                          expected_version=None) -> FollowUpCall:
    """Record one attempt: reached, not reached (again next working day, at most N attempts),
    or call back at an agreed time. A complaint heard on the phone opens a follow-up case."""
    _check_call_access(actor, call)
    note = (note or "").strip()
    now = timezone.now()
    errors = {}
    if outcome not in CallOutcome.values:
        errors["outcome"] = [_("Choose what happened on the call.")]
    elif outcome == CallOutcome.REACHED and not note:
        errors["note"] = [_("Write down what the customer said.")]
    elif outcome == CallOutcome.CALL_BACK:
        if call_back_at is None:
            errors["call_back_at"] = [_("When should we call back?")]
        elif call_back_at <= now:
            errors["call_back_at"] = [_("The call-back time must be in the future.")]
    if raise_case and outcome != CallOutcome.REACHED:
        errors["raise_case"] = [_("A complaint can be recorded only when the customer was reached.")]
    if raise_case and FollowUpCase.objects.filter(call=call).exists():
        errors["raise_case"] = [_("A follow-up case was already opened from this call.")]
    if errors:
        raise ValidationError(errors)
    policy = FeedbackSettings.load()
    with transaction.atomic():
        # Count from the locked row: two agents recording at once must not lose an attempt.
        call = (FollowUpCall.objects.select_for_update()
                .select_related("request__service_centre", "request__customer").get(pk=call.pk))
        attempts = call.attempts + 1
        changes = {"attempts": attempts, "called_by": actor, "called_at": now}
        if note:
            changes["outcome_note"] = note
        data = {"outcome": outcome, "attempt": attempts}
        if outcome == CallOutcome.REACHED:
            name = "reach"
        elif outcome == CallOutcome.CALL_BACK:
            name, changes["due_at"] = "call_back", call_back_at
            data["call_back_at"] = call_back_at
        elif attempts >= policy.call_max_attempts:
            name = "give_up"
            changes["outcome_note"] = note or _("Not reached after %(n)d attempts.") % {"n": attempts}
        else:
            name = "miss"
            changes["due_at"] = working_day_start(now, call.request.service_centre, 1)
            data["next_try"] = changes["due_at"]
        call = transition_apply(workflow=call_workflow, instance=call, name=name, actor=actor,
                                note=note, expected_version=expected_version, changes=changes,
                                data=data)
        if raise_case:
            serious_words = rules.words_in(note, policy.words(policy.serious_words))
            reasons = [{"kind": "call"}] + [{"kind": "serious_word", "word": w}
                                            for w in serious_words]
            follow_up_case_open(request=call.request, source=CaseSource.CALL, call=call, summary=note,
                       serious=bool(serious_words), complaint=True, reasons=reasons,
                       policy=policy, actor=actor)
    return call


def follow_up_call_close(*, actor, call: FollowUpCall, note: str,
                         expected_version=None) -> FollowUpCall:
    """No call needed (the customer asked not to be called, a wrong number …), with the reason."""
    _check_call_access(actor, call)
    return transition_apply(workflow=call_workflow, instance=call, name="close", actor=actor,
                            note=(note or "").strip(), expected_version=expected_version,
                            changes={"outcome_note": (note or "").strip()})

