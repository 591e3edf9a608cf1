"""Daily figures (RP-1, RP-2, RP-3 daily man-hours) against the hand-computed scenario."""

import pytest

from aftersales.reports.periods import period_for
from aftersales.reports.selectors import centre_figures, job_lines, work_by_technician, work_totals

from .scenario import EXPECTED_DAY, D, Scenario, now_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return Scenario()


def _subset(actual: dict, expected: dict) -> dict:
    return {key: actual.get(key) for key in expected}


def test_work_by_technician(scenario):
    period = period_for("technician_daily", D, scenario.centre)
    figures = work_by_technician(centre=scenario.centre, period=period)
    assert set(figures) == {scenario.t1.pk, scenario.t2.pk}
    assert _subset(figures[scenario.t1.pk], EXPECTED_DAY["t1"]) == EXPECTED_DAY["t1"]
    assert _subset(figures[scenario.t2.pk], EXPECTED_DAY["t2"]) == EXPECTED_DAY["t2"]


def test_work_totals(scenario):
    period = period_for("technician_daily", D, scenario.centre)
    totals = work_totals(centre=scenario.centre, period=period)
    assert _subset(totals, EXPECTED_DAY["totals"]) == EXPECTED_DAY["totals"]


def test_job_lines(scenario):
    s = scenario
    period = period_for("technician_daily", D, s.centre)
    lines = {(j["technician"], j["number"]): j for j in job_lines(centre=s.centre, period=period)}
    assert set(lines) == {(s.t1.pk, s.r1.number), (s.t1.pk, s.r2.number), (s.t1.pk, s.r6.number),
                          (s.t2.pk, s.r3.number), (s.t2.pk, s.r4.number), (s.t2.pk, s.r5.number)}
    r1 = lines[(s.t1.pk, s.r1.number)]
    assert (r1["category"], r1["hours"], r1["on_site_hours"], r1["parts_value"]) == ("C", 1.5, 1.5, 35.5)
    r3 = lines[(s.t2.pk, s.r3.number)]
    assert (r3["hours"], r3["on_site_hours"]) == (0.0, 0.75)  # its hours were booked after midnight
    r4 = lines[(s.t2.pk, s.r4.number)]
    assert (r4["category"], r4["bench_hours"], r4["visits"], r4["parts_value"]) == ("B", 3.0, 0, 50.0)
    assert lines[(s.t2.pk, s.r5.number)]["unfinished"] == 1


def test_centre_figures(scenario):
    period = period_for("supervisor_daily", D, scenario.centre)
    figures = centre_figures(centre=scenario.centre, period=period, now=now_after())
    assert _subset(figures, EXPECTED_DAY["centre"]) == EXPECTED_DAY["centre"]


def test_days_are_the_centres_local_days(scenario):
    """The same rows in a centre two hours behind Shanghai (Urumqi, UTC+6): R3's hours, booked
    at 00:10 Shanghai time on D+1, fall on day D there; R1's 09:00 visit (07:00 there) stays."""
    s = scenario
    s.centre.time_zone = "Asia/Urumqi"
    s.centre.save()
    period = period_for("technician_daily", D, s.centre)
    figures = work_by_technician(centre=s.centre, period=period)
    assert figures[s.t2.pk]["hours"] == 3.75  # 3.00 at the bench + R3's 0.75
    assert figures[s.t1.pk]["visits"] == 2
    # R9's visit at 00:30 Shanghai on D+1 is 22:30 on D in Urumqi: one more visit for T2.
    assert figures[s.t2.pk]["visits"] == 3
