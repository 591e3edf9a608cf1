"""The charge sheet: each category's lines, BL-2, dealer cost price, Decimal half-up per line,
total = sum of lines, issued once on completion and never changed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from aftersales.billing.choices import FreeReason, LineKind, SheetState
from aftersales.billing.models import BillingSettings, ChargeLine, ChargeSheet, ServiceFee
from aftersales.billing.selectors import (
    charge_sheet_for,
    charge_sheet_preview,
    charge_summary,
    line_make,
)
from aftersales.billing.services import charge_sheet_issue, expense_add
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.models import PartPrice
from aftersales.service.choices import Category, Channel, Status
from aftersales.service.models import ServiceRequest

from .factories import (
    Cast,
    complete,
    drive,
    job_a,
    job_c,
    old_product,
    on_site_with_part,
    priced_part,
)

pytestmark = pytest.mark.django_db


def test_a_line_is_quantity_times_price_rounded_half_up():
    line = line_make(kind=LineKind.OTHER, description="x", quantity=Decimal("1.5"),
                     unit_price=Decimal("0.33"))
    assert line.value == line.amount == Decimal("0.50")  # 0.495 → 0.50 (half-up, not even)
    line = line_make(kind=LineKind.OTHER, description="x", quantity=Decimal("3"),
                     unit_price=Decimal("0.125"))  # a price is itself rounded first: 0.13
    assert line.unit_price == Decimal("0.13") and line.amount == Decimal("0.39")
    free = line_make(kind=LineKind.PART, description="x", quantity=2, unit_price="10.00",
                     free_reason=FreeReason.WARRANTY)
    assert free.value == Decimal("20.00") and free.amount == Decimal("0.00") and free.free


def test_category_a_charges_labour_by_the_category_fee_parts_at_the_days_price_and_expenses():
    cast = Cast()
    ServiceFee.objects.create(category="water_heater", fee=Decimal("120.00"))
    part = priced_part("IGN-1", price="35.50", cost="20.00")
    job = on_site_with_part(cast, job_a(cast), part, quantity=2)
    expense_add(actor=cast.technician, request=job, kind="travel", description="出租车",
                amount="23.45")
    preview = charge_sheet_preview(job)
    assert job.category == Category.A
    assert [(line.kind, line.amount, line.free) for line in preview.lines] == [
        (LineKind.LABOUR, Decimal("120.00"), False),
        (LineKind.PART, Decimal("71.00"), False),
        (LineKind.TRAVEL, Decimal("23.45"), False),
    ]
    assert preview.total == Decimal("214.45") == sum(line.amount for line in preview.lines)


def test_labour_falls_back_to_the_models_own_fee():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-2", price="10.00", cost="5.00"))
    labour = charge_sheet_preview(job).lines[0]
    assert labour.kind == LineKind.LABOUR and labour.amount == Decimal("80.00")


def test_the_price_valid_on_the_day_the_part_was_fitted():
    cast = Cast()
    part = priced_part("IGN-3", price="30.00", cost="15.00",
                       since=date.today() - timedelta(days=60))
    PartPrice.objects.create(part=part, price=Decimal("45.00"), cost=Decimal("20.00"),
                             valid_from=date.today() + timedelta(days=5))  # a future rise
    job = on_site_with_part(cast, job_a(cast), part)
    assert charge_sheet_preview(job).lines[1].unit_price == Decimal("30.00")


def test_the_page_and_its_charges_read_the_parts_once_and_again_after_a_change(
        django_assert_num_queries):
    """The request page's work record and billing's preview share one read of the parts; a
    part added or taken off on the same object is in the next preview."""
    from aftersales.service import services
    from aftersales.service.selectors import request_parts, request_work

    cast = Cast()
    first = priced_part("IGN-5", price="30.00", cost="15.00")
    job = on_site_with_part(cast, job_a(cast), first)
    request_work(job)
    with django_assert_num_queries(0):
        assert [u.part for u in request_parts(job)] == [first]
    second = priced_part("IGN-6", price="12.00", cost="6.00")
    usage = services.part_add(actor=cast.technician, request=job, part=second, quantity=3)
    assert [line.amount for line in charge_sheet_preview(job).lines[1:]] == [
        Decimal("30.00"), Decimal("36.00")]
    services.part_remove(actor=cast.technician, usage=usage)
    assert [line.amount for line in charge_sheet_preview(job).lines[1:]] == [Decimal("30.00")]


def test_category_c_is_free_with_the_reason_warranty():
    cast = Cast()
    job = on_site_with_part(cast, job_c(cast), priced_part("IGN-4", price="30.00", cost="15.00"))
    preview = charge_sheet_preview(job)
    assert job.category == Category.C
    assert preview.lines and all(line.free and line.free_reason == FreeReason.WARRANTY
                                 for line in preview.lines)
    assert preview.total == Decimal("0.00") and preview.value > 0


def test_category_b_is_free_under_contract():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-5", price="30.00", cost="15.00"))
    ServiceRequest.objects.filter(pk=job.pk).update(category=Category.B, chargeable=False)
    job.refresh_from_db()
    preview = charge_sheet_preview(job)
    assert {line.free_reason for line in preview.lines} == {FreeReason.CONTRACT}
    assert preview.total == Decimal("0.00")


def test_category_d_is_free_internal_work():
    cast = Cast()
    job = on_site_with_part(cast, job_c(cast, internal=True),
                            priced_part("IGN-6", price="30.00", cost="15.00"))
    preview = charge_sheet_preview(job)
    assert job.category == Category.D
    assert {line.free_reason for line in preview.lines} == {FreeReason.INTERNAL}


def test_follow_up_visit_has_no_service_fee_but_out_of_warranty_parts_are_charged():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    product = old_product(customer)
    part = priced_part("IGN-7", price="30.00", cost="15.00")
    first = complete(cast, on_site_with_part(cast, job_a(cast, customer=customer, product=product), part))
    assert charge_sheet_for(first).lines.first().amount == Decimal("80.00")
    again = on_site_with_part(cast, job_a(cast, customer=customer, product=product), part)
    preview = charge_sheet_preview(again)
    labour, fitted = preview.lines
    assert preview.follow_up
    assert labour.free and labour.free_reason == FreeReason.FOLLOW_UP and labour.amount == 0
    assert not fitted.free and fitted.amount == Decimal("30.00")
    assert preview.total == Decimal("30.00")


def test_outside_the_follow_up_window_the_fee_is_charged_again():
    cast = Cast()
    BillingSettings.objects.create(follow_up_days=0)
    customer = CustomerFactory(service_centre=cast.centre)
    product = old_product(customer)
    part = priced_part("IGN-8", price="30.00", cost="15.00")
    complete(cast, on_site_with_part(cast, job_a(cast, customer=customer, product=product), part))
    ServiceRequest.objects.filter(installed_product=product).update(
        completed_at=ServiceRequest.objects.get(installed_product=product).completed_at
        - timedelta(days=1))
    again = on_site_with_part(cast, job_a(cast, customer=customer, product=product), part)
    assert not charge_sheet_preview(again).follow_up


def test_a_dealer_job_takes_parts_at_cost_price():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast, channel=Channel.DEALER),
                            priced_part("IGN-9", price="30.00", cost="17.25"), quantity=3)
    preview = charge_sheet_preview(job)
    assert preview.dealer and preview.lines[1].unit_price == Decimal("17.25")
    assert preview.lines[1].amount == Decimal("51.75")


def test_completing_the_job_issues_a_numbered_sheet_equal_to_the_preview():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-10", price="30.00", cost="1"))
    preview_total = charge_sheet_preview(job).total
    assert charge_sheet_for(job) is None and not charge_summary(job).issued
    job = complete(cast, job)
    sheet = charge_sheet_for(job)
    assert sheet.state == SheetState.ISSUED and sheet.number.startswith("CS")
    assert sheet.total == preview_total == sum(line.amount for line in sheet.lines.all())
    assert sheet.issued_by == cast.technician and sheet.category == Category.A
    assert charge_summary(job).issued and charge_summary(job).total == preview_total
    assert charge_sheet_issue(actor=cast.technician, request=job).pk == sheet.pk  # once


def test_hand_back_from_the_workshop_issues_the_sheet():
    cast = Cast()
    job = drive(job_c(cast), cast, Status.INSPECTED)
    assert charge_sheet_for(job) is None
    job = drive(job, cast, Status.COMPLETED)
    assert charge_sheet_for(job) is not None


def test_an_issued_sheet_never_changes():
    cast = Cast()
    part = priced_part("IGN-11", price="30.00", cost="1")
    job = complete(cast, on_site_with_part(cast, job_a(cast), part))
    sheet = charge_sheet_for(job)
    PartPrice.objects.create(part=part, price=Decimal("99.00"), cost=Decimal("1"),
                             valid_from=date.today() - timedelta(days=1))
    assert charge_sheet_for(job).total == sheet.total  # a later price does not touch it
    sheet.total = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        sheet.save()
    with pytest.raises(AppendOnlyError):
        ChargeLine.objects.filter(sheet=sheet).update(amount=0)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_chargesheet SET total = 1 WHERE id = %s", [sheet.pk])
    assert ChargeSheet.objects.get(pk=sheet.pk).total != Decimal("1.00")
