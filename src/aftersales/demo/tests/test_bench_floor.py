import pytest
from django.test import override_settings

from aftersales.demo.models import BenchRow

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls")
def test_floor_inserts_one_row_per_post(client):
    first = client.post("/bench/insert/", data='{"n": 1}', content_type="application/json")
    second = client.post("/bench/insert/", data='{"n": 2}', content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"] + 1
    assert list(BenchRow.objects.order_by("pk").values_list("payload", flat=True)) == [
        '{"n": 1}', '{"n": 2}']


@override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls")
def test_floor_refuses_other_methods(client):
    assert client.get("/bench/insert/").status_code == 405
    assert not BenchRow.objects.exists()


def test_floor_is_not_mounted_by_default(client):
    assert client.post("/bench/insert/").status_code == 404
    assert not BenchRow.objects.exists()


@override_settings(ROOT_URLCONF="aftersales.demo.tests.bench_urls")
def test_api_floor_needs_a_token_and_inserts_one_row(client):
    from rest_framework.authtoken.models import Token

    from aftersales.accounts.tests.factories import UserFactory

    assert client.post("/bench/api-insert/", data='{"mark": "#a"}',
                       content_type="application/json").status_code in (401, 403)
    token = Token.objects.create(user=UserFactory(role="agent"))
    response = client.post("/bench/api-insert/", data='{"mark": "#b"}',
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 201
    assert list(BenchRow.objects.values_list("payload", flat=True)) == ['{"mark": "#b"}']
