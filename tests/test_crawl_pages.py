"""Every page each demo login can reach by following links, crawled breadth-first from its start
page over the demo data: no server error, no broken link, no link the product shows a login that
then refuses it (403), no template syntax or a bare "None" left in the page.

The aim is every page, not every record or filter combination: a page of each URL pattern comes
first, then up to RECORDS paths per pattern and QUERY_VARIANTS query strings per path. Downloads
(Excel exports) are fetched for their status only. The admin, the API, static files and log-out
are left out."""

import re
import traceback
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from aftersales.accounts.models import User
from aftersales.demo.seed import PORTAL_EMAIL

LOGINS = ["admin", "manager", "accountant", "pd.supervisor", "pd.agent", "pd.tech1",
          "dealer1",  # dealer1: demo/dealers_seed.py
          # the other centre's supervisor (pages that list every centre's documents, links to
          # those only their own centre opens) and a complaints department's agent of no centre
          "sj.supervisor", "cp_qa"]
MAX_PAGES = 150  # per login: the admin reaches 129 URL patterns
QUERY_VARIANTS = 3  # distinct query strings followed per path: pages, not filter combinations
RECORDS = 3  # distinct paths followed per URL pattern: pages, not every record's copy of one
SKIPPED_PREFIXES = ("/admin/", "/api/", settings.STATIC_URL)  # no MEDIA_URL: files are /files/<pk>/
SKIPPED_PATHS = {"/logout/", "/portal/logout/"}
# 404 by design: a report not produced yet is found with its "not yet" page, answered 404 (the
# report does not exist; reports/views/reports.py, report_open) — the demo produces none.
EXPECTED_404 = {"/reports/open/"}
HOST = "testserver"
TEMPLATE_LEFTOVER = re.compile(r".{0,60}(?:\{\{|\{%).{0,60}", re.DOTALL)
NONE_CELL = re.compile(r".{0,80}>\s*None\s*<.{0,40}", re.DOTALL)  # an element's whole text


@dataclass
class Finding:
    kind: str
    login: str
    url: str
    found_on: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"[{self.kind}] {self.login}: {self.url}  (linked from {self.found_on})"
        return text + (f"\n    {self.detail}" if self.detail else "")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _same_site(href: str, base: str) -> str | None:
    """The path (and query) a link leads to on this site, or None for one not to follow."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#", "sms:", "data:")):
        return None
    url, _fragment = urldefrag(urljoin(f"http://{HOST}{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != HOST:
        return None
    if parts.path in SKIPPED_PATHS or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pattern(path: str) -> str:
    """The URL pattern a path matches (a path that matches none is its own)."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def _exception_tail(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "(no exception recorded)"
    lines = "".join(traceback.format_exception(*exc_info)).rstrip().splitlines()
    return "\n    ".join(lines[-8:])


@dataclass
class Crawl:
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    patterns: set[str] = field(default_factory=set)  # URL patterns reached
    left: set[str] = field(default_factory=set)  # URL patterns found but not reached (MAX_PAGES)


def crawl(client: Client, login: str, start: str) -> Crawl:
    """Breadth-first from start, a page of each URL pattern first, then more records and filter
    variants of the patterns already seen while MAX_PAGES allows."""
    done = Crawl()
    first: deque[tuple[str, str]] = deque([(start, "(start)")])  # a pattern not yet queued
    more: deque[tuple[str, str]] = deque()  # another record or filter of a queued pattern
    seen = {start}
    records: dict[str, set[str]] = defaultdict(set)
    variants: dict[str, set[str]] = defaultdict(set)
    while (first or more) and done.pages < MAX_PAGES:
        url, found_on = (first or more).popleft()
        done.pages += 1
        done.patterns.add(_pattern(url.partition("?")[0]))
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            done.findings.append(Finding(str(status), login, url, found_on,
                                         _exception_tail(response)))
            continue
        if status == 404 and url.partition("?")[0] not in EXPECTED_404:
            done.findings.append(Finding("404 broken link", login, url, found_on))
            continue
        if status in {403, 404}:
            if status == 403:
                done.findings.append(Finding("403 shown but refused", login, url, found_on))
            continue
        if status in {301, 302, 303, 307, 308}:
            targets = [response["Location"]]
        elif status == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode(response.charset or "utf-8")
            for kind, leftover in (("template syntax", TEMPLATE_LEFTOVER), ("None shown", NONE_CELL)):
                match = leftover.search(html)
                if match:
                    done.findings.append(Finding(kind, login, url, found_on,
                                                 " ".join(match.group(0).split())))
            targets = links_in(html)
        else:
            continue  # a download (an Excel export, an attachment): its status is enough
        for href in targets:
            target = _same_site(href, url)
            if target is None or target in seen:
                continue
            path, _, query = target.partition("?")
            pattern = _pattern(path)
            new_pattern = not records[pattern]
            if path not in records[pattern]:
                if len(records[pattern]) >= RECORDS:
                    continue
                records[pattern].add(path)
            if query:
                if len(variants[path]) >= QUERY_VARIANTS:
                    continue
                variants[path].add(query)
            seen.add(target)
            (first if new_pattern else more).append((target, url))
    done.left = {_pattern(url.partition("?")[0]) for url, _ in first} - done.patterns
    return done


def _portal_client(mailoutbox, capture_on_commit) -> Client:
    """The demo's portal customer, signed in as a customer does: a code by e-mail."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with capture_on_commit(execute=True):
        client.post("/portal/login/", {"identifier": PORTAL_EMAIL})
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", mailoutbox[-1].body).group(1)
    response = client.post("/portal/login/code/", {"code": code})
    assert response.status_code == 302, "the portal customer could not sign in"
    return client


@pytest.mark.django_db
def test_every_linked_page_renders_for_every_demo_login(
        clock_at, mailoutbox, django_capture_on_commit_callbacks):
    clock_at(10, 0, day=date(2026, 11, 20))  # a Friday morning: the same pages at any hour
    call_command("demo_seed", "--scale", "0.1", stdout=StringIO())

    crawls: dict[str, Crawl] = {}
    for login in LOGINS:
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=login))
        crawls[login] = crawl(client, login, "/")
    portal = _portal_client(mailoutbox, django_capture_on_commit_callbacks)
    crawls["portal customer"] = crawl(portal, "portal customer", "/portal/")

    defects = [finding for done in crawls.values() for finding in done.findings]
    crawled = ", ".join(f"{login} {done.pages} pages of {len(done.patterns)} patterns"
                        + (f" ({len(done.left)} more not reached)" if done.left else "")
                        for login, done in crawls.items())
    print(f"\ncrawled: {crawled}")
    assert not defects, (f"{len(defects)} defect(s) in the pages crawled ({crawled}):\n"
                         + "\n".join(map(str, defects)))
    # the crawl reached the product, not just a start page
    assert len(crawls["admin"].patterns) > 100 and len(crawls["pd.tech1"].patterns) > 15
