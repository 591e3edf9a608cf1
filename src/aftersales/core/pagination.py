"""Pagination for long lists: counting a million rows on every page costs more than the page.

``CappedPaginator`` counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap+1)``), so
the first pages of a huge result are as fast as those of a small one; the page says "10,000+".
A count with fewer matches than the cap may still read a whole table when no index answers it
(a search of ten million requests, bench/lists); on PostgreSQL the count therefore runs within a
time budget (``settings.LIST_COUNT_BUDGET_MS``, a statement timeout on the count alone): past it
the page is shown uncounted, with next and previous, and asks to narrow the filters
(docs/adr/0014-list-counts-within-a-budget.md).
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import OperationalError, connections, transaction

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by its timeout


def count_within(queryset, budget_ms: int | None) -> int | None:
    """``queryset.count()``, or None when it takes longer than ``budget_ms`` (PostgreSQL only:
    elsewhere, or without a budget, the count is exact whatever it costs)."""
    alias = queryset.db
    connection = connections[alias]
    if not budget_ms or connection.vendor != "postgresql":
        return queryset.count()
    try:
        # A savepoint of its own: a cancelled count rolls back to it and leaves the request's
        # transaction usable; the timeout is set locally and put back, so it times nothing else.
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout'), "
                           "set_config('statement_timeout', %s, true)", [f"{int(budget_ms)}ms"])
            (before, _) = cursor.fetchone()
            counted = queryset.count()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
            return counted
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == QUERY_CANCELED:
            return None
        raise


class CappedPage(Page):
    more = None  # uncounted: whether a row follows this page (read with it)

    def has_next(self) -> bool:
        return super().has_next() if self.more is None else self.more


class CappedPaginator(Paginator):
    cap = 10_000
    capped = False      # more than ``cap`` rows: the count shown is the cap
    uncounted = False   # the count ran out of its time budget: the rows were not counted

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):  # which rows are counted up to the cap does not matter:
            rows = rows.order_by()     # no sort in the count (a search sorts its matches)
            counted = count_within(rows[: self.cap + 1], settings.LIST_COUNT_BUDGET_MS)
        else:
            counted = len(rows[: self.cap + 1])
        if counted is None:
            self.capped = self.uncounted = True
            return self.cap
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def page(self, number):
        page = super().page(number)
        if self.uncounted:  # no total: one row more tells whether there is a next page
            bottom = (page.number - 1) * self.per_page
            rows = list(self.object_list[bottom: bottom + self.per_page + 1])
            page.object_list, page.more = rows[: self.per_page], len(rows) > self.per_page
        return page

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)
