"""The complaint pages: list with search and filters, Excel, registration, the case page with
its actions, print form, handling aid, the hand-over from a follow-up case, monthly statistics."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.tests.factories import PASSWORD

from ..choices import Status
from ..models import Complaint
from .factories import Team, drive, new_complaint

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def team():
    return Team()


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_list_search_filter_and_excel(client, team):
    a = new_complaint(team, order_ref="SO-7781")
    new_complaint(team, kind="non_quality")
    _login(client, team.agent)
    page = client.get("/complaints/", {"q": "SO-7781"})
    assert page.status_code == 200
    text = page.content.decode()
    assert a.number in text and text.count("data-complaint=") == 1
    page = client.get("/complaints/", {"kind": "non_quality"})
    assert page.content.decode().count("data-complaint=") == 1
    xlsx = client.get("/complaints/export.xlsx", {"q": "SO-7781"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [a.number]


def test_register_by_phone_with_a_photo(client, team):
    customer = new_complaint(team).customer
    _login(client, team.agent)
    response = client.post("/complaints/new/", {
        "channel": "phone", "kind": "quality", "market": "domestic",
        "customer_phone": customer.phone, "language": "zh-hans", "reply_channel": "sms",
        "description": "外壳开裂", "customer_request": "换新",
        "uploads": SimpleUploadedFile("crack.png", _png(), content_type="image/png")})
    assert response.status_code == 302, response.context["form"].errors
    complaint = Complaint.objects.latest("id")
    assert complaint.customer == customer and complaint.channel == "phone"
    detail = client.get(response["Location"]).content.decode()
    assert "crack.png" in detail and complaint.number in detail


def test_register_shows_the_errors_beside_the_fields(client, team):
    _login(client, team.agent)
    response = client.post("/complaints/new/", {
        "channel": "phone", "kind": "quality", "market": "domestic", "language": "zh-hans",
        "reply_channel": "sms", "description": "坏了"})
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    assert "field-error" in response.content.decode()


def test_steps_through_the_page(client, team):
    c = new_complaint(team)
    _login(client, team.people["GMO"])
    r = client.post(f"/complaints/{c.pk}/step/", {"step-opinion": "受理", "version": c.version})
    assert r.status_code == 302
    _login(client, team.people["QA"])
    r = client.post(f"/complaints/{c.pk}/step/", {"step-opinion": "x"})
    assert r.status_code == 400
    r = client.post(f"/complaints/{c.pk}/step/", {"step-opinion": "来料不良", "step-cause": "spec",
                                                 "step-upheld": "yes", "step-kind": "quality"})
    assert r.status_code == 302
    assert Complaint.objects.get(pk=c.pk).status == Status.MANUFACTURING


def test_print_aid_and_monthly(client, team):
    c = drive(new_complaint(team), team, Status.CLOSED, amount=Decimal("300.00"))
    _login(client, team.manager)
    assert "data-copy=\"5\"" in client.get(f"/complaints/{c.pk}/print/").content.decode()
    aid = client.get(f"/complaints/{c.pk}/aid/").content.decode()
    assert "data-aid-options" in aid
    month = timezone.localtime(c.closed_at).strftime("%Y-%m")
    monthly = client.get("/complaints/monthly/", {"month": month}).content.decode()
    assert c.number in monthly
    xlsx = client.get("/complaints/monthly.xlsx", {"month": month})
    assert xlsx.status_code == 200
    reports = client.get("/reports/").content.decode()
    assert "/complaints/monthly/" in reports


def test_a_customers_page_lists_his_complaints(client, team):
    from django.urls import reverse

    from aftersales.customers.tests.factories import CustomerFactory

    customer = CustomerFactory(service_centre=team.centre, name="申先生")
    older = new_complaint(team, customer=customer, description="阀门漏水，已经第三次")
    newer = new_complaint(team, customer=customer, description="面板显示乱码")
    drive(older, team, Status.CLOSED)
    quiet = CustomerFactory(service_centre=team.centre)
    _login(client, team.agent)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    panel = html.split('data-panel="customer-complaints"', 1)[1].split("</section>", 1)[0]
    assert panel.index(newer.number) < panel.index(older.number)  # newest first
    assert "面板显示乱码" in panel and "(2)" in panel
    html = client.get(reverse("customers:detail", args=[quiet.pk])).content.decode()
    assert 'data-panel="customer-complaints"' not in html  # none: no empty section
