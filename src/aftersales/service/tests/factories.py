"""Test helpers: requests created through the services, and driven to any state."""

from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Status

SIGNATURE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class Cast:
    """One service centre with a person in each role, for workflow tests."""

    def __init__(self, centre=None):
        from aftersales.accounts.tests.factories import ServiceCentreFactory

        self.centre = centre or ServiceCentreFactory()
        c = self.centre.code.lower()
        self.agent = UserFactory(username=f"agent-{c}", role=Role.AGENT, service_centre=self.centre)
        self.supervisor = UserFactory(username=f"sup-{c}", role=Role.SUPERVISOR, service_centre=self.centre)
        self.technician = UserFactory(username=f"tech-{c}", role=Role.TECHNICIAN, service_centre=self.centre)
        self.manager = UserFactory(username=f"mgr-{c}", role=Role.MANAGER, service_centre=None)


def new_request(cast: Cast, *, customer=None, product="default", **kwargs):
    customer = customer or CustomerFactory(service_centre=cast.centre)
    if product == "default":
        product = InstalledProductFactory(customer=customer)
    kwargs.setdefault("description", "热水器不点火")
    return services.service_request_create(actor=cast.agent, customer=customer,
                                           installed_product=product, **kwargs)


PATH_ON_SITE = [Status.REGISTERED, Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE]


def drive(request, cast: Cast, target: str):
    """Move a request along the usual path until it reaches ``target``."""
    steps = {
        Status.AWAITING_AGREEMENT: lambda r: services.service_request_agree(actor=cast.agent, request=r),
        Status.REGISTERED: lambda r: services.service_request_assign(
            actor=cast.supervisor, request=r, technician=cast.technician),
        Status.ASSIGNED: lambda r: services.service_request_depart(actor=cast.technician, request=r),
        Status.EN_ROUTE: lambda r: services.service_request_arrive(actor=cast.technician, request=r),
        Status.COMPLETED: lambda r: services.service_request_close(actor=cast.agent, request=r),
        Status.CARRIED_IN: lambda r: _finish_repair(r, cast),
        Status.REPAIRED: lambda r: services.service_request_inspect(
            actor=cast.supervisor, request=r, passed=True),
        Status.INSPECTED: lambda r: services.service_request_hand_back(
            actor=cast.agent, request=r, signer_name="张三", signature=SIGNATURE),
    }
    carry = target in {Status.CARRIED_IN, Status.REPAIRED, Status.INSPECTED}
    for _ in range(12):
        request.refresh_from_db()
        if request.status == target:
            return request
        if request.status == Status.ON_SITE:
            _record(request, cast)
            if carry:
                services.service_request_carry_in(
                    actor=cast.technician, request=request, items="热水器主机一台",
                    signer_name="张三", signature=SIGNATURE)
            else:
                services.service_request_complete(
                    actor=cast.technician, request=request, signer_name="张三",
                    signature=SIGNATURE, opinion="满意")
            continue
        steps[request.status](request)
    raise AssertionError(f"could not drive {request} to {target}")


def _record(request, cast):
    services.service_request_record_work(
        actor=cast.technician, request=request, fault_found="不点火",
        fault_cause="点火针积碳", action_taken="更换点火针")
    services.labor_add(actor=cast.technician, request=request, hours=Decimal("1.5"))
    services.part_add(actor=cast.technician, request=request, part=PartFactory())


def _finish_repair(request, cast):
    services.labor_add(actor=cast.technician, request=request, hours=Decimal("2"))
    services.service_request_finish_repair(actor=cast.technician, request=request,
                                           work_done="更换主板")
