"""Deadline clocks: start, pause/resume, met, extension, and alerts that fire once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.core.calendar import calendar_for
from aftersales.core.models import Event, Notification
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.dispatch import clocks
from aftersales.dispatch.choices import ClockKind, ClockState
from aftersales.dispatch.models import ClockAlert, DeadlineClock, DeadlinePolicy
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


def test_arrival_clock_follows_the_policy_and_schedules_its_alerts_in_turn(cast):
    request = new_request(cast)
    clock = request.clocks.get()
    assert clock.kind == ClockKind.ARRIVAL and clock.state == ClockState.RUNNING
    assert clock.due_at == request.arrive_by
    cal = calendar_for(cast.centre)
    assert cal.between(request.reported_at, clock.warn_at) == timedelta(hours=6) * 0.75
    assert clock.alert_at == clock.warn_at  # the workers' sweep finds it then
    # nothing is due before the warning's time; at it, the warning fires and the deadline is next
    assert clocks.clock_alerts_fire_due(now=clock.warn_at - timedelta(minutes=1)) == 0
    assert clocks.clock_alerts_fire_due(now=clock.warn_at) == 1
    clock.refresh_from_db()
    assert clock.alert_at == clock.due_at and not clock.breached
    assert clocks.clock_alerts_fire_due(now=clock.warn_at) == 0
    assert clocks.clock_alerts_fire_due(now=clock.due_at) == 1
    clock.refresh_from_db()
    assert clock.alert_at is None and clock.breached
    assert sorted(clock.alerts.values_list("level", flat=True)) == ["escalation", "warning"]


def test_the_sweep_fires_an_overdue_clocks_alerts_in_order_once_and_skips_paused_ones(cast):
    late = new_request(cast, reported_at=timezone.now() - timedelta(days=20)).clocks.get()
    paused = new_request(cast, reported_at=timezone.now() - timedelta(days=20))
    clocks.clock_pause(actor=cast.agent, request=paused, reason="客户出差")
    assert clocks.clock_alerts_fire_due() == 2
    assert clocks.clock_alerts_fire_due() == 0  # a second worker's sweep: nothing twice
    assert list(late.alerts.order_by("fired_at", "pk").values_list("level", flat=True)) == [
        "warning", "escalation"]
    assert not ClockAlert.objects.filter(clock__request=paused).exists()
    # an alert fired by a task queued before the sweeps: the sweep fires the rest, and the clock
    # leaves the sweep's index once nothing is left
    older = new_request(cast, reported_at=timezone.now() - timedelta(days=20)).clocks.get()
    assert clocks.clock_alert_fire(clock_id=older.pk, level="warning")
    DeadlineClock.objects.filter(pk=older.pk).update(alert_at=older.warn_at)  # stale
    assert clocks.clock_alerts_fire_due() == 1
    older.refresh_from_db()
    assert older.alert_at is None and older.breached


def test_policy_edit_changes_new_deadlines(cast):
    DeadlinePolicy.objects.filter(kind="arrival", region_kind="urban").update(hours=2)
    clocks.policies_changed()
    request = new_request(cast)
    assert calendar_for(cast.centre).between(request.reported_at, request.arrive_by) == timedelta(hours=2)


def test_pause_and_resume_move_the_deadline(cast):
    request = new_request(cast, reported_at=timezone.now() - timedelta(minutes=30))
    before = request.clocks.get()
    assert clocks.clock_pause(actor=cast.agent, request=request, reason="客户下周才在家") == 1
    paused = request.clocks.get()
    assert paused.state == ClockState.PAUSED and paused.due_at is None
    assert clocks.remaining(paused, cast.centre) == timedelta(
        seconds=paused.budget_seconds - paused.consumed_seconds)
    clocks.clock_resume(actor=cast.agent, request=request, reason="客户回来了")
    resumed = request.clocks.get()
    assert resumed.state == ClockState.RUNNING and resumed.due_at >= before.due_at
    actions = list(Event.objects.filter(object_id=request.pk).values_list("action", flat=True))
    assert "clock_pause" in actions and "clock_resume" in actions


def test_waiting_for_agreement_pauses_until_agreed(cast):
    customer = CustomerFactory(service_centre=cast.centre)
    old = InstalledProductFactory(customer=customer, purchased_on=timezone.localdate() - timedelta(days=900))
    request = new_request(cast, customer=customer, product=old)
    assert request.status == Status.AWAITING_AGREEMENT
    assert request.clocks.get().state == ClockState.PAUSED
    services.service_request_agree(actor=cast.agent, request=request)
    assert request.clocks.get().state == ClockState.RUNNING


def test_arrival_meets_the_clock_and_lateness_is_recorded(cast):
    on_time = drive(new_request(cast), cast, Status.ON_SITE).clocks.get()
    assert on_time.state == ClockState.MET and not on_time.breached
    late = new_request(cast, reported_at=timezone.now() - timedelta(days=5))
    late = drive(late, cast, Status.ON_SITE).clocks.get()
    assert late.state == ClockState.MET and late.breached


def test_dealer_resolution_extension_needs_a_reason(cast):
    from django.core.exceptions import ValidationError

    request = new_request(cast, channel="dealer")
    assert set(request.clocks.values_list("kind", flat=True)) == {"arrival", "resolution"}
    with pytest.raises(ValidationError):
        clocks.clock_extend(actor=cast.agent, request=request, reason="")
    clock = clocks.clock_extend(actor=cast.agent, request=request, reason="需从厂家调配件")
    assert clock.budget_seconds == 48 * 3600
    assert clock.due_at == clock.started_at + timedelta(hours=48)


def test_reply_clock_for_web_requests_met_by_the_desk(cast):
    request = new_request(cast, channel="web")
    assert request.clocks.filter(kind="reply").exists()
    services.service_request_assign(actor=cast.supervisor, request=request, technician=cast.technician)
    assert request.clocks.get(kind="reply").state == ClockState.MET
    assert request.clocks.get(kind="arrival").state == ClockState.RUNNING


def test_alert_fires_only_when_due_and_only_once(cast):
    request = new_request(cast, reported_at=timezone.now() - timedelta(days=20))
    clock = request.clocks.get()
    assert clocks.clock_alert_fire(clock_id=clock.pk, level="escalation")
    assert not clocks.clock_alert_fire(clock_id=clock.pk, level="escalation")
    assert ClockAlert.objects.filter(clock=clock).count() == 1
    clock.refresh_from_db()
    assert clock.breached
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert {cast.supervisor.username, cast.manager.username} <= notified
    fresh = new_request(cast).clocks.get()
    if fresh.warn_at > timezone.now() + timedelta(minutes=1):
        assert not clocks.clock_alert_fire(clock_id=fresh.pk, level="warning")
    clocks.clock_pause(actor=cast.agent, request=request, reason="等客户")
    assert not clocks.clock_alert_fire(clock_id=clock.pk, level="warning")


def test_cancel_stops_the_clocks(cast):
    request = new_request(cast)
    services.service_request_cancel(actor=cast.agent, request=request, note="重复登记")
    assert DeadlineClock.objects.get(request=request).state == ClockState.STOPPED


def test_queue_counts_missed_deadlines_of_open_work_only(cast):
    from aftersales.dispatch.selectors import clock_counts

    now = timezone.now()
    overdue = new_request(cast, reported_at=now - timedelta(days=5))  # running past its deadline
    late_on_site = drive(new_request(cast, reported_at=now - timedelta(days=5)), cast,
                         Status.ON_SITE)                             # met late, still open
    late_closed = drive(new_request(cast, reported_at=now - timedelta(days=5)), cast,
                        Status.CLOSED)                               # met late, closed: history
    on_time = new_request(cast)                                      # due later
    assert late_on_site.clocks.get().breached and late_closed.clocks.get().breached
    counts = clock_counts(user=cast.supervisor, now=now)
    assert counts == {"at_risk": 0, "missed": 2, "paused": 0}
    assert on_time.clocks.get().state == ClockState.RUNNING
    assert {c.request_id for c in DeadlineClock.objects.filter(breached=False, due_at__lte=now)} == {
        overdue.pk}


def test_another_apps_step_runs_a_clock_from_its_moment_and_a_rerun_forgets_old_alerts(cast):
    request = new_request(cast)
    at = request.reported_at + timedelta(hours=1)
    clock = clocks.clock_run_from(request=request, kind=ClockKind.RESOLUTION, at=at)
    assert clock.state == ClockState.RUNNING and clock.started_at == at
    assert clock.due_at == at + timedelta(hours=24)  # DS-4: clock hours, not working time
    assert clock.alert_at == clock.warn_at
    # a running clock goes on as it is
    again = clocks.clock_run_from(request=request, kind=ClockKind.RESOLUTION,
                                  at=at + timedelta(hours=3))
    assert again.pk == clock.pk and again.started_at == at
    # finished (its alerts fired), it starts afresh and warns again
    clocks.clock_alerts_fire_due(now=clock.due_at)
    assert sorted(clock.alerts.values_list("level", flat=True)) == ["escalation", "warning"]
    assert clocks.clocks_stop(request=request, kind=ClockKind.RESOLUTION, at=clock.due_at) == 1
    later = clock.due_at + timedelta(hours=1)
    rerun = clocks.clock_run_from(request=request, kind=ClockKind.RESOLUTION, at=later)
    assert rerun.pk == clock.pk and rerun.state == ClockState.RUNNING
    assert rerun.due_at == later + timedelta(hours=24) and not rerun.breached
    assert not rerun.alerts.exists() and rerun.alert_at == rerun.warn_at


def test_another_apps_step_meets_a_clock_late_or_in_time(cast):
    early, late = new_request(cast), new_request(cast)
    for request in (early, late):
        clocks.clock_run_from(request=request, kind=ClockKind.RESOLUTION, at=request.reported_at)
    met = clocks.clock_meet(request_id=early.pk, kind=ClockKind.RESOLUTION,
                            at=early.reported_at + timedelta(hours=23))
    assert met.state == ClockState.MET and not met.breached
    missed = clocks.clock_meet(request_id=late.pk, kind=ClockKind.RESOLUTION,
                               at=late.reported_at + timedelta(hours=25))
    missed.refresh_from_db()
    assert missed.state == ClockState.MET and missed.breached
    assert clocks.clock_meet(request_id=late.pk, kind=ClockKind.RESOLUTION,
                             at=late.reported_at + timedelta(hours=26)) is None  # met already


def test_stopping_the_arrival_clock_leaves_the_request_without_an_arrival_deadline(cast):
    request = new_request(cast)
    assert request.arrive_by is not None
    assert clocks.clocks_stop(request=request, kind=ClockKind.ARRIVAL, at=timezone.now()) == 1
    assert request.arrive_by is None
    request.refresh_from_db()
    assert request.arrive_by is None
    assert request.clocks.get(kind=ClockKind.ARRIVAL).state == ClockState.STOPPED
    assert clocks.clocks_stop(request=request, kind=ClockKind.ARRIVAL, at=timezone.now()) == 0
