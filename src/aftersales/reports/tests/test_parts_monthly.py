"""配件月报 (PT-4, BL-3): parts out (charged / free), returns and value by centre and by product
model, and parts sold to dealers by dealer, on a small hand-made month with exact Decimal
figures; the page and its Excel download."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.dealers import services as dealers
from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make
from aftersales.parts import services as parts
from aftersales.parts.choices import MoveKind, PaymentMethod, WarehouseKind
from aftersales.parts.models import MaterialRequestPayment, Warehouse
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


def _assert_job_figures(figures, a, b):
    """The month fixture's parts out to jobs, whatever else happened in the month."""
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


def test_monthly_figures_by_centre_and_model(month):
    a, b = month["a"], month["b"]
    figures = parts_monthly(period=_period())
    _assert_job_figures(figures, a, b)
    assert figures["by_dealer"] == [] and set(figures["dealer_totals"].values()) == {D(0)}
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
        assert "Parts sold to dealers" in html and "Nothing in this period." in html
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


# --- parts sold to dealers ----------------------------------------------------------------------

def _dealer(code, name, centre, region=None):
    dealer = dealer_make(code, name, *([region] if region else []), centre=centre)
    Warehouse.objects.create(code=f"{code}-S", name=f"{name}库", kind=WarehouseKind.DEALER,
                             dealer=dealer)
    return dealer, dealer_login(dealer, f"login-{code.lower()}")


@pytest.fixture
def sold(month, clock_at):
    """Dealers' orders around November: d1 and d2 of centre A and B, d3 of B.

    - O0 (d1, charged): shipped 31 October 23:30, paid in October — not November's.
    - O1 (d1, charged): IGN ×4 picked 3 at 20.00, VLV ×2 at 48.30 = 156.60; 100.00 paid on
      31 October 23:50, 56.60 on 1 November 06:00; shipped 1 November 07:00 (still 31 October
      in UTC).
    - O2 (d1, free, a job in warranty): IGN ×2, shipped 10 November, received the next day.
    - O3 (d3, charged): VLV ×1 picked, 48.30 paid 12 November, not shipped — only the payment.
    - O4 (d2, charged): IGN ×5, 100.00 paid in October, cancelled 20 November: refund −100.00.
    - O5 (d2, charged): IGN ×1 + VLV ×1 = 68.30, paid and shipped 15 November.
    """
    a, b = month["a"], month["b"]
    manager = a.manager
    clock_at(10, 0, day=date(2026, 10, 20), tick=False)
    east = region_make("PD", "浦东", "浦东新区")
    d1, u1 = _dealer("D1", "浦东经销商", a.centre, east)
    d2, u2 = _dealer("D2", "闵行经销商", b.centre)
    d3, u3 = _dealer("D3", "嘉定经销商", b.centre)
    central = Warehouse.objects.create(code="C-1", name="总仓", kind=WarehouseKind.CENTRAL)
    ign = PartFactory(code="IGN-D", unit_price=D("35.50"))
    vlv = PartFactory(code="VLV-D", unit_price=D("80.00"))
    for part, cost in ((ign, "20.00"), (vlv, "48.30")):
        parts.part_price_set(actor=manager, part=part, cost=D(cost), price=part.unit_price,
                             valid_from=date(2026, 10, 1))
        parts.stock_move(actor=manager, warehouse=central, part=part, kind=MoveKind.RECEIPT,
                         quantity=30)
    accountant = UserFactory(username="acct", role=Role.ACCOUNTANT, service_centre=None)

    def order(user, *lines, job=None):
        return dealers.dealer_parts_order(actor=user, lines=list(lines), job=job)

    def pick(material, **picked):
        material = parts.material_request_approve(actor=manager, material_request=material)
        return parts.material_request_pick(actor=manager, material_request=material,
                                           picked=picked)

    def pay(material, amount):
        parts.order_pay(actor=accountant, material_request=material, amount=amount,
                        method=PaymentMethod.TRANSFER)

    def ship(material):
        return parts.material_request_ship(actor=manager, material_request=material)

    o0 = pick(order(u1, (vlv, 1)))
    pay(o0, "48.30")
    o4 = pick(order(u2, (ign, 5)))
    clock_at(9, 0, day=date(2026, 10, 25), tick=False)
    pay(o4, "100.00")
    clock_at(23, 30, day=date(2026, 10, 31), tick=False)
    ship(o0)
    clock_at(23, 40, day=date(2026, 10, 31), tick=False)
    o1 = order(u1, (ign, 4), (vlv, 2))
    o1 = pick(o1, **{str(o1.lines.get(part=ign).pk): "3"})
    clock_at(23, 50, day=date(2026, 10, 31), tick=False)
    pay(o1, "100.00")
    clock_at(6, 0, day=date(2026, 11, 1), tick=False)
    pay(o1, "56.60")
    clock_at(7, 0, day=date(2026, 11, 1), tick=False)
    ship(o1)
    clock_at(9, 0, day=date(2026, 11, 10), tick=False)
    request = new_request(a, customer=CustomerFactory(address="上海市浦东新区张江路1号"))
    job = dealers.job_hand_to_dealer(actor=a.supervisor, job=request, dealer=d1)
    o2 = pick(order(u1, (ign, 2), job=job))
    assert not o2.chargeable
    parts.material_request_receive(actor=u1, material_request=ship(o2))
    clock_at(9, 0, day=date(2026, 11, 12), tick=False)
    o3 = pick(order(u3, (vlv, 1)))
    pay(o3, "48.30")
    clock_at(9, 0, day=date(2026, 11, 15), tick=False)
    o5 = pick(order(u2, (ign, 1), (vlv, 1)))
    pay(o5, "68.30")
    ship(o5)
    clock_at(9, 0, day=date(2026, 11, 20), tick=False)
    parts.material_request_cancel(actor=u2, material_request=o4, note="不要了")
    assert [p.amount for p in MaterialRequestPayment.objects.filter(material_request=o4)] == [
        D("100.00"), D("-100.00")]
    # D1 sends October's valve back: November counts it and its refund, October stays as it was
    parts.order_return_receive(actor=manager, material_request=o0,
                               lines={str(o0.lines.get().pk): "1"})
    return {**month, "d1": d1, "d2": d2, "d3": d3}


DEALER_KEYS = ("charged_quantity", "charged_value", "free_quantity", "returned_quantity",
               "returned_value", "paid")


def test_parts_sold_to_dealers_by_dealer(sold, django_assert_num_queries):
    a, b = sold["a"], sold["b"]
    # moves, usage lines; dealers' lines, parts sent back, payments, names
    with django_assert_num_queries(6):
        figures = parts_monthly(period=_period())
    dealers_ = [(row["dealer"], row["name"], _pick(row, *DEALER_KEYS))
                for row in figures["by_dealer"]]
    assert dealers_ == [
        (sold["d1"].pk, "D1 浦东经销商", (D(5), D("156.60"), D(2), D(1), D("48.30"), D("8.30"))),
        (sold["d2"].pk, "D2 闵行经销商", (D(2), D("68.30"), D(0), D(0), D(0), D("-31.70"))),
        (sold["d3"].pk, "D3 嘉定经销商", (D(0), D(0), D(0), D(0), D(0), D("48.30"))),
    ]
    assert _pick(figures["dealer_totals"], *DEALER_KEYS) == (
        D(7), D("224.90"), D(2), D(1), D("48.30"), D("24.90"))
    _assert_job_figures(figures, a, b)  # parts sold to dealers are no job's parts out
    # one centre: its dealers' orders
    only_b = parts_monthly(period=_period(b.centre), centre=b.centre)
    assert [row["code"] for row in only_b["by_dealer"]] == ["D2", "D3"]
    assert _pick(only_b["dealer_totals"], *DEALER_KEYS) == (D(2), D("68.30"), D(0), D(0), D(0), D("16.60"))
    assert parts_monthly(period=_period(), centres=[a.centre])["by_dealer"][0]["code"] == "D1"
    # October: O0 shipped, and the payments of O0, O1 and O4
    october = date(2026, 10, 1)
    before = parts_monthly(period=Period(october, month_end(october), centre_tz(None)))
    assert [(row["code"], _pick(row, *DEALER_KEYS)) for row in before["by_dealer"]] == [
        ("D1", (D(1), D("48.30"), D(0), D(0), D(0), D("148.30"))),
        ("D2", (D(0), D(0), D(0), D(0), D(0), D("100.00")))]


def test_the_dealers_table_on_the_page_and_in_excel(client, sold):
    client.force_login(sold["a"].manager)
    with translation.override("en"):
        response = client.get(reverse("reports:parts_monthly"), {"month": "2026-11"},
                              HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-table="dealers"' in html and "224.90" in html and "D3 嘉定经销商" in html
        # the headline: what dealers were charged beside what jobs were charged
        card = html[html.index('data-figure="dealers"'):]
        assert card[:card.index("</div>")].count("224.90") == 1
        download = client.get(reverse("reports:parts_monthly_excel"), {"month": "2026-11"},
                              HTTP_ACCEPT_LANGUAGE="en")
    rows = list(load_workbook(BytesIO(download.content)).worksheets[2].iter_rows(values_only=True))
    assert rows == [
        ("Dealer", "Charged", "Charged value", "Free (warranty)", "Parts sent back", "Value sent back",
         "Payments received"),
        ("D1 浦东经销商", 5, 156.6, 2, 1, 48.3, 8.3),
        ("D2 闵行经销商", 2, 68.3, 0, 0, 0, -31.7),
        ("D3 嘉定经销商", 0, 0, 0, 0, 0, 48.3),
        ("Total", 7, 224.9, 2, 1, 48.3, 24.9),
    ]
    with translation.override("zh-hans"):
        html = client.get(reverse("reports:parts_monthly"), {"month": "2026-11"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "经销商订货（出库）" in html and "本月收款" in html
