"""The service desk pages: intake, list, export, request page and its actions, dispatch queue."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import Event
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.service import services
from aftersales.service.choices import Category, Status, Urgency
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

pytestmark = pytest.mark.django_db

INTAKE = reverse("service:intake")


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def other():
    return Cast()


def client_for(client, user):
    client.force_login(user)
    return client


def old_product(customer, **kwargs):
    """A product bought three years ago: out of warranty."""
    bought = date.today() - timedelta(days=3 * 365)
    return InstalledProductFactory(customer=customer, purchased_on=bought,
                                   installed_on=bought + timedelta(days=3), **kwargs)


# --- access -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["service:intake", "service:list", "service:export",
                                  "dispatch:queue"])
def test_technician_and_customer_are_refused(client, cast, name):
    customer_user = UserFactory(role=Role.CUSTOMER, service_centre=None)
    for user in (cast.technician, customer_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(INTAKE)
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_agent_may_not_open_the_dispatch_queue(client, cast):
    assert client_for(client, cast.agent).get(reverse("dispatch:queue")).status_code == 403


# --- intake -----------------------------------------------------------------------------------

def test_intake_page_focuses_the_phone_box(client, cast):
    response = client_for(client, cast.agent).get(INTAKE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_phone"' in html
    assert html.index("autofocus") > html.index('id="id_phone"')
    assert "登记" in html or "新来电" in html  # Chinese by default


def test_phone_lookup_finds_the_customer_and_shows_products(client, cast):
    customer = CustomerFactory(phone="+8613912345678", service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer, serial="SN-LOOKUP-1")
    client_for(client, cast.agent)
    response = client.get(reverse("service:intake_customers"), {"phone": "139 1234 5678"})
    html = response.content.decode()
    assert customer.name in html
    assert f'value="{customer.pk}" checked' in html
    assert 'hx-swap-oob="true"' in html and "SN-LOOKUP-1" in html
    assert f'value="{product.pk}" checked' in html  # the only product is preselected
    assert "terms-refresh" in response["HX-Trigger-After-Settle"]


def test_refining_the_number_drops_an_earlier_match(client, cast):
    early = CustomerFactory(phone="+8613800001111", service_centre=cast.centre)
    client_for(client, cast.agent)
    url = reverse("service:intake_customers")
    html = client.get(url, {"phone": "1380000"}).content.decode()
    assert f'value="{early.pk}" checked' in html
    html = client.get(url, {"phone": "13800002222", "customer": early.pk}).content.decode()
    assert early.name not in html and 'value="new" checked' in html
    assert 'hx-swap-oob="true"' in html  # the products follow the new choice


def test_phone_lookup_without_match_offers_a_new_customer(client, cast):
    client_for(client, cast.agent)
    response = client.get(reverse("service:intake_customers"), {"phone": "13700000001"})
    html = response.content.decode()
    assert 'value="new" checked' in html
    assert 'name="c-name"' in html


def test_terms_preview_in_warranty(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    client_for(client, cast.agent)
    response = client.get(reverse("service:intake_terms"),
                          {"customer": customer.pk, "installed_product": product.pk})
    html = response.content.decode()
    assert 'data-category="C"' in html
    assert "needs-agreement" not in html
    assert product.warranty_ends_on.strftime("%Y-%m-%d") in html


def test_terms_preview_out_of_warranty_asks_for_agreement(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    product = old_product(customer)
    client_for(client, cast.agent)
    response = client.get(reverse("service:intake_terms"),
                          {"customer": customer.pk, "installed_product": product.pk})
    html = response.content.decode()
    assert 'data-category="A"' in html
    assert "needs-agreement" in html
    assert "80.00" in html  # the model's standard service fee


def test_terms_preview_for_a_product_being_registered(client, cast):
    model = ProductModelFactory(warranty_months=12)
    client_for(client, cast.agent)
    params = {"customer": "new", "installed_product": "new", "p-model": model.pk,
              "p-purchased_on": (date.today() - timedelta(days=30)).isoformat()}
    html = client.get(reverse("service:intake_terms"), params).content.decode()
    assert 'data-category="C"' in html
    params["cause"] = "misuse"  # SR-3: in warranty but charged
    html = client.get(reverse("service:intake_terms"), params).content.decode()
    assert 'data-category="A"' in html and "needs-agreement" in html
    assert not InstalledProduct.objects.exists()


def intake_data(**overrides):
    data = {"phone": "", "customer": "", "installed_product": "", "channel": "phone",
            "urgency": "normal", "description": "热水器不出热水", "cause": ""}
    data.update(overrides)
    return data


def test_intake_registers_exactly_one_request_for_an_existing_customer(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    client_for(client, cast.agent)
    response = client.post(INTAKE, intake_data(customer=customer.pk,
                                               installed_product=product.pk))
    assert ServiceRequest.objects.count() == 1
    sr = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("service:detail", args=[sr.pk])
    assert (sr.customer, sr.installed_product, sr.category) == (customer, product, Category.C)
    assert sr.status == Status.REGISTERED and sr.created_by == cast.agent


def test_intake_with_new_customer_and_new_product_agreed(client, cast):
    model = ProductModelFactory(code="JSQ25-13", warranty_months=36)
    bought = date.today() - timedelta(days=5 * 365)
    client_for(client, cast.agent)
    response = client.post(INTAKE, intake_data(
        phone="138 0013 8000", customer="new", installed_product="new",
        **{"c-name": "王建国", "c-address": "上海市闵行区莘庄镇1号", "c-region_kind": "suburban",
           "c-kind": "individual", "p-model": model.pk, "p-serial": "A1234567",
           "p-purchased_on": bought.isoformat(), "p-installed_on": ""},
        urgency=Urgency.URGENT, customer_agreed="on"))
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.phone == "+8613800138000" and customer.service_centre == cast.centre
    product = InstalledProduct.objects.get()
    assert product.customer == customer and product.serial == "A1234567"
    sr = ServiceRequest.objects.get()
    assert sr.category == Category.A and sr.chargeable and not sr.in_warranty
    assert sr.status == Status.REGISTERED and sr.customer_agreed_at is not None
    assert sr.urgency == Urgency.URGENT


def test_intake_chargeable_without_agreement_waits(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    product = old_product(customer)
    client_for(client, cast.agent)
    client.post(INTAKE, intake_data(customer=customer.pk, installed_product=product.pk))
    assert ServiceRequest.objects.get().status == Status.AWAITING_AGREEMENT


def test_intake_errors_are_shown_next_to_fields_in_chinese_and_nothing_is_saved(client, cast):
    client_for(client, cast.agent)
    response = client.post(INTAKE, intake_data(phone="12345", customer="new",
                                               installed_product="none",
                                               **{"c-name": "李四", "c-address": "某路1号",
                                                  "c-region_kind": "urban",
                                                  "c-kind": "individual"}))
    assert response.status_code == 400
    html = response.content.decode()
    phone_label = html[html.index('for="id_phone"'):html.index('id="customer-area"')]
    assert "field-error" in phone_label and "电话号码" in phone_label
    assert not Customer.objects.exists() and not ServiceRequest.objects.exists()


def test_intake_product_error_rolls_back_the_new_customer(client, cast):
    model = ProductModelFactory()
    client_for(client, cast.agent)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(INTAKE, intake_data(
        phone="13800138001", customer="new", installed_product="new",
        **{"c-name": "赵六", "c-address": "北京路2号", "c-region_kind": "urban",
           "c-kind": "individual", "p-model": model.pk, "p-serial": "X-1",
           "p-purchased_on": tomorrow}))
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('for="id_p-purchased_on"'):html.index('for="id_p-installed_on"')]
    assert "field-error" in field and "购买日期不能晚于今天" in field
    assert not Customer.objects.exists()
    assert not InstalledProduct.objects.exists() and not ServiceRequest.objects.exists()


def test_intake_requires_a_description_and_a_product_choice(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    client_for(client, cast.agent)
    response = client.post(INTAKE, intake_data(customer=customer.pk, description=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "必填" in html
    assert "请选择产品、登记新产品" in html
    assert not ServiceRequest.objects.exists()


def test_intake_refuses_another_customers_product(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    stranger = InstalledProductFactory(customer=CustomerFactory(service_centre=cast.centre))
    client_for(client, cast.agent)
    response = client.post(INTAKE, intake_data(customer=customer.pk,
                                               installed_product=stranger.pk))
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_intake_prefilled_from_customer_page(client, cast):
    customer = CustomerFactory(service_centre=cast.centre, phone="+8613611112222")
    product = InstalledProductFactory(customer=customer)
    html = client_for(client, cast.agent).get(INTAKE, {"customer": customer.pk}).content.decode()
    assert f'value="{customer.pk}" checked' in html
    assert f'value="{product.pk}" checked' in html
    assert 'data-category="C"' in html  # the terms are already shown


# --- list and export --------------------------------------------------------------------------

def test_list_shows_only_the_own_centre(client, cast, other):
    mine = new_request(cast)
    theirs = new_request(other)
    html = client_for(client, cast.agent).get(reverse("service:list")).content.decode()
    assert mine.number in html and theirs.number not in html
    manager_html = client_for(client, cast.manager).get(reverse("service:list")).content.decode()
    assert mine.number in manager_html and theirs.number in manager_html


def test_list_filters_by_status_and_search(client, cast):
    a = new_request(cast)
    b = new_request(cast)
    services.service_request_cancel(actor=cast.agent, request=b, note="客户取消")
    client_for(client, cast.agent)
    html = client.get(reverse("service:list"), {"status": "cancelled"}).content.decode()
    assert b.number in html and a.number not in html
    html = client.get(reverse("service:list"), {"open": "true"}).content.decode()
    assert a.number in html and b.number not in html
    html = client.get(reverse("service:list"), {"q": a.customer.name}).content.decode()
    assert a.number in html and b.number not in html


def test_list_is_paginated_by_25(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer)
    for _ in range(27):
        new_request(cast, customer=customer, product=product)
    client_for(client, cast.agent)
    first = client.get(reverse("service:list"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("service:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 2


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("service:list")).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    client_for(client, cast.agent)
    for i in range(5):
        sr = new_request(cast)
        if i % 2:
            drive(sr, cast, Status.ASSIGNED)
    with_5 = _list_queries(client)
    for i in range(20):
        sr = new_request(cast)
        if i % 2:
            drive(sr, cast, Status.ASSIGNED)
    with django_assert_max_num_queries(with_5):
        response = client.get(reverse("service:list"))
    assert len(response.context["page"].object_list) == 25


def test_export_is_an_excel_file_of_the_filtered_list(client, cast, other):
    from openpyxl import load_workbook

    a = new_request(cast)
    b = new_request(cast)
    new_request(other)
    services.service_request_cancel(actor=cast.agent, request=b, note="重复登记")
    client_for(client, cast.agent)
    response = client.get(reverse("service:export"), {"open": "true"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2  # header + a (b is cancelled, the other centre's is not visible)
    assert rows[1][0] == a.number


# --- a request's page -------------------------------------------------------------------------

def test_detail_shows_facts_and_timeline(client, cast):
    sr = drive(new_request(cast), cast, Status.ASSIGNED)
    html = client_for(client, cast.agent).get(reverse("service:detail", args=[sr.pk])).content.decode()
    assert sr.number in html and sr.customer.phone_display in html
    assert sr.installed_product.serial in html
    assert 'data-status="assigned"' in html
    timeline = html[html.index('id="timeline"'):]
    assert str(cast.supervisor) in timeline and str(cast.agent) in timeline
    assert f"/field/print/{sr.pk}/voucher/" in html
    # the hard-coded print paths are the field app's print views
    assert reverse("field:print_voucher", args=[sr.pk]) == f"/field/print/{sr.pk}/voucher/"
    assert reverse("field:print_receipt", args=[sr.pk]) == f"/field/print/{sr.pk}/receipt/"
    assert reverse("field:print_repair_card", args=[sr.pk]) == f"/field/print/{sr.pk}/repair-card/"


def test_detail_shows_work_signatures_and_carry_in_documents(client, cast):
    sr = drive(new_request(cast), cast, Status.INSPECTED)
    html = client_for(client, cast.agent).get(reverse("service:detail", args=[sr.pk])).content.decode()
    assert "点火针积碳" in html  # AR-4 cause
    assert 'class="sig-img"' in html and SIGNATURE[:40] in html
    receipt = sr.receipts.get()
    assert receipt.number in html
    assert f"/field/print/{sr.pk}/repair-card/" in html


def test_detail_of_another_centre_is_404_and_for_technicians_403(client, cast, other):
    sr = new_request(other)
    assert client_for(client, cast.agent).get(reverse("service:detail", args=[sr.pk])).status_code == 404
    mine = drive(new_request(cast), cast, Status.ASSIGNED)
    assert client_for(client, cast.technician).get(
        reverse("service:detail", args=[mine.pk])).status_code == 403


def action_url(sr, name):
    return reverse("service:action", args=[sr.pk, name])


def test_agent_records_the_customers_agreement(client, cast):
    customer = CustomerFactory(service_centre=cast.centre)
    sr = new_request(cast, customer=customer, product=old_product(customer))
    assert sr.status == Status.AWAITING_AGREEMENT
    client_for(client, cast.agent)
    html = client.get(reverse("service:detail", args=[sr.pk])).content.decode()
    assert 'id="action-agree"' in html and 'id="action-assign"' not in html
    response = client.post(action_url(sr, "agree"), {"agree-version": sr.version})
    assert response.status_code == 302
    sr.refresh_from_db()
    assert sr.status == Status.REGISTERED and sr.customer_agreed_at is not None


def test_cancel_needs_a_reason(client, cast):
    sr = new_request(cast)
    client_for(client, cast.agent)
    response = client.post(action_url(sr, "cancel"), {"cancel-version": sr.version, "cancel-note": ""})
    assert response.status_code == 400
    assert "必填" in response.content.decode()
    sr.refresh_from_db()
    assert sr.status == Status.REGISTERED
    client.post(action_url(sr, "cancel"), {"cancel-version": sr.version, "cancel-note": "客户已自行修好"})
    sr.refresh_from_db()
    assert sr.status == Status.CANCELLED
    assert Event.objects.filter(object_id=sr.pk, action="cancel", note="客户已自行修好").exists()


def test_stale_form_gives_the_stale_write_message(client, cast):
    sr = new_request(cast)
    stale_version = sr.version
    services.service_request_assign(actor=cast.supervisor, request=sr, technician=cast.technician)
    client_for(client, cast.supervisor)
    response = client.post(action_url(sr, "cancel"),
                           {"cancel-version": stale_version, "cancel-note": "重复"}, follow=True)
    assert "已有其他人修改了它" in response.content.decode()
    sr.refresh_from_db()
    assert sr.status == Status.ASSIGNED


def test_denied_actions_change_nothing(client, cast, other):
    sr = new_request(cast)
    before = (sr.status, sr.version, Event.objects.count())
    # an agent may not assign (DS-1: the supervisor dispatches)
    response = client_for(client, cast.agent).post(
        action_url(sr, "assign"), {"assign-version": sr.version,
                                   "assign-technician": cast.technician.pk})
    assert response.status_code == 403
    # another centre's agent does not even see it
    response = client_for(client, other.agent).post(
        action_url(sr, "cancel"), {"cancel-version": sr.version, "cancel-note": "x"})
    assert response.status_code == 404
    # a technician may not use the desk at all
    response = client_for(client, cast.technician).post(
        action_url(sr, "cancel"), {"cancel-version": sr.version, "cancel-note": "x"})
    assert response.status_code == 403
    sr.refresh_from_db()
    assert (sr.status, sr.version, Event.objects.count()) == before


def test_unknown_action_is_404(client, cast):
    sr = new_request(cast)
    assert client_for(client, cast.agent).post(action_url(sr, "explode")).status_code == 404


def test_supervisor_assigns_from_the_request_page(client, cast):
    sr = new_request(cast)
    client_for(client, cast.supervisor)
    response = client.post(action_url(sr, "assign"), {
        "assign-version": sr.version, "assign-technician": cast.technician.pk,
        "assign-appointment_at": "2030-05-06 09:30"})
    assert response.status_code == 302
    sr.refresh_from_db()
    assert sr.status == Status.ASSIGNED and sr.assigned_technician == cast.technician
    assert timezone.localtime(sr.appointment_at).hour == 9


def test_the_appointment_box_shows_its_format_on_tomorrow_morning(client, cast, clock_at):
    """The example in the empty appointment box is a day that could be meant, not a past one:
    at 23:50 Shanghai time on 31 December, the next morning is in the next year."""
    clock_at(23, 50, day=date(2026, 12, 31), tick=False)
    sr = new_request(cast)
    page = client_for(client, cast.supervisor).get(f"/requests/{sr.pk}/").content.decode()
    assert 'placeholder="2027-01-01 09:30"' in page


def test_inspection_hand_back_and_close(client, cast):
    sr = drive(new_request(cast), cast, Status.REPAIRED)
    client_for(client, cast.supervisor)
    response = client.post(action_url(sr, "inspect"), {"inspect-version": sr.version,
                                                       "inspect-passed": "no"})
    assert response.status_code == 400  # a failed inspection needs a note
    client.post(action_url(sr, "inspect"), {"inspect-version": sr.version, "inspect-passed": "yes",
                                            "inspect-note": "试机正常"})
    sr.refresh_from_db()
    assert sr.status == Status.INSPECTED
    client_for(client, cast.agent)
    response = client.post(action_url(sr, "hand_back"), {
        "hand_back-version": sr.version, "hand_back-signer_name": "张三",
        "hand_back-signature": ""})
    assert response.status_code == 400
    assert "签名" in response.content.decode()
    client.post(action_url(sr, "hand_back"), {
        "hand_back-version": sr.version, "hand_back-signer_name": "张三",
        "hand_back-signature": SIGNATURE, "hand_back-opinion": "满意"})
    sr.refresh_from_db()
    assert sr.status == Status.COMPLETED
    assert sr.receipts.get().cancelled_at is not None
    client.post(action_url(sr, "close"), {"close-version": sr.version})
    sr.refresh_from_db()
    assert sr.status == Status.CLOSED


# --- dispatch queue ---------------------------------------------------------------------------

def test_queue_puts_earlier_days_first_then_urgency(client, cast, other):
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    late_normal = new_request(cast, reported_at=yesterday)
    today_normal = new_request(cast)
    today_emergency = new_request(cast, urgency=Urgency.EMERGENCY)
    theirs = new_request(other)
    customer = CustomerFactory(service_centre=cast.centre)
    waiting = new_request(cast, customer=customer, product=old_product(customer))
    response = client_for(client, cast.supervisor).get(reverse("dispatch:queue"))
    queue = [sr.number for sr in response.context["queue"]]
    assert queue == [late_normal.number, today_emergency.number, today_normal.number]
    assert theirs.number not in response.content.decode()
    assert [sr.pk for sr in response.context["waiting"]] == [waiting.pk]


def test_queue_lists_technicians_with_open_jobs(client, cast):
    UserFactory(username="tech-2", role=Role.TECHNICIAN, service_centre=cast.centre,
                first_name="李师傅")
    drive(new_request(cast), cast, Status.ASSIGNED)
    response = client_for(client, cast.supervisor).get(reverse("dispatch:queue"))
    counts = {t.username: t.open_jobs for t in response.context["technicians"]}
    assert counts == {cast.technician.username: 1, "tech-2": 0}


def test_htmx_assign_from_the_queue(client, cast):
    sr = new_request(cast)
    client_for(client, cast.supervisor)
    response = client.post(reverse("dispatch:queue_assign", args=[sr.pk]),
                           {"version": sr.version, "technician": cast.technician.pk,
                            "centre": cast.centre.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="board"' in html and "<html" not in html
    sr.refresh_from_db()
    assert sr.status == Status.ASSIGNED and sr.assigned_technician == cast.technician
    assert f'id="row-{sr.pk}"' not in html  # left the queue


def test_queue_assign_refuses_stale_and_foreign_technicians(client, cast, other):
    sr = new_request(cast)
    client_for(client, cast.supervisor)
    response = client.post(reverse("dispatch:queue_assign", args=[sr.pk]),
                           {"version": sr.version + 5, "technician": cast.technician.pk},
                           HTTP_HX_REQUEST="true")
    assert "msg-error" in response.content.decode()
    response = client.post(reverse("dispatch:queue_assign", args=[sr.pk]),
                           {"version": sr.version, "technician": other.technician.pk},
                           HTTP_HX_REQUEST="true")
    assert "msg-error" in response.content.decode()
    sr.refresh_from_db()
    assert sr.status == Status.REGISTERED and sr.assigned_technician is None


def test_queue_assign_of_another_centres_request_is_404(client, cast, other):
    sr = new_request(other)
    response = client_for(client, cast.supervisor).post(
        reverse("dispatch:queue_assign", args=[sr.pk]),
        {"version": sr.version, "technician": cast.technician.pk})
    assert response.status_code == 404
    sr.refresh_from_db()
    assert sr.status == Status.REGISTERED


def test_the_intake_warns_of_a_callers_open_requests_complaint_and_case(client, cast):
    from aftersales.complaints.tests.factories import Team, new_complaint
    from aftersales.feedback.models import FollowUpCase
    from aftersales.feedback.tests.helpers import answer, completed_job, fresh_token, survey_of
    caller = CustomerFactory(phone="+8613912340001", service_centre=cast.centre)
    calm = CustomerFactory(phone="+8613912340002", service_centre=cast.centre)
    done = completed_job(cast, customer=caller)  # rated low: a follow-up case opens (FB-4)
    answer(fresh_token(survey_of(done)), attitude=1, skill=2, punctuality=1, promise=2)
    case = FollowUpCase.objects.get(request=done)
    _first, second, third = (new_request(cast, customer=caller) for _ in range(3))  # open
    complaint = new_complaint(Team(cast.centre), customer=caller)
    client_for(client, cast.agent)
    html = client.get(reverse("service:intake_customers"), {"phone": "1391234"}).content.decode()
    mine, others = html.split(f'value="{caller.pk}"', 1)[1].split("</label>", 1)[0], \
        html.split(f'value="{calm.pk}"', 1)[1].split("</label>", 1)[0]
    assert f"{third.number}, {second.number} …" in mine  # the newest two open ones, and more
    assert done.number not in mine  # completed: not open
    assert complaint.number in mine and 'data-alert="open-complaint"' in mine
    assert case.number in mine  # the agent may not open cases, but learns one is open
    assert "data-alert" not in others
