"""The workshop (WK-3): register, products at the bench, repair card, inspection, return."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.models import ProductReceipt, RegisterEntry, RepairCard, Signature
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

from .conftest import footprint

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, job, *args):
    return reverse(f"field:{name}", args=[job.pk, *args])


@pytest.fixture
def carried(cast):
    return drive(new_request(cast), cast, Status.CARRIED_IN)


def post_step(client, job, step, **data):
    job.refresh_from_db()
    return client.post(url("card_step", job, step), {"version": job.version} | data, **HTMX)


def test_workshop_lists_products_and_the_register(client, cast, carried):
    RepairCard.objects.filter(request=carried).update(
        return_due_on=timezone.localdate() - timedelta(days=1))
    on_time = drive(new_request(cast), cast, Status.CARRIED_IN)
    RepairCard.objects.filter(request=on_time).update(
        return_due_on=timezone.localdate() + timedelta(days=3))
    returned = drive(new_request(cast), cast, Status.INSPECTED)
    services.service_request_hand_back(actor=cast.agent, request=returned, signer_name="李",
                                       signature=SIGNATURE)
    drive(new_request(cast), cast, Status.INSPECTED)
    client.force_login(cast.supervisor)

    response = client.get(reverse("field:workshop"))
    body = response.content.decode()
    products = response.context["products"]
    assert [p.number for p in products][:2] == [carried.number, on_time.number]  # overdue first
    assert [p.overdue for p in products][:2] == [True, False]
    assert returned.number not in [p.number for p in products]
    assert body.count('class="row-overdue"') == 1
    receipt = ProductReceipt.objects.get(request=carried)
    assert receipt.number in body
    register = response.context["page"].object_list
    assert {e.direction for e in register} == {"in", "out"}
    assert len(register) == RegisterEntry.objects.count() == 5  # four in, one out


def test_register_filters(client, cast, carried):
    returned = drive(new_request(cast), cast, Status.INSPECTED)
    services.service_request_hand_back(actor=cast.agent, request=returned, signer_name="李",
                                       signature=SIGNATURE)
    client.force_login(cast.agent)
    outs = client.get(reverse("field:workshop"), {"reg-direction": "out"}).context["page"]
    assert [e.request_id for e in outs.object_list] == [returned.pk]
    found = client.get(reverse("field:workshop"), {"reg-q": carried.number}).context["page"]
    assert [e.request_id for e in found.object_list] == [carried.pk]
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert not client.get(reverse("field:workshop"), {"reg-date_from": future}).context["page"].object_list


def test_workshop_is_restricted(client, cast, carried):
    other_centre = Cast()
    theirs = drive(new_request(other_centre), other_centre, Status.CARRIED_IN)
    colleague = UserFactory(role=Role.TECHNICIAN, service_centre=cast.centre)

    client.force_login(other_centre.agent)
    body = client.get(reverse("field:workshop")).content.decode()
    assert theirs.number in body and carried.number not in body
    assert client.get(url("repair_card", carried)).status_code == 404

    client.force_login(colleague)
    body = client.get(reverse("field:workshop")).content.decode()
    assert carried.number not in body
    assert client.get(url("repair_card", carried)).status_code == 404

    client.force_login(cast.technician)
    assert client.get(url("repair_card", carried)).status_code == 200


def test_repair_card_of_a_job_never_carried_in_is_404(client, cast):
    job = drive(new_request(cast), cast, Status.ON_SITE)
    client.force_login(cast.supervisor)
    assert client.get(url("repair_card", job)).status_code == 404


def test_finish_repair_needs_bench_hours_and_work_done(client, cast, carried):
    client.force_login(cast.technician)
    before = footprint(carried)
    response = post_step(client, carried, "finish", work_done="更换主板")
    assert "errorlist" in response.content.decode()
    response = post_step(client, carried, "finish", work_done="")
    assert 'class="field field-error"' in response.content.decode()
    assert footprint(carried) == before

    client.post(url("job_hours", carried), {"hours": "2.5"}, **HTMX)
    assert carried.labor.get(hours=Decimal("2.5")).at_bench
    response = post_step(client, carried, "finish", work_done="更换主板")
    assert response["HX-Redirect"] == url("repair_card", carried)
    carried.refresh_from_db()
    assert carried.status == Status.REPAIRED
    assert carried.repair_card.work_done == "更换主板"


def test_only_a_supervisor_inspects_and_a_failure_needs_a_note(client, cast, carried):
    services.labor_add(actor=cast.technician, request=carried, hours=Decimal("1"))
    services.service_request_finish_repair(actor=cast.technician, request=carried, work_done="修好")
    client.force_login(cast.technician)
    page = client.get(url("repair_card", carried)).content.decode()
    assert 'id="card-inspect"' not in page
    before = footprint(carried)
    response = post_step(client, carried, "inspect", passed="pass")
    assert "msg-error" in response.content.decode()
    assert footprint(carried) == before

    client.force_login(cast.supervisor)
    assert 'id="card-inspect"' in client.get(url("repair_card", carried)).content.decode()
    response = post_step(client, carried, "inspect", passed="fail", note="")
    assert 'class="field field-error"' in response.content.decode()
    assert footprint(carried) == before
    post_step(client, carried, "inspect", passed="fail", note="仍漏水")
    carried.refresh_from_db()
    assert carried.status == Status.CARRIED_IN
    assert carried.repair_card.inspection_note == "仍漏水"

    services.service_request_finish_repair(actor=cast.technician, request=carried, work_done="换密封圈")
    post_step(client, carried, "inspect", passed="pass", note="试机正常")
    carried.refresh_from_db()
    assert carried.status == Status.INSPECTED
    assert carried.repair_card.inspected_by == cast.supervisor


def test_hand_back_cancels_the_receipt_and_registers_out(client, cast):
    job = drive(new_request(cast), cast, Status.INSPECTED)
    receipt = ProductReceipt.objects.get(request=job)
    client.force_login(cast.technician)
    response = post_step(client, job, "hand_back", signer_name="")
    assert 'class="field field-error"' in response.content.decode()
    response = post_step(client, job, "hand_back", signer_name="王先生", opinion="修得好",
                         signature=SIGNATURE)
    assert response["HX-Redirect"] == url("repair_card", job)
    job.refresh_from_db()
    receipt.refresh_from_db()
    assert job.status == Status.COMPLETED
    assert receipt.cancelled_at is not None
    assert list(RegisterEntry.objects.filter(request=job).order_by("at", "id")
                .values_list("direction", flat=True)) == ["in", "out"]
    assert Signature.objects.filter(request=job, kind="return", signer_name="王先生").exists()
    page = client.get(url("repair_card", job)).content.decode()
    assert "data-receipt-cancelled" in page and 'id="returned"' in page


def test_hand_back_by_another_technician_is_404(client, cast):
    job = drive(new_request(cast), cast, Status.INSPECTED)
    client.force_login(UserFactory(role=Role.TECHNICIAN, service_centre=cast.centre))
    before = footprint(job)
    response = post_step(client, job, "hand_back", signer_name="x", signature=SIGNATURE)
    assert response.status_code == 404
    assert footprint(job) == before


def test_work_recorded_on_the_repair_card_stays_on_the_card(client, cast, carried):
    client.force_login(cast.technician)
    page = client.get(url("repair_card", carried)).content.decode()
    assert "hx-vals='{\"on_card\": \"1\"}'" in page
    carried.refresh_from_db()
    response = client.post(url("job_record", carried), {
        "version": carried.version, "fault_found": "漏水", "fault_cause": "密封圈老化",
        "action_taken": "更换密封圈", "cause": "", "on_card": "1"}, **HTMX)
    body = response.content.decode()
    assert "hx-swap-oob" not in body and "on_card" in body
    carried.refresh_from_db()
    assert carried.fault_cause == "密封圈老化"
    # Without htmx the page comes back to the repair card.
    carried.refresh_from_db()
    response = client.post(url("job_record", carried), {
        "version": carried.version, "fault_found": "漏水", "fault_cause": "密封圈老化",
        "action_taken": "更换密封圈及进水阀", "cause": ""})
    assert response["Location"] == url("repair_card", carried)
