"""A service centre at work today, made through the real services (timestamps are "now"), plus
a year of answered surveys: what the dashboard and the screenshots show."""

from datetime import timedelta

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

NAMES = [("张", "伟"), ("王", "磊"), ("李", "强"), ("刘", "洋"), ("陈", "杰")]
RATINGS = [(4, 4, 4, 4), (4, 3, 4, 4), (3, 4, 3, 4), (4, 4, 3, 3), (2, 3, 2, 3), (4, 4, 4, 3)]


class LiveCentre:
    def __init__(self, *, surveys: bool = True, code: str = "PD", name: str = "浦东服务中心"):
        centre = ServiceCentreFactory(code=code, name=name)
        self.cast = Cast(centre)
        self.centre = centre
        self.cast.supervisor.first_name, self.cast.supervisor.last_name = "主任", "周"
        self.cast.supervisor.save()
        self.hq = UserFactory(username=f"hq-{code.lower()}", role=Role.MANAGER, service_centre=None,
                              first_name="经理", last_name="服务部")
        self.technicians = [self.cast.technician]
        self.cast.technician.first_name, self.cast.technician.last_name = NAMES[0][1], NAMES[0][0]
        self.cast.technician.save()
        for n, (last, first) in enumerate(NAMES[1:], start=1):
            self.technicians.append(UserFactory(
                username=f"tech{n}-{code.lower()}", role=Role.TECHNICIAN, service_centre=centre,
                first_name=first, last_name=last))
        self.requests = []
        long_ago = timezone.now() - timedelta(days=3)
        plan = [  # (technician index, target status, reported long ago?)
            (0, Status.COMPLETED, False), (0, Status.ON_SITE, False), (0, Status.ASSIGNED, False),
            (1, Status.COMPLETED, False), (1, Status.COMPLETED, False), (1, Status.EN_ROUTE, True),
            (2, Status.CARRIED_IN, False), (2, Status.ASSIGNED, True), (3, Status.COMPLETED, False),
            (3, Status.ON_SITE, False), (4, Status.ASSIGNED, False),
            (None, Status.REGISTERED, True), (None, Status.REGISTERED, False),
            (None, Status.REGISTERED, False),
        ]
        for index, target, old in plan:
            self.cast.technician = self.technicians[index or 0]
            request = new_request(self.cast, reported_at=long_ago if old else None)
            if index is not None:
                drive(request, self.cast, target)
            self.requests.append(request)
        self.cast.technician = self.technicians[0]
        if surveys:
            self._surveys()

    def _surveys(self):
        """Twelve months of surveys (three in four answered) on closed jobs, made and answered
        through the feedback app's services and moved back to their month."""
        from aftersales.reports.selectors import survey_model
        from aftersales.service.models import ServiceRequest

        from .scenario import survey_made

        if survey_model() is None:
            return
        now = timezone.now()
        n = 0
        for months_ago in range(11, -1, -1):
            for k in range(3 + months_ago % 3):
                n += 1
                at = now - timedelta(days=30 * months_ago + k + 1)
                customer = CustomerFactory(service_centre=self.centre)
                request = ServiceRequest.objects.create(
                    number=f"SV{n:06d}", service_centre=self.centre, customer=customer,
                    installed_product=InstalledProductFactory(customer=customer),
                    description="热水器不点火", reported_at=at - timedelta(days=1), category="C",
                    status=Status.CLOSED, assigned_technician=self.technicians[n % 5],
                    completed_at=at - timedelta(hours=20), closed_at=at)
                ratings = RATINGS[(n + months_ago) % len(RATINGS)] if n % 4 else None
                survey_made(request, ratings, sent=at - timedelta(hours=2), answered=at)
