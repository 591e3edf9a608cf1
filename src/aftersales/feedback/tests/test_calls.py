"""FB-5: a follow-up call after every repair on the centre's call list; outcomes recorded with
retries (not reached → next working day, at most 3 attempts) and call-backs."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.core.calendar import BusinessCalendar
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.feedback import services
from aftersales.feedback.choices import CallStatus, CaseSource
from aftersales.feedback.models import FollowUpCall, FollowUpCase, VisitTask

from .helpers import actions, answer, completed_job, fresh_token, survey_of

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def call(cast):
    return FollowUpCall.objects.get(request=completed_job(cast))


def _next_working_day_start(moment):
    calendar = BusinessCalendar()
    day = timezone.localtime(moment, SHANGHAI).date() + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 30), SHANGHAI)


def test_reached_is_recorded_with_what_the_customer_said(call, cast):
    call = services.follow_up_call_record(actor=cast.agent, call=call, outcome="reached",
                                          note="客户说热水器使用正常，很满意")
    assert call.status == CallStatus.REACHED and call.attempts == 1
    assert call.called_by == cast.agent and call.called_at is not None
    assert call.outcome_note == "客户说热水器使用正常，很满意"
    assert actions(call) == ["schedule", "reach"]
    with pytest.raises(IllegalTransition):
        services.follow_up_call_record(actor=cast.agent, call=call, outcome="reached", note="再来")


def test_reached_needs_a_note(call, cast):
    with pytest.raises(ValidationError) as exc:
        services.follow_up_call_record(actor=cast.agent, call=call, outcome="reached", note=" ")
    assert "note" in exc.value.message_dict
    call.refresh_from_db()
    assert call.attempts == 0 and call.status == CallStatus.PENDING


def test_not_reached_is_retried_next_working_day_at_most_three_times(call, cast):
    for attempt in (1, 2):
        before = timezone.now()
        call = services.follow_up_call_record(actor=cast.agent, call=call, outcome="not_reached")
        assert call.status == CallStatus.NOT_REACHED and call.attempts == attempt
        assert call.due_at == _next_working_day_start(before)
    call = services.follow_up_call_record(actor=cast.agent, call=call, outcome="not_reached")
    assert call.status == CallStatus.CLOSED and call.attempts == 3
    assert "3" in call.outcome_note
    assert actions(call) == ["schedule", "miss", "miss", "give_up"]


def test_call_back_at_the_agreed_time(call, cast):
    at = timezone.now() + timedelta(days=2, hours=3)
    call = services.follow_up_call_record(actor=cast.agent, call=call, outcome="call_back",
                                          note="客户在开会", call_back_at=at)
    assert call.status == CallStatus.CALL_BACK and call.due_at == at
    with pytest.raises(ValidationError):
        services.follow_up_call_record(actor=cast.agent, call=call, outcome="call_back",
                                       call_back_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError):
        services.follow_up_call_record(actor=cast.agent, call=call, outcome="call_back")


def test_a_complaint_on_the_phone_opens_a_case_and_a_visit(call, cast):
    services.follow_up_call_record(actor=cast.agent, call=call, outcome="reached",
                                   note="客户投诉师傅乱收费", raise_case=True)
    case = FollowUpCase.objects.get()
    assert case.source == CaseSource.CALL and case.call == call and case.complaint
    assert case.summary == "客户投诉师傅乱收费"
    assert VisitTask.objects.get(case=case).assigned_to == cast.supervisor


def test_a_complaint_needs_the_customer_reached(call, cast):
    with pytest.raises(ValidationError):
        services.follow_up_call_record(actor=cast.agent, call=call, outcome="not_reached",
                                       raise_case=True)
    assert not FollowUpCase.objects.exists()


def test_customer_who_says_do_not_call_is_not_called(cast):
    request = completed_job(cast)
    answer(fresh_token(survey_of(request)), may_call=False)
    call = FollowUpCall.objects.get(request=request)
    assert call.status == CallStatus.CLOSED and call.attempts == 0
    assert actions(call)[-1] == "close"


def test_customer_who_may_be_called_stays_on_the_list(cast):
    request = completed_job(cast)
    answer(fresh_token(survey_of(request)), may_call=True)
    assert FollowUpCall.objects.get(request=request).status == CallStatus.PENDING


@pytest.mark.parametrize("who", ["technician", "other_agent", "customer"])
def test_who_may_record_a_call(call, cast, other_cast, who):
    from aftersales.portal.tests.helpers import portal_user_for

    actor = {"technician": cast.technician, "other_agent": other_cast.agent}.get(who)
    if who == "customer":
        actor = portal_user_for(call.request.customer)
    before = FollowUpCall.objects.values().get(pk=call.pk)
    with pytest.raises(PermissionDenied):
        services.follow_up_call_record(actor=actor, call=call, outcome="reached", note="x")
    assert FollowUpCall.objects.values().get(pk=call.pk) == before
    assert actions(call) == ["schedule"]


def test_supervisor_and_headquarters_may_record(call, cast):
    services.follow_up_call_record(actor=cast.supervisor, call=call, outcome="not_reached")
    services.follow_up_call_record(actor=cast.manager, call=call, outcome="not_reached")
    call.refresh_from_db()
    assert call.attempts == 2


def test_close_without_calling_needs_a_reason(call, cast):
    with pytest.raises(ValidationError):
        services.follow_up_call_close(actor=cast.agent, call=call, note="")
    call = services.follow_up_call_close(actor=cast.agent, call=call, note="空号")
    assert call.status == CallStatus.CLOSED and call.outcome_note == "空号"
