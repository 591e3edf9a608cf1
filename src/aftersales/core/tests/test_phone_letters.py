"""A phone number with letters is refused, never read as keypad digits (issue 9, item 6).

phonenumbers maps letters to keypad digits ("138abcd0013" → +8613822230013), so a typo or a
pasted word would be saved as someone else's number. Every place a phone is entered goes
through core.validators; these tests go through the real pages and the API.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from aftersales.core.validators import phone_normalize, phone_search_key
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.filtersets import ServiceRequestFilterSet
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db

LETTERS = "138abcd0013"
KEYPAD = "+8613822230013"  # what phonenumbers makes of LETTERS


@pytest.fixture
def cast():
    return Cast()


@pytest.mark.parametrize("raw", [LETTERS, "138ABCD0013", "1-800-FLOWERS", "138 1234 5678 ext 12",
                                 "138 1234 5678x9", "13812345678转12"])
def test_letters_are_refused_with_their_own_message(raw):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        phone_normalize(raw)
    assert caught.value.code == "invalid_phone"
    assert "letters" in caught.value.messages[0]


@pytest.mark.parametrize("raw", ["138 1234 5678", "138-1234-5678", "(021) 6279 8899",
                                 "+86 138 1234 5678", "１３８１２３４５６７８"])
def test_ordinary_ways_of_writing_a_number_still_work(raw):
    assert phone_normalize(raw).startswith("+86")


def test_a_search_key_with_letters_matches_no_stored_number():
    assert not phone_search_key(LETTERS).startswith("+")
    assert "2223" not in phone_search_key(LETTERS)


def test_api_refuses_letters_in_the_request_language(cast):
    api = APIClient()
    api.force_authenticate(cast.agent)
    for language, snippet in (("en", "letters"), ("zh-hans", "字母"), ("zh-hant", "字母")):
        response = api.post("/api/v1/customers/", {
            "name": "王", "phone": LETTERS, "address": "上海市", "region_kind": "urban",
            "kind": "individual"}, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400, response.content
        assert list(response.json()) == ["phone"]
        assert snippet in response.json()["phone"][0]
    assert not Customer.objects.exists()


def test_api_phone_filter_finds_nothing_for_letters(cast):
    CustomerFactory(phone=KEYPAD)
    api = APIClient()
    api.force_authenticate(cast.agent)
    assert api.get("/api/v1/customers/", {"phone": LETTERS}).json()["count"] == 0


def test_customer_page_refuses_letters(client, cast):
    client.force_login(cast.agent)
    response = client.post(reverse("customers:create"), {
        "name": "王建国", "phone": "13812345678", "phone_alt": LETTERS, "address": "上海市",
        "region_kind": "urban", "kind": "individual"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "letters" in str(response.context["form"].errors["phone_alt"])
    assert not Customer.objects.exists()


def test_portal_login_refuses_letters(client):
    CustomerFactory(phone=KEYPAD)
    response = client.post(reverse("portal:login"), {"identifier": LETTERS})
    assert response.status_code != 302
    assert "字母" in response.content.decode()


def test_searches_do_not_map_letters_to_digits(client, cast):
    owner = CustomerFactory(service_centre=cast.centre, phone=KEYPAD)
    request = new_request(cast, customer=owner)
    found = ServiceRequestFilterSet({"q": LETTERS}, queryset=ServiceRequest.objects.all()).qs
    assert request not in found
    assert request in ServiceRequestFilterSet({"q": "138 2223 0013"},
                                              queryset=ServiceRequest.objects.all()).qs
    client.force_login(cast.agent)
    page = client.get(reverse("customers:list"), {"phone": LETTERS})
    assert owner not in list(page.context["page"].object_list)
