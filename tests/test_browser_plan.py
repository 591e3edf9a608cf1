"""The day plan in Debian's chromium: the supervisor asks for tomorrow's plan, the page shows the
progress while a real worker process makes it and turns into the review by itself; he moves a
job by hand, is refused a move to a technician without the skill, publishes; the technician then
sees his ordered route on his phone.

Set SCREENSHOT_DIR to keep the screenshot of the review page (docs/screenshots/day-plan.png).
"""

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import login
from django.db import connection
from playwright.sync_api import expect

from aftersales.dispatch.models import Certificate, DayPlan, DayPlanStatus, PlanItem
from aftersales.dispatch.tests.test_plans_support import Crew
from aftersales.service.choices import Status, Urgency
from aftersales.service.models import ServiceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/dayplan")
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


def _shot(page, name, full=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full)
    target = os.environ.get("SCREENSHOT_DIR")
    if target and name == "day-plan.png":
        page.screenshot(path=str(Path(target) / name), full_page=full)


def _day(crew):
    """Tomorrow's open jobs with deadlines through the day: the test does not depend on the
    time it runs at."""
    rng = __import__("random").Random(11)
    crew.techs[0].technician.skills.add(crew.gas)
    Certificate.objects.create(technician=crew.techs[0].technician, skill=crew.gas,
                               expires_on=crew.tomorrow + timedelta(days=200))
    jobs = [crew.job(rng=rng) for _ in range(8)]
    jobs.append(crew.job(rng=rng, category="gas_stove", urgency=Urgency.URGENT))
    jobs.append(crew.job(rng=rng, urgency=Urgency.EMERGENCY))
    jobs.append(crew.job(category="fridge", lat=Decimal("31.250000"), lon=Decimal("121.450000")))
    deadlines = [10, 11, 12, 14, 15, 16, None, None, 11, 9, None]
    for request, hour in zip(jobs, deadlines, strict=True):
        request.clocks.all().delete()
        ServiceRequest.objects.filter(pk=request.pk).update(
            arrive_by=crew.at(crew.tomorrow, hour) if hour else None)
    return jobs


def test_plan_review_move_publish_and_the_route_on_the_phone(page, phone_page, live_server,
                                                             settings):
    settings.DAY_PLAN_TIME_LIMIT = 2
    crew = Crew(3, capacity=4)
    jobs = _day(crew)
    page.set_viewport_size({"width": 1360, "height": 900})
    login(page, live_server, crew.supervisor.username)
    page.goto(f"{live_server.url}/plans/")
    _shot(page, "list.png")
    page.fill("input[name=day]", crew.tomorrow.isoformat())
    page.select_option("select[name=time_limit]", "2")
    page.click("form.plan-form button[type=submit]")
    progress = page.locator("#plan-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("data-status", "queued")
    _shot(page, "progress.png", full=False)

    # A real worker process picks it up; the page follows and turns into the review.
    done = subprocess.run([AFTERSALES, "worker", "--burst"], env=_worker_env(), timeout=180,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    expect(page.locator("#plan-board")).to_be_visible(timeout=60_000)
    plan = DayPlan.objects.get()
    assert plan.status == DayPlanStatus.READY
    expect(page.locator(".tl-track")).to_have_count(3)
    expect(page.locator(".tl-seg.work")).to_have_count(plan.jobs_planned)
    fridge = PlanItem.objects.get(plan=plan, request=jobs[-1])
    assert fridge.technician is None
    expect(page.locator(f"#deferred #item-{fridge.pk}")).to_contain_text("fridge")
    _shot(page, "day-plan.png")

    # Move a job by hand to the top of another technician's route.
    item = PlanItem.objects.filter(plan=plan).exclude(technician=None).exclude(
        request=jobs[8]).order_by("-sequence").first()
    other = next(t for t in crew.techs if t != item.technician)
    stop = page.locator(f"#item-{item.pk}")
    stop.locator("summary").click()
    stop.locator("select[name=technician]").select_option(str(other.pk))
    stop.locator("input[name=position]").fill("1")
    stop.locator("button[type=submit]").click()
    expect(page.locator("#plan-board .msg-success")).to_contain_text(item.request.number)
    expect(page.locator(f"section[data-route='{other.pk}'] li.stop").first).to_have_attribute(
        "data-request", item.request.number)
    item.refresh_from_db()
    assert item.technician == other and item.sequence == 1 and item.moved_by_hand

    # The gas job only 王建国 may do: a move to another is refused, with the reason.
    gas = PlanItem.objects.get(plan=plan, request=jobs[8])
    assert gas.technician == crew.techs[0]
    stop = page.locator(f"#item-{gas.pk}")
    stop.locator("summary").click()
    stop.locator("select[name=technician]").select_option(str(crew.techs[1].pk))
    stop.locator("button[type=submit]").click()
    expect(page.locator("#plan-board .msg-error")).to_contain_text("燃气灶")
    gas.refresh_from_db()
    assert gas.technician == crew.techs[0]
    _shot(page, "after-moves.png")

    page.click("#publish")
    expect(page.locator("#plan-status")).to_have_attribute("class", "badge plan-published")
    expect(page.locator(".messages .msg-success")).to_be_visible()
    _shot(page, "published.png", full=False)
    for item in PlanItem.objects.filter(plan=plan).exclude(technician=None):
        request = ServiceRequest.objects.get(pk=item.request_id)
        assert request.status == Status.ASSIGNED and request.assigned_technician == item.technician
        assert request.appointment_at == item.expected_arrival

    # The technician's phone: his jobs in route order, each with its stop number and time.
    tech = other
    route = list(PlanItem.objects.filter(plan=plan, technician=tech).order_by("sequence"))
    login(phone_page, live_server, tech.username)
    phone_page.goto(f"{live_server.url}/field/")
    cards = phone_page.locator("article.job-card")
    expect(cards).to_have_count(len(route))
    for n, item in enumerate(route):
        card = cards.nth(n)
        expect(card).to_have_attribute("data-job", ServiceRequest.objects.get(
            pk=item.request_id).number)
        expect(card.locator(".route-pos")).to_have_attribute("data-route-stop", str(n + 1))
    expect(cards.first.locator(".route-pos")).to_contain_text(
        item.expected_arrival.astimezone(crew.at(crew.today, 0).tzinfo).strftime("%H:%M")
        if len(route) == 1 else route[0].expected_arrival.astimezone(
            crew.at(crew.today, 0).tzinfo).strftime("%H:%M"))
    _shot(phone_page, "route-phone.png")
