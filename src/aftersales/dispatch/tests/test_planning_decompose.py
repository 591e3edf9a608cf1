"""Large days planned per district: partition, parts, merge, improvement of the whole.

Small generated cases with a low ``decompose_above`` so that the decomposition runs in a fraction
of a second; the bench (``bench/dispatch/run field``) measures it at 2,000 jobs.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from aftersales.dispatch.planning import model as m
from aftersales.dispatch.planning.decompose import merge, solve_in_parts
from aftersales.dispatch.planning.evaluate import evaluate
from aftersales.dispatch.planning.model import Job, Problem, Technician
from aftersales.dispatch.planning.partition import (
    assign_jobs,
    balanced_medoids,
    group_count,
    partition,
)
from aftersales.dispatch.planning.pyvrp_solver import SolverOptions, improve, solve, solve_whole
from aftersales.dispatch.planning.schedule import Geometry
from aftersales.dispatch.planning.tests.cases import TRAVEL, at, random_problem

# Decompose anything above 10 jobs into groups of about 15 jobs, in this process.
SPLIT = SolverOptions(
    time_limit=2.0, seed=3, decompose_above=10, group_jobs=15, workers=1, polish_share=0.25
)
REASONS = {m.DEFER_CAPACITY, m.DEFER_NO_SHIFT, m.DEFER_NO_SKILL, m.DEFER_PINNED}


def two_towns(n_jobs: int = 40, seed: int = 1) -> Problem:
    """Four technicians in a town at x≈0, four in a town at x≈60; jobs around both."""
    rng = random.Random(seed)
    techs = []
    for i in range(8):
        x0 = 0 if i < 4 else 60
        techs.append(
            Technician(
                f"T{i}",
                at(x0 + rng.uniform(-3, 3), rng.uniform(-3, 3)),
                skills={"gas"} if i in (0, 4) else {"washer"},
                capacity=8,
            )
        )
    jobs = []
    for k in range(n_jobs):
        x0 = 0 if k % 2 else 60
        jobs.append(
            Job(
                f"J{k}",
                at(x0 + rng.uniform(-5, 5), rng.uniform(-5, 5)),
                duration_min=30,
                required_skills={"gas"} if k % 5 == 0 else {"washer"},
                deadline=rng.choice([None, 720.0, 900.0]),
            )
        )
    return Problem(tuple(techs), tuple(jobs))


# --- partition ----------------------------------------------------------------------------------


def test_group_count_rounds_up_to_the_workers_and_keeps_four_technicians_a_group():
    assert group_count(2000, 100, 170, 2) == 12  # 11.8 → 12
    assert group_count(2000, 100, 170, 1) == 12
    assert group_count(1100, 100, 100, 2) == 12  # 11 → 12: no core idles in the last round
    assert group_count(500, 8, 50, 2) == 2  # at least 4 technicians a group
    assert group_count(50, 3, 10, 2) == 1


def test_balanced_medoids_finds_the_towns_and_keeps_sizes_equal():
    problem = two_towns()
    geo = Geometry(problem, TRAVEL)
    split = partition(problem, geo, 2)
    assert sorted(map(sorted, split.groups)) == [["T0", "T1", "T2", "T3"], ["T4", "T5", "T6", "T7"]]
    rng = random.Random(4)
    points = [(rng.uniform(0, 50), rng.uniform(0, 50)) for _ in range(23)]
    dist = [[((a - c) ** 2 + (b - d) ** 2) ** 0.5 for c, d in points] for a, b in points]
    groups = balanced_medoids(np.array(dist), 4)
    assert sorted(i for g in groups for i in g) == list(range(23))
    assert max(len(g) for g in groups) <= 6  # ⌈23 / 4⌉
    assert balanced_medoids(np.array(dist), 4) == groups  # deterministic


def test_every_job_goes_to_one_group_that_can_serve_it():
    problem = two_towns()
    problem = dataclasses.replace(
        problem,
        jobs=problem.jobs
        + (
            Job("pinned_far", at(59, 0), pinned_technician="T1"),  # in the other town
            Job("nobody", at(1, 1), required_skills={"fridge"}),
        ),
    )
    geo = Geometry(problem, TRAVEL)
    split = partition(problem, geo, 2)
    group_of_job = split.group_of_job()
    group_of_tech = split.group_of_technician()
    assert sorted(group_of_job) == sorted(j.id for j in problem.jobs)
    assert sum(len(j) for j in split.jobs) == len(problem.jobs)
    assert group_of_job["pinned_far"] == group_of_tech["T1"]
    for job in problem.jobs:
        if job.pinned_technician or job.id == "nobody":
            continue
        members = [problem.technician(t) for t in split.groups[group_of_job[job.id]]]
        assert any(t.qualified_for(job) for t in members)
        # The nearer town, as long as it has a qualified technician.
        assert group_of_tech["T0" if job.location.x < 30 else "T4"] == group_of_job[job.id]


def test_a_group_over_its_capacity_gives_its_cheapest_jobs_to_a_neighbour():
    techs = (
        Technician("A0", at(0, 0), capacity=2),
        Technician("A1", at(1, 0), capacity=2),
        Technician("B0", at(10, 0), capacity=5),
        Technician("B1", at(11, 0), capacity=5),
    )
    # Six jobs near A (capacity 4): the two nearest to B move there.
    jobs = tuple(Job(f"J{x}", at(x, 1)) for x in (0, 1, 2, 3, 5, 6))
    problem = Problem(techs, jobs)
    geo = Geometry(problem, TRAVEL)
    groups = [["A0", "A1"], ["B0", "B1"]]
    assert assign_jobs(problem, geo, groups) == [["J0", "J1", "J2", "J3"], ["J5", "J6"]]


# --- the decomposed plan --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_decomposed_plans_are_feasible_and_account_for_every_job(seed):
    problem = random_problem(seed, n_jobs=60, n_techs=9)
    result = solve(problem, TRAVEL, SPLIT)
    assert result.stats["decomposed"] and result.stats["groups"] == 2
    ev = evaluate(problem, result, TRAVEL)
    assert ev.violations == []  # skills, windows, shifts, capacity, each job once
    assert ev.served + ev.deferred == len(problem.jobs)
    assert ev.served >= len(problem.jobs) // 3
    assert {d.reason for d in result.deferred} <= REASONS
    for route in result.routes:
        tech = problem.technician(route.technician_id)
        for visit in route.visits:
            job = problem.job(visit.job_id)
            assert tech.qualified_for(job)
            # Explanations count the technicians of the whole day, not of the district.
            assert visit.explanation.qualified_technicians == sum(
                t.qualified_for(job) for t in problem.technicians
            )


def test_small_days_are_planned_whole():
    problem = random_problem(1, n_jobs=10, n_techs=4)
    result = solve(problem, TRAVEL, SPLIT)
    assert "decomposed" not in result.stats
    assert result.method == "pyvrp"


def test_pinned_and_started_work_stays_with_its_technician_across_districts():
    problem = two_towns()
    now = 600.0
    extra = (
        Job("started", at(2, 2), 60, pinned_technician="T2", pinned_start=560),
        Job("published", at(58, 1), 30, pinned_technician="T2", pinned_start=780),
        Job("kept", at(1, -2), 30, pinned_technician="T5"),  # no fixed start
    )
    problem = dataclasses.replace(problem, jobs=problem.jobs + extra, now=now)
    result = solve(problem, TRAVEL, SPLIT)
    assert result.stats["decomposed"]
    assignment = result.assignment()
    assert assignment["started"] == "T2" and result.visit("started").start == 560
    assert assignment["published"] == "T2" and result.visit("published").start == 780
    assert assignment["kept"] == "T5"
    assert result.route_of("T2").job_ids[0] == "started"
    ev = evaluate(problem, result, TRAVEL)
    assert ev.violations == []
    assert all(v.start >= now for r in result.routes for v in r.visits if v.job_id != "started")


def test_a_job_one_district_cannot_serve_is_offered_to_the_whole_day():
    # West works mornings only; the afternoon job in the west is nearest to them, so their
    # group gets it and has to defer it; improving on the whole day gives it to the east.
    west = tuple(Technician(f"W{i}", at(i, 0), shift_start=480, shift_end=660) for i in range(4))
    east = tuple(Technician(f"E{i}", at(40 + i, 0)) for i in range(4))
    jobs = tuple(Job(f"W{k}", at(k % 4, 2), 30, window_end=600) for k in range(12))
    jobs += tuple(Job(f"E{k}", at(40 + k % 4, 2), 30) for k in range(12))
    jobs += (Job("afternoon", at(2, 3), 30, window_start=840, window_end=960),)
    problem = Problem(west + east, jobs)
    without = solve(problem, TRAVEL, dataclasses.replace(SPLIT, polish_share=0.0))
    assert without.stats["groups"] == 2
    assert "afternoon" in without.deferred_ids
    result = solve(problem, TRAVEL, SPLIT)
    assert result.stats["parts_deferred"] >= 1
    assert result.assignment()["afternoon"].startswith("E")
    assert evaluate(problem, result, TRAVEL).violations == []


def test_merge_keeps_each_part_s_routes_and_deferrals():
    problem = two_towns(n_jobs=12)
    geo = Geometry(problem, TRAVEL)
    split = partition(problem, geo, 2)
    parts = [
        Problem(
            tuple(problem.technician(t) for t in techs),
            tuple(problem.job(j) for j in jobs),
        )
        for techs, jobs in zip(split.groups, split.jobs, strict=True)
    ]
    plans = [
        solve_whole(p, options=SolverOptions(time_limit=0.3), geometry=geo.subset(p)) for p in parts
    ]
    merged = merge(problem, geo, plans)
    assert [r.technician_id for r in merged.routes] == [t.id for t in problem.technicians]
    for plan in plans:
        for route in plan.routes:
            assert merged.route_of(route.technician_id).job_ids == route.job_ids
    assert merged.deferred == [d for p in plans for d in p.deferred]
    with pytest.raises(ValueError, match="two parts"):
        merge(problem, geo, plans + plans[:1])


def test_improving_a_plan_keeps_it_feasible_and_serves_no_fewer_jobs():
    problem = random_problem(7, n_jobs=40, n_techs=6)
    geo = Geometry(problem, TRAVEL)
    first = solve_whole(problem, options=SolverOptions(time_limit=0.3, seed=1), geometry=geo)
    better = improve(problem, geo, SolverOptions(time_limit=0.5, seed=2), first)
    assert evaluate(problem, better, geometry=geo).violations == []
    assert len(better.assignment()) >= len(first.assignment())


def test_progress_is_reported_in_order_and_ends_at_one():
    seen = []
    problem = random_problem(3, n_jobs=40, n_techs=8)
    solve(problem, TRAVEL, dataclasses.replace(SPLIT, time_limit=1.5, progress=seen.append))
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_parts_run_in_parallel_processes():
    seen = []
    problem = two_towns(n_jobs=40)
    options = dataclasses.replace(SPLIT, time_limit=4.0, workers=2, progress=seen.append)
    result = solve_in_parts(problem, Geometry(problem, TRAVEL), options, solve_whole, improve)
    assert result.stats["processes"] == 2 and result.stats["groups"] == 2
    assert evaluate(problem, result, TRAVEL).violations == []
    assert seen and seen[-1] == 1.0


def test_parts_run_here_when_processes_cannot_start(monkeypatch):
    from aftersales.dispatch.planning import processes

    def no_processes(workers):
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(processes, "pool", no_processes)
    problem = two_towns(n_jobs=40)
    options = dataclasses.replace(SPLIT, time_limit=1.5, workers=2)
    result = solve_in_parts(problem, Geometry(problem, TRAVEL), options, solve_whole, improve)
    assert result.stats["groups"] == 2 and result.stats["processes"] == 0
    assert evaluate(problem, result, TRAVEL).violations == []
