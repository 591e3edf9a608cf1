"""Payment reminders (催款): what fell due by today and is not paid — all that is open on an
invoice, only the instalments due on one paid in instalments — by a text to the customer's
mobile, else by e-mail, in his language; once a day; nothing due or no way to reach him refused
by name, nothing sent; who may remind; the receivables page and the API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory

from ..selectors import invoices_due_now
from ..services import (
    customer_payment_record,
    invoice_payment_record,
    payment_reminder_send,
    payment_schedule_set,
    statement_send,
)
from ..statements import payment_reminders
from .conftest import BOOKS_DAY
from .factories import invoice_make

pytestmark = [pytest.mark.django_db]
D = Decimal


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


@pytest.fixture
def owing(books, customer, clock_at):
    """Two invoices: one of ¥300 issued ten days ago, ¥100 of it paid; one of ¥1,200 in three
    instalments of ¥400, the first due five days ago, the others later."""
    clock_at(10, 0, day=BOOKS_DAY - timedelta(days=10))
    first = invoice_make(customer, "300.00")
    invoice_payment_record(actor=books, invoice=first, amount="100.00", method="transfer",
                           idempotency_key="part")
    second = invoice_make(customer, "1200.00")
    payment_schedule_set(actor=books, invoice=second, instalments=[
        (BOOKS_DAY - timedelta(days=5), "400.00"), (BOOKS_DAY + timedelta(days=25), "400.00"),
        (BOOKS_DAY + timedelta(days=55), "400.00")])
    clock_at(10, 30, day=BOOKS_DAY)
    return first, second


def test_what_fell_due_is_what_is_open_and_the_instalments_due(owing, customer):
    first, second = owing
    assert [(b.invoice, amount) for b, amount in invoices_due_now(customer)] == [
        (first, D("200.00")), (second, D("400.00"))]


@pytest.mark.usefixtures("english")
def test_a_text_to_his_mobile_once_a_day(owing, customer, books, sms_outbox,
                                         django_capture_on_commit_callbacks):
    first, second = owing
    customer.language = "en"
    customer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        event, created = payment_reminder_send(actor=books, customer=customer)
        again, created_again = payment_reminder_send(actor=books, customer=customer)
    assert created and not created_again and again == event
    [text] = sms_outbox.messages
    assert text["to"] == customer.phone
    assert text["text"] == (
        f"海燕物业, ¥600.00 of 2 invoice(s) ({first.number}、{second.number}) fell due from "
        f"{(BOOKS_DAY - timedelta(days=10)).isoformat()} and is not paid yet. Please pay it "
        "soon; if you have paid already, thank you and please ignore this. "
        "After-sales service department")
    assert (event.action, event.actor, event.data["channel"], event.data["amount"],
            event.data["invoices"]) == ("payment_reminded", books, "sms", "600.00",
                                        [first.number, second.number])


def test_an_email_without_a_mobile_and_refusals(owing, customer, books, mailoutbox, clock_at,
                                                django_capture_on_commit_callbacks):
    customer.phone, customer.phone_alt, customer.email = "021-5888 1234", "", "cw@haiyan.example"
    customer.save(update_fields=["phone", "phone_alt", "email"])
    with django_capture_on_commit_callbacks(execute=True):
        event, _created = payment_reminder_send(actor=books, customer=customer)
    assert event.data["channel"] == "email" and [m.to for m in mailoutbox] == [
        ["cw@haiyan.example"]]
    assert mailoutbox[0].subject == "付款提醒：应付 ¥600.00，售后服务部"
    clock_at(10, 30, day=BOOKS_DAY + timedelta(days=1))  # the next day: he may be reminded again
    customer.email = ""
    customer.save(update_fields=["email"])
    assert _refused(lambda: payment_reminder_send(actor=books, customer=customer)) == {
        "customer": ["海燕物业 没有手机号码和电子邮箱：请致电 021-5888 1234。"]}
    nothing = CustomerFactory(name="王建国")
    assert _refused(lambda: payment_reminder_send(actor=books, customer=nothing)) == {
        "customer": ["王建国 没有到期应付的款项。"]}
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    with pytest.raises(PermissionDenied):
        payment_reminder_send(actor=agent, customer=customer)
    assert payment_reminders(customer).count() == 1 and len(mailoutbox) == 1


def test_the_receivables_page_and_the_api_remind(owing, customer, books, client, sms_outbox,
                                                 django_capture_on_commit_callbacks):
    client.force_login(books)
    url = reverse("invoicing:receivables")
    page = client.get(url).content.decode()
    assert f'data-remind="{customer.pk}"' in page and "data-reminded" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invoicing:payment_reminder", args=[customer.pk]),
                               {"next": url}, follow=True)
        again = client.post(reverse("invoicing:payment_reminder", args=[customer.pk]),
                            {"next": url}, follow=True)
    assert f"已提醒 海燕物业 付款 ¥600.00（{customer.phone}）。" in response.content.decode()
    assert "海燕物业 今天已于 10:30 提醒过" in again.content.decode()
    assert "data-reminded>已于 11-16 催款<" in again.content.decode()
    assert len(sms_outbox.messages) == 1

    api = APIClient()
    api.force_authenticate(books)
    body = api.post("/api/v1/payment-reminders/", {"customer": customer.pk}, format="json")
    assert body.status_code == 200  # today's already
    assert (body.json()["channel"], body.json()["amount"]) == ("sms", "600.00")
    assert api.post("/api/v1/payment-reminders/", {"customer": 999999},
                    format="json").status_code == 400
    agent = UserFactory(role=Role.AGENT, service_centre=customer.service_centre)
    api.force_authenticate(agent)
    assert api.post("/api/v1/payment-reminders/", {"customer": customer.pk},
                    format="json").status_code == 403
    client.force_login(agent)
    assert f'data-remind="{customer.pk}"' not in client.get(url).content.decode()
    assert len(sms_outbox.messages) == 1


def test_the_customers_page_says_when_he_was_reminded_and_sent_his_statement(
        owing, customer, books, client, sms_outbox):
    customer.email = "cw@haiyan.example"
    customer.save(update_fields=["email"])
    payment_reminder_send(actor=books, customer=customer)
    statement_send(actor=books, customer=customer, since=date(2026, 11, 1),
                   until=date(2026, 11, 15))
    manager = UserFactory(role=Role.MANAGER, service_centre=customer.service_centre)
    client.force_login(manager)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    said = page.split("data-customer-contacted>")[1].split("</p>")[0]
    assert "已于 2026-11-16 催款 ¥600.00。" in said
    assert "2026-11-01 – 2026-11-15 的对账单已于 2026-11-16 发送。" in said
    assert f'href="{reverse("invoicing:statement", args=[customer.pk])}" data-statement-link' in page


@pytest.mark.usefixtures("english")
def test_what_he_has_with_us_is_taken_off_and_may_cover_it(owing, customer, books, sms_outbox,
                                                           django_capture_on_commit_callbacks):
    customer_payment_record(actor=books, customer=customer, amount="450.00", method="transfer",
                            idempotency_key="deposit")  # on account, not applied yet
    with django_capture_on_commit_callbacks(execute=True):
        event, _created = payment_reminder_send(actor=books, customer=customer)
    assert event.data["amount"] == "150.00"  # ¥600 fell due, ¥450 on account
    assert "尚有 ¥150.00 未付" in sms_outbox.messages[0]["text"]  # his language: the company's
    other = CustomerFactory(name="王建国")
    invoice_make(other, "100.00")
    customer_payment_record(actor=books, customer=other, amount="100.00", method="transfer",
                            idempotency_key="other")
    assert _refused(lambda: payment_reminder_send(actor=books, customer=other)) == {
        "customer": ["王建国 has ¥100.00 with us (money on account, invoices owing him back), "
                     "which covers the ¥100.00 due: apply it to his invoices instead."]}
    assert len(sms_outbox.messages) == 1
