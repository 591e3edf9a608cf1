"""Test helpers: a company with a person in each department of the route, and complaints
registered and driven through the services."""

from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.customers.tests.factories import CustomerFactory

from .. import services
from ..choices import Channel, Kind, Status
from ..models import ApprovalAuthority, Department, DepartmentMember
from ..services.common import defaults_ensure


class Team:
    """One centre, its desk agent, and a person in each route department (head office)."""

    def __init__(self, centre=None, tag="t"):
        defaults_ensure()
        self.centre = centre or ServiceCentreFactory()
        c = self.centre.code.lower()
        self.agent = UserFactory(username=f"agent-{tag}-{c}", role=Role.AGENT,
                                 service_centre=self.centre)
        self.supervisor = UserFactory(username=f"sup-{tag}-{c}", role=Role.SUPERVISOR,
                                      service_centre=self.centre)
        self.technician = UserFactory(username=f"tech-{tag}-{c}", role=Role.TECHNICIAN,
                                      service_centre=self.centre)
        self.manager = UserFactory(username=f"mgr-{tag}", role=Role.MANAGER, service_centre=None)
        self.people = {}
        for code in ("GMO", "QA", "MFG", "RND", "SALES"):
            user = UserFactory(username=f"{code.lower()}-{tag}", role=Role.AGENT,
                               service_centre=None)
            DepartmentMember.objects.get_or_create(
                department=Department.objects.get(code=code), user=user,
                defaults={"base_points": Decimal("1.00"), "monthly_bonus": Decimal("2000.00")})
            self.people[code] = user
        # sales is a member of the agent's side too: the desk agent registers, sales negotiates
        DepartmentMember.objects.get_or_create(department=Department.objects.get(code="SALES"),
                                               user=self.agent)
        self.approver = UserFactory(username=f"vp-{tag}", role=Role.MANAGER, service_centre=None)
        for authority in ApprovalAuthority.objects.all():
            authority.users.add(self.approver)


def new_complaint(team: Team, **kwargs):
    kwargs.setdefault("channel", Channel.PHONE)
    kwargs.setdefault("kind", Kind.QUALITY)
    kwargs.setdefault("description", "热水器外壳开裂，第二次出现")
    kwargs.setdefault("customer_request", "更换整机")
    if "customer" not in kwargs:
        kwargs["customer"] = CustomerFactory(service_centre=team.centre)
    return services.complaint_register(actor=team.agent, **kwargs)


STEP_ACTORS = {Status.REGISTERED: "GMO", Status.QA: "QA", Status.MANUFACTURING: "MFG",
               Status.RND: "RND", Status.NEGOTIATION: "SALES", Status.REVIEW: "GMO"}


def drive(complaint, team: Team, target: str, *, amount=Decimal("800.00"), upheld=True):
    """Move a complaint along the route until it reaches ``target``."""
    while complaint.status != target:
        status = complaint.status
        fields = {}
        if status == Status.QA:
            fields = {"cause": "spec", "upheld": upheld}
        elif status == Status.NEGOTIATION:
            fields = ({"proposed_outcome": "allowance", "proposed_amount": amount} if upheld
                      else {"proposed_outcome": "not_upheld"})
        if status == Status.APPROVAL:
            actor = team.approver
        elif status == Status.DECIDED:
            complaint = services.complaint_close(actor=team.people["SALES"], complaint=complaint)
            continue
        else:
            actor = team.people[STEP_ACTORS[status]]
        complaint = services.step_complete(actor=actor, complaint=complaint,
                                           opinion=f"意见 {status}", **fields)
    return complaint
