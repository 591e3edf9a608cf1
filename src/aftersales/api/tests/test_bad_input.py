"""Hostile input gets a clear 400 in the API's JSON error format, never a 500 or an HTML page
(issue 9, item 9): out-of-range UTC offsets in date filters, NUL and other control characters,
JSON nested without end, bodies over the size limit."""

import json

import pytest
from rest_framework.test import APIClient

from aftersales.customers.models import Customer
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def api(cast):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(cast.agent)
    return client


def json_400(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00-21:49", "2026-01-01T00:00:00+16:00",
                                   "2026-01-01T00:00:00+14:01", "not a date"])
def test_a_date_filter_out_of_range_is_400_naming_the_filter(api, cast, value):
    new_request(cast)
    body = json_400(api.get("/api/v1/service-requests/", {"reported_before": value},
                            HTTP_ACCEPT_LANGUAGE="en"))
    assert list(body) == ["reported_before"]


def test_a_date_filter_with_a_real_offset_still_filters(api, cast):
    sr = new_request(cast)
    after = api.get("/api/v1/service-requests/", {"reported_before": "2000-01-01T00:00:00-12:00"})
    assert after.status_code == 200 and after.json()["count"] == 0
    before = api.get("/api/v1/service-requests/", {"reported_after": "2000-01-01T00:00:00+14:00"})
    assert [r["id"] for r in before.json()["results"]] == [sr.pk]


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"q": "王\x00"}, {"phone": "138\x00"},
                                    {"q\x00": "x"}])
def test_nul_in_a_query_string_is_400(api, cast, params):
    new_request(cast)
    url = "/api/v1/customers/" if "phone" in params else "/api/v1/service-requests/"
    body = json_400(api.get(url, params, HTTP_ACCEPT_LANGUAGE="en"))
    assert "control character" in json.dumps(body)


def test_a_control_character_in_a_json_body_is_400_naming_the_field(api):
    body = json_400(api.post("/api/v1/customers/", {
        "name": "王\x07建国", "phone": "13812345678", "address": "上海市", "region_kind": "urban",
        "kind": "individual"}, format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert list(body) == ["name"] and "U+0007" in body["name"][0]
    assert not Customer.objects.exists()


def test_tab_and_line_breaks_are_still_allowed(api, cast):
    sr = new_request(cast)
    response = api.post("/api/v1/customers/", {
        "name": "王建国", "phone": "13812345678", "address": "上海市\r\n徐汇区\t88号",
        "region_kind": "urban", "kind": "individual"}, format="json")
    assert response.status_code == 201, response.content
    assert sr.pk


def test_a_control_character_in_a_form_body_is_400(api):
    body = json_400(api.post("/api/v1/customers/", {
        "name": "王建国", "phone": "13812345678", "address": "上海\x1b市", "region_kind": "urban",
        "kind": "individual"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert list(body) == ["address"]
    assert not Customer.objects.exists()


def test_json_nested_without_end_is_400(api):
    response = api.generic("POST", "/api/v1/customers/", "[" * 100_000,
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    body = json_400(response)
    assert "detail" in body


def test_json_nested_deeper_than_the_limit_is_400(api):
    nested = "[" * 200 + "]" * 200
    body = json_400(api.generic("POST", "/api/v1/customers/",
                                '{"name": ' + nested + "}", content_type="application/json"))
    assert "detail" in body


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_size_limit_is_a_json_400(api, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = ('{"name": "' + "x" * 2000 + '"}') if content_type.endswith("json") \
        else "name=" + "x" * 2000
    body = json_400(api.generic("POST", "/api/v1/customers/", payload,
                                content_type=content_type, HTTP_ACCEPT_LANGUAGE="en"))
    assert "detail" in body


def test_too_many_form_fields_is_a_json_400(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    payload = "&".join(f"f{i}=1" for i in range(50))
    body = json_400(api.generic("POST", "/api/v1/customers/", payload,
                                content_type="application/x-www-form-urlencoded"))
    assert "detail" in body
