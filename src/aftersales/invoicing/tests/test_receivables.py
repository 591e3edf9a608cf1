"""Receivables with ageing and the month's figures (BL-3)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast

from ..models import Invoice
from ..selectors import customer_balance, monthly_figures, receivables, receivables_totals
from ..services import credit_note_issue, invoice_issue
from .factories import accountant, payment_make, sheet_make

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal




def test_ageing_buckets_and_balance(time_machine):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre, name="甲公司")
    other = CustomerFactory(service_centre=cast.centre, name="乙先生")
    actor = accountant()
    ages = {"2026-11-30": "100", "2026-10-31": "200", "2026-10-01": "300", "2026-08-01": "400"}
    invoices = {}
    for day, total in ages.items():
        time_machine.move_to(datetime.fromisoformat(day).replace(hour=10, tzinfo=SH))
        sheet = sheet_make(customer, total, cast=cast)
        invoices[day] = invoice_issue(actor=actor, customer=customer, sheet_ids=[sheet.pk])
        if day == "2026-10-01":
            payment_make(sheet, "50")
    time_machine.move_to(datetime(2026, 11, 30, 11, tzinfo=SH))
    credit_note_issue(actor=actor, customer=customer, amount="25", reason="折让",
                      invoice=invoices["2026-08-01"])
    paid_sheet = sheet_make(other, "80", cast=cast)
    invoice_issue(actor=actor, customer=other, sheet_ids=[paid_sheet.pk])
    payment_make(paid_sheet, "80")

    rows = receivables(Invoice.objects.all(), as_of=date(2026, 11, 30))
    first, second = rows
    assert first.customer == customer and second.customer == other
    assert (first.invoiced, first.paid, first.credited, first.outstanding) == (
        D("1000.00"), D("50.00"), D("25.00"), D("925.00"))
    # 0 days, 30 days → 0–30; 60 days → 31–60; 121 days → over 90
    assert first.buckets == {"0_30": D("300.00"), "31_60": D("250.00"), "61_90": D("0.00"),
                             "over_90": D("375.00")}
    assert second.outstanding == 0 and sum(second.buckets.values()) == 0
    total = receivables_totals(rows)
    assert total.outstanding == D("925.00") and total.bucket_list[-1] == D("375.00")
    assert customer_balance(customer, as_of=date(2026, 11, 30)).outstanding == D("925.00")
    # as of an earlier day: later invoices, payments and credits do not count yet
    assert customer_balance(customer, as_of=date(2026, 10, 31)).outstanding == D("850.00")
    assert customer_balance(CustomerFactory()).outstanding == 0


def test_monthly_figures_revenue_collected_free_by_category_and_centre():
    north, south = Cast(), Cast()
    customer = CustomerFactory(service_centre=north.centre)
    far = CustomerFactory(service_centre=south.centre)
    in_nov = datetime(2026, 11, 10, 9, tzinfo=SH)
    charged = sheet_make(customer, "150", at=in_nov, cast=north, lines=[
        ("labour", "100", "100", False), ("part", "50", "50", False), ("part", "30", "0", True)])
    sheet_make(customer, "0", category="C", at=in_nov, cast=north, lines=[
        ("labour", "100", "0", True), ("part", "80", "0", True)])
    sheet_make(far, "60", at=in_nov, cast=south, lines=[("travel", "60", "60", False)])
    sheet_make(far, "999", at=datetime(2026, 12, 1, 0, 5, tzinfo=SH), cast=south)  # December
    payment_make(charged, "100", at=in_nov)

    figures = monthly_figures(since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert figures["revenue"] == D("210.00")
    assert figures["revenue_by_kind"] == {"labour": D("100.00"), "part": D("50.00"),
                                          "travel": D("60.00")}
    assert (figures["collected"], figures["outstanding"], figures["received"]) == (
        D("100.00"), D("110.00"), D("100.00"))
    by_cat = {row["category"]: row for row in figures["by_category"]}
    assert (by_cat["A"]["jobs"], by_cat["A"]["charged"], by_cat["A"]["free"]) == (
        2, D("210.00"), D("30.00"))
    assert (by_cat["C"]["jobs"], by_cat["C"]["charged"], by_cat["C"]["free"]) == (
        1, D("0.00"), D("180.00"))
    assert figures["free"] == D("210.00")
    by_centre = {row["centre"]: row for row in figures["by_centre"]}
    assert by_centre[north.centre.name]["charged"] == D("150.00")
    assert by_centre[north.centre.name]["free_C"] == D("180.00")
    assert by_centre[south.centre.name]["charged_A"] == D("60.00")
    only_south = monthly_figures(since=date(2026, 11, 1), until=date(2026, 11, 30),
                                 centre=south.centre)
    assert only_south["revenue"] == D("60.00") and only_south["received"] == 0
