"""Payments on site (WK-2) and the hand-over to the accountant; idempotency; permissions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.choices import HandoverState, Method
from aftersales.billing.models import Handover, Payment
from aftersales.billing.selectors import (
    charge_sheet_for,
    charge_summary,
    handover_list,
    payment_list,
)
from aftersales.billing.services import handover_confirm, payment_record
from aftersales.core.exceptions import PermissionDenied

from .factories import Cast, Money, complete, job_a, on_site_with_part, priced_part

pytestmark = pytest.mark.django_db


def _sheet(cast, code="PAY-1"):
    job = complete(cast, on_site_with_part(cast, job_a(cast), priced_part(code, price="20.00",
                                                                              cost="5.00")))
    return charge_sheet_for(job)  # 80.00 fee + 20.00 part


def test_cash_on_site_is_recorded_once_per_key_and_joins_the_days_hand_over():
    cast = Cast()
    sheet = _sheet(cast)
    assert sheet.total == Decimal("100.00")
    payment, created = payment_record(actor=cast.technician, sheet=sheet, amount="60.00",
                                      method=Method.CASH, idempotency_key="k-1")
    assert created and payment.number.startswith("SK") and payment.handover.technician == cast.technician
    again, created = payment_record(actor=cast.technician, sheet=sheet, amount="60.00",
                                    method=Method.CASH, idempotency_key="k-1")
    assert not created and again.pk == payment.pk and Payment.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        payment_record(actor=cast.technician, sheet=sheet, amount="61.00", method=Method.CASH,
                       idempotency_key="k-1")
    assert "idempotency_key" in error.value.message_dict
    assert charge_summary(sheet.request).due == Decimal("40.00")


def test_a_second_key_is_refused_beyond_what_is_due():
    cast = Cast()
    sheet = _sheet(cast)
    payment_record(actor=cast.technician, sheet=sheet, amount="100.00", method=Method.QR,
                   idempotency_key="a")
    with pytest.raises(ValidationError) as error:
        payment_record(actor=cast.technician, sheet=sheet, amount="100.00", method=Method.CASH,
                       idempotency_key="b")
    assert "amount" in error.value.message_dict and Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "abc", ""])
def test_bad_amounts_are_refused(amount):
    cast = Cast()
    with pytest.raises(ValidationError):
        payment_record(actor=cast.technician, sheet=_sheet(cast), amount=amount,
                       method=Method.CASH, idempotency_key="x")
    assert Payment.objects.count() == 0


def test_a_technician_takes_no_money_on_anothers_job_and_sees_only_his_own():
    cast = Cast()
    sheet = _sheet(cast)
    stranger = UserFactory(username="tech-2", role=Role.TECHNICIAN, service_centre=cast.centre)
    with pytest.raises(PermissionDenied):
        payment_record(actor=stranger, sheet=sheet, amount="10.00", method=Method.CASH,
                       idempotency_key="s")
    with pytest.raises(ValidationError):
        payment_record(actor=cast.technician, sheet=sheet, amount="10.00",
                       method=Method.TRANSFER, idempotency_key="t")
    assert Payment.objects.count() == 0 and Handover.objects.count() == 0
    payment_record(actor=cast.technician, sheet=sheet, amount="10.00", method=Method.CASH,
                   idempotency_key="own")
    assert payment_list(stranger).count() == 0 and handover_list(stranger).count() == 0
    assert payment_list(cast.technician).count() == 1
    assert payment_list(Money(cast).accountant).count() == 1
    assert payment_list(cast.agent).count() == 0


def test_the_accountant_confirms_the_hand_over_or_records_a_difference_with_a_reason():
    cast = Cast()
    accountant = Money(cast).accountant
    sheet = _sheet(cast)
    payment, _ = payment_record(actor=cast.technician, sheet=sheet, amount="100.00",
                                method=Method.CASH, idempotency_key="h")
    handover = payment.handover
    with pytest.raises(PermissionDenied):
        handover_confirm(actor=cast.technician, handover=handover, counted="100.00")
    with pytest.raises(ValidationError) as error:
        handover_confirm(actor=accountant, handover=handover, counted="90.00")
    assert "reason" in error.value.message_dict
    assert Handover.objects.get(pk=handover.pk).state == HandoverState.OPEN
    done = handover_confirm(actor=accountant, handover=handover, counted="90.00",
                            reason="少交十元，明日补")
    assert done.state == HandoverState.CONFIRMED and done.difference == Decimal("-10.00")
    assert done.expected == Decimal("100.00") and done.confirmed_by == accountant


def test_money_taken_after_the_confirmation_opens_a_new_hand_over():
    cast = Cast()
    accountant = Money(cast).accountant
    first, _ = payment_record(actor=cast.technician, sheet=_sheet(cast, "PAY-2"), amount="50.00",
                              method=Method.CASH, idempotency_key="1")
    handover_confirm(actor=accountant, handover=first.handover, counted="50.00")
    later, _ = payment_record(actor=cast.technician, sheet=_sheet(cast, "PAY-3"), amount="50.00",
                              method=Method.QR, idempotency_key="2")
    assert later.handover_id != first.handover_id
    assert later.handover.state == HandoverState.OPEN and later.handover.day == first.handover.day
