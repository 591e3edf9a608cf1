"""``__any_of``: the same rows as ``__in``; on PostgreSQL one array parameter."""

import pytest
from django.db import connection

from aftersales.core.lookups import Ids
from aftersales.core.models import DocumentCounter

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    rows = DocumentCounter.objects.bulk_create(DocumentCounter(doc_type=f"t{i}", period="2611")
                                               for i in range(5))
    ids = [rows[0].pk, rows[3].pk, 10_000_000]
    assert (set(DocumentCounter.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
            == set(DocumentCounter.objects.filter(pk__in=ids).values_list("pk", flat=True))
            == {rows[0].pk, rows[3].pk})
    assert not DocumentCounter.objects.filter(pk__any_of=[]).exists()
    assert DocumentCounter.objects.exclude(pk__any_of=[]).count() == 5


def test_on_postgresql_the_ids_are_one_parameter():
    sql, params = DocumentCounter.objects.filter(pk__any_of=[1, 2, 3]).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s::bigint[])" in sql and params == ([1, 2, 3],)
    else:
        assert " IN (" in sql and params == (1, 2, 3)


def test_a_subquery_is_a_plain_in():
    rows = DocumentCounter.objects.bulk_create(DocumentCounter(doc_type=f"s{i}", period="2611")
                                               for i in range(3))
    inner = DocumentCounter.objects.filter(doc_type="s1").values("pk")
    assert list(DocumentCounter.objects.filter(pk__any_of=inner).values_list("pk", flat=True)) \
        == [rows[1].pk]


def test_ids_are_one_value_with_the_same_rows():
    rows = DocumentCounter.objects.bulk_create(DocumentCounter(doc_type=f"w{i}", period="2611")
                                               for i in range(4))
    wanted = Ids([rows[1].pk, rows[2].pk, rows[2].pk, None, 10_000_000])
    assert len(wanted) == 3  # duplicates and None left out
    found = DocumentCounter.objects.filter(pk__any_of=wanted)
    assert set(found.values_list("pk", flat=True)) == {rows[1].pk, rows[2].pk}
    assert found.count() == 2  # the same query compiled again
    assert not DocumentCounter.objects.filter(pk__any_of=Ids([])).exists()
    assert DocumentCounter.objects.exclude(pk__any_of=Ids([])).count() == 4
    sql, params = DocumentCounter.objects.filter(pk__any_of=Ids([3, 1, 2])).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s::bigint[])" in sql and params == ("{3,1,2}",)
    else:
        assert " IN (" in sql and params == (3, 1, 2)


def test_ids_on_a_foreign_key_are_not_checked_one_by_one():
    """A foreign key's lookup checks that each value given is of its model; Ids are plain ids."""
    from aftersales.customers.models import InstalledProduct
    from aftersales.customers.tests.factories import InstalledProductFactory

    product = InstalledProductFactory()
    found = InstalledProduct.objects.filter(customer_id__any_of=Ids([product.customer_id, 999999]))
    assert list(found) == [product]
    assert list(InstalledProduct.objects.filter(customer__any_of=Ids([product.customer_id]))) == [product]
