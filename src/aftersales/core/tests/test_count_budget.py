"""A list's count within a time budget (core.pagination): past it, the page is uncounted and the
request's transaction goes on; the timeout times nothing else."""

import pytest
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from aftersales.core.models import DocumentCounter
from aftersales.core.pagination import CappedPaginator, count_within

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="statement timeouts are PostgreSQL's")


def _rows(n=3):
    DocumentCounter.objects.bulk_create(DocumentCounter(doc_type=f"t{i}", period="2611")
                                        for i in range(n))
    return DocumentCounter.objects.order_by("pk")


def _slow(rows, seconds):
    """Rows whose count takes ``seconds`` per row on PostgreSQL (a real sleep in the server)."""
    sleep = RawSQL("pg_sleep(%s) IS NOT NULL", [seconds])
    return rows.filter(ExpressionWrapper(sleep, output_field=BooleanField()))


def test_a_quick_count_is_exact():
    assert count_within(_rows(3), 500) == 3
    assert count_within(_rows(0), None) == 3  # no budget: exact on every database


@postgres_only
def test_a_slow_count_gives_up_and_leaves_the_transaction_usable():
    rows = _slow(_rows(3), 0.2)
    with transaction.atomic():  # as a request's transaction would be
        assert count_within(rows, 50) is None
        assert DocumentCounter.objects.count() == 3  # not aborted
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"  # put back: nothing else is timed
    assert count_within(rows, 2000) == 3


@postgres_only
def test_a_fast_count_puts_the_timeout_back_too():
    with transaction.atomic():
        assert count_within(_rows(2), 500) == 2
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"


@postgres_only
@override_settings(LIST_COUNT_BUDGET_MS=30)
def test_an_uncounted_page_still_shows_its_rows_and_says_so():
    paginator = CappedPaginator(_slow(_rows(3), 0.05), 2)
    page = paginator.get_page(1)
    assert (paginator.uncounted, paginator.capped) == (True, True)
    assert len(page.object_list) == 2 and page.has_next()
    last = paginator.get_page(2)  # the third row: no page after it, though nobody counted
    assert len(last.object_list) == 1 and not last.has_next() and last.has_previous()
    with translation.override("en"):
        html = render_to_string("service/_pagination.html", {"page": page})
    assert "too many to count quickly" in html and "in all" not in html
    assert "数不过来" in render_to_string("service/_pagination.html", {"page": page})


@override_settings(LIST_COUNT_BUDGET_MS=2000)
def test_a_counted_page_says_how_many():
    paginator = CappedPaginator(_rows(3), 2)
    page = paginator.get_page(1)
    assert not paginator.uncounted and paginator.count == 3
    with translation.override("en"):
        assert "3 in all" in render_to_string("service/_pagination.html", {"page": page})
