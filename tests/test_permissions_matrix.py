"""Role × endpoint matrix: every allowed cell works, every denied cell is refused and changes
nothing (house style: permission tests check that a denied action changed nothing)."""

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import Event, ObjectChange
from aftersales.customers.models import Customer, ProductModel
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.dealers.services import job_hand_to_dealer
from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.tests.factories import Cast, drive, new_request

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer_own", "customer_other", "agent_a", "agent_b", "supervisor_a",
         "supervisor_b", "technician_assigned", "technician_other", "manager", "admin",
         "dealer_region"]


@pytest.fixture
def world():
    a, b = Cast(), Cast()
    owner = UserFactory(username="owner", role=Role.CUSTOMER, service_centre=None)
    stranger = UserFactory(username="stranger", role=Role.CUSTOMER, service_centre=None)
    customer = CustomerFactory(service_centre=a.centre, user=owner)
    CustomerFactory(service_centre=a.centre, user=stranger)
    registered = new_request(a, customer=customer)
    assigned = drive(new_request(a, customer=customer), a, Status.ASSIGNED)
    completed = drive(new_request(a, customer=customer), a, Status.COMPLETED)
    users = {
        "anonymous": None, "customer_own": owner, "customer_other": stranger,
        "agent_a": a.agent, "agent_b": b.agent, "supervisor_a": a.supervisor,
        "supervisor_b": b.supervisor, "technician_assigned": a.technician,
        "technician_other": UserFactory(username="tech-a2", role=Role.TECHNICIAN, service_centre=a.centre),
        "manager": a.manager, "admin": UserFactory(username="adm", role=Role.ADMIN, service_centre=None),
        # a dealer's login of the customer's own region: still no staff endpoint (dealers' API only)
        "dealer_region": dealer_login(dealer_make("DM", "经销商", region_make(
            "RM", "浦东", "浦东新区"), centre=a.centre), "dealer-m"),
    }
    return {"users": users, "customer": customer, "registered": registered, "assigned": assigned,
            "completed": completed, "tech": a.technician}


def fingerprint():
    return (
        ServiceRequest.objects.count(), Customer.objects.count(), ProductModel.objects.count(),
        Event.objects.count(), ObjectChange.objects.count(),
        ServiceRequest.objects.aggregate(v=Sum("version"))["v"],
        Customer.objects.aggregate(v=Sum("version"))["v"],
        tuple(ServiceRequest.objects.order_by("pk").values_list("status", flat=True)),
    )


CELLS = {
    # name: (method, url builder, body builder, roles allowed); customers have the portal, and no
    # API endpoint at all (issue 9 item 8)
    "request_detail": ("get", lambda w: f"/api/v1/service-requests/{w['assigned'].pk}/", None,
                       {"agent_a", "supervisor_a", "technician_assigned", "manager", "admin"}),
    "request_create": ("post", lambda w: "/api/v1/service-requests/",
                       lambda w: {"customer": w["customer"].pk, "channel": "phone", "description": "新"},
                       # any desk takes a call, for its own centre
                       {"agent_a", "agent_b", "supervisor_a", "supervisor_b",
                        "manager", "admin"}),
    "request_edit": ("patch", lambda w: f"/api/v1/service-requests/{w['assigned'].pk}/",
                     lambda w: {"description": "改了"},
                     {"agent_a", "supervisor_a", "technician_assigned", "manager", "admin"}),
    "request_assign": ("post", lambda w: f"/api/v1/service-requests/{w['registered'].pk}/assign/",
                       lambda w: {"technician": w["tech"].pk}, {"supervisor_a", "manager", "admin"}),
    "request_depart": ("post", lambda w: f"/api/v1/service-requests/{w['assigned'].pk}/depart/",
                       lambda w: {}, {"technician_assigned", "supervisor_a", "admin"}),
    "request_close": ("post", lambda w: f"/api/v1/service-requests/{w['completed'].pk}/close/",
                      lambda w: {}, {"agent_a", "supervisor_a", "manager", "admin"}),
    "request_events": ("get", lambda w: f"/api/v1/service-requests/{w['assigned'].pk}/events/", None,
                       {"agent_a", "supervisor_a", "technician_assigned", "manager", "admin"}),
    "customer_create": ("post", lambda w: "/api/v1/customers/",
                        lambda w: {"name": "新客户", "phone": "13911112222", "address": "上海",
                                   "region_kind": "urban", "kind": "individual"},
                        {"agent_a", "agent_b", "supervisor_a", "supervisor_b", "manager", "admin"}),
    "customer_edit": ("patch", lambda w: f"/api/v1/customers/{w['customer'].pk}/",
                      lambda w: {"address": "新地址"},
                      {"agent_a", "agent_b", "supervisor_a", "supervisor_b",
                       "technician_assigned", "manager", "admin"}),
    "model_create": ("post", lambda w: "/api/v1/product-models/",
                     lambda w: {"code": "NEW-1", "name": "新型号", "category": "water_heater",
                                "warranty_months": 12}, {"manager", "admin"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cell", list(CELLS))
def test_matrix(world, role, cell):
    method, url, body, allowed = CELLS[cell]
    client = APIClient()
    user = world["users"][role]
    if user is not None:
        client.force_authenticate(user)
    before = fingerprint()
    kwargs = {"format": "json"} if body else {}
    response = getattr(client, method)(url(world), body(world) if body else None, **kwargs)
    if role in allowed:
        assert response.status_code in (200, 201), (role, cell, response.status_code, response.content)
    else:
        # 400 only where the body names an object this user cannot see ("does not exist").
        refused = (401, 403, 404, 400) if cell == "request_create" else (401, 403, 404)
        assert response.status_code in refused, (role, cell, response.status_code, response.content)
        assert fingerprint() == before, f"{role} changed data through {cell}"


@pytest.mark.parametrize(("role", "visible"), [
    ("customer_own", None), ("customer_other", None), ("agent_a", 3), ("agent_b", 0),
    ("supervisor_a", 3), ("technician_assigned", 2), ("technician_other", 0), ("manager", 3),
    ("admin", 3), ("dealer_region", None),
])
def test_list_shows_only_what_each_role_may_see(world, role, visible):
    client = APIClient()
    client.force_authenticate(world["users"][role])
    response = client.get("/api/v1/service-requests/")
    if visible is None:  # a customer: no API
        assert response.status_code == 403
    else:
        assert response.json()["count"] == visible


def test_a_dealer_sees_only_its_own_region():
    """Two dealers of two regions: each login sees its region's customers, the jobs handed to
    its dealer and its dealer's stock — never the other's (run on both databases)."""
    cast = Cast()
    east = dealer_make("DE", "浦东经销商", region_make("RE", "浦东", "浦东新区"), centre=cast.centre)
    west = dealer_make("DW", "闵行经销商", region_make("RW", "闵行", "闵行区"), centre=cast.centre)
    users = {"east": dealer_login(east, "dealer-e"), "west": dealer_login(west, "dealer-w")}
    customers = {"east": CustomerFactory(address="上海市浦东新区张江路1号"),
                 "west": CustomerFactory(address="上海市闵行区莘庄路2号")}
    CustomerFactory(address="上海市徐汇区漕溪路3号")  # nobody's region
    jobs = {}
    for side, dealer in (("east", east), ("west", west)):
        jobs[side] = new_request(cast, customer=customers[side])
        job_hand_to_dealer(actor=cast.supervisor, job=jobs[side], dealer=dealer)
        Warehouse.objects.create(code=f"S-{side}", name=side, kind=WarehouseKind.DEALER,
                                 dealer=dealer)
    new_request(cast, customer=customers["east"])  # not handed over: the desk's own job
    for side, other in (("east", "west"), ("west", "east")):
        user = users[side]
        assert list(Customer.objects.restrict(user)) == [customers[side]]
        assert list(ServiceRequest.objects.restrict(user)) == [jobs[side]]
        assert [w.code for w in Warehouse.objects.restrict(user)] == [f"S-{side}"]
        assert not ServiceRequest.objects.restrict(user).filter(pk=jobs[other].pk).exists()
