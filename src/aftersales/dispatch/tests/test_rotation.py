"""Rotation (DS-2): in turn, equal chances, skipping who lacks the skill or is out — with reasons."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.events import event_list
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.dispatch.choices import TechnicianStatus
from aftersales.dispatch.models import Certificate, Skill, TechnicianProfile
from aftersales.dispatch.rotation import service_request_assign_next
from aftersales.service import services
from aftersales.service.tests.factories import Cast, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew():
    cast = Cast()
    heater = Skill.objects.create(code="water_heater", name="热水器")
    cast.technician.is_active = False  # the Cast's own technician is not in this crew
    cast.technician.save()
    techs = []
    for i in range(4):
        user = UserFactory(username=f"crew{i}", role=Role.TECHNICIAN, service_centre=cast.centre)
        profile = TechnicianProfile.objects.create(user=user, rotation_rank=i, daily_capacity=50)
        profile.skills.add(heater)
        techs.append(user)
    return cast, techs


def _job(cast, category="water_heater"):
    customer = CustomerFactory(service_centre=cast.centre)
    model = ProductModelFactory(code=f"M-{category}", category=category)
    return new_request(cast, customer=customer, product=InstalledProductFactory(customer=customer, model=model))


def _assign(cast, request):
    return service_request_assign_next(actor=cast.supervisor, request=request)


def test_jobs_go_round_in_turn_with_equal_chances(crew):
    cast, techs = crew
    chosen = [_assign(cast, _job(cast)).assigned_technician for _ in range(12)]
    assert chosen[:4] == techs
    assert Counter(chosen) == {t: 3 for t in techs}


def test_skip_rule_records_why(crew):
    cast, techs = crew
    TechnicianProfile.objects.filter(user=techs[0]).update(status=TechnicianStatus.ON_SITE)
    gas = Skill.objects.create(code="gas_stove", name="燃气灶", needs_certificate=True)
    for tech in techs[1:3]:
        tech.technician.skills.add(gas)
    Certificate.objects.create(technician=techs[1].technician, skill=gas,
                               expires_on=timezone.localdate() - timedelta(days=1))
    Certificate.objects.create(technician=techs[2].technician, skill=gas,
                               expires_on=timezone.localdate() + timedelta(days=300))
    request = _assign(cast, _job(cast, category="gas_stove"))
    assert request.assigned_technician == techs[2]
    data = event_list(request).get(action="assign").data
    reasons = {row["technician"]: row["reason"] for row in data["skipped"]}
    assert set(reasons) == {techs[0].pk, techs[1].pk}
    assert "燃气灶" in reasons[techs[1].pk] or "gas_stove" in reasons[techs[1].pk]
    assert data["rotation"] is True


def test_skipped_technician_gets_the_next_turn_he_can_take(crew):
    cast, techs = crew
    TechnicianProfile.objects.filter(user=techs[0]).update(status=TechnicianStatus.OFF)
    assert _assign(cast, _job(cast)).assigned_technician == techs[1]
    TechnicianProfile.objects.filter(user=techs[0]).update(status=TechnicianStatus.AVAILABLE)
    assert [_assign(cast, _job(cast)).assigned_technician for _ in range(3)] == [techs[2], techs[3], techs[0]]


def test_status_follows_the_job(crew):
    cast, techs = crew
    request = _assign(cast, _job(cast))
    tech = request.assigned_technician
    services.service_request_depart(actor=tech, request=request)
    assert TechnicianProfile.objects.get(user=tech).status == TechnicianStatus.EN_ROUTE
    services.service_request_arrive(actor=tech, request=request)
    assert TechnicianProfile.objects.get(user=tech).status == TechnicianStatus.ON_SITE
    # Out on a job: the rotation passes him by.
    assert _assign(cast, _job(cast)).assigned_technician != tech


def test_nobody_available_is_a_clear_error(crew):
    cast, techs = crew
    TechnicianProfile.objects.update(status=TechnicianStatus.OFF)
    request = _job(cast)
    with pytest.raises(ValidationError) as err:
        _assign(cast, request)
    assert all(str(t) in str(err.value) for t in techs)
    request.refresh_from_db()
    assert request.assigned_technician is None and request.status == "registered"


def test_capacity_counts(crew):
    cast, techs = crew
    TechnicianProfile.objects.update(daily_capacity=1)
    for _ in range(4):
        _assign(cast, _job(cast))
    with pytest.raises(ValidationError):
        _assign(cast, _job(cast))


def test_a_missing_skill_is_named_not_coded(crew):
    """Nobody holds the category's skill: the reason names it as people do (its name, or the
    product models of the category), never by its code."""
    cast, techs = crew
    Skill.objects.create(code="gas_stove", name="燃气灶")
    request = _job(cast, category="gas_stove")
    with pytest.raises(ValidationError) as error:
        _assign(cast, request)
    assert "燃气灶" in " ".join(error.value.messages)
    assert "gas_stove" not in " ".join(error.value.messages)
