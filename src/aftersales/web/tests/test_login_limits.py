"""Brute force on the staff log-in page (issue 9 item 10): after LOGIN_FAILURE_LIMIT wrong
passwords for one username from one address in LOGIN_FAILURE_WINDOW seconds, the page answers
429 with a message and checks no password until the window has passed."""

import pytest
from django.contrib.auth import SESSION_KEY

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 10
    settings.LOGIN_FAILURE_WINDOW = 600


def attempt(client, username, password, ip="10.0.0.1", language="en"):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language)


def test_failures_lock_one_username_from_one_address(client, time_machine):
    time_machine.move_to("2026-12-03T10:00:00+08:00", tick=False)
    alice = UserFactory(username="alice")
    UserFactory(username="bob")
    for _ in range(3):
        assert attempt(client, "alice", "wrong").status_code == 200
    locked = attempt(client, "alice", PASSWORD)  # even the right password is not checked
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert SESSION_KEY not in client.session
    chinese = attempt(client, "alice", PASSWORD, language="zh-hans")
    assert chinese.status_code == 429 and "登录失败次数过多" in chinese.content.decode()
    # another user from the same address, and alice from elsewhere, are not locked out …
    assert attempt(client, "bob", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "alice", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    # … and their successful log-ins reset nothing of the locked pair
    assert attempt(client, "alice", PASSWORD).status_code == 429
    time_machine.move_to("2026-12-03T10:10:01+08:00", tick=False)
    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert int(client.session[SESSION_KEY]) == alice.pk


def test_a_success_forgets_only_its_own_failures(client):
    UserFactory(username="carol")
    for _ in range(2):
        attempt(client, "carol", "wrong")
    assert attempt(client, "carol", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert attempt(client, "carol", "wrong").status_code == 200
    assert attempt(client, "carol", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_stopped(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 4
    UserFactory(username="dave")
    for n in range(4):
        assert attempt(client, f"nobody{n}", "wrong").status_code == 200
    assert attempt(client, "dave", PASSWORD).status_code == 429
    assert attempt(client, "dave", PASSWORD, ip="10.0.0.9").status_code == 302


def test_a_forwarded_for_header_does_not_make_a_new_address(client):
    UserFactory(username="erin")
    for n in range(3):
        client.post("/login/", {"username": "erin", "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = client.post("/login/", {"username": "erin", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_the_admin_log_in_has_the_same_limits(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "root", "password": "wrong"},
                               REMOTE_ADDR="10.0.0.5", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
    locked = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD},
                         REMOTE_ADDR="10.0.0.5", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429 and "Too many failed log-ins" in locked.content.decode()
    assert SESSION_KEY not in client.session
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.6").status_code == 302
    assert client.get("/admin/").status_code == 200
