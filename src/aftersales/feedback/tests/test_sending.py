"""Sending surveys (FB-1): SMS and e-mail where both exist, a fresh link in each, retries when
the gateway fails, one reminder if unanswered, nothing after an answer or expiry."""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback import services
from aftersales.feedback.choices import MessageKind, MessageStatus
from aftersales.feedback.models import OutboundMessage, Survey

from .helpers import actions, answer, completed_job, sms_lines, survey_of, token_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(cast):
    customer = CustomerFactory(name="刘女士", phone="+8613912340000", email="liu@example.com")
    return completed_job(cast, customer=customer)


def _send_all(survey):
    services.survey_send(survey_id=survey.pk, now=survey.due_at)
    for message in OutboundMessage.objects.filter(survey=survey, status=MessageStatus.PENDING):
        services.message_deliver(message_id=message.pk)


def test_sms_and_email_both_carry_a_working_link(both, sms, settings):
    survey = survey_of(both)
    _send_all(survey)
    [line] = sms_lines(sms)
    assert line["to"] == "+8613912340000"
    assert both.number in line["text"] and "刘女士" in line["text"]
    [email] = mail.outbox
    assert email.to == ["liu@example.com"] and both.number in email.subject
    sms_token, mail_token = token_in(line["text"]), token_in(email.body)
    assert sms_token != mail_token
    assert Client().get(f"/s/{sms_token}/").status_code == 200
    survey.refresh_from_db()
    assert survey.sent_at is not None
    assert OutboundMessage.objects.filter(survey=survey, status=MessageStatus.SENT).count() == 2
    # Only the placeholder is stored, never a usable link.
    assert all("/s/" not in m.body for m in OutboundMessage.objects.filter(survey=survey))
    assert "sent" in actions(survey)


def test_survey_is_not_sent_before_its_morning(both, sms):
    survey = survey_of(both)
    assert services.survey_send(survey_id=survey.pk, now=survey.due_at - timedelta(hours=1)) == 0
    assert not OutboundMessage.objects.exists()


def test_sending_twice_sends_once(both, sms):
    survey = survey_of(both)
    _send_all(survey)
    _send_all(survey)
    assert len(sms_lines(sms)) == 1 and len(mail.outbox) == 1


def test_no_contact_means_qr_only(cast, sms):
    request = completed_job(cast, customer=CustomerFactory(phone="+862162345678", email=""))
    survey = survey_of(request)
    assert services.survey_send(survey_id=survey.pk, now=survey.due_at) == 0
    assert "no_contact" in actions(survey)
    assert sms_lines(sms) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_failed_email_is_retried_later_then_given_up(both, sms, settings, policy):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()  # nobody listens
    policy.send_max_attempts = 2
    policy.save()
    survey = survey_of(both)
    services.survey_send(survey_id=survey.pk, now=survey.due_at)
    message = OutboundMessage.objects.get(survey=survey, channel="email")
    before = timezone.now()
    assert services.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert "ConnectionRefused" in message.last_error
    retry = DBTaskResult.objects.filter(task_path__endswith="deliver_message",
                                        args_kwargs__args=[message.pk]).order_by("-enqueued_at")[0]
    assert retry.run_after >= before + timedelta(minutes=policy.retry_minutes)
    assert services.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 2
    assert "send_failed" in actions(survey)
    # The SMS went out regardless, and the survey counts as sent.
    sms_message = OutboundMessage.objects.get(survey=survey, channel="sms")
    services.message_deliver(message_id=sms_message.pk)
    survey.refresh_from_db()
    assert survey.sent_at is not None


def test_one_reminder_if_unanswered(both, sms, policy):
    survey = survey_of(both)
    _send_all(survey)
    remind = DBTaskResult.objects.get(task_path__endswith="remind_survey",
                                      args_kwargs__args=[survey.pk])
    survey.refresh_from_db()
    assert remind.run_after == survey.sent_at + timedelta(days=policy.reminder_after_days)
    for _ in range(3):
        services.survey_remind(survey_id=survey.pk)
    for message in OutboundMessage.objects.filter(kind=MessageKind.REMINDER,
                                                  status=MessageStatus.PENDING):
        services.message_deliver(message_id=message.pk)
    assert len(sms_lines(sms)) == 2 and len(mail.outbox) == 2
    survey.refresh_from_db()
    assert survey.reminded_at is not None
    # The reminder's link works too (a fresh one).
    assert Client().get(f"/s/{token_in(sms_lines(sms)[1]['text'])}/").status_code == 200


def test_no_reminder_after_an_answer(both, sms):
    survey = survey_of(both)
    _send_all(survey)
    answer(token_in(sms_lines(sms)[0]["text"]))
    assert services.survey_remind(survey_id=survey.pk) == 0
    assert len(sms_lines(sms)) == 1


def test_queued_message_is_not_sent_after_an_answer(both, sms):
    survey = survey_of(both)
    services.survey_send(survey_id=survey.pk, now=survey.due_at)
    sms_message = OutboundMessage.objects.get(survey=survey, channel="sms")
    services.message_deliver(message_id=sms_message.pk)
    answer(token_in(sms_lines(sms)[0]["text"]))
    mail_message = OutboundMessage.objects.get(survey=survey, channel="email")
    assert mail_message.status == MessageStatus.CANCELLED
    assert services.message_deliver(message_id=mail_message.pk) is False
    assert mail.outbox == []


def test_expired_survey_is_not_sent(both, sms):
    survey = survey_of(both)
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.survey_send(survey_id=survey.pk) == 0
    assert not OutboundMessage.objects.exists()
