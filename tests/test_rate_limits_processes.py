"""Brute-force limits hold across processes (issue 9 item 10): two real servers (gunicorn, one
worker each) share the database (and, in the second case, Redis); failed log-ins and token
requests sent alternately to both are counted together."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import IN_CI
from django.core.cache import cache
from django.db import connection

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 120


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_problem() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return None if sock.recv(16).startswith(b"+PONG") else "Redis does not answer PING"
    except OSError as exc:
        return f"no Redis at 127.0.0.1:6379 ({exc})"


class Server:
    def __init__(self, env: dict, log: Path):
        self.base = f"http://127.0.0.1:{_free_port()}"
        self.log = log
        self.process = subprocess.Popen(
            [GUNICORN, "aftersales.config.wsgi", "--workers", "1", "--bind", self.base[7:]],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log.open("w"),
            stderr=subprocess.STDOUT)
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def wait_until_serving(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                urllib.request.urlopen(f"{self.base}/health/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"no answer in {START_TIMEOUT} s:\n{self.log.read_text()}")

    def request(self, path, data=None, *, json_body=None) -> tuple[int, str]:
        headers = {"Accept-Language": "en"}
        body = None
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        try:
            response = self.opener.open(urllib.request.Request(f"{self.base}{path}", body,
                                                               headers), timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.read().decode()

    def log_in(self, username, password) -> int:
        self.cookies.clear()  # a fresh visitor each time, as a guessing script is
        status, page = self.request("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _page = self.request("/login/", {"csrfmiddlewaretoken": token,
                                                 "username": username, "password": password})
        return status

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(params=["database", "redis"])
def servers(request, tmp_path):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "aftersales.config.settings.test",
        "DATABASE_URL": _database_url(), "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_FAILURE_WINDOW": "600", "API_TOKEN_RATE_PER_USERNAME": "4/hour",
        "API_TOKEN_RATE_PER_IP": "1000/hour", "TEST_CACHE_URL": "db://",
    }
    if request.param == "redis":
        problem = _redis_problem()
        if problem:
            if IN_CI:
                pytest.fail(f"CI=true and {problem}")
            pytest.skip(problem)
        env |= {"TEST_CACHE_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}  # nothing left from other runs
    pair = [Server(env, tmp_path / f"server-{n}.log") for n in (1, 2)]
    try:
        for server in pair:
            server.wait_until_serving()
        yield pair
    finally:
        for server in pair:
            server.stop()
        cache.clear()  # the database cache's table outlives a transactional test's flush


def test_two_servers_count_failed_log_ins_and_token_requests_together(servers):
    a, b = servers
    UserFactory(username="ivan")
    UserFactory(username="judy")
    assert [a.log_in("ivan", "wrong"), b.log_in("ivan", "wrong"), a.log_in("ivan", "wrong")] == [
        200, 200, 200]
    assert b.log_in("ivan", PASSWORD) == 429  # the fourth try, on the other server: refused
    assert a.log_in("ivan", PASSWORD) == 429
    assert b.log_in("judy", PASSWORD) == 302  # another user is not locked out

    UserFactory(username="mallory")
    body = {"username": "mallory", "password": "wrong"}
    answers = [server.request("/api/v1/auth/token/", json_body=body)[0]
               for server in (a, b, a, b)]
    assert answers == [400, 400, 400, 400]
    status, text = a.request("/api/v1/auth/token/", json_body=body | {"password": PASSWORD})
    assert status == 429, text
    assert b.request("/api/v1/auth/token/", json_body=body | {"password": PASSWORD})[0] == 429
