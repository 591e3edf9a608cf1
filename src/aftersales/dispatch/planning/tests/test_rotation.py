"""DS-2 rotation: next technician in turn, skipping (and recording) who cannot take the job."""

from __future__ import annotations

from collections import Counter

from aftersales.dispatch.planning import model as m
from aftersales.dispatch.planning.evaluate import evaluate
from aftersales.dispatch.planning.model import Job, Problem, Technician
from aftersales.dispatch.planning.rotation import (
    SKIP_CAPACITY,
    SKIP_SHIFT,
    SKIP_SKILL,
    Skip,
    rotation_plan,
)

from .cases import TRAVEL, at, random_problem


def techs(n: int, **kwargs) -> tuple[Technician, ...]:
    return tuple(Technician(f"T{i}", at(i, 0), **kwargs) for i in range(n))


def test_jobs_go_round_in_turn_and_counts_differ_by_at_most_one():
    problem = Problem(techs(4, capacity=20), tuple(Job(f"J{k}", at(k, 1)) for k in range(10)))
    result = rotation_plan(problem, TRAVEL)
    assignment = result.plan.assignment()
    assert [assignment[f"J{k}"] for k in range(5)] == ["T0", "T1", "T2", "T3", "T0"]
    counts = Counter(assignment.values())
    assert max(counts.values()) - min(counts.values()) <= 1
    assert result.next_index == 10 % 4
    assert result.skips == []


def test_the_turn_continues_from_the_persisted_index():
    problem = Problem(techs(3), (Job("J", at(0, 1)),))
    result = rotation_plan(problem, TRAVEL, start_index=2)
    assert result.plan.assignment() == {"J": "T2"}
    assert result.next_index == 0


def test_custom_order():
    problem = Problem(techs(3), (Job("A", at(0, 1)), Job("B", at(0, 2))))
    result = rotation_plan(problem, TRAVEL, order=["T2", "T0", "T1"])
    assert result.plan.assignment() == {"A": "T2", "B": "T0"}


def test_skip_rule_records_who_was_skipped_and_why():
    team = (
        Technician("no-gas", at(0, 0), skills={"washer"}),
        Technician("full", at(0, 0), skills={"gas"}, capacity=0),
        Technician("late-shift", at(0, 0), skills={"gas"}, shift_start=780, shift_end=1080),
        Technician("ok", at(0, 0), skills={"gas"}),
    )
    job = Job("gas", at(1, 0), required_skills={"gas"}, window_start=480, window_end=720)
    result = rotation_plan(Problem(team, (job,)), TRAVEL)
    assert result.plan.assignment() == {"gas": "ok"}
    assert result.skips == [
        Skip("gas", "no-gas", SKIP_SKILL),
        Skip("gas", "full", SKIP_CAPACITY),
        Skip("gas", "late-shift", SKIP_SHIFT),
    ]
    assert result.next_index == 0  # after "ok" (index 3) comes index 0


def test_skipped_technician_does_not_keep_his_turn():
    team = (Technician("A", at(0, 0)), Technician("B", at(0, 0), skills={"gas"}))
    jobs = (Job("1", at(1, 0), required_skills={"gas"}), Job("2", at(1, 0)))
    result = rotation_plan(Problem(team, jobs), TRAVEL)
    assert result.plan.assignment() == {"1": "B", "2": "A"}


def test_capacity_is_respected_and_the_rest_deferred_with_reason():
    problem = Problem(techs(2, capacity=2), tuple(Job(f"J{k}", at(k, 1)) for k in range(5)))
    result = rotation_plan(problem, TRAVEL)
    assert Counter(result.plan.assignment().values()) == {"T0": 2, "T1": 2}
    assert result.plan.deferred == [m.Deferral("J4", m.DEFER_CAPACITY)]


def test_nobody_qualified_is_deferred_as_no_skill():
    problem = Problem(techs(2), (Job("J", at(0, 0), required_skills={"gas"}),))
    assert rotation_plan(problem, TRAVEL).plan.deferred == [m.Deferral("J", m.DEFER_NO_SKILL)]


def test_order_of_the_route_is_the_order_handed_out_and_pinned_work_stays():
    tech = Technician("T", at(0, 0))
    jobs = (
        Job("far", at(10, 0)),
        Job("near", at(1, 0)),
        Job("pinned", at(2, 0), pinned_technician="T"),
    )
    result = rotation_plan(Problem((tech,), jobs), TRAVEL)
    assert result.plan.route_of("T").job_ids == ["far", "near", "pinned"]
    visit = result.plan.visit("far")
    assert visit.explanation.why == m.WHY_ROTATION


def test_rotation_plan_is_evaluated_like_any_plan():
    problem = random_problem(4)
    result = rotation_plan(problem, TRAVEL)
    ev = evaluate(problem, result.plan, TRAVEL)
    kinds = {v.kind for v in ev.violations}
    # Rotation knows skills and capacity, not windows or the shift's end.
    assert not kinds & {"missing_skill", "over_capacity", "job_planned_twice"}
    assert ev.served + ev.deferred == len(problem.jobs)
