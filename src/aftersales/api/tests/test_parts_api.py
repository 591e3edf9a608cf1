"""/api/v1/ for parts and stock: places by access, moves through the ledger's rules,
idempotent POSTs, clear 400/403/404s."""

import pytest
from rest_framework.test import APIClient

from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.tests.factories import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    cast = Cast()
    store = Warehouse.objects.create(code="S-API", name="中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    van = Warehouse.objects.create(code="V-API", name="车载库", kind=WarehouseKind.VAN,
                                   technician=cast.technician)
    other = Cast()
    elsewhere = Warehouse.objects.create(code="S-OTHER", name="别的中心库",
                                         kind=WarehouseKind.CENTRE, service_centre=other.centre)
    part = PartFactory(code="API-1")
    services.stock_move(actor=cast.manager, warehouse=store, part=part, kind=MoveKind.RECEIPT,
                        quantity=5)
    return cast, store, van, elsewhere, part


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_transfer_is_two_moves_and_replays_with_its_key(setup):
    cast, store, van, _elsewhere, part = setup
    client = _client(cast.supervisor)
    body = {"kind": "transfer", "warehouse": store.pk, "target": van.pk, "part": part.pk,
            "quantity": "2"}
    first = client.post("/api/v1/stock-moves/", body, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    again = client.post("/api/v1/stock-moves/", body, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert first.status_code == again.status_code == 201
    assert [m["kind"] for m in first.json()] == ["transfer_out", "transfer_in"]
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert StockMove.objects.filter(kind="transfer_out").count() == 1
    assert stock_on_hand(warehouse=van, part=part) == 2


def test_taking_more_than_there_is_is_a_400_that_says_what_is_there(setup):
    cast, store, _van, _elsewhere, part = setup
    response = _client(cast.supervisor).post(
        "/api/v1/stock-moves/", {"kind": "scrap", "warehouse": store.pk, "part": part.pk,
                                 "quantity": "9", "note": "水浸"},
        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Only 5" in response.json()["quantity"][0]
    assert stock_on_hand(warehouse=store, part=part) == 5


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "abc"])
def test_a_bad_quantity_is_a_400(setup, quantity):
    cast, store, _van, _elsewhere, part = setup
    response = _client(cast.supervisor).post(
        "/api/v1/stock-moves/", {"kind": "receipt", "warehouse": store.pk, "part": part.pk,
                                 "quantity": quantity}, format="json")
    assert response.status_code == 400 and "quantity" in response.json()
    assert StockMove.objects.count() == 1


def test_a_technician_sees_and_moves_only_his_van(setup):
    cast, store, van, _elsewhere, part = setup
    client = _client(cast.technician)
    assert [w["code"] for w in client.get("/api/v1/warehouses/").json()["results"]] == ["V-API"]
    response = client.post("/api/v1/stock-moves/", {
        "kind": "scrap", "warehouse": store.pk, "part": part.pk, "quantity": "1", "note": "x"},
        format="json")
    assert response.status_code == 400 and "warehouse" in response.json()  # not his: unknown
    assert client.get(f"/api/v1/stock/?warehouse={store.pk}").json()["results"] == []


def test_another_centres_store_is_out_of_reach(setup):
    cast, _store, _van, elsewhere, part = setup
    client = _client(cast.supervisor)
    assert client.get(f"/api/v1/warehouses/{elsewhere.pk}/").status_code == 404
    response = client.post("/api/v1/stock-moves/", {
        "kind": "receipt", "warehouse": elsewhere.pk, "part": part.pk, "quantity": "1"},
        format="json")
    assert response.status_code == 400 and "warehouse" in response.json()


def test_the_low_filter_lists_places_at_their_reorder_level(setup):
    cast, store, _van, _elsewhere, part = setup
    services.reorder_level_set(actor=cast.manager, warehouse=store, part=part, level=5)
    rows = _client(cast.supervisor).get("/api/v1/stock/?low=true").json()["results"]
    assert [(r["warehouse"], r["part"], r["low"]) for r in rows] == [(store.pk, part.pk, True)]
