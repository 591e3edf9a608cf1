"""A finished job's final charge: the technician's job page, the desk's request page and the
signed voucher show one number, computed in one place (selectors.Work.total_charge)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.customers.tests.factories import InstalledProductFactory
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

from .. import selectors

pytestmark = pytest.mark.django_db
FINAL = re.compile(r"data-final-total>¥([0-9.]+)<")
VOUCHER_TOTAL = re.compile(r"<strong>([0-9.]+)</strong></td></tr>\s*</tbody>")


@pytest.fixture
def finished():
    """An out-of-warranty job: the quoted service fee plus two charged parts."""
    cast = Cast()
    product = InstalledProductFactory(purchased_on=date.today() - timedelta(days=3 * 365))
    job = drive(new_request(cast, customer=product.customer, product=product), cast,
                Status.ON_SITE)
    assert job.chargeable
    services.service_request_record_work(actor=cast.technician, request=job, fault_found="不点火",
                                         fault_cause="点火针积碳", action_taken="更换点火针")
    services.part_add(actor=cast.technician, request=job, quantity=2,
                      part=PartFactory(unit_price=Decimal("35.50")))
    services.labor_add(actor=cast.technician, request=job, hours=Decimal("1.5"))
    job.refresh_from_db()
    services.service_request_complete(actor=cast.technician, request=job, signer_name="张三",
                                      signature=SIGNATURE)
    job.refresh_from_db()
    return cast, job


def test_job_page_desk_page_and_voucher_show_the_same_final_total(client, finished):
    cast, job = finished
    total = selectors.job_work(job).total_charge
    assert total == job.estimated_charge + Decimal("71.00") and total > Decimal("71.00")

    client.force_login(cast.technician)
    phone = client.get(reverse("field:job", args=[job.pk])).content.decode()
    voucher = client.get(reverse("field:print_voucher", args=[job.pk])).content.decode()
    client.force_login(cast.agent)
    desk = client.get(reverse("service:detail", args=[job.pk])).content.decode()

    assert FINAL.findall(phone) == [str(total)]
    assert FINAL.findall(desk) == [str(total)]
    assert VOUCHER_TOTAL.findall(voucher) == [str(total)]


def test_no_final_total_before_the_job_is_finished(client):
    cast = Cast()
    job = drive(new_request(cast), cast, Status.ON_SITE)
    client.force_login(cast.agent)
    assert not FINAL.search(client.get(reverse("service:detail", args=[job.pk])).content.decode())
