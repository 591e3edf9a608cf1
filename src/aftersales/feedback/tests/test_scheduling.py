"""FB-1: every completed job — on site or carried in — gets a survey the next morning, and a
follow-up call (FB-5); scheduling is idempotent and a daily sweep catches what was missed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aftersales.accounts.models import ServiceCentre
from aftersales.core.calendar import BusinessCalendar
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback import services
from aftersales.feedback.choices import CallKind, CallStatus, SurveyChannel
from aftersales.feedback.models import FeedbackSettings, FollowUpCall, Survey
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import drive, new_request

from .helpers import actions, completed_job, forget_feedback, survey_of

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _tasks(name: str):
    return DBTaskResult.objects.filter(task_path__endswith=name)


def test_completed_job_gets_survey_next_morning_at_nine(cast):
    request = completed_job(cast)
    survey = survey_of(request)
    completed = timezone.localtime(request.completed_at, SHANGHAI)
    assert timezone.localtime(survey.due_at, SHANGHAI) == datetime.combine(
        completed.date() + timedelta(days=1), time(9, 0), SHANGHAI)
    assert survey.expires_at == survey.due_at + timedelta(days=14)
    assert survey.technician == cast.technician
    assert survey.customer == request.customer
    assert survey.sent_at is None and survey.answered_at is None and survey.score is None
    # The send task waits for that moment.
    [task] = _tasks("send_survey").filter(args_kwargs__args=[survey.pk])
    assert task.run_after == survey.due_at
    assert actions(survey) == ["schedule"]


def test_hour_and_time_zone_are_the_centres(cast, policy):
    policy.survey_hour = time(10, 30)
    policy.save()
    ServiceCentre.objects.filter(pk=cast.centre.pk).update(time_zone="Asia/Urumqi")
    cast.centre.refresh_from_db()
    request = completed_job(cast)
    survey = survey_of(request)
    local = timezone.localtime(survey.due_at, ZoneInfo("Asia/Urumqi"))
    assert local.time() == time(10, 30)
    assert local.date() == timezone.localtime(request.completed_at, ZoneInfo("Asia/Urumqi")).date() + timedelta(days=1)


def test_carry_in_jobs_are_surveyed_too(cast):
    request = completed_job(cast, carry_in=True)
    assert request.status == Status.COMPLETED
    assert survey_of(request).request == request


def test_every_completed_job_no_sampling(cast):
    jobs = [completed_job(cast) for _ in range(5)]
    assert Survey.objects.filter(request__in=jobs).count() == 5
    assert FollowUpCall.objects.filter(request__in=jobs, kind=CallKind.AFTER_REPAIR).count() == 5


def test_scheduling_twice_makes_one_survey_one_task_one_call(cast):
    request = completed_job(cast)
    survey = survey_of(request)
    assert services.survey_schedule_for(request) == survey
    assert services.survey_schedule_for(request) == survey
    assert Survey.objects.filter(request=request).count() == 1
    assert _tasks("send_survey").filter(args_kwargs__args=[survey.pk]).count() == 1
    assert FollowUpCall.objects.filter(request=request).count() == 1


def test_unfinished_and_internal_work_get_no_survey(cast):
    open_request = new_request(cast)
    assert services.survey_schedule_for(open_request) is None
    internal = new_request(cast, internal=True, product=None)
    drive(internal, cast, Status.COMPLETED)
    internal.refresh_from_db()
    assert services.survey_schedule_for(internal) is None
    assert not Survey.objects.exists() and not FollowUpCall.objects.exists()


def test_channel_follows_what_we_have(cast):
    mobile = completed_job(cast, customer=CustomerFactory(phone="+8613812345678", email=""))
    mail_only = completed_job(cast, customer=CustomerFactory(phone="+862162345678",
                                                             email="a@example.com"))
    nothing = completed_job(cast, customer=CustomerFactory(phone="+862162345679", email=""))
    assert survey_of(mobile).channel == SurveyChannel.SMS
    assert survey_of(mail_only).channel == SurveyChannel.EMAIL
    assert survey_of(nothing).channel == SurveyChannel.QR


def test_follow_up_call_is_due_the_next_working_day(cast):
    request = completed_job(cast)
    call = FollowUpCall.objects.get(request=request)
    assert call.kind == CallKind.AFTER_REPAIR and call.status == CallStatus.PENDING
    calendar = BusinessCalendar()
    day = timezone.localtime(request.completed_at, SHANGHAI).date() + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    assert timezone.localtime(call.due_at, SHANGHAI) == datetime.combine(day, time(8, 30), SHANGHAI)


def test_daily_sweep_schedules_yesterdays_jobs_without_a_survey(cast):
    covered = completed_job(cast, days_ago=1)
    missed = new_request(cast)
    drive(missed, cast, Status.COMPLETED)
    ServiceRequest.objects.filter(pk=missed.pk).update(
        completed_at=timezone.now() - timedelta(days=1))
    old = new_request(cast)
    drive(old, cast, Status.COMPLETED)
    ServiceRequest.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=9))
    for request in (missed, old):  # completed, but nothing was scheduled (e.g. a crash)
        forget_feedback(request)
    assert not Survey.objects.filter(request=missed).exists()

    assert services.surveys_schedule_missing() == 1
    assert Survey.objects.filter(request=missed).exists()
    assert not Survey.objects.filter(request=old).exists()  # beyond the sweep's window
    assert Survey.objects.filter(request=covered).count() == 1
    # Idempotent: a second run finds nothing and does not start a second daily chain.
    assert services.surveys_schedule_missing() == 0
    assert _tasks("schedule_missing_surveys").count() == 1
    assert FeedbackSettings.load().last_sweep_on == timezone.localdate()


def test_sweep_requeues_a_lost_sending(cast):
    request = completed_job(cast, days_ago=2)
    survey = survey_of(request)
    assert survey.due_at < timezone.now()
    _tasks("send_survey").delete()  # the queue lost it (e.g. a flushed Redis)
    services.surveys_schedule_missing()
    assert _tasks("send_survey").filter(args_kwargs__args=[survey.pk]).count() == 1


def test_a_job_completed_days_ago_has_one_survey_due_then(cast):
    request = completed_job(cast, days_ago=2)
    survey = survey_of(request)
    assert survey.due_at < timezone.now()
    assert list(_tasks("send_survey").values_list("args_kwargs", flat=True)) == [
        {"args": [survey.pk], "kwargs": {}}]
