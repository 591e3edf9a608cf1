"""The supervisor's daily report counts the calls whose technician was sent before their
paperwork (先抢修后补单) among the calls taken."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.reports.periods import period_for
from aftersales.reports.selectors import centre_figures
from aftersales.reports.tables import key_figures
from aftersales.service.services import service_request_create_repaired_first
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 12, 2)
SH = ZoneInfo("Asia/Shanghai")


def test_calls_taken_say_how_many_were_repaired_first(clock_at):
    cast = Cast()
    now = clock_at(15, 0, day=WEDNESDAY, tick=False)
    new_request(cast)
    customer = CustomerFactory(service_centre=cast.centre)
    service_request_create_repaired_first(
        actor=cast.supervisor, technician=cast.technician, customer=customer,
        installed_product=InstalledProductFactory(customer=customer), description="漏水",
        reported_at=datetime(2026, 12, 2, 9, 0, tzinfo=SH),
        arrived_at=datetime(2026, 12, 2, 9, 30, tzinfo=SH), reason="水淹厨房")
    period = period_for("supervisor_daily", WEDNESDAY, cast.centre)
    figures = centre_figures(centre=cast.centre, period=period, now=now)
    assert (figures["calls"], figures["repaired_first"]) == (2, 1)
    with translation.override("zh-hans"):
        [calls] = [f for f in key_figures({"kind": "supervisor_daily", "centre_figures": figures})
                   if f.label == "叫修受理"]
    assert (calls.value, calls.sub) == (2, "其中 1 单先抢修后补单")
