"""Money taken for a job's charge sheet that is on an invoice never takes more than the invoice
has open: the invoice may have been paid against the invoice itself, from money on account or
credited, which the sheet's own payments do not know. Billing asks (``charge_sheet.paying``)
under the sheet's lock; invoicing answers under the invoice's. Refused by name, nothing saved —
through the service, the technician's phone and the API; and never twice the last yuan when a
technician and a cashier take it at the same moment (real threads, SQLite and PostgreSQL).
What the pages show follows (``charge_sheet.to_take``, ``charge_sheet.list_due``): the phone
offers only what is open, the charges say what was paid on the invoice and what is still due,
the desk's list leaves out a sheet whose invoice is paid."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.billing.models import Payment, ServiceFee
from aftersales.billing.selectors import charge_sheet_for, sheet_due
from aftersales.billing.services import payment_record
from aftersales.billing.tests.factories import (
    Cast,
    complete,
    job_a,
    on_site_with_part,
    priced_part,
)
from aftersales.core.tests.concurrency import at_once, ok
from aftersales.customers.tests.factories import CustomerFactory

from ..models import Invoice
from ..selectors import invoice_balances
from ..services import credit_note_issue, customer_payment_record, invoice_payment_record
from .factories import accountant

D = Decimal


def _finished(cast, customer):
    """A finished charged job of ``customer``: ¥150 call-out + 2 × ¥35.50 = ¥221.00."""
    from aftersales.parts.models import Part

    ServiceFee.objects.get_or_create(category="water_heater", defaults={"fee": D("150.00")})
    part = Part.objects.filter(code="PG-1").first() or priced_part("PG-1", price="35.50",
                                                                   cost="10.00")
    return complete(cast, on_site_with_part(cast, job_a(cast, customer=customer), part, 2))


def _invoiced_job(cast):
    """A finished charged job of a customer invoiced per job (the default): its sheet of
    ¥221.00 is on an invoice of its own from the moment it is issued."""
    job = _finished(cast, CustomerFactory(service_centre=cast.centre, name="海燕物业"))
    sheet = charge_sheet_for(job)
    invoice = Invoice.objects.get(lines__sheet=sheet)
    assert sheet.total == invoice.total == D("221.00")
    return job, sheet, invoice


def _outstanding(invoice) -> Decimal:
    return invoice_balances(Invoice.objects.filter(pk=invoice.pk))[0].outstanding


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_an_invoice_paid_in_part_against_it_leaves_the_technician_only_the_rest():
    cast = Cast()
    _job, sheet, invoice = _invoiced_job(cast)
    invoice_payment_record(actor=accountant(), invoice=invoice, amount="100.00",
                           method="transfer", idempotency_key="bank")
    errors = _refused(lambda: payment_record(actor=cast.technician, sheet=sheet, amount="221.00",
                                             method="cash", idempotency_key="phone-1"))
    assert errors == {"amount": [f"Charge sheet {sheet.number} is on invoice {invoice.number}, "
                                 "which has only ¥121.00 outstanding: take no more than that."]}
    assert not Payment.objects.filter(sheet=sheet).exists()  # nothing saved
    payment, created = payment_record(actor=cast.technician, sheet=sheet, amount="121.00",
                                      method="cash", idempotency_key="phone-2")
    assert created and payment.handover is not None
    assert _outstanding(invoice) == 0
    # the sheet's own count still shows ¥100 due; the invoice says it is paid, and it rules
    assert sheet_due(sheet) == D("100.00")
    errors = _refused(lambda: payment_record(actor=cast.technician, sheet=sheet, amount="0.01",
                                             method="qr", idempotency_key="phone-3"))
    assert errors == {"amount": [f"Charge sheet {sheet.number} is on invoice {invoice.number}, "
                                 "which is paid in full: take no money for this job."]}
    # a repeat of a payment already taken is still answered with that payment
    again, created = payment_record(actor=cast.technician, sheet=sheet, amount="121.00",
                                    method="cash", idempotency_key="phone-2")
    assert again == payment and not created
    assert Payment.objects.filter(sheet=sheet).count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_a_credit_note_and_money_on_account_count_and_a_sheet_on_no_invoice_is_as_before():
    cast = Cast()
    books = accountant()
    _job, sheet, invoice = _invoiced_job(cast)
    credit_note_issue(actor=books, customer=invoice.customer, invoice=invoice,
                      amount=D("21.00"), reason="上门迟到，减免部分费用")
    deposit, _ = customer_payment_record(actor=books, customer=invoice.customer, amount="150.00",
                                         method="transfer", idempotency_key="deposit",
                                         allocations=[(invoice, "150.00")])
    errors = _refused(lambda: payment_record(actor=cast.technician, sheet=sheet, amount="50.01",
                                             method="cash", idempotency_key="k1"))
    assert "which has only ¥50.00 outstanding" in errors["amount"][0]
    payment_record(actor=cast.technician, sheet=sheet, amount="50.00", method="cash",
                   idempotency_key="k2")
    assert _outstanding(invoice) == 0
    # money on account never pays an invoiced sheet directly, even through billing itself
    errors = _refused(lambda: payment_record(actor=books, sheet=sheet, amount="1.00",
                                             method="account", idempotency_key="k3",
                                             drawn_from=deposit))
    assert errors == {"sheet": [f"Charge sheet {sheet.number} is on invoice {invoice.number}: "
                                "apply the money on account to the invoice."]}
    # a job on no invoice (its customer is invoiced later): the sheet's due is all there is
    from ..choices import InvoicingMode
    from ..services import invoicing_preference_set

    later = CustomerFactory(service_centre=cast.centre)
    invoicing_preference_set(actor=books, customer=later, mode=InvoicingMode.LATER)
    other = charge_sheet_for(_finished(cast, later))
    assert not Invoice.objects.filter(lines__sheet=other).exists()
    payment_record(actor=cast.technician, sheet=other, amount="221.00", method="cash",
                   idempotency_key="k4")
    assert sheet_due(other) == 0


@pytest.mark.django_db
def test_the_phone_offers_what_the_invoice_has_open_and_none_once_it_is_paid(client):
    cast = Cast()
    job, sheet, invoice = _invoiced_job(cast)
    books = accountant()
    client.force_login(cast.technician)
    url = reverse("field:job", args=[job.pk])

    def phone() -> str:
        return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    page = phone()
    assert "现场收款 · 应收 ¥221.00" in page and 'name="amount" inputmode="decimal" value="221.00"' \
        in page
    invoice_payment_record(actor=books, invoice=invoice, amount="100.00", method="transfer",
                           idempotency_key="bank-1")
    page = phone()
    assert "现场收款 · 应收 ¥121.00" in page and 'inputmode="decimal" value="121.00"' in page
    assert f"收费单 {sheet.number} 最多再收 ¥121.00，其余已付。" in page  # the notice says why
    invoice_payment_record(actor=books, invoice=invoice, amount="121.00", method="transfer",
                           idempotency_key="bank-2")
    page = phone()
    assert "data-payment-form" not in page and "现场收款" not in page
    assert f"收费单 {sheet.number} 已付清：请勿再收款。" in page
    assert sheet_due(sheet) == D("221.00")  # billing's own count is unchanged: nothing written


@pytest.mark.django_db
def test_the_phone_and_the_api_say_why_in_the_users_language(client):
    cast = Cast()
    job, sheet, invoice = _invoiced_job(cast)
    invoice_payment_record(actor=accountant(), invoice=invoice, amount="221.00",
                           method="transfer", idempotency_key="bank")
    client.force_login(cast.technician)
    response = client.post(reverse("billing:pay", args=[sheet.pk]),
                           {"amount": "221.00", "method": "cash", "idempotency_key": "phone",
                            "next": reverse("field:job", args=[job.pk])},
                           HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    page = response.content.decode()
    assert (f"收费单 {sheet.number} 已开入发票 {invoice.number}，该发票已付清：此工单请勿再收款。"
            in page)
    api = APIClient()
    api.force_authenticate(cast.technician)
    answer = api.post("/api/v1/payments/", {"sheet": sheet.pk, "amount": "10.00",
                                            "method": "qr"},
                      format="json", HTTP_IDEMPOTENCY_KEY="api-1", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert answer.json()["amount"] == [f"Charge sheet {sheet.number} is on invoice "
                                       f"{invoice.number}, which is paid in full: take no "
                                       "money for this job."]
    assert not Payment.objects.filter(sheet=sheet).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_a_technician_and_a_cashier_taking_the_last_of_an_invoice_at_once_take_it_once():
    """The invoice of ¥221.00 with ¥121.00 paid against it: four technicians' payments of the
    last ¥100.00 on site and four cashiers' transfers of it against the invoice, all at once —
    exactly one goes through, the invoice is never paid beyond its amount, no deadlock."""
    cast = Cast()
    books = accountant()
    _job, sheet, invoice = _invoiced_job(cast)
    invoice_payment_record(actor=books, invoice=invoice, amount="121.00", method="transfer",
                           idempotency_key="first")

    def pay(i):
        if i % 2:
            payment_record(actor=cast.technician, sheet=sheet, amount="100.00", method="cash",
                           idempotency_key=f"phone-{i}")
        else:
            invoice_payment_record(actor=books, invoice=invoice, amount="100.00",
                                   method="transfer", idempotency_key=f"bank-{i}")

    results = at_once(ok(pay), 8)
    assert results.count("ok") == 1 and results.count("refused") == 7
    assert _outstanding(invoice) == 0
    assert Payment.objects.filter(customer=invoice.customer).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_a_job_paid_on_site_while_its_invoice_is_issued_and_paid_is_paid_once(monkeypatch):
    """Four customers invoiced monthly, each with a finished job of ¥221.00 on no invoice yet:
    for each, at the same moment, the technician takes the ¥221.00 on site and the accountant
    invoices the job and records a transfer of what the invoice then has open. Either the
    payment on site commits first and the invoice counts it (nothing open, no transfer), or it
    waits for the invoice (issuing it locks the sheet) and is refused: never paid twice. The
    payment on site lingers a moment after it has found no invoice, before it commits — the
    window in which, without the sheet's lock, the invoice was issued and paid in full."""
    import time

    from aftersales.core import handlers

    from ..choices import InvoicingMode
    from ..services import invoice_issue, invoicing_preference_set

    def lingering(change):
        time.sleep(0.3)

    monkeypatch.setitem(handlers._registry, "charge_sheet.paying",
                        [*handlers._registry["charge_sheet.paying"], lingering])

    cast = Cast()
    books = accountant()
    sheets = []
    for n in range(4):
        customer = CustomerFactory(service_centre=cast.centre, name=f"月结客户{n}")
        invoicing_preference_set(actor=books, customer=customer, mode=InvoicingMode.LATER)
        sheets.append(charge_sheet_for(_finished(cast, customer)))
    assert not Invoice.objects.exists()

    def race(i):
        sheet = sheets[i // 2]
        if i % 2:
            payment_record(actor=cast.technician, sheet=sheet, amount="221.00", method="cash",
                           idempotency_key=f"phone-{i}")
            return
        invoice = invoice_issue(actor=books, customer=sheet.customer, sheet_ids=[sheet.pk])
        left = _outstanding(invoice)
        if left > 0:
            invoice_payment_record(actor=books, invoice=invoice, amount=str(left),
                                   method="transfer", idempotency_key=f"bank-{i}")

    at_once(ok(race), 8)
    for sheet in sheets:
        invoice = Invoice.objects.get(lines__sheet=sheet)
        assert _outstanding(invoice) == 0
        taken = sum(p.amount for p in Payment.objects.filter(customer=sheet.customer))
        assert taken == D("221.00"), (sheet.customer.name, taken)


@pytest.mark.django_db
def test_the_portal_says_what_is_left_to_pay_after_the_invoice_was_paid(client):
    """The customer paid half of the job's invoice by transfer: his request's page does not ask
    him for the whole sheet again, and says nothing is left once the invoice is paid."""
    from aftersales.portal.tests.helpers import portal_user_for

    cast = Cast()
    job, _sheet, invoice = _invoiced_job(cast)
    books = accountant()
    client.force_login(portal_user_for(invoice.customer))
    url = reverse("portal:request", args=[job.number])

    def rows() -> dict:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        return {name: " ".join(re.sub(r"<[^>]+>", " ", html).split()) for name, html in
                re.findall(r"<tr data-(paid|settled|due)>(.*?)</tr>", page, re.S)}

    assert rows() == {}  # nothing paid yet: the total alone, as before
    invoice_payment_record(actor=books, invoice=invoice, amount="100.00", method="transfer",
                           idempotency_key="bank-1")
    assert rows() == {"settled": "已按发票付款或减免 ¥100.00", "due": "尚需支付 ¥121.00"}
    invoice_payment_record(actor=books, invoice=invoice, amount="121.00", method="transfer",
                           idempotency_key="bank-2")
    assert rows() == {"settled": "已按发票付款或减免 ¥221.00", "due": "尚需支付 ¥0.00"}


@pytest.mark.django_db
def test_the_request_page_says_what_was_paid_on_the_invoice_and_what_is_still_due(client):
    """The desk's request page (the charges' table) and the technician's phone (the charges'
    list): a row for what the invoice was paid, and "still due" what is left to take."""
    cast = Cast()
    job, sheet, invoice = _invoiced_job(cast)
    invoice_payment_record(actor=accountant(), invoice=invoice, amount="100.00",
                           method="transfer", idempotency_key="bank")
    payment_record(actor=cast.technician, sheet=sheet, amount="21.00", method="cash",
                   idempotency_key="phone")

    def figures(user, url) -> dict:
        client.force_login(user)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        return {name: value for name, value in
                re.findall(r"data-(paid|settled|due)>¥([\d.]+)<", page)}

    expected = {"paid": "21.00", "settled": "100.00", "due": "100.00"}
    assert figures(cast.agent, reverse("service:detail", args=[job.pk])) == expected
    assert figures(cast.technician, reverse("field:job", args=[job.pk])) == expected


@pytest.mark.django_db
def test_the_desks_list_leaves_out_a_sheet_whose_invoice_is_paid(client):
    cast = Cast()
    _job, sheet, invoice = _invoiced_job(cast)
    _other_job, other, _other_invoice = _invoiced_job(cast)
    books = accountant()
    client.force_login(cast.agent)
    url = reverse("billing:sheets")

    def listed() -> set:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        return set(re.findall(r">(CS\d+)</a>", page))

    assert listed() == {sheet.number, other.number}
    invoice_payment_record(actor=books, invoice=invoice, amount="100.00", method="transfer",
                           idempotency_key="bank-1")
    assert listed() == {sheet.number, other.number}  # ¥121.00 still open on its invoice
    invoice_payment_record(actor=books, invoice=invoice, amount="121.00", method="transfer",
                           idempotency_key="bank-2")
    assert listed() == {other.number}
    # a sheet paid on site leaves the list as before (its own payments)
    payment_record(actor=cast.technician, sheet=other, amount="221.00", method="cash",
                   idempotency_key="phone")
    assert listed() == set()


@pytest.mark.django_db
def test_invoices_settled_agrees_with_the_balances():
    """One query for lists and the balances' reading in Python say the same of each invoice:
    paid against it in part or in full, through its sheet, credited, reversed."""
    from ..selectors import invoices_settled
    from ..services import allocation_reverse

    cast = Cast()
    books = accountant()
    invoices = [_invoiced_job(cast)[2] for _ in range(5)]
    first, second, third, fourth, fifth = invoices
    invoice_payment_record(actor=books, invoice=first, amount="221.00", method="transfer",
                           idempotency_key="a")
    invoice_payment_record(actor=books, invoice=second, amount="220.99", method="transfer",
                           idempotency_key="b")
    payment_record(actor=cast.technician, sheet=third.lines.get().sheet, amount="121.00",
                   method="cash", idempotency_key="c")
    credit_note_issue(actor=books, invoice=third, amount=D("100.00"), reason="减免")
    allocation, _ = invoice_payment_record(actor=books, invoice=fourth, amount="221.00",
                                           method="transfer", idempotency_key="d")
    allocation_reverse(actor=books, allocation=allocation, reason="付错了发票")
    balances = {b.invoice.pk: b.outstanding for b in invoice_balances(
        Invoice.objects.filter(pk__in=[i.pk for i in invoices]))}
    settled = set(invoices_settled(Invoice.objects.all()).values_list("pk", flat=True))
    assert settled == {pk for pk, left in balances.items() if left <= 0}
    assert settled == {first.pk, third.pk} and fifth.pk not in settled
