"""Test set-up shared by every suite: database availability, the browser, common fixtures.

Database-server and browser tests skip with a clear message on a machine that lacks them,
except under CI=true, where a missing service fails the run.
"""

import email
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time as timing
from datetime import datetime, time
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

# AFTERSALES_TEST_CLOCK=10:40 shifts the wall clock of this process and of every Python process
# it spawns to that Shanghai time (tests/wallclock/, ADR 0006); scripts/test uses it.
sys.path.insert(0, str(Path(__file__).parent / "tests" / "wallclock"))
import aftersales_wallclock as wallclock  # noqa: E402

sys.path.pop(0)
wallclock.start()

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _postgres_unreachable() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at DATABASE_URL is not reachable ({exc.__class__.__name__}: {exc})"


def pytest_report_header(config):
    return wallclock.describe()


def pytest_configure(config):
    problem = _postgres_unreachable()
    if problem:
        if IN_CI:
            raise pytest.UsageError(f"CI=true and {problem}")
        config._aftersales_skip_db = problem


def pytest_collection_modifyitems(config, items):
    problem = getattr(config, "_aftersales_skip_db", None)
    if problem:
        marker = pytest.mark.skip(reason=f"{problem}; skipping database tests")
        for item in items:
            item.add_marker(marker)
    browser_items = [item for item in items if "browser" in item.keywords]
    problem = _browser_unusable() if browser_items else None
    if problem:
        if IN_CI:
            raise pytest.UsageError(f"CI=true and {problem}")
        marker = pytest.mark.skip(reason=problem)
        for item in browser_items:
            item.add_marker(marker)


def _browser_unusable() -> str | None:
    """Why the browser tests cannot run here: no Chromium, or no CJK font (every Chinese
    character would be a box in the pages and screenshots). scripts/test installs both."""
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return "no fc-list to look for a CJK font with (apt-get install fontconfig fonts-noto-cjk)"
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                           timeout=60).stdout
    if not found.strip():
        return ("no CJK font: Chinese text would render as boxes in the browser tests "
                "(fc-list :lang=zh is empty; apt-get install fonts-noto-cjk)")
    return None


def _patient_screenshots() -> None:
    """Take a screenshot again when Chromium refuses the capture itself.

    On a busy machine Chromium now and then answers a full-page capture with "Unable to capture
    screenshot" (a DevTools protocol error after the fonts loaded; microsoft/playwright#32144):
    the page is fine, the compositor was not ready. A screenshot documents a page and asserts
    nothing, so it is taken again, up to three times, rather than failing the test that took it.
    Every other error is raised at once."""
    from playwright.sync_api import Error, Locator, Page

    def patient(take):
        if getattr(take, "patient", False):
            return take

        @functools.wraps(take)
        def screenshot(self, *args, **kwargs):
            for pause in (0.5, 1.0):
                try:
                    return take(self, *args, **kwargs)
                except Error as exc:
                    if "Unable to capture screenshot" not in str(exc):
                        raise
                    timing.sleep(pause)
            return take(self, *args, **kwargs)

        screenshot.patient = True
        return screenshot

    Page.screenshot = patient(Page.screenshot)
    Locator.screenshot = patient(Locator.screenshot)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    _patient_screenshots()

    # CI machines are small and busy: give assertions the same patience as actions.
    expect.set_options(timeout=15_000)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, group: str, name: str, *, full_page: bool = True, keep: bool = True,
               keep_as: str | None = None) -> Path:
    """A browser test's screenshot: kept under /tmp/shots/<group>/<name>, and — unless ``keep``
    is False — copied to $SCREENSHOT_DIR when that is set (docs/screenshots for the docs), as
    ``keep_as`` or else <group>-<name>."""
    path = Path("/tmp/shots") / group / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    if keep and (target := os.environ.get("SCREENSHOT_DIR")):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / (keep_as or f"{group}-{name}"))
    return path


PHONE_VIEWPORT = {"width": 390, "height": 844}


def screenshot_both_widths(page, group: str, name: str) -> None:
    """The page as it is at its width (a desk's) and at a phone's — nothing wider than the
    phone's screen —, as <name>.png and <name>-phone.png (:func:`screenshot`); back to the
    page's width after."""
    width_before = page.viewport_size
    screenshot(page, group, f"{name}.png")
    page.set_viewport_size(PHONE_VIEWPORT)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"] + 1, f"{name}: {width}px wide at 390px"
    screenshot(page, group, f"{name}-phone.png")
    page.set_viewport_size(width_before)


def login(page, live_server, username, password="secret-pass-1"):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)


def login_as(page, live_server, user):
    """Sign ``user`` in without the login page (a portal customer, who signs in by a one-time
    code that its own tests cover): Django's test client makes the session, the browser gets its
    cookie."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "url": live_server.url,
                               "value": client.cookies["sessionid"].value}])


def offsite_references(html: str) -> list[str]:
    """Every address in a page that points at another host: absolute ones (http, https) and
    protocol-relative ones ("//host/..." after a quote or url(). The page's own paths, random
    tokens and words are not addresses, so a token that happens to spell "cdn" is no finding."""
    return re.findall(r"""https?://[^\s"'<>)]+|(?<=["'(])//[^\s"'<>)]+""", html)


@pytest.fixture
def compiled_models(monkeypatch) -> list:
    """The models of the querysets and inserts Django compiles to SQL from now on, in order (one
    entry per compilation): what core.compiled_reads and core.compiled_inserts keep from being
    compiled again."""
    from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler

    compiled = []
    for compiler in (SQLCompiler, SQLInsertCompiler):
        def counted(self, *args, _original=compiler.as_sql, **kwargs):
            compiled.append(self.query.model)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(compiler, "as_sql", counted)
    return compiled


@pytest.fixture
def clock_at(time_machine):
    """Pins the wall clock to a Shanghai time of day: ``clock_at(19, 30)`` (today's Shanghai
    date) or ``clock_at(9, 0, day=date)``; it ticks on unless ``tick=False``. Returns the time."""

    def at(hh: int, mm: int = 0, *, day=None, tick: bool = True) -> datetime:
        tz = ZoneInfo("Asia/Shanghai")
        moment = datetime.combine(day or datetime.now(tz).date(), time(hh, mm), tz)
        time_machine.move_to(moment.timestamp(), tick=tick)  # a timestamp: TZ stays untouched
        return moment

    return at


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Deadline policies and business calendars are cached per process; each test starts from
    the database (a rolled-back test's centre id is taken again by the next test on SQLite, with
    the same calendar version, so a cached calendar would be another test's)."""
    from aftersales.core.calendar import _cached
    from aftersales.dispatch.clocks import policies_changed

    policies_changed()
    _cached.cache_clear()
    yield
    policies_changed()
    _cached.cache_clear()


class Inbox:
    """What a real SMTP server (aiosmtpd) received: its envelopes, and them as parsed messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port that Django's SMTP backend sends to; yields its
    :class:`Inbox`. Mail goes after commit: use it with a transactional test or
    ``django_capture_on_commit_callbacks(execute=True)``."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "http://testserver"
    try:
        yield inbox
    finally:
        controller.stop()


class SmsOutbox:
    """The texts the file SMS backend wrote (what an SMS gateway would have been sent)."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def messages(self) -> list[dict]:
        path = self.folder / "outbox.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line]


@pytest.fixture
def sms_outbox(settings, tmp_path) -> SmsOutbox:
    """Texts go to a folder of this test's own through the file SMS backend; yields its outbox
    (``messages``: each a dict with ``to`` and ``text``). Texts go after commit, as mail does."""
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return SmsOutbox(tmp_path / "sms")
