"""Survey invitations and the outcome of a follow-up case in the customer's own language; the
site's language for a customer without one."""

from datetime import date

import pytest
from django.core import mail

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback import services, texts
from aftersales.feedback.choices import MessageStatus
from aftersales.feedback.models import OutboundMessage

from .helpers import completed_job, sms_lines, survey_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(clock_at):
    return clock_at(10, 0, day=date(2026, 6, 10))  # a Wednesday


def _send_all(survey):
    services.survey_send(survey_id=survey.pk, now=survey.due_at)
    for message in OutboundMessage.objects.filter(survey=survey, status=MessageStatus.PENDING):
        services.message_deliver(message_id=message.pk)


def test_the_survey_sms_and_e_mail_in_traditional_for_a_traditional_customer(cast, sms, morning):
    hant = completed_job(cast, customer=CustomerFactory(
        name="陳先生", phone="+8613900007711", email="chan@example.com", language="zh-hant"))
    plain = completed_job(cast, customer=CustomerFactory(
        name="王先生", phone="+8613900007712", email=""))
    _send_all(survey_of(hant))
    _send_all(survey_of(plain))
    by_phone = {line["to"]: line["text"] for line in sms_lines(sms)}
    assert "感謝您選擇我們的服務" in by_phone["+8613900007711"]
    assert "感谢您选择我们的服务" in by_phone["+8613900007712"]
    [email] = mail.outbox
    assert email.to == ["chan@example.com"] and "請" in email.body and "请" not in email.body


def test_english_for_an_english_customer(cast, morning):
    job = completed_job(cast, customer=CustomerFactory(name="Amy", language="en"))
    subject, body = texts.survey_invitation(survey_of(job), channel="email")
    assert subject == f"How did we do on request {job.number}?"
    assert body.startswith("Dear Amy,")
