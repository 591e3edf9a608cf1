"""Pagination for long lists: counting a million rows on every page costs more than the page.

``CappedPaginator`` counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap+1)``), so
the first pages of a huge result are as fast as those of a small one; the page says "10,000+".
"""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):  # which rows are counted up to the cap does not matter:
            rows = rows.order_by()     # no sort in the count (a search sorts its matches)
        counted = rows[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False
