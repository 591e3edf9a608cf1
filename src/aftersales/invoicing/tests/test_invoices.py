"""Invoices (BL-1): now, later (a batch per customer and month) or never; numbers gap-free per
month; immutable once issued; a job on one invoice at most."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings

from aftersales.core.events import event_list
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import Cast

from ..issuers import IssueRefused, _load, issuer_get
from ..models import Invoice, InvoiceLine
from ..services import (
    invoice_issue,
    invoiceable_sheets,
    invoices_issue_for_period,
    invoicing_mode_for,
    invoicing_preference_set,
)
from .factories import accountant, sheet_make

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def customer(cast):
    return CustomerFactory(service_centre=cast.centre)


def test_one_job_invoiced_with_tax_split_per_line_half_up(cast, customer):
    sheet = sheet_make(customer, "113.00", cast=cast)
    other = sheet_make(customer, "0.05", cast=cast)
    invoice = invoice_issue(actor=accountant(), customer=customer, sheet_ids=[sheet.pk, other.pk])
    assert invoice.number.startswith("IV") and invoice.number.endswith("0001")
    lines = list(invoice.lines.order_by("id"))
    assert [(line.net, line.tax, line.amount) for line in lines] == [
        (Decimal("100.00"), Decimal("13.00"), Decimal("113.00")),
        (Decimal("0.04"), Decimal("0.01"), Decimal("0.05")),  # 0.0442… half-up → 0.04
    ]
    assert (invoice.net, invoice.tax, invoice.total) == (
        Decimal("100.04"), Decimal("13.01"), Decimal("113.05"))
    assert invoice.tax_rate == Decimal("13") and invoice.issuer == "local"
    assert [e.action for e in event_list(invoice)] == ["issue"]
    assert not invoiceable_sheets().filter(customer=customer).exists()


def test_an_issued_invoice_never_changes(cast, customer):
    invoice = invoice_issue(actor=accountant(), customer=customer,
                            sheet_ids=[sheet_make(customer, "50", cast=cast).pk])
    with pytest.raises(AppendOnlyError):
        invoice.save()
    with pytest.raises(AppendOnlyError):
        Invoice.objects.filter(pk=invoice.pk).update(total=0)
    with pytest.raises(AppendOnlyError):
        invoice.delete()
    statements = ["UPDATE invoicing_invoice SET total = 0", "UPDATE invoicing_invoiceline SET net = 0"]
    if connection.vendor == "postgresql":
        statements.append("DELETE FROM invoicing_invoiceline")
    for sql in statements:  # the database refuses it too
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("50.00")


def test_a_job_is_on_one_invoice_at_most(cast, customer):
    sheet = sheet_make(customer, "80", cast=cast)
    first = invoice_issue(actor=accountant(), customer=customer, sheet_ids=[sheet.pk])
    with pytest.raises(ValidationError):
        invoice_issue(actor=accountant(), customer=customer, sheet_ids=[sheet.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(invoice=first, sheet=sheet, description="x", net=1, tax=0,
                                   amount=1)


def test_only_charged_category_a_work_is_invoiced(cast, customer):
    for category in "BCD":
        sheet_make(customer, "0", category=category, cast=cast)
    sheet_make(customer, "0", cast=cast)  # A, but nothing charged (follow-up, all free)
    with pytest.raises(ValidationError) as error:
        invoice_issue(actor=accountant(), customer=customer, period="2612")
    assert "customer" in error.value.message_dict
    assert not Invoice.objects.exists()


def test_the_month_batch_collects_each_later_customers_sheets_of_that_month(cast):
    later = CustomerFactory(service_centre=cast.centre)
    now = CustomerFactory(service_centre=cast.centre)
    never = CustomerFactory(service_centre=cast.centre)
    actor = accountant()
    invoicing_preference_set(actor=actor, customer=later, mode="later")
    invoicing_preference_set(actor=actor, customer=never, mode="never", note="免费维修客户")
    in_nov = datetime(2026, 11, 3, 10, tzinfo=SH)
    sheet_make(later, "100", at=in_nov, cast=cast)
    sheet_make(later, "20.50", at=datetime(2026, 11, 30, 23, 59, tzinfo=SH), cast=cast)
    december = sheet_make(later, "99", at=datetime(2026, 12, 1, 0, 1, tzinfo=SH), cast=cast)
    sheet_make(now, "70", at=in_nov, cast=cast)
    sheet_make(never, "60", at=in_nov, cast=cast)

    issued = invoices_issue_for_period(actor=actor, period="2611")
    assert [(i.customer, i.total, i.kind) for i in issued] == [(later, Decimal("120.50"), "batch")]
    assert (issued[0].period_start.isoformat(), issued[0].period_end.isoformat()) == (
        "2026-11-01", "2026-11-30")
    assert invoices_issue_for_period(actor=actor, period="2611") == []  # idempotent
    assert invoiceable_sheets().filter(customer=later).get() == december
    # "invoice now for this period" for a customer invoiced now; never a customer who takes none
    assert [i.customer for i in invoices_issue_for_period(
        actor=actor, period="2611", customer_ids=[now.pk, never.pk])] == [now]
    with pytest.raises(ValidationError):
        invoice_issue(actor=actor, customer=never, period="2611")


def test_preference_defaults_to_now_and_is_logged(customer):
    assert invoicing_mode_for(customer) == "now"
    with override_settings(INVOICE_DEFAULT_MODE="later"):
        assert invoicing_mode_for(customer) == "later"
    preference = invoicing_preference_set(actor=accountant(), customer=customer, mode="later")
    preference = invoicing_preference_set(actor=accountant(), customer=customer, mode="never")
    assert preference.version == 2 and invoicing_mode_for(customer) == "never"
    with pytest.raises(ValidationError):
        invoicing_preference_set(actor=accountant(), customer=customer, mode="sometimes")
    assert [e.to_state for e in event_list(customer) if e.action == "invoicing_preference"] == [
        "later", "never"]


@pytest.mark.parametrize("period", ["", "26", "2613", "abcd", "261"])
def test_a_bad_period_is_refused(customer, period):
    with pytest.raises(ValidationError) as error:
        invoices_issue_for_period(actor=accountant(), period=period)
    assert "period" in error.value.message_dict


class PlatformIssuer:
    name, label = "platform", "Test platform"
    refuse = False

    def issue(self, invoice, lines):
        if self.refuse:
            raise IssueRefused("税号不符")
        return f"TAX-{invoice.number}"

    def print_context(self, invoice):
        return {"check_code": "1234"}


class RefusingIssuer(PlatformIssuer):
    refuse = True


def test_a_tax_platform_adapter_plugs_in_and_a_refusal_leaves_no_gap(cast, customer):
    path = f"{__name__}.PlatformIssuer"
    first = sheet_make(customer, "10", cast=cast)
    second = sheet_make(customer, "20", cast=cast)
    with override_settings(INVOICE_ISSUER=f"{__name__}.RefusingIssuer"):
        with pytest.raises(ValidationError) as error:
            invoice_issue(actor=accountant(), customer=customer, sheet_ids=[first.pk])
    assert error.value.message_dict["issuer"] == ["税号不符"]
    assert not Invoice.objects.exists()
    with override_settings(INVOICE_ISSUER=path):
        assert isinstance(issuer_get(), PlatformIssuer)
        one = invoice_issue(actor=accountant(), customer=customer, sheet_ids=[first.pk])
    two = invoice_issue(actor=accountant(), customer=customer, sheet_ids=[second.pk])
    assert (one.issuer, one.external_number) == ("platform", f"TAX-{one.number}")
    assert int(two.number[-4:]) == int(one.number[-4:]) + 1 == 2  # the refusal used no number


def test_a_wrong_issuer_setting_says_so():
    with pytest.raises(ImproperlyConfigured):
        _load("aftersales.invoicing.nowhere.Issuer")
    with pytest.raises(ImproperlyConfigured):
        _load("decimal.Decimal")


def test_numbers_restart_each_month(cast, customer, time_machine):
    time_machine.move_to(datetime(2026, 10, 31, 23, 50, tzinfo=SH))
    october = invoice_issue(actor=accountant(), customer=customer,
                            sheet_ids=[sheet_make(customer, "1", cast=cast).pk])
    time_machine.move_to(datetime(2026, 10, 31, 23, 50, tzinfo=SH) + timedelta(minutes=20))
    november = invoice_issue(actor=accountant(), customer=customer,
                             sheet_ids=[sheet_make(customer, "1", cast=cast).pk])
    assert (october.number, november.number) == ("IV26100001", "IV26110001")
