"""The number of queries behind each report, page and the dashboard does not grow with the
number of jobs (house style: query-count tests)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.reports.builders import build
from aftersales.reports.choices import ReportKind

from .helpers import produced
from .scenario import Scenario, more_work, now_after

pytestmark = pytest.mark.django_db


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", list(ReportKind.values))
def test_report_queries_do_not_grow_with_jobs(client, kind):
    scenario = Scenario()
    report = produced(kind, scenario)
    client.force_login(scenario.hq)
    url = f"/reports/{report.pk}/"
    before = (_count(lambda: build(report, now=now_after())), _count(lambda: client.get(url)),
              _count(lambda: client.get(url + "excel/")))
    more_work(scenario, 12)
    report = produced(kind, scenario)  # a second run with the larger figures
    after = (_count(lambda: build(report, now=now_after())), _count(lambda: client.get(url)),
             _count(lambda: client.get(url + "excel/")))
    assert after == before
    assert before[0] <= 25  # computing a report is a handful of aggregate queries


def test_dashboard_queries_do_not_grow_with_jobs(client):
    scenario = Scenario()
    client.force_login(scenario.hq)
    url = f"/reports/dashboard/?centre={scenario.centre.pk}"
    before = _count(lambda: client.get(url))
    more_work(scenario, 12)
    assert _count(lambda: client.get(url)) == before
    client.force_login(scenario.supervisor)
    assert _count(lambda: client.get("/reports/dashboard/")) <= before + 2
