"""Stock pages: places by the user's access, a place's stock, low stock, the ledger with its
filters and export, and receipt / transfer / scrap forms through the services."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockMove, Warehouse
from aftersales.parts.selectors import stock_on_hand
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _pinned(clock_at):
    clock_at(10, 0, day=DAY)


@pytest.fixture
def world():
    centre = ServiceCentreFactory()
    other_centre = ServiceCentreFactory()
    sup = UserFactory(username="sup-stock", role=Role.SUPERVISOR, service_centre=centre)
    tech = UserFactory(username="tech-stock", role=Role.TECHNICIAN, service_centre=centre)
    tech2 = UserFactory(username="tech2-stock", role=Role.TECHNICIAN, service_centre=centre)
    store = Warehouse.objects.create(code="S-1", name="中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=centre)
    van = Warehouse.objects.create(code="V-1", name="张师傅车载库", kind=WarehouseKind.VAN,
                                   technician=tech)
    van2 = Warehouse.objects.create(code="V-2", name="李师傅车载库", kind=WarehouseKind.VAN,
                                    technician=tech2)
    elsewhere = Warehouse.objects.create(code="S-9", name="外地库", kind=WarehouseKind.CENTRE,
                                         service_centre=other_centre)
    ign = PartFactory(code="IGN-01", name="点火针")
    fan = PartFactory(code="FAN-02", name="风机")
    services.stock_move(actor=sup, warehouse=store, part=ign, kind="receipt", quantity=10)
    services.stock_move(actor=sup, warehouse=store, part=fan, kind="receipt", quantity=1)
    services.reorder_level_set(actor=sup, warehouse=store, part=fan, level=2)
    return {"sup": sup, "tech": tech, "tech2": tech2, "store": store, "van": van, "van2": van2,
            "elsewhere": elsewhere, "ign": ign, "fan": fan}


def test_places_by_access(client, world):
    client.force_login(world["sup"])
    body = client.get(reverse("parts:stock_places")).content.decode()
    assert all(f'data-place="{c}"' in body for c in ("S-1", "V-1", "V-2"))
    assert 'data-place="S-9"' not in body
    client.force_login(world["tech"])
    body = client.get(reverse("parts:stock_places")).content.decode()
    assert 'data-place="V-1"' in body and 'data-place="S-1"' not in body
    assert 'data-place="V-2"' not in body
    # another's place reads as missing
    assert client.get(reverse("parts:stock_place", args=[world["store"].pk])).status_code == 404
    assert client.get(reverse("parts:stock_place", args=[world["van"].pk])).status_code == 200


def test_place_stock_search_low_and_empty(client, world):
    client.force_login(world["sup"])
    url = reverse("parts:stock_place", args=[world["store"].pk])
    body = client.get(url).content.decode()
    assert 'data-part="IGN-01"' in body and 'data-part="FAN-02" class="low"' in body
    body = client.get(url, {"q": "点火"}).content.decode()
    assert 'data-part="IGN-01"' in body and 'data-part="FAN-02"' not in body
    assert "No part in this place matches" in client.get(
        url, {"q": "zzz"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        body = client.get(reverse("parts:stock_place", args=[world["van"].pk]),
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="card empty"' in body


def test_low_stock_list(client, world):
    client.force_login(world["sup"])
    body = client.get(reverse("parts:stock_low")).content.decode()
    assert 'data-part="FAN-02"' in body and 'data-part="IGN-01"' not in body
    client.force_login(world["tech"])
    body = client.get(reverse("parts:stock_low")).content.decode()
    assert 'data-part="FAN-02"' not in body and 'class="card empty"' in body


def test_moves_ledger_filters_pagination_and_export(client, world):
    client.force_login(world["sup"])
    services.stock_transfer(actor=world["sup"], source=world["store"], target=world["van"],
                            part=world["ign"], quantity=2)
    url = reverse("parts:stock_moves")
    body = client.get(url, {"place": world["van"].pk}).content.decode()
    assert body.count("<tr data-move=") == 1 and 'data-move="transfer_in"' in body
    body = client.get(url, {"kind": "receipt", "part": "fan-02"}).content.decode()
    assert body.count("<tr data-move=") == 1
    assert client.get(url, {"date_from": DAY + timedelta(days=1)}).content.decode().count(
        "<tr data-move=") == 0
    assert client.get(url, {"date_from": DAY, "date_to": DAY}).content.decode().count(
        "<tr data-move=") == 4

    world["fan"].active = False
    world["fan"].save(update_fields=["active"])
    assert client.get(url, {"part": "FAN-02"}).content.decode().count("<tr data-move=") == 1

    export = client.get(reverse("parts:stock_moves_export"), {"place": world["store"].pk,
                                                               "kind": "transfer_out"})
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "S-1" and rows[1][5] == -2

    for bad in ({"part": "NOPE"}, {"kind": "x"}, {"date_from": "2026-13-01"},
                {"date_from": DAY, "date_to": DAY - timedelta(days=1)},
                {"place": world["elsewhere"].pk}, {"date_to": "9999-12-31"},
                {"date_from": "0001-01-01"}):
        response = client.get(reverse("parts:stock_moves_export"), bad,
                              HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, bad
        assert "spreadsheetml" not in response["Content-Type"]
        assert client.get(url, bad).status_code == 400

    for _ in range(60):
        services.stock_move(actor=world["sup"], warehouse=world["store"], part=world["ign"],
                            kind="receipt", quantity=1)
    body = client.get(url).content.decode()
    assert body.count("<tr data-move=") == 50 and 'rel="next"' in body


def test_a_technician_sees_only_his_vans_moves(client, world):
    services.stock_transfer(actor=world["sup"], source=world["store"], target=world["van2"],
                            part=world["ign"], quantity=1)
    client.force_login(world["tech"])
    body = client.get(reverse("parts:stock_moves")).content.decode()
    assert "<tr data-move=" not in body


def test_receipt_transfer_scrap_forms(client, world):
    client.force_login(world["sup"])
    response = client.post(reverse("parts:stock_receipt"), {
        "place": world["store"].pk, "part": "ign-01", "quantity": "5", "unit_cost": "12.50",
        "reference": "DN-1"})
    assert response.status_code == 302
    assert stock_on_hand(warehouse=world["store"], part=world["ign"]) == Decimal(15)
    receipt = StockMove.objects.filter(kind=MoveKind.RECEIPT).latest("id")
    assert (receipt.unit_cost, receipt.reference, receipt.actor) == (Decimal("12.50"), "DN-1",
                                                                     world["sup"])
    response = client.post(reverse("parts:stock_transfer"), {
        "source": world["store"].pk, "target": world["van"].pk, "part": "IGN-01",
        "quantity": "2"})
    assert response.status_code == 302
    assert stock_on_hand(warehouse=world["van"], part=world["ign"]) == Decimal(2)
    response = client.post(reverse("parts:stock_scrap"), {
        "place": world["store"].pk, "part": "IGN-01", "quantity": "1", "note": "摔坏"})
    assert response.status_code == 302
    assert stock_on_hand(warehouse=world["store"], part=world["ign"]) == Decimal(12)


def test_form_errors_are_shown_translated_and_nothing_moves(client, world):
    client.force_login(world["sup"])
    before = StockMove.objects.count()
    response = client.post(reverse("parts:stock_transfer"), {
        "source": world["store"].pk, "target": world["van"].pk, "part": "IGN-01",
        "quantity": "99"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-error="quantity"' in body and "IGN-01" in body
    response = client.post(reverse("parts:stock_receipt"), {
        "place": world["store"].pk, "part": "NOPE", "quantity": "1.5"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "No active part has the number “NOPE”." in response.content.decode()
    response = client.post(reverse("parts:stock_scrap"), {
        "place": world["store"].pk, "part": "IGN-01", "quantity": "1.5", "note": "x"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "counted in whole" in response.content.decode()
    # a place the user may not touch is not offered
    response = client.post(reverse("parts:stock_receipt"), {
        "place": world["elsewhere"].pk, "part": "IGN-01", "quantity": "1"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and 'data-error="place"' in response.content.decode()
    assert StockMove.objects.count() == before


def test_technician_cannot_receive_but_moves_from_his_van(client, world):
    services.stock_transfer(actor=world["sup"], source=world["store"], target=world["van"],
                            part=world["ign"], quantity=3)
    client.force_login(world["tech"])
    assert client.get(reverse("parts:stock_receipt")).status_code == 403
    response = client.post(reverse("parts:stock_transfer"), {
        "source": world["store"].pk, "target": world["van"].pk, "part": "IGN-01",
        "quantity": "1"})
    assert response.status_code == 400  # the store is not his to move from
    response = client.post(reverse("parts:stock_transfer"), {
        "source": world["van"].pk, "target": world["store"].pk, "part": "IGN-01",
        "quantity": "1"})
    assert response.status_code == 302
    assert stock_on_hand(warehouse=world["van"], part=world["ign"]) == Decimal(2)


def test_navigation_entry(client, world):
    client.force_login(world["tech"])
    body = client.get(reverse("parts:stock_places"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert reverse("parts:stock_places") in body.content.decode()
    customer = UserFactory(username="cust-stock", role=Role.CUSTOMER, service_centre=None)
    client.force_login(customer)
    assert client.get(reverse("parts:stock_places")).status_code == 403


def test_list_pages_do_not_query_per_row(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["sup"])
    pages = [reverse("parts:stock_places"), reverse("parts:stock_low"),
             reverse("parts:stock_moves"), reverse("parts:stock_place", args=[world["store"].pk])]

    def counts():
        result = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for i in range(8):
        part = PartFactory(code=f"QC-{i}")
        services.stock_move(actor=world["sup"], warehouse=world["store"], part=part,
                            kind="receipt", quantity=1)
        services.reorder_level_set(actor=world["sup"], warehouse=world["store"], part=part,
                                   level=3)
        services.stock_transfer(actor=world["sup"], source=world["store"], target=world["van"],
                                part=part, quantity=1)
    assert counts() == before
