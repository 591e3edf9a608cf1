"""Districts for large days: technicians in geographic groups, each job given to one group.

A service department with a hundred technicians plans per district; so does the planner above a
size threshold (:mod:`.decompose`). Everything here works on the travel matrix, not on
coordinates, so it holds for planar benchmarks, great-circle estimates and a road network alike
(a river with few bridges splits districts where the road distance says, not the map).

- **Technicians** are grouped by a balanced k-medoids on the travel distance between their
  start points: groups of nearly equal size (⌈T / k⌉ at most), so that each part of the search
  gets a comparable problem and the parts finish together on parallel cores.
- **Jobs** go to the group whose nearest *qualified* technician is nearest to the job; pinned
  and started jobs go with their technician. A job that only some groups can serve (skills) is
  only ever given to one of those. When a group would get more work than its technicians' daily
  capacity, the jobs that lose least by moving (nearest to another group) move to the next best
  group that has room, so capacity alone does not defer work that a neighbour could do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .model import Job, Problem
from .schedule import Geometry

MAX_ROUNDS = 30  # k-medoids rounds; it settles in a handful on real layouts
MIN_GROUP_TECHNICIANS = 4


@dataclass(frozen=True, slots=True)
class Partition:
    """``groups[g]`` = technician ids of group g; ``jobs[g]`` = job ids given to group g."""

    groups: list[list[str]]
    jobs: list[list[str]]

    def group_of_technician(self) -> dict[str, int]:
        return {t: g for g, techs in enumerate(self.groups) for t in techs}

    def group_of_job(self) -> dict[str, int]:
        return {j: g for g, jobs in enumerate(self.jobs) for j in jobs}


def group_count(n_jobs: int, n_techs: int, group_jobs: int, workers: int) -> int:
    """About ``group_jobs`` jobs a group, rounded up to a multiple of the workers (so no core
    idles in the last round), at least one group, and at least ``MIN_GROUP_TECHNICIANS``
    technicians a group (each group keeps a choice of technicians and of skills).

    Sized by jobs, not technicians: what a part's search must settle in its time is its number
    of jobs (field bench, 2,000 jobs in 55 s on 2 cores, single runs: ~170 jobs a group gave
    4,071–4,366 km; ~330 and ~500 gave 4,596 and 5,109 km, ~100 gave 4,549 km; ADR 0005).
    """
    n = max(1, round(n_jobs / max(1, group_jobs)))
    if workers > 1 and n % workers:
        n += workers - n % workers
    return max(1, min(n, n_techs // MIN_GROUP_TECHNICIANS))


def partition(problem: Problem, geo: Geometry, n_groups: int) -> Partition:
    """Technicians in ``n_groups`` geographic groups, and every job given to one of them."""
    techs = list(problem.technicians)
    origins = [geo.origin(t.id) for t in techs]
    km = geo.km[np.ix_(origins, origins)]
    members = balanced_medoids((km + km.T) / 2.0, n_groups)
    groups = [[techs[i].id for i in m] for m in members]
    return Partition(groups=groups, jobs=assign_jobs(problem, geo, groups))


def balanced_medoids(dist: np.ndarray, k: int) -> list[list[int]]:
    """``k`` groups of at most ⌈n / k⌉ points each, compact in ``dist`` (symmetric, n × n).

    Deterministic: the first medoid is the most central point, each next the point farthest from
    the medoids so far; then assignment (balanced, by regret) and medoid update alternate until
    the medoids no longer change.
    """
    n = dist.shape[0]
    k = max(1, min(k, n))
    medoids = [int(np.argmin(dist.sum(axis=1)))]
    while len(medoids) < k:
        nearest = dist[:, medoids].min(axis=1)
        nearest[medoids] = -1.0
        medoids.append(int(np.argmax(nearest)))
    room = math.ceil(n / k)
    groups: list[list[int]] = []
    for _ in range(MAX_ROUNDS):
        groups = _assign_balanced(dist[:, medoids], room)
        new = [g[int(np.argmin(dist[np.ix_(g, g)].sum(axis=1)))] for g in groups]
        if new == medoids:
            break
        medoids = new
    return [sorted(g) for g in groups]


def _assign_balanced(cost: np.ndarray, room: int) -> list[list[int]]:
    """Each row to a column, at most ``room`` rows a column: rows that would lose most by not
    getting their best column choose first."""
    n, k = cost.shape
    order = np.argsort(cost, axis=1)
    ranked = np.sort(cost, axis=1)
    regret = ranked[:, 1] - ranked[:, 0] if k > 1 else np.zeros(n)
    groups: list[list[int]] = [[] for _ in range(k)]
    for row in np.argsort(-regret, kind="stable"):
        for col in order[row]:
            if len(groups[col]) < room:
                groups[col].append(int(row))
                break
    # A medoid's own group may have been filled by others: keep every group non-empty.
    for col in range(k):
        if not groups[col]:
            donor = max(range(k), key=lambda c: len(groups[c]))
            groups[col].append(groups[donor].pop())
    return groups


def assign_jobs(problem: Problem, geo: Geometry, groups: list[list[str]]) -> list[list[str]]:
    """Every job to one group (see the module docstring)."""
    group_of = {t: g for g, techs in enumerate(groups) for t in techs}
    k = len(groups)
    capacity = [0.0] * k
    for tech in problem.technicians:
        capacity[group_of[tech.id]] += tech.capacity
    load = [0.0] * k
    choice: dict[str, int] = {}
    options: dict[str, list[tuple[float, int]]] = {}  # job id → (km, group), best first
    for job in problem.jobs:
        ranked = _ranked_groups(job, geo, group_of, k)
        if job.pinned_technician is not None or len(ranked) == 1:
            choice[job.id] = ranked[0][1]
        else:
            options[job.id] = ranked
            choice[job.id] = ranked[0][1]
        load[choice[job.id]] += job.load
    # Over capacity: move the jobs that lose least to their next group with room.
    for g in range(k):
        if load[g] <= capacity[g]:
            continue
        movable = []
        for job_id, ranked in options.items():
            if choice[job_id] != g:
                continue
            for km, other in ranked[1:]:
                movable.append((km - ranked[0][0], job_id, other))
        movable.sort()
        for _, job_id, other in movable:
            if load[g] <= capacity[g]:
                break
            if choice[job_id] != g or load[other] + geo.jobs[job_id].load > capacity[other]:
                continue
            choice[job_id] = other
            load[g] -= geo.jobs[job_id].load
            load[other] += geo.jobs[job_id].load
    jobs: list[list[str]] = [[] for _ in range(k)]
    for job in problem.jobs:
        jobs[choice[job.id]].append(job.id)
    return jobs


def _ranked_groups(
    job: Job, geo: Geometry, group_of: dict[str, int], k: int
) -> list[tuple[float, int]]:
    """(km from the job to the group's nearest qualified start point, group), nearest first.

    A job nobody is qualified for goes to the group of the nearest technician: it is deferred
    there with the same reason as in the whole problem.
    """
    qualified = geo.qualified(job)
    pool = qualified if qualified else list(geo.techs)
    where = geo.job(job.id)
    best: dict[int, float] = {}
    for tech_id in pool:
        g = group_of[tech_id]
        d = float(geo.km[geo.origin(tech_id), where])
        if d < best.get(g, math.inf):
            best[g] = d
    return sorted((d, g) for g, d in best.items())
