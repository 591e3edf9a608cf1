"""Report pages and the Excel download, as each role sees them."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from aftersales.reports.choices import ReportKind

from .helpers import produced
from .scenario import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return Scenario()


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", list(ReportKind.values))
def test_every_report_page_renders_with_charts_and_tables(client, scenario, kind):
    report = produced(kind, scenario)
    response = _login(client, scenario.hq).get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-charts"' in html and 'class="chart"' in html
    assert "<table" in html and "<tfoot>" in html
    assert "vendor/echarts-6.1.0.min.js" in html


def test_technician_daily_report_page_shows_the_jobs(client, scenario):
    report = produced(ReportKind.TECHNICIAN_DAILY, scenario)
    html = _login(client, scenario.supervisor).get(f"/reports/{report.pk}/").content.decode()
    for sr in (scenario.r1, scenario.r2, scenario.r3, scenario.r4, scenario.r5, scenario.r6):
        assert sr.number in html
    assert scenario.r7.number not in html  # the day before
    assert "王强" in html and "李明" in html


def test_technician_sees_only_his_own_line(client, scenario):
    report = produced(ReportKind.TECHNICIAN_DAILY, scenario)
    html = _login(client, scenario.t1).get(f"/reports/{report.pk}/").content.decode()
    assert scenario.r1.number in html and scenario.r2.number in html
    assert scenario.r4.number not in html and "李明" not in html
    book = load_workbook(BytesIO(client.get(f"/reports/{report.pk}/excel/").content))
    jobs = book[book.sheetnames[-1]]
    rows = list(jobs.iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows[:-1]} == {scenario.r1.number, scenario.r2.number, scenario.r6.number}
    assert rows[-1][3] == 4.5  # his hours as the total


def test_excel_of_the_daily_man_hours(client, scenario):
    report = produced(ReportKind.DAILY_HOURS, scenario)
    response = _login(client, scenario.supervisor).get(f"/reports/{report.pk}/excel/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["技术员", "现场工时", "工作台工时", "工时"]
    assert all(c.font.bold for c in sheet[1])
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_name = {row[0]: row for row in rows}
    # 王强: 4.5 h on site, 0 at the bench, 2 visits, 3 jobs, 235.50 parts (200 charged, 35.50 free)
    wang = by_name["王强"]
    assert wang[1:4] == (4.5, 0, 4.5) and wang[4] == 2 and wang[6] == 3
    assert wang[8:11] == (235.5, 200, 35.5)
    assert by_name["赵刚"][3] == 0  # no work, still listed
    total = rows[-1]
    assert total[1:4] == (4.5, 3, 7.5) and total[8:11] == (285.5, 200, 85.5)
    assert all(c.font.bold for c in sheet[sheet.max_row])
    assert sheet.cell(row=2, column=2).number_format == "0.00"
    assert sheet.cell(row=2, column=9).number_format == "#,##0.00"


def test_excel_of_the_appraisal(client, scenario):
    report = produced(ReportKind.APPRAISAL, scenario)
    book = load_workbook(BytesIO(_login(client, scenario.hq).get(f"/reports/{report.pk}/excel/").content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows[:3]] == [1, 2, 3]  # rank
    assert [row[1] for row in rows[:3]] == ["王强", "李明", "赵刚"]
    assert rows[0][2] == 70.8 and rows[1][2] == 28.3 and rows[2][2] is None
    punctuality = [c.value for c in sheet[1]].index(sheet.cell(row=1, column=13).value)
    assert rows[0][punctuality] == 0.6667
    assert sheet.cell(row=2, column=13).number_format == "0.0%"
    assert rows[-1][0] in ("合计", "Total") and rows[-1][13] == 4  # jobs completed, all


def test_report_of_another_centre_is_404(client, scenario):
    report = produced(ReportKind.SUPERVISOR_DAILY, scenario)
    for user in (scenario.other_supervisor, scenario.other_manager):
        assert _login(client, user).get(f"/reports/{report.pk}/").status_code == 404
        assert client.get(f"/reports/{report.pk}/excel/").status_code == 404


def test_technician_cannot_open_the_supervisor_report(client, scenario):
    report = produced(ReportKind.SUPERVISOR_DAILY, scenario)
    assert _login(client, scenario.t1).get(f"/reports/{report.pk}/").status_code == 404


def test_run_progress_is_polled_until_the_figures_are_there(client, scenario):
    from aftersales.reports import services
    from aftersales.reports.models import Report

    report = produced(ReportKind.TECHNICIAN_DAILY, scenario)
    client.force_login(scenario.supervisor)
    response = client.post(f"/reports/{report.pk}/run/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = Report.objects.get(pk=report.pk).runs.order_by("-pk").first()
    assert f'data-run="{run.pk}"' in response.content.decode()
    assert 'hx-trigger="every 1s"' in response.content.decode()
    polled = client.get(f"/reports/runs/{run.pk}/?poll=1", HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    services.report_run_execute(run_id=run.pk)
    polled = client.get(f"/reports/runs/{run.pk}/?poll=1", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"
    client.force_login(scenario.other_supervisor)
    assert client.get(f"/reports/runs/{run.pk}/").status_code == 404


def test_report_open_finds_or_offers_to_produce(client, scenario):
    report = produced(ReportKind.WEEKLY_REPAIR, scenario)
    client.force_login(scenario.supervisor)
    found = client.get("/reports/open/", {"kind": "weekly_repair", "date": "2026-03-12"})
    assert found.status_code == 302 and found["Location"] == f"/reports/{report.pk}/"
    missing = client.get("/reports/open/", {"kind": "appraisal", "date": "2026-02-12"})
    assert missing.status_code == 404
    assert "/reports/produce/" in missing.content.decode()
