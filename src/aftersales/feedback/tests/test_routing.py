"""FB-4: low scores and complaints open a follow-up case with a 24-hour reply deadline (CP-15);
serious ones alert the vice-president at once; complaining customers get a supervisor's visit;
the customer is told the outcome; a settled case puts a call after the complaint on the list."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dispatch.clocks import policies_changed
from aftersales.dispatch.models import DeadlinePolicy
from aftersales.feedback import rules, services
from aftersales.feedback.choices import (
    CallKind,
    CaseSource,
    CaseStatus,
    MessageKind,
    MessageStatus,
    VisitStatus,
)
from aftersales.feedback.models import FollowUpCall, FollowUpCase, OutboundMessage, VisitTask

from .helpers import actions, answer, completed_job, fresh_token, sms_lines, survey_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(cast):
    return completed_job(cast, customer=CustomerFactory(name="周先生", phone="+8613700001111",
                                                        email="zhou@example.com"))


def _answer(job, **values):
    return answer(fresh_token(survey_of(job)), **values)


def test_good_answers_open_nothing(job, cast):
    _answer(job, attitude=4, skill=3, punctuality=3, promise=4, comment="师傅很专业，谢谢")
    assert not FollowUpCase.objects.exists() and not VisitTask.objects.exists()
    assert not Notification.objects.exists()


def test_low_score_opens_a_case_for_the_service_department(job, cast):
    before = timezone.now()
    _answer(job, punctuality=2, comment="来晚了一点")
    case = FollowUpCase.objects.get()
    assert case.source == CaseSource.SURVEY and case.survey == survey_of(job)
    assert case.status == CaseStatus.OPEN and not case.serious and not case.complaint
    assert case.reasons == [{"kind": "rating", "item": "punctuality", "rating": 2}]
    assert case.number.startswith("FB") and case.service_centre == cast.centre
    # CP-15: 24 clock hours, from the complaint_reply policy.
    assert before + timedelta(hours=24) <= case.reply_due_at <= timezone.now() + timedelta(hours=24)
    assert Notification.objects.filter(user=cast.manager, level="warning").count() == 1
    assert not VisitTask.objects.exists()  # a low score is not a complaint
    assert actions(case) == ["open"]


def test_reply_deadline_follows_the_editable_policy(job):
    DeadlinePolicy.objects.filter(kind="complaint_reply").update(hours=8)
    policies_changed()
    before = timezone.now()
    _answer(job, skill=2)
    case = FollowUpCase.objects.get()
    assert before + timedelta(hours=8) <= case.reply_due_at <= timezone.now() + timedelta(hours=8)


def test_complaint_words_open_a_case_and_a_supervisors_visit(job, cast):
    _answer(job, comment="我要投诉，收费太乱")
    case = FollowUpCase.objects.get()
    assert case.complaint and not case.serious
    assert {"kind": "word", "word": "投诉"} in case.reasons
    visit = VisitTask.objects.get(case=case)
    assert visit.assigned_to == cast.supervisor and visit.status == VisitStatus.OPEN
    assert visit.due_on > timezone.localdate()
    assert Notification.objects.filter(user=cast.supervisor).exists()


def test_serious_goes_to_the_vice_president_at_once(job, cast, vice_president, sms):
    _answer(job, attitude=1, comment="态度恶劣")
    case = FollowUpCase.objects.get()
    assert case.serious and case.complaint
    alert = Notification.objects.get(user=vice_president)
    assert alert.level == "error" and case.number in alert.text
    messages = OutboundMessage.objects.filter(case=case, kind=MessageKind.SERIOUS_ALERT)
    assert sorted(messages.values_list("channel", "destination")) == [
        ("email", "vp@example.com"), ("sms", "+8613900000001")]
    for message in messages:
        services.message_deliver(message_id=message.pk)
    assert [line["to"] for line in sms_lines(sms)] == ["+8613900000001"]
    assert mail.outbox[0].to == ["vp@example.com"] and case.number in mail.outbox[0].subject
    # The service department hears of it as well, once each.
    assert Notification.objects.filter(user=cast.manager).count() == 1


def test_without_named_recipients_serious_alerts_go_to_the_service_department(job, cast):
    _answer(job, skill=1)
    assert Notification.objects.get(user=cast.manager).level == "error"


def test_thresholds_and_words_are_editable(job, policy):
    policy.low_score_max = 1
    policy.serious_score_max = 1
    policy.complaint_words = "回访太多"
    policy.save()
    _answer(job, punctuality=2, comment="我要投诉")  # no longer low, no longer a listed word
    assert not FollowUpCase.objects.exists()


def test_word_matching():
    assert rules.words_in("I want to COMPLAIN about this", ["complain"]) == ("complain",)
    assert rules.words_in("Complaints department", ["complaint"]) == ("complaint",)
    assert rules.words_in("a prudent man", ["rude"]) == ()
    assert rules.words_in("服務態度惡劣", ["態度惡劣", "投诉"]) == ("態度惡劣",)


def _case(job, **values):
    _answer(job, **({"attitude": 2} | values))
    return FollowUpCase.objects.get()


def test_case_workflow_tells_the_customer_and_schedules_a_call(job, cast, sms):
    case = _case(job)
    case = services.case_take_up(actor=cast.manager, case=case, note="已致电客户致歉，约定明天处理")
    assert case.status == CaseStatus.IN_PROGRESS and case.handler == cast.manager
    assert case.replied_at is not None and not case.reply_overdue()
    case = services.case_tell_customer(actor=cast.manager, case=case,
                                       outcome="已批评教育该师傅，并赠送一次免费保养。")
    assert case.status == CaseStatus.CUSTOMER_TOLD
    outcome = OutboundMessage.objects.filter(case=case, kind=MessageKind.CASE_OUTCOME)
    assert sorted(outcome.values_list("channel", flat=True)) == ["email", "sms"]
    for message in outcome:
        services.message_deliver(message_id=message.pk)
    assert "免费保养" in sms_lines(sms)[0]["text"] and "免费保养" in mail.outbox[0].body
    assert outcome.filter(status=MessageStatus.SENT).count() == 2
    case = services.case_close(actor=cast.manager, case=case, note="客户接受")
    assert case.status == CaseStatus.CLOSED and case.closed_at
    call = FollowUpCall.objects.get(kind=CallKind.AFTER_COMPLAINT)
    assert call.case == case and call.request == job and call.due_at > case.closed_at
    assert actions(case) == ["open", "take_up", "tell_customer", "close"]


def test_steps_cannot_be_skipped(job, cast):
    case = _case(job)
    with pytest.raises(IllegalTransition):
        services.case_close(actor=cast.manager, case=case)
    with pytest.raises(IllegalTransition):
        services.case_tell_customer(actor=cast.manager, case=case, outcome="已经处理好了")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not OutboundMessage.objects.filter(case=case).exists()


def test_a_case_with_an_open_visit_cannot_close(job, cast):
    case = _case(job, comment="投诉")
    case = services.case_take_up(actor=cast.manager, case=case, note="已回复")
    case = services.case_tell_customer(actor=cast.manager, case=case, outcome="已处理完毕")
    with pytest.raises(ValidationError):
        services.case_close(actor=cast.manager, case=case)
    visit = VisitTask.objects.get(case=case)
    services.visit_task_complete(actor=cast.supervisor, task=visit, report="上门道歉，客户满意")
    case.refresh_from_db()
    assert services.case_close(actor=cast.manager, case=case).status == CaseStatus.CLOSED


@pytest.mark.parametrize("who", ["agent", "supervisor", "technician", "other_branch_manager"])
def test_only_the_service_department_handles_cases(job, cast, other_cast, who):
    case = _case(job)
    if who == "other_branch_manager":
        actor = UserFactory(username="bm-x", role=Role.MANAGER, service_centre=other_cast.centre)
    else:
        actor = getattr(cast, who)
    before = FollowUpCase.objects.values().get(pk=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_take_up(actor=actor, case=case, note="试图处理")
    assert FollowUpCase.objects.values().get(pk=case.pk) == before
    assert actions(case) == ["open"]


def test_the_branch_manager_may_handle_his_centres_case(job, cast):
    case = _case(job)
    branch = UserFactory(username="bm", role=Role.MANAGER, service_centre=cast.centre)
    assert services.case_take_up(actor=branch, case=case, note="已回复客户").handler == branch


def test_unreplied_case_is_escalated_at_its_deadline_once(job, cast):
    case = _case(job)
    Notification.objects.all().delete()
    assert services.case_reply_check(case_id=case.pk) is False  # not yet due
    later = case.reply_due_at + timedelta(minutes=1)
    assert services.case_reply_check(case_id=case.pk, now=later) is True
    assert services.case_reply_check(case_id=case.pk, now=later) is False
    assert Notification.objects.filter(user=cast.manager, level="error").count() == 1
    assert FollowUpCase.objects.reply_overdue(now=later).get() == case


def test_replied_case_is_not_escalated(job, cast):
    case = services.case_take_up(actor=cast.manager, case=_case(job), note="已回复")
    assert services.case_reply_check(case_id=case.pk, now=case.reply_due_at + timedelta(hours=1)) is False
