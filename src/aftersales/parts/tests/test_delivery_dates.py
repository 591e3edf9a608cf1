"""The delivery date (PT-2: "shipping order once the delivery date is confirmed"): the store
confirms the day it ships an approved or picked request, or moves it; whoever waits for the parts
is told; a request past its date and not shipped is late, on its page, the list and its filter;
the API posts it as a step."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aftersales.core.events import event_list
from aftersales.core.exceptions import IllegalTransition, PermissionDenied, StaleWrite
from aftersales.core.models import Notification
from aftersales.parts import services
from aftersales.parts.models import MaterialRequestStatus as S
from aftersales.parts.selectors_requests import material_request_list
from aftersales.service.tests.factories import Cast

from .test_requests import Stores, _job, _request

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture
def world(clock_at):
    clock_at(10, 0, day=TODAY)
    with translation.override("zh-hans"):  # the notices and refusals read in Chinese
        yield Stores(Cast())


def _approved(world):
    material = _request(world, _job(world))
    return services.material_request_approve(actor=world.cast.supervisor,
                                             material_request=material)


def test_the_store_confirms_and_moves_the_day_and_the_requester_is_told(world):
    cast = world.cast
    material = _approved(world)
    material = services.material_request_promise(
        actor=cast.supervisor, material_request=material, delivery_date="2026-11-23",
        expected_version=material.version)
    assert material.delivery_date == date(2026, 11, 23)
    material = services.material_request_promise(
        actor=cast.supervisor, material_request=material, delivery_date=date(2026, 11, 25),
        note="供应商晚到")
    promises = [e for e in event_list(material) if e.action == "promise"]
    assert [e.data for e in promises] == [{"from": None, "to": "2026-11-23"},
                                          {"from": "2026-11-23", "to": "2026-11-25"}]
    assert promises[1].note == "供应商晚到"
    told = list(Notification.objects.filter(user=cast.technician).order_by("pk")
                .values_list("text", flat=True))
    assert told == [f"{material.number} 将于 2026-11-23 发货。",
                    f"{material.number} 改为 2026-11-25 发货（原定 2026-11-23）。"]
    # the same day again changes nothing and tells nobody
    services.material_request_promise(actor=cast.supervisor, material_request=material,
                                      delivery_date="2026-11-25")
    assert Notification.objects.filter(user=cast.technician).count() == 2


def test_refused_before_approval_after_shipping_in_the_past_stale_or_not_the_store(world):
    cast = world.cast
    requested = _request(world, _job(world))
    with pytest.raises(IllegalTransition):
        services.material_request_promise(actor=cast.supervisor, material_request=requested,
                                          delivery_date="2026-11-23")
    material = _approved(world)
    with pytest.raises(ValidationError) as error:
        services.material_request_promise(actor=cast.supervisor, material_request=material,
                                          delivery_date="2026-11-19")
    assert error.value.message_dict == {"delivery_date": ["交货日期不能早于今天。"]}
    with pytest.raises(ValidationError) as error:
        services.material_request_promise(actor=cast.supervisor, material_request=material,
                                          delivery_date="23/11")
    assert "YYYY-MM-DD" in error.value.message_dict["delivery_date"][0]
    with pytest.raises(StaleWrite):
        services.material_request_promise(actor=cast.supervisor, material_request=material,
                                          delivery_date="2026-11-23",
                                          expected_version=material.version - 1)
    with pytest.raises(PermissionDenied):
        services.material_request_promise(actor=cast.technician, material_request=material,
                                          delivery_date="2026-11-23")
    material.refresh_from_db()
    assert material.delivery_date is None
    services.material_request_pick(actor=cast.supervisor, material_request=material)
    material = services.material_request_ship(actor=cast.supervisor, material_request=material)
    with pytest.raises(IllegalTransition):
        services.material_request_promise(actor=cast.supervisor, material_request=material,
                                          delivery_date="2026-11-23")


def test_past_its_day_and_not_shipped_it_is_late_on_the_list_and_its_filter(world, client,
                                                                            clock_at):
    cast = world.cast
    late = services.material_request_promise(actor=cast.supervisor,
                                             material_request=_approved(world),
                                             delivery_date="2026-11-21")
    on_time = services.material_request_promise(actor=cast.supervisor,
                                                material_request=_approved(world),
                                                delivery_date="2026-11-24")
    assert not late.delivery_late
    clock_at(9, 0, day=date(2026, 11, 22))
    late.refresh_from_db()
    assert late.delivery_late and not on_time.delivery_late
    rows = material_request_list(user=cast.supervisor, status="late")
    assert [m.number for m in rows] == [late.number]
    client.force_login(cast.supervisor)
    page = client.get(reverse("parts:material_requests"), {"status": "late"}).content.decode()
    assert late.number in page and on_time.number not in page and "data-late" in page
    home = client.get(reverse("parts:home")).content.decode()
    assert "data-late><b>1</b>" in home
    detail = client.get(reverse("parts:material_request", args=[late.pk])).content.decode()
    assert "data-delivery-date>2026-11-21" in detail and "data-promise" in detail
    # the page's form moves it
    response = client.post(reverse("parts:material_request_step", args=[late.pk, "promise"]),
                           {"delivery_date": "2026-11-23", "version": late.version})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.delivery_date == date(2026, 11, 23) and not late.delivery_late


def test_the_api_confirms_the_day_as_a_step(world):
    from rest_framework.test import APIClient

    material = _approved(world)
    api = APIClient()
    api.force_authenticate(world.cast.supervisor)
    url = f"/api/v1/material-requests/{material.pk}/promise/"
    answer = api.post(url, {"delivery_date": "2026-11-24"}, format="json",
                      HTTP_IDEMPOTENCY_KEY="p-1")
    assert answer.status_code == 200, answer.content
    assert answer.data["delivery_date"] == "2026-11-24" and answer.data["status"] == S.APPROVED
    bad = api.post(url, {"delivery_date": "2026-11-01"}, format="json")
    assert bad.status_code == 400 and "delivery_date" in bad.data
