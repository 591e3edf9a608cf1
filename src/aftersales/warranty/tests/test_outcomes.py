"""三包 outcomes: decided once by a supervisor or manager under the policy, with the evidence and
the effects (a replacement unit out of stock, a refund note), on both databases."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.core.attachments import attachment_list
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.tests.concurrency import at_once
from aftersales.invoicing.models import CreditNote
from aftersales.invoicing.selectors import credit_notes_for
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import StockBalance, StockMove, Warehouse
from aftersales.parts.services import stock_move
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.tests.factories import Cast
from aftersales.warranty import services
from aftersales.warranty.models import WarrantyOutcome
from aftersales.warranty.selectors import warranty_facts

from .helpers import job_with_priors

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xfc\xff\x9f\xa1\x1e\x00\x07\x82\x02\x7f=\xc8H"
       b"\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def cast(db, clock_at):
    clock_at(10, 0)
    return Cast()


def _store(cast, part, quantity=3):
    store = Warehouse.objects.create(code=f"ST-{cast.centre.code}", name="中心仓",
                                     kind=WarehouseKind.CENTRE, service_centre=cast.centre)
    stock_move(actor=cast.manager, warehouse=store, part=part, kind=MoveKind.RECEIPT,
               quantity=quantity)
    return store


@pytest.mark.django_db
def test_the_first_repair_is_repair_only(cast):
    job, _ = job_with_priors(cast)
    facts = warranty_facts(job)
    assert facts.entitlement(serious_fault=False).kinds == ["repair"]
    with pytest.raises(ValidationError) as err:
        services.outcome_decide(actor=cast.supervisor, request=job, kind="refund",
                                refund_amount="100")
    assert "kind" in err.value.message_dict
    outcome = services.outcome_decide(actor=cast.supervisor, request=job, kind="repair")
    assert outcome.number.startswith("SB") and outcome.entitled == ["repair"]
    assert not CreditNote.objects.exists()


@pytest.mark.django_db
def test_after_two_repairs_of_the_same_fault_a_refund_is_a_credit_note(cast):
    job, earlier = job_with_priors(cast, priors=2)
    assert [r.pk for r in warranty_facts(job).priors] == [r.pk for r in earlier]
    # Only one marked as the same fault: not yet entitled.
    with pytest.raises(ValidationError):
        services.outcome_decide(actor=cast.supervisor, request=job, kind="refund",
                                refund_amount="2000", same_fault=[earlier[0].pk])
    evidence = SimpleUploadedFile("铭牌.png", PNG, content_type="image/png")
    outcome = services.outcome_decide(
        actor=cast.supervisor, request=job, kind="refund", refund_amount="1999.995",
        same_fault=[r.pk for r in earlier], note="第三次同一故障", evidence=[evidence])
    assert outcome.refund_amount == Decimal("2000.00")  # half-up to the cent
    note = outcome.credit_note
    assert (note.kind, note.amount, note.customer) == ("refund", Decimal("2000.00"), job.customer)
    assert list(credit_notes_for(outcome)) == [note]
    assert outcome.prior_repairs == [r.number for r in earlier]
    assert [a.name for a in attachment_list(outcome, "evidence")] == ["铭牌.png"]
    assert "warranty_outcome" in [e.action for e in event_list(job)]
    assert [e.action for e in event_list(outcome)] == ["decide", "attachment_add"] or \
        {e.action for e in event_list(outcome)} == {"decide", "attachment_add"}
    # Decided once.
    with pytest.raises(ConflictError):
        services.outcome_decide(actor=cast.manager, request=job, kind="repair")
    assert WarrantyOutcome.objects.count() == 1 and CreditNote.objects.count() == 1


@pytest.mark.django_db
def test_a_serious_fault_in_the_first_days_gives_a_replacement_from_stock(cast):
    job, _ = job_with_priors(cast, days_since_purchase=10)
    unit = PartFactory(code="WH-UNIT", name="热水器整机", unit_price=Decimal("1800"))
    store = _store(cast, unit)
    with pytest.raises(ValidationError):  # 10 days: refund only within 7
        services.outcome_decide(actor=cast.supervisor, request=job, kind="refund",
                                serious_fault=True, refund_amount="1800")
    outcome = services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                                      serious_fault=True, replacement_part=unit,
                                      replacement_warehouse=store, replacement_serial="NEW-1")
    move = outcome.stock_move
    assert (move.kind, move.quantity, move.request_id, move.reference) == (
        MoveKind.ISSUE, Decimal("-1"), job.pk, outcome.number)
    assert StockBalance.objects.get(warehouse=store, part=unit).quantity == 2


@pytest.mark.django_db
def test_a_replacement_with_no_stock_left_changes_nothing(cast):
    job, _ = job_with_priors(cast, days_since_purchase=5)
    unit = PartFactory(code="WH-UNIT2")
    store = _store(cast, unit, quantity=1)
    stock_move(actor=cast.manager, warehouse=store, part=unit, kind=MoveKind.SCRAP, quantity=1,
               note="坏")
    with pytest.raises(ValidationError):
        services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                                serious_fault=True, replacement_part=unit,
                                replacement_warehouse=store)
    assert not WarrantyOutcome.objects.exists()
    assert not StockMove.objects.filter(kind=MoveKind.ISSUE).exists()


@pytest.mark.django_db
def test_a_unit_that_is_not_a_part_is_recorded_by_serial(cast):
    job, _ = job_with_priors(cast, days_since_purchase=3)
    with pytest.raises(ValidationError) as err:
        services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                                serious_fault=True)
    assert "replacement_serial" in err.value.message_dict
    outcome = services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                                      serious_fault=True, replacement_serial="SN-NEW-9")
    assert outcome.stock_move is None and outcome.replacement_serial == "SN-NEW-9"


@pytest.mark.django_db
def test_agents_and_other_centres_supervisors_may_not_decide(cast):
    job, _ = job_with_priors(cast)
    other = Cast()
    for actor in (cast.agent, cast.technician, other.supervisor):
        with pytest.raises(PermissionDenied):
            services.outcome_decide(actor=actor, request=job, kind="repair")
    assert not WarrantyOutcome.objects.exists()


@pytest.mark.django_db
def test_the_policy_table_changes_the_numbers(cast):
    job, earlier = job_with_priors(cast, priors=1)
    assert warranty_facts(job).entitlement(serious_fault=False).kinds == ["repair"]
    services.policy_set(actor=cast.manager, category="", repairs_before_replacement=1)
    assert warranty_facts(job).entitlement(serious_fault=False).kinds == [
        "repair", "replacement", "refund"]
    with pytest.raises(ValidationError):
        services.policy_set(actor=cast.manager, category="", refund_days=20, replacement_days=10)
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=cast.supervisor, category="", refund_days=1)


@pytest.mark.django_db
def test_the_request_page_shows_the_panel_and_decides(client, cast):
    job, earlier = job_with_priors(cast, priors=2)
    client.force_login(cast.supervisor)
    page = client.get(reverse("service:detail", args=[job.pk])).content.decode()
    assert "data-sanbao-panel" in page and earlier[0].number in page
    assert reverse("warranty:decide", args=[job.pk]) in page
    response = client.post(reverse("warranty:decide", args=[job.pk]), {
        "kind": "replacement", "same_fault": [r.pk for r in earlier],
        "replacement_serial": "SN-X1", "note": "换新",
        "evidence": SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302
    outcome = WarrantyOutcome.objects.get(request=job)
    assert outcome.kind == "replacement"
    assert [a.name for a in attachment_list(outcome, "evidence")] == ["检测报告.pdf"]
    page = client.get(reverse("service:detail", args=[job.pk])).content.decode()
    assert 'data-outcome="replacement"' in page and "SN-X1" in page
    assert client.get(reverse("warranty:home")).status_code == 200
    client.force_login(cast.agent)
    page = client.get(reverse("service:detail", args=[job.pk])).content.decode()
    assert 'data-outcome="replacement"' in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_deciders_at_once_one_outcome_one_refund(clock_at):
    clock_at(10, 0)
    cast = Cast()
    job, earlier = job_with_priors(cast, priors=2)
    deciders = [cast.supervisor, cast.manager]

    def decide(index):
        services.outcome_decide(actor=deciders[index], request=job, kind="refund",
                                refund_amount="900", same_fault=[r.pk for r in earlier])
        return True

    results = at_once(decide, 2, outcomes={ConflictError: False})
    assert sorted(results) == [False, True]
    assert WarrantyOutcome.objects.count() == 1 and CreditNote.objects.count() == 1


@pytest.mark.django_db
def test_the_reports_page_has_a_card_for_contracts_and_sanbao(client, cast):
    job, _ = job_with_priors(cast)
    services.outcome_decide(actor=cast.supervisor, request=job, kind="repair")
    client.force_login(cast.manager)
    page = client.get(reverse("reports:index")).content.decode()
    assert "data-contracts-reports" in page and reverse("warranty:home") in page
    client.force_login(cast.technician)
    response = client.get(reverse("reports:index"))
    assert "data-contracts-reports" not in response.content.decode()
