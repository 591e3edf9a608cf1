"""The intake registers a new caller with his language of messages (empty: the default)."""

import pytest
from django.urls import reverse

from aftersales.customers.models import Customer
from aftersales.service.tests.factories import Cast

from .test_views_desk import intake_data

pytestmark = pytest.mark.django_db

INTAKE = reverse("service:intake")


@pytest.mark.parametrize("language", ["zh-hant", ""])
def test_a_new_caller_gets_the_language_the_agent_chose(client, clock_at, language):
    clock_at(10, 0)
    cast = Cast()
    client.force_login(cast.agent)
    form = client.get(reverse("service:intake_customers"), {"phone": "13800138009"})
    assert 'name="c-language"' in form.content.decode()
    response = client.post(INTAKE, intake_data(
        phone="138 0013 8009", customer="new", installed_product="none",
        **{"c-name": "陳大文", "c-address": "上海市黄浦区1号", "c-region_kind": "urban",
           "c-kind": "individual", "c-language": language}))
    assert response.status_code == 302
    assert Customer.objects.get(phone="+8613800138009").language == language
