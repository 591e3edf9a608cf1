"""The price list pages (PT-1): the list with its filters, export and print view; a part's prices
with the form for a new one (managers and administrators only; a denied POST changes nothing);
the models a part fits; the import pages (upload, preview, confirm) and the parts area's card."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.models import Event, ObjectChange
from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.parts import services
from aftersales.parts.models import Part, PartPrice
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 15)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _pinned(clock_at):
    clock_at(10, 0, day=DAY)


@pytest.fixture
def world():
    centre = ServiceCentreFactory()
    manager = UserFactory(username="prices-mgr", role=Role.MANAGER, service_centre=None)
    users = {
        "manager": manager,
        "supervisor": UserFactory(username="prices-sup", role=Role.SUPERVISOR,
                                  service_centre=centre),
        "accountant": UserFactory(username="prices-acc", role=Role.ACCOUNTANT,
                                  service_centre=None),
        "technician": UserFactory(username="prices-tech", role=Role.TECHNICIAN,
                                  service_centre=centre),
    }
    ign = PartFactory(code="IGN-01", name="点火针", category="water_heater",
                      unit_price=Decimal("30.00"))
    fan = PartFactory(code="FAN-02", name="风机", category="hood", unit_price=Decimal("120.00"))
    new = PartFactory(code="NEW-03", name="新配件", category="hood", unit_price=Decimal("9.00"))
    PartFactory(code="OLD-04", name="停用件", active=False)
    services.part_price_set(actor=manager, part=ign, cost="20.00", price="35.50",
                            valid_from=DAY - timedelta(days=30))
    services.part_price_set(actor=manager, part=ign, cost="21.00", price="37.00",
                            valid_from=date(2027, 1, 1))
    services.part_price_set(actor=manager, part=fan, cost="80.00", price="128.00",
                            valid_from=DAY)
    return users | {"ign": ign, "fan": fan, "new": new}


def body(response) -> str:
    return response.content.decode()


def test_the_list_shows_active_parts_with_today_s_and_the_scheduled_price(client, world):
    client.force_login(world["supervisor"])
    page = body(client.get(reverse("parts:prices"), **EN))
    for code in ("IGN-01", "FAN-02", "NEW-03"):
        assert f'data-part="{code}"' in page
    assert 'data-part="OLD-04"' not in page
    assert "¥35.50" in page and "¥37.00" in page and "from 2027-01-01" in page
    assert 'data-part="NEW-03" class="unpriced"' in page and "No price yet" in page
    assert "¥20.00" not in page and "data-cost" not in page  # no costs for a supervisor
    assert "data-import-link" not in page


def test_cost_prices_only_for_those_who_may_read_them(client, world):
    for who, sees in (("manager", True), ("accountant", True), ("supervisor", False),
                      ("technician", False)):
        client.force_login(world[who])
        page = body(client.get(reverse("parts:prices"), **EN))
        assert ("¥20.00" in page) is sees, who
        assert ("data-cost" in page) is sees, who


def test_search_filters_and_empty_states(client, world):
    client.force_login(world["supervisor"])
    url = reverse("parts:prices")
    page = body(client.get(url, {"q": "点火"}, **EN))
    assert 'data-part="IGN-01"' in page and 'data-part="FAN-02"' not in page
    page = body(client.get(url, {"q": "fan-0"}, **EN))
    assert 'data-part="FAN-02"' in page and 'data-part="IGN-01"' not in page
    page = body(client.get(url, {"category": "hood"}, **EN))
    assert 'data-part="FAN-02"' in page and 'data-part="NEW-03"' in page
    assert 'data-part="IGN-01"' not in page
    page = body(client.get(url, {"unpriced": "on"}, **EN))
    assert 'data-part="NEW-03"' in page and 'data-part="FAN-02"' not in page
    page = body(client.get(url, {"q": "zzz"}, **EN))
    assert "No active part matches these filters." in page
    assert client.get(url, {"category": "nonsense"}, **EN).status_code == 400
    Part.objects.update(active=False)
    assert "The price list has no active parts yet." in body(client.get(url, **EN))


def test_htmx_gets_only_the_results_and_pages_of_fifty(client, world):
    for i in range(55):
        PartFactory(code=f"PG-{i:03d}")
    client.force_login(world["supervisor"])
    url = reverse("parts:prices")
    page = body(client.get(url, {"q": "PG-"}, HTTP_HX_REQUEST="true", **EN))
    assert "<html" not in page and page.count("<tr data-part=") == 50
    assert "Page 1 of 2" in page and "q=PG-&amp;page=2" in page
    page = body(client.get(url, {"q": "PG-", "page": 2}, **EN))
    assert page.count("<tr data-part=") == 5 and "<html" in page


def test_export_through_core_excel_with_costs_only_for_cost_readers(client, world):
    url = reverse("parts:prices_export")
    client.force_login(world["manager"])
    response = client.get(url, {"category": "water_heater"}, **EN)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("Part number", "Part name", "Customer price", "Cost price",
                           "Valid from")
    assert rows[1][:4] == ("IGN-01", "点火针", 35.5, 20)
    assert len(rows) == 2
    client.force_login(world["supervisor"])
    rows = list(load_workbook(BytesIO(client.get(url, **EN).content)).active.values)
    assert "Cost price" not in rows[0] and "Next cost price" not in rows[0]
    assert len(rows) == 4
    assert client.get(url, {"category": "nonsense"}, **EN).status_code == 400


def test_print_view(client, world):
    client.force_login(world["supervisor"])
    page = body(client.get(reverse("parts:prices_print"), {"category": "hood"}, **EN))
    assert "FAN-02" in page and "IGN-01" not in page and "data-print" in page
    assert "¥80.00" not in page


def test_a_part_s_price_history_newest_first_with_who_set_it(client, world):
    client.force_login(world["accountant"])
    page = body(client.get(reverse("parts:part_prices", args=[world["ign"].pk]), **EN))
    assert page.index('data-valid-from="2027-01-01"') < page.index('data-valid-from="2026-05-16"')
    assert str(world["manager"]) in page and "¥21.00" in page  # accountants read costs
    assert "data-price-form" not in page  # but do not set prices


def test_a_manager_sets_a_price_from_a_day(client, world):
    client.force_login(world["manager"])
    url = reverse("parts:part_prices", args=[world["new"].pk])
    assert "data-price-form" in body(client.get(url, **EN))
    response = client.post(url, {"valid_from": DAY.isoformat(), "price": "12.50",
                                 "cost": "7"}, **EN)
    assert response.status_code == 302
    world["new"].refresh_from_db()
    assert world["new"].unit_price == Decimal("12.50")
    row = PartPrice.objects.get(part=world["new"])
    assert (row.cost, row.created_by) == (Decimal("7.00"), world["manager"])


def test_price_errors_in_the_user_s_language_and_nothing_saved(client, world):
    client.force_login(world["manager"])
    url = reverse("parts:part_prices", args=[world["ign"].pk])
    count = PartPrice.objects.count()
    response = client.post(url, {"valid_from": "2027-01-01", "price": "-1", "cost": "1.234"},
                           **ZH)
    assert response.status_code == 400
    page = body(response)
    assert 'data-error="price"' in page and 'data-error="cost"' in page
    assert "金额不能为负数" in page or "负" in page
    response = client.post(url, {"valid_from": "2027-01-01", "price": "40", "cost": "30"}, **ZH)
    assert response.status_code == 400
    assert 'data-error="valid_from"' in body(response) and "IGN-01" in body(response)
    assert PartPrice.objects.count() == count


def test_a_past_day_is_accepted_as_the_service_decides(client, world):
    """part_price_set takes a day in the past (it is history from then on); the page does not
    add a rule of its own."""
    client.force_login(world["manager"])
    url = reverse("parts:part_prices", args=[world["new"].pk])
    response = client.post(url, {"valid_from": "2026-01-01", "price": "10", "cost": "5"}, **EN)
    assert response.status_code == 302
    world["new"].refresh_from_db()
    assert world["new"].unit_price == Decimal("10.00")


@pytest.mark.parametrize("who", ["supervisor", "accountant", "technician"])
def test_who_may_not_set_prices_reads_and_a_post_changes_nothing(client, world, who):
    client.force_login(world[who])
    url = reverse("parts:part_prices", args=[world["new"].pk])
    page = body(client.get(url, **EN))
    assert "data-price-form" not in page and "data-fit-form" not in page
    before = (PartPrice.objects.count(), ObjectChange.objects.count(), Event.objects.count())
    response = client.post(url, {"valid_from": DAY.isoformat(), "price": "1", "cost": "1"})
    assert response.status_code == 403
    model = ProductModelFactory()
    response = client.post(reverse("parts:part_fits", args=[world["new"].pk]),
                           {"action": "add", "product_model": model.pk})
    assert response.status_code == 403
    assert (PartPrice.objects.count(), ObjectChange.objects.count(),
            Event.objects.count()) == before
    assert not world["new"].fits.exists()
    world["new"].refresh_from_db()
    assert world["new"].unit_price == Decimal("9.00")


def test_customers_and_missing_parts(client, world):
    client.force_login(UserFactory(username="prices-cust", role=Role.CUSTOMER,
                                   service_centre=None))
    assert client.get(reverse("parts:prices")).status_code == 403
    client.force_login(world["manager"])
    assert client.get(reverse("parts:part_prices", args=[99999])).status_code == 404


def test_fits_added_and_taken_off_with_an_event_each(client, world):
    model = ProductModelFactory(code="JSQ20", name="燃气热水器 20L")
    other = ProductModelFactory(code="JSQ24", name="燃气热水器 24L")
    part = world["ign"]
    client.force_login(world["manager"])
    url = reverse("parts:part_fits", args=[part.pk])
    page = body(client.get(reverse("parts:part_prices", args=[part.pk]), **EN))
    assert "data-fits-any" in page
    response = client.post(url, {"action": "add", "product_model": model.pk},
                           HTTP_HX_REQUEST="true", **EN)
    assert response.status_code == 200 and 'data-fit="JSQ20"' in body(response)
    assert "<html" not in body(response)
    client.post(url, {"action": "add", "product_model": other.pk}, **EN)
    assert set(part.fits.values_list("code", flat=True)) == {"JSQ20", "JSQ24"}
    response = client.post(url, {"action": "remove", "product_model": model.pk},
                           HTTP_HX_REQUEST="true", **EN)
    assert 'data-fit="JSQ20"' not in body(response) and 'data-fit="JSQ24"' in body(response)
    assert list(part.fits.values_list("code", flat=True)) == ["JSQ24"]
    events = list(Event.objects.filter(object_id=part.pk, action__startswith="fit_")
                  .order_by("id").values_list("action", "data__code"))
    assert events == [("fit_add", "JSQ20"), ("fit_add", "JSQ24"), ("fit_remove", "JSQ20")]
    # taking off a model it does not list is refused in the panel, nothing changes
    response = client.post(url, {"action": "remove", "product_model": model.pk},
                           HTTP_HX_REQUEST="true", **EN)
    assert "does not list JSQ20" in body(response)
    assert Event.objects.filter(object_id=part.pk, action__startswith="fit_").count() == 3


def _xlsx(rows, head=("零件编号", "客户价", "成本价", "生效日期")) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(list(head))
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("年度价格表.xlsx", buffer.getvalue())


def test_import_preview_then_confirm(client, world):
    client.force_login(world["manager"])
    url = reverse("parts:price_import")
    assert client.get(url, **EN).status_code == 200
    response = client.post(url, {"file": _xlsx([["IGN-01", "37", "21", "2027-01-01"],
                                                 ["FAN-02", "135", "85", "2027-01-01"],
                                                 ["NEW-03", "10", "6", "2027-01-01"]])}, **EN)
    page = body(response)
    assert response.status_code == 200 and "data-confirm" in page
    assert 'data-count="change"><b>2</b>' in page and 'data-count="unchanged"><b>1</b>' in page
    assert PartPrice.objects.count() == 3  # nothing written yet
    payload = response.context["payload"]
    response = client.post(reverse("parts:price_import_confirm"), {"payload": payload}, **EN)
    assert response.status_code == 302
    assert PartPrice.objects.count() == 5
    # confirming the same preview again adds nothing
    client.post(reverse("parts:price_import_confirm"), {"payload": payload}, **EN)
    assert PartPrice.objects.count() == 5


def test_import_errors_per_row_and_no_confirm(client, world):
    client.force_login(world["manager"])
    response = client.post(reverse("parts:price_import"), {"file": _xlsx([
        ["IGN-01", "37", "21", "2027-01-01"], ["NOPE", "1", "1", "2027-01-01"],
        ["FAN-02", "x", "1", "2027-01-01"], ["FAN-02", "1", "-1", "2027-01-01"]])}, **ZH)
    page = body(response)
    assert "data-confirm" not in page and "data-import-blocked" in page
    assert 'data-row="3"' in page and "NOPE" in page
    assert 'data-row="4"' in page and 'data-row="5"' in page
    # a payload forged with the rows is refused too, and nothing is written
    rows = response.context["plan"].rows
    forged = signing.dumps({"name": "x", "rows": [r.payload() for r in rows]},
                           salt=f"parts.price-import.{world['manager'].pk}", compress=True)
    count = PartPrice.objects.count()
    response = client.post(reverse("parts:price_import_confirm"), {"payload": forged}, **ZH)
    assert response.status_code == 400 and PartPrice.objects.count() == count
    response = client.post(reverse("parts:price_import_confirm"), {"payload": "tampered"}, **EN)
    assert response.status_code == 302 and PartPrice.objects.count() == count


def test_an_unusable_file_is_an_error_at_the_upload(client, world):
    client.force_login(world["manager"])
    response = client.post(reverse("parts:price_import"),
                           {"file": SimpleUploadedFile("x.xlsx", b"junk")}, **ZH)
    assert response.status_code == 400 and 'data-error="file"' in body(response)


@pytest.mark.parametrize("who", ["supervisor", "accountant", "technician"])
def test_only_managers_import(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("parts:price_import")).status_code == 403
    assert client.get(reverse("parts:price_import_template")).status_code == 403
    count = PartPrice.objects.count()
    response = client.post(reverse("parts:price_import"),
                           {"file": _xlsx([["NEW-03", "10", "6", "2027-01-01"]])})
    assert response.status_code == 403
    payload = signing.dumps({"name": "x", "rows": [[2, "NEW-03", "10", "6", "2027-01-01", []]]},
                            salt=f"parts.price-import.{world[who].pk}", compress=True)
    assert client.post(reverse("parts:price_import_confirm"),
                       {"payload": payload}).status_code == 403
    assert PartPrice.objects.count() == count


def test_the_template_download(client, world):
    client.force_login(world["manager"])
    response = client.get(reverse("parts:price_import_template"), **ZH)
    head = next(load_workbook(BytesIO(response.content)).active.values)
    assert head[0] == "配件编号" and "生效日期" in head


def test_the_parts_area_links_the_price_list(client, world):
    client.force_login(world["technician"])
    page = body(client.get(reverse("parts:home"), **EN))
    assert f'href="{reverse("parts:prices")}"' in page and 'data-area="prices"' in page
    assert "<b>1</b> without a price yet" in page


def test_list_pages_do_not_query_per_row(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["manager"])
    pages = [reverse("parts:prices"), reverse("parts:prices") + "?unpriced=on",
             reverse("parts:prices_print"), reverse("parts:prices_export"),
             reverse("parts:part_prices", args=[world["ign"].pk])]

    def counts():
        result = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for i in range(8):
        part = PartFactory(code=f"QC-{i}", category=f"cat-{i}")
        if i % 2:
            services.part_price_set(actor=world["manager"], part=part, cost="1", price="2",
                                    valid_from=DAY)
        services.part_price_set(actor=world["manager"], part=world["ign"], cost="1",
                                price=str(3 + i), valid_from=DAY + timedelta(days=i + 1))
    assert counts() == before
