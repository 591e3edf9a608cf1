"""The demo's complaints: seeded through the services, every state of the route shown."""

import random

import pytest
from django.db import transaction

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.demo.clock import SimulatedClock
from aftersales.demo.complaints_seed import seed_complaints

from ..models import Complaint, Inquiry, Penalty

pytestmark = pytest.mark.django_db


def test_seed_complaints():
    admin = UserFactory(username="admin-cp", role=Role.ADMIN, service_centre=None,
                        is_superuser=True)
    agent = UserFactory(username="agent-cp", role=Role.AGENT)
    for _ in range(5):
        CustomerFactory(service_centre=agent.service_centre)
    with SimulatedClock() as clock, transaction.atomic():
        seed_complaints(random.Random(7), admin, clock)
    statuses = sorted(Complaint.objects.values_list("status", flat=True))
    assert statuses == ["closed", "closed", "manufacturing", "negotiation", "qa", "registered",
                        "registered"]
    assert Inquiry.objects.filter(step__code="qa").exists()
    assert Penalty.objects.filter(kind="warning").count() == 1
    assert Complaint.objects.filter(reopened_from__isnull=False).count() == 1
