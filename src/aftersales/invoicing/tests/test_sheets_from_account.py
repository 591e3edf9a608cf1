"""Money on account (预收款) paying a job's charge sheet directly: billing's payment of the sheet
with method ``account``, drawn from the deposit — never beyond what the sheet has due nor what
is left on account, a sheet on an invoice paid through its invoice, nothing saved on a refusal,
once per key; a mistake undone by a reversing row, once; every sum of what is on account, what
a sheet or an invoice has paid and the month's money received counts it once; the pages (the
customer's payment page, the request page, the technician's phone) and the API."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.models import Payment
from aftersales.billing.selectors import charge_sheet_for, sheet_due
from aftersales.billing.services import payment_draw_reverse, payment_record
from aftersales.billing.tests.factories import (
    Cast,
    complete,
    job_a,
    on_site_with_part,
    priced_part,
)
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory

from ..choices import InvoicingMode
from ..models import Invoice
from ..selectors import (
    customer_on_account,
    invoice_balances,
    monthly_figures,
    payment_unapplied,
    payments_on_account,
    sheets_payable_from_account,
)
from ..services import (
    customer_payment_record,
    invoice_issue,
    invoice_payment_record,
    invoicing_preference_set,
    payment_apply,
    sheet_pay_from_account,
)
from .conftest import BOOKS_DAY as DAY
from .factories import invoice_make, sheet_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal


def _deposit(books, customer, amount="500.00", key="deposit"):
    payment, _created = customer_payment_record(actor=books, customer=customer, amount=amount,
                                                method="transfer", idempotency_key=key)
    return payment


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_money_on_account_pays_a_sheet_without_new_money(books, customer):
    deposit = _deposit(books, customer)
    sheet = sheet_make(customer, "300.00")
    drawn, created = sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet,
                                            amount="300.00", idempotency_key="k1")
    assert created and drawn.method == "account" and drawn.drawn_from == deposit
    assert (drawn.sheet, drawn.customer, drawn.amount) == (sheet, customer, D("300.00"))
    assert drawn.handover is None  # no money changed hands: no cashier's hand-over
    assert sheet_due(sheet) == 0
    assert payment_unapplied(deposit) == D("200.00") == customer_on_account(customer)
    [row] = payments_on_account(Payment.objects.filter(customer=customer))
    assert row == deposit and row.left == D("200.00")
    assert sheets_payable_from_account(customer) == []
    [event] = event_list(drawn)
    assert event.action == "record" and event.data == {"sheet": sheet.number,
                                                       "drawn_from": deposit.number}


def test_part_of_a_sheet_and_then_nothing_more_than_is_left(books, customer):
    deposit = _deposit(books, customer, "100.00")
    sheet = sheet_make(customer, "300.00")
    [payable] = sheets_payable_from_account(customer)
    assert payable == sheet and payable.due == D("300.00")
    sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet, amount="100.00",
                           idempotency_key="k1")
    errors = _refused(lambda: sheet_pay_from_account(
        actor=books, payment=deposit, sheet=sheet, amount="0.01", idempotency_key="k2"))
    assert errors == {"amount": [f"Only ¥0.00 of payment {deposit.number} is left on account."]}
    assert sheet_due(sheet) == D("200.00")
    assert customer_on_account(customer) == 0 and payments_on_account(
        Payment.objects.filter(customer=customer)).count() == 0


def test_refusals_name_the_field_and_save_nothing(books, customer):
    deposit = _deposit(books, customer)
    sheet = sheet_make(customer, "300.00")
    other = CustomerFactory(name="别人")
    others = _deposit(books, other, key="other-deposit")
    cases = [
        (dict(payment=deposit, sheet=sheet, amount="300.01"),
         {"amount": [f"Only ¥300.00 is still due on {sheet.number}."]}),
        (dict(payment=deposit, sheet=sheet_make(customer, "600.00"), amount="500.01"),
         {"amount": [f"Only ¥500.00 of payment {deposit.number} is left on account."]}),
        (dict(payment=others, sheet=sheet, amount="10.00"),
         {"payment": [f"Payment {others.number} is 别人's money, not the charge sheet's "
                      "customer's."]}),
        (dict(payment=deposit, sheet=sheet, amount="0"),
         {"amount": ["The amount must be more than 0."]}),
        (dict(payment=deposit, sheet=sheet, amount="abc"),
         {"amount": ["Enter an amount such as 25.50."]}),
    ]
    before = Payment.objects.count()
    for kwargs, expected in cases:
        assert _refused(lambda kwargs=kwargs: sheet_pay_from_account(
            actor=books, idempotency_key="k", **kwargs)) == expected
    # money taken for a sheet is no money on account, nor is a sheet paid from it
    cash, _ = payment_record(actor=books, sheet=sheet, amount="10.00", method="cash",
                             idempotency_key="cash")
    drawn, _ = sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet, amount="10.00",
                                      idempotency_key="draw")
    for source in (cash, drawn):
        assert _refused(lambda source=source: sheet_pay_from_account(
            actor=books, payment=source, sheet=sheet, amount="1.00", idempotency_key="k")) == {
            "payment": [f"Payment {source.number} was taken for a job's charge sheet; it is no "
                        "money on account."]}
    assert Payment.objects.count() == before + 2


def test_a_sheet_on_an_invoice_is_paid_through_the_invoice(books, customer):
    deposit = _deposit(books, customer)
    sheet = sheet_make(customer, "300.00")
    invoice = invoice_issue(actor=books, customer=customer, sheet_ids=[sheet.pk])
    assert _refused(lambda: sheet_pay_from_account(
        actor=books, payment=deposit, sheet=sheet, amount="300.00", idempotency_key="k")) == {
        "sheet": [f"Charge sheet {sheet.number} is on invoice {invoice.number}: apply the money "
                  "on account to the invoice."]}
    assert sheets_payable_from_account(customer) == []
    payment_apply(actor=books, payment=deposit, allocations=[(invoice, "300.00")])
    assert invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding == 0


def test_only_the_back_office_pays_from_money_on_account(books, customer):
    deposit = _deposit(books, customer)
    sheet = sheet_make(customer, "300.00")
    for role in (Role.TECHNICIAN, Role.AGENT, Role.SUPERVISOR):
        user = UserFactory(role=role, service_centre=sheet.request.service_centre)
        with pytest.raises(PermissionDenied):
            sheet_pay_from_account(actor=user, payment=deposit, sheet=sheet, amount="10.00",
                                   idempotency_key="k")
    # nor may anyone record it as a payment method of money received
    assert _refused(lambda: payment_record(actor=books, sheet=sheet, amount="10.00",
                                           method="account", idempotency_key="k")) == {
        "method": ["Choose cash, QR payment, transfer or card."]}
    assert not Payment.objects.filter(sheet=sheet).exists()


def test_the_same_key_pays_once_and_other_figures_under_it_are_refused(books, customer):
    deposit = _deposit(books, customer, "300.00")
    sheet = sheet_make(customer, "300.00")
    first, created = sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet,
                                            amount="300.00", idempotency_key="k1")
    # nothing is left on account now, yet the repeat answers with the first payment
    again, created_again = sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet,
                                                  amount="300.00", idempotency_key="k1")
    assert created and not created_again and again == first
    assert _refused(lambda: sheet_pay_from_account(
        actor=books, payment=deposit, sheet=sheet, amount="200.00", idempotency_key="k1")) == {
        "idempotency_key": ["This key was already used for a different payment."]}
    assert Payment.objects.filter(sheet=sheet).count() == 1


def test_the_database_keeps_a_sheet_paid_from_account_tied_to_its_deposit(books, customer):
    sheet = sheet_make(customer, "300.00")
    rows = [dict(method="account", drawn_from=None, sheet=sheet),   # drawn from nothing
            dict(method="cash", drawn_from=_deposit(books, customer), sheet=sheet)]
    for n, row in enumerate(rows):
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(number=f"X{n}", customer=customer, amount=D("1.00"),
                                   received_by=books, received_at=timezone.now(),
                                   idempotency_key=f"x{n}", **row)
    # and the payments stay a ledger after the migration that added the columns (SQLite
    # rebuilds the table to add a constraint, and its append-only trigger with it)
    deposit = Payment.objects.get(method="transfer")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_payment SET amount = 1 WHERE id = %s", [deposit.pk])
    assert Payment.objects.get(pk=deposit.pk).amount == D("500.00")


def test_invoicing_the_sheet_later_counts_the_money_once(books, customer):
    """Paid from the deposit, then invoiced in the month's batch: the invoice opens paid, the
    rest of the deposit pays another invoice only as far as it goes; the month's figures count
    the deposit as money received once and the sheet as collected."""
    deposit = _deposit(books, customer, "500.00")
    sheet = sheet_make(customer, "300.00")
    sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet, amount="300.00",
                           idempotency_key="k1")
    invoice = invoice_issue(actor=books, customer=customer, sheet_ids=[sheet.pk])
    balance = invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0]
    assert (balance.paid, balance.outstanding) == (D("300.00"), 0)
    other = invoice_make(customer, "400.00")
    assert _refused(lambda: payment_apply(actor=books, payment=deposit,
                                          allocations=[(other, "200.01")])) == {
        "allocations": [f"Only ¥200.00 of payment {deposit.number} is left to apply; the "
                        "invoices take ¥200.01."]}
    payment_apply(actor=books, payment=deposit, allocations=[(other, "200.00")])
    assert customer_on_account(customer) == 0
    figures = monthly_figures(since=DAY, until=DAY)
    assert figures["received"] == D("500.00")      # the deposit; the sheet's draw is no money in
    assert figures["collected"] == D("300.00") == figures["revenue"]


def test_a_mistake_is_undone_by_a_reversing_row_once(books, customer):
    deposit = _deposit(books, customer)
    wrong, right = sheet_make(customer, "300.00"), sheet_make(customer, "200.00")
    drawn, _ = sheet_pay_from_account(actor=books, payment=deposit, sheet=wrong,
                                      amount="300.00", idempotency_key="k1")
    assert _refused(lambda: payment_draw_reverse(actor=books, payment=drawn, reason=" ")) == {
        "reason": ["Give the reason for reversing it."]}
    reversal = payment_draw_reverse(actor=books, payment=drawn, reason="付错了工单")
    assert (reversal.amount, reversal.reverses, reversal.sheet, reversal.drawn_from) == (
        D("-300.00"), drawn, wrong, deposit)
    assert reversal.method == "account" and reversal.reason == "付错了工单"
    assert sheet_due(wrong) == D("300.00") and customer_on_account(customer) == D("500.00")
    assert [e.action for e in event_list(drawn)] == ["record", "reverse"]
    for payment, text in ((drawn, f"Payment {drawn.number} was already reversed."),
                          (reversal, "Only a charge sheet paid from money on account is "
                                     f"reversed; {reversal.number} is not one.")):
        assert _refused(lambda payment=payment: payment_draw_reverse(
            actor=books, payment=payment, reason="再来")) == {"payment": [text]}
    cash, _ = payment_record(actor=books, sheet=right, amount="10.00", method="cash",
                             idempotency_key="cash")
    assert _refused(lambda: payment_draw_reverse(actor=books, payment=cash, reason="x")) == {
        "payment": ["Only a charge sheet paid from money on account is reversed; "
                    f"{cash.number} is not one."]}
    sheet_pay_from_account(actor=books, payment=deposit, sheet=right, amount="190.00",
                           idempotency_key="k2")
    assert sheet_due(right) == 0 and customer_on_account(customer) == D("310.00")
    for role in (Role.TECHNICIAN, Role.AGENT, Role.SUPERVISOR):
        with pytest.raises(PermissionDenied):
            payment_draw_reverse(actor=UserFactory(role=role), payment=drawn, reason="x")
    figures = monthly_figures(since=DAY, until=DAY)
    assert figures["received"] == D("510.00") and figures["collected"] == D("200.00")


# --- pages ------------------------------------------------------------------------------------

def _finished_later(cast, customer):
    """A charged job, completed, of a customer invoiced with the month's batch: its sheet is
    issued and on no invoice."""
    from aftersales.billing.models import ServiceFee

    invoicing_preference_set(actor=UserFactory(role=Role.MANAGER, service_centre=None),
                             customer=customer, mode=InvoicingMode.LATER)
    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": D("150.00")})
    job = on_site_with_part(cast, job_a(cast, customer=customer),
                            priced_part("PG-1", price="35.50", cost="10.00"), quantity=2)
    return complete(cast, job)


def test_the_payment_page_pays_a_jobs_sheet_from_money_on_account(client, books):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, name="海燕物业")
    sheet = charge_sheet_for(_finished_later(cast, customer))
    deposit = _deposit(books, customer, "1000.00")
    client.force_login(books)
    url = reverse("invoicing:customer_pay", args=[customer.pk]) + f"?payment={deposit.pk}"
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未开票的工单" in page and f'data-sheet-row="{sheet.pk}"' in page
    key = re.search(r'name="key" value="([0-9a-f]+)"[^<]*<input type="hidden" name="next"',
                    page.split(f'data-sheet-row="{sheet.pk}"')[1]).group(1)
    post = {"payment": deposit.pk, "amount": str(sheet.total), "key": key, "next": url}
    for _ in range(2):  # the same form sent twice pays once
        response = client.post(reverse("invoicing:sheet_pay_from_account", args=[sheet.pk]),
                               post, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 302 and response["Location"] == url
    [drawn] = Payment.objects.filter(sheet=sheet)
    assert drawn.drawn_from == deposit and drawn.amount == sheet.total == D("221.00")
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已从预收款" in page and "¥779.00" in page
    assert f'data-sheet-row="{sheet.pk}"' not in page and "该客户没有未开票的待付款工单" in page
    receipt = client.get(reverse("billing:receipt", args=[drawn.pk])).content.decode()
    assert f"来自收款 {deposit.number}" in receipt and "预收款" in receipt


def test_a_refusal_on_the_page_is_said_and_saves_nothing(client, books):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    sheet = charge_sheet_for(_finished_later(cast, customer))
    deposit = _deposit(books, customer, "50.00")
    client.force_login(books)
    url = reverse("invoicing:customer_pay", args=[customer.pk]) + f"?payment={deposit.pk}"
    response = client.post(reverse("invoicing:sheet_pay_from_account", args=[sheet.pk]),
                           {"payment": deposit.pk, "amount": "60.00", "key": "k", "next": url},
                           HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert f"收款 {deposit.number} 只剩 ¥50.00 预收款。" in response.content.decode()
    assert not Payment.objects.filter(sheet=sheet).exists()


def test_the_request_page_and_the_technicians_phone_say_the_customer_has_money_on_account(
        client, books):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    job = _finished_later(cast, customer)
    sheet = charge_sheet_for(job)
    client.force_login(cast.manager)
    detail = reverse("service:detail", args=[job.pk])
    assert "data-request-on-account" not in client.get(detail).content.decode()
    deposit = _deposit(books, customer, "100.00")
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-pay-from-account" in page and 'value="100.00"' in page
    key = re.search(r'data-pay-from-account>.*?name="key" value="([0-9a-f]+)"', page,
                    re.S).group(1)
    response = client.post(reverse("invoicing:sheet_pay_from_account", args=[sheet.pk]),
                           {"payment": deposit.pk, "amount": "100.00", "key": key,
                            "next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    assert sheet_due(sheet) == D("121.00")
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-request-on-account" not in page  # nothing left on account
    assert f"预收款 {deposit.number}" in page      # the payment, with what it was drawn from
    _deposit(books, customer, "30.00", key="second")
    client.force_login(cast.agent)                 # the desk sees it, and may not do it
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-request-on-account" in page and "data-pay-from-account" not in page
    assert "财务可从预收款中支付" in page
    client.force_login(cast.technician)
    phone = client.get(reverse("field:job", args=[job.pk]),
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-job-money-notice" in phone and "收款前请先问财务" in phone
    client.force_login(cast.agent)
    response = client.post(reverse("invoicing:sheet_pay_from_account", args=[sheet.pk]),
                           {"payment": deposit.pk, "amount": "1.00", "key": "x"})
    assert response.status_code == 403


def test_the_request_page_reverses_a_sheet_paid_from_money_on_account(client, books):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    job = _finished_later(cast, customer)
    sheet = charge_sheet_for(job)
    deposit = _deposit(books, customer, "300.00")
    drawn, _ = sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet,
                                      amount="221.00", idempotency_key="k1")
    detail = reverse("service:detail", args=[job.pk])
    client.force_login(cast.agent)  # the desk sees the payment, not the button
    assert "data-reverse-payment" not in client.get(detail).content.decode()
    client.force_login(cast.manager)
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.count("data-reverse-payment") == 1
    url = reverse("billing:payment_reverse", args=[drawn.pk])
    refused = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert "请填写冲销原因。" in refused.content.decode()
    response = client.post(url, {"reason": "付错了工单"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302 and response["Location"] == detail
    assert sheet_due(sheet) == D("221.00") and customer_on_account(customer) == D("300.00")
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"冲销 {drawn.number}：付错了工单" in page and "¥-221.00" in page
    assert "data-reverse-payment" not in page and "data-pay-from-account" in page


def test_an_invoiced_jobs_page_leads_to_applying_the_money_to_its_invoice(client, books):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    from aftersales.billing.models import ServiceFee

    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": D("150.00")})
    job = complete(cast, on_site_with_part(cast, job_a(cast, customer=customer),
                                           priced_part("PG-1", price="35.50", cost="10.00"), 2))
    invoice = Invoice.objects.get(customer=customer)  # invoiced when completed (the default)
    deposit = _deposit(books, customer, "100.00")
    client.force_login(cast.manager)
    page = client.get(reverse("service:detail", args=[job.pk]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert invoice.number in page and "data-apply-to-invoice" in page
    assert f"?payment={deposit.pk}&amp;next=" in page and "data-pay-from-account" not in page
    # the money applied to the invoice: the technician's phone says the job is paid
    payment_apply(actor=books, payment=deposit, allocations=[(invoice, "100.00")])
    client.force_login(cast.technician)
    phone = client.get(reverse("field:job", args=[job.pk]),
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"发票 {invoice.number} 已按发票收款。" in phone
    assert f"收费单 {charge_sheet_for(job).number} 最多再收 ¥121.00，其余已付。" in phone
    invoice_payment_record(actor=books, invoice=invoice, amount="121.00", method="transfer",
                           idempotency_key="rest")
    phone = client.get(reverse("field:job", args=[job.pk]),
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"收费单 {charge_sheet_for(job).number} 已付清：请勿再收款。" in phone


def test_the_list_of_money_on_account_says_what_each_can_pay_in_constant_reads(client, books):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(books)
    url = reverse("invoicing:on_account")

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    rich = CustomerFactory(name="海燕物业")
    _deposit(books, rich, key="rich")
    invoice_make(rich, "100.00"), invoice_make(rich, "50.00")
    sheet_make(rich, "300.00")
    first = reads()
    for n in range(4):  # four more customers with money on account, invoices and jobs
        other = CustomerFactory(name=f"客户{n}")
        _deposit(books, other, key=f"d{n}")
        invoice_make(other, "10.00")
        sheet_make(other, "20.00")
    assert reads() == first
    idle = CustomerFactory(name="只有预收款")
    _deposit(books, idle, key="idle")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = page.split(f'data-on-account-row="{Payment.objects.get(customer=rich).pk}"')[1]
    assert "2 张未结清发票" in row.split("</tr>")[0] and "1 个未开票工单" in row.split("</tr>")[0]
    row = page.split(f'data-on-account-row="{Payment.objects.get(customer=idle).pk}"')[1]
    assert "暂无" in row.split("</tr>")[0]


# --- API --------------------------------------------------------------------------------------

def test_the_api_pays_a_sheet_from_money_on_account_once_per_key(books, customer):
    deposit = _deposit(books, customer)
    sheet = sheet_make(customer, "300.00")
    api = APIClient()
    api.force_authenticate(books)
    url = f"/api/v1/customer-payments/{deposit.pk}/pay-sheet/"
    body = {"sheet": sheet.pk, "amount": "120.00"}
    assert api.post(url, body, format="json").status_code == 400  # the key is required
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert first.status_code == 201
    assert first.json()["method"] == "account" and first.json()["drawn_from"] == deposit.pk
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    listed = api.get(f"/api/v1/customer-payments/{deposit.pk}/").json()
    assert listed["on_account"] == "380.00"
    refused = api.post(url, {"sheet": sheet.pk, "amount": "180.01"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="api-2")
    assert refused.status_code == 400
    assert refused.json() == {"amount": [f"收费单 {sheet.number} 仅剩 ¥180.00 未收。"]}
    # money received is never "account": the payment endpoints refuse it
    for path, data in (("/api/v1/payments/", {"sheet": sheet.pk, "amount": "1.00"}),
                       ("/api/v1/customer-payments/", {"customer": customer.pk,
                                                       "amount": "1.00"})):
        response = api.post(path, {**data, "method": "account"}, format="json",
                            HTTP_IDEMPOTENCY_KEY=f"m-{path}")
        assert response.status_code == 400 and "method" in response.json()
    agent = UserFactory(role=Role.AGENT, service_centre=sheet.request.service_centre)
    api.force_authenticate(agent)
    assert api.post(url, body, format="json",
                    HTTP_IDEMPOTENCY_KEY="api-3").status_code == 403
    assert Payment.objects.filter(sheet=sheet).count() == 1


def test_the_api_reverses_a_sheet_paid_from_money_on_account(books, customer):
    deposit = _deposit(books, customer)
    sheet = sheet_make(customer, "300.00")
    drawn, _ = sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet,
                                      amount="300.00", idempotency_key="k1")
    api = APIClient()
    api.force_authenticate(books)
    url = f"/api/v1/payments/{drawn.pk}/reverse/"
    assert api.post(url, {"reason": "付错了"}, format="json").status_code == 400  # key required
    first = api.post(url, {"reason": "付错了"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201
    assert (first.json()["amount"], first.json()["reverses"]) == ("-300.00", drawn.pk)
    again = api.post(url, {"reason": "付错了"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = api.post(url, {"reason": "付错了"}, format="json", HTTP_IDEMPOTENCY_KEY="r-2")
    assert other.status_code == 400 and "payment" in other.json()
    assert Payment.objects.filter(reverses=drawn).count() == 1
    assert api.get(f"/api/v1/customer-payments/{deposit.pk}/").json()["on_account"] == "500.00"
