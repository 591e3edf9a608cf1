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
