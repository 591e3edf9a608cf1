"""Money on account paid back to the customer (退还预收款): never more than is left, with a
reason, by transfer or in cash, once per key, nothing saved on a refusal; an append-only ledger;
what is left on account, the month's figures, the payment page and the API count it."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.tests.factories import CustomerFactory

from ..models import DepositRefund
from ..selectors import customer_on_account, monthly_figures, payment_unapplied
from ..services import customer_payment_record, deposit_refund, payment_apply
from .conftest import BOOKS_DAY as DAY
from .factories import invoice_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal


@pytest.fixture
def deposit(books):
    payment, _created = customer_payment_record(
        actor=books, customer=CustomerFactory(name="海燕物业"), amount="1000.00",
        method="transfer", idempotency_key="deposit")
    return payment


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_part_of_a_deposit_is_paid_back_and_the_rest_stays_on_account(books, deposit):
    invoice_make(deposit.customer, "300.00")
    refund, created = deposit_refund(actor=books, payment=deposit, amount="400.00",
                                     reason="合同取消，退还部分订金", reference="工行 8801",
                                     idempotency_key="r1")
    assert created and refund.number.startswith("TK2611") and refund.method == "transfer"
    assert (refund.amount, refund.payment, refund.refunded_by) == (D("400.00"), deposit, books)
    assert payment_unapplied(deposit) == D("600.00") == customer_on_account(deposit.customer)
    [event] = [e for e in event_list(deposit) if e.action == "refund"]
    assert event.data["refund"] == refund.number and event.data["reason"] == "合同取消，退还部分订金"
    assert _refused(lambda: deposit_refund(actor=books, payment=deposit, amount="600.01",
                                           reason="再退", idempotency_key="r2")) == {
        "amount": [f"Only ¥600.00 of payment {deposit.number} is left on account."]}
    # what is paid back is no longer there to apply
    invoice = invoice_make(deposit.customer, "700.00")
    assert _refused(lambda: payment_apply(actor=books, payment=deposit,
                                          allocations=[(invoice, "600.01")])) == {
        "allocations": [f"Only ¥600.00 of payment {deposit.number} is left to apply; the "
                        "invoices take ¥600.01."]}
    figures = monthly_figures(since=DAY, until=DAY)
    assert figures["refunded"] == D("400.00") and figures["received"] == D("1000.00")


def test_refusals_name_the_field_and_save_nothing(books, deposit):
    cases = [
        (dict(amount="100.00", reason=" "), {"reason": ["Give the reason for paying it back."]}),
        (dict(amount="0", reason="x"), {"amount": ["Enter an amount above zero, such as 120.50."]}),
        (dict(amount="abc", reason="x"),
         {"amount": ["Enter an amount above zero, such as 120.50."]}),
        (dict(amount="100.00", reason="x", method="account"),
         {"method": ["Pay it back by transfer or in cash."]}),
        (dict(amount="1000.01", reason="x"),
         {"amount": [f"Only ¥1000.00 of payment {deposit.number} is left on account."]}),
    ]
    for kwargs, expected in cases:
        assert _refused(lambda kwargs=kwargs: deposit_refund(
            actor=books, payment=deposit, idempotency_key="k", **kwargs)) == expected
    for role in (Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN):
        with pytest.raises(PermissionDenied):
            deposit_refund(actor=UserFactory(role=role), payment=deposit, amount="1.00",
                           reason="x", idempotency_key="k")
    assert not DepositRefund.objects.exists()


def test_the_same_key_pays_back_once(books, deposit):
    first, _ = deposit_refund(actor=books, payment=deposit, amount="1000.00", reason="全额退还",
                              method="cash", idempotency_key="r1")
    again, created = deposit_refund(actor=books, payment=deposit, amount="1000.00",
                                    reason="全额退还", method="cash", idempotency_key="r1")
    assert not created and again == first and customer_on_account(deposit.customer) == 0
    assert _refused(lambda: deposit_refund(actor=books, payment=deposit, amount="999.00",
                                           reason="全额退还", idempotency_key="r1")) == {
        "idempotency_key": ["This key was already used for a different payment."]}


def test_a_refund_is_never_changed(books, deposit):
    refund, _ = deposit_refund(actor=books, payment=deposit, amount="10.00", reason="x",
                               idempotency_key="r1")
    refund.amount = D("1.00")
    with pytest.raises(AppendOnlyError):
        refund.save()
    with pytest.raises(AppendOnlyError):
        DepositRefund.objects.filter(pk=refund.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE invoicing_depositrefund SET amount = 1 WHERE id = %s",
                       [refund.pk])
    assert DepositRefund.objects.get(pk=refund.pk).amount == D("10.00")


def test_the_payment_page_pays_money_on_account_back(client, books, deposit):
    client.force_login(books)
    url = reverse("invoicing:customer_pay", args=[deposit.customer_id]) + f"?payment={deposit.pk}"
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "退还给客户" in page and 'name="reason"' in page
    key = re.search(r'data-refund-form>.*?name="key" value="([0-9a-f]+)"', page, re.S).group(1)
    post = {"amount": "300.00", "method": "transfer", "reference": "工行 8801",
            "reason": "客户要求退还部分订金", "key": key}
    action = reverse("invoicing:deposit_refund", args=[deposit.customer_id, deposit.pk])
    for _ in range(2):  # the same form sent twice pays back once
        response = client.post(action, post, HTTP_ACCEPT_LANGUAGE="zh-hans")
        [refund] = DepositRefund.objects.all()
        slip = reverse("invoicing:deposit_refund_print", args=[refund.pk])
        assert response.status_code == 302 and response["Location"] == slip
    page = client.get(slip, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"{refund.number}：收款 {deposit.number} 中的 ¥300.00 已退还给 海燕物业。" in page
    assert "预收款退款单" in page and "客户签收" in page and "客户要求退还部分订金" in page
    assert f'href="{url.replace("&", "&amp;")}" data-back' in page  # back to what is left
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-refund="{refund.number}"' in page and "¥700.00" in page
    refused = client.post(action, {**post, "amount": "700.01", "key": "k2"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True).content.decode()
    assert f"收款 {deposit.number} 只剩 ¥700.00 预收款。" in refused
    done = client.post(action, {**post, "amount": "700.00", "key": "k3"}, follow=True)
    back = reverse("invoicing:on_account")  # nothing left on that payment
    assert f'href="{back}" data-back' in done.content.decode()
    found = client.get(reverse("web:find"), {"q": refund.number.lower()})  # quick find
    assert found.status_code == 302
    assert found["Location"] == reverse("invoicing:deposit_refund_print", args=[refund.pk])
    client.force_login(UserFactory(role=Role.AGENT))
    assert client.post(action, {**post, "key": "k4"}).status_code == 403


def test_the_api_pays_money_on_account_back_once_per_key(books, deposit):
    api = APIClient()
    api.force_authenticate(books)
    url = f"/api/v1/customer-payments/{deposit.pk}/refund/"
    body = {"amount": "250.00", "reason": "合同取消", "reference": "工行 8801"}
    assert api.post(url, body, format="json").status_code == 400  # the key is required
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert first.status_code == 201 and first.json()["on_account"] == "750.00"
    [refund] = first.json()["refunds"]
    assert (refund["amount"], refund["method"], refund["reason"]) == ("250.00", "transfer",
                                                                      "合同取消")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    over = api.post(url, {**body, "amount": "750.01"}, format="json",
                    HTTP_IDEMPOTENCY_KEY="api-2")
    assert over.status_code == 400 and list(over.json()) == ["amount"]
    agent = APIClient()
    agent.force_authenticate(UserFactory(role=Role.AGENT))
    assert agent.post(url, body, format="json",
                      HTTP_IDEMPOTENCY_KEY="api-3").status_code == 403
    assert DepositRefund.objects.count() == 1
