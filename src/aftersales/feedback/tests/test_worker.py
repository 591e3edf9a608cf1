"""Sending through a real worker process (``aftersales worker --burst``): the survey by e-mail
to a real SMTP server on 127.0.0.1 and by SMS to the file backend, one reminder, and a retry
after the mail server was down."""

import email
import os
import socket
import subprocess
import sys
from datetime import timedelta
from email import policy as email_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.choices import MessageStatus
from aftersales.feedback.models import OutboundMessage
from aftersales.service.tests.factories import Cast

from .helpers import completed_job, sms_lines, survey_of, token_in

pytestmark = pytest.mark.django_db(transaction=True)
AFTERSALES = Path(sys.executable).parent / "aftersales"


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content, policy=email_policy.default)
                for e in self.envelopes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


@pytest.fixture
def worker(tmp_path):
    port = _free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
        "DATABASE_URL": _database_url(), "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        "AFTERSALES_DATA_DIR": str(tmp_path),  # the worker's SMS outbox: tmp_path/test-sms
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "SITE_URL": "http://testserver",
    }

    class Worker:
        smtp_port = port
        sms_folder = tmp_path / "test-sms"

        @staticmethod
        def run():
            done = subprocess.run([AFTERSALES, "worker", "--burst"], env=env, timeout=180,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-3000:]

    return Worker


@pytest.fixture
def smtp(worker):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=worker.smtp_port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def _job():
    customer = CustomerFactory(name="黄女士", phone="+8613611112222", email="huang@example.com")
    return completed_job(Cast(), customer=customer, days_ago=2)  # due yesterday morning


def _make_due(task_name: str):
    return DBTaskResult.objects.filter(task_path__endswith=task_name,
                                       status="READY").update(run_after=timezone.now())


def test_worker_sends_survey_by_smtp_and_sms_then_one_reminder(worker, smtp):
    request = _job()
    survey = survey_of(request)
    worker.run()

    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["huang@example.com"]
    [message] = smtp.messages
    assert request.number in str(message["Subject"])
    mail_token = token_in(message.get_content())
    [sms] = sms_lines(worker.sms_folder)
    assert sms["to"] == "+8613611112222" and request.number in sms["text"]
    survey.refresh_from_db()
    assert survey.sent_at is not None and survey.reminded_at is None
    assert Client().get(f"/s/{mail_token}/").status_code == 200

    # Three days later the reminder falls due; it goes out once, however often the worker runs.
    assert _make_due("remind_survey") == 1
    worker.run()
    _make_due("remind_survey")
    worker.run()
    assert len(smtp.envelopes) == 2 and len(sms_lines(worker.sms_folder)) == 2
    survey.refresh_from_db()
    assert survey.reminded_at is not None


def test_worker_retries_mail_after_the_server_was_down(worker):
    request = _job()
    worker.run()  # nobody listens on the SMTP port yet
    mail_message = OutboundMessage.objects.get(survey__request=request, channel="email")
    assert mail_message.status == MessageStatus.PENDING and mail_message.attempts == 1
    assert mail_message.last_error
    assert len(sms_lines(worker.sms_folder)) == 1  # the SMS did not wait for the mail

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=worker.smtp_port)
    controller.start()
    try:
        worker.run()  # the retry is not due yet: nothing happens
        assert inbox.envelopes == []
        assert _make_due("deliver_message") == 1
        worker.run()
    finally:
        controller.stop()
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["huang@example.com"]
    mail_message.refresh_from_db()
    assert mail_message.status == MessageStatus.SENT and mail_message.attempts == 2
    assert len(sms_lines(worker.sms_folder)) == 1  # and the SMS was not sent twice


def test_nothing_is_sent_for_a_survey_answered_before_its_morning(worker, smtp):
    from aftersales.feedback import services

    customer = CustomerFactory(phone="+8613611113333", email="early@example.com")
    request = completed_job(Cast(), customer=customer, days_ago=2)
    token = services.survey_link_issue(survey=survey_of(request), channel="qr")  # the voucher
    services.survey_answer(token=token, attitude=4, skill=4, punctuality=4, promise=4,
                           may_call=True)
    worker.run()
    assert smtp.envelopes == [] and sms_lines(worker.sms_folder) == []
    assert timedelta(0) <= timezone.now() - survey_of(request).answered_at < timedelta(minutes=5)
