"""CP-10/CP-11: the allowance as invoicing's credit note, the return with the tolerance ratio,
the receivable left out of the bonus, the customer told in his language and channel; CP-7
inquiries after closing; RP-5 the monthly report produced once on the 1st–10th."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from aftersales.invoicing.selectors import credit_notes_for

from .. import rules, services
from ..choices import Status
from ..models import Inquiry, MonthlyReport
from ..services.stats import monthly_report_produce
from .factories import Team, drive, new_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team()


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms" / "outbox.jsonl"


def _sms(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_allowance_is_a_credit_note_and_the_customer_is_told_by_sms(team, outbox,
                                                                   django_capture_on_commit_callbacks):
    c = drive(new_complaint(team), team, Status.DECIDED, amount=Decimal("800.00"))
    with django_capture_on_commit_callbacks(execute=True):
        c = services.complaint_close(actor=team.people["SALES"], complaint=c,
                                     receivable_amount="3200")
    (note,) = credit_notes_for(c)
    assert note.amount == Decimal("800.00") and c.credit_document == note.number
    assert c.outcome == "allowance" and c.outcome_amount == Decimal("800.00")
    assert c.receivable_exclusion.amount == Decimal("3200.00")
    (sms,) = _sms(outbox)
    assert sms["to"] == c.customer.phone and c.number in sms["text"] and "800.00" in sms["text"]
    assert "折让" in sms["text"]  # in Chinese, the customer's language


def test_english_customer_by_e_mail_return_with_tolerance(team, outbox,
                                                          django_capture_on_commit_callbacks):
    c = new_complaint(team, customer=None, contact_name="Mr Smith",
                      contact_email="smith@example.com", contact_phone="", language="en",
                      reply_channel="email", market="foreign")
    c = drive(c, team, Status.NEGOTIATION)
    c = services.step_complete(actor=team.people["SALES"], complaint=c, opinion="agreed",
                               proposed_outcome="return", return_quantity="100")
    c = drive(c, team, Status.DECIDED)
    # 104 returned, tolerance 5 %: within 105 → the actual 104 is booked
    with django_capture_on_commit_callbacks(execute=True):
        c = services.complaint_close(actor=team.people["SALES"], complaint=c,
                                     returned_quantity="104")
    assert (c.booked_quantity, c.tolerance_ratio) == (Decimal("104.00"), Decimal("0.050"))
    (message,) = mail.outbox
    assert message.to == ["smith@example.com"] and "we take back 100 pieces" in message.body
    assert _sms(outbox) == []
    assert rules.return_booked(Decimal("100"), Decimal("106"), Decimal("0.05")) == (
        Decimal("100"), False)


def test_late_steps_get_an_inquiry_after_closing(team, clock_at):
    start = clock_at(9, 0, day=date(2026, 11, 2), tick=False)  # Monday
    c = new_complaint(team)
    c = services.step_complete(actor=team.people["GMO"], complaint=c, opinion="受理")
    clock_at(9, 0, day=date(2026, 11, 4), tick=False)  # QA took two working days for one
    c = drive(c, team, Status.DECIDED)
    assert Inquiry.objects.filter(complaint=c).count() == 0
    c = services.complaint_close(actor=team.people["SALES"], complaint=c)
    (inquiry,) = Inquiry.objects.filter(complaint=c)
    assert inquiry.step.code == "qa" and inquiry.department.code == "QA"
    assert inquiry.late_by_hours == Decimal("9.00")  # due Tue 09:00, done Wed 09:00
    assert c.closed_in_time is True and start
    inquiry = services.inquiry_answer(actor=team.people["QA"], inquiry=inquiry,
                                      answer="等待客户寄回样品")
    assert inquiry.answered_at is not None


def test_monthly_report_once_between_the_1st_and_the_10th(team, clock_at):
    clock_at(10, 0, day=date(2026, 11, 20), tick=False)
    c = drive(new_complaint(team), team, Status.CLOSED)
    assert monthly_report_produce(today=date(2026, 11, 20)) is None  # after the 10th: not due
    report = monthly_report_produce(today=date(2026, 12, 3))
    assert report.month == date(2026, 11, 1) and report.data["closed"] == 1
    assert report.data["by_cause"]["spec"] == 1 and report.data["numbers"] == [c.number]
    assert len(report.data["by_cause"]) == 15
    assert monthly_report_produce(today=date(2026, 12, 4)) is None  # once
    assert MonthlyReport.objects.count() == 1


def test_monthly_command_stores_once_and_queues_the_next_run(team):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("complaints_monthly", "--force", stdout=out)
    call_command("complaints_monthly", "--force", stdout=out)
    assert MonthlyReport.objects.count() == 1
    assert "nothing new" in out.getvalue() and "next run" in out.getvalue()
