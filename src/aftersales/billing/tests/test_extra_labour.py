"""Labour beyond the service fee: hours at the hourly rate (the product category's, else the
billing settings'), entered on the job as an expense or quoted as still to do; free where the
service fee is free (categories B–D, a follow-up visit, BL-2)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from aftersales.billing.choices import ExpenseKind, FreeReason, LineKind
from aftersales.billing.models import BillingSettings, ChargeExpense, Quote, ServiceFee
from aftersales.billing.selectors import charge_sheet_for, charge_sheet_preview
from aftersales.billing.services import expense_add, quote_make
from aftersales.customers.tests.factories import CustomerFactory

from .factories import Cast, complete, job_a, job_c, old_product, on_site_with_part, priced_part

pytestmark = pytest.mark.django_db


def _labour(cast, job, hours, what="拆机清洗水垢"):
    return expense_add(actor=cast.technician, request=job, kind=ExpenseKind.LABOUR,
                       description=what, hours=hours)


def test_extra_labour_is_hours_at_the_categorys_rate_else_the_settings_rate_as_entered():
    cast = Cast()
    BillingSettings.objects.create(hourly_rate=Decimal("60.00"))
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-1", price="35.00", cost="20.00"))
    first = _labour(cast, job, "1.5")
    assert (first.hours, first.rate, first.amount) == (
        Decimal("1.5"), Decimal("60.00"), Decimal("90.00"))
    # the category sets a rate of its own: labour entered from now on is charged at it
    ServiceFee.objects.create(category=job.installed_product.model.category,
                              fee=Decimal("120.00"), hourly_rate=Decimal("100.00"))
    second = _labour(cast, job, "0.25", what="二次上门")
    assert (second.rate, second.amount) == (Decimal("100.00"), Decimal("25.00"))
    lines = charge_sheet_preview(job).lines
    assert [(line.kind, line.quantity, line.unit_price, line.amount) for line in lines] == [
        (LineKind.LABOUR, 1, Decimal("120.00"), Decimal("120.00")),
        (LineKind.PART, 1, Decimal("35.00"), Decimal("35.00")),
        (LineKind.LABOUR, Decimal("1.5"), Decimal("60.00"), Decimal("90.00")),
        (LineKind.LABOUR, Decimal("0.25"), Decimal("100.00"), Decimal("25.00")),
    ]
    with translation.override("zh-hans"):
        assert "拆机清洗水垢" in charge_sheet_preview(job).lines[2].description
    sheet = charge_sheet_for(complete(cast, job))
    assert sheet.total == Decimal("270.00")
    assert [line.amount for line in sheet.lines.filter(kind=LineKind.LABOUR)] == [
        Decimal("120.00"), Decimal("90.00"), Decimal("25.00")]


def test_extra_labour_is_free_under_warranty_and_on_a_follow_up_visit():
    cast = Cast()
    warranty = on_site_with_part(cast, job_c(cast), priced_part("IGN-2", price="30.00",
                                                                 cost="15.00"))
    _labour(cast, warranty, "2")
    extra = charge_sheet_preview(warranty).lines[-1]
    assert extra.free and extra.free_reason == FreeReason.WARRANTY and extra.amount == 0
    assert extra.value == Decimal("160.00")  # the settings' default rate, 80 an hour

    customer = CustomerFactory(service_centre=cast.centre)
    product = old_product(customer)
    part = priced_part("IGN-3", price="30.00", cost="15.00")
    complete(cast, on_site_with_part(cast, job_a(cast, customer=customer, product=product), part))
    again = on_site_with_part(cast, job_a(cast, customer=customer, product=product), part)
    _labour(cast, again, "1")
    expense_add(actor=cast.technician, request=again, kind=ExpenseKind.TRAVEL,
                description="出租车", amount="20.00")
    preview = charge_sheet_preview(again)
    assert preview.follow_up
    assert [(line.kind, line.free_reason, line.amount) for line in preview.lines] == [
        (LineKind.LABOUR, FreeReason.FOLLOW_UP, Decimal("0.00")),  # the service fee
        (LineKind.PART, "", Decimal("30.00")),
        (LineKind.LABOUR, FreeReason.FOLLOW_UP, Decimal("0.00")),  # extra labour: no fee
        (LineKind.TRAVEL, "", Decimal("20.00")),
    ]


@pytest.mark.parametrize("kind, amount, hours, field, words", [
    (ExpenseKind.LABOUR, "50.00", "1", "amount", "by the hour"),
    (ExpenseKind.LABOUR, None, None, "hours", "such as 1.5"),
    (ExpenseKind.LABOUR, None, "0", "hours", "more than 0"),
    (ExpenseKind.LABOUR, None, "1.255", "hours", "two decimal places"),
    (ExpenseKind.LABOUR, None, "100.5", "hours", "At most 100"),
    (ExpenseKind.TRAVEL, "20.00", "1", "hours", "enter the amount"),
])
def test_bad_labour_input_is_refused_by_name_and_nothing_is_saved(kind, amount, hours, field,
                                                                  words):
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-4", price="30.00", cost="15.00"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        expense_add(actor=cast.technician, request=job, kind=kind, description="x",
                    amount=amount, hours=hours)
    assert words in " ".join(error.value.message_dict[field])
    assert not ChargeExpense.objects.exists()


def test_the_database_refuses_labour_without_hours_and_hours_on_another_kind():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-5", price="30.00", cost="15.00"))
    for kind, hours, rate in ((ExpenseKind.LABOUR, None, None),
                              (ExpenseKind.TRAVEL, Decimal("1"), Decimal("80"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            ChargeExpense.objects.create(request=job, kind=kind, description="x",
                                         amount=Decimal("10.00"), hours=hours, rate=rate,
                                         entered_by=cast.technician)


def test_a_quote_prices_labour_still_to_do_at_todays_rate():
    cast = Cast()
    job = job_a(cast)
    quote = quote_make(actor=cast.agent, request=job, planned_labour=[("拆机清洗", "2")])
    fee, extra = quote.lines.order_by("position")
    assert (extra.kind, extra.quantity, extra.unit_price, extra.amount) == (
        LineKind.LABOUR, Decimal("2"), Decimal("80.00"), Decimal("160.00"))
    assert "拆机清洗" in extra.description and quote.total == fee.amount + Decimal("160.00")
    # quoted only: the job's own preview has just the service fee
    assert [line.kind for line in charge_sheet_preview(job).lines] == [LineKind.LABOUR]
    for labour, words in (([("", "1")], "what the extra labour"), ([("拆机", "")], "1.5")):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            quote_make(actor=cast.agent, request=job, planned_labour=labour)
        assert words in " ".join(error.value.message_dict["planned"])
    assert Quote.objects.count() == 1


def test_the_phone_enters_extra_labour_in_hours_and_the_desk_quotes_it(client):
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("IGN-6", price="30.00", cost="15.00"))
    client.force_login(cast.technician)
    client.post(reverse("billing:expense_add", args=[job.pk]),
                {"kind": "labour", "description": "更换内胆", "amount": "", "hours": "2.5"})
    expense = ChargeExpense.objects.get()
    assert (expense.hours, expense.amount) == (Decimal("2.5"), Decimal("200.00"))
    with translation.override("zh-hans"):
        page = client.get(reverse("field:job", args=[job.pk]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2.5 h × ¥80.00" in page and "额外工时" in page and "¥80.00/h" in page

    other = job_a(cast)
    client.force_login(cast.agent)
    client.post(reverse("billing:quote_make", args=[other.pk]),
                {"plan_part": [""], "plan_qty": ["1"],
                 "plan_labour": ["二次上门", ""], "plan_hours": ["1", ""]})
    quote = Quote.objects.get(request=other)
    assert quote.lines.get(position=2).amount == Decimal("80.00")
