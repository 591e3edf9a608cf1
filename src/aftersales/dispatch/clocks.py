"""Deadline clocks (DS-3, DS-4, DS-5, SR-6): started at registration, paused while the job waits
on the customer, met by the step that fulfils them; a warning at a share of the time used and an
escalation at the deadline, each fired at most once. A running clock keeps when its next alert
falls due (``alert_at``); the task workers sweep for due alerts every ``WORKER_TICK_SECONDS``
(``clock_alerts_fire_due``, a ``worker.tick`` handler), so registering a request queues no task.
"""

import logging
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.calendar import WALL_CLOCK, calendar_for
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.querysets import related_known
from aftersales.service.choices import Channel, Status
from aftersales.service.models import ServiceRequest

from .choices import AlertLevel, ClockKind, ClockState
from .defaults import ensure_default_policies
from .models import ClockAlert, DeadlineClock, DeadlinePolicy

logger = logging.getLogger("aftersales.dispatch")

NON_LIVE_CHANNELS = frozenset({Channel.WEB, Channel.EMAIL, Channel.SMS, Channel.LETTER,
                               Channel.PLATFORM})
FIRE_TOLERANCE = timedelta(seconds=5)
DESK_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


POLICY_CACHE_SECONDS = 30
_policy_cache: dict = {"at": 0.0, "rows": None}


def _active_policies() -> dict:
    """Active policies by (kind, region), read at most every 30 s per process (bench/intake:
    two queries per registration otherwise). An edit in the admin applies within 30 s."""
    now = time.monotonic()
    if _policy_cache["rows"] is None or now - _policy_cache["at"] > POLICY_CACHE_SECONDS:
        rows = {(p.kind, p.region_kind): p for p in DeadlinePolicy.objects.filter(active=True)}
        if not rows and not DeadlinePolicy.objects.exists():
            ensure_default_policies()  # an empty table means the documents' defaults
            rows = {(p.kind, p.region_kind): p for p in DeadlinePolicy.objects.filter(active=True)}
        _policy_cache.update(at=now, rows=rows)
    return _policy_cache["rows"]


def policies_changed() -> None:
    """Forget the cached policies (after an edit in this process, and in tests)."""
    _policy_cache["rows"] = None


def policy_for(kind: str, region_kind: str = "") -> DeadlinePolicy | None:
    """The active policy for a kind and region (or for every region)."""
    rows = _active_policies()
    return rows.get((kind, region_kind)) or rows.get((kind, ""))


def _calendar(clock: DeadlineClock, centre):
    return calendar_for(centre) if clock.working_time else WALL_CLOCK


def deadline_from(policy: DeadlinePolicy, start, centre):
    clock = calendar_for(centre) if policy.working_time else WALL_CLOCK
    return clock.add(start, policy.budget)


def remaining(clock: DeadlineClock, centre, now=None) -> timedelta | None:
    """Time left (working time for working-time clocks); negative when overdue."""
    if clock.state in (ClockState.MET, ClockState.STOPPED):
        return None
    left = timedelta(seconds=clock.budget_seconds - clock.consumed_seconds)
    if clock.state == ClockState.RUNNING and clock.resumed_at:
        left -= _calendar(clock, centre).between(clock.resumed_at, now or timezone.now())
    return left


def _compute_times(clock: DeadlineClock, centre) -> list[str]:
    """Set warn_at and due_at from where the clock stands (running since ``resumed_at``)."""
    cal = _calendar(clock, centre)
    budget = timedelta(seconds=clock.budget_seconds)
    consumed = timedelta(seconds=clock.consumed_seconds)
    clock.due_at = cal.add(clock.resumed_at, max(budget - consumed, timedelta(0)))
    warn_budget = budget * clock.warn_at_percent / 100
    clock.warn_at = cal.add(clock.resumed_at, max(warn_budget - consumed, timedelta(0)))
    return ["due_at", "warn_at"]


ALERT_ORDER = (AlertLevel.WARNING, AlertLevel.ESCALATION)


def _alert_time(clock: DeadlineClock, level: str):
    return clock.warn_at if level == AlertLevel.WARNING else clock.due_at


def _fired_levels(clock: DeadlineClock) -> set[str]:
    return set(clock.alerts.values_list("level", flat=True)) if clock.pk else set()


def alert_next_set(clock: DeadlineClock, *, fired: set[str] | None = None) -> list[str]:
    """Set when the clock's next alert not fired yet falls due (``alert_at``: the warning's time,
    then the deadline; none when both fired); returns the fields to save. ``fired``: the levels
    fired so far, when the caller knows them (none for a new clock)."""
    fired = _fired_levels(clock) if fired is None else fired
    clock.alert_at = next((_alert_time(clock, level) for level in ALERT_ORDER
                           if level not in fired), None)
    return ["alert_at"]


def _plan_alerts(clock: DeadlineClock, centre) -> list[str]:
    return [*_compute_times(clock, centre), *alert_next_set(clock)]


def request_region(request) -> str:
    """Urban or suburban (DS-3) where the work is: the installed product's place, else the
    customer's address."""
    product = request.installed_product
    return (product.region_kind if product is not None and product.region_kind
            else request.customer.region_kind)


FALLBACK_HOURS = {"urban": 6, "suburban": 7}


def arrive_by_set(*, request) -> None:
    """The arrival deadline a request shows (``arrive_by``): its arrival clock's due time — none
    while the clock is paused (waiting on the customer's agreement) or when no clock runs."""
    if request.internal or request.status == Status.AWAITING_AGREEMENT:
        request.arrive_by = None
        return
    policy = policy_for(ClockKind.ARRIVAL, request_region(request))
    if policy is None:
        request.arrive_by = calendar_for(request.service_centre).add(
            request.reported_at, timedelta(hours=FALLBACK_HOURS.get(request_region(request), 6)))
        return
    request.arrive_by = deadline_from(policy, request.reported_at, request.service_centre)


def _arrival_follow(clock: DeadlineClock, request) -> None:
    """The request's ``arrive_by`` follows its arrival clock (paused: no deadline)."""
    if clock.kind != ClockKind.ARRIVAL:
        return
    ServiceRequest.objects.filter(pk=clock.request_id).update(arrive_by=clock.due_at)
    if request is not None:
        request.arrive_by = clock.due_at


def clocks_start(*, request) -> list[DeadlineClock]:
    """Start the clocks that apply to a newly registered request (called by its service)."""
    if request.internal:
        related_known(request, "clocks", [])
        return []
    wanted = [(ClockKind.ARRIVAL, request_region(request))]
    if request.channel == Channel.DEALER:
        wanted.append((ClockKind.RESOLUTION, ""))
    if request.channel in NON_LIVE_CHANNELS:
        wanted.append((ClockKind.REPLY, ""))
    clocks = []
    for kind, region in wanted:
        policy = policy_for(kind, region)
        if policy is None:
            continue
        clock = clock_new(request=request, kind=kind, policy=policy)
        clock.save()
        clocks.append(clock)
    related_known(request, "clocks", clocks)
    return clocks


def clock_new(*, request, kind: str, policy: DeadlinePolicy) -> DeadlineClock:
    """A new request's clock of ``kind`` under ``policy``, not saved: running from the report
    with its warning, deadline and first alert set, or paused while the request waits on the
    customer's agreement."""
    waiting = request.status == Status.AWAITING_AGREEMENT
    clock = DeadlineClock(
        request=request, kind=kind, policy=policy, working_time=policy.working_time,
        budget_seconds=int(policy.budget.total_seconds()),
        warn_at_percent=policy.warn_at_percent, started_at=request.reported_at,
        resumed_at=None if waiting else request.reported_at,
        state=ClockState.PAUSED if waiting else ClockState.RUNNING)
    if not waiting:
        _compute_times(clock, request.service_centre)
        alert_next_set(clock, fired=set())
    return clock


def _pause(clock, centre, now, request=None):
    used = _calendar(clock, centre).between(clock.resumed_at, now)
    clock.consumed_seconds = min(clock.budget_seconds * 10,
                                 clock.consumed_seconds + max(0, int(used.total_seconds())))
    clock.state, clock.resumed_at, clock.due_at, clock.warn_at = ClockState.PAUSED, None, None, None
    clock.save(update_fields=["consumed_seconds", "state", "resumed_at", "due_at", "warn_at",
                              "updated_at"])
    _arrival_follow(clock, request)


def _resume(clock, centre, now, request=None):
    clock.state, clock.resumed_at = ClockState.RUNNING, now
    fields = _plan_alerts(clock, centre)
    clock.save(update_fields=["state", "resumed_at", *fields, "updated_at"])
    _arrival_follow(clock, request)


def _finish(clock, state, now):
    clock.state = state
    clock.met_at = now if state == ClockState.MET else None
    if state == ClockState.MET and clock.due_at and now > clock.due_at:
        clock.breached = True
    clock.save(update_fields=["state", "met_at", "breached", "updated_at"])


MET_BY = {
    ClockKind.ARRIVAL: {"arrive"},
    ClockKind.RESOLUTION: {"complete", "hand_back"},
}


def clocks_follow(*, request, action: str, actor, at=None) -> None:
    """Keep the request's clocks in step with a workflow transition, which happened ``at``
    (default: now; earlier for a step recorded afterwards)."""
    now = at or timezone.now()
    centre = request.service_centre
    for clock in DeadlineClock.objects.select_for_update().filter(request=request):
        if clock.state in (ClockState.MET, ClockState.STOPPED):
            continue
        if action in {"decline", "cancel"}:
            _finish(clock, ClockState.STOPPED, now)
        elif action in MET_BY.get(clock.kind, ()) or (
                clock.kind == ClockKind.REPLY and getattr(actor, "role", None) in DESK_ROLES):
            _finish(clock, ClockState.MET, now)
        elif action == "agree" and clock.state == ClockState.PAUSED:
            _resume(clock, centre, now, request)


# --- for apps whose own steps move a request's clocks (dealers: a job handed over, done, taken
# back). Dispatch alone writes clocks; these run inside the caller's transaction, which records
# the step's event.

def clock_run_from(*, request, kind: str, at) -> DeadlineClock | None:
    """Run the request's clock of ``kind`` from ``at`` under its policy (None when no policy is
    active): a running or paused clock goes on as it is; a finished one, or none, starts afresh,
    its earlier alerts forgotten so that they fire again."""
    policy = policy_for(kind)
    if policy is None:
        return None
    clock = DeadlineClock.objects.select_for_update().filter(request=request, kind=kind).first()
    if clock is not None and clock.state in (ClockState.RUNNING, ClockState.PAUSED):
        return clock
    if clock is None:
        clock = DeadlineClock(request=request, kind=kind)
    else:
        ClockAlert.objects.filter(clock=clock).delete()
    clock.policy, clock.working_time = policy, policy.working_time
    clock.budget_seconds = int(policy.budget.total_seconds())
    clock.warn_at_percent, clock.started_at, clock.resumed_at = policy.warn_at_percent, at, at
    clock.consumed_seconds, clock.state, clock.met_at = 0, ClockState.RUNNING, None
    clock.breached, clock.extension_reason = False, ""
    _compute_times(clock, request.service_centre)
    alert_next_set(clock, fired=set())
    clock.save()
    return clock


def clock_meet(*, request_id: int, kind: str, at) -> DeadlineClock | None:
    """The request's running or paused clock of ``kind`` is met at ``at`` (missed when that is
    past its deadline); None when there was none to meet."""
    clock = (DeadlineClock.objects.select_for_update()
             .filter(request_id=request_id, kind=kind,
                     state__in=[ClockState.RUNNING, ClockState.PAUSED]).first())
    if clock is not None:
        _finish(clock, ClockState.MET, at)
    return clock


def clocks_stop(*, request, kind: str, at) -> int:
    """Stop the request's running or paused clocks of ``kind``; an arrival clock stopped leaves
    the request without an arrival deadline. Returns how many stopped."""
    stopped = DeadlineClock.objects.filter(
        request=request, kind=kind, state__in=[ClockState.RUNNING, ClockState.PAUSED]).update(
        state=ClockState.STOPPED, updated_at=at)
    if stopped and kind == ClockKind.ARRIVAL:
        ServiceRequest.objects.filter(pk=request.pk).update(arrive_by=None)
        request.arrive_by = None
    return stopped


def _require_desk(actor):
    if not (actor.is_superuser or actor.role in DESK_ROLES):
        raise PermissionDenied()


def clock_pause(*, actor, request, reason: str) -> int:
    """The job waits on the customer (not at home, wants a later date …): the clocks stop."""
    _require_desk(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the job waits on the customer.")]})
    now = timezone.now()
    with transaction.atomic():
        clocks = list(DeadlineClock.objects.select_for_update()
                      .filter(request=request, state=ClockState.RUNNING))
        for clock in clocks:
            _pause(clock, request.service_centre, now, request)
        if clocks:
            event_append(subject=request, action="clock_pause", actor=actor, note=reason,
                         data={"clocks": [c.kind for c in clocks]})
    return len(clocks)


def clock_resume(*, actor, request, reason: str = "") -> int:
    _require_desk(actor)
    now = timezone.now()
    with transaction.atomic():
        clocks = list(DeadlineClock.objects.select_for_update()
                      .filter(request=request, state=ClockState.PAUSED))
        if request.status == Status.AWAITING_AGREEMENT:
            raise ValidationError(_("The clocks run again once the customer agrees to the charge."))
        for clock in clocks:
            _resume(clock, request.service_centre, now, request)
        if clocks:
            event_append(subject=request, action="clock_resume", actor=actor, note=reason,
                         data={"clocks": [c.kind for c in clocks]})
    return len(clocks)


def clock_extend(*, actor, request, reason: str) -> DeadlineClock:
    """DS-4: a dealer's 24 hours may become 48 in special cases, with the reason recorded."""
    _require_desk(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("An extension needs a reason.")]})
    with transaction.atomic():
        clock = (DeadlineClock.objects.select_for_update()
                 .filter(request=request, kind=ClockKind.RESOLUTION).first())
        if clock is None or clock.policy.extended_hours is None:
            raise ValidationError(_("This request has no deadline that may be extended."))
        if clock.extension_reason:
            raise ValidationError(_("This deadline was already extended."))
        old_due = clock.due_at
        clock.budget_seconds = int(float(clock.policy.extended_hours) * 3600)
        clock.extension_reason = reason.strip()
        fields = ["budget_seconds", "extension_reason", "updated_at"]
        if clock.state == ClockState.RUNNING:
            fields += _plan_alerts(clock, request.service_centre)
        clock.save(update_fields=fields)
        event_append(subject=request, action="clock_extend", actor=actor, note=reason,
                     data={"kind": clock.kind, "from": old_due, "to": clock.due_at})
    return clock


def _recipients(centre, level):
    """DS-5: the centre's supervisors; an escalation also goes to the service managers."""
    who = Q(role=Role.SUPERVISOR, service_centre=centre)
    if level == AlertLevel.ESCALATION:
        who |= Q(role=Role.MANAGER)
    return User.objects.filter(who, is_active=True)


ALERT_SWEEP_BATCH = 500


def clock_alerts_fire_due(*, now=None) -> int:
    """Fire every alert that has fallen due, the oldest first, up to ALERT_SWEEP_BATCH clocks a
    sweep (the next sweep goes on). Idempotent; sweeps in several workers at once fire each
    alert once. Returns how many fired."""
    now = now or timezone.now()
    due = (DeadlineClock.objects
           .filter(state=ClockState.RUNNING, alert_at__lte=now + FIRE_TOLERANCE)
           .order_by("alert_at").values_list("pk", flat=True)[:ALERT_SWEEP_BATCH])
    return sum(clock_alert_fire(clock_id=clock_id, now=now) for clock_id in list(due))


def clock_alert_fire(*, clock_id: int, level: str | None = None, now=None) -> int:
    """Fire the clock's alerts that have fallen due and not fired yet — ``level`` alone, or
    (None) each in turn: a clock overdue for long gets its warning, then its escalation — in one
    transaction with the clock locked, so each fires once however many workers try (idempotent).
    The clock's next alert time follows, also when nothing fired (it was stale). Returns how
    many fired."""
    now = now or timezone.now()
    fired = []
    with transaction.atomic():
        clock = (DeadlineClock.objects.select_for_update()
                 .select_related("request__service_centre").filter(pk=clock_id).first())
        if clock is None or clock.state != ClockState.RUNNING:
            return 0
        done = _fired_levels(clock)
        for candidate in (level,) if level else ALERT_ORDER:
            threshold = _alert_time(clock, candidate)
            if candidate in done or threshold is None or now + FIRE_TOLERANCE < threshold:
                continue  # fired already, or not due (yet): the clock moved (paused, extended)
            ClockAlert.objects.create(clock=clock, level=candidate, fired_at=now)
            done.add(candidate)
            fired.append(candidate)
            _alert_announce(clock, candidate, now)
        known = clock.alert_at
        fields = alert_next_set(clock, fired=done)
        if AlertLevel.ESCALATION in fired:
            clock.breached = True
            fields.append("breached")
        if fired or clock.alert_at != known:
            clock.save(update_fields=[*fields, "updated_at"])
    for candidate in fired:
        logger.info("deadline %s fired", candidate, extra={"path": clock.request.number})
    return len(fired)


def _alert_announce(clock: DeadlineClock, level: str, now) -> None:
    """An alert's event on the request and its notifications (DS-5)."""
    request = clock.request
    event_append(subject=request, action=f"deadline_{level}", at=now,
                 data={"kind": clock.kind, "due_at": clock.due_at})
    text = (_("%(number)s: %(kind)s deadline %(due)s is near") if level == AlertLevel.WARNING
            else _("%(number)s: %(kind)s deadline %(due)s missed — escalated")) % {
        "number": request.number, "kind": clock.get_kind_display(),
        "due": timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")}
    Notification.objects.bulk_create([
        Notification(user=user, text=text[:300], link=f"/requests/{request.pk}/",
                     level="warning" if level == AlertLevel.WARNING else "error")
        for user in _recipients(request.service_centre, level)
    ])
