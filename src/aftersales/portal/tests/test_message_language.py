"""The sign-in code in the customer's own language of messages; without one, in the language of
the page he asked on."""

import pytest
from django.core import mail
from django.urls import reverse

from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("portal:login")


@pytest.fixture
def ask(client, clock_at, django_capture_on_commit_callbacks):
    clock_at(10, 0)

    def ask(identifier, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(LOGIN, {"identifier": identifier}, **headers)

    return ask


def test_the_code_in_traditional_for_a_traditional_customer(ask, sms):
    CustomerFactory(phone="+8613900007731", language="zh-hant")
    CustomerFactory(phone="+8613900007732")
    ask("13900007731")
    ask("13900007732")
    [hant] = sms.to("+8613900007731")
    [hans] = sms.to("+8613900007732")
    assert "登入驗證碼" in hant["text"] and "售後服務" in hant["text"]
    assert "登录验证码" in hans["text"] and "售后服务" in hans["text"]


def test_without_his_own_the_pages_language_and_his_own_wins_over_it(ask, sms):
    CustomerFactory(phone="+8613900007733", email="amy@example.com")
    CustomerFactory(phone="+8613900007734", email="chan@example.com", language="zh-hant")
    ask("amy@example.com", HTTP_ACCEPT_LANGUAGE="en")
    ask("chan@example.com", HTTP_ACCEPT_LANGUAGE="en")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["amy@example.com"].startswith("Your sign-in code")
    assert "驗證碼" in subjects["chan@example.com"]
