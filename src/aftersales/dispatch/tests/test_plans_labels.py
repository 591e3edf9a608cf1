"""What the day plan says in words (issue 9, UI friction): skills by their names, never their
codes, and a deferral says whether the limit was the technicians' daily capacity or their time."""

import pytest
from django.urls import reverse
from django.utils import translation

from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.dispatch.models import Skill
from aftersales.dispatch.views.review import build_review

from .test_plans_support import Crew, plan_now

pytestmark = pytest.mark.django_db


def _review(plan):
    return build_review(plan, list(plan.items.select_related("request__customer", "technician")))


def test_skills_show_their_names_not_their_codes(client, clock_at):
    clock_at(10, 40)
    crew = Crew(2)
    crew.job()
    # A category whose skill record is named by its code (as the demo's were), one with no skill
    # record at all: both are called by their product models' names.
    named_by_code = Skill.objects.create(code="bath_heater", name="bath_heater")
    crew.techs[0].technician.skills.add(named_by_code)
    crew.models["bath_heater"] = ProductModelFactory(code="YB-F12", name="风暖浴霸 集成吊顶",
                                                     category="bath_heater")
    crew.models["heat_pump"] = ProductModelFactory(code="RSQ-200K", name="空气能热水器 200升",
                                                   category="heat_pump")
    crew.job(category="bath_heater")
    crew.job(category="heat_pump")  # nobody has the skill
    plan = plan_now(crew)
    review = _review(plan)
    row = next(r for r in review.rows if r.technician == crew.techs[0])
    assert sorted(row.skills) == sorted(["热水器", "风暖浴霸 集成吊顶"])
    [deferred] = review.deferred
    assert deferred.skills == ["空气能热水器 200升"]
    assert "空气能热水器 200升" in deferred.why and "heat_pump" not in deferred.why
    client.force_login(crew.supervisor)
    html = client.get(reverse("dispatch:plan", args=[plan.pk])).text
    assert "风暖浴霸 集成吊顶" in html and "空气能热水器 200升" in html
    for code in ("bath_heater", "heat_pump"):
        assert f"：{code}" not in html and f"（{code}）" not in html and f"、{code}" not in html
        assert f">{code}<" not in html


def test_deferred_for_daily_capacity_says_so(clock_at):
    clock_at(10, 40)
    crew = Crew(1, capacity=2)
    for _ in range(3):
        crew.job()
    plan = plan_now(crew)
    [deferred] = _review(plan).deferred
    assert deferred.item.reason == "no_room_today"
    with translation.override("en"):
        [deferred] = _review(plan).deferred
    assert "daily capacity" in deferred.why and "2 jobs" in deferred.why
    assert "routes" not in deferred.why
    with translation.override("zh-hans"):
        [deferred] = _review(plan).deferred
    assert "每日容量" in deferred.why and "2 单" in deferred.why and "排满" not in deferred.why


def test_deferred_for_time_says_the_shifts_are_full(clock_at):
    clock_at(10, 40)
    crew = Crew(1, capacity=20)
    for _ in range(14):  # an hour each in a shift of ten: not all fit, capacity is not the limit
        crew.job()
    plan = plan_now(crew)
    with translation.override("en"):
        deferred = _review(plan).deferred
    assert deferred and all(d.item.reason == "no_room_today" for d in deferred)
    assert all("shift" in d.why and "capacity" not in d.why for d in deferred)
