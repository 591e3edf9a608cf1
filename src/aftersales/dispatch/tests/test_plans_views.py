"""The day plan's pages: asking for a plan, the progress fragment, the review page with its
timeline and explanations, hand moves through htmx, publishing, re-planning, and who may see
and do what (a denied action changes nothing)."""

import pytest
from django.urls import reverse

from aftersales.core.events import event_list
from aftersales.dispatch.models import DayPlan, DayPlanStatus, PlanItem
from aftersales.dispatch.plans import day_plan_publish
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest

from .test_plans_support import Crew, plan_now

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def crew():
    crew = Crew(2)
    for _ in range(4):
        crew.job()
    return crew


def test_plan_the_day_creates_a_queued_plan_and_the_page_polls(client, crew):
    client.force_login(crew.supervisor)
    page = client.get(reverse("dispatch:plans"))
    assert page.status_code == 200
    assert "Plan the day" in page.text or "安排" in page.text
    response = client.post(reverse("dispatch:plan_create"), {
        "centre": crew.centre.pk, "day": crew.tomorrow.isoformat(), "time_limit": 10,
        "job_minutes": 45})
    plan = DayPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("dispatch:plan", args=[plan.pk])
    assert plan.status == DayPlanStatus.QUEUED and plan.job_minutes == 45
    detail = client.get(response.url)
    assert 'id="plan-progress"' in detail.text and 'hx-trigger="every 1s"' in detail.text
    fragment = client.get(reverse("dispatch:plan_progress", args=[plan.pk]), **HTMX)
    assert fragment.status_code == 200 and 'data-status="queued"' in fragment.text
    DayPlan.objects.filter(pk=plan.pk).update(status=DayPlanStatus.READY)
    done = client.get(reverse("dispatch:plan_progress", args=[plan.pk]), **HTMX)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_plan_form_errors_show_next_to_the_fields(client, crew):
    client.force_login(crew.supervisor)
    response = client.post(reverse("dispatch:plan_create"), {
        "centre": crew.centre.pk, "day": "2001-01-01", "time_limit": 10, "job_minutes": 60})
    assert response.status_code == 400
    assert "field-error" in response.text
    assert not DayPlan.objects.exists()


def test_review_page_shows_timelines_explanations_and_deferred(client, crew):
    crew.job(category="gas_stove")  # nobody has the skill
    plan = plan_now(crew)
    client.force_login(crew.supervisor)
    page = client.get(reverse("dispatch:plan", args=[plan.pk]))
    assert page.status_code == 200
    html = page.text
    assert html.count('class="tl-track"') == 2
    assert html.count('class="tl-seg work') == plan.jobs_planned == 4
    for item in plan.items.exclude(technician=None).select_related("request"):
        assert item.request.number in html
    deferred = plan.items.get(technician=None)
    assert f'id="item-{deferred.pk}"' in html and 'id="h-deferred"' in html
    assert "燃气灶" in html  # the skill nobody on duty has


def test_move_through_htmx_returns_the_board_and_refuses_a_missing_skill(client, crew):
    plan = plan_now(crew)
    client.force_login(crew.supervisor)
    item = plan.items.exclude(technician=None).order_by("technician_id", "sequence").last()
    other = next(t for t in crew.techs if t != item.technician)
    url = reverse("dispatch:plan_move", args=[plan.pk, item.pk])
    response = client.post(url, {"technician": other.pk, "position": 1, "version": plan.version},
                           **HTMX)
    assert response.status_code == 200 and 'id="plan-board"' in response.text
    item.refresh_from_db()
    assert item.technician == other and item.sequence == 1
    # A stale version (the page was open before the move) is refused as a message.
    stale = client.post(url, {"technician": item.technician_id, "position": 2,
                              "version": plan.version}, **HTMX)
    assert stale.status_code == 200 and "msg-error" in stale.text
    # A job needing a skill the technician lacks: refused, nothing changes.
    gas = crew.job(category="gas_stove")
    crew.techs[0].technician.skills.add(crew.heater)
    DayPlan.objects.filter(pk=plan.pk).update(status=DayPlanStatus.SUPERSEDED)
    plan2 = plan_now(crew)
    plan2_item = plan2.items.get(request=gas)
    before = list(PlanItem.objects.filter(plan=plan2).values_list("technician_id", "sequence"))
    refused = client.post(reverse("dispatch:plan_move", args=[plan2.pk, plan2_item.pk]),
                          {"technician": crew.techs[0].pk, "version": plan2.version}, **HTMX)
    assert "msg-error" in refused.text and "燃气灶" in refused.text
    assert list(PlanItem.objects.filter(plan=plan2).values_list("technician_id",
                                                                 "sequence")) == before


def test_publish_and_replan_through_the_pages(client, crew):
    plan = plan_now(crew)
    client.force_login(crew.supervisor)
    response = client.post(reverse("dispatch:plan_publish", args=[plan.pk]),
                           {"version": plan.version}, follow=True)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.PUBLISHED
    assert ServiceRequest.objects.filter(status=Status.ASSIGNED).count() == 4
    again = client.post(reverse("dispatch:plan_publish", args=[plan.pk]),
                        {"version": plan.version}, follow=True)
    assert "msg-error" in again.text or "msg error" in again.text
    crew.job()
    response = client.post(reverse("dispatch:plan_replan", args=[plan.pk]),
                           {"time_limit": 10, "keep_assignments": "on"})
    new = DayPlan.objects.exclude(pk=plan.pk).get()
    assert response.url == reverse("dispatch:plan", args=[new.pk])
    assert new.previous == plan and new.keep_assignments and new.status == DayPlanStatus.QUEUED


@pytest.mark.parametrize("who", ["agent", "technician"])
def test_desk_and_technicians_cannot_open_the_plans(client, crew, who):
    plan = plan_now(crew)
    user = crew.cast.agent if who == "agent" else crew.techs[0]
    client.force_login(user)
    for url in (reverse("dispatch:plans"), reverse("dispatch:plan", args=[plan.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("dispatch:plan_publish", args=[plan.pk]),
                       {"version": plan.version}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.READY


def test_another_centres_supervisor_sees_404_and_changes_nothing(client, crew):
    plan = plan_now(crew)
    version = plan.version
    other = Crew(1)
    client.force_login(other.supervisor)
    assert client.get(reverse("dispatch:plan", args=[plan.pk])).status_code == 404
    item = plan.items.first()
    assert client.post(reverse("dispatch:plan_move", args=[plan.pk, item.pk]),
                       {"technician": "defer", "version": plan.version}).status_code == 404
    assert client.post(reverse("dispatch:plan_publish", args=[plan.pk]),
                       {"version": plan.version}).status_code == 404
    # Asking for a plan of another centre: he only gets his own centre's form.
    client.post(reverse("dispatch:plan_create"), {
        "centre": crew.centre.pk, "day": crew.tomorrow.isoformat(), "time_limit": 10,
        "job_minutes": 60})
    assert not DayPlan.objects.filter(service_centre=crew.centre).exclude(pk=plan.pk).exists()
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.READY and plan.version == version
    assert list(event_list(plan).values_list("action", flat=True)) == ["create", "start", "finish"]
    page = client.get(reverse("dispatch:plans"))
    assert str(crew.centre) not in page.text


def test_technicians_phone_list_shows_his_route_position(client, crew):
    plan = plan_now(crew)
    day_plan_publish(actor=crew.supervisor, plan=plan)
    tech = max(crew.techs, key=lambda t: plan.items.filter(technician=t).count())
    route = list(plan.items.filter(technician=tech).order_by("sequence").select_related("request"))
    assert route
    # The published plan is for tomorrow; on that day his list shows the stops in order.
    from aftersales.dispatch import plans as plan_reads

    positions = plan_reads.route_positions(technician=tech, day=crew.tomorrow)
    assert [positions[i.request_id].sequence for i in route] == list(range(1, len(route) + 1))
    first = positions[route[0].request_id]
    assert (first.sequence, first.total) == (1, len(route))
    assert route[0].expected_arrival.astimezone(first.tz).strftime("%H:%M") in first.label
    client.force_login(tech)
    page = client.get(reverse("field:jobs"))
    numbers = [i.request.number for i in route]
    assert all(n in page.text for n in numbers)
    # Ordered by the published appointment = expected arrival, each with its stop number.
    assert [page.text.index(n) for n in numbers] == sorted(page.text.index(n) for n in numbers)
    import re

    stops = re.findall(r'data-route-stop="(\d+)"', page.text)
    assert stops == [str(n) for n in range(1, len(route) + 1)]
    assert route[0].expected_arrival.astimezone(first.tz).strftime("%m-%d %H:%M") in page.text


def test_review_page_queries_do_not_grow_with_the_jobs(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 9):
        crew = Crew(3)
        for _ in range(n):
            crew.job()
        plan = plan_now(crew)
        client.force_login(crew.supervisor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dispatch:plan", args=[plan.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
