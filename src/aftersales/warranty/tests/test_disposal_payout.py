"""After a 三包 replacement or refund: what became of the faulty unit once received (back to the
maker, refurbished, scrapped), and a refund's money paid out by finance. Both recorded once,
append-only, on a day not in the future; on the outcome's and the request's history, the
request page's 三包 panel, the outcomes list and the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.dates import local_today
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.tests.concurrency import at_once
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.service.tests.factories import Cast
from aftersales.warranty import services
from aftersales.warranty.models import RefundPayout, UnitDisposal
from aftersales.warranty.selectors import outcome_list

from .helpers import job_with_priors

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(clock_at):
    clock_at(10, 0)
    return Cast()


@pytest.fixture
def store(cast):
    return Warehouse.objects.create(code=f"ST-{cast.centre.code}", name="中心仓",
                                    kind=WarehouseKind.CENTRE, service_centre=cast.centre)


@pytest.fixture
def accountant(cast):
    return UserFactory(role=Role.ACCOUNTANT, service_centre=cast.centre)


def _decided(cast, kind: str):
    job, _ = job_with_priors(cast, days_since_purchase=3)
    extra = ({"replacement_serial": "SN-NEW-9"} if kind == "replacement"
             else {"refund_amount": "1299.50"} if kind == "refund" else {})
    return services.outcome_decide(actor=cast.supervisor, request=job, kind=kind,
                                   serious_fault=kind != "repair", **extra)


def _received(cast, store, kind: str = "replacement"):
    outcome = _decided(cast, kind)
    services.unit_received(actor=cast.supervisor, outcome=outcome, warehouse=store,
                           serial="SN-OLD-1")
    outcome.refresh_from_db()
    return outcome


def _errors(call) -> set:
    with pytest.raises(ValidationError) as err:
        call()
    return set(err.value.message_dict)


# --- what became of the faulty unit -------------------------------------------------------------

def test_a_disposal_waits_for_the_receipt_and_is_recorded_once(cast, store):
    outcome = _decided(cast, "replacement")
    today = local_today()
    assert _errors(lambda: services.unit_disposed(
        actor=cast.supervisor, outcome=outcome, kind="refurbished", day=today)) == {"outcome"}
    services.unit_received(actor=cast.supervisor, outcome=outcome, warehouse=store,
                           serial="SN-OLD-1")
    assert [o.pk for o in outcome_list(user=cast.supervisor, unit="undisposed")] == [outcome.pk]
    disposal = services.unit_disposed(actor=cast.supervisor, outcome=outcome, kind="to_maker",
                                      day=today, reference=" RMA-2026-0042 ", reason="ignored",
                                      note="顺丰寄回厂家")
    assert (disposal.kind, disposal.day, disposal.reference, disposal.reason,
            disposal.recorded_by) == ("to_maker", today, "RMA-2026-0042", "", cast.supervisor)
    assert [e.action for e in event_list(outcome)] == ["decide", "unit_received",
                                                       "unit_disposed"]
    assert "warranty_unit_disposed" in [e.action for e in event_list(outcome.request)]
    assert not outcome_list(user=cast.supervisor, unit="undisposed").exists()
    assert [o.pk for o in outcome_list(user=cast.supervisor, unit="disposed")] == [outcome.pk]
    with pytest.raises(ConflictError):
        services.unit_disposed(actor=cast.supervisor, outcome=outcome, kind="scrapped",
                               day=today, reason="外壳碎裂")
    assert UnitDisposal.objects.count() == 1
    with pytest.raises(AppendOnlyError):
        disposal.save()
    with pytest.raises(AppendOnlyError):
        UnitDisposal.objects.all().delete()


def test_a_disposal_day_and_its_details_are_checked(cast, store):
    outcome = _received(cast, store)
    today = local_today()

    def dispose(**kwargs):
        return lambda: services.unit_disposed(actor=cast.supervisor, outcome=outcome, **kwargs)

    assert _errors(dispose(kind="refurbished", day=today + timedelta(days=1))) == {"day"}
    assert _errors(dispose(kind="refurbished", day=today - timedelta(days=1))) == {"day"}
    assert _errors(dispose(kind="refurbished", day="13/05/2026")) == {"day"}
    assert _errors(dispose(kind="refurbished", day=None)) == {"day"}
    assert _errors(dispose(kind="to_maker", day=today, reference="  ")) == {"reference"}
    assert _errors(dispose(kind="scrapped", day=today)) == {"reason"}
    assert _errors(dispose(kind="sold", day=today)) == {"kind"}
    assert not UnitDisposal.objects.exists()
    assert "unit_disposed" not in [e.action for e in event_list(outcome)]
    scrapped = services.unit_disposed(actor=cast.supervisor, outcome=outcome, kind="scrapped",
                                      day=today.isoformat(), reference="x", reason="主板烧毁")
    assert (scrapped.reason, scrapped.reference) == ("主板烧毁", "")


def test_only_who_may_receive_there_records_the_disposal(cast, store):
    outcome = _received(cast, store)
    for someone in (UserFactory(role=Role.SUPERVISOR),  # another centre's supervisor
                    UserFactory(role=Role.ACCOUNTANT, service_centre=cast.centre)):
        with pytest.raises(PermissionDenied):
            services.unit_disposed(actor=someone, outcome=outcome, kind="refurbished",
                                   day=local_today())
    assert not UnitDisposal.objects.exists()
    assert "unit_disposed" not in [e.action for e in event_list(outcome)]
    # a manager may work in every place
    services.unit_disposed(actor=cast.manager, outcome=outcome, kind="refurbished",
                           day=local_today())


# --- a refund paid out -----------------------------------------------------------------------

def test_a_refund_is_paid_out_once_by_finance(cast, accountant):
    outcome = _decided(cast, "refund")
    today = local_today()
    assert [o.pk for o in outcome_list(user=accountant, refund="unpaid")] == [outcome.pk]
    payout = services.refund_paid(actor=accountant, outcome=outcome, method="transfer",
                                  paid_on=today, reference=" TX20261205001 ", note="工行")
    assert (payout.amount, payout.credit_note, payout.reference, payout.paid_by) == (
        Decimal("1299.50"), outcome.credit_note, "TX20261205001", accountant)
    assert [e.action for e in event_list(outcome)] == ["decide", "refund_paid"]
    paid = [e for e in event_list(outcome.request) if e.action == "warranty_refund_paid"]
    assert paid and paid[0].data["amount"] == "1299.50"
    assert not outcome_list(user=accountant, refund="unpaid").exists()
    assert [o.pk for o in outcome_list(user=accountant, refund="paid")] == [outcome.pk]
    with pytest.raises(ConflictError):
        services.refund_paid(actor=accountant, outcome=outcome, method="cash", paid_on=today)
    assert RefundPayout.objects.count() == 1
    with pytest.raises(AppendOnlyError):
        payout.save()


def test_a_payout_is_checked_and_refused_to_others(cast, accountant):
    outcome = _decided(cast, "refund")
    today = local_today()

    def pay(actor=accountant, **kwargs):
        return lambda: services.refund_paid(actor=actor, outcome=outcome, **kwargs)

    with pytest.raises(PermissionDenied):  # a supervisor decides, finance pays
        pay(cast.supervisor, method="cash", paid_on=today)()
    assert _errors(pay(method="cash", paid_on=today + timedelta(days=1))) == {"paid_on"}
    assert _errors(pay(method="cash", paid_on=today - timedelta(days=1))) == {"paid_on"}
    assert _errors(pay(method="transfer", paid_on=today)) == {"reference"}
    assert _errors(pay(method="original", paid_on=today, reference="")) == {"reference"}
    assert _errors(pay(method="cheque", paid_on=today)) == {"method"}
    repair = _decided(cast, "repair")
    with pytest.raises(ValidationError) as err:
        services.refund_paid(actor=accountant, outcome=repair, method="cash", paid_on=today)
    assert set(err.value.message_dict) == {"outcome"}
    assert not RefundPayout.objects.exists()
    assert "refund_paid" not in [e.action for e in event_list(outcome)]
    # cash needs no transaction number
    assert services.refund_paid(actor=cast.manager, outcome=outcome, method="cash",
                                paid_on=today).reference == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_payouts_at_once_one_row(clock_at):
    clock_at(10, 0)
    cast = Cast()
    outcome = _decided(cast, "refund")
    finance = [UserFactory(role=Role.ACCOUNTANT), cast.manager]
    def pay(index):
        actor = finance[index]
        services.refund_paid(actor=actor, outcome=outcome, method="transfer",
                             paid_on=local_today(), reference=f"TX-{actor.pk}")
        return True

    results = at_once(pay, 2, outcomes={ConflictError: False})
    assert sorted(results) == [False, True]
    assert RefundPayout.objects.count() == 1
    assert [e.action for e in event_list(outcome)].count("refund_paid") == 1


# --- the request page and the outcomes list ---------------------------------------------------

def test_the_panel_records_the_disposal(client, cast, store):
    outcome = _received(cast, store)
    client.force_login(cast.supervisor)
    url = reverse("service:detail", args=[outcome.request_id])
    page = client.get(url).content.decode()
    assert 'data-unit-disposal="pending"' in page and "data-unit-disposed" in page
    assert f'value="{local_today().isoformat()}"' in page  # the day defaults to today
    post = reverse("warranty:unit_disposed", args=[outcome.pk])
    bad = client.post(post, {"kind": "to_maker", "day": local_today().isoformat()}, follow=True)
    assert "reference or the waybill" in bad.content.decode() or "运单号" in bad.content.decode()
    future = client.post(post, {"kind": "refurbished",
                                "day": (local_today() + timedelta(days=2)).isoformat()})
    assert future.status_code == 302 and not UnitDisposal.objects.exists()
    response = client.post(post, {"kind": "scrapped", "day": local_today().isoformat(),
                                  "reason": "进水锈蚀", "note": "拆件留用"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-unit-disposal="scrapped"' in page and "data-unit-disposed" not in page
    assert "进水锈蚀" in page
    listing = client.get(reverse("warranty:home") + "?unit=disposed").content.decode()
    assert outcome.number in listing and 'data-unit-disposal="scrapped"' in listing
    assert outcome.number not in client.get(
        reverse("warranty:home") + "?unit=undisposed").content.decode()
    # an agent of another centre cannot post it
    client.force_login(UserFactory(role=Role.AGENT))
    assert client.post(post, {"kind": "refurbished",
                              "day": local_today().isoformat()}).status_code == 404


def test_the_panel_and_the_list_record_the_payout(client, cast, accountant):
    outcome = _decided(cast, "refund")
    other = _decided(cast, "refund")
    client.force_login(cast.supervisor)  # decides, does not pay out
    url = reverse("service:detail", args=[outcome.request_id])
    page = client.get(url).content.decode()
    assert 'data-refund-payout="unpaid"' in page and "data-refund-paid" not in page
    client.force_login(cast.manager)
    page = client.get(url).content.decode()
    assert "data-refund-paid" in page
    response = client.post(reverse("warranty:refund_paid", args=[outcome.pk]),
                           {"method": "original", "paid_on": local_today().isoformat(),
                            "reference": "ALIPAY-778899"})
    assert response.status_code == 302 and response.url.endswith("#sanbao")
    page = client.get(url).content.decode()
    assert 'data-refund-payout="paid"' in page and "ALIPAY-778899" in page
    # finance does not open request pages: it pays out from the list of refunds not paid yet
    client.force_login(accountant)
    listing = reverse("warranty:home") + "?refund=unpaid"
    page = client.get(listing).content.decode()
    assert other.number in page and outcome.number not in page and "data-refund-paid" in page
    bad = client.post(reverse("warranty:refund_paid", args=[other.pk]),
                      {"method": "transfer", "paid_on": local_today().isoformat(),
                       "next": listing})
    assert bad.url == listing and not RefundPayout.objects.filter(outcome=other).exists()
    done = client.post(reverse("warranty:refund_paid", args=[other.pk]),
                       {"method": "cash", "paid_on": local_today().isoformat(),
                        "next": "https://evil.example/"})
    assert done.status_code == 302 and done.url.startswith("/requests/")
    assert RefundPayout.objects.filter(outcome=other).exists()
    assert "data-refund-paid" not in client.get(listing).content.decode()


# --- the API -----------------------------------------------------------------------------------

def test_the_api_records_the_disposal_once(cast, store):
    outcome = _received(cast, store)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    url = f"/api/v1/warranty-outcomes/{outcome.pk}/unit-disposed/"
    assert api.get(f"/api/v1/warranty-outcomes/{outcome.pk}/").json()["unit_disposal"] is None
    bad = api.post(url, {"kind": "to_maker", "day": local_today().isoformat()}, format="json")
    assert bad.status_code == 400 and "reference" in bad.json()
    body = {"kind": "to_maker", "day": local_today().isoformat(), "reference": "WB-5566"}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="disp-1")
    assert first.status_code == 201, first.content
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="disp-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert api.post(url, body, format="json").status_code == 409
    assert UnitDisposal.objects.count() == 1
    shown = api.get(f"/api/v1/warranty-outcomes/{outcome.pk}/").json()["unit_disposal"]
    assert (shown["kind"], shown["reference"], shown["recorded_by"]) == (
        "to_maker", "WB-5566", cast.supervisor.pk)


def test_the_api_records_the_payout_for_finance_only(cast, accountant):
    outcome = _decided(cast, "refund")
    api = APIClient()
    url = f"/api/v1/warranty-outcomes/{outcome.pk}/refund-paid/"
    body = {"payout_method": "transfer", "paid_on": local_today().isoformat(),
            "reference": "TX-1"}
    api.force_authenticate(cast.supervisor)
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(accountant)
    assert api.get(f"/api/v1/warranty-outcomes/{outcome.pk}/").json()["refund_payout"] is None
    future = {**body, "paid_on": (local_today() + timedelta(days=1)).isoformat()}
    bad = api.post(url, future, format="json")
    assert bad.status_code == 400 and "paid_on" in bad.json()
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == 201, first.content
    assert (first.json()["amount"], first.json()["credit_note_number"]) == (
        "1299.50", outcome.credit_note.number)
    assert api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1").json() == first.json()
    assert api.post(url, body, format="json").status_code == 409
    assert RefundPayout.objects.count() == 1
    shown = api.get(f"/api/v1/warranty-outcomes/{outcome.pk}/").json()
    assert shown["refund_payout"]["payout_method"] == "transfer"
    assert shown["unit_disposal"] is None
