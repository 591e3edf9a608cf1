"""The evaluation finds every kind of violation and measures travel and lateness."""

from __future__ import annotations

import pytest

from aftersales.dispatch.planning.evaluate import (
    V_CAPACITY,
    V_DUPLICATE,
    V_MISSING,
    V_PINNED,
    V_REQUIRED,
    V_SHIFT_END,
    V_SKILL,
    V_UNKNOWN,
    V_WINDOW,
    evaluate,
)
from aftersales.dispatch.planning.model import (
    Deferral,
    Job,
    Plan,
    Problem,
    Route,
    Technician,
    Visit,
)

from .cases import TRAVEL, at

TECH = Technician("T", at(0, 0), skills={"washer"}, shift_start=480, shift_end=600, capacity=2)


def plan_of(*job_ids: str, deferred: tuple[str, ...] = ()) -> Plan:
    visits = [
        # Times in a plan are not trusted: the evaluation recomputes them.
        Visit(job_id=j, arrival=0, start=0, end=0)
        for j in job_ids
    ]
    return Plan(
        routes=[Route("T", visits=visits)],
        deferred=[Deferral(j, "no_room_today") for j in deferred],
    )


def kinds(problem: Problem, plan: Plan) -> list[str]:
    return sorted(v.kind for v in evaluate(problem, plan, TRAVEL).violations)


def test_travel_includes_the_drive_home_and_lateness_is_measured():
    jobs = (
        Job("a", at(3, 4), duration_min=10, deadline=480 + 5),  # 5 km = 10 min: 5 min late
        Job("b", at(3, 0), duration_min=10, deadline=2000),  # not due today
    )
    problem = Problem((TECH,), jobs)
    ev = evaluate(problem, plan_of("a", "b"), TRAVEL)
    assert ev.travel_km == pytest.approx(5 + 4 + 3)
    assert ev.travel_min == pytest.approx(24)
    assert (ev.served, ev.due, ev.late, ev.missed_deadlines) == (2, 1, 1, 1)
    assert ev.late_minutes == pytest.approx(5)
    assert ev.feasible


def test_deferring_a_due_job_is_a_missed_deadline():
    problem = Problem((TECH,), (Job("a", at(1, 0), deadline=600),))
    ev = evaluate(problem, plan_of(deferred=("a",)), TRAVEL)
    assert (ev.deferred, ev.missed_deadlines, ev.late) == (1, 1, 0)


def test_each_violation_kind_is_found():
    problem = Problem(
        (TECH,),
        (
            Job("gas", at(1, 0), required_skills={"gas"}, duration_min=10),
            Job("early", at(1, 0), window_start=480, window_end=481, duration_min=10),
            Job("long", at(1, 0), duration_min=200),
            Job("left-out", at(1, 0)),
            Job("must", at(1, 0), required=True),
        ),
    )
    plan = plan_of("gas", "long", "early", "gas", deferred=("must",))
    assert kinds(problem, plan) == sorted(
        [
            V_SKILL,
            V_SKILL,
            V_DUPLICATE,
            V_WINDOW,  # "early" starts after 08:01
            V_SHIFT_END,
            V_CAPACITY,  # four visits for a capacity of two
            V_MISSING,
            V_REQUIRED,
        ]
    )


def test_pinned_job_moved_or_retimed_is_a_violation():
    other = Technician("U", at(0, 0))
    job = Job("p", at(1, 0), duration_min=10, pinned_technician="T", pinned_start=500)
    problem = Problem((TECH, other), (job,))
    moved = Plan(routes=[Route("U", [Visit("p", 0, 0, 0)])], deferred=[])
    assert kinds(problem, moved) == [V_PINNED]
    assert kinds(problem, plan_of("p")) == []  # waits until 08:20 as pinned
    late_pin = Job("p", at(20, 0), duration_min=10, pinned_technician="T", pinned_start=490)
    assert kinds(Problem((TECH, other), (late_pin,)), plan_of("p")) == [V_PINNED]


def test_unknown_ids_are_reported():
    problem = Problem((TECH,), (Job("a", at(1, 0)),))
    ghost = Plan(routes=[Route("T", [Visit("zzz", 0, 0, 0)])], deferred=[Deferral("a", "x")])
    assert V_UNKNOWN in kinds(problem, ghost)
