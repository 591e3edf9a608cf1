"""The product's own error pages: no framework debug page, no URL list; JSON under /api/."""

import pytest
from django.test import Client

from aftersales.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


def test_unknown_address_gets_the_products_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "404.html" in _templates(response) and "web/base.html" in _templates(response)
    assert "找不到页面" in html and 'href="/"' in html and "/no-such-page/" in html
    assert "URLconf" not in html and "urlpatterns" not in html.lower()


def test_404_page_follows_the_language_and_keeps_the_navigation(client):
    user = UserFactory(username="desk.agent")
    client.force_login(user)
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 404 and "Page not found" in html
    assert "Back to the start page" in html and str(user) in html


def test_unknown_api_address_keeps_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_bad_host_gets_the_products_400_page(client):
    response = client.get("/login/", headers={"host": "evil.example"})
    assert response.status_code == 400 and "400.html" in _templates(response)
    assert "请求有误" in response.content.decode()


@pytest.mark.urls("aftersales.web.tests.urls_errors")
def test_403_and_400_pages_and_api_json(client):
    response = client.get("/test-forbid/")
    assert response.status_code == 403 and "403.html" in _templates(response)
    assert "无权访问" in response.content.decode()
    response = client.get("/test-suspicious/")
    assert response.status_code == 400 and "400.html" in _templates(response)
    response = client.get("/api/v1/test-suspicious/")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


@pytest.mark.urls("aftersales.web.tests.urls_errors")
def test_500_page_needs_neither_context_nor_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/test-fail/")
    html = response.content.decode()
    assert response.status_code == 500 and "500.html" in _templates(response)
    assert "服务器出错" in html and 'href="/"' in html and "Traceback" not in html
    response = client.get("/api/v1/test-fail/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_form_without_its_csrf_token_gets_the_products_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "403_csrf.html" in _templates(response)
    assert "表单已过期" in response.content.decode()
