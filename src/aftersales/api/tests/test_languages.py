"""Each API answer speaks the language of its own request (issue 9 item 11).

Model serializers derive their fields and validators once per class and language; a
validator's message formatted for one request must not be handed to the next one in another
language."""

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIClient

from aftersales.accounts.tests.factories import PASSWORD
from aftersales.api.serializers import ModelSerializer
from aftersales.core.models import DocumentCounter
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


class CounterSerializer(ModelSerializer):
    class Meta:
        model = DocumentCounter
        fields = ["doc_type", "period", "last"]


def test_a_serializers_validators_are_derived_once_per_class_and_language(monkeypatch):
    derived = []
    original = serializers.ModelSerializer.get_unique_together_validators

    def counted(self):
        derived.append(translation.get_language())
        return original(self)

    monkeypatch.setattr(serializers.ModelSerializer, "get_unique_together_validators", counted)
    for language in ("en", "zh-hans", "en", "zh-hans"):
        with translation.override(language):
            checks = CounterSerializer(data={}).validators
            assert [type(v).__name__ for v in checks] == ["UniqueTogetherValidator"]
            assert tuple(checks[0].fields) == ("doc_type", "period")
            checks.append("mine")  # each instance has its own list
    assert derived == ["en", "zh-hans"]
    DocumentCounter.objects.create(doc_type="SR", period="2612", last=1)
    taken = CounterSerializer(data={"doc_type": "SR", "period": "2612", "last": 2})
    assert not taken.is_valid() and taken.errors["non_field_errors"]
    assert CounterSerializer(data={"doc_type": "SR", "period": "2701", "last": 1}).is_valid()
