"""Weekly, monthly and appraisal figures (RP-3, FB-3) against the hand-computed scenario."""

from datetime import date

import pytest

from aftersales.reports.periods import period_for
from aftersales.reports.selectors import (
    appraisal_lines,
    completed_by_day,
    hours_by_day,
    reopened_list,
    work_by_technician,
)
from aftersales.service.models import ServiceRequest

from .scenario import D, Scenario, now_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return Scenario()


def test_reopened_is_rescheduled_or_called_back_within_30_days(scenario):
    s = scenario
    reopened = reopened_list(ServiceRequest.objects.filter(service_centre=s.centre))
    # R1: the same product called again 5 days later; R3 and R5: rescheduled (WK-4).
    assert set(reopened.values_list("number", flat=True)) == {s.r1.number, s.r3.number, s.r5.number}


def test_reopened_window_ends_after_30_days(scenario):
    s = scenario
    ServiceRequest.objects.filter(pk=s.r13.pk).update(reported_at=s.r1.completed_at.replace(month=4, day=10))
    reopened = reopened_list(ServiceRequest.objects.filter(pk=s.r1.pk))
    assert not reopened.exists()  # 31 days after completion: a new fault, not a reopened job


def test_monthly_appraisal(scenario):
    s = scenario
    period = period_for("appraisal", D, s.centre)
    lines = {line["technician"]: line for line in
             appraisal_lines(centre=s.centre, period=period, now=now_after())}
    assert [lines[t.pk]["rank"] for t in (s.t1, s.t2, s.t3)] == [1, 2, 3]
    t1, t2, t3 = lines[s.t1.pk], lines[s.t2.pk], lines[s.t3.pk]
    assert (t1["jobs"], t1["reopened"], t1["hours"], t1["parts_value"], t1["parts_free"]) == (
        3, 1, 5.75, 235.5, 35.5)
    assert (t1["deadlines"], t1["on_time"], t1["missed"], t1["punctuality"]) == (3, 2, 1, 0.6667)
    assert (t2["jobs"], t2["reopened"], t2["hours"], t2["parts_value"]) == (1, 1, 3.75, 50.0)
    assert (t2["deadlines"], t2["on_time"], t2["missed"]) == (3, 2, 1)
    assert t1["surveys"] == 2 and t1["survey_score"] == 75.0 and t1["lowest"] == 0
    assert (t1["s_attitude"], t1["s_skill"], t1["s_punctuality"], t1["s_promise"]) == (
        3.5, 3.5, 2.5, 3.5)
    assert (t2["s_attitude"], t2["s_skill"], t2["s_punctuality"], t2["s_promise"]) == (
        1.0, 2.0, 1.0, 2.0)
    assert t2["surveys"] == 1 and t2["survey_score"] == 16.7 and t2["lowest"] == 1
    # 50 × 0.75 + 30 × 2/3 + 20 × (1 − 1/3) = 70.83;  50 × 1/6 + 30 × 2/3 + 20 × 0 = 28.33
    assert (t1["score"], t2["score"], t3["score"]) == (70.8, 28.3, None)
    assert t3["jobs"] == 0 and t3["hours"] == 0.0
    assert s.t4.pk not in lines  # another centre's technician


def test_appraisal_without_surveys_reweights():
    s = Scenario(surveys=False)
    period = period_for("appraisal", D, s.centre)
    lines = {line["technician"]: line for line in
             appraisal_lines(centre=s.centre, period=period, now=now_after())}
    # (30 × 2/3 + 20 × 2/3) / 50 = 66.67;  (30 × 2/3 + 20 × 0) / 50 = 40.0
    assert (lines[s.t1.pk]["score"], lines[s.t2.pk]["score"]) == (66.7, 40.0)
    assert lines[s.t1.pk]["survey_score"] is None


def test_weekly_completed_by_day(scenario):
    period = period_for("weekly_repair", D, scenario.centre)
    assert (period.start, period.end) == (date(2026, 3, 9), date(2026, 3, 15))
    assert completed_by_day(centre=scenario.centre, period=period) == [
        {"day": "2026-03-09", "jobs": 1, "jobs_A": 1, "jobs_B": 0, "jobs_C": 0, "jobs_D": 0},
        {"day": "2026-03-10", "jobs": 2, "jobs_A": 1, "jobs_B": 0, "jobs_C": 1, "jobs_D": 0},
        {"day": "2026-03-11", "jobs": 1, "jobs_A": 1, "jobs_B": 0, "jobs_C": 0, "jobs_D": 0},
    ]


def test_monthly_hours(scenario):
    s = scenario
    period = period_for("monthly_hours", D, s.centre)
    assert hours_by_day(centre=s.centre, period=period) == [
        {"day": "2026-03-09", "hours": 1.25, "hours_A": 1.25, "hours_B": 0.0, "hours_C": 0.0,
         "hours_D": 0.0},
        {"day": "2026-03-10", "hours": 7.5, "hours_A": 2.0, "hours_B": 3.0, "hours_C": 1.5,
         "hours_D": 1.0},
        {"day": "2026-03-11", "hours": 0.75, "hours_A": 0.75, "hours_B": 0.0, "hours_C": 0.0,
         "hours_D": 0.0},
    ]
    figures = work_by_technician(centre=s.centre, period=period)
    t1, t2 = figures[s.t1.pk], figures[s.t2.pk]
    assert (t1["hours"], t1["days_worked"], t1["hours_per_day"]) == (5.75, 2, 2.88)
    assert (t2["hours"], t2["days_worked"], t2["hours_per_day"]) == (3.75, 2, 1.88)


def test_appraisal_totals(scenario):
    from aftersales.reports.selectors import appraisal_totals

    s = scenario
    period = period_for("appraisal", D, s.centre)
    totals = appraisal_totals(centre=s.centre, period=period, now=now_after())
    assert (totals["jobs"], totals["reopened"], totals["hours"], totals["parts_value"]) == (
        4, 2, 9.5, 285.5)
    assert (totals["deadlines"], totals["on_time"], totals["missed"], totals["punctuality"]) == (
        6, 4, 2, 0.6667)
    # Survey score over all three answers: (91.67 + 58.33 + 16.67) / 3 = 55.56
    assert (totals["surveys"], totals["survey_score"]) == (3, 55.6)
    assert totals["hours_per_job"] == 2.38  # 9.5 h / 4 jobs
