"""A day of up to a few hundred jobs searched from several seeds at once, one per core; the best
plan wins.

Why: a randomised search stopped by the clock lands on plans of different quality from run to
run. At 200 jobs / 20 technicians, 55 s with five seeds gave 1,220–1,293 km (field bench, ADR
0005): the seed decided whether the plan came within 2 % of a five-minute search. The plan runs
in the background anyway, so the machine's other cores search too, each from its own seed, and
the best plan by :func:`rank` is kept. Large days use the cores per district instead
(:mod:`.decompose`).

Solver-independent: the solver comes in as ``solve_one`` (``solve_whole`` of the adapter); its
options need ``time_limit``, ``seed``, ``progress``, ``workers`` and ``decompose_above``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from .evaluate import evaluate
from .model import Plan, Problem
from .processes import NO_PROCESSES, Search, available_cores, monotonic_at, run_in_processes
from .schedule import Geometry


def rank(problem: Problem, geo: Geometry, plan: Plan) -> tuple:
    """Better plans sort first, in the order the solver weighs things: feasible, then fewer
    missed deadlines, then more jobs served, then less travel."""
    ev = evaluate(problem, plan, geometry=geo)
    return (len(ev.violations), ev.missed_deadlines, -ev.served, round(ev.travel_km, 3))


def solve_from_seeds(
    problem: Problem,
    geo: Geometry,
    options,
    solve_one: Callable[..., Plan],
    began: float | None = None,
) -> Plan:
    """The best of ``workers`` searches (0: one per core) from seeds ``seed``, ``seed + 1`` …,
    run at the same time in spawned processes until the limit (counted from ``began``). With
    one worker, or where no process can be started, one search in this process."""
    began = time.perf_counter() if began is None else began
    workers = options.workers or available_cores()
    if workers > 1:
        try:
            plans = _in_processes(problem, geo, options, solve_one, workers, began)
        except NO_PROCESSES:
            plans = None  # no child processes here (a sandbox, a daemonic worker)
        if plans:
            ranked = sorted(enumerate(plans), key=lambda kv: rank(problem, geo, kv[1]))
            index, best = ranked[0]
            best.stats = {**best.stats, "seeds": [options.seed + k for k in range(len(plans))],
                          "best_seed": options.seed + index}
            best.solve_seconds = time.perf_counter() - began
            return best
    return solve_one(problem, options=dataclasses.replace(options, workers=1), geometry=geo,
                     began=began)


def _in_processes(problem, geo, options, solve_one, workers, began) -> list[Plan]:
    quiet = dataclasses.replace(options, progress=None, workers=1)  # callbacks stay here
    searches = [Search(problem, geo, dataclasses.replace(quiet, seed=options.seed + k))
                for k in range(workers)]
    return run_in_processes(solve_one, searches, workers,
                            monotonic_at(began + options.time_limit), options.progress)
