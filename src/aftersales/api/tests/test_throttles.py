"""Brute force on the API's token endpoint (issue 9 item 10): requests are counted per client
address and per username in the shared cache; past the rate the answer is 429 with Retry-After,
in the request's language."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates(settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"token_ip": "6/hour", "token_username": "3/hour"}}


def token(username, password="wrong", ip="10.0.0.1", **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password},
                            format="json", REMOTE_ADDR=ip, **extra)


def test_one_username_is_limited_from_any_address():
    UserFactory(username="frank")
    for n in range(3):
        assert token("frank", ip=f"10.0.1.{n}").status_code == 400
    refused = token("Frank ", PASSWORD, ip="10.0.1.9", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    chinese = token("frank", PASSWORD, ip="10.0.1.9", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 429 and "限流" in chinese.json()["detail"]
    assert token("grace", ip="10.0.1.9").status_code == 400  # another username still answers


def test_one_address_is_limited_across_usernames():
    UserFactory(username="heidi")
    for n in range(6):
        assert token(f"nobody{n}").status_code == 400
    assert token("heidi", PASSWORD).status_code == 429
    assert token("heidi", PASSWORD, ip="10.0.2.1").status_code == 200
    spoofed = token("heidi", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert spoofed.status_code == 429  # the header does not make a new address (NUM_PROXIES=0)


def test_behind_a_proxy_the_forwarded_address_counts(settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    for n in range(6):
        token(f"nobody{n}", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert token("x", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert token("x", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 400
