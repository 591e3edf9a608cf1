"""Day plans (issue 3): every write of a plan, and the reads that carry its policy.

The supervisor asks for a plan of his centre's day (:func:`day_plan_create`); a background task
builds the problem from the database (:mod:`.problem`), runs the solver with a time limit and
stores the items (:func:`day_plan_solve`) while the page polls the progress. He reviews it, moves
jobs by hand (:func:`day_plan_item_move`, re-timed by ``planning.schedule`` and checked by
``planning.evaluate``), and publishes it (:func:`day_plan_publish`): each planned job is assigned
to its technician with the expected arrival as the appointment, in one transaction, skipping jobs
that changed since planning. During the day, :func:`day_plan_replan` plans new jobs in around the
work already started (pinned), and the page shows what changed.

```mermaid
stateDiagram-v2
    [*] --> queued: plan the day / re-plan
    queued --> solving: a worker picks it up
    solving --> ready: plan stored
    queued --> failed: error
    solving --> failed: error
    ready --> published: publish (assigns the jobs)
    ready --> superseded: another plan of the day published
    published --> superseded: a re-plan of the day published
```
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersales.accounts.choices import Role
from aftersales.core.changelog import change_log
from aftersales.core.events import event_append
from aftersales.core.exceptions import (
    ConflictError,
    IllegalTransition,
    PermissionDenied,
    StaleWrite,
)
from aftersales.core.models import Notification
from aftersales.core.querysets import get_restricted
from aftersales.core.tasks import enqueue
from aftersales.core.workflow import Transition, Workflow, transition_apply
from aftersales.service.choices import Status

from .models import DayPlan, DayPlanStatus, PlanItem
from .planning import Deferral, GreatCircleTravel, Plan, Problem, at_minutes, evaluate
from .planning.evaluate import V_CAPACITY, V_SHIFT_END, V_WINDOW
from .planning.schedule import EPS, Geometry, schedule_route
from .problem import (
    Built,
    centre_today,
    day_in_past,
    problem_build,
    problem_from_json,
    problem_to_json,
)
from .technicians import skill_names

# Tasks this module schedules, by name (the tasks module imports this one).
SOLVE_DAY_PLAN_TASK = "aftersales.dispatch.tasks.solve_day_plan"

logger = logging.getLogger("aftersales.dispatch")

S = DayPlanStatus
SYSTEM = frozenset({None})  # the background worker, acting without a user
PLANNERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
DEFAULT_TIME_LIMIT = 30  # seconds; settings.DAY_PLAN_TIME_LIMIT overrides
TIME_LIMITS = (10, 30, 60, 120, 300)
TRAVEL = GreatCircleTravel()
RETIMED_MIN = 15  # a re-plan reports a job as re-timed when its arrival moves this much
WHY_BY_HAND = "by_hand"
DEFER_BY_HAND = "deferred_by_hand"

day_plan_workflow = Workflow(
    name="day_plan",
    state_field="status",
    states=S,
    transitions=[
        Transition("start", (S.QUEUED,), S.SOLVING, SYSTEM,
                   gettext_lazy("Planning started")),
        Transition("finish", (S.SOLVING,), S.READY, SYSTEM, gettext_lazy("Plan ready")),
        Transition("fail", (S.QUEUED, S.SOLVING), S.FAILED, SYSTEM,
                   gettext_lazy("Planning failed")),
        Transition("publish", (S.READY,), S.PUBLISHED, PLANNERS, gettext_lazy("Publish")),
        Transition("supersede", (S.READY, S.PUBLISHED), S.SUPERSEDED, PLANNERS,
                   gettext_lazy("Superseded by a newer plan")),
    ],
)


def time_limit_default() -> int:
    return int(getattr(settings, "DAY_PLAN_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def can_plan(user, centre) -> bool:
    """The centre's supervisors and branch managers; headquarters' managers; administrators."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role == Role.MANAGER and not user.service_centre_id:
        return True
    return user.role in {Role.SUPERVISOR, Role.MANAGER} and user.service_centre_id == centre.pk


def _require_planner(actor, centre) -> None:
    if not can_plan(actor, centre):
        raise PermissionDenied(_("Only the supervisors and managers of this service centre may "
                                 "plan its day."))


def _transition(plan: DayPlan, name: str, actor, *, note: str = "", expected_version=None,
                changes: dict | None = None, data: dict | None = None) -> DayPlan:
    """Move the plan along ``name`` (locked; 409 with a plan's wording when not allowed)."""
    t = day_plan_workflow.get(name)
    with transaction.atomic():
        locked = DayPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status not in t.sources:
            raise IllegalTransition(
                _("“%(action)s” is not possible while the plan is %(state)s.")
                % {"action": t.label, "state": locked.get_status_display()})
        return transition_apply(workflow=day_plan_workflow, instance=locked, name=name,
                                actor=actor, note=note, expected_version=expected_version,
                                changes=changes, data=data)


# --- asking for a plan ------------------------------------------------------------------------

def day_plan_create(*, actor, centre, day: date | None = None, time_limit: int | None = None,
                    job_minutes: int = 60, keep_assignments: bool = False,
                    previous: DayPlan | None = None) -> DayPlan:
    """Ask for a plan of ``centre``'s ``day`` (default today); a worker makes it."""
    _require_planner(actor, centre)
    day = day or centre_today(centre)
    time_limit = time_limit or time_limit_default()
    errors = {}
    if day_in_past(centre, day):
        errors["day"] = [_("A day that has gone by cannot be planned.")]
    if not 1 <= time_limit <= 600:
        errors["time_limit"] = [_("Give the solver between 1 and 600 seconds.")]
    if not 5 <= job_minutes <= 480:
        errors["job_minutes"] = [_("A job takes between 5 and 480 minutes.")]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        busy = (DayPlan.objects.select_for_update()
                .filter(service_centre=centre, day=day, status__in=[S.QUEUED, S.SOLVING]).first())
        if busy is not None:
            raise ConflictError(_("A plan of this day is already being made (plan %(pk)s). Wait "
                                  "for it to finish.") % {"pk": busy.pk})
        plan = DayPlan.objects.create(
            service_centre=centre, day=day, created_by=actor, previous=previous,
            time_limit=time_limit, job_minutes=job_minutes, keep_assignments=keep_assignments)
        event_append(subject=plan, action="create", actor=actor, to_state=S.QUEUED,
                     data={"day": day.isoformat(), "time_limit": time_limit,
                           "job_minutes": job_minutes, "keep_assignments": keep_assignments,
                           "previous": previous.pk if previous else None})
        change_log(actor=actor, instance=plan, action="create")
        enqueue(SOLVE_DAY_PLAN_TASK, plan.pk)
    return plan


def day_plan_replan(*, actor, plan: DayPlan, time_limit: int | None = None,
                    keep_assignments: bool = True) -> DayPlan:
    """During the day: plan new jobs in around the published plan. Started work is pinned; with
    ``keep_assignments`` published jobs also stay with their technicians (order may change)."""
    _require_planner(actor, plan.service_centre)
    plan = DayPlan.objects.select_related("service_centre").get(pk=plan.pk)
    if plan.status != S.PUBLISHED:
        raise IllegalTransition(_("Only a published plan can be re-planned (this one is "
                                  "%(state)s).") % {"state": plan.get_status_display()})
    return day_plan_create(actor=actor, centre=plan.service_centre, day=plan.day,
                           time_limit=time_limit or plan.time_limit, job_minutes=plan.job_minutes,
                           keep_assignments=keep_assignments, previous=plan)


# --- the background run -----------------------------------------------------------------------

class _Reporter:
    """The solver's progress (0..1) as the plan row's percent, at most once a second."""

    def __init__(self, plan_id: int, low: int = 5, high: int = 95):
        self.plan_id, self.low, self.high = plan_id, low, high
        self.percent, self.at = low, 0.0

    def __call__(self, share: float) -> None:
        percent = self.low + int((self.high - self.low) * min(1.0, max(0.0, share)))
        now = time.monotonic()
        if percent > self.percent and (now - self.at >= 1.0 or share >= 1.0):
            self.percent, self.at = percent, now
            _progress(self.plan_id, percent)


def _progress(plan_id: int, percent: int, **fields) -> None:
    DayPlan.objects.filter(pk=plan_id, status=S.SOLVING).update(
        progress=percent, updated_at=timezone.now(), **fields)


def day_plan_solve(*, plan_id: int, now: datetime | None = None) -> bool:
    """Make a queued plan (the background task's body; idempotent: only a queued plan runs).

    No transaction is held while the solver searches: the progress is written as it goes, and
    the items with the ready state in one transaction at the end.
    """
    from .planning.pyvrp_solver import SolverOptions, solve

    plan = DayPlan.objects.select_related("service_centre").filter(pk=plan_id).first()
    if plan is None or plan.status != S.QUEUED:
        return False
    try:
        plan = _transition(plan, "start", None, changes={"progress": 1})
    except ConflictError:
        return False
    try:
        built = problem_build(centre=plan.service_centre, day=plan.day, as_of=now,
                              job_minutes=plan.job_minutes,
                              keep_assignments=plan.keep_assignments)
        _progress(plan.pk, 5, problem=built.to_json(), as_of=built.as_of)
        result = solve(built.problem, TRAVEL,
                       SolverOptions(time_limit=plan.time_limit, progress=_Reporter(plan.pk)))
        with transaction.atomic():
            plan = DayPlan.objects.select_for_update().select_related("service_centre").get(
                pk=plan.pk)
            figures = _store(plan, built, result)
            _transition(plan, "finish", None, changes={**figures, "progress": 100},
                        data={k: figures[k] for k in ("jobs_planned", "jobs_deferred",
                                                      "jobs_late")})
    except Exception as exc:  # noqa: BLE001  (record it on the plan; the page says what failed)
        logger.exception("day plan %s failed", plan_id)
        try:
            _transition(plan, "fail", None, changes={"message": f"{type(exc).__name__}: {exc}"[:300]})
        except ConflictError:
            pass
        return False
    return True


def _item_fields(plan: DayPlan, problem: Problem, job_id: str, visit, meta: dict) -> dict:
    tz = ZoneInfo(plan.service_centre.time_zone)
    job = problem.job(job_id)
    fields = {
        "deadline": at_minutes(job.deadline, plan.day, tz) if job.deadline is not None else None,
        "pinned": problem.is_started(job),
    }
    if visit is None:
        return fields | {"expected_arrival": None, "expected_start": None, "expected_end": None,
                         "late": False, "explanation": {"location": meta.get("location")}}
    e = visit.explanation
    late = job.deadline is not None and visit.start > job.deadline + EPS
    return fields | {
        "expected_arrival": at_minutes(visit.arrival, plan.day, tz),
        "expected_start": at_minutes(visit.start, plan.day, tz),
        "expected_end": at_minutes(visit.end, plan.day, tz),
        "late": late,
        "explanation": {
            "why": e.why, "qualified": e.qualified_technicians, "nearer": e.nearer_qualified,
            "travel_km": round(e.travel_km, 2), "travel_min": round(e.travel_min, 1),
            "slack_min": round(e.slack_min, 1) if job.deadline is not None else None,
            "on_time": not late, "wait_min": round(visit.start - visit.arrival, 1),
            "location": meta.get("location"), "carried_over": meta.get("carried_over", False),
            "started": problem.is_started(job),
        },
    }


def _deferral_order(problem: Problem, deferred: list[Deferral]) -> list[Deferral]:
    """Deferred jobs as they should come tomorrow: most important, then earliest deadline."""
    def key(d):
        job = problem.job(d.job_id)
        return (-job.priority, job.deadline if job.deadline is not None else 1e9, int(d.job_id))
    return sorted(deferred, key=key)


def _store(plan: DayPlan, built: Built, result: Plan) -> dict:
    problem = built.problem
    items = []
    for route in result.routes:
        user = built.technicians[route.technician_id]
        for n, visit in enumerate(route.visits, 1):
            request = built.requests[visit.job_id]
            items.append(PlanItem(
                plan=plan, request=request, technician=user, sequence=n,
                reason=visit.explanation.why if visit.explanation else "",
                status_at_plan=request.status, technician_at_plan_id=request.assigned_technician_id,
                **_item_fields(plan, problem, visit.job_id, visit, built.meta[visit.job_id])))
    for n, deferral in enumerate(_deferral_order(problem, result.deferred), 1):
        request = built.requests[deferral.job_id]
        items.append(PlanItem(
            plan=plan, request=request, technician=None, sequence=n, reason=deferral.reason,
            status_at_plan=request.status, technician_at_plan_id=request.assigned_technician_id,
            **_item_fields(plan, problem, deferral.job_id, None, built.meta[deferral.job_id])))
    PlanItem.objects.bulk_create(items)
    plan.problem = built.to_json()
    figures = _figures(problem, result, Geometry(problem, TRAVEL))
    figures["problem"] = plan.problem
    figures["as_of"] = built.as_of
    figures["solve_seconds"] = round(result.solve_seconds, 2)
    return figures


def _figures(problem: Problem, result: Plan, geo: Geometry) -> dict:
    """Summary figures and each technician's route (depart, back, km, minutes)."""
    ev = evaluate(problem, result, geometry=geo)
    routes = {}
    for route in result.routes:
        tech = geo.techs[route.technician_id]
        done = schedule_route(geo, tech, route.job_ids, why="")
        routes[route.technician_id] = {
            "depart": done.route.depart, "back": done.route.back, "km": round(done.km, 2),
            "minutes": round(done.minutes, 1), "jobs": len(route.visits),
            "shift_start": tech.shift_start, "shift_end": tech.shift_end,
            "capacity": tech.capacity,
        }
    late = sum(1 for r in result.routes for v in r.visits
               if (j := problem.job(v.job_id)).deadline is not None and v.start > j.deadline + EPS)
    return {"routes": routes, "travel_km": round(ev.travel_km, 2),
            "travel_min": round(ev.travel_min, 1), "jobs_planned": ev.served,
            "jobs_deferred": ev.deferred, "jobs_late": late}


# --- the stored plan as a planning Plan -------------------------------------------------------

def plan_as_planning(plan: DayPlan, items: list[PlanItem] | None = None) -> tuple[Problem, Plan]:
    """The plan's problem (as the solver saw it) and its current routes, from the items."""
    problem = problem_from_json(plan.problem)
    items = items if items is not None else list(plan.items.order_by("sequence", "id"))
    sequences = {t.id: [] for t in problem.technicians}
    deferred = []
    for item in sorted(items, key=lambda i: (i.sequence, i.pk or 0)):
        if item.technician_id is None:
            deferred.append(Deferral(str(item.request_id), item.reason))
        else:
            sequences.setdefault(str(item.technician_id), []).append(str(item.request_id))
    geo = Geometry(problem, TRAVEL)
    whys = {str(i.request_id): i.reason for i in items if i.technician_id is not None}
    routes = [schedule_route(geo, tech, sequences[tech.id], why=whys).route
              for tech in problem.technicians]
    return problem, Plan(routes=routes, deferred=deferred, method="stored")


# --- moving a job by hand ---------------------------------------------------------------------

@dataclass
class MoveResult:
    plan: DayPlan
    item: PlanItem
    warnings: list[str] = field(default_factory=list)


def _hm(minutes: float, plan: DayPlan) -> str:
    return at_minutes(minutes, plan.day, ZoneInfo(plan.service_centre.time_zone)).strftime("%H:%M")


def day_plan_item_move(*, actor, plan: DayPlan, item: PlanItem, technician=None,
                       position: int | None = None, expected_version: int | None = None
                       ) -> MoveResult:
    """Move a job to ``technician`` at ``position`` (1 = first; None = last), or defer it
    (``technician=None``). The affected routes are re-timed; a skill the technician lacks is
    refused; lateness, overtime, windows and capacity are warned about."""
    _require_planner(actor, plan.service_centre)
    with transaction.atomic():
        plan = DayPlan.objects.select_for_update().select_related("service_centre").get(pk=plan.pk)
        if plan.status != S.READY:
            raise IllegalTransition(_("A plan can be changed by hand only while it is ready for "
                                      "review (this one is %(state)s).")
                                    % {"state": plan.get_status_display()})
        if expected_version is not None and plan.version != expected_version:
            raise StaleWrite(_("The plan changed after you opened it. Reload it and try again."))
        items = list(plan.items.select_related("request", "technician").order_by("sequence", "id"))
        item = next((i for i in items if i.pk == item.pk), None)
        if item is None:
            raise ValidationError(_("This job is not in the plan."))
        if item.pinned:
            raise ValidationError(_("Work already started stays with its technician."))
        problem = problem_from_json(plan.problem)
        job_id = str(item.request_id)
        job = problem.job(job_id)
        names = {k: v.get("name", k) for k, v in plan.problem.get("tech_meta", {}).items()}
        target = str(technician.pk) if technician is not None else None
        if target is not None:
            try:
                tech = problem.technician(target)
            except KeyError:
                raise ValidationError({"technician": [
                    _("%(name)s is not working in this plan.") % {"name": technician}]}) from None
            missing = sorted(job.required_skills - tech.skills)
            if missing:
                raise ValidationError({"technician": [
                    _("%(name)s may not do %(number)s: it needs the skill “%(skills)s”, which he "
                      "lacks (or his certificate for it is not valid). Choose a qualified "
                      "technician.") % {"name": technician, "number": item.request.number,
                                        "skills": "、".join(skill_names(missing).values())}]})
        # The supervisor's word supersedes a kept assignment (started work was refused above).
        if job.pinned_technician is not None and job.pinned_start is None:
            job = dataclasses.replace(job, pinned_technician=None)
            problem = Problem(technicians=problem.technicians, now=problem.now,
                              horizon_end=problem.horizon_end,
                              jobs=tuple(job if j.id == job_id else j for j in problem.jobs))
        geo = Geometry(problem, TRAVEL)
        before_late = {i.request_id for i in items if i.late}
        sequences = {t.id: [] for t in problem.technicians}
        deferred = []
        for i in items:
            if str(i.request_id) == job_id:
                continue
            if i.technician_id is None:
                deferred.append(i)
            else:
                sequences[str(i.technician_id)].append(str(i.request_id))
        source = str(item.technician_id) if item.technician_id is not None else None
        if target is not None:
            seq = sequences[target]
            first = sum(1 for j in seq if problem.is_started(problem.job(j)))
            pos = len(seq) + 1 if position is None else position
            pos = min(max(pos, first + 1), len(seq) + 1)
            seq.insert(pos - 1, job_id)
        whys = {str(i.request_id): i.reason for i in items if i.technician_id is not None}
        whys[job_id] = WHY_BY_HAND
        by_pk = {str(i.request_id): i for i in items}
        meta = plan.problem.get("meta", {})
        touched = [t for t in {source, target} if t is not None]
        changed: list[PlanItem] = []
        warnings: list[str] = []
        tz = ZoneInfo(plan.service_centre.time_zone)
        for tid in touched:
            tech = problem.technician(tid)
            done = schedule_route(geo, tech, sequences[tid], why=whys)
            for n, visit in enumerate(done.route.visits, 1):
                row = by_pk[visit.job_id]
                for key, value in _item_fields(plan, problem, visit.job_id, visit,
                                               meta.get(visit.job_id, {})).items():
                    setattr(row, key, value)
                row.sequence, row.reason = n, whys.get(visit.job_id, row.reason)
                if visit.job_id == job_id:
                    row.technician, row.moved_by_hand = technician, True
                changed.append(row)
                if row.late and row.request_id not in before_late:
                    warnings.append(_("%(number)s would be late: expected at %(time)s, deadline "
                                      "%(deadline)s.") % {
                        "number": row.request.number,
                        "time": timezone.localtime(row.expected_start, tz).strftime("%H:%M"),
                        "deadline": timezone.localtime(row.deadline, tz).strftime("%m-%d %H:%M")})
        if target is None:
            item.technician, item.moved_by_hand, item.reason = None, True, DEFER_BY_HAND
            for key, value in _item_fields(plan, problem, job_id, None, meta.get(job_id, {})).items():
                setattr(item, key, value)
            deferred.insert(0, item)
            if problem.due_in_horizon(job):
                warnings.append(_("%(number)s is due today: deferring it misses its deadline.")
                                % {"number": item.request.number})
        for n, row in enumerate(deferred, 1):
            row.sequence = n
            changed.append(row)
        result = Plan(routes=[schedule_route(geo, t, sequences[t.id], why=whys).route
                              for t in problem.technicians],
                      deferred=[Deferral(str(r.request_id), r.reason) for r in deferred])
        ev = evaluate(problem, result, geometry=geo)
        for v in ev.violations:
            if v.technician_id != target:
                continue
            name = names.get(v.technician_id, v.technician_id)
            if v.kind == V_SHIFT_END:
                tech = problem.technician(target)
                warnings.append(_("%(name)s would be back at %(time)s, after his shift ends at "
                                  "%(end)s.") % {"name": name,
                                                 "time": _hm(tech.shift_end + v.amount, plan),
                                                 "end": _hm(tech.shift_end, plan)})
            elif v.kind == V_WINDOW and v.job_id == job_id:
                warnings.append(_("%(number)s would start after the customer's window (by "
                                  "%(minutes)d min).") % {"number": item.request.number,
                                                          "minutes": round(v.amount)})
            elif v.kind == V_CAPACITY:
                warnings.append(_("%(name)s would have more jobs than his daily capacity.")
                                % {"name": name})
        PlanItem.objects.bulk_update(
            changed, ["technician", "sequence", "expected_arrival", "expected_start",
                      "expected_end", "deadline", "late", "reason", "explanation", "pinned",
                      "moved_by_hand", "updated_at"])
        figures = _figures(problem, result, geo)
        plan.problem = problem_to_json(problem) | {
            k: plan.problem.get(k) for k in ("meta", "tech_meta", "absent")}
        for key, value in figures.items():
            setattr(plan, key, value)
        plan.version += 1
        plan.save(update_fields=[*figures, "problem", "version", "updated_at"])
        event_append(subject=plan, action="move", actor=actor, data={
            "request": item.request_id, "number": item.request.number,
            "from": int(source) if source else None, "to": technician.pk if technician else None,
            "position": item.sequence if target else None, "warnings": warnings})
    return MoveResult(plan=plan, item=item, warnings=warnings)


# --- publishing -------------------------------------------------------------------------------

OUTCOME_ASSIGNED = "assigned"
OUTCOME_UNCHANGED = "unchanged"
OUTCOME_RESCHEDULED = "rescheduled"  # same technician, another time: one "visit moved" step
OUTCOME_KEPT = "kept"  # started work: nothing to do
OUTCOME_SKIPPED = "skipped"
OUTCOME_RETURNED = "returned"  # assigned but deferred: back to the queue, first tomorrow
OUTCOME_DEFERRED = "deferred"


@dataclass
class PublishResult:
    plan: DayPlan
    counts: dict
    skipped: list[tuple[str, str]]  # (number, why)


def _same_minute(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs((a - b).total_seconds()) < 60


def day_plan_publish(*, actor, plan: DayPlan, expected_version: int | None = None
                     ) -> PublishResult:
    """Assign every planned job to its technician (appointment = expected arrival), in one
    transaction; jobs whose state changed since planning are skipped and reported. Assigned
    jobs the plan defers go back to the queue (first tomorrow, SR-5). Other plans of the day
    are superseded; the technicians are told their route."""
    from aftersales.service.models import ServiceRequest
    from aftersales.service.services import (
        service_request_appointment_move,
        service_request_assign,
        service_request_unassign,
    )

    _require_planner(actor, plan.service_centre)
    with transaction.atomic():
        locked = DayPlan.objects.select_for_update().select_related("service_centre").get(pk=plan.pk)
        if locked.status != S.READY:
            raise IllegalTransition(_("“%(action)s” is not possible while the plan is %(state)s.")
                                    % {"action": _("Publish"), "state": locked.get_status_display()})
        if expected_version is not None and locked.version != expected_version:
            raise StaleWrite(_("The plan changed after you opened it. Reload it and try again."))
        plan = locked
        label = _("Day plan of %(day)s") % {"day": plan.day.isoformat()}
        items = list(plan.items.select_related("technician").order_by("technician_id", "sequence"))
        requests = {r.pk: r for r in ServiceRequest.objects.select_for_update().filter(
            pk__in=[i.request_id for i in items])}
        skipped: list[tuple[str, str]] = []
        for item in items:
            request = requests[item.request_id]
            item.outcome_note = ""
            if item.pinned:
                item.outcome = OUTCOME_KEPT
                continue
            if (request.status != item.status_at_plan
                    or request.assigned_technician_id != item.technician_at_plan_id):
                item.outcome = OUTCOME_SKIPPED
                item.outcome_note = _("changed since planning: now %(status)s%(who)s") % {
                    "status": request.get_status_display(),
                    "who": f" ({request.assigned_technician})" if request.assigned_technician_id
                    else ""}
                skipped.append((request.number, item.outcome_note))
                continue
            try:
                with transaction.atomic():
                    if item.technician_id is None:
                        if request.status == Status.ASSIGNED:
                            service_request_unassign(
                                actor=actor, request=request,
                                note=_("%(plan)s: no room today, first in tomorrow's "
                                       "queue.") % {"plan": label})
                            item.outcome = OUTCOME_RETURNED
                        else:
                            item.outcome = OUTCOME_DEFERRED
                    elif (request.status == Status.ASSIGNED
                          and request.assigned_technician_id == item.technician_id
                          and _same_minute(request.appointment_at, item.expected_arrival)):
                        item.outcome = OUTCOME_UNCHANGED
                    elif (request.status == Status.ASSIGNED
                          and request.assigned_technician_id == item.technician_id):
                        service_request_appointment_move(
                            actor=actor, request=request, appointment_at=item.expected_arrival,
                            note=_("%(plan)s: same technician, new time.") % {"plan": label},
                            data={"day_plan": plan.pk, "sequence": item.sequence})
                        item.outcome = OUTCOME_RESCHEDULED
                    else:
                        service_request_assign(
                            actor=actor, request=request, technician=item.technician,
                            appointment_at=item.expected_arrival, note=label,
                            extra_data={"day_plan": plan.pk, "sequence": item.sequence})
                        item.outcome = OUTCOME_ASSIGNED
            except (ValidationError, ConflictError, PermissionDenied) as exc:
                message = (" ".join(exc.messages) if isinstance(exc, ValidationError)
                           else str(exc.message))
                item.outcome, item.outcome_note = OUTCOME_SKIPPED, message[:300]
                skipped.append((request.number, message))
        PlanItem.objects.bulk_update(items, ["outcome", "outcome_note"])
        for other in DayPlan.objects.filter(service_centre=plan.service_centre, day=plan.day,
                                            status__in=[S.READY, S.PUBLISHED]).exclude(pk=plan.pk):
            _transition(other, "supersede", actor, data={"by": plan.pk})
        counts = {k: sum(1 for i in items if i.outcome == k) for k in (
            OUTCOME_ASSIGNED, OUTCOME_RESCHEDULED, OUTCOME_UNCHANGED, OUTCOME_KEPT,
            OUTCOME_SKIPPED, OUTCOME_RETURNED, OUTCOME_DEFERRED)}
        plan = _transition(plan, "publish", actor,
                           changes={"published_at": timezone.now(), "published_by": actor},
                           data={**counts, "skipped": [{"number": n, "why": w} for n, w in skipped]})
        _tell_technicians(plan, items)
    return PublishResult(plan=plan, counts=counts, skipped=skipped)


def _tell_technicians(plan: DayPlan, items: list[PlanItem]) -> None:
    tz = ZoneInfo(plan.service_centre.time_zone)
    routes: dict[int, list[PlanItem]] = {}
    for item in items:
        if item.technician_id is not None and item.outcome in {
                OUTCOME_ASSIGNED, OUTCOME_RESCHEDULED, OUTCOME_UNCHANGED}:
            routes.setdefault(item.technician_id, []).append(item)
    told = {i.technician_id for i in items if i.outcome in {OUTCOME_ASSIGNED,
                                                            OUTCOME_RESCHEDULED}}
    routes = {k: v for k, v in routes.items() if k in told}
    link = reverse("field:jobs")
    Notification.objects.bulk_create([
        Notification(user_id=tech_id, link=link, text=(ngettext(
            "Your route for %(day)s: %(n)d job, first expected at %(time)s.",
            "Your route for %(day)s: %(n)d jobs, first expected at %(time)s.", len(route))
            % {"day": plan.day.strftime("%m-%d"), "n": len(route),
               "time": timezone.localtime(route[0].expected_arrival, tz).strftime("%H:%M")})[:300])
        for tech_id, route in routes.items()
    ])


# --- reads ------------------------------------------------------------------------------------

def planner_centres(*, user) -> list:
    """The centres whose day this user may plan: his own, or every one for headquarters."""
    from aftersales.accounts.models import ServiceCentre

    if user.is_superuser or user.role == Role.ADMIN or (
            user.role == Role.MANAGER and not user.service_centre_id):
        return list(ServiceCentre.objects.order_by("code"))
    if user.role in {Role.SUPERVISOR, Role.MANAGER} and user.service_centre_id:
        return [user.service_centre]
    return []


def day_plan_list(*, user):
    return DayPlan.objects.restrict(user, "view").select_related("service_centre", "created_by")


def day_plan_get(*, user, pk) -> DayPlan:
    """One plan this user may see; the same 404 for missing and forbidden."""
    return get_restricted(DayPlan.objects.select_related("service_centre", "created_by",
                                                         "published_by", "previous"), user, pk=pk)


def plan_items(plan: DayPlan) -> list[PlanItem]:
    return list(plan.items.select_related(
        "request__customer", "request__installed_product__model", "technician"
    ).order_by("sequence", "id"))


@dataclass
class Change:
    item: PlanItem
    kind: str  # new, moved, retimed, deferred
    before: PlanItem | None = None


def plan_changes(plan: DayPlan, items: list[PlanItem]) -> dict:
    """What a re-plan changed against the plan it re-plans: jobs planned in, moved to another
    technician, re-timed by at least RETIMED_MIN minutes, deferred now; and how many stayed."""
    if plan.previous_id is None:
        return {}
    before = {i.request_id: i for i in plan.previous.items.select_related("technician")}
    changes: dict[str, list[Change]] = {"new": [], "moved": [], "retimed": [], "deferred": []}
    same = 0
    for item in items:
        old = before.get(item.request_id)
        if item.technician_id is None:
            if old is not None and old.technician_id is not None:
                changes["deferred"].append(Change(item, "deferred", old))
            continue
        if old is None or old.technician_id is None:
            changes["new"].append(Change(item, "new", old))
        elif old.technician_id != item.technician_id:
            changes["moved"].append(Change(item, "moved", old))
        elif (old.expected_arrival and item.expected_arrival and abs(
                (item.expected_arrival - old.expected_arrival).total_seconds()) >= RETIMED_MIN * 60):
            changes["retimed"].append(Change(item, "retimed", old))
        else:
            same += 1
    changes["unchanged"] = same
    return changes


@dataclass(frozen=True)
class RoutePosition:
    sequence: int
    total: int
    expected_arrival: datetime | None
    late: bool
    tz: ZoneInfo | None = None
    today: bool = True

    @property
    def label(self) -> str:
        """"Stop 1 of 5, expected 10:40" (with the date when the route is not today's)."""
        text = _("Stop %(n)d of %(total)d") % {"n": self.sequence, "total": self.total}
        if self.expected_arrival is not None:
            local = timezone.localtime(self.expected_arrival, self.tz)
            text += _(", expected %(time)s") % {
                "time": local.strftime("%H:%M" if self.today else "%m-%d %H:%M")}
        return text


def route_positions(*, technician, day: date | None = None) -> dict[int, RoutePosition]:
    """request id → his place in the published plan of ``day`` (default: today and the days
    after, the earliest plan first) — for his phone."""
    centre = technician.service_centre
    if centre is None:
        return {}
    today = centre_today(centre)
    published = DayPlan.objects.filter(service_centre=centre, status=S.PUBLISHED)
    published = published.filter(day=day) if day else published.filter(day__gte=today)
    items = (PlanItem.objects.filter(plan__in=published, technician=technician)
             .exclude(outcome=OUTCOME_SKIPPED).select_related("plan")
             .order_by("plan__day", "sequence"))
    routes: dict[date, list[PlanItem]] = {}
    for item in items:
        routes.setdefault(item.plan.day, []).append(item)
    tz = ZoneInfo(centre.time_zone)
    positions: dict[int, RoutePosition] = {}
    for route_day, route in routes.items():
        for n, item in enumerate(route, 1):
            positions.setdefault(item.request_id, RoutePosition(
                n, len(route), item.expected_arrival, item.late, tz, route_day == today))
    return positions
