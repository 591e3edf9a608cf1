"""A re-plan that keeps a job with its technician (issue 9, UI friction): publishing it is no
step at all for the request when the time stays, one "visit moved" step when only the time
changes — never cancelled and reassigned, and the customer is told once."""

import json

import pytest
from django.utils import translation

from aftersales.core.events import event_list
from aftersales.core.models import Notification
from aftersales.dispatch.plans import day_plan_publish, day_plan_replan, day_plan_solve
from aftersales.portal.selectors import portal_timeline
from aftersales.service.choices import Status, VisitOutcome
from aftersales.service.models import ServiceRequest, Visit
from aftersales.service.selectors import request_timeline

from .test_plans_support import Crew, plan_now

pytestmark = pytest.mark.django_db


def _sms(folder) -> list[dict]:
    path = folder / "outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_replan_to_the_same_technician_moves_the_time_once(
        settings, tmp_path, django_capture_on_commit_callbacks, clock_at):
    clock_at(10, 40)
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path
    crew = Crew(2)
    jobs = [crew.job() for _ in range(4)]
    day = crew.tomorrow
    morning = plan_now(crew, now=crew.at(day, 7))
    with django_capture_on_commit_callbacks(execute=True):
        day_plan_publish(actor=crew.supervisor, plan=morning)
    booked = {r.pk: (r.assigned_technician_id, r.appointment_at)
              for r in ServiceRequest.objects.filter(pk__in=[j.pk for j in jobs])}
    assert all(tech is not None for tech, _at in booked.values())
    sms_before = len(_sms(tmp_path))
    notes_before = Notification.objects.filter(user__in=crew.techs).count()

    # Nothing started by 10:00: the re-plan keeps every job with its technician, later.
    replan = day_plan_replan(actor=crew.supervisor, plan=morning, time_limit=1)
    assert day_plan_solve(plan_id=replan.pk, now=crew.at(day, 10))
    replan.refresh_from_db()
    items = {i.request_id: i for i in replan.items.all()}
    assert all(items[pk].technician_id == tech for pk, (tech, _at) in booked.items())
    moved = {pk for pk, (_tech, at) in booked.items() if items[pk].expected_arrival != at}
    assert moved  # the morning's times are gone by 10:00
    with django_capture_on_commit_callbacks(execute=True):
        result = day_plan_publish(actor=crew.supervisor, plan=replan)
    assert result.counts["assigned"] == 0
    assert result.counts["rescheduled"] == len(moved)
    assert result.counts["unchanged"] == len(booked) - len(moved)

    for pk, (tech, _at) in booked.items():
        request = ServiceRequest.objects.get(pk=pk)
        item = items[pk]
        assert request.status == Status.ASSIGNED and request.assigned_technician_id == tech
        assert request.appointment_at == item.expected_arrival
        events = list(event_list(request).values_list("action", flat=True))
        assert events.count("assign") == 1  # booked once, by the morning plan
        visits = list(Visit.objects.filter(request=request))
        assert len(visits) == 1 and visits[0].outcome == VisitOutcome.PENDING
        assert visits[0].scheduled_for == item.expected_arrival
        with translation.override("en"):
            told = [t.text for t in portal_timeline(request)]
        assert sum("booked" in t for t in told) == 1
        if pk in moved:
            assert events.count("appointment_move") == 1
            step = event_list(request).get(action="appointment_move")
            assert step.from_state == step.to_state == Status.ASSIGNED
            assert step.data["day_plan"] == replan.pk
            assert sum("moved" in t for t in told) == 1
            with translation.override("en"):
                desk = [e.action for e in request_timeline(request)]
            assert "Visit time moved" in desk and "Unfinished: reschedule" not in desk
            item.refresh_from_db()
            assert item.outcome == "rescheduled"
        else:
            assert "appointment_move" not in events
    # No message to any customer for the move (and none twice); his route's new times go to
    # each technician whose times changed, once.
    assert len(_sms(tmp_path)) == sms_before
    changed_techs = {booked[pk][0] for pk in moved}
    assert (Notification.objects.filter(user__in=crew.techs).count() - notes_before
            == len(changed_techs))
