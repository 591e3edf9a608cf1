"""The technician's pages: his list, one job, and every step of the visit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Category, Cause, Status, VisitOutcome
from aftersales.service.models import ProductReceipt, RegisterEntry, Signature
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

from .conftest import footprint

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, job, *args):
    return reverse(f"field:{name}", args=[job.pk, *args])


def record(client, job, **data):
    job.refresh_from_db()
    payload = {"version": job.version, "fault_found": "不点火", "fault_cause": "点火针积碳",
               "action_taken": "更换点火针", "cause": ""} | data
    return client.post(url("job_record", job), payload, **HTMX)


# --- the list -----------------------------------------------------------------------------

def test_job_list_shows_own_open_jobs_by_appointment(client, cast):
    later = drive(new_request(cast), cast, Status.REGISTERED)
    services.service_request_assign(actor=cast.supervisor, request=later, technician=cast.technician,
                                    appointment_at=timezone.now() + timedelta(days=2))
    sooner = drive(new_request(cast), cast, Status.REGISTERED)
    services.service_request_assign(actor=cast.supervisor, request=sooner, technician=cast.technician,
                                    appointment_at=timezone.now() + timedelta(hours=2))
    other_tech = UserFactory(role=Role.TECHNICIAN, service_centre=cast.centre)
    theirs = drive(new_request(cast), cast, Status.REGISTERED)
    services.service_request_assign(actor=cast.supervisor, request=theirs, technician=other_tech)
    done = drive(new_request(cast), cast, Status.CLOSED)

    client.force_login(cast.technician)
    page = client.get(reverse("field:jobs")).content.decode()

    assert page.index(sooner.number) < page.index(later.number)
    assert theirs.number not in page
    assert done.number not in page
    assert f'href="tel:{sooner.customer.phone}"' in page
    assert sooner.customer.address in page


def test_a_job_past_its_arrival_deadline_is_marked_late_until_the_technician_arrives(client, cast):
    job = drive(new_request(cast, reported_at=timezone.now() - timedelta(days=20)), cast,
                Status.ASSIGNED)
    in_time = drive(new_request(cast), cast, Status.ASSIGNED)
    client.force_login(cast.technician)
    assert "data-late" in client.get(url("job", job)).content.decode()
    assert "data-late" not in client.get(url("job", in_time)).content.decode()
    drive(job, cast, Status.ON_SITE)
    assert "data-late" not in client.get(url("job", job)).content.decode()


def test_job_list_empty_state(client, cast):
    client.force_login(cast.technician)
    response = client.get(reverse("field:jobs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="card empty"' in body and "job-card" not in body


def test_customer_cannot_open_field_pages(client, job):
    customer = UserFactory(role=Role.CUSTOMER, service_centre=None)
    client.force_login(customer)
    assert client.get(reverse("field:jobs")).status_code == 403
    assert client.get(url("job", job)).status_code == 403


def test_anonymous_is_sent_to_login(client, job):
    response = client.get(url("job", job))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- access -------------------------------------------------------------------------------

def test_other_technician_gets_404_and_changes_nothing(client, on_site, cast):
    other = UserFactory(role=Role.TECHNICIAN, service_centre=cast.centre)
    client.force_login(other)
    before = footprint(on_site)
    part = PartFactory()
    v = on_site.version
    assert client.get(url("job", on_site)).status_code == 404
    posts = [
        (url("job_step", on_site, "depart"), {"version": v}),
        (url("job_step", on_site, "arrive"), {"version": v}),
        (url("job_record", on_site), {"version": v, "fault_found": "x", "fault_cause": "y",
                                      "action_taken": "z", "cause": Cause.MISUSE}),
        (url("job_hours", on_site), {"hours": "2"}),
        (url("job_parts", on_site), {"part": part.pk, "quantity": 1}),
        (url("job_finish", on_site, "complete"), {"version": v, "signer_name": "x",
                                                  "signature": SIGNATURE}),
        (url("job_finish", on_site, "carry_in"), {"version": v, "signer_name": "x", "items": "主机",
                                                  "signature": SIGNATURE}),
        (url("job_finish", on_site, "reschedule"), {"version": v, "note": "缺件"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404, address
        assert client.post(address, data, **HTMX).status_code == 404, address
    assert client.get(url("part_search", on_site), {"q": "P-"}).status_code == 404
    assert footprint(on_site) == before


def test_technician_of_another_centre_cannot_see_it_either(client, on_site):
    stranger = Cast().technician
    client.force_login(stranger)
    assert client.get(url("job", on_site)).status_code == 404


def test_agent_refused_a_field_step_sees_a_message_and_nothing_changes(client, job, cast):
    client.force_login(cast.agent)
    before = footprint(job)
    response = client.post(url("job_step", job, "arrive"), {"version": job.version}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])[0].level_tag == "error"
    assert footprint(job) == before


# --- the visit ----------------------------------------------------------------------------

def test_en_route_then_arrived(client, job, cast):
    client.force_login(cast.technician)
    page = client.get(url("job", job)).content.decode()
    assert url("job_step", job, "depart") in page
    response = client.post(url("job_step", job, "depart"), {"version": job.version})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.EN_ROUTE
    client.post(url("job_step", job, "arrive"), {"version": job.version})
    job.refresh_from_db()
    assert job.status == Status.ON_SITE
    assert job.visits.filter(arrived_at__isnull=False, departed_at__isnull=False).exists()


def test_stale_version_is_refused_with_a_message(client, job, cast):
    client.force_login(cast.technician)
    old = job.version
    services.service_request_assign(actor=cast.supervisor, request=job, technician=cast.technician,
                                    appointment_at=timezone.now() + timedelta(hours=3))
    before = footprint(job)
    response = client.post(url("job_step", job, "depart"), {"version": old}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert footprint(job) == before


def test_record_work_shows_the_new_category_when_the_cause_is_chargeable(client, on_site, cast):
    client.force_login(cast.technician)
    assert on_site.category == Category.C and not on_site.chargeable
    response = record(client, on_site, cause=Cause.MISUSE)
    assert response.status_code == 200
    on_site.refresh_from_db()
    assert on_site.fault_cause == "点火针积碳"
    assert on_site.chargeable and on_site.category == Category.A
    body = response.content.decode()
    assert "data-terms" in body
    assert on_site.get_category_display() in body
    assert 'hx-swap-oob="true"' in body  # the summary at the top follows
    assert str(on_site.version) in response["HX-Trigger"]
    assert "jobChanged" in response["HX-Trigger"]  # the signing panel refreshes its figures


def test_record_work_requires_all_three(client, on_site, cast):
    client.force_login(cast.technician)
    before = footprint(on_site)
    response = record(client, on_site, fault_cause="  ")
    assert response.status_code == 200
    assert 'class="field field-error"' in response.content.decode()
    assert footprint(on_site) == before


def test_hours_and_parts_with_totals(client, on_site, cast):
    client.force_login(cast.technician)
    part = PartFactory(code="IGN-01", name="点火针", unit_price=Decimal("35.50"))
    PartFactory(code="OLD-01", name="旧点火针", active=False)

    response = client.post(url("job_hours", on_site), {"hours": "1.5", "note": "拆机"}, **HTMX)
    assert response.status_code == 200
    assert on_site.labor.get().hours == Decimal("1.5")
    assert "1.5 h" in response.content.decode()

    found = client.get(url("part_search", on_site), {"q": "点火"}).content.decode()
    assert "IGN-01" in found and "OLD-01" not in found
    assert "IGN-01" in client.get(url("part_search", on_site), {"q": "ign"}).content.decode()

    response = client.post(url("job_parts", on_site), {"part": part.pk, "quantity": 2}, **HTMX)
    assert "jobChanged" in response["HX-Trigger"]
    usage = on_site.parts.get()
    assert (usage.quantity, usage.charged) == (2, False)  # in warranty, product fault: free
    assert "data-parts-total>¥0.00" in response.content.decode()
    totals = client.get(url("job_totals", on_site), **HTMX).content.decode()
    assert "data-finish-total>¥0.00" in totals and "1.5 h" in totals


def test_part_without_choice_shows_the_error(client, on_site, cast):
    client.force_login(cast.technician)
    response = client.post(url("job_parts", on_site), {"part": "", "quantity": 1}, **HTMX)
    assert "errorlist" in response.content.decode()
    assert not on_site.parts.exists()


def test_hours_refused_before_arrival(client, job, cast):
    client.force_login(cast.technician)
    response = client.post(url("job_hours", job), {"hours": "1"}, **HTMX)
    assert response.status_code == 200
    assert "msg-error" in response.content.decode()
    assert not job.labor.exists()


def test_complete_needs_fault_cause_action_first(client, on_site, cast):
    client.force_login(cast.technician)
    before = footprint(on_site)
    response = client.post(url("job_finish", on_site, "complete"), {
        "version": on_site.version, "signer_name": "王先生", "opinion": "满意",
        "signature": SIGNATURE}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="msg msg-error errors"' in body
    assert footprint(on_site) == before


def test_complete_without_signature_shows_the_field_error(client, on_site, cast):
    client.force_login(cast.technician)
    record(client, on_site)
    on_site.refresh_from_db()
    response = client.post(url("job_finish", on_site, "complete"), {
        "version": on_site.version, "signer_name": "王先生", "signature": ""}, **HTMX)
    assert 'class="field field-error"' in response.content.decode()
    on_site.refresh_from_db()
    assert on_site.status == Status.ON_SITE


def test_complete_with_signature(client, on_site, cast):
    client.force_login(cast.technician)
    record(client, on_site)
    on_site.refresh_from_db()
    response = client.post(url("job_finish", on_site, "complete"), {
        "version": on_site.version, "signer_name": "王先生", "opinion": "很满意",
        "signature": SIGNATURE}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("job", on_site)
    on_site.refresh_from_db()
    assert on_site.status == Status.COMPLETED
    signature = Signature.objects.get(request=on_site)
    assert (signature.kind, signature.signer_name, signature.opinion) == ("completion", "王先生", "很满意")
    page = client.get(url("job", on_site)).content.decode()
    assert 'id="done"' in page and url("print_voucher", on_site) in page


def test_finish_panel_is_served_for_htmx_and_as_a_page(client, on_site, cast):
    client.force_login(cast.technician)
    panel = client.get(url("job_finish", on_site, "complete"), **HTMX).content.decode()
    assert 'class="sigpad"' in panel and "<html" not in panel
    response = client.get(url("job_finish", on_site, "carry_in"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="panel-carry_in"' in page and 'class="sigpad"' in page


def test_carry_in_issues_one_receipt_and_one_register_line(client, on_site, cast):
    client.force_login(cast.technician)
    due = timezone.localdate() + timedelta(days=5)
    response = client.post(url("job_finish", on_site, "carry_in"), {
        "version": on_site.version, "items": "热水器主机一台，无配件", "return_due_on": due.isoformat(),
        "signer_name": "王先生", "signature": SIGNATURE})
    assert response.status_code == 302
    on_site.refresh_from_db()
    assert on_site.status == Status.CARRIED_IN
    receipt = ProductReceipt.objects.get(request=on_site)
    entry = RegisterEntry.objects.get(request=on_site)
    assert (entry.direction, entry.receipt_id) == ("in", receipt.pk)
    assert on_site.repair_card.return_due_on == due
    assert Signature.objects.get(request=on_site).kind == "carry_out"
    page = client.get(url("job", on_site)).content.decode()
    assert receipt.number in page and url("print_receipt", on_site) in page


def test_carry_in_without_items_shows_the_error(client, on_site, cast):
    client.force_login(cast.technician)
    before = footprint(on_site)
    response = client.post(url("job_finish", on_site, "carry_in"), {
        "version": on_site.version, "items": "", "signer_name": "王先生", "signature": SIGNATURE})
    assert response.status_code == 200
    assert 'id="panel-carry_in"' in response.content.decode()
    assert footprint(on_site) == before


def test_unfinished_is_rescheduled_with_reason(client, on_site, cast):
    client.force_login(cast.technician)
    next_visit = timezone.localtime() + timedelta(days=1)
    response = client.post(url("job_finish", on_site, "reschedule"), {
        "version": on_site.version, "note": "缺少主板，需订货",
        "next_visit_at": next_visit.strftime("%Y-%m-%dT%H:%M")}, **HTMX)
    assert response["HX-Redirect"] == url("job", on_site)
    on_site.refresh_from_db()
    assert on_site.status == Status.ASSIGNED
    assert on_site.appointment_at is not None
    assert on_site.visits.filter(outcome=VisitOutcome.UNFINISHED, reason="缺少主板，需订货").exists()


def test_unfinished_needs_a_reason(client, on_site, cast):
    client.force_login(cast.technician)
    before = footprint(on_site)
    response = client.post(url("job_finish", on_site, "reschedule"), {
        "version": on_site.version, "note": ""}, **HTMX)
    assert 'class="field field-error"' in response.content.decode()
    assert footprint(on_site) == before


def test_stale_complete_is_a_page_message(client, on_site, cast):
    client.force_login(cast.technician)
    old = on_site.version
    record(client, on_site)
    before = footprint(on_site)
    response = client.post(url("job_finish", on_site, "complete"), {
        "version": old, "signer_name": "王先生", "signature": SIGNATURE}, **HTMX)
    assert response.status_code == 200
    assert "msg-error" in response.content.decode()
    assert footprint(on_site) == before


def test_supervisor_looks_at_a_technicians_list(client, job, cast):
    client.force_login(cast.supervisor)
    assert job.number not in client.get(reverse("field:jobs")).content.decode()
    page = client.get(reverse("field:jobs"), {"technician": cast.technician.pk}).content.decode()
    assert job.number in page
    assert client.get(reverse("field:jobs"), {"technician": "x'"}).status_code == 200
    stranger = Cast().technician
    page = client.get(reverse("field:jobs"), {"technician": stranger.pk}).content.decode()
    assert job.number not in page
