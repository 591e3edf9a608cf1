"""The demo's dealer network seeds on a small world like the demo's: three dealers with logins,
their past work, jobs handed over today, one overdue report, last month's audit sample."""

import random

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.demo.clock import SimulatedClock
from aftersales.demo.dealers_seed import seed_dealers
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.parts.services import stock_move
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services as requests

from ..choices import ReportState
from ..models import AuditSample, Dealer, DealerJob, DealerTraining, MonthlyReport

pytestmark = pytest.mark.django_db


def test_seed_dealers():
    centres = {code: ServiceCentreFactory(code=code) for code in ("PD", "SJ")}
    admin = UserFactory(username="admin", role=Role.ADMIN, service_centre=None, is_superuser=True)
    manager = UserFactory(username="manager", role=Role.MANAGER, service_centre=None)
    for code, centre in centres.items():
        UserFactory(username=f"sup-{code}", role=Role.SUPERVISOR, service_centre=centre)
    central = Warehouse.objects.create(code="HQ", name="总部中心仓", kind=WarehouseKind.CENTRAL)
    for n in range(3):
        stock_move(actor=admin, warehouse=central, part=PartFactory(code=f"P{n}"),
                   kind=MoveKind.RECEIPT, quantity=50)
    for town in ("泗泾镇", "车墩镇", "川沙新镇", "九亭镇", "方松街道"):
        centre = centres["PD" if town == "川沙新镇" else "SJ"]
        for n in range(3):
            customer = CustomerFactory(address=f"上海市{town}某路{n}号", service_centre=centre)
            requests.service_request_create(actor=admin, customer=customer,
                                            description="不出热水", service_centre=centre,
                                            customer_agreed=True)
    with SimulatedClock() as clock:
        seed_dealers(random.Random(3), clock, admin, manager)
    assert Dealer.objects.count() == 3
    assert set(Dealer.objects.values_list("logins__user__username", flat=True)) == {
        "dealer1", "dealer2", "dealer3"}
    assert DealerJob.objects.filter(source="handed").count() == 6  # two per dealer
    assert set(DealerTraining.objects.values_list("dealer__code", flat=True)) == set(
        Dealer.objects.values_list("code", flat=True))
    assert DealerJob.objects.filter(source="own", state="completed").count() >= 9
    overdue = MonthlyReport.objects.filter(state=ReportState.DUE, dealer__code="DL-SJ02")
    assert overdue.exists()
    assert AuditSample.objects.exists()
    assert Warehouse.objects.filter(kind=WarehouseKind.DEALER).count() == 3
