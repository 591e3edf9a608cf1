"""Billing's pages: one figure on the phone, the desk, the portal and the voucher; taking cash on
the phone (twice the same post records once); the accountant's hand-overs; who sees what."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.choices import HandoverState, QuoteState
from aftersales.billing.models import Handover, Payment, Quote, ServiceFee
from aftersales.billing.selectors import charge_sheet_for
from aftersales.billing.services import payment_record, quote_make
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import Status

from .factories import SIGNATURE, Cast, Money, complete, job_a, on_site_with_part, priced_part

pytestmark = pytest.mark.django_db
FINAL = re.compile(r"data-final-total>¥([0-9.]+)<")
VOUCHER_TOTAL = re.compile(r"<strong>([0-9.]+)</strong></td></tr>\s*</tbody>")


def _finished(cast, customer=None):
    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": Decimal("150.00")})
    job = job_a(cast, customer=customer)
    job = on_site_with_part(cast, job, priced_part("PG-1", price="35.50", cost="10.00"), quantity=2)
    return complete(cast, job)


def test_phone_desk_portal_and_voucher_show_billings_sheet(client):
    cast = Cast()
    owner = UserFactory(username="portal-owner", role=Role.CUSTOMER, service_centre=None)
    job = _finished(cast, CustomerFactory(service_centre=cast.centre, user=owner))
    sheet = charge_sheet_for(job)
    assert sheet.total == Decimal("221.00") != job.estimated_charge + Decimal("71.00")
    client.force_login(cast.technician)
    phone = client.get(reverse("field:job", args=[job.pk])).content.decode()
    voucher = client.get(reverse("field:print_voucher", args=[job.pk])).content.decode()
    client.force_login(cast.agent)
    desk = client.get(reverse("service:detail", args=[job.pk])).content.decode()
    client.force_login(owner)
    portal = client.get(reverse("portal:request", args=[job.number])).content.decode()
    for page in (phone, desk, portal):
        assert FINAL.findall(page) == ["221.00"]
    assert VOUCHER_TOTAL.findall(voucher) == ["221.00"] and sheet.number in voucher
    assert sheet.number in desk and sheet.number in phone


def test_cash_taken_on_the_phone_the_same_post_twice_records_once(client):
    cast = Cast()
    sheet = charge_sheet_for(_finished(cast))
    client.force_login(cast.technician)
    page = client.get(reverse("field:job", args=[sheet.request_id])).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    post = {"amount": "221.00", "method": "cash", "idempotency_key": key, "reference": ""}
    for _ in range(2):
        response = client.post(reverse("billing:pay", args=[sheet.pk]), post)
        assert response.status_code == 302
    assert Payment.objects.count() == 1
    payment = Payment.objects.get()
    receipt = client.get(reverse("billing:receipt", args=[payment.pk])).content.decode()
    assert payment.number in receipt and "¥221.00" in receipt
    takings = client.get(reverse("billing:takings")).content.decode()
    assert "data-takings-total>¥221.00<" in takings


def test_another_technician_sees_no_receipt_and_cannot_pay(client):
    cast = Cast()
    sheet = charge_sheet_for(_finished(cast))
    payment, _ = payment_record(actor=cast.technician, sheet=sheet, amount="1.00",
                                method="cash", idempotency_key="p")
    stranger = UserFactory(username="tech-x", role=Role.TECHNICIAN, service_centre=cast.centre)
    client.force_login(stranger)
    assert client.get(reverse("billing:receipt", args=[payment.pk])).status_code == 404
    assert client.get(reverse("billing:handover", args=[payment.handover_id])).status_code == 404
    response = client.post(reverse("billing:pay", args=[sheet.pk]),
                           {"amount": "5.00", "method": "cash", "idempotency_key": "z"})
    assert response.status_code == 404 and Payment.objects.count() == 1
    assert "¥1.00" not in client.get(reverse("billing:takings")).content.decode()


def test_a_receipt_is_linked_on_the_request_only_for_whoever_may_open_it(client):
    """The desk's agent sees the payment on the request's page, but receipts are the
    technician's, his supervisor's and the back office's: the agent gets the number alone."""
    cast = Cast()
    sheet = charge_sheet_for(_finished(cast))
    payment, _ = payment_record(actor=cast.technician, sheet=sheet, amount="221.00",
                                method="cash", idempotency_key="r")
    receipt = reverse("billing:receipt", args=[payment.pk])
    for user, opens in ((cast.supervisor, True), (cast.agent, False)):
        client.force_login(user)
        assert client.get(receipt).status_code == (200 if opens else 404)
        page = client.get(reverse("service:detail", args=[sheet.request_id])).content.decode()
        assert payment.number in page and (f'href="{receipt}"' in page) == opens, user.role
    client.force_login(cast.technician)
    phone = client.get(reverse("field:job", args=[sheet.request_id])).content.decode()
    assert f'href="{receipt}"' in phone and "data-receipt-link" in phone


def test_the_accountant_confirms_a_hand_over_and_exports_the_list(client):
    cast = Cast()
    accountant = Money(cast).accountant
    sheet = charge_sheet_for(_finished(cast))
    payment, _ = payment_record(actor=cast.technician, sheet=sheet, amount="221.00",
                                method="qr", idempotency_key="h")
    client.force_login(cast.technician)  # the technician may look but not confirm
    url = reverse("billing:handover", args=[payment.handover_id])
    client.post(url, {"counted": "221.00", "reason": "", "version": 1})
    assert Handover.objects.get().state == HandoverState.OPEN
    client.force_login(accountant)
    assert client.get(reverse("billing:home")).url == reverse("billing:handovers")
    listing = client.get(reverse("billing:handovers")).content.decode()
    assert f'data-handover="{payment.handover_id}"' in listing
    client.post(url, {"counted": "200.00", "reason": "", "version": 1})
    assert Handover.objects.get().state == HandoverState.OPEN  # a difference needs a reason
    client.post(url, {"counted": "200.00", "reason": "少收二十一元", "version": 1})
    handover = Handover.objects.get()
    assert handover.state == HandoverState.CONFIRMED and handover.difference == Decimal("-21.00")
    export = client.get(reverse("billing:handovers"), {"state": "all", "format": "xlsx"})
    rows = list(load_workbook(__import__("io").BytesIO(export.content)).active.values)
    assert len(rows) == 2 and rows[1][3] == 221 and rows[1][4] == 200


def test_the_agent_records_the_customers_yes_on_the_phone_from_the_request_page(client):
    cast = Cast()
    job = job_a(cast)
    client.force_login(cast.agent)
    client.post(reverse("billing:quote_make", args=[job.pk]))
    quote = Quote.objects.get()
    desk = client.get(reverse("service:detail", args=[job.pk])).content.decode()
    assert f'data-quote="{quote.number}"' in desk and "data-phone-answer" in desk
    client.post(reverse("billing:quote_phone", args=[quote.pk]),
                {"answer": "agree", "signer_name": "王五", "note": ""})
    job.refresh_from_db()
    assert Quote.objects.get().state == QuoteState.AGREED and job.status == Status.REGISTERED


def test_the_customer_agrees_with_the_portal_button(client):
    cast = Cast()
    owner = UserFactory(username="portal-2", role=Role.CUSTOMER, service_centre=None)
    job = job_a(cast, customer=CustomerFactory(service_centre=cast.centre, user=owner))
    quote = quote_make(actor=cast.agent, request=job)
    client.force_login(owner)
    page = client.get(reverse("portal:request", args=[job.number])).content.decode()
    assert "data-quote-agree" in page
    client.post(reverse("billing:quote_portal", args=[quote.pk]), {"answer": "agree"})
    job.refresh_from_db()
    assert job.status == Status.REGISTERED
    assert Quote.objects.get().decided_via == "portal"


def test_the_customer_signs_the_quote_on_the_phone(client):
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("PG-2", price="35.50", cost="10.00"))
    client.force_login(cast.technician)
    client.post(reverse("billing:quote_make", args=[job.pk]))
    quote = Quote.objects.get()
    page = client.get(reverse("field:job", args=[job.pk])).content.decode()
    assert "data-quote-sign" in page
    client.post(reverse("billing:quote_sign", args=[quote.pk]),
                {"signer_name": "张三", "signature": SIGNATURE})
    assert Quote.objects.get().state == QuoteState.AGREED


def test_start_pages_by_role(client):
    cast = Cast()
    client.force_login(cast.technician)
    assert client.get(reverse("billing:home")).url == reverse("billing:takings")
    client.force_login(cast.agent)
    assert client.get(reverse("billing:home")).url == reverse("billing:sheets")
    assert client.get(reverse("billing:sheets")).status_code == 200
    assert client.get(reverse("billing:takings")).status_code == 200


def test_print_views_and_the_fee_table_in_the_admin(client):
    cast = Cast()
    sheet = charge_sheet_for(_finished(cast))
    quote = quote_make(actor=cast.agent, request=job_a(cast))
    client.force_login(cast.agent)
    assert sheet.number in client.get(reverse("billing:sheet", args=[sheet.pk])).content.decode()
    assert quote.number in client.get(reverse("billing:quote", args=[quote.pk])).content.decode()
    admin = UserFactory(username="admin-fee", role=Role.ADMIN, service_centre=None,
                        is_staff=True, is_superuser=True)
    client.force_login(admin)
    fee = ServiceFee.objects.get(category="water_heater")
    response = client.post(reverse("admin:billing_servicefee_change", args=[fee.pk]),
                           {"category": "water_heater", "fee": "160.00", "note": "调价"})
    assert response.status_code == 302
    assert ServiceFee.objects.get(pk=fee.pk).fee == Decimal("160.00")
    assert sheet.total == charge_sheet_for(sheet.request).total  # an issued sheet stays


def test_a_sheets_request_is_linked_only_for_whoever_may_open_it(client):
    """The desk opens a request's page from the sheet; the accountant and the technician may
    not (403), so their sheet and list show its number without a link."""
    cast = Cast()
    sheet = charge_sheet_for(_finished(cast))
    request_url = reverse("service:detail", args=[sheet.request_id])
    link = f'<a href="{request_url}">{sheet.request.number}</a>'
    plain = f"<span data-request-number>{sheet.request.number}</span>"
    pages = (reverse("billing:sheet", args=[sheet.pk]), reverse("billing:sheets"))
    for user, may_open in ((cast.agent, True), (Money(cast).accountant, False),
                           (cast.technician, False)):
        client.force_login(user)
        assert client.get(request_url).status_code == (200 if may_open else 403)
        for url in pages:
            page = client.get(url).content.decode()
            assert (link in page, plain in page) == (may_open, not may_open), (user.role, url)


def test_the_hand_over_list_reads_as_many_rows_for_many_technicians(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast = Cast()
    accountant = Money(cast).accountant

    def take(count):
        for index in range(count):
            technician = UserFactory(username=f"tq-{Handover.objects.count()}-{index}",
                                     role=Role.TECHNICIAN, service_centre=cast.centre)
            Handover.objects.create(technician=technician, day=date.today())

    client.force_login(accountant)
    take(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("billing:handovers"))
    take(6)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("billing:handovers"))
    assert len(many) == len(few)


def test_the_expense_form_reads_as_an_expense_in_chinese(client):
    """Short words mean different things in different areas ("Kind" is a customer's type on
    the customer pages); the phone's expense form asks for the kind of expense."""
    from django.utils import translation

    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("PG-2", price="10.00", cost="3.00"))
    client.force_login(cast.technician)
    with translation.override("zh-hans"):
        page = client.get(reverse("field:job", args=[job.pk]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "费用类别" in page and ">交通费<" in page
    assert "客户类型" not in page
