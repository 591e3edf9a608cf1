"""Making a day plan: through a real worker process, with progress; the stored plan is feasible
(skills, windows, shifts, capacity) on small generated cases, and explains itself."""

import os
import random
import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.db import connection

from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, IllegalTransition
from aftersales.dispatch.models import (
    Certificate,
    DayPlan,
    DayPlanStatus,
    PlanItem,
    Shift,
)
from aftersales.dispatch.planning import evaluate
from aftersales.dispatch.plans import TRAVEL, day_plan_create, day_plan_solve, plan_as_planning
from aftersales.service.choices import Urgency

from .test_plans_support import Crew, plan_now

AFTERSALES = Path(sys.executable).parent / "aftersales"


def _worker_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
               f"{db['PORT'] or 5432}/{db['NAME']}")
    return os.environ | {"DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
                         "DATABASE_URL": url, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}


def _assert_feasible(plan: DayPlan):
    problem, stored = plan_as_planning(plan)
    ev = evaluate(problem, stored, TRAVEL)
    assert ev.feasible, ev.violations
    # The stored times are the schedule's own (not trusted blindly: recomputed here).
    for route in stored.routes:
        items = list(plan.items.filter(technician_id=int(route.technician_id)).order_by("sequence"))
        assert [str(i.request_id) for i in items] == route.job_ids
        assert [i.sequence for i in items] == list(range(1, len(items) + 1))
    return problem, ev


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_plan_with_progress():
    crew = Crew(3)
    rng = random.Random(7)
    jobs = [crew.job(rng=rng) for _ in range(8)]
    plan = day_plan_create(actor=crew.supervisor, centre=crew.centre, day=crew.tomorrow,
                           time_limit=2)
    assert plan.status == DayPlanStatus.QUEUED and plan.progress == 0
    done = subprocess.run([AFTERSALES, "worker", "--burst"], env=_worker_env(), timeout=180,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.READY, plan.message
    assert plan.progress == 100
    assert plan.jobs_planned + plan.jobs_deferred == len(jobs)
    assert plan.jobs_planned == 8  # 3 technicians × 6 a day: room for all
    assert plan.travel_km > 0 and plan.solve_seconds >= 1
    assert [e.action for e in event_list(plan)] == ["create", "start", "finish"]
    _assert_feasible(plan)
    # Running the task again changes nothing (idempotent).
    assert day_plan_solve(plan_id=plan.pk) is False


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_plans_of_generated_days_are_feasible(seed):
    rng = random.Random(seed)
    crew = Crew(4, capacity=rng.randint(2, 5))
    day = crew.tomorrow
    gas = crew.gas
    for tech in crew.techs:
        profile = tech.technician
        if rng.random() < 0.5:
            profile.skills.add(gas)
            Certificate.objects.create(technician=profile, skill=gas,
                                       expires_on=day + timedelta(days=rng.choice([-5, 90])))
        start = rng.choice([7, 8, 9])
        Shift.objects.create(technician=profile, weekday=day.weekday(), starts_at=time(start),
                             ends_at=time(start + rng.choice([5, 7, 9])))
    for _ in range(14):
        crew.job(rng=rng, category=rng.choice(["water_heater", "water_heater", "gas_stove"]),
                 urgency=rng.choice([Urgency.NORMAL, Urgency.NORMAL, Urgency.URGENT]))
    plan = plan_now(crew, day=day)
    assert plan.status == DayPlanStatus.READY
    problem, ev = _assert_feasible(plan)
    assert ev.served == plan.jobs_planned and ev.deferred == plan.jobs_deferred == 14 - ev.served
    for item in plan.items.select_related("technician"):
        job = problem.job(str(item.request_id))
        if item.technician_id is None:
            assert item.reason and item.expected_arrival is None
            continue
        tech = problem.technician(str(item.technician_id))
        assert job.required_skills <= tech.skills
        assert item.expected_arrival <= item.expected_start < item.expected_end
        assert item.explanation["qualified"] >= 1 and item.explanation["travel_km"] >= 0
        assert item.late == (item.deadline is not None and item.expected_start > item.deadline)
        assert item.explanation["slack_min"] is None or (
            (item.explanation["slack_min"] < 0) == item.late)


@pytest.mark.django_db
def test_no_qualified_technician_and_no_room_are_deferred_with_reasons():
    crew = Crew(1, capacity=2)
    gas = crew.job(category="gas_stove")
    heaters = [crew.job() for _ in range(3)]
    plan = plan_now(crew)
    items = {i.request_id: i for i in plan.items.all()}
    assert items[gas.pk].technician_id is None
    assert items[gas.pk].reason == "no_qualified_technician"
    planned = [r for r in heaters if items[r.pk].technician_id is not None]
    assert len(planned) == 2
    (left,) = [r for r in heaters if items[r.pk].technician_id is None]
    assert items[left.pk].reason == "no_room_today"
    assert plan.jobs_deferred == 2


@pytest.mark.django_db
def test_only_one_plan_at_a_time_and_no_days_gone_by():
    crew = Crew(1)
    day_plan_create(actor=crew.supervisor, centre=crew.centre, day=crew.tomorrow, time_limit=1)
    with pytest.raises(ConflictError):
        day_plan_create(actor=crew.supervisor, centre=crew.centre, day=crew.tomorrow)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        day_plan_create(actor=crew.supervisor, centre=crew.centre,
                        day=crew.today - timedelta(days=1))
    assert DayPlan.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_is_recorded_on_the_plan():
    crew = Crew(1)
    crew.job()
    plan = day_plan_create(actor=crew.supervisor, centre=crew.centre, day=crew.tomorrow,
                           time_limit=1)
    # A misconfigured centre (an unknown time zone) makes the run fail: it says so.
    type(crew.centre).objects.filter(pk=crew.centre.pk).update(time_zone="Mars/Olympus_Mons")
    assert day_plan_solve(plan_id=plan.pk) is False
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.FAILED and "Mars/Olympus_Mons" in plan.message
    assert [e.action for e in event_list(plan)] == ["create", "start", "fail"]
    assert not PlanItem.objects.filter(plan=plan).exists()
    with pytest.raises(IllegalTransition):
        from aftersales.dispatch.plans import day_plan_publish

        day_plan_publish(actor=crew.supervisor, plan=plan)
