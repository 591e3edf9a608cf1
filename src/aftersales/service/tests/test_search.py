"""The one search box of the request list and the API (ServiceRequestFilterSet.q)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.filtersets import ID_LIST_CAP, ServiceRequestFilterSet
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast():
    return Cast()


def search(q, **data):
    return set(ServiceRequestFilterSet({"q": q, **data}, queryset=ServiceRequest.objects.all())
               .qs.values_list("number", flat=True))


def test_each_branch_finds_its_request(cast):
    wang = CustomerFactory(service_centre=cast.centre, name="王晓明", phone="+8613912345678")
    li = CustomerFactory(service_centre=cast.centre, name="李四")
    by_name = new_request(cast, customer=wang)
    by_serial = new_request(cast, customer=li,
                            product=InstalledProductFactory(customer=li, serial="ZX-99001"))
    assert search("王晓") == {by_name.number}
    assert search("139 1234 5678") == {by_name.number}
    assert search("zx-99001".upper()) == {by_serial.number}
    assert search(by_serial.number[:-1]) >= {by_serial.number}
    assert search("王晓", status=["closed"]) == set()


def test_a_number_prefix_is_bounded_by_its_month_in_local_time(cast, clock_at):
    clock_at(10, 0, day=date(2026, 8, 3))  # both calls are dated within the backdating window
    # 23:30 on 31 July in Shanghai is 15:30 UTC: the number and the search both say July
    late_july = new_request(cast, reported_at=datetime(2026, 7, 31, 23, 30, tzinfo=SHANGHAI))
    early_august = new_request(cast, reported_at=datetime(2026, 8, 1, 0, 30, tzinfo=SHANGHAI))
    assert late_july.number.startswith("SR2607") and early_august.number.startswith("SR2608")
    assert search("SR2607") == {late_july.number}
    assert search("sr2608") == {early_august.number}
    assert search("SR26") == {late_july.number, early_august.number}
    assert search("SR2613") == set()
    assert search(late_july.number) == {late_july.number}


def test_many_matches_fall_back_to_the_plain_condition(cast, monkeypatch):
    monkeypatch.setattr("aftersales.service.filtersets.ID_LIST_CAP", 2)
    customer = CustomerFactory(service_centre=cast.centre, name="张三丰")
    made = {new_request(cast, customer=customer).number for _ in range(4)}
    assert ID_LIST_CAP > 2 and search("张三") == made


@pytest.mark.parametrize("sort_cap", [1_000, 0], ids=["sorted among themselves", "walked"])
def test_matches_come_newest_first(cast, monkeypatch, sort_cap):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr("aftersales.service.filtersets.SORT_CAP", sort_cap)
    customer = CustomerFactory(service_centre=cast.centre, name="赵六")
    now = timezone.now()
    made = [new_request(cast, customer=customer, reported_at=now - timedelta(days=d, minutes=m))
            for d, m in ((3, 0), (1, 30), (1, 0), (7, 0))]
    found = ServiceRequestFilterSet({"q": "赵"}, queryset=ServiceRequest.objects.all()).qs
    assert [r.pk for r in found] == [r.pk for r in sorted(made, key=lambda r: r.reported_at,
                                                          reverse=True)]


def test_a_search_of_one_kind_is_one_condition_without_the_others(cast):
    """A name cannot be a number, and a branch that finds nothing is left out: a name search
    is the customers' condition alone, a number that names a month is that month's moments
    alone — each an index-only count at ten million (bench/lists)."""
    wang = CustomerFactory(service_centre=cast.centre, name="王晓明")
    made = new_request(cast, customer=wang)

    def sql(q):
        return str(ServiceRequestFilterSet({"q": q}, queryset=ServiceRequest.objects.all())
                   .qs.query)

    by_name = sql("王晓")
    assert '"number"' not in by_name.split("WHERE")[1] and " OR " not in by_name
    month = made.number[:6]
    assert search(month) == {made.number}
    assert "LIKE" not in sql(month).upper()
    assert "LIKE" in sql(made.number).upper()  # a longer prefix is still read
    assert search("没有这个人") == set()
