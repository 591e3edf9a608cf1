"""Reviewing and publishing a day plan: hand moves (re-timed, skills refused, lateness warned),
publishing (assigns with the expected arrival, events, skips what changed, returns deferred
assigned jobs to the queue), an urgent re-plan at noon that keeps started work, and who may."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition, PermissionDenied, StaleWrite
from aftersales.core.models import Notification
from aftersales.dispatch.models import Certificate, DayPlan, DayPlanStatus, PlanItem
from aftersales.dispatch.plans import (
    day_plan_create,
    day_plan_item_move,
    day_plan_publish,
    day_plan_replan,
    plan_changes,
    route_positions,
)
from aftersales.service import services
from aftersales.service.choices import Status, Urgency
from aftersales.service.models import ServiceRequest, Visit
from aftersales.service.tests.factories import drive

from .test_plans_support import Crew, plan_now

pytestmark = pytest.mark.django_db


def _route(plan, tech):
    return list(plan.items.filter(technician=tech).order_by("sequence"))


@pytest.fixture
def crew():
    return Crew(2)


def test_move_by_hand_retimes_both_routes_and_records_it(crew):
    for _ in range(5):
        crew.job()
    plan = plan_now(crew)
    a, b = crew.techs
    source, target = (a, b) if len(_route(plan, a)) >= len(_route(plan, b)) else (b, a)
    item = _route(plan, source)[-1]
    version = plan.version
    result = day_plan_item_move(actor=crew.supervisor, plan=plan, item=item, technician=target,
                                position=1, expected_version=version)
    plan.refresh_from_db()
    assert plan.version == version + 1
    moved = PlanItem.objects.get(pk=item.pk)
    assert moved.technician == target and moved.sequence == 1 and moved.moved_by_hand
    assert moved.reason == "by_hand"
    route = _route(plan, target)
    assert route[0] == moved and [i.sequence for i in route] == list(range(1, len(route) + 1))
    # Times follow the new order: each starts after the one before ends.
    for before, after in zip(route, route[1:], strict=False):
        assert after.expected_arrival >= before.expected_end
    assert plan.jobs_planned == 5
    event = event_list(plan).get(action="move")
    assert event.data["to"] == target.pk and event.data["number"] == item.request.number
    assert result.warnings == [] or all(isinstance(w, str) for w in result.warnings)
    # A stale page cannot move again.
    with pytest.raises(StaleWrite):
        day_plan_item_move(actor=crew.supervisor, plan=plan, item=moved, technician=source,
                           expected_version=version)


def test_move_refuses_a_technician_without_the_skill(crew):
    gas = crew.job(category="gas_stove")
    a, b = crew.techs
    a.technician.skills.add(crew.gas)
    Certificate.objects.create(technician=a.technician, skill=crew.gas,
                               expires_on=crew.tomorrow + timedelta(days=100))
    plan = plan_now(crew)
    item = plan.items.get(request=gas)
    assert item.technician == a and item.explanation["why"] == "only_qualified"
    before = list(plan.items.values_list("pk", "technician_id", "sequence", "expected_arrival"))
    with pytest.raises(ValidationError) as exc:
        day_plan_item_move(actor=crew.supervisor, plan=plan, item=item, technician=b)
    assert "燃气灶" in str(exc.value) and str(b) in str(exc.value)
    assert list(plan.items.values_list("pk", "technician_id", "sequence",
                                       "expected_arrival")) == before


def test_move_warns_when_it_makes_a_job_late(clock_at):
    clock_at(19)  # registered the evening before: the fillers' deadlines fall in tomorrow's plan
    crew = Crew(1)
    rush = crew.job(urgency=Urgency.EMERGENCY)
    ServiceRequest.objects.filter(pk=rush.pk).update(arrive_by=crew.at(crew.tomorrow, 9, 30))
    rush.clocks.all().delete()
    for _ in range(4):
        crew.job()
    plan = plan_now(crew)
    item = plan.items.get(request=rush)
    assert item.sequence == 1 and not item.late  # the solver put it first to meet 09:30
    result = day_plan_item_move(actor=crew.supervisor, plan=plan, item=item,
                                technician=crew.techs[0], position=99)
    item.refresh_from_db()
    plan.refresh_from_db()
    assert item.sequence == 5 and item.late and plan.jobs_late == 1
    assert any(rush.number in w and "09:30" in w for w in result.warnings)
    assert item.explanation["slack_min"] < 0


def test_deferring_and_planning_back_in_by_hand(crew):
    job = crew.job()
    plan = plan_now(crew)
    item = plan.items.get(request=job)
    day_plan_item_move(actor=crew.supervisor, plan=plan, item=item, technician=None)
    item.refresh_from_db()
    plan.refresh_from_db()
    assert item.technician is None and item.reason == "deferred_by_hand"
    assert plan.jobs_deferred == 1 and plan.jobs_planned == 0
    day_plan_item_move(actor=crew.supervisor, plan=plan, item=item, technician=crew.techs[1])
    item.refresh_from_db()
    assert item.technician == crew.techs[1] and item.expected_arrival is not None


def test_publish_assigns_with_expected_arrival_records_events_and_skips_changes(crew):
    jobs = [crew.job() for _ in range(4)]
    plan = plan_now(crew)
    planned = list(plan.items.exclude(technician=None).order_by("technician_id", "sequence"))
    assert len(planned) == 4
    # After planning, the desk assigns one by hand and cancels another.
    by_hand, cancelled = planned[0].request, planned[1].request
    services.service_request_assign(actor=crew.supervisor, request=by_hand,
                                    technician=crew.techs[1] if planned[0].technician == crew.techs[0]
                                    else crew.techs[0])
    services.service_request_cancel(actor=crew.cast.agent, request=cancelled, note="客户取消")
    result = day_plan_publish(actor=crew.supervisor, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.PUBLISHED and plan.published_by == crew.supervisor
    assert result.counts["assigned"] == 2 and result.counts["skipped"] == 2
    assert {n for n, _ in result.skipped} == {by_hand.number, cancelled.number}
    for item in planned[2:]:
        request = ServiceRequest.objects.get(pk=item.request_id)
        assert request.status == Status.ASSIGNED and request.assigned_technician == item.technician
        assert request.appointment_at == item.expected_arrival
        assign = event_list(request).filter(action="assign").last()
        assert assign.data["day_plan"] == plan.pk and assign.data["sequence"] == item.sequence
    publish = event_list(plan).get(action="publish")
    assert publish.data["assigned"] == 2 and len(publish.data["skipped"]) == 2
    assert PlanItem.objects.get(pk=planned[0].pk).outcome == "skipped"
    assert Notification.objects.filter(user__in=crew.techs, link="/field/").exists()
    # The technician's phone knows his place in the route.
    tech = planned[2].technician
    positions = route_positions(technician=tech, day=crew.tomorrow)
    assert positions[planned[2].request_id].total == len(positions)
    # Publishing twice is a conflict (409), and changes nothing.
    with pytest.raises(IllegalTransition):
        day_plan_publish(actor=crew.supervisor, plan=plan)
    assert len(jobs) == 4


def test_publish_returns_deferred_assigned_jobs_to_the_queue(crew):
    crew = Crew(1, capacity=1)
    first, second = crew.job(), crew.job()
    for request in (first, second):
        services.service_request_assign(actor=crew.supervisor, request=request,
                                        technician=crew.techs[0])
    plan = plan_now(crew)
    deferred = plan.items.get(technician=None)
    result = day_plan_publish(actor=crew.supervisor, plan=plan)
    assert result.counts["returned"] == 1
    request = ServiceRequest.objects.get(pk=deferred.request_id)
    assert request.status == Status.REGISTERED and request.assigned_technician is None
    assert "明日优先派工" in event_list(request).filter(action="unassign").last().note


def test_only_the_centres_planners_and_denied_changes_nothing(crew):
    crew.job()
    plan = plan_now(crew)
    other = Crew(1)
    branch_manager = other.cast.manager
    branch_manager.service_centre = other.centre
    branch_manager.save()
    for outsider in (crew.cast.agent, crew.techs[0], other.supervisor, branch_manager):
        with pytest.raises(PermissionDenied):
            day_plan_create(actor=outsider, centre=crew.centre, day=crew.tomorrow)
        with pytest.raises(PermissionDenied):
            day_plan_publish(actor=outsider, plan=plan)
        with pytest.raises(PermissionDenied):
            day_plan_item_move(actor=outsider, plan=plan, item=plan.items.first(),
                               technician=None)
    plan.refresh_from_db()
    assert plan.status == DayPlanStatus.READY and DayPlan.objects.filter(
        service_centre=crew.centre).count() == 1
    assert not event_list(plan).filter(action__in=["move", "publish"]).exists()
    assert ServiceRequest.objects.filter(status=Status.ASSIGNED).count() == 0
    # The headquarters' manager (no centre) may.
    day_plan_publish(actor=crew.cast.manager, plan=plan)


def test_urgent_job_at_noon_is_planned_in_without_moving_started_work(crew):
    day = crew.tomorrow
    for _ in range(4):
        crew.job()
    morning = plan_now(crew, now=crew.at(day, 7))
    day_plan_publish(actor=crew.supervisor, plan=morning)
    # By noon, the first job of the first technician is under way.
    a = crew.techs[0]
    first = _route(morning, a)[0] if _route(morning, a) else _route(morning, crew.techs[1])[0]
    tech = first.technician
    cast = crew.cast
    cast.technician = tech
    started = drive(ServiceRequest.objects.get(pk=first.request_id), cast, Status.ON_SITE)
    Visit.objects.filter(request=started, outcome="pending").update(arrived_at=crew.at(day, 11, 40))
    urgent = crew.job(urgency=Urgency.EMERGENCY)
    replan = day_plan_replan(actor=crew.supervisor, plan=morning, time_limit=3)
    assert replan.previous == morning and replan.keep_assignments
    from aftersales.dispatch.plans import day_plan_solve

    assert day_plan_solve(plan_id=replan.pk, now=crew.at(day, 12))
    replan.refresh_from_db()
    assert replan.status == DayPlanStatus.READY
    kept = replan.items.get(request=started)
    assert kept.pinned and kept.technician == tech and kept.sequence == 1
    assert kept.expected_start == crew.at(day, 11, 40)
    new = replan.items.get(request=urgent)
    assert new.technician is not None and new.expected_arrival >= crew.at(day, 12)
    # Published jobs not started stay with their technicians; what changed is listed.
    for old in morning.items.exclude(technician=None).exclude(request=started):
        assert replan.items.get(request_id=old.request_id).technician_id == old.technician_id
    changes = plan_changes(replan, list(replan.items.all()))
    assert [c.item.request_id for c in changes["new"]] == [urgent.pk]
    assert changes["moved"] == []
    result = day_plan_publish(actor=crew.supervisor, plan=replan)
    morning.refresh_from_db()
    assert morning.status == DayPlanStatus.SUPERSEDED
    assert result.counts["kept"] == 1 and result.counts["assigned"] >= 1
    started.refresh_from_db()
    assert started.status == Status.ON_SITE and started.assigned_technician == tech
    urgent.refresh_from_db()
    assert urgent.status == Status.ASSIGNED and urgent.appointment_at == new.expected_arrival
