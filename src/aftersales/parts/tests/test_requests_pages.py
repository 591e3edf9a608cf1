"""Material request pages and API: the technician's form and list, the store's queue and steps,
the print views, /api/v1/material-requests/ with idempotency, access (404 for another's)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from aftersales.accounts.tests.factories import ServiceCentreFactory
from aftersales.parts.models import MaterialRequest
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.selectors import stock_on_hand
from aftersales.service.tests.factories import Cast

from .test_requests import Stores, _job, _request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock_at):
    clock_at(10, 0, day=date(2026, 11, 20))
    return Stores(Cast())


def _post(client, url, data):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_technician_requests_parts_from_his_job_page(world, client):
    cast, job = world.cast, _job(world)
    client.force_login(cast.technician)
    page = client.get(reverse("field:job", args=[job.pk]))
    assert reverse("parts:material_request_new_for_job", args=[job.pk]).encode() in page.content
    url = reverse("parts:material_request_new_for_job", args=[job.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code_0": "IGN-02", "quantity_0": "2", "code_1": "VLV-01",
                                 "note": "急用"})
    material = MaterialRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("parts:material_request",
                                                                    args=[material.pk])
    assert sorted((line.part.code, line.quantity) for line in material.lines.all()) == [
        ("IGN-02", 2), ("VLV-01", 1)]
    mine = client.get(reverse("parts:material_requests"))
    assert material.number.encode() in mine.content


def test_an_unknown_part_or_bad_quantity_is_shown_on_the_form(world, client):
    cast, job = world.cast, _job(world)
    client.force_login(cast.technician)
    url = reverse("parts:material_request_new_for_job", args=[job.pk])
    with translation.override("en"):
        response = client.post(url, {"code_0": "NOPE", "quantity_0": "1"},
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and b"NOPE" in response.content
        response = client.post(url, {"code_0": "IGN-02", "quantity_0": "1.5"})
        assert response.status_code == 200 and b"data-error" in response.content
    assert not MaterialRequest.objects.exists()


def test_another_technicians_job_is_404(world, client):
    other = Cast(ServiceCentreFactory())
    job = _job(world)
    client.force_login(other.technician)
    assert client.get(reverse("parts:material_request_new_for_job",
                              args=[job.pk])).status_code == 404
    material = _request(world, job)
    assert client.get(reverse("parts:material_request", args=[material.pk])).status_code == 404


def test_the_store_approves_picks_and_ships_from_its_queue_and_prints(world, client):
    cast = world.cast
    material = _request(world, _job(world))
    client.force_login(cast.supervisor)
    queue = client.get(reverse("parts:material_requests"))
    assert material.number.encode() in queue.content
    step = lambda name, **data: client.post(  # noqa: E731
        reverse("parts:material_request_step", args=[material.pk, name]), data)
    assert step("approve").status_code == 302
    line = material.lines.get()
    step("pick", **{f"picked_{line.pk}": "1"})
    pick_list = client.get(reverse("parts:material_request_pick_list", args=[material.pk]))
    assert pick_list.status_code == 200 and material.number.encode() in pick_list.content
    assert client.get(reverse("parts:material_request_shipping_order",
                              args=[material.pk])).status_code == 404  # not shipped yet
    step("ship")
    material.refresh_from_db()
    assert (material.status, material.shipping_number) == (S.SHIPPED, "SO26110001")
    order = client.get(reverse("parts:material_request_shipping_order", args=[material.pk]))
    assert b"SO26110001" in order.content
    assert stock_on_hand(warehouse=world.van, part=world.part) == 1
    step("ship")  # a second tap: a message, nothing moves again
    assert stock_on_hand(warehouse=world.van, part=world.part) == 1
    client.force_login(cast.technician)
    detail = client.get(reverse("parts:material_request", args=[material.pk]))
    assert b'data-step="receive"' in detail.content
    client.post(reverse("parts:material_request_step", args=[material.pk, "receive"]))
    material.refresh_from_db()
    assert material.status == S.RECEIVED


def test_another_centres_supervisor_gets_404_and_may_not_step(world, client):
    material = _request(world, _job(world))
    other = Cast(ServiceCentreFactory())
    client.force_login(other.supervisor)
    assert material.number.encode() not in client.get(reverse("parts:material_requests")).content
    assert client.post(reverse("parts:material_request_step",
                               args=[material.pk, "approve"])).status_code == 404
    client.force_login(world.cast.technician)  # his own request, but not the store
    assert client.post(reverse("parts:material_request_step",
                               args=[material.pk, "approve"])).status_code == 403
    material.refresh_from_db()
    assert material.status == S.REQUESTED


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_create_is_idempotent_and_steps_are_posts(world):
    cast, job = world.cast, _job(world)
    api = _api(cast.technician)
    body = {"request": job.pk, "lines": [{"part": world.part.pk, "quantity": "2"}]}
    first = api.post("/api/v1/material-requests/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="mr-1")
    again = api.post("/api/v1/material-requests/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="mr-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert MaterialRequest.objects.count() == 1
    assert first.data["number"] == "MR26110001" and first.data["status"] == S.REQUESTED
    pk = first.data["id"]
    assert api.get(f"/api/v1/material-requests/{pk}/").status_code == 200
    assert api.post(f"/api/v1/material-requests/{pk}/approve/").status_code == 403
    store = _api(cast.supervisor)
    approved = store.post(f"/api/v1/material-requests/{pk}/approve/").data
    assert approved["status"] == S.APPROVED
    assert approved["lines"][0]["reserved_quantity"] == "2.000"  # the store holds 5
    line = first.data["lines"][0]["id"]
    picked = store.post(f"/api/v1/material-requests/{pk}/pick/",
                        {"picked": {str(line): "1"}}, format="json")
    assert picked.data["lines"][0]["picked_quantity"] == "1.000"
    assert picked.data["lines"][0]["reserved_quantity"] == "1.000"  # the other one is free
    shipped = store.post(f"/api/v1/material-requests/{pk}/ship/", HTTP_IDEMPOTENCY_KEY="s-1")
    replay = store.post(f"/api/v1/material-requests/{pk}/ship/", HTTP_IDEMPOTENCY_KEY="s-1")
    assert shipped.data["shipping_number"] == replay.data["shipping_number"] == "SO26110001"
    conflict = store.post(f"/api/v1/material-requests/{pk}/ship/")
    assert conflict.status_code == 409
    assert stock_on_hand(warehouse=world.van, part=world.part) == 1
    assert api.post(f"/api/v1/material-requests/{pk}/receive/").data["status"] == S.RECEIVED


def test_api_bad_input_and_access(world):
    cast, job = world.cast, _job(world)
    other = Cast(ServiceCentreFactory())
    bad = _api(cast.technician).post(
        "/api/v1/material-requests/",
        {"request": job.pk, "lines": [{"part": world.part.pk, "quantity": "0.5"}]},
        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "whole" in str(bad.data)
    foreign = _api(other.technician).post(
        "/api/v1/material-requests/",
        {"request": job.pk, "lines": [{"part": world.part.pk, "quantity": "1"}]}, format="json")
    assert foreign.status_code == 400 and "request" in foreign.data  # a job he cannot see
    material = _request(world, job)
    assert _api(other.supervisor).get(
        f"/api/v1/material-requests/{material.pk}/").status_code == 404
    assert _api(other.supervisor).post(
        f"/api/v1/material-requests/{material.pk}/approve/").status_code == 404
    assert _api(other.technician).get("/api/v1/material-requests/").data["count"] == 0


def test_the_desks_request_page_lists_the_jobs_material_requests(world, client):
    job = _job(world)
    material = _request(world, job)
    client.force_login(world.cast.agent)
    page = client.get(reverse("service:detail", args=[job.pk]))
    assert b'id="material-requests"' in page.content and material.number.encode() in page.content


def test_the_service_department_sees_every_centres_queue_and_filters_by_centre(world, client):
    material = _request(world, _job(world))
    other = Cast(ServiceCentreFactory())
    client.force_login(world.cast.manager)
    url = reverse("parts:material_requests")
    assert material.number.encode() in client.get(url).content
    assert material.number.encode() in client.get(url, {"centre": world.cast.centre.pk}).content
    assert material.number.encode() not in client.get(url, {"centre": other.centre.pk}).content
    assert client.get(url, {"centre": "x", "status": "nonsense"}).status_code == 200


def test_a_supervisor_requests_parts_from_the_desks_request_page(world, client):
    job = _job(world)
    client.force_login(world.cast.supervisor)
    page = client.get(reverse("service:detail", args=[job.pk]))
    link = reverse("parts:material_request_new_for_job", args=[job.pk])
    assert link.encode() in page.content
    client.post(link, {"code_0": "VLV-01", "quantity_0": "1"})
    material = MaterialRequest.objects.get()
    assert (material.requested_by, material.destination) == (world.cast.supervisor, world.van)
    client.force_login(world.cast.agent)  # an agent sees the list, without the link
    page = client.get(reverse("service:detail", args=[job.pk]))
    assert material.number.encode() in page.content and link.encode() not in page.content


def test_the_admin_shows_material_requests_read_only(world, admin_client):
    material = _request(world, _job(world))
    page = admin_client.get(reverse("admin:parts_materialrequest_change", args=[material.pk]))
    assert page.status_code == 200 and b"IGN-02" in page.content
    assert admin_client.get(reverse("admin:parts_materialrequest_add")).status_code == 403


def test_the_form_offers_the_parts_that_fit_the_jobs_product(world, client):
    from aftersales.customers.tests.factories import ProductModelFactory
    from aftersales.parts.tests.factories import PartFactory

    job = _job(world)
    world.part.fits.add(job.installed_product.model)  # IGN-02 fits; VLV-01 fits any
    PartFactory(code="OTHER-9").fits.add(ProductModelFactory())
    client.force_login(world.cast.technician)
    page = client.get(reverse("parts:material_request_new_for_job", args=[job.pk])).content
    assert b'<option value="IGN-02">' in page and b'<option value="VLV-01">' in page
    assert b"OTHER-9" not in page
