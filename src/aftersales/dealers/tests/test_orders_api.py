"""A dealer's parts orders through /api/v1/material-requests/: the dealer's system places them
(idempotent), reads its own only, receives them; the back office records the payment
(``…/payments/``), which a dealer cannot; the amounts in the answer."""

from decimal import Decimal

import pytest

from aftersales.parts import services as parts
from aftersales.parts.models import MaterialRequest, MaterialRequestPayment

from . import test_orders
from .test_api import client_for
from .test_orders import handed

pytestmark = pytest.mark.django_db
URL = "/api/v1/material-requests/"


net = test_orders.net  # the same world as the services' tests


def test_a_dealer_system_orders_pays_through_the_back_office_and_receives(net):
    api = client_for(net["u1"])
    body = {"lines": [{"part": net["part"].pk, "quantity": "3"}], "note": "补库存"}
    first = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    again = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert first.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"] and MaterialRequest.objects.count() == 1
    order = first.json()
    assert (order["dealer"], order["chargeable"], order["amount_due"], order["amount_paid"]) == (
        net["d1"].pk, True, "60.00", "0.00")
    assert order["lines"][0]["unit_price"] == "20.00"
    assert [o["id"] for o in api.get(URL).json()["results"]] == [order["id"]]
    assert client_for(net["u2"]).get(f"{URL}{order['id']}/").status_code == 404

    material = MaterialRequest.objects.get()
    manager = net["cast"].manager
    parts.material_request_pick(actor=manager, material_request=parts.material_request_approve(
        actor=manager, material_request=material))
    pay = {"amount": "60.00", "method": "transfer", "reference": "BANK-5"}
    assert api.post(f"{URL}{order['id']}/payments/", pay, format="json").status_code == 403
    back_office = client_for(net["accountant"])
    paid = back_office.post(f"{URL}{order['id']}/payments/", pay, format="json",
                            HTTP_IDEMPOTENCY_KEY="pay-1")
    assert paid.status_code == 201, paid.content
    assert paid.json()["amount_paid"] == "60.00"
    assert paid.json()["payments"][0]["reference"] == "BANK-5"
    again = back_office.post(f"{URL}{order['id']}/payments/", pay, format="json",
                             HTTP_IDEMPOTENCY_KEY="pay-1")
    assert again.status_code == 201 and MaterialRequestPayment.objects.count() == 1
    over = back_office.post(f"{URL}{order['id']}/payments/", {**pay, "amount": "0.01"},
                            format="json")
    assert over.status_code == 400 and "amount" in over.json()

    assert client_for(manager).post(f"{URL}{order['id']}/ship/", {}, format="json"
                                    ).status_code == 200
    received = api.post(f"{URL}{order['id']}/receive/", {}, format="json")
    assert received.status_code == 200 and received.json()["status"] == "received"


def test_a_job_order_through_the_api_is_free_in_warranty_and_refused_to_staff(net):
    job = handed(net)
    api = client_for(net["u1"])
    body = {"dealer_job": job.pk, "lines": [{"part": net["part"].pk, "quantity": "1"}]}
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["chargeable"], response.json()["amount_due"]) == (False, None)
    staff = client_for(net["cast"].manager).post(URL, body, format="json")
    assert staff.status_code == 400 and "dealer_job" in staff.json()
    other = client_for(net["u2"]).post(URL, body, format="json")
    assert other.status_code == 400  # not its job: "does not exist"
    assert MaterialRequest.objects.count() == 1
    assert Decimal(parts.order_due(MaterialRequest.objects.get())) == 0
