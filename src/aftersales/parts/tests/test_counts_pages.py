"""Stock-take pages: open a sheet, enter counts with htmx (the line and the totals come back),
finish and approve, the printable sheet; a bad entry is a clear message."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.parts import services
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockBalance, StockCount, Warehouse
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def store():
    centre = ServiceCentreFactory()
    supervisor = UserFactory(username="sup-c", role=Role.SUPERVISOR, service_centre=centre)
    place = Warehouse.objects.create(code="S-1", name="中心库", kind=WarehouseKind.CENTRE,
                                     service_centre=centre)
    part = PartFactory(code="IGN-01", unit_price=Decimal("35.50"))
    services.stock_move(actor=supervisor, warehouse=place, part=part, kind=MoveKind.RECEIPT,
                        quantity=4)
    return supervisor, place, part


def test_open_count_approve_through_the_pages(client, store):
    supervisor, place, part = store
    client.force_login(supervisor)
    assert client.get(reverse("parts:counts"), **EN).status_code == 200
    response = client.post(reverse("parts:count_open"), {"warehouse": place.pk}, **EN)
    count = StockCount.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("parts:count",
                                                                          args=[count.pk])
    line = count.lines.get()
    url = reverse("parts:count_line", args=[count.pk, line.pk])
    bad = client.post(url, {"counted": "1.5"}, HTTP_HX_REQUEST="true", **EN)
    assert bad.status_code == 200 and "counted in whole 个" in bad.content.decode()
    good = client.post(url, {"counted": "3"}, HTTP_HX_REQUEST="true", **EN)
    html = good.content.decode()
    assert good.status_code == 200 and "deficit -1 · ¥-35.50" in html
    assert 'id="count-summary"' in html and 'hx-swap-oob="true"' in html
    page = client.get(reverse("parts:count", args=[count.pk]), **EN).content.decode()
    assert 'data-step="counted"' in page and count.number in page
    sheet = client.get(reverse("parts:count_print", args=[count.pk]), **EN)
    assert sheet.status_code == 200 and "IGN-01" in sheet.content.decode()
    client.post(reverse("parts:count_step", args=[count.pk, "counted"]), **EN)
    client.post(reverse("parts:count_step", args=[count.pk, "approve"]), **EN)
    count.refresh_from_db()
    assert count.status == "approved"
    assert StockBalance.objects.get(warehouse=place, part=part).quantity == 3
    again = client.post(reverse("parts:count_step", args=[count.pk, "approve"]), follow=True, **EN)
    assert "not possible" in again.content.decode()
    assert StockBalance.objects.get(warehouse=place, part=part).quantity == 3


def test_another_centre_cannot_see_the_sheet(client, store):
    supervisor, place, part = store
    count = services.stock_count_open(actor=supervisor, warehouse=place)
    stranger = UserFactory(username="sup-x", role=Role.SUPERVISOR,
                           service_centre=ServiceCentreFactory())
    client.force_login(stranger)
    assert client.get(reverse("parts:count", args=[count.pk])).status_code == 404
    line = count.lines.get()
    assert client.post(reverse("parts:count_line", args=[count.pk, line.pk]),
                       {"counted": "0"}).status_code == 404
    assert client.post(reverse("parts:count_open"), {"warehouse": place.pk}).status_code == 404


def test_the_admin_shows_count_sheets_read_only(admin_client, store):
    supervisor, place, part = store
    count = services.stock_count_open(actor=supervisor, warehouse=place)
    assert admin_client.get(reverse("admin:parts_stockcount_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:parts_stockcount_change", args=[count.pk]))
    assert page.status_code == 200 and "IGN-01" in page.content.decode()
    assert admin_client.get(reverse("admin:parts_stockcount_add")).status_code == 403


def test_a_part_found_on_the_shelf_is_added_by_its_number(client, store):
    supervisor, place, part = store
    found = PartFactory(code="GASKET-9", unit_price=Decimal("4.20"))
    count = services.stock_count_open(actor=supervisor, warehouse=place)
    client.force_login(supervisor)
    page = client.get(reverse("parts:count", args=[count.pk]), **EN).content.decode()
    assert "data-found-form" in page
    url = reverse("parts:count_found", args=[count.pk])
    unknown = client.post(url, {"part": "NOPE-1", "counted": "2"}, **EN)
    html = unknown.content.decode()
    assert unknown.status_code == 400 and "data-found-error" in html and "active part" in html
    assert 'value="NOPE-1"' in html and count.lines.count() == 1  # what he typed, kept
    response = client.post(url, {"part": "gasket-9", "counted": "7"}, **EN)
    line = count.lines.get(part=found)
    assert response["Location"].endswith(f"#line-{line.pk}") and line.counted == 7
    page = client.get(reverse("parts:count", args=[count.pk]), **EN).content.decode()
    assert 'data-line="GASKET-9"' in page and "surplus +7" in page


def test_a_blind_count_shows_the_books_only_once_counting_is_finished(client, store):
    """The counters enter what is on the shelf without seeing what the books expect (nor the
    differences); once counting is finished the sheet shows both for review."""
    supervisor, place, part = store
    client.force_login(supervisor)
    client.post(reverse("parts:count_open"), {"warehouse": place.pk, "blind": "on"}, **EN)
    count = StockCount.objects.get()
    assert count.blind
    detail = reverse("parts:count", args=[count.pk])
    page = client.get(detail, **EN).content.decode()
    assert "data-blind" in page and "expected 4" not in page
    line = count.lines.get()
    saved = client.post(reverse("parts:count_line", args=[count.pk, line.pk]), {"counted": "3"},
                        HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "deficit" not in saved and "data-blind-note" in saved
    printed = client.get(reverse("parts:count_print", args=[count.pk]), **EN).content.decode()
    assert ">4<" not in printed
    services.stock_count_finish(actor=supervisor, count=count)
    page = client.get(detail, **EN).content.decode()
    assert "expected 4" in page and "deficit -1" in page
