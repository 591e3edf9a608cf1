"""Measure a plan and check it, whoever made it (solver, rotation, a supervisor's hand edits).

The evaluation recomputes every time from the route order (:mod:`.schedule`), so it does not
trust the times written in the plan. Travel counts every leg including the drive home.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .model import Plan, Problem
from .schedule import EPS, Geometry, schedule_route
from .travel import TravelTimeMatrix

# Violation kinds
V_UNKNOWN = "unknown_job_or_technician"
V_DUPLICATE = "job_planned_twice"
V_MISSING = "job_neither_planned_nor_deferred"
V_REQUIRED = "required_job_deferred"
V_SKILL = "missing_skill"
V_WINDOW = "outside_customer_window"
V_SHIFT_START = "before_shift_start"
V_SHIFT_END = "after_shift_end"
V_CAPACITY = "over_capacity"
V_PINNED = "pinned_job_moved"


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str
    technician_id: str | None = None
    job_id: str | None = None
    amount: float = 0.0  # minutes late/early, units over capacity


@dataclass(slots=True)
class Evaluation:
    travel_km: float = 0.0
    travel_min: float = 0.0
    served: int = 0
    deferred: int = 0
    due: int = 0  # jobs with a deadline inside the plan's horizon
    late: int = 0  # served after the deadline
    late_minutes: float = 0.0
    missed_deadlines: int = 0  # late, or deferred although due in the horizon
    routes_used: int = 0
    overtime_min: float = 0.0
    jobs_per_technician: dict[str, int] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.violations

    def as_dict(self) -> dict:
        return {
            "travel_km": round(self.travel_km, 3),
            "travel_min": round(self.travel_min, 1),
            "served": self.served,
            "deferred": self.deferred,
            "due": self.due,
            "late": self.late,
            "late_minutes": round(self.late_minutes, 1),
            "missed_deadlines": self.missed_deadlines,
            "routes_used": self.routes_used,
            "overtime_min": round(self.overtime_min, 1),
            "violations": len(self.violations),
            "violation_kinds": dict(Counter(v.kind for v in self.violations)),
        }


def evaluate(
    problem: Problem,
    plan: Plan,
    travel: TravelTimeMatrix | None = None,
    geometry: Geometry | None = None,
) -> Evaluation:
    if geometry is None:
        if travel is None:
            raise ValueError("give the travel matrix or a geometry")
        geometry = Geometry(problem, travel)
    geo = geometry
    ev = Evaluation()
    seen: Counter[str] = Counter()
    for route in plan.routes:
        seen.update(route.job_ids)
    seen.update(plan.deferred_ids)
    for job_id, count in seen.items():
        if job_id not in geo.jobs:
            ev.violations.append(Violation(V_UNKNOWN, job_id=job_id))
        elif count > 1:
            ev.violations.append(Violation(V_DUPLICATE, job_id=job_id, amount=count))
    for job in problem.jobs:
        if job.id not in seen:
            ev.violations.append(Violation(V_MISSING, job_id=job.id))
        if problem.due_in_horizon(job):
            ev.due += 1

    for route in plan.routes:
        tech = geo.techs.get(route.technician_id)
        if tech is None or any(j not in geo.jobs for j in route.job_ids):
            ev.violations.append(Violation(V_UNKNOWN, technician_id=route.technician_id))
            continue
        done = schedule_route(geo, tech, route.job_ids, why="")
        ev.travel_km += done.km
        ev.travel_min += done.minutes
        ev.served += len(route.visits)
        ev.jobs_per_technician[tech.id] = len(route.visits)
        if route.visits:
            ev.routes_used += 1
        if done.load > tech.capacity:
            ev.violations.append(Violation(V_CAPACITY, tech.id, amount=done.load - tech.capacity))
        sched = done.route
        if sched.visits and not problem.is_started(geo.jobs[sched.visits[0].job_id]):
            if sched.depart is not None and sched.depart < tech.shift_start - EPS:
                ev.violations.append(
                    Violation(V_SHIFT_START, tech.id, amount=tech.shift_start - sched.depart)
                )
        if sched.back is not None and sched.back > tech.shift_end + EPS:
            ev.overtime_min += sched.back - tech.shift_end
            ev.violations.append(
                Violation(V_SHIFT_END, tech.id, amount=sched.back - tech.shift_end)
            )
        for visit in sched.visits:
            job = geo.jobs[visit.job_id]
            if not tech.qualified_for(job):
                ev.violations.append(Violation(V_SKILL, tech.id, job.id))
            started = problem.is_started(job)
            if job.pinned_technician is not None and (
                job.pinned_technician != tech.id
                or (job.pinned_start is not None and abs(visit.start - job.pinned_start) > EPS)
            ):
                ev.violations.append(Violation(V_PINNED, tech.id, job.id))
            if not started and visit.start > job.window_end + EPS:
                ev.violations.append(
                    Violation(V_WINDOW, tech.id, job.id, amount=visit.start - job.window_end)
                )
            if job.deadline is not None and visit.start > job.deadline + EPS:
                ev.late_minutes += visit.start - job.deadline
                if problem.due_in_horizon(job):
                    ev.late += 1
                    ev.missed_deadlines += 1
    for deferral in plan.deferred:
        job = geo.jobs.get(deferral.job_id)
        if job is None:
            continue
        ev.deferred += 1
        if job.required:
            ev.violations.append(Violation(V_REQUIRED, job_id=job.id))
        if problem.due_in_horizon(job):
            ev.missed_deadlines += 1
    return ev
