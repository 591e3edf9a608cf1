"""Times along a route, computed the same way for every planner and for the evaluation.

Given a technician and the order of his jobs, the schedule is the earliest one: he leaves his
start point (home, or where he is when re-planning) just in time for the first job, drives to
each job, waits if he is early for the customer's window (or the job's pinned start), works,
drives on, and finally drives home. A job that has already started stays at its start time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .model import (
    WHY_NEAREST,
    WHY_ONLY_QUALIFIED,
    WHY_PINNED,
    WHY_ROUTE,
    Explanation,
    Job,
    Problem,
    Route,
    Technician,
    Visit,
)
from .travel import TravelTimeMatrix


class Geometry:
    """The problem's locations and their travel matrices.

    Indices: technician ``i``'s home is ``i``, his start point ``T + i``, job ``k`` is ``2T + k``.
    """

    def __init__(
        self,
        problem: Problem,
        travel: TravelTimeMatrix,
        matrices: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        self.problem = problem
        self.travel = travel
        techs, jobs = problem.technicians, problem.jobs
        self.n_techs = len(techs)
        locations = [t.home for t in techs]
        locations += [t.start_location or t.home for t in techs]
        locations += [j.location for j in jobs]
        self.locations = locations
        self.km, self.minutes = matrices if matrices is not None else travel.matrices(locations)
        self.km = np.asarray(self.km, dtype=float)
        self.minutes = np.asarray(self.minutes, dtype=float)
        if self.km.shape != (len(locations),) * 2 or self.minutes.shape != self.km.shape:
            raise ValueError("travel matrices have the wrong shape")
        if (self.km < 0).any() or (self.minutes < 0).any():
            raise ValueError("travel matrices must not be negative")
        self.tech_pos = {t.id: i for i, t in enumerate(techs)}
        self.job_pos = {j.id: k for k, j in enumerate(jobs)}
        self.jobs = {j.id: j for j in jobs}
        self.techs = {t.id: t for t in techs}
        self._qualified: dict[str, list[str]] = {}

    def subset(self, problem: Problem) -> Geometry:
        """The geometry of ``problem``, a part of this one (its technicians and jobs are ours),
        cut out of our matrices instead of asking the travel matrix again (a road-network
        service may be slow or metered, and the part is sent to another process)."""
        index = [self.home(t.id) for t in problem.technicians]
        index += [self.origin(t.id) for t in problem.technicians]
        index += [self.job(j.id) for j in problem.jobs]
        cut = np.ix_(index, index)
        return Geometry(problem, self.travel, matrices=(self.km[cut], self.minutes[cut]))

    def home(self, tech_id: str) -> int:
        return self.tech_pos[tech_id]

    def origin(self, tech_id: str) -> int:
        return self.n_techs + self.tech_pos[tech_id]

    def job(self, job_id: str) -> int:
        return 2 * self.n_techs + self.job_pos[job_id]

    def qualified(self, job: Job) -> list[str]:
        """Technicians with every skill the job needs (pinned: only its technician)."""
        if job.id not in self._qualified:
            if job.pinned_technician is not None:
                ids = [job.pinned_technician]
            else:
                ids = [t.id for t in self.problem.technicians if t.qualified_for(job)]
            self._qualified[job.id] = ids
        return self._qualified[job.id]

    def nearer_qualified(self, job: Job, tech_id: str) -> int:
        """How many qualified technicians live nearer the job than ``tech_id``."""
        k = self.job(job.id)
        own = self.km[self.home(tech_id), k]
        return sum(1 for t in self.qualified(job) if self.km[self.home(t), k] < own - 1e-9)


def origin_time(problem: Problem, tech: Technician) -> float:
    """When the technician can leave his start point, unless started work says otherwise."""
    t = tech.shift_start
    if tech.available_from is not None:
        t = max(t, tech.available_from)
    if problem.now is not None:
        t = max(t, problem.now)
    return t


@dataclass(slots=True)
class Scheduled:
    route: Route
    km: float
    minutes: float
    load: int


def schedule_route(
    geo: Geometry,
    tech: Technician,
    job_ids: Sequence[str],
    why: str | dict[str, str] | None = None,
) -> Scheduled:
    """The earliest schedule of ``tech`` doing ``job_ids`` in this order, with explanations.

    ``why``: one reason code for every visit, or per job id; None computes the solver's reasons
    (only qualified / nearest qualified / fits the route; pinned jobs always say pinned).
    """
    problem = geo.problem
    pos = geo.origin(tech.id)
    t = origin_time(problem, tech)
    visits: list[Visit] = []
    km = minutes = 0.0
    load = 0
    depart: float | None = None
    for job_id in job_ids:
        job = geo.jobs[job_id]
        k = geo.job(job_id)
        leg_km, leg_min = float(geo.km[pos, k]), float(geo.minutes[pos, k])
        km += leg_km
        minutes += leg_min
        load += job.load
        if problem.is_started(job):
            start = arrival = float(job.pinned_start)
            if depart is None:
                depart = start - leg_min
        else:
            earliest = max(job.window_start, job.pinned_start or job.window_start)
            if depart is None:
                # Leave just in time for the first job, never before he is free.
                depart = max(t, earliest - leg_min)
                t = depart
            arrival = t + leg_min
            start = max(arrival, earliest)
            if job.pinned_start is not None and start <= job.pinned_start + EPS:
                start = float(job.pinned_start)  # exactly, not a rounding error away
        end = start + job.duration_min
        if problem.is_started(job) and problem.now is not None:
            end = max(end, problem.now)
        visits.append(
            Visit(
                job_id=job_id,
                arrival=arrival,
                start=start,
                end=end,
                explanation=_explain(geo, tech, job, start, leg_km, leg_min, why),
            )
        )
        t = end
        pos = k
    back = None
    if visits:
        home = geo.home(tech.id)
        km += float(geo.km[pos, home])
        minutes += float(geo.minutes[pos, home])
        back = t + float(geo.minutes[pos, home])
    route = Route(technician_id=tech.id, visits=visits, depart=depart, back=back)
    return Scheduled(route=route, km=km, minutes=minutes, load=load)


def _explain(
    geo: Geometry,
    tech: Technician,
    job: Job,
    start: float,
    leg_km: float,
    leg_min: float,
    why: str | dict[str, str] | None,
) -> Explanation:
    qualified = geo.qualified(job)
    nearer = geo.nearer_qualified(job, tech.id) if job.pinned_technician is None else 0
    if job.pinned_technician is not None:
        reason = WHY_PINNED
    elif isinstance(why, dict) and job.id in why:
        reason = why[job.id]
    elif isinstance(why, str):
        reason = why
    elif len(qualified) == 1:
        reason = WHY_ONLY_QUALIFIED
    elif nearer == 0:
        reason = WHY_NEAREST
    else:
        reason = WHY_ROUTE
    latest = job.latest_on_time_start
    return Explanation(
        why=reason,
        qualified_technicians=len(qualified),
        travel_km=leg_km,
        travel_min=leg_min,
        deadline=job.deadline,
        on_time=job.deadline is None or start <= job.deadline + EPS,
        slack_min=latest - start,
        nearer_qualified=nearer,
    )


EPS = 1e-6
