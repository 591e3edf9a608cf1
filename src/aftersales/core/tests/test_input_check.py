"""core.middleware.InputCheckMiddleware on the pages (issue 9, items 7 and 9): a NUL or another
control character in a search box or a form is a 400 page naming the field, never a 500 (NUL
reached PostgreSQL) and never stored (it broke every Excel export later)."""

import pytest
from django.urls import reverse

from aftersales.customers.models import Customer
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.mark.parametrize("q", ["\x00", "王\x00", "\x07"])
def test_a_control_character_in_the_workshop_search_is_a_400_page(client, cast, q):
    client.force_login(cast.supervisor)
    response = client.get(reverse("field:workshop"), {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_nul_in_the_parts_search_is_a_400_page(client, cast):
    job = drive(new_request(cast), cast, Status.ON_SITE)
    client.force_login(cast.technician)
    url = reverse("field:part_search", args=[job.pk])
    assert client.get(url, {"q": "阀"}).status_code == 200
    response = client.get(url, {"q": "阀\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "control character" in response.content.decode()


def test_nul_in_the_request_list_search_is_a_400_page(client, cast):
    client.force_login(cast.agent)
    response = client.get(reverse("service:list"), {"q": "\x00"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_an_offset_no_zone_has_is_not_a_500_on_the_list_page(client, cast):
    new_request(cast)
    client.force_login(cast.agent)
    response = client.get(reverse("service:list"),
                          {"reported_before": "2026-01-01T00:00:00-21:49"})
    assert response.status_code == 200


def test_a_control_character_in_a_form_is_refused_and_nothing_is_stored(client, cast):
    client.force_login(cast.agent)
    response = client.post(reverse("customers:create"), {
        "name": "王建国", "phone": "13812345678", "address": "上海市\x07徐汇区",
        "region_kind": "urban", "kind": "individual"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "address" in html and "U+0007" in html
    assert not Customer.objects.exists()


def test_line_breaks_and_tabs_in_a_form_are_kept(client, cast):
    client.force_login(cast.agent)
    response = client.post(reverse("customers:create"), {
        "name": "王建国", "phone": "13812345678", "address": "上海市\r\n徐汇区\t88号",
        "region_kind": "urban", "kind": "individual"})
    assert response.status_code == 302
    assert Customer.objects.get().address.startswith("上海市")


@pytest.mark.parametrize("url", ["/login/", "/portal/login/"])
def test_a_control_character_before_signing_in_is_a_400_page(client, url):
    response = client.post(url, {"username": "agent\x07", "identifier": "138\x00", "password": "x"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "control character" in response.content.decode()
