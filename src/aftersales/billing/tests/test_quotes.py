"""Quotes (SR-4): agreed on the phone with a signature, in the portal, or told to the agent;
a refused quote follows the request's decline path; a denied action changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.billing.choices import AgreedVia, QuoteState
from aftersales.billing.models import Quote
from aftersales.billing.selectors import charge_sheet_preview, quote_current, quote_needed
from aftersales.billing.services import quote_agree, quote_decline, quote_make
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import Status

from .factories import SIGNATURE, Cast, job_a, job_c, on_site_with_part, priced_part

pytestmark = pytest.mark.django_db


def test_the_agent_records_an_agreement_by_phone_and_the_request_moves_on():
    cast = Cast()
    job = job_a(cast)
    assert job.status == Status.AWAITING_AGREEMENT and quote_needed(job)
    quote = quote_make(actor=cast.agent, request=job)
    assert quote.number.startswith("QT") and quote.total > 0 and quote.lines.count() == 1
    quote = quote_agree(actor=cast.agent, quote=quote, via=AgreedVia.PHONE, signer_name="李四")
    job.refresh_from_db()
    assert quote.state == QuoteState.AGREED and quote.decided_by == cast.agent
    assert quote.decided_at and quote.signer_name == "李四"
    assert job.status == Status.REGISTERED and job.customer_agreed_at is not None
    assert not quote_needed(job)


def test_a_refused_quote_cancels_the_request_through_its_decline_path():
    cast = Cast()
    job = job_a(cast)
    quote = quote_make(actor=cast.agent, request=job)
    with pytest.raises(ValidationError):
        quote_decline(actor=cast.agent, quote=quote, via=AgreedVia.PHONE)  # no reason
    quote_decline(actor=cast.agent, quote=quote, via=AgreedVia.PHONE, note="太贵了")
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert Quote.objects.get(pk=quote.pk).state == QuoteState.DECLINED


def test_the_customer_agrees_in_the_portal_but_not_to_another_customers_quote():
    cast = Cast()
    owner = UserFactory(username="cust-own", role=Role.CUSTOMER, service_centre=None)
    other = UserFactory(username="cust-other", role=Role.CUSTOMER, service_centre=None)
    job = job_a(cast, customer=CustomerFactory(service_centre=cast.centre, user=owner))
    quote = quote_make(actor=cast.agent, request=job)
    with pytest.raises(PermissionDenied):
        quote_agree(actor=other, quote=quote, via=AgreedVia.PORTAL)
    assert Quote.objects.get(pk=quote.pk).state == QuoteState.OPEN
    quote_agree(actor=owner, quote=quote, via=AgreedVia.PORTAL)
    job.refresh_from_db()
    assert job.status == Status.REGISTERED
    assert quote_current(job).decided_via == AgreedVia.PORTAL


def test_signed_on_the_phone_on_site_needs_the_signature():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("Q-1", price="50.00", cost="20.00"))
    quote = quote_make(actor=cast.technician, request=job)
    assert quote.lines.count() == 2 and quote.total == quote.lines.first().amount + 50
    with pytest.raises(ValidationError) as error:
        quote_agree(actor=cast.technician, quote=quote, via=AgreedVia.SIGNATURE, signer_name="张三")
    assert "signature" in error.value.message_dict
    assert Quote.objects.get(pk=quote.pk).state == QuoteState.OPEN
    quote = quote_agree(actor=cast.technician, quote=quote, via=AgreedVia.SIGNATURE,
                        signer_name="张三", signature=SIGNATURE)
    assert quote.signature == SIGNATURE and quote.decided_via == AgreedVia.SIGNATURE
    job.refresh_from_db()
    assert job.status == Status.ON_SITE  # on site the work simply goes on
    with pytest.raises(ConflictError):
        quote_agree(actor=cast.technician, quote=quote, via=AgreedVia.SIGNATURE,
                    signer_name="张三", signature=SIGNATURE)


def test_another_technician_cannot_take_the_signature_and_nothing_changes():
    cast = Cast()
    job = on_site_with_part(cast, job_a(cast), priced_part("Q-2", price="50.00", cost="20.00"))
    quote = quote_make(actor=cast.technician, request=job)
    stranger = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_centre=cast.centre)
    with pytest.raises(PermissionDenied):
        quote_agree(actor=stranger, quote=quote, via=AgreedVia.SIGNATURE, signer_name="张三",
                    signature=SIGNATURE)
    with pytest.raises(PermissionDenied):
        quote_make(actor=stranger, request=job)
    assert Quote.objects.get(pk=quote.pk).state == QuoteState.OPEN
    assert Quote.objects.count() == 1


def test_a_new_quote_replaces_the_open_one():
    cast = Cast()
    job = job_a(cast)
    first = quote_make(actor=cast.agent, request=job)
    second = quote_make(actor=cast.agent, request=job)
    assert Quote.objects.get(pk=first.pk).state == QuoteState.SUPERSEDED
    assert quote_current(job) == second


def test_a_quote_prices_parts_still_to_fit_so_the_customer_agrees_before_the_work():
    cast = Cast()
    job = job_a(cast)
    element = priced_part("HE-3", price="180.00", cost="90.00")
    valve = priced_part("VLV-2", price="35.50", cost="12.00")
    quote = quote_make(actor=cast.agent, request=job, planned=[(element, "1"), (valve, 2)])
    lines = list(quote.lines.order_by("position"))
    assert [line.kind for line in lines] == ["labour", "part", "part"]
    assert (lines[1].part, lines[1].unit_price, lines[1].amount) == (
        element, Decimal("180.00"), Decimal("180.00"))
    assert "HE-3" in lines[1].description and lines[2].amount == Decimal("71.00")
    assert quote.total == lines[0].amount + Decimal("251.00")
    # nothing was fitted: the job's own preview has no part line
    assert [line.kind for line in charge_sheet_preview(job).lines] == ["labour"]


def test_parts_to_fit_are_checked_and_a_bad_one_makes_no_quote():
    cast = Cast()
    job = job_a(cast)
    element = priced_part("HE-3", price="180.00", cost="90.00")
    retired = priced_part("OLD-1", price="10.00", cost="5.00")
    retired.active = False
    retired.save()
    for planned, word in (([(element, "1.5")], "whole"), ([(retired, 1)], "active"),
                          ([(element, 1), (element, 2)], "twice")):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            quote_make(actor=cast.agent, request=job, planned=planned)
        assert word in " ".join(error.value.message_dict["planned"])
    assert not Quote.objects.exists()


def test_in_warranty_parts_to_fit_are_quoted_free():
    cast = Cast()
    job = job_c(cast)  # in warranty: category C
    element = priced_part("HE-3", price="180.00", cost="90.00")
    quote = quote_make(actor=cast.agent, request=job, planned=[(element, 1)])
    part_line = quote.lines.get(kind="part")
    assert part_line.free and part_line.amount == 0 and part_line.value == Decimal("180.00")


def test_the_request_page_quotes_parts_typed_by_number(client):
    cast = Cast()
    job = job_a(cast)
    priced_part("HE-3", price="180.00", cost="90.00")
    client.force_login(cast.agent)
    url = reverse("billing:quote_make", args=[job.pk])
    client.post(url, {"plan_part": ["NOPE-9", ""], "plan_qty": ["1", "1"]})
    assert not Quote.objects.exists()
    client.post(url, {"plan_part": ["he-3", ""], "plan_qty": ["2", "1"]})
    quote = Quote.objects.get()
    assert quote.lines.get(kind="part").quantity == 2
