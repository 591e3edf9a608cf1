"""The dashboard and a report in Debian's chromium: charts drawn, figures linked, "run now"
through a real background worker with the progress polled by htmx; screenshots for the docs."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import login
from django.db import connection

from aftersales.reports import services
from aftersales.reports.choices import ReportKind
from aftersales.reports.periods import local_today

from .live import LiveCentre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Screenshots are kept only when SCREENSHOT_DIR is set (e.g. docs/screenshots), as in the other
# browser tests: a test run must not rewrite the docs (nor with a machine's missing CJK fonts).
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/reports"))
AFTERSALES = Path(sys.executable).parent / "aftersales"


def _charts_drawn(page) -> int:
    """How many chart containers hold an ECharts canvas with something drawn on it."""
    page.wait_for_selector("[data-chart][data-rendered='1'] canvas")
    return page.evaluate("""() => Array.from(document.querySelectorAll('[data-chart] canvas'))
        .filter(c => {
            const ctx = c.getContext('2d');
            const data = ctx.getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 3; i < data.length; i += 16) { if (data[i] > 0) ink++; }
            return ink > 200;
        }).length""")


def _worker_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
               f"{db['PORT'] or 5432}/{db['NAME']}")
    return os.environ | {"DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
                         "DATABASE_URL": url, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}


def test_dashboard_shows_linked_figures_and_draws_its_charts(page, live_server):
    live = LiveCentre()
    login(page, live_server, live.hq.username)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/reports/dashboard/?centre={live.centre.pk}")
    assert _charts_drawn(page) == 2
    open_figure = page.locator("[data-figure=open]")
    assert open_figure.locator(".value").inner_text() == "14"  # every request but the closed
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    open_figure.click()
    page.wait_for_url("**/requests/?**")
    assert "open=true" in page.url and f"service_centre={live.centre.pk}" in page.url
    assert page.locator("table.list tbody tr").count() == 14


def test_report_run_now_through_a_worker_then_screenshot(page, live_server):
    live = LiveCentre()
    centre, supervisor = live.centre, live.cast.supervisor
    report = services.report_get_or_create(kind=ReportKind.SUPERVISOR_DAILY, centre=centre,
                                           day=local_today(centre))
    login(page, live_server, supervisor.username)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_text("尚无数据").wait_for()  # no figures yet
    worker = subprocess.Popen([AFTERSALES, "worker"], env=_worker_env(), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page.locator("[data-run-now]").click()
        page.wait_for_selector("#run-box")  # the progress box, polled by htmx…
        page.wait_for_selector("[data-chart][data-rendered='1']", timeout=60_000)  # …then figures
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert _charts_drawn(page) == 3
    assert page.locator("[data-table=technicians] tbody tr").count() == 5
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    # The supervisor submits it to the branch manager.
    page.locator("details.step summary").first.click()
    page.locator("[data-step=submit]").click()
    page.wait_for_selector("[data-state=submitted]")


def test_technician_reports_on_a_phone(phone_page, live_server):
    live = LiveCentre(surveys=False)
    centre = live.centre
    run = services.report_produce(actor=live.hq, kind=ReportKind.TECHNICIAN_DAILY, centre=centre,
                                  day=local_today(centre))
    services.report_run_execute(run_id=run.pk)
    technician = live.technicians[1]
    login(phone_page, live_server, technician.username)
    phone_page.goto(f"{live_server.url}/reports/mine/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "mine-phone.png"), full_page=True)
    phone_page.locator(".mine-card").first.click()
    assert _charts_drawn(phone_page) == 2
    assert phone_page.locator("[data-table=jobs] tbody tr").count() == 2  # his two jobs only
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "technician-phone.png"), full_page=True)
