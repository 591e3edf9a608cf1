"""The customer's page of a finished, charged job shows the total he signed for on the voucher."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.customers.tests.factories import InstalledProductFactory
from aftersales.field.selectors import job_work
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

from .helpers import portal_user_for

pytestmark = pytest.mark.django_db
FINAL = re.compile(r"data-final-total>¥([0-9.]+)<")


def test_portal_shows_the_vouchers_total_once_the_job_is_done(client):
    cast = Cast()
    product = InstalledProductFactory(purchased_on=date.today() - timedelta(days=3 * 365))
    job = drive(new_request(cast, customer=product.customer, product=product), cast,
                Status.ON_SITE)
    services.service_request_record_work(actor=cast.technician, request=job, fault_found="不点火",
                                         fault_cause="点火针积碳", action_taken="更换点火针")
    services.part_add(actor=cast.technician, request=job, quantity=2,
                      part=PartFactory(unit_price=Decimal("35.50")))
    client.force_login(portal_user_for(product.customer))
    url = reverse("portal:request", args=[job.number])
    assert not FINAL.search(client.get(url).content.decode())  # not before it is done

    job.refresh_from_db()
    services.service_request_complete(actor=cast.technician, request=job, signer_name="张三",
                                      signature=SIGNATURE)
    total = job_work(job).total_charge
    assert total == job.estimated_charge + Decimal("71.00")
    assert FINAL.findall(client.get(url).content.decode()) == [str(total)]


def test_the_customer_sees_what_his_money_paid_in_advance_paid_and_what_is_left(client):
    """A deposit (预收款) pays part of the job: his request's page says what is paid — and how
    much of it from the deposit — and what he still has to pay; his start page what is left of
    the deposit."""
    from django.utils import translation

    from aftersales.billing.selectors import charge_sheet_for
    from aftersales.invoicing.choices import InvoicingMode
    from aftersales.invoicing.services import (
        customer_payment_record,
        invoicing_preference_set,
        sheet_pay_from_account,
    )
    from aftersales.invoicing.tests.factories import accountant

    cast = Cast()
    product = InstalledProductFactory(purchased_on=date.today() - timedelta(days=3 * 365))
    books = accountant()
    invoicing_preference_set(actor=books, customer=product.customer, mode=InvoicingMode.LATER)
    job = drive(new_request(cast, customer=product.customer, product=product), cast,
                Status.ON_SITE)
    services.service_request_record_work(actor=cast.technician, request=job, fault_found="不点火",
                                         fault_cause="点火针积碳", action_taken="更换点火针")
    services.part_add(actor=cast.technician, request=job, quantity=2,
                      part=PartFactory(unit_price=Decimal("35.50")))
    job.refresh_from_db()
    services.service_request_complete(actor=cast.technician, request=job, signer_name="张三",
                                      signature=SIGNATURE)
    sheet = charge_sheet_for(job)
    deposit, _ = customer_payment_record(actor=books, customer=product.customer,
                                         amount="100.00", method="transfer",
                                         idempotency_key="deposit")
    client.force_login(portal_user_for(product.customer))
    with translation.override("zh-hans"):
        home = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
        assert "您有预付款 ¥100.00 尚未使用" in home.decode()
        sheet_pay_from_account(actor=books, payment=deposit, sheet=sheet, amount="60.00",
                               idempotency_key="k")
        page = client.get(reverse("portal:request", args=[job.number]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        home = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert re.search(r"已付 <span class=\"muted\">\(其中 ¥60.00 由预付款支付\)</span></td>"
                     r"<td class=\"amt\">¥60.00<", page)
    assert f"<td class=\"amt\">¥{sheet.total - Decimal('60.00')}</td>" in page
    assert "您有预付款 ¥40.00 尚未使用" in home.decode()
