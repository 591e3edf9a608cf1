"""Quick find: one box in the top bar finds a document or a person by what a caller gives —
a number, a phone, a name, a serial (web's page ``web:find``).

The page knows no app above it: each app adds the section of its own documents as a panel of
the page :data:`FIND_PAGE` (``core.panels``), in its ``panels.py``::

    PANELS = {FIND_PAGE: [find_panel(request_find, order=10)]}

A section's ``context(http_request, q)`` returns :func:`find_section` — its title, at most
:data:`FIND_LIMIT` hits, a link to its list for more — or None when the user may not open that
list or nothing matches. Each section searches with its list's own rule and access rule, and
reads a document by its number only when the query carries that document's prefix, so that a
phone or a name costs the number sections nothing. When the query is exactly one document's
number, the page opens that document at once.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from .panels import Panel
from .views import may_open  # noqa: F401 (the sections' access check, with their other helpers)

FIND_PAGE = "web.find"
FIND_TEMPLATE = "core/find_section.html"
FIND_LIMIT = 5


@dataclass(frozen=True)
class Hit:
    url: str
    label: str  # the number, or the name
    detail: str = ""  # a line that tells it apart: customer, state, date
    exact: bool = False  # the query is this document's number


def find_panel(context, *, order: int) -> Panel:
    return Panel(template=FIND_TEMPLATE, context=context, order=order)


def find_section(title, rows, hit, *, more: str = "", q: str = "") -> dict | None:
    """A section of at most FIND_LIMIT hits from ``rows`` (read FIND_LIMIT + 1 deep: one more
    tells that the list has more), each made by ``hit(row)``; ``more``: the name of the list
    page that shows them all for ``?q=``. None when nothing matches."""
    rows = list(rows[:FIND_LIMIT + 1])
    if not rows:
        return None
    more_url = ""
    if more and len(rows) > FIND_LIMIT:
        more_url = f"{reverse(more)}?{urlencode({'q': q})}"
    return {"title": title, "hits": [hit(row) for row in rows[:FIND_LIMIT]],
            "more_url": more_url}


def find_query(raw: str) -> str:
    """What was typed, as the sections search it: spaces collapsed; a document number read
    aloud in groups ("SR2612 0001": letters, then digits) written together."""
    q = " ".join((raw or "").split())
    compact = q.replace(" ", "")
    if (" " in q and compact.isascii() and compact.isalnum() and compact[:1].isalpha()
            and any(ch.isdigit() for ch in compact)):
        return compact
    return q


def number_query(q: str, prefix: str) -> str:
    """The query as the start of a number with ``prefix`` ("sr2612" → "SR2612"), or "" when it
    cannot be one: a section reads its documents by number only then."""
    head = "".join(q.split()).upper()
    if len(head) <= len(prefix) or not head.startswith(prefix) or not head.isalnum():
        return ""
    return head


def number_rows(rows, number: str):
    """``rows`` whose number is ``number``, else those whose number starts with it. A whole
    number is read through the number's unique index under any collation of the database; a
    start of one (LIKE 'x%') through it only under the C collation, else by a scan."""
    exact = rows.filter(number=number)
    return exact if exact.exists() else rows.filter(number__startswith=number)


def number_section(http_request, q, *, prefix: str, roles, title, rows, url, detail):
    """A section of documents that only their number finds (contracts, charge sheets …): None
    unless ``q`` starts like a number with ``prefix`` and the user has one of ``roles``; else
    ``rows(user)`` (the user's documents, newest first) whose number is or starts with it, each
    shown as ``url(row)`` and ``detail(row)``."""
    user = http_request.user
    number = number_query(q, prefix)
    if not number or not may_open(user, roles):
        return None

    def hit(row):
        return Hit(url=url(row), label=row.number, detail=detail(row), exact=row.number == number)

    return find_section(title, number_rows(rows(user), number), hit)


def local_day(moment) -> str:
    """A hit's date: the day of ``moment`` here (Asia/Shanghai), as 2026-12-05."""
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def exact_hit(contexts) -> Hit | None:
    """The one hit whose number the query is, across every section; None if none or several."""
    exact = [hit for context in contexts for hit in context["hits"] if hit.exact]
    return exact[0] if len(exact) == 1 else None
