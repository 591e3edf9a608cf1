"""A finished job is invoiced at once for a customer invoiced now (after billing issued its
charge sheet), not for one invoiced later or never; a tax platform's refusal never stops the
job from finishing."""

import pytest
from django.test import override_settings

from aftersales.billing.tests.factories import complete, job_a, on_site_with_part, priced_part
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast

from ..models import Invoice
from ..services import invoiceable_sheets, invoicing_preference_set
from .factories import accountant

pytestmark = pytest.mark.django_db


def _finished_job(cast, customer, code):
    job = on_site_with_part(cast, job_a(cast, customer=customer),
                            priced_part(code, price="30.00", cost="10"))
    return complete(cast, job)


def test_a_customer_invoiced_now_gets_the_jobs_invoice_on_completion():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    job = _finished_job(cast, customer, "IGN-1")
    assert job.status == Status.COMPLETED
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    assert line.sheet == job.charge_sheet and invoice.total == job.charge_sheet.total > 0
    assert invoice.kind == "single" and invoice.issued_by == cast.technician


@pytest.mark.parametrize("mode", ["later", "never"])
def test_later_and_never_customers_get_no_invoice_on_completion(mode):
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    invoicing_preference_set(actor=accountant(), customer=customer, mode=mode)
    job = _finished_job(cast, customer, f"IGN-{mode}")
    assert not Invoice.objects.exists()
    assert invoiceable_sheets().filter(pk=job.charge_sheet.pk).exists()


@override_settings(INVOICE_ISSUER="aftersales.invoicing.tests.test_invoices.RefusingIssuer")
def test_a_refused_invoice_leaves_the_job_finished_and_the_sheet_to_invoice():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    job = _finished_job(cast, customer, "IGN-R")
    assert job.status == Status.COMPLETED and not Invoice.objects.exists()
    assert invoiceable_sheets().filter(pk=job.charge_sheet.pk).exists()
