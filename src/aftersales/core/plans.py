"""Searches planned for the values searched for (ADR 0015).

On PostgreSQL a statement a connection runs often is prepared, and after a few runs PostgreSQL
may keep one generic plan for every value. That is right for a page's short reads by id, and
wrong for a list search whose best plan depends on what was typed: "王晓" matches thousands of
customers, a phone number one, and a generic plan for both made the manager's list of closed
requests of customers named "王晓…" take 483 ms (p95) instead of 93 at ten million requests
(bench/results/lists-2026-12-04.md). Within :func:`plans_for_values` statements are not run
prepared, so each is planned for its own values. Lists that filter by the user's input use it:
the request list (page, export), the customer list and every API list
(``RestrictedViewSet.list``): a new list page that searches a large table should too.
"""

from contextlib import ContextDecorator

from django.db import connections


class plans_for_values(ContextDecorator):  # noqa: N801 (used as a decorator, reads as one)
    """Run the statements of a block or a view unprepared (each planned for its values)."""

    def __init__(self, using: str = "default"):
        self.using = using
        self._saved = None

    def _recreate_cm(self):
        return type(self)(self.using)  # a decorated view's calls (and threads) share nothing

    def __enter__(self):
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            self._saved = (raw, raw.prepare_threshold)
            raw.prepare_threshold = None  # psycopg: no prepared statements on this connection
        return self

    def __exit__(self, *exc):
        if self._saved is not None:
            raw, threshold = self._saved
            raw.prepare_threshold = threshold
        return False
