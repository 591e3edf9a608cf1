"""The day plan's problem, built from the database: jobs, skills, certificates, shifts,
capacity, deadlines, pinning of started work, and coordinates with their fallbacks."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from aftersales.dispatch.choices import TechnicianStatus
from aftersales.dispatch.models import Certificate, Shift, TechnicianProfile
from aftersales.dispatch.planning import Location
from aftersales.dispatch.problem import (
    ABSENT_NO_SHIFT,
    ABSENT_OFF,
    FALLBACK_POINT,
    problem_build,
    problem_from_json,
    problem_to_json,
)
from aftersales.service import services
from aftersales.service.choices import Status, Urgency
from aftersales.service.models import Visit
from aftersales.service.tests.factories import drive

from .test_plans_support import CENTRE_POINT, Crew

pytestmark = pytest.mark.django_db


def _build(crew, day=None, as_of=None, **kwargs):
    day = day or crew.tomorrow
    return problem_build(centre=crew.centre, day=day, as_of=as_of or crew.at(crew.today, 8),
                         **kwargs)


def test_open_jobs_of_the_centre_with_skills_deadlines_and_priority():
    crew = Crew(2)
    normal = crew.job()
    urgent = crew.job(category="gas_stove", urgency=Urgency.URGENT)
    other = Crew(1)
    other.job()  # another centre's job is not planned here
    closed = crew.job()
    services.service_request_cancel(actor=crew.cast.agent, request=closed, note="客户取消")
    built = _build(crew, day=crew.today, as_of=crew.at(crew.today, 7))
    jobs = {j.id: j for j in built.problem.jobs}
    assert set(jobs) == {str(normal.pk), str(urgent.pk)}
    assert jobs[str(urgent.pk)].required_skills == {"gas_stove"}
    assert jobs[str(normal.pk)].required_skills == {"water_heater"}
    assert jobs[str(urgent.pk)].priority == jobs[str(normal.pk)].priority + 1
    # The deadline is the arrival clock's, in minutes from 00:00 of the plan day.
    due = normal.clocks.get(kind="arrival").due_at
    expected = (due - crew.at(crew.today, 0)).total_seconds() / 60
    assert jobs[str(normal.pk)].deadline == pytest.approx(expected)
    assert built.meta[str(normal.pk)]["location"] == "customer"


def test_carried_over_jobs_rank_higher_sr5():
    crew = Crew(1)
    job = crew.job()
    built = _build(crew)  # planning tomorrow: today's job was not dispatched today
    assert built.problem.jobs[0].priority == 1
    assert built.meta[str(job.pk)]["carried_over"] is True


def test_certificate_skills_count_only_while_valid():
    crew = Crew(3)
    gas = crew.gas
    for tech, days in zip(crew.techs, (30, -1, None), strict=True):
        tech.technician.skills.add(gas)
        if days is not None:
            Certificate.objects.create(technician=tech.technician, skill=gas,
                                       expires_on=crew.tomorrow + timedelta(days=days))
    skills = {t.id: t.skills for t in _build(crew).problem.technicians}
    assert skills[str(crew.techs[0].pk)] == {"water_heater", "gas_stove"}
    assert skills[str(crew.techs[1].pk)] == {"water_heater"}  # expired
    assert skills[str(crew.techs[2].pk)] == {"water_heater"}  # none


def test_shifts_weekday_hours_and_absence():
    crew = Crew(3)
    day = crew.tomorrow
    on, off, none = (t.technician for t in crew.techs)
    Shift.objects.create(technician=on, weekday=day.weekday(), starts_at=time(7, 0),
                         ends_at=time(15, 30))
    Shift.objects.create(technician=off, weekday=(day.weekday() + 1) % 7)
    built = _build(crew, day=day)
    techs = {t.id: t for t in built.problem.technicians}
    assert (techs[str(on.user_id)].shift_start, techs[str(on.user_id)].shift_end) == (420, 930)
    # No shifts recorded: the centre's working hours.
    assert (techs[str(none.user_id)].shift_start, techs[str(none.user_id)].shift_end) == (510, 1050)
    assert str(off.user_id) not in techs
    assert built.absent == [{"id": str(off.user_id), "name": str(off.user), "reason": ABSENT_NO_SHIFT}]


def test_off_duty_counts_only_when_planning_today():
    crew = Crew(2)
    TechnicianProfile.objects.filter(user=crew.techs[0]).update(status=TechnicianStatus.OFF)
    today = _build(crew, day=crew.today, as_of=crew.at(crew.today, 8))
    assert [a["reason"] for a in today.absent] == [ABSENT_OFF]
    assert len(_build(crew).problem.technicians) == 2


def test_capacity_is_daily_jobs_less_visits_finished_that_day():
    crew = Crew(1, capacity=5)
    tech = crew.techs[0]
    cast = crew.cast
    cast.technician = tech
    done = drive(crew.job(), cast, Status.COMPLETED)
    Visit.objects.filter(request=done).update(left_at=crew.at(crew.today, 10))
    technician = _build(crew, day=crew.today, as_of=crew.at(crew.today, 12)).problem.technicians[0]
    assert technician.capacity == 4
    # He starts from where he finished, not from home.
    assert technician.start_location == Location(float(done.customer.lat), float(done.customer.lon))
    assert _build(crew).problem.technicians[0].capacity == 5  # another day


def test_started_work_is_pinned_assigned_work_is_free_or_kept():
    crew = Crew(2)
    cast = crew.cast
    cast.technician = crew.techs[0]
    on_site = drive(crew.job(), cast, Status.ON_SITE)
    arrived = crew.at(crew.today, 9, 30)
    Visit.objects.filter(request=on_site).update(arrived_at=arrived)
    assigned = drive(crew.job(), cast, Status.ASSIGNED)
    later = crew.job()
    services.service_request_assign(actor=crew.supervisor, request=later, technician=crew.techs[1],
                                    appointment_at=crew.at(crew.today + timedelta(days=3), 10))
    built = _build(crew, day=crew.today, as_of=crew.at(crew.today, 11))
    jobs = {j.id: j for j in built.problem.jobs}
    assert str(later.pk) not in jobs  # agreed for a later day
    started = jobs[str(on_site.pk)]
    assert started.pinned_technician == str(crew.techs[0].pk)
    assert started.pinned_start == pytest.approx(570)
    assert built.problem.is_started(started)
    assert jobs[str(assigned.pk)].pinned_technician is None
    kept = _build(crew, day=crew.today, as_of=crew.at(crew.today, 11), keep_assignments=True)
    assert {j.id: j for j in kept.problem.jobs}[str(assigned.pk)].pinned_technician == str(
        crew.techs[0].pk)
    # Planning another day, started work is not in it.
    assert str(on_site.pk) not in {j.id for j in _build(crew).problem.jobs}


def test_appointment_on_the_day_bounds_the_start_and_is_a_deadline():
    crew = Crew(1)
    request = crew.job()
    services.service_request_assign(actor=crew.supervisor, request=request,
                                    technician=crew.techs[0],
                                    appointment_at=crew.at(crew.tomorrow, 14))
    request.clocks.all().delete()
    type(request).objects.filter(pk=request.pk).update(arrive_by=crew.at(crew.tomorrow, 10))
    job = _build(crew).problem.jobs[0]
    # Not before 13:00; on time until 15:00, unless the arrival deadline is earlier (10:00).
    assert job.window_start == 780 and job.window_end == 1440
    assert job.deadline == 600
    type(request).objects.filter(pk=request.pk).update(arrive_by=crew.at(crew.tomorrow, 17))
    assert _build(crew).problem.jobs[0].deadline == 900
    # An appointment already missed by the planning moment binds nothing.
    late = _build(crew, day=crew.tomorrow, as_of=crew.at(crew.tomorrow, 16)).problem.jobs[0]
    assert (late.window_start, late.deadline) == (0, 1020)


def test_coordinates_fall_back_to_the_centre_then_the_centroid_then_a_fixed_point():
    crew = Crew(1)
    TechnicianProfile.objects.filter(user=crew.techs[0]).update(home_lat=None, home_lon=None)
    unlocated = crew.job(located=False)
    located = crew.job(lat=Decimal("31.300000"), lon=Decimal("121.500000"))
    built = _build(crew)
    centre = Location(float(CENTRE_POINT[0]), float(CENTRE_POINT[1]))
    jobs = {j.id: j for j in built.problem.jobs}
    assert jobs[str(unlocated.pk)].location == centre
    assert built.meta[str(unlocated.pk)]["location"] == "centre"
    assert jobs[str(located.pk)].location == Location(31.3, 121.5)
    assert built.problem.technicians[0].home == centre

    # The centre is not located either: the centroid of what is.
    crew.centre.lat = crew.centre.lon = None
    crew.centre.save()
    built = _build(crew)
    jobs = {j.id: j for j in built.problem.jobs}
    assert jobs[str(unlocated.pk)].location == Location(31.3, 121.5)
    assert built.meta[str(unlocated.pk)]["location"] == "fallback"

    # Nothing is located: one fixed point, so travel counts zero and the plan still stands.
    type(located.customer).objects.filter(pk=located.customer_id).update(lat=None, lon=None)
    built = _build(crew)
    assert {j.location for j in built.problem.jobs} == {FALLBACK_POINT}
    assert built.problem.technicians[0].home == FALLBACK_POINT


def test_problem_round_trips_through_json():
    crew = Crew(2)
    crew.job()
    crew.job(category="gas_stove")
    problem = _build(crew).problem
    assert problem_from_json(problem_to_json(problem)) == problem
