"""A customer's own language of messages: set on his page, through the service and the API, and
the renewal notice written in it (the site's language for a customer without one)."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import ObjectChange
from aftersales.customers import services
from aftersales.customers.models import Customer
from aftersales.customers.selectors import message_language
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 16)


@pytest.fixture
def sms(settings, tmp_path):
    """The FileSmsBackend's outbox, in a folder of this test's own: {phone: [texts]}."""
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"

    def sent() -> dict[str, list[str]]:
        path = tmp_path / "sms" / "outbox.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        found: dict[str, list[str]] = {}
        for line in map(json.loads, lines):
            found.setdefault(line["to"], []).append(line["text"])
        return found

    return sent


@pytest.fixture
def agent(clock_at):
    clock_at(9, 0, day=DAY)
    return UserFactory(username="agent-lang", role=Role.AGENT)


def test_the_customers_language_first_then_the_senders_then_the_sites():
    hant = CustomerFactory(language="zh-hant")
    plain = CustomerFactory()
    assert plain.language == ""
    assert message_language(hant) == "zh-hant"
    assert message_language(hant, default="en") == "zh-hant"
    assert message_language(plain, default="en") == "en"
    assert message_language(plain) == settings.LANGUAGE_CODE == "zh-hans"
    assert message_language(None) == settings.LANGUAGE_CODE


def test_the_service_sets_and_clears_it_and_refuses_an_unknown_one(agent):
    customer = services.customer_create(actor=agent, name="陳先生", phone="13800138001",
                                        address="香港路1号", language="zh-hant")
    assert Customer.objects.get(pk=customer.pk).language == "zh-hant"
    with pytest.raises(ValidationError) as caught:
        services.customer_update(actor=agent, customer=customer, language="fr")
    assert list(caught.value.error_dict) == ["language"]
    assert Customer.objects.get(pk=customer.pk).language == "zh-hant"
    services.customer_update(actor=agent, customer=customer, language="")
    assert Customer.objects.get(pk=customer.pk).language == ""
    change = ObjectChange.objects.filter(content_type__model="customer", object_id=customer.pk,
                                         action="update").latest("pk")
    assert change.before["language"] == "zh-hant"


def test_the_edit_page_sets_it_and_the_customer_page_shows_it(agent, client):
    customer = CustomerFactory(name="陳太太")
    client.force_login(agent)
    page = client.get(reverse("customers:edit", args=[customer.pk]))
    assert 'name="language"' in page.content.decode()
    response = client.post(reverse("customers:edit", args=[customer.pk]), {
        "name": customer.name, "phone": customer.phone, "address": customer.address,
        "region_kind": customer.region_kind, "kind": customer.kind, "language": "zh-hant",
        "version": customer.version})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.language == "zh-hant"
    assert "繁體中文" in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()


def test_the_renewal_notice_is_in_each_customers_language(
        agent, sms, django_capture_on_commit_callbacks):
    manager = UserFactory(username="mgr-lang", role=Role.MANAGER, service_centre=None)
    ends_on = date(2026, 12, 16)  # the renewal month begins today
    contracts = {}
    for phone, language in (("+8613900002222", "zh-hant"), ("+8613900003333", "")):
        customer = CustomerFactory(phone=phone, email=f"{phone[-4:]}@example.com",
                                   language=language)
        contracts[phone] = services.contract_create(
            actor=manager, customer=customer, products=[InstalledProductFactory(customer=customer)],
            starts_on=ends_on - timedelta(days=364), ends_on=ends_on, fee=Decimal("600"))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.contract_renewals_sweep(today=DAY) == 2
    sent = sms()
    [hant], [hans] = sent["+8613900002222"], sent["+8613900003333"]
    assert "保養合同" in hant and "將於" in hant and "保养" not in hant
    assert "保养合同" in hans and "将于" in hans
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "保養到期通知" in subjects["2222@example.com"]
    assert "保养到期通知" in subjects["3333@example.com"]


def test_the_api_reads_and_writes_it_and_names_a_bad_one(agent):
    customer = CustomerFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}",
                    HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/customers/{customer.pk}/"
    assert api.get(url).json()["language"] == ""
    response = api.patch(url, {"language": "zh-hant"}, format="json")
    assert response.status_code == 200 and response.json()["language"] == "zh-hant"
    assert Customer.objects.get(pk=customer.pk).language == "zh-hant"
    bad = api.patch(url, {"language": "fr"}, format="json")
    assert bad.status_code == 400 and "language" in bad.json()
    created = api.post("/api/v1/customers/", {"name": "Ann", "phone": "13800138002",
                                              "address": "1 Queen's Road"}, format="json")
    assert created.status_code == 201 and created.json()["language"] == ""
