"""A dealer's parts orders on the pages: the order form (for stock, for a job from its page),
its refusals next to the form, the order's page with its prices for the dealer, the payment
recorded by the accountant, the list's filter of orders to be paid."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from aftersales.parts import services as parts
from aftersales.parts.models import MaterialRequest, MaterialRequestPayment
from aftersales.parts.models import MaterialRequestStatus as S

from .. import services
from . import test_orders
from .test_orders import handed

pytestmark = pytest.mark.django_db


net = test_orders.net  # the same world as the services' tests


def _lines(*rows):
    data = {"parts-TOTAL_FORMS": "3", "parts-INITIAL_FORMS": "0"}
    for i, (code, quantity) in enumerate(rows):
        data[f"parts-{i}-part"], data[f"parts-{i}-quantity"] = code, quantity
    return data


def test_a_dealer_orders_for_stock_and_sees_its_prices(client, net):
    client.force_login(net["u1"])
    page = client.get(reverse("dealers:order_new"))
    assert page.status_code == 200
    assert "IGN-1" in page.content.decode()  # the parts offered
    response = client.post(reverse("dealers:order_new"),
                           {**_lines(("IGN-1", "4"), ("VLV-1", "")), "note": "补库存"})
    order = MaterialRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("parts:material_request", args=[order.pk])
    assert (order.dealer, order.note, order.lines.count()) == (net["d1"], "补库存", 2)
    detail = client.get(response["Location"]).content.decode()
    assert "¥20.00" in detail and "¥128.30" in detail  # unit price, the total if all is picked
    assert " data-pay>" not in detail  # the dealer does not record payments
    listing = client.get(reverse("parts:material_requests")).content.decode()
    assert order.number in listing
    home = client.get(reverse("dealers:home")).content.decode()  # on order, on its home page
    assert f'data-order="{order.number}"' in home


def test_a_refused_order_says_why_and_saves_nothing(client, net):
    client.force_login(net["u1"])
    with translation.override("zh-hans"):
        response = client.post(reverse("dealers:order_new"), _lines(("NOPE-9", "1")),
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "NOPE-9" in response.content.decode()
    response = client.post(reverse("dealers:order_new"), _lines())
    assert response.status_code == 400
    assert not MaterialRequest.objects.exists()


def test_a_job_page_orders_its_parts_and_lists_them(client, net):
    job = handed(net)
    client.force_login(net["u1"])
    page = client.get(reverse("dealers:job", args=[job.pk])).content.decode()
    assert reverse("dealers:job_order", args=[job.pk]) in page
    response = client.post(reverse("dealers:job_order", args=[job.pk]), _lines(("IGN-1", "2")))
    assert response.status_code == 302
    order = MaterialRequest.objects.get()
    assert (order.dealer_job, order.chargeable) == (job, False)
    page = client.get(reverse("dealers:job", args=[job.pk])).content.decode()
    assert f'data-order="{order.number}"' in page
    client.force_login(net["u2"])  # another dealer: neither the job nor its order form
    assert client.get(reverse("dealers:job_order", args=[job.pk])).status_code == 404
    assert client.get(reverse("parts:material_request", args=[order.pk])).status_code == 404


def test_the_accountant_records_the_payment_on_the_order_page(client, net):
    order = services.dealer_parts_order(actor=net["u1"], lines=[(net["part"], 3)])
    manager = net["cast"].manager
    order = parts.material_request_approve(actor=manager, material_request=order)
    order = parts.material_request_pick(actor=manager, material_request=order)
    client.force_login(net["u1"])
    home = client.get(reverse("dealers:home")).content.decode()
    assert "¥60.00" in home  # picked: what it pays before it ships, on its home page
    client.force_login(net["accountant"])
    listing = client.get(reverse("parts:material_requests"), {"status": "unpaid"})
    assert order.number in listing.content.decode()
    export = client.get(reverse("parts:material_requests_export"), {"status": "unpaid"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the head and the one order waiting for its payment
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["编号"], row["经销商"], row["配件"], row["应付"], row["尚欠"]) == (
        order.number, "浦东经销商", "IGN-1 × 3", 60, 60)
    page = client.get(reverse("parts:material_request", args=[order.pk])).content.decode()
    assert " data-pay>" in page and 'value="60.00"' in page
    url = reverse("parts:material_request_payment", args=[order.pk])
    response = client.post(url, {"amount": "70", "method": "transfer"}, follow=True)
    assert "60.00" in response.content.decode()  # more than is owed: refused, saying what is
    assert not MaterialRequestPayment.objects.exists()
    client.post(url, {"amount": "60.00", "method": "transfer", "reference": "BANK-77"})
    assert MaterialRequestPayment.objects.get().reference == "BANK-77"
    page = client.get(reverse("parts:material_request", args=[order.pk])).content.decode()
    assert "BANK-77" in page and " data-pay>" not in page  # paid: no payment form
    client.force_login(net["u1"])  # a dealer's post to the payment address changes nothing
    assert client.post(url, {"amount": "1", "method": "cash"}).status_code == 403
    assert MaterialRequestPayment.objects.count() == 1
    client.force_login(manager)
    client.post(reverse("parts:material_request_step", args=[order.pk, "ship"]))
    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert parts.order_paid(order) == Decimal("60.00")
