"""The PyVRP day plan: feasibility, deferral, deadlines, pinning, re-planning during the day."""

from __future__ import annotations

import pytest

from aftersales.dispatch.planning import model as m
from aftersales.dispatch.planning.evaluate import evaluate
from aftersales.dispatch.planning.model import Job, Problem, Technician
from aftersales.dispatch.planning.pyvrp_solver import PlanningError, SolverOptions, solve
from aftersales.dispatch.planning.schedule import Geometry

from .cases import TRAVEL, at, random_problem

FAST = SolverOptions(time_limit=0.5, seed=3)


def plan(problem: Problem, options: SolverOptions = FAST) -> m.Plan:
    return solve(problem, TRAVEL, options)


@pytest.mark.parametrize("seed", range(6))
def test_random_plans_are_feasible(seed):
    problem = random_problem(seed)
    result = plan(problem)
    ev = evaluate(problem, result, TRAVEL)
    assert ev.violations == []
    assert ev.served + ev.deferred == len(problem.jobs)
    assert ev.served >= len(problem.jobs) // 3
    techs = {t.id: t for t in problem.technicians}
    for route in result.routes:
        tech = techs[route.technician_id]
        assert sum(problem.job(v.job_id).load for v in route.visits) <= tech.capacity
        for visit in route.visits:
            job = problem.job(visit.job_id)
            assert job.required_skills <= tech.skills
            assert job.window_start <= visit.start <= job.window_end + 1e-6
            assert visit.explanation is not None
        if route.visits:
            assert route.depart >= tech.shift_start - 1e-6
            assert route.back <= tech.shift_end + 1e-6
    for deferral in result.deferred:
        assert deferral.reason in {
            m.DEFER_CAPACITY,
            m.DEFER_NO_SHIFT,
            m.DEFER_NO_SKILL,
        }


def test_skill_only_one_technician_has_goes_to_him_even_if_far():
    near = Technician("near", at(0, 0), skills={"washer"})
    far = Technician("far", at(30, 0), skills={"washer", "gas"})
    jobs = [
        Job("gas-job", at(1, 0), required_skills={"gas"}, duration_min=30),
        Job("plain", at(-1, 0), duration_min=30),
    ]
    result = plan(Problem((near, far), tuple(jobs)))
    assert result.assignment()["gas-job"] == "far"
    visit = result.visit("gas-job")
    assert visit.explanation.why == m.WHY_ONLY_QUALIFIED
    assert visit.explanation.qualified_technicians == 1
    assert result.assignment()["plain"] == "near"


def test_no_qualified_technician_is_deferred_with_reason():
    tech = Technician("t", at(0, 0), skills={"washer"})
    problem = Problem((tech,), (Job("j", at(1, 0), required_skills={"gas"}),))
    result = plan(problem)
    assert result.deferred == [m.Deferral("j", m.DEFER_NO_SKILL)]
    assert result.routes[0].visits == []


def test_window_outside_every_shift_is_deferred_as_such():
    tech = Technician("t", at(0, 0), shift_start=480, shift_end=720)
    problem = Problem((tech,), (Job("evening", at(1, 0), window_start=900, window_end=1000),))
    assert plan(problem).deferred == [m.Deferral("evening", m.DEFER_NO_SHIFT)]


def test_short_capacity_defers_and_keeps_highest_priority():
    tech = Technician("t", at(0, 0), capacity=2)
    jobs = (
        Job("low-near", at(0.5, 0), priority=0, duration_min=20),
        Job("low-near-2", at(0, 0.5), priority=0, duration_min=20),
        Job("emergency-far", at(15, 0), priority=2, duration_min=20),
        Job("urgent-far", at(0, 15), priority=1, duration_min=20),
    )
    result = plan(Problem((tech,), jobs))
    assert sorted(result.route_of("t").job_ids) == ["emergency-far", "urgent-far"]
    assert sorted(result.deferred_ids) == ["low-near", "low-near-2"]
    assert {d.reason for d in result.deferred} == {m.DEFER_CAPACITY}


def test_short_time_defers_a_job_without_deadline_before_a_due_one():
    # Room for one 4-hour job only: the one due today wins although it is farther.
    tech = Technician("t", at(0, 0), shift_start=480, shift_end=480 + 300)
    jobs = (
        Job("tomorrow", at(1, 0), duration_min=240, deadline=2000),
        Job("due-today", at(5, 0), duration_min=240, deadline=700),
    )
    result = plan(Problem((tech,), jobs))
    assert result.route_of("t").job_ids == ["due-today"]
    assert result.deferred == [m.Deferral("tomorrow", m.DEFER_CAPACITY)]


def test_deadline_reorders_the_route():
    # Cheapest tour visits A (near) first; B's deadline forces B first.
    tech = Technician("t", at(0, 0), shift_start=480)
    jobs = (
        Job("A", at(2, 0), duration_min=60),
        Job("B", at(10, 0), duration_min=60, deadline=480 + 25),
    )
    result = plan(Problem((tech,), jobs))
    assert result.route_of("t").job_ids == ["B", "A"]
    b = result.visit("B")
    assert b.explanation.on_time
    assert b.arrival == pytest.approx(480 + 20)  # 10 km at 30 km/h
    assert b.explanation.slack_min == pytest.approx(5)


def test_unreachable_deadline_is_planned_late_or_deferred_when_late_is_not_allowed():
    tech = Technician("t", at(0, 0), shift_start=480)
    job = Job("far", at(20, 0), duration_min=30, deadline=490, priority=1)
    problem = Problem((tech,), (job,))
    result = plan(problem)
    visit = result.visit("far")
    assert visit is not None and not visit.explanation.on_time
    assert visit.explanation.slack_min == pytest.approx(490 - 520)
    ev = evaluate(problem, result, TRAVEL)
    assert (ev.late, ev.missed_deadlines, ev.late_minutes) == (1, 1, pytest.approx(30))

    strict = plan(problem, SolverOptions(time_limit=0.3, allow_late=False))
    assert strict.deferred_ids == ["far"]


def test_late_copy_used_only_when_on_time_is_impossible():
    # Two due jobs, opposite directions, both due at 08:30: one can be on time, one late.
    tech = Technician("t", at(0, 0), shift_start=480)
    jobs = (
        Job("east", at(10, 0), duration_min=30, deadline=510),
        Job("west", at(-10, 0), duration_min=30, deadline=510, priority=1),
    )
    result = plan(Problem((tech,), jobs))
    assert result.route_of("t").job_ids == ["west", "east"]  # the urgent one on time
    assert result.visit("west").explanation.on_time
    assert not result.visit("east").explanation.on_time


def test_pinned_technician_is_kept_even_when_another_is_nearer():
    a = Technician("a", at(0, 0))
    b = Technician("b", at(20, 0))
    jobs = (
        Job("pinned", at(1, 0), pinned_technician="b"),
        Job("free", at(-1, 0)),
    )
    result = plan(Problem((a, b), jobs))
    assert result.assignment() == {"pinned": "b", "free": "a"}
    assert result.visit("pinned").explanation.why == m.WHY_PINNED


def test_kept_work_without_a_start_outweighs_any_new_job():
    # Room for one job: the published (kept) one stays, although an emergency due today is worth
    # more than a normal job by the usual prizes.
    tech = Technician("t", at(0, 0), capacity=1)
    jobs = (
        Job("kept", at(5, 0), pinned_technician="t"),
        Job("emergency", at(1, 0), deadline=600, priority=2),
    )
    result = plan(Problem((tech,), jobs))
    assert result.assignment() == {"kept": "t"}
    assert result.deferred == [m.Deferral("emergency", m.DEFER_CAPACITY)]


def test_pinned_start_is_kept_exactly():
    tech = Technician("t", at(0, 0))
    jobs = (
        Job("fixed", at(5, 0), duration_min=60, pinned_technician="t", pinned_start=660),
        Job("before", at(4, 0), duration_min=60, window_end=600),
        Job("after", at(6, 0), duration_min=60, window_start=700),
    )
    problem = Problem((tech,), jobs)
    result = plan(problem)
    assert result.visit("fixed").start == 660
    assert result.route_of("t").job_ids == ["before", "fixed", "after"]
    assert evaluate(problem, result, TRAVEL).violations == []


def test_many_pinned_technicians_use_a_binary_code_and_are_respected():
    techs = tuple(Technician(f"T{i}", at(i * 3, 0), capacity=3) for i in range(10))
    # Each job sits at another technician's home but is pinned to T(9 - i).
    jobs = tuple(Job(f"J{i}", at(i * 3, 0.5), pinned_technician=f"T{9 - i}") for i in range(10))
    jobs += tuple(Job(f"F{i}", at(i * 3, 1)) for i in range(10))
    problem = Problem(techs, jobs)
    result = plan(problem, SolverOptions(time_limit=1.0))
    assert result.stats["pin_dimensions"] == 8  # 2 × ceil(log2 10)
    assert not result.deferred
    assignment = result.assignment()
    for i in range(10):
        assert assignment[f"J{i}"] == f"T{9 - i}"
    assert evaluate(problem, result, TRAVEL).violations == []


def test_pinned_to_unqualified_technician_is_deferred_as_pinned_conflict():
    tech = Technician("t", at(0, 0), skills={"washer"})
    job = Job("j", at(1, 0), required_skills={"gas"}, pinned_technician="t")
    assert plan(Problem((tech,), (job,))).deferred == [m.Deferral("j", m.DEFER_PINNED)]


def test_urgent_job_at_noon_does_not_move_started_or_published_work():
    morning = random_problem(11, n_jobs=24, n_techs=3)
    morning = Problem(
        tuple(
            Technician(t.id, t.home, frozenset(), 480, 1080, capacity=12)
            for t in morning.technicians
        ),
        tuple(Job(j.id, j.location, 30, window_start=480, window_end=1080) for j in morning.jobs),
    )
    first = plan(morning, SolverOptions(time_limit=1.0))
    assert not first.deferred
    now = 720.0
    # Work that started by noon and work published for the afternoon is pinned with its times.
    pinned_jobs = []
    for route in first.routes:
        for visit in route.visits:
            job = morning.job(visit.job_id)
            pinned_jobs.append(
                Job(
                    job.id,
                    job.location,
                    job.duration_min,
                    window_start=job.window_start,
                    window_end=job.window_end,
                    pinned_technician=route.technician_id,
                    pinned_start=visit.start,
                )
            )
    started = {j.id for j in pinned_jobs if j.pinned_start <= now}
    assert started and len(started) < len(pinned_jobs)
    urgent = Job("urgent", at(10, 10), 30, deadline=now + 180, priority=2)
    noon = Problem(morning.technicians, tuple(pinned_jobs) + (urgent,), now=now)
    second = plan(noon, SolverOptions(time_limit=1.0))
    for job in pinned_jobs:
        assert second.assignment()[job.id] == job.pinned_technician
        assert second.visit(job.id).start == pytest.approx(job.pinned_start)
    visit = second.visit("urgent")
    assert visit is not None and visit.explanation.on_time and visit.start >= now
    ev = evaluate(noon, second, TRAVEL)
    assert ev.violations == []


def test_new_jobs_at_noon_start_after_now_from_the_started_job():
    tech = Technician("t", at(0, 0))
    started = Job("started", at(10, 0), 120, pinned_technician="t", pinned_start=660)
    new = Job("new", at(10, 1), 30)
    result = plan(Problem((tech,), (started, new), now=700))
    route = result.route_of("t")
    assert route.job_ids == ["started", "new"]
    assert route.visits[0].start == 660
    assert route.visits[1].arrival == pytest.approx(780 + 2)  # 1 km from the started job


def test_identical_technicians_share_a_vehicle_type_but_get_their_own_routes():
    techs = tuple(Technician(f"T{i}", at(0, 0), capacity=2) for i in range(3))
    jobs = tuple(Job(f"J{i}", at(i, 5)) for i in range(6))
    result = plan(Problem(techs, jobs))
    assert result.stats["vehicle_types"] == 1
    assert not result.deferred
    assert sorted(len(r.visits) for r in result.routes) == [2, 2, 2]


def test_required_job_that_cannot_fit_raises():
    tech = Technician("t", at(0, 0), skills=set())
    with pytest.raises(PlanningError):
        plan(Problem((tech,), (Job("j", at(1, 0), required_skills={"gas"}, required=True),)))


def test_progress_is_reported_and_ends_at_one():
    seen = []
    problem = random_problem(2, n_jobs=10, n_techs=2)
    plan(problem, SolverOptions(time_limit=0.6, progress=seen.append))
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_plan_times_match_the_evaluation_schedule():
    problem = random_problem(5)
    result = plan(problem)
    geo = Geometry(problem, TRAVEL)
    ev = evaluate(problem, result, geometry=geo)
    assert ev.violations == []
    from aftersales.dispatch.planning.schedule import schedule_route

    for route in result.routes:
        again = schedule_route(geo, problem.technician(route.technician_id), route.job_ids)
        assert [v.start for v in again.route.visits] == [v.start for v in route.visits]


@pytest.mark.parametrize("seed", range(3))
def test_two_pass_deadlines_give_feasible_plans_and_plan_unreachable_deadlines_late(seed):
    options = SolverOptions(time_limit=0.8, seed=seed, deadlines="two_pass")
    problem = random_problem(seed)
    result = plan(problem, options)
    assert evaluate(problem, result, TRAVEL).violations == []
    tech = Technician("t", at(0, 0), shift_start=480)
    far = Problem((tech,), (Job("far", at(20, 0), duration_min=30, deadline=490),))
    late = plan(far, options)
    assert late.stats["second_pass_jobs"] == 1
    assert not late.visit("far").explanation.on_time


def test_replan_keeps_a_pinned_start_at_an_odd_second_exactly():
    # Published for 10:00:37 (not started at 09:00). Doing "before" first would bring him 23 s
    # late (09:15 + 41 min + 5 min drive = 10:01): pinned means that exact second, so "before"
    # is deferred instead (a one-minute window let it through and the start moved).
    tech = Technician("t", at(0, 0), shift_start=480, shift_end=1080)
    pinned_start = 600 + 37 / 60
    fixed = Job("fixed", at(5, 0), duration_min=45, pinned_technician="t",
                pinned_start=pinned_start)
    before = Job("before", at(2.5, 0), duration_min=41, window_start=555, window_end=560)
    problem = Problem((tech,), (fixed, before), now=540)
    result = plan(problem)
    assert result.visit("fixed").start == pinned_start
    assert result.assignment().get("before") is None
    assert evaluate(problem, result, TRAVEL).violations == []
    # Half a second late: within the solver's rounding of seconds, still late in minutes. The
    # plan read back gives up "before" rather than move the pinned start.
    before = Job("before", at(2.5, 0), duration_min=40.625, window_start=555, window_end=560)
    problem = Problem((tech,), (fixed, before), now=540)
    result = plan(problem)
    assert result.visit("fixed").start == pinned_start
    assert result.deferred == [m.Deferral("before", m.DEFER_CAPACITY)]
    assert evaluate(problem, result, TRAVEL).violations == []
