"""配件月报 (PT-4): parts out (charged / free), returns and value by centre and by product model,
on a small hand-made month with exact Decimal figures; the page and its Excel download."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.parts import services as parts
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.parts.tests.factories import PartFactory
from aftersales.reports.periods import Period, centre_tz, month_end
from aftersales.reports.selectors.parts import parts_monthly
from aftersales.service import services as service
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db
D = Decimal
NOVEMBER = date(2026, 11, 1)


def _job(cast, model, *, chargeable: bool):
    customer = CustomerFactory(service_centre=cast.centre)
    request = new_request(cast, customer=customer,
                          product=InstalledProductFactory(customer=customer, model=model))
    ServiceRequest.objects.filter(pk=request.pk).update(chargeable=chargeable)
    request.refresh_from_db()
    return drive(request, cast, Status.ON_SITE)


@pytest.fixture
def month(time_machine):
    time_machine.move_to("2026-11-15T10:00:00+08:00")
    a, b = Cast(), Cast()
    m1, m2 = ProductModelFactory(code="JSQ-16"), ProductModelFactory(code="JSQ-20")
    needle = PartFactory(code="IGN-01", unit_price=D("35.50"))
    valve = PartFactory(code="VALVE-3", unit_price=D("12.00"))
    for cast in (a, b):
        van = Warehouse.objects.create(code=f"V-{cast.centre.code}", name="车载库",
                                       kind=WarehouseKind.VAN, technician=cast.technician)
        for part in (needle, valve):
            parts.stock_move(actor=cast.manager, warehouse=van, part=part,
                             kind=MoveKind.RECEIPT, quantity=10)
    # centre A: a charged job on JSQ-16 (2 needles), a free job on JSQ-20 (3 valves, and a needle
    # fitted and taken off again: out and back, free as the job is)
    r1, r2 = _job(a, m1, chargeable=True), _job(a, m2, chargeable=False)
    service.part_add(actor=a.technician, request=r1, part=needle, quantity=2)
    service.part_add(actor=a.technician, request=r2, part=valve, quantity=3)
    removed = service.part_add(actor=a.technician, request=r2, part=needle, quantity=1)
    service.part_remove(actor=a.technician, usage=removed)
    # centre B: a charged job on JSQ-16 (1 valve)
    r3 = _job(b, m1, chargeable=True)
    service.part_add(actor=b.technician, request=r3, part=valve, quantity=1)
    # December's move is not November's
    time_machine.move_to("2026-12-01T00:00:01+08:00")
    service.part_add(actor=b.technician, request=r3, part=valve, quantity=1)
    return {"a": a, "b": b}


def _period(centre=None):
    return Period(NOVEMBER, month_end(NOVEMBER), centre_tz(centre))


def _pick(row, *keys):
    return tuple(row[k] for k in keys)


KEYS = ("out_quantity", "out_value", "charged_quantity", "charged_value", "free_quantity",
        "free_value", "returned_quantity", "returned_value", "net_value")


def test_monthly_figures_by_centre_and_model(month):
    a, b = month["a"], month["b"]
    figures = parts_monthly(period=_period())
    centres = {row["centre"]: _pick(row, *KEYS) for row in figures["by_centre"]}
    assert centres == {
        a.centre.pk: (D(6), D("142.50"), D(2), D("71.00"), D(4), D("71.50"), D(1), D("35.50"),
                      D("107.00")),
        b.centre.pk: (D(1), D("12.00"), D(1), D("12.00"), D(0), D(0), D(0), D(0), D("12.00")),
    }
    models = {row["name"].split()[0]: _pick(row, *KEYS) for row in figures["by_model"]}
    assert models == {
        "JSQ-16": (D(3), D("83.00"), D(3), D("83.00"), D(0), D(0), D(0), D(0), D("83.00")),
        "JSQ-20": (D(4), D("71.50"), D(0), D(0), D(4), D("71.50"), D(1), D("35.50"),
                   D("36.00")),
    }
    assert _pick(figures["totals"], *KEYS) == (
        D(7), D("154.50"), D(3), D("83.00"), D(4), D("71.50"), D(1), D("35.50"), D("119.00"))
    # one centre only
    only_b = parts_monthly(period=_period(b.centre), centre=b.centre)
    assert [row["centre"] for row in only_b["by_centre"]] == [b.centre.pk]
    assert only_b["totals"]["out_value"] == D("12.00")


def test_the_page_and_its_excel(client, month):
    a = month["a"]
    client.force_login(a.manager)  # the service department: every centre
    with translation.override("en"):
        response = client.get(reverse("reports:parts_monthly"), {"month": "2026-11"},
                              HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Parts by service centre" in html and "report-charts" in html
        assert "154.50" in html and "JSQ-20" in html
        download = client.get(reverse("reports:parts_monthly_excel"), {"month": "2026-11"},
                              HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 200
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(BytesIO(download.content))
    centres, models = book.worksheets[0], book.worksheets[1]
    rows = list(centres.iter_rows(values_only=True))
    assert rows[0][:3] == ("Service centre", "Parts out", "Value out")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[a.centre.name][1:] == (6, 142.5, 2, 71, 4, 71.5, 1, 35.5, 107)
    assert by_name["Total"][1:] == (7, 154.5, 3, 83, 4, 71.5, 1, 35.5, 119)
    model_rows = list(models.iter_rows(values_only=True))
    assert {row[0].split()[0] for row in model_rows[1:-1]} == {"JSQ-16", "JSQ-20"}


def test_a_centre_sees_only_its_own_figures(client, month):
    a, b = month["a"], month["b"]
    client.force_login(b.supervisor)
    with translation.override("en"):
        response = client.get(reverse("reports:parts_monthly"),
                              {"month": "2026-11", "centre": a.centre.pk},
                              HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and b.centre.name in html and a.centre.name not in html
    client.force_login(b.technician)
    assert client.get(reverse("reports:parts_monthly")).status_code == 403


def test_a_bad_month_is_refused_clearly(client, month):
    client.force_login(month["a"].manager)
    with translation.override("en"):
        response = client.get(reverse("reports:parts_monthly"), {"month": "2026-13"},
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter a month as YYYY-MM." in response.content.decode()
