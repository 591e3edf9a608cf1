"""Large days planned per district: split, plan the parts in parallel, merge, improve.

Why: one search over ~2,000 jobs and 100 technicians does not settle within a minute (ADR 0005,
field bench: +24 % travel against a five-minute run). A service department plans per district;
so does this module, above ``options.decompose_above`` jobs:

1. :func:`.partition.partition` groups the technicians by where they start (about
   ``options.group_jobs`` jobs a group) and gives each job to the group that serves it best, with
   skills, pins and daily capacity respected.
2. Each group is planned as its own :class:`~.model.Problem` by the solver's ``solve_part``,
   in parallel processes (one per core), each with its share of the time limit. The parts
   cut their travel matrices out of the whole one (:meth:`.schedule.Geometry.subset`).
3. The parts' routes are merged into one plan and rescheduled on the whole geometry (so the
   explanations count every technician, not only the group's).
4. With the time left (``options.polish_share``), ``improve`` searches on from the merged plan
   over the whole problem: jobs a group had to defer are offered to every technician again,
   and routes across the districts' borders are improved.

Solver-independent: the solver comes in as ``solve_part`` and ``improve`` (both given by
:mod:`.pyvrp_solver`); its options need ``time_limit``, ``seed``, ``progress``, ``workers``,
``group_jobs``, ``polish_share`` and ``decompose_above``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from .model import Plan, Problem
from .partition import Partition, group_count, partition
from .processes import (
    NO_PROCESSES,
    Search,
    available_cores,
    monotonic_at,
    rounds,
    run_in_processes,
    run_search,
)
from .schedule import Geometry, schedule_route


def solve_in_parts(
    problem: Problem,
    geo: Geometry,
    options,
    solve_part: Callable[..., Plan],
    improve: Callable[..., Plan] | None = None,
    began: float | None = None,
) -> Plan:
    """Plan ``problem`` per district (see the module docstring); the limit counts from ``began``."""
    began = time.perf_counter() if began is None else began
    end = began + options.time_limit
    workers = options.workers or available_cores()
    n_groups = group_count(len(problem.jobs), len(problem.technicians), options.group_jobs, workers)
    split = partition(problem, geo, n_groups)
    parts = [
        _part_problem(problem, techs, jobs)
        for techs, jobs in zip(split.groups, split.jobs, strict=True)
    ]
    polish = options.time_limit * options.polish_share if improve is not None else 0.0
    parts_end = end - polish
    span = (0.0, 1.0 - options.polish_share if improve is not None else 1.0)
    plans, processes = run_parts(parts, geo, options, solve_part, workers, parts_end, span)
    merged = merge(problem, geo, plans)
    stats = {
        "decomposed": True,
        "groups": len(parts),
        "processes": processes,
        "group_technicians": [len(g) for g in split.groups],
        "group_jobs": [len(j) for j in split.jobs],
        "parts_deferred": len(merged.deferred),
        "parts_seconds": round(time.perf_counter() - began, 3),
    }
    if improve is not None and end - time.perf_counter() > 0.1:
        whole = dataclasses.replace(
            options,
            time_limit=end - time.perf_counter(),
            progress=_span(options.progress, (span[1], 1.0)),
        )
        merged = improve(problem, geo, whole, merged)
    elif options.progress is not None:
        options.progress(1.0)
    merged.stats = {**merged.stats, **stats}
    merged.method = "pyvrp-districts"
    merged.solve_seconds = time.perf_counter() - began
    return merged


def _part_problem(problem: Problem, tech_ids: list[str], job_ids: list[str]) -> Problem:
    techs = set(tech_ids)
    jobs = set(job_ids)
    return Problem(
        technicians=tuple(t for t in problem.technicians if t.id in techs),
        jobs=tuple(j for j in problem.jobs if j.id in jobs),
        now=problem.now,
        horizon_end=problem.horizon_end,
    )


def run_parts(
    parts: list[Problem],
    geo: Geometry,
    options,
    solve_part: Callable[..., Plan],
    workers: int,
    parts_end: float,
    span: tuple[float, float] = (0.0, 1.0),
) -> tuple[list[Plan], int]:
    """Plan every part by ``parts_end`` (a ``time.perf_counter()`` instant); the plans in the
    order of ``parts``, and how many child processes planned them (0: this process).

    With several workers: in rounds of ``workers`` parts at once, the largest first, in
    separate processes (spawned: safe in a threaded task worker); each part gets an equal share
    of what is left of the time when it starts, progress is reported from here by the clock.
    With one worker (or when processes cannot be started): one after the other in this process.
    """
    order = sorted(range(len(parts)), key=lambda i: -len(parts[i].jobs))
    stop_at = monotonic_at(parts_end)
    if workers > 1 and len(parts) > 1:
        n_rounds = rounds(len(parts), workers)
        quiet = dataclasses.replace(options, progress=None)  # callbacks stay in this process
        searches = [Search(parts[i], geo.subset(parts[i]), quiet, n_rounds - k // workers)
                    for k, i in enumerate(order)]
        try:
            done = run_in_processes(solve_part, searches, workers, stop_at, options.progress,
                                    span)
        except NO_PROCESSES:
            pass  # no child processes here (a sandbox, a daemonic worker): plan in this process
        else:
            plans = dict(zip(order, done, strict=True))
            return [plans[i] for i in range(len(parts))], min(workers, len(parts))
    plans: dict[int, Plan] = {}
    low, high = span
    n = len(order)
    for k, i in enumerate(order):
        part_span = (low + (high - low) * k / n, low + (high - low) * (k + 1) / n)
        part_options = dataclasses.replace(options, progress=_span(options.progress, part_span))
        plans[i] = run_search(solve_part, Search(parts[i], geo.subset(parts[i]), part_options,
                                                 n - k), stop_at)
    return [plans[i] for i in range(len(parts))], 0


def merge(problem: Problem, geo: Geometry, plans: list[Plan]) -> Plan:
    """One plan of the parts' plans: every technician's route (rescheduled on the whole
    geometry, so explanations count every qualified technician) and every part's deferrals."""
    sequences: dict[str, list[str]] = {}
    deferred = []
    stats: dict = {"parts": []}
    for plan in plans:
        for route in plan.routes:
            if route.technician_id in sequences:
                raise ValueError(f"technician {route.technician_id} is in two parts")
            sequences[route.technician_id] = route.job_ids
        deferred.extend(plan.deferred)
        stats["parts"].append(
            {k: plan.stats[k] for k in ("jobs", "clients", "objective") if k in plan.stats}
        )
    routes = [
        schedule_route(geo, tech, sequences.get(tech.id, [])).route for tech in problem.technicians
    ]
    return Plan(routes=routes, deferred=deferred, method="pyvrp-districts", stats=stats)


class _Span:
    """A progress callback mapped onto ``span`` of the caller's 0..1."""

    def __init__(self, callback: Callable[[float], None], span: tuple[float, float]):
        self.callback = callback
        self.span = span

    def __call__(self, share: float) -> None:
        low, high = self.span
        self.callback(low + (high - low) * min(1.0, max(0.0, share)))


def _span(callback, span: tuple[float, float]):
    return None if callback is None else _Span(callback, span)


__all__ = ["Partition", "available_cores", "merge", "run_parts", "solve_in_parts"]
