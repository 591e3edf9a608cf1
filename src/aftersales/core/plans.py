"""Searches planned for the values searched for (ADR 0015), at a memory-resident cost (ADR 0017).

On PostgreSQL a statement a connection runs often is prepared, and after a few runs PostgreSQL
may keep one generic plan for every value. That is right for a page's short reads by id, and
wrong for a list search whose best plan depends on what was typed: "王晓" matches thousands of
customers, a phone number one, and a generic plan for both made the manager's list of closed
requests of customers named "王晓…" take 483 ms (p95) instead of 93 at ten million requests
(bench/results/lists-2026-12-04.md). Within :func:`plans_for_values` statements are not run
prepared, so each is planned for its own values. Lists that filter by the user's input use it:
the request list (page, export), the customer list and every API list
(``RestrictedViewSet.list``): a new list page that searches a large table should too.

Within it PostgreSQL also prices reading a table's pages out of order at
``DB_SEARCH_RANDOM_PAGE_COST`` (1.1) instead of the server's default 4, which assumes spinning
disks: the newest page of an agent's search walks back through his centre's index, whose rows
lie all over the table, rather than through every centre's requests in the order they were
stored — 5–14 ms instead of 22–50 at ten million (ADR 0017). The server's value is put back
when the block ends, so nothing else is planned with it.
"""

from contextlib import ContextDecorator

from django.conf import settings
from django.db import DatabaseError, connections


class plans_for_values(ContextDecorator):  # noqa: N801 (used as a decorator, reads as one)
    """Run the statements of a block or a view unprepared (each planned for its values), with
    the random-page cost of a database in memory."""

    def __init__(self, using: str = "default"):
        self.using = using
        self._saved = None
        self._cost_before = None

    def _recreate_cm(self):
        return type(self)(self.using)  # a decorated view's calls (and threads) share nothing

    def __enter__(self):
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            self._saved = (raw, raw.prepare_threshold)
            raw.prepare_threshold = None  # psycopg: no prepared statements on this connection
            cost = settings.DB_SEARCH_RANDOM_PAGE_COST
            if cost:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('random_page_cost'), "
                                   "set_config('random_page_cost', %s, false)", [str(cost)])
                    self._cost_before = cursor.fetchone()[0]
        return self

    def __exit__(self, *exc):
        try:
            if self._cost_before is not None:
                connection = connections[self.using]
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('random_page_cost', %s, false)",
                                       [self._cost_before])
                except DatabaseError:
                    # The block ran inside a transaction that has failed: rolling it back
                    # undoes the setting, which was made inside it.
                    if not connection.in_atomic_block:
                        raise
        finally:
            if self._saved is not None:
                raw, threshold = self._saved
                raw.prepare_threshold = threshold
        return False
