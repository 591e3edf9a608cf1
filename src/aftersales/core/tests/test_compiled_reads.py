"""Reads compiled once per connection (core.compiled_reads, ADR 0019): the same objects as the
queryset they are built from, one statement per call, the SQL compiled on first use only; and the
API's token authentication on it."""

import pytest
from django.db import connection, models
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.accounts.models import ServiceCentre, User
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.compiled_reads import CompiledRead, Slot

pytestmark = pytest.mark.django_db

by_username = CompiledRead(
    User.objects.select_related("service_centre").annotate(centre_code=F("service_centre__code"))
    .filter(username=Slot("username", models.CharField()), is_active=True))


def test_a_compiled_read_gives_what_its_queryset_gives_compiling_once(request):
    centre = ServiceCentreFactory(code="CR1")
    alice = UserFactory(username="alice", service_centre=centre)
    bob = UserFactory(username="bob", service_centre=None)
    compiled = request.getfixturevalue("compiled_models")  # from here on
    with CaptureQueriesContext(connection) as queries:
        found = [by_username.get(username=name) for name in ("alice", "bob", "alice")]
    assert [u.pk for u in found] == [alice.pk, bob.pk, alice.pk]
    assert len(queries) == 3  # one statement a call
    assert compiled.count(User) <= 1  # 0 when an earlier test compiled it on this connection
    with CaptureQueriesContext(connection) as queries:
        assert found[0].service_centre == centre  # loaded with the user, as select_related does
        assert found[0].centre_code == "CR1" and found[1].centre_code is None
        assert found[1].service_centre is None
    assert len(queries) == 0
    fresh = User.objects.get(pk=alice.pk)
    assert {f.attname: getattr(found[0], f.attname) for f in User._meta.concrete_fields} == \
        {f.attname: getattr(fresh, f.attname) for f in User._meta.concrete_fields}
    assert found[0]._state.adding is False and found[0]._state.db == "default"


def test_a_compiled_read_answers_as_get_when_none_or_several_match():
    UserFactory(username="carol", is_active=False)
    with pytest.raises(User.DoesNotExist):
        by_username.get(username="carol")  # its other filter still applies
    with pytest.raises(User.DoesNotExist):
        by_username.get(username="nobody")
    twice = CompiledRead(ServiceCentre.objects.filter(name=Slot("name", models.CharField())))
    ServiceCentreFactory(code="T1", name="同名中心")
    ServiceCentreFactory(code="T2", name="同名中心")
    with pytest.raises(ServiceCentre.MultipleObjectsReturned):
        twice.get(name="同名中心")
    with pytest.raises(TypeError, match="takes \\['name'\\]"):
        twice.get(code="T1")


def test_the_api_authenticates_with_one_compiled_read(request):
    centre = ServiceCentreFactory(code="CR2")
    agent = UserFactory(username="agent-cr2", service_centre=centre)
    token = Token.objects.create(user=agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/product-models/").status_code == 200  # compiled here, if not before
    compiled = request.getfixturevalue("compiled_models")
    assert client.get("/api/v1/product-models/").status_code == 200
    assert Token not in compiled
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    answer = client.get("/api/v1/product-models/")
    assert answer.status_code == 401 and answer.json()["detail"]
    User.objects.filter(pk=agent.pk).update(is_active=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/product-models/").status_code == 401


def test_a_slots_value_is_prepared_as_a_lookup_would_prepare_it():
    centre = ServiceCentreFactory(code="CR3")
    by_pk = CompiledRead(ServiceCentre.objects.filter(pk=Slot("pk", ServiceCentre._meta.pk)))
    assert by_pk.get(pk=str(centre.pk)) == centre  # text that is a number
    with pytest.raises(ValueError, match="expected a number"):
        by_pk.get(pk="CR3")
    for matches_nothing in (10 ** 30, -(10 ** 30), None):  # beyond the column, or NULL
        with CaptureQueriesContext(connection) as queries, pytest.raises(ServiceCentre.DoesNotExist):
            by_pk.get(pk=matches_nothing)
        assert len(queries) == 0


def test_all_gives_every_row_or_one_column_as_the_queryset_would():
    first = ServiceCentreFactory(code="AL1", name="同城中心")
    second = ServiceCentreFactory(code="AL2", name="同城中心")
    named = ServiceCentre.objects.filter(name=Slot("name", models.CharField()))
    codes = CompiledRead(named.order_by("code").values_list("code", flat=True))
    centres = CompiledRead(named.order_by("-code"))
    assert codes.all(name="同城中心") == ["AL1", "AL2"]
    assert centres.all(name="同城中心") == [second, first]
    assert codes.all(name="别处") == [] and centres.all(name="别处") == []
    with pytest.raises(ValueError, match="model instances or one column"):
        CompiledRead(named.values("code"))
