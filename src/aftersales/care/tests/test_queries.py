"""Care pages read as many rows in as many queries for many key accounts as for few."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.care import services
from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

pytestmark = pytest.mark.django_db

PAGES = ["/care/", "/care/key-accounts/", "/care/key-accounts/kpis/", "/care/referrals/",
         "/care/value/"]


def _accounts(cast, manager, count):
    today = local_today()
    for _ in range(count):
        customer = CustomerFactory(birthday=today.replace(year=1980)
                                   if (today.month, today.day) != (2, 29) else None)
        InstalledProductFactory(customer=customer, purchased_on=today - timedelta(days=30),
                                installed_on=today - timedelta(days=27))
        services.key_account_mark(actor=cast.manager, customer=customer, manager=manager)
        services.visit_plan_create(actor=cast.manager, customer=customer, visitor=manager,
                                   level="staff", starts_on=today)
        services.referral_create(actor=cast.manager, referrer=customer, prospect_name="新客")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_rows(client, cast, account_manager):
    client.force_login(cast.manager)
    _accounts(cast, account_manager, 2)
    few = {url: _queries(client, url) for url in PAGES}
    _accounts(cast, account_manager, 6)
    many = {url: _queries(client, url) for url in PAGES}
    assert many == few
