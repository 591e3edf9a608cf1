"""A dealer reminded to pay (催款) what its invoices for parts it kept have open: a text to its
phone when that is a mobile and a notice to each of its logins, linking its statement; once a
day, three accountants at once sending one (SQLite and PostgreSQL); what other invoices owe it
back taken off; nothing open, owed back covering it, or no way to reach it refused by name,
nothing sent; who may remind; the receivables page and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.tests.concurrency import at_once
from aftersales.dealers.models import DealerUser
from aftersales.dealers.tests.test_job_parts import complete, handed
from aftersales.dealers.tests.test_orders import DAY
from aftersales.parts import services as parts
from aftersales.service.tests.factories import Cast

from ..choices import CreditKind
from ..models import Invoice
from ..services import (
    credit_note_issue,
    dealer_payment_reminder_send,
    dealer_refund_record,
    invoice_payment_record,
)
from ..statements import payment_reminders
from .test_kept_invoices import LATER, _kept_world, dealer_kept

MOBILE = "13901234567"


@pytest.fixture
def net(kept_net):
    return kept_net


def _notices(dealer) -> list:
    """The notices that link the dealer's statement (its reminders)."""
    link = reverse("invoicing:dealer_statement", args=[dealer.pk])
    return list(Notification.objects.filter(link=link))


def _refused(call) -> list:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict["dealer"]


@pytest.fixture
def owing(net):
    """D1 kept two ignition parts (¥71.00), paid ¥21.00 of their invoice; its phone a mobile."""
    dealer = net["d1"]
    dealer.phone, dealer.contact = MOBILE, "陈经理"
    dealer.save(update_fields=["phone", "contact"])
    dealer_kept(net)
    invoice = Invoice.objects.get()
    invoice_payment_record(actor=net["accountant"], invoice=invoice, amount="21.00",
                           method="transfer", idempotency_key="part")
    return invoice


def test_a_text_and_a_notice_to_its_logins_once_a_day(net, owing, sms_outbox,
                                                      django_capture_on_commit_callbacks):
    dealer, books = net["d1"], net["accountant"]
    with django_capture_on_commit_callbacks(execute=True):
        event, created = dealer_payment_reminder_send(actor=books, dealer=dealer)
        again, created_again = dealer_payment_reminder_send(actor=books, dealer=dealer)
    assert created and not created_again and again == event
    [text] = sms_outbox.messages
    assert text["to"] == MOBILE
    assert text["text"] == (
        f"浦东经销商：贵司在本公司的 1 张发票（{owing.number}）共 ¥50.00 尚未付款，明细见对账单。"
        "请尽快付款；如已付款，谢谢，请忽略本提醒。售后服务部")
    [notice] = _notices(dealer)
    assert (notice.user, notice.text, notice.level) == (net["u1"], text["text"], "warning")
    assert (event.subject, event.action, event.actor, event.data["channel"],
            event.data["amount"], event.data["invoices"], event.data["logins"]) == (
        dealer, "payment_reminded", books, "sms", "50.00", [owing.number], 1)
    assert event.data["to"] == f"{MOBILE} · 1 个登录账号"
    # its login opens the statement the notice links
    assert payment_reminders(dealer).count() == 1


def test_a_landline_leaves_the_notice_and_refusals(net, owing, sms_outbox,
                                                   django_capture_on_commit_callbacks):
    dealer, books = net["d1"], net["accountant"]
    dealer.phone = "021-5888 1234"
    dealer.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        event, _created = dealer_payment_reminder_send(actor=books, dealer=dealer)
    assert (event.data["channel"], event.data["mobile"], event.data["to"]) == (
        "notice", "", "1 个登录账号")
    assert not sms_outbox.messages and len(_notices(dealer)) == 1
    assert _refused(lambda: dealer_payment_reminder_send(actor=books, dealer=net["d2"])) == [
        "闵行经销商 在本公司的发票上没有欠款。"]
    with pytest.raises(PermissionDenied):
        dealer_payment_reminder_send(actor=net["u1"], dealer=dealer)
    with pytest.raises(PermissionDenied):
        dealer_payment_reminder_send(actor=net["cast"].agent, dealer=dealer)
    assert payment_reminders(dealer).count() == 1 and len(_notices(dealer)) == 1


def test_no_mobile_and_no_login_is_refused(net, owing, sms_outbox):
    dealer = net["d1"]
    dealer.phone = "021-5888 1234"
    dealer.save(update_fields=["phone"])
    DealerUser.objects.filter(dealer=dealer).delete()
    assert _refused(lambda: dealer_payment_reminder_send(actor=net["accountant"],
                                                         dealer=dealer)) == [
        "浦东经销商 没有手机号码，也没有登录账号：请致电 021-5888 1234 联系 陈经理。"]
    assert not payment_reminders(dealer).exists() and not sms_outbox.messages


def test_what_another_invoice_owes_it_back_is_taken_off_and_may_cover_it(
        net, owing, sms_outbox, clock_at, django_capture_on_commit_callbacks):
    """A second kept part invoiced, paid in full and credited in full: the ¥35.50 it owes back
    is taken off the ¥50.00 open on the first; once it covers what is open, the reminder is
    refused; paid back, what is open is reminded in full."""
    dealer, books = net["d1"], net["accountant"]
    complete(net, handed(net), (net["part"], 1))
    assert parts.obligations_sweep(today=LATER) == 1
    second = Invoice.objects.exclude(pk=owing.pk).get()
    invoice_payment_record(actor=books, invoice=second, amount="35.50", method="transfer",
                           idempotency_key="second")
    credit_note_issue(actor=books, amount="35.50", reason="退回", kind=CreditKind.CREDIT,
                      invoice=second)
    with django_capture_on_commit_callbacks(execute=True):
        event, _created = dealer_payment_reminder_send(actor=books, dealer=dealer)
    assert (event.data["amount"], event.data["invoices"]) == ("14.50", [owing.number])
    clock_at(10, 0, day=DAY + timedelta(days=1), tick=False)  # the next day
    credit_note_issue(actor=books, amount="20.00", reason="调价", kind=CreditKind.CREDIT,
                      invoice=owing)
    assert _refused(lambda: dealer_payment_reminder_send(actor=books, dealer=dealer)) == [
        "本公司另有发票应退 浦东经销商 ¥35.50，足以抵付未付的 ¥30.00：请将两者结清，而不是催款。"]
    dealer_refund_record(actor=books, invoice=second, amount="35.50")
    with django_capture_on_commit_callbacks(execute=True):
        event, created = dealer_payment_reminder_send(actor=books, dealer=dealer)
    assert created and event.data["amount"] == "30.00"
    assert len(sms_outbox.messages) == 2


def test_the_receivables_page_and_the_api_remind(net, owing, client, sms_outbox,
                                                 django_capture_on_commit_callbacks):
    dealer, books = net["d1"], net["accountant"]
    client.force_login(books)
    url = reverse("invoicing:receivables")
    page = client.get(url).content.decode()
    assert f'data-remind-dealer="{dealer.pk}"' in page
    remind = reverse("invoicing:dealer_payment_reminder", args=[dealer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind, {"next": url}, follow=True)
        again = client.post(remind, {"next": url}, follow=True)
    assert f"已提醒 浦东经销商 付款 ¥50.00（{MOBILE} · 1 个登录账号）。" in response.content.decode()
    assert "浦东经销商 今天已于 10:00 提醒过" in again.content.decode()
    assert "data-reminded>已于" in again.content.decode()
    assert len(sms_outbox.messages) == 1

    api = APIClient()
    api.force_authenticate(books)
    body = api.post("/api/v1/dealer-payment-reminders/", {"dealer": dealer.pk}, format="json",
                    headers={"Idempotency-Key": "dr-1"})
    assert body.status_code == 200, body.content  # today's already
    assert (body.json()["dealer"], body.json()["channel"], body.json()["amount"],
            body.json()["logins"]) == (dealer.pk, "sms", "50.00", 1)
    assert api.post("/api/v1/dealer-payment-reminders/", {"dealer": 999999}, format="json",
                    headers={"Idempotency-Key": "dr-2"}).status_code == 400
    api.force_authenticate(net["cast"].agent)
    assert api.post("/api/v1/dealer-payment-reminders/", {"dealer": dealer.pk}, format="json",
                    headers={"Idempotency-Key": "dr-3"}).status_code == 403
    client.force_login(net["cast"].agent)
    assert f'data-remind-dealer="{dealer.pk}"' not in client.get(url).content.decode()
    assert len(sms_outbox.messages) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_three_accountants_reminding_a_dealer_at_once_send_one_reminder(clock_at, sms_outbox):
    clock_at(10, 0, day=DAY, tick=False)
    with translation.override("zh-hans"):
        net = _kept_world(Cast())
        dealer = net["d1"]
        dealer.phone = MOBILE
        dealer.save(update_fields=["phone"])
        dealer_kept(net)
        clerks = [net["accountant"], net["cast"].manager, net["accountant"]]
        results = at_once(lambda i: dealer_payment_reminder_send(actor=clerks[i],
                                                                 dealer=dealer)[1], 3)
    assert sorted(results) == [False, False, True]
    assert payment_reminders(dealer).count() == 1 and len(sms_outbox.messages) == 1
    assert len(_notices(dealer)) == 1
