"""Deadlines and rotation on the desk pages."""

import pytest
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.dispatch.choices import ClockState
from aftersales.dispatch.models import Skill, TechnicianProfile
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_request_page_shows_time_left_and_pauses_with_a_reason():
    cast = Cast()
    request = new_request(cast)
    client = _client(cast.agent)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-clock="arrival"' in page and 'data-state="running"' in page
    client.post(f"/requests/{request.pk}/clocks/pause/", {"reason": ""})
    assert request.clocks.get().state == ClockState.RUNNING  # a reason is required
    client.post(f"/requests/{request.pk}/clocks/pause/", {"reason": "客户出差，下周一再约"})
    assert request.clocks.get().state == ClockState.PAUSED
    client.post(f"/requests/{request.pk}/clocks/resume/", {"reason": ""})
    assert request.clocks.get().state == ClockState.RUNNING
    technician = _client(cast.technician)
    assert technician.post(f"/requests/{request.pk}/clocks/pause/", {"reason": "x"}).status_code == 403


def test_queue_assigns_next_in_turn_and_says_who_was_skipped():
    cast = Cast()
    skill = Skill.objects.create(code="water_heater", name="热水器")
    busy = TechnicianProfile.objects.create(user=cast.technician, rotation_rank=0, status="on_site")
    busy.skills.add(skill)
    free_user = UserFactory(username="free-tech", role=Role.TECHNICIAN, service_centre=cast.centre)
    TechnicianProfile.objects.create(user=free_user, rotation_rank=1).skills.add(skill)
    request = new_request(cast)
    client = _client(cast.supervisor)
    page = client.get("/dispatch/").content.decode()
    assert "data-at-risk" in page and 'value="rotation"' in page
    response = client.post(f"/dispatch/{request.pk}/assign/",
                           {"mode": "rotation", "version": request.version, "centre": cast.centre.pk},
                           HTTP_HX_REQUEST="true")
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED and request.assigned_technician == free_user
    assert str(cast.technician) in response.content.decode()  # skipped, with the reason
