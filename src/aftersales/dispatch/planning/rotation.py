"""The baseline of DS-2: jobs handed out in turn.

Jobs are taken in queue order (the order of ``Problem.jobs``: the caller puts yesterday's
carry-overs first, SR-5). Each goes to the next technician in a fixed order, starting after the
one who got the previous job; a technician is skipped (and the skip recorded with its reason)
when he lacks a skill the job needs, has no room left in his day, or his shift does not overlap
the customer's window. Each technician then does his jobs in the order he received them. Nothing
is optimised: this is the yardstick the day plan is measured against, and the rule the
supervisor's "assign next" button follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import (
    DEFER_CAPACITY,
    DEFER_NO_SHIFT,
    DEFER_NO_SKILL,
    WHY_ROTATION,
    Deferral,
    Job,
    Plan,
    Problem,
    Technician,
)
from .schedule import Geometry, schedule_route
from .travel import TravelTimeMatrix

SKIP_SKILL = "lacks_skill"
SKIP_CAPACITY = "at_capacity"
SKIP_SHIFT = "off_shift"


@dataclass(frozen=True, slots=True)
class Skip:
    job_id: str
    technician_id: str
    reason: str


@dataclass(slots=True)
class RotationResult:
    plan: Plan
    next_index: int  # where the next turn starts (persist it: the rotation is fair over days)
    skips: list[Skip] = field(default_factory=list)


def skip_reason(tech: Technician, job: Job, load: int) -> str | None:
    """Why ``tech`` cannot take ``job`` now (he already carries ``load``), or None."""
    if not tech.qualified_for(job):
        return SKIP_SKILL
    if tech.shift_end <= job.window_start or tech.shift_start > job.window_end:
        return SKIP_SHIFT
    if load + job.load > tech.capacity:
        return SKIP_CAPACITY
    return None


def next_in_turn(
    technicians: Sequence[Technician],
    job: Job,
    loads: dict[str, int],
    start_index: int,
) -> tuple[int | None, list[Skip]]:
    """The index (into ``technicians``) of who takes ``job``, and whom the turn skipped."""
    skips: list[Skip] = []
    n = len(technicians)
    for step in range(n):
        i = (start_index + step) % n
        tech = technicians[i]
        reason = skip_reason(tech, job, loads.get(tech.id, 0))
        if reason is None:
            return i, skips
        skips.append(Skip(job.id, tech.id, reason))
    return None, skips


def rotation_plan(
    problem: Problem,
    travel: TravelTimeMatrix | None = None,
    *,
    order: Sequence[str] | None = None,
    start_index: int = 0,
    geometry: Geometry | None = None,
) -> RotationResult:
    """Hand the problem's jobs out in turn; ``order`` is the rotation (default: as given)."""
    geo = geometry or Geometry(problem, travel)
    techs = (
        [problem.technician(t) for t in order] if order is not None else list(problem.technicians)
    )
    loads: dict[str, int] = {}
    sequences: dict[str, list[str]] = {t.id: [] for t in problem.technicians}
    deferred: list[Deferral] = []
    skips: list[Skip] = []
    pointer = start_index % len(techs) if techs else 0

    # Started and pinned work stays where it is and is not a turn.
    started = sorted(
        (j for j in problem.jobs if problem.is_started(j)), key=lambda j: j.pinned_start
    )
    for job in started:
        sequences[job.pinned_technician].append(job.id)
        loads[job.pinned_technician] = loads.get(job.pinned_technician, 0) + job.load
    for job in problem.jobs:
        if problem.is_started(job):
            continue
        if job.pinned_technician is not None:
            sequences[job.pinned_technician].append(job.id)
            loads[job.pinned_technician] = loads.get(job.pinned_technician, 0) + job.load
            continue
        index, job_skips = next_in_turn(techs, job, loads, pointer)
        skips.extend(job_skips)
        if index is None:
            reasons = {s.reason for s in job_skips}
            if reasons <= {SKIP_SKILL}:
                deferred.append(Deferral(job.id, DEFER_NO_SKILL))
            elif SKIP_CAPACITY in reasons:
                deferred.append(Deferral(job.id, DEFER_CAPACITY))
            else:
                deferred.append(Deferral(job.id, DEFER_NO_SHIFT))
            continue
        tech = techs[index]
        sequences[tech.id].append(job.id)
        loads[tech.id] = loads.get(tech.id, 0) + job.load
        pointer = (index + 1) % len(techs)

    routes = [
        schedule_route(geo, tech, sequences[tech.id], why=WHY_ROTATION).route
        for tech in problem.technicians
    ]
    plan = Plan(routes=routes, deferred=deferred, method="rotation")
    return RotationResult(plan=plan, next_index=pointer, skips=skips)
