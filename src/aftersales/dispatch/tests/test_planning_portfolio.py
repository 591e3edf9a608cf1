"""Days of a few hundred jobs searched from several seeds at once (planning/portfolio.py)."""

from __future__ import annotations

import dataclasses

from aftersales.dispatch.planning import portfolio, processes
from aftersales.dispatch.planning.evaluate import evaluate
from aftersales.dispatch.planning.model import Plan
from aftersales.dispatch.planning.pyvrp_solver import SolverOptions, solve
from aftersales.dispatch.planning.schedule import Geometry
from aftersales.dispatch.planning.tests.cases import TRAVEL, random_problem

SEEDS = SolverOptions(time_limit=3.0, seed=5, seeds_from=10, workers=2)


def test_two_seeds_run_at_once_and_the_best_plan_is_kept():
    problem = random_problem(11, n_jobs=40, n_techs=5)
    geo = Geometry(problem, TRAVEL)
    seen = []
    plan = solve(problem, options=dataclasses.replace(SEEDS, progress=seen.append), geometry=geo)
    assert plan.stats["seeds"] == [5, 6] and plan.stats["best_seed"] in (5, 6)
    assert evaluate(problem, plan, geometry=geo).feasible
    planned = {v.job_id for r in plan.routes for v in r.visits}
    assert planned | {d.job_id for d in plan.deferred} == {j.id for j in problem.jobs}
    assert seen and 0 <= seen[0] <= seen[-1] <= 1.0


def test_the_best_of_the_seeds_plans_is_kept(monkeypatch):
    problem = random_problem(3, n_jobs=12, n_techs=3)
    geo = Geometry(problem, TRAVEL)
    full = solve(problem, options=SolverOptions(time_limit=1.0, workers=1), geometry=geo)
    worse = Plan(routes=[dataclasses.replace(r, visits=[]) for r in full.routes],
                 deferred=[*full.deferred, *_deferrals(full)], method="test")
    monkeypatch.setattr(portfolio, "_in_processes", lambda *args: [worse, full])
    kept = solve(problem, options=dataclasses.replace(SEEDS, seed=8), geometry=geo)
    assert kept is full and kept.stats["seeds"] == [8, 9] and kept.stats["best_seed"] == 9


def test_rank_puts_feasibility_then_deadlines_then_served_then_travel_first():
    problem = random_problem(3, n_jobs=12, n_techs=3)
    geo = Geometry(problem, TRAVEL)
    full = solve(problem, options=SolverOptions(time_limit=1.0, workers=1), geometry=geo)
    assert full.routes and any(r.visits for r in full.routes)
    emptied = Plan(routes=[dataclasses.replace(r, visits=[]) for r in full.routes],
                   deferred=[*full.deferred], method="test")
    emptied.deferred.extend(_deferrals(full))
    assert portfolio.rank(problem, geo, full) < portfolio.rank(problem, geo, emptied)


def test_small_days_and_one_worker_are_one_search_here():
    problem = random_problem(4, n_jobs=12, n_techs=3)
    small = solve(problem, options=dataclasses.replace(SEEDS, seeds_from=50, time_limit=1.0),
                  travel=TRAVEL)
    single = solve(problem, options=dataclasses.replace(SEEDS, workers=1, time_limit=1.0),
                   travel=TRAVEL)
    assert "seeds" not in small.stats and "seeds" not in single.stats


def test_one_search_here_when_processes_cannot_start(monkeypatch):
    def no_processes(workers):
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(processes, "pool", no_processes)
    problem = random_problem(5, n_jobs=20, n_techs=3)
    plan = solve(problem, options=dataclasses.replace(SEEDS, time_limit=1.0), travel=TRAVEL)
    assert "seeds" not in plan.stats and plan.routes


def _deferrals(plan):
    from aftersales.dispatch.planning.model import DEFER_CAPACITY, Deferral

    return [Deferral(v.job_id, DEFER_CAPACITY) for r in plan.routes for v in r.visits]
