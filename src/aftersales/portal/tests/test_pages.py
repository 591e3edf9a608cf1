"""The customer's pages: his requests only, the request page, agreeing, reporting a problem."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.core.models import Event
from aftersales.customers.tests.factories import InstalledProductFactory
from aftersales.service import services as sr_services
from aftersales.service.choices import Channel, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, drive, new_request

from .helpers import portal_user_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def me(client, customer):
    user = portal_user_for(customer)
    client.force_login(user)
    return user


def old_product(customer):
    """A product bought three years ago: out of warranty, so work needs agreement (SR-4)."""
    return InstalledProductFactory(customer=customer,
                                   purchased_on=date.today() - timedelta(days=3 * 365))


def events_of(sr, action):
    return Event.objects.filter(object_id=sr.pk, content_type__model="servicerequest",
                                action=action)


def test_my_requests_lists_only_mine(client, me, cast, customer, other_customer):
    mine = new_request(cast, customer=customer)
    theirs = new_request(cast, customer=other_customer)
    page = client.get(reverse("portal:home")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert "我们会尽快安排技术员" in page or "send a technician soon" in page


def test_open_tab_leaves_out_finished_requests(client, me, cast, customer):
    open_one = new_request(cast, customer=customer)
    done = drive(new_request(cast, customer=customer), cast, Status.CLOSED)
    page = client.get(reverse("portal:home") + "?show=open").content.decode()
    assert open_one.number in page and done.number not in page
    page = client.get(reverse("portal:home") + "?show=all").content.decode()
    assert open_one.number in page and done.number in page


def test_my_requests_query_count_does_not_grow(client, me, cast, customer):
    new_request(cast, customer=customer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    for _ in range(6):
        new_request(cast, customer=customer)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:home"))
    assert len(many) == len(few)


def test_another_customers_number_is_404(client, me, cast, other_customer):
    theirs = new_request(cast, customer=other_customer)
    assert client.get(reverse("portal:request", args=[theirs.number])).status_code == 404
    assert client.get(reverse("portal:request", args=["SR99999999"])).status_code == 404


def test_request_page_shows_technician_work_charges_and_timeline(client, me, cast, customer):
    sr = new_request(cast, customer=customer, product=old_product(customer))
    sr_services.service_request_agree(actor=me, request=sr)
    appointment = timezone.now() + timedelta(days=1)
    sr = sr_services.service_request_assign(actor=cast.supervisor, request=sr,
                                            technician=cast.technician,
                                            appointment_at=appointment)
    sr = drive(sr, cast, Status.COMPLETED)
    page = client.get(reverse("portal:request", args=[sr.number])).content.decode()
    assert str(cast.technician) in page
    assert "点火针积碳" in page and "更换点火针" in page  # cause found, action taken (AR-4)
    assert "¥35.50" in page  # the part, charged: out of warranty
    for text in ("我们已收到您的报修", "技术员已到达", "您已同意收费"):
        assert text in page


def test_timeline_keeps_staff_notes_private_but_says_why_a_visit_moved(client, me, cast, customer):
    sr = drive(new_request(cast, customer=customer), cast, Status.ON_SITE)
    sr_services.service_request_reschedule(actor=cast.technician, request=sr,
                                           note="缺少配件，需订货",
                                           next_visit_at=timezone.now() + timedelta(days=2))
    sr_services.service_request_unassign(actor=cast.supervisor, request=sr,
                                         note="内部备注：该技术员请假")
    page = client.get(reverse("portal:request", args=[sr.number])).content.decode()
    assert "缺少配件，需订货" in page
    assert "内部备注" not in page


def test_agree_moves_the_request_on_and_records_an_event(client, me, customer, cast):
    sr = new_request(cast, customer=customer, product=old_product(customer))
    assert sr.status == Status.AWAITING_AGREEMENT
    page = client.get(reverse("portal:request", args=[sr.number])).content.decode()
    assert reverse("portal:agree", args=[sr.number]) in page

    response = client.post(reverse("portal:agree", args=[sr.number]),
                           {"expected_version": sr.version})

    assert response.status_code == 302
    sr.refresh_from_db()
    assert sr.status == Status.REGISTERED and sr.customer_agreed_at is not None
    event = events_of(sr, "agree").get()
    assert event.actor == me and event.from_state == Status.AWAITING_AGREEMENT


def test_decline_cancels_with_his_reason(client, me, customer, cast):
    sr = new_request(cast, customer=customer, product=old_product(customer))
    client.post(reverse("portal:decline", args=[sr.number]),
                {"expected_version": sr.version, "note": "太贵了，先不修"})
    sr.refresh_from_db()
    assert sr.status == Status.CANCELLED
    event = events_of(sr, "decline").get()
    assert event.actor == me and event.note == "太贵了，先不修"


def test_agreeing_twice_or_with_a_stale_page_is_a_message_not_an_error(client, me, customer, cast):
    sr = new_request(cast, customer=customer, product=old_product(customer))
    url = reverse("portal:agree", args=[sr.number])
    stale = client.post(url, {"expected_version": sr.version - 1}, follow=True)
    assert stale.status_code == 200 and "msg-error" in stale.content.decode()
    sr.refresh_from_db()
    assert sr.status == Status.AWAITING_AGREEMENT and not events_of(sr, "agree").exists()
    client.post(url, {"expected_version": sr.version})
    again = client.post(url, {"expected_version": ""}, follow=True)
    assert again.status_code == 200 and "msg-error" in again.content.decode()
    assert events_of(sr, "agree").count() == 1


def test_cannot_agree_for_another_customer(client, me, other_customer, cast):
    theirs = new_request(cast, customer=other_customer, product=old_product(other_customer))
    response = client.post(reverse("portal:agree", args=[theirs.number]),
                           {"expected_version": theirs.version})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.AWAITING_AGREEMENT and not events_of(theirs, "agree").exists()


def test_staff_scanning_the_qr_code_go_to_their_own_page(client, cast, customer):
    sr = new_request(cast, customer=customer, product=old_product(customer))
    client.force_login(cast.agent)
    response = client.get(reverse("portal:request", args=[sr.number]))
    assert response.url == reverse("service:detail", args=[sr.pk])
    client.force_login(cast.technician)
    response = client.get(reverse("portal:request", args=[sr.number]))
    assert response.status_code == 404  # not his job: the same 404 as for anyone else's
    drive(sr, cast, Status.ASSIGNED)
    response = client.get(reverse("portal:request", args=[sr.number]))
    assert response.url == reverse("field:job", args=[sr.pk])


def test_staff_cannot_agree_for_the_customer_here(client, cast, customer):
    sr = new_request(cast, customer=customer, product=old_product(customer))
    client.force_login(cast.agent)
    assert client.get(reverse("portal:home")).url == reverse("web:home")
    assert client.post(reverse("portal:agree", args=[sr.number])).status_code == 302
    sr.refresh_from_db()
    assert sr.status == Status.AWAITING_AGREEMENT


def test_report_a_problem_on_a_product_in_warranty(client, me, customer, cast):
    product = InstalledProductFactory(customer=customer)
    response = client.post(reverse("portal:new"),
                           {"product": str(product.pk), "description": "热水器漏水"})
    sr = ServiceRequest.objects.get(customer=customer)
    assert response.url == reverse("portal:request", args=[sr.number])
    assert (sr.channel, sr.created_by, sr.installed_product) == (Channel.WEB, me, product)
    assert sr.in_warranty and not sr.chargeable and sr.status == Status.REGISTERED
    page = client.get(response.url).content.decode()
    assert sr.number in page and "在保修期内" in page and "免费" in page


def test_report_a_problem_on_a_product_not_listed(client, me, customer, cast):
    client.post(reverse("portal:new"), {"product": "none", "description": "新买的龙头滴水"})
    sr = ServiceRequest.objects.get(customer=customer)
    assert sr.installed_product is None and sr.chargeable
    assert sr.status == Status.AWAITING_AGREEMENT
    page = client.get(reverse("portal:request", args=[sr.number])).content.decode()
    assert "需要收费" in page and reverse("portal:agree", args=[sr.number]) in page


def test_report_a_problem_refuses_another_customers_product_and_empty_text(
        client, me, customer, other_customer, cast):
    theirs = InstalledProductFactory(customer=other_customer)
    response = client.post(reverse("portal:new"),
                           {"product": str(theirs.pk), "description": "漏水"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(reverse("portal:new"), {"product": "none", "description": "   "})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_report_page_lists_only_my_products(client, me, customer, other_customer, cast):
    mine = InstalledProductFactory(customer=customer)
    theirs = InstalledProductFactory(customer=other_customer)
    page = client.get(reverse("portal:new")).content.decode()
    assert mine.serial in page and theirs.serial not in page


@pytest.mark.parametrize("language, text", [("en", "Report a problem"), ("zh-hant", "報修"),
                                            ("zh-hans", "报修")])
def test_pages_follow_the_chosen_language(client, me, language, text):
    client.cookies["django_language"] = language
    assert text in client.get(reverse("portal:home")).content.decode()
