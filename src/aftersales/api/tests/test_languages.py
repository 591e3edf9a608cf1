"""Each API answer speaks the language of its own request (issue 9 item 11).

Model serializers derive their fields once per class; a validator's message formatted for one
request must not be handed to the next one in another language."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.service.tests.factories import Cast

pytestmark = pytest.mark.django_db

TOO_LONG = {
    "en": "no more than 100 characters",
    "zh-hans": "不能超过 100 个字符",
    "zh-hant": "字元長度不超過 100",
}
NEGATIVE = {
    "en": "greater than or equal to 0",
    "zh-hans": "大于或者等于 0",
    "zh-hant": "大於或等於 0",
}


@pytest.fixture
def api():
    cast = Cast()
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": cast.manager.username,
                                               "password": PASSWORD}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    return client


def test_validation_messages_follow_each_requests_language(api):
    for language in ("en", "zh-hans", "zh-hant", "en", "zh-hant", "zh-hans"):
        customer = api.post("/api/v1/customers/", {
            "name": "名" * 101, "phone": "13812345678", "address": "上海市",
            "region_kind": "urban", "kind": "individual"},
            format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert customer.status_code == 400
        assert TOO_LONG[language] in customer.json()["name"][0], (language, customer.json())
        model = api.post("/api/v1/product-models/", {
            "code": "X1", "name": "热水器", "category": "water_heater", "warranty_months": -1},
            format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert model.status_code == 400
        assert NEGATIVE[language] in model.json()["warranty_months"][0], (language, model.json())
