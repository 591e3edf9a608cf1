"""A small, hand-computed month of one service centre, written straight into the tables (the
figures need exact times, which the services stamp with "now"). Every number the report tests
expect is worked out in the comments below and in ``EXPECTED``.

Centre RPA (Asia/Shanghai, UTC+8). Day D = Tuesday 2026-03-10, local time.

    req  cat tech  work in the tables                                             status
    R1   C   T1    visit D 09:00–10:30 done; 1.50 h D 10:20; part 35.50 free     completed D 10:30
    R2   A   T1    visit D 14:00–16:00 done; 2.00 h D 15:50; 2 × 100.00 charged  completed D 16:00
    R3   A   T2    visit D 23:30–D+1 00:15 done; 0.75 h D+1 00:10; reschedule ev  completed D+1 00:15
    R4   B   T2    3.00 h at the bench D 10:00; part 50.00 free (no visit)        repaired
    R5   C   T2    visit D 11:00–11:45 unfinished; reschedule event               assigned
    R6   D   T1    1.00 h D 17:00 (internal work, no visit)                       on site
    R7   A   T1    visit D-1 16:00–17:00 done; 1.25 h D-1 16:30                   closed D 09:00
    R8   (another centre, same day: must not show)
    R9   C   T2    visit D+1 00:30 (16:30 UTC on D: the next local day)           on site
    R10  C   —     reported D 16:00, not dispatched                               registered
    R11  A   —     reported D 12:00                                               awaiting agreement
    R12  C   —     reported D 13:00, cancelled D 13:30                            cancelled
    R13  C   —     reported D+5, same product as R1 (R1 reopened)                 registered
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCentreFactory, UserFactory
from aftersales.core.events import event_append
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.dispatch.choices import ClockKind, ClockState
from aftersales.dispatch.defaults import ensure_default_policies
from aftersales.dispatch.models import DeadlineClock, DeadlinePolicy
from aftersales.parts.tests.factories import PartFactory
from aftersales.service.choices import Status, VisitOutcome
from aftersales.service.models import LaborEntry, PartUsage, ServiceRequest, Visit

TZ = ZoneInfo("Asia/Shanghai")
D = datetime(2026, 3, 10).date()


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(D + timedelta(days=day_offset), datetime.min.time(), TZ).replace(
        hour=hour, minute=minute)


class Scenario:
    def __init__(self, *, surveys: bool = True):
        self.centre = ServiceCentreFactory(code="RPA", name="浦东服务中心")
        self.other = ServiceCentreFactory(code="RPB", name="松江服务中心")
        c = self.centre
        self.t1 = UserFactory(username="wang", first_name="强", last_name="王",
                              role=Role.TECHNICIAN, service_centre=c)
        self.t2 = UserFactory(username="li", first_name="明", last_name="李",
                              role=Role.TECHNICIAN, service_centre=c)
        self.t3 = UserFactory(username="zhao", first_name="刚", last_name="赵",
                              role=Role.TECHNICIAN, service_centre=c)
        self.t4 = UserFactory(username="sun", first_name="伟", last_name="孙",
                              role=Role.TECHNICIAN, service_centre=self.other)
        self.supervisor = UserFactory(username="sup", role=Role.SUPERVISOR, service_centre=c)
        self.agent = UserFactory(username="agent", role=Role.AGENT, service_centre=c)
        self.branch_manager = UserFactory(username="bm", role=Role.MANAGER, service_centre=c)
        self.hq = UserFactory(username="hq", role=Role.MANAGER, service_centre=None)
        self.other_supervisor = UserFactory(username="sup2", role=Role.SUPERVISOR,
                                            service_centre=self.other)
        self.other_manager = UserFactory(username="bm2", role=Role.MANAGER,
                                         service_centre=self.other)
        self.admin = UserFactory(username="admin", role=Role.ADMIN, service_centre=None)
        ensure_default_policies()
        self.policy = DeadlinePolicy.objects.filter(kind=ClockKind.ARRIVAL).first()
        self.part_small = PartFactory(code="RP-1", unit_price=Decimal("35.50"))
        self.part_big = PartFactory(code="RP-2", unit_price=Decimal("100.00"))
        self.part_mid = PartFactory(code="RP-3", unit_price=Decimal("50.00"))
        self._n = 0

        R = self.request
        self.r1 = R("C", self.t1, local(0, 8), Status.COMPLETED, completed=local(0, 10, 30))
        self.r2 = R("A", self.t1, local(0, 8, 30), Status.COMPLETED, completed=local(0, 16))
        self.r3 = R("A", self.t2, local(0, 20), Status.COMPLETED, completed=local(1, 0, 15))
        self.r4 = R("B", self.t2, local(-2, 9), Status.REPAIRED)
        self.r5 = R("C", self.t2, local(0, 9, 30), Status.ASSIGNED)
        self.r6 = R("D", self.t1, local(0, 7), Status.ON_SITE, internal=True)
        self.r7 = R("A", self.t1, local(-1, 10), Status.CLOSED, completed=local(-1, 17),
                    closed=local(0, 9))
        self.r8 = R("A", self.t4, local(0, 9), Status.COMPLETED, centre=self.other,
                    completed=local(0, 11))
        self.r9 = R("C", self.t2, local(1, 0, 20), Status.ON_SITE)
        self.r10 = R("C", None, local(0, 16), Status.REGISTERED)
        self.r11 = R("A", None, local(0, 12), Status.AWAITING_AGREEMENT)
        self.r12 = R("C", None, local(0, 13), Status.CANCELLED)
        self.r13 = R("C", None, local(5, 10), Status.REGISTERED, product=self.r1.installed_product)

        V = self.visit
        V(self.r1, self.t1, local(0, 9), local(0, 10, 30))
        V(self.r2, self.t1, local(0, 14), local(0, 16))
        V(self.r3, self.t2, local(0, 23, 30), local(1, 0, 15))
        V(self.r5, self.t2, local(0, 11), local(0, 11, 45), VisitOutcome.UNFINISHED)
        V(self.r7, self.t1, local(-1, 16), local(-1, 17))
        V(self.r8, self.t4, local(0, 9, 30), local(0, 10, 30))
        V(self.r9, self.t2, local(1, 0, 30), None, VisitOutcome.PENDING)

        H = self.hours
        H(self.r1, self.t1, "1.50", local(0, 10, 20))
        H(self.r2, self.t1, "2.00", local(0, 15, 50))
        H(self.r3, self.t2, "0.75", local(1, 0, 10))
        H(self.r4, self.t2, "3.00", local(0, 10), bench=True)
        H(self.r6, self.t1, "1.00", local(0, 17))
        H(self.r7, self.t1, "1.25", local(-1, 16, 30))
        H(self.r8, self.t4, "1.00", local(0, 10, 30))

        P = self.part
        P(self.r1, self.t1, self.part_small, 1, False, local(0, 10, 10))
        P(self.r2, self.t1, self.part_big, 2, True, local(0, 15))
        P(self.r4, self.t2, self.part_mid, 1, False, local(0, 10, 5))
        P(self.r8, self.t4, self.part_big, 1, True, local(0, 10))

        E = self.event
        E(self.r1, "assign", local(0, 8, 10))
        E(self.r2, "assign", local(0, 8, 40))
        E(self.r2, "assign", local(0, 9))  # a reassignment: still one request dispatched
        E(self.r5, "assign", local(0, 9, 40))
        E(self.r3, "assign", local(0, 20, 10))
        E(self.r7, "assign", local(-1, 10, 30))
        E(self.r12, "cancel", local(0, 13, 30))
        E(self.r5, "reschedule", local(0, 11, 45))
        E(self.r3, "reschedule", local(0, 23, 50))
        E(self.r8, "assign", local(0, 9, 5))
        # Completing and closing transitions (they set completed_at and closed_at).
        for done in (self.r1, self.r2, self.r3, self.r7, self.r8):
            E(done, "complete", done.completed_at)
        E(self.r7, "close", self.r7.closed_at)

        K = self.clock
        K(self.r1, due=local(0, 14), met=local(0, 9))
        K(self.r2, due=local(0, 12), met=local(0, 14))
        K(self.r3, due=local(0, 23), met=local(0, 23, 30))
        K(self.r5, due=local(0, 15), met=local(0, 11))
        K(self.r10, due=local(0, 22), met=None)
        K(self.r12, due=local(0, 20), met=None, state=ClockState.STOPPED)
        K(self.r9, due=local(1, 6), met=local(1, 0, 30))
        K(self.r7, due=local(-1, 18), met=local(-1, 16))

        if surveys:
            S = self.survey
            S(self.r1, self.t1, (4, 4, 3, 4), sent=local(1, 9), answered=local(1, 10))
            S(self.r2, self.t1, (3, 3, 2, 3), sent=local(1, 9), answered=local(1, 12))
            S(self.r7, self.t1, None, sent=local(0, 9))
            S(self.r3, self.t2, (1, 2, 1, 2), sent=local(2, 9), answered=local(2, 9, 30))

    # --- row makers ---------------------------------------------------------------------------

    def request(self, category, technician, reported, status, *, centre=None, completed=None,
                closed=None, internal=False, product=None):
        self._n += 1
        centre = centre or self.centre
        customer = product.customer if product else CustomerFactory(service_centre=centre)
        if product is None and not internal:
            product = InstalledProductFactory(customer=customer)
        return ServiceRequest.objects.create(
            number=f"SR2603{self._n:04d}", service_centre=centre, customer=customer,
            installed_product=product, description="热水器不点火", reported_at=reported,
            internal=internal, category=category, status=status,
            assigned_technician=technician, completed_at=completed, closed_at=closed,
            chargeable=category == "A", in_warranty=category == "C")

    def visit(self, request, technician, arrived, left, outcome=VisitOutcome.COMPLETED):
        return Visit.objects.create(request=request, technician=technician,
                                    departed_at=arrived - timedelta(minutes=30),
                                    arrived_at=arrived, left_at=left, outcome=outcome)

    def hours(self, request, technician, hours, at, bench=False):
        entry = LaborEntry.objects.create(request=request, technician=technician,
                                          hours=Decimal(hours), at_bench=bench)
        LaborEntry.objects.filter(pk=entry.pk).update(created_at=at)
        return entry

    def part(self, request, technician, part, quantity, charged, at):
        usage = PartUsage.objects.create(request=request, part=part, quantity=quantity,
                                         unit_price=part.unit_price, charged=charged,
                                         recorded_by=technician)
        PartUsage.objects.filter(pk=usage.pk).update(created_at=at)
        return usage

    def event(self, request, action, at):
        return event_append(subject=request, action=action, at=at)

    def clock(self, request, *, due, met, state=None):
        state = state or (ClockState.MET if met else ClockState.RUNNING)
        return DeadlineClock.objects.create(
            request=request, kind=ClockKind.ARRIVAL, policy=self.policy,
            budget_seconds=6 * 3600, started_at=request.reported_at,
            resumed_at=None if state != ClockState.RUNNING else request.reported_at,
            state=state, due_at=due, warn_at=due - timedelta(hours=1), met_at=met,
            breached=bool(met and met > due))

    def survey(self, request, technician, ratings, *, sent, answered=None):
        """A survey made and answered through the feedback app's services, then moved to the
        scenario's times (the services stamp "now")."""
        return survey_made(request, ratings, sent=sent, answered=answered)


def survey_made(request, ratings, *, sent, answered=None):
    from aftersales.reports.selectors import survey_model

    Survey = survey_model()
    if Survey is None:
        return None
    from aftersales.feedback import services as feedback

    survey = feedback.survey_schedule_for(request)
    if ratings is not None:
        Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() + timedelta(days=7))
        token = feedback.survey_link_issue(survey=survey, channel="sms")
        feedback.survey_answer(token=token, **dict(zip(
            ("attitude", "skill", "punctuality", "promise"), ratings, strict=True)))
    Survey.objects.filter(pk=survey.pk).update(
        due_at=sent, sent_at=sent, answered_at=answered if ratings is not None else None,
        expires_at=sent + timedelta(days=14))
    survey.refresh_from_db()
    return survey


def now_after() -> datetime:
    """A moment after the scenario (so every deadline of day D is decided)."""
    return local(20, 12)


# Hand-computed figures (see the module docstring for the rows they come from).
EXPECTED_DAY = {
    "t1": {"visits": 2, "unfinished": 0, "on_site_hours": 3.5, "jobs": 3, "jobs_A": 1,
           "jobs_B": 0, "jobs_C": 1, "jobs_D": 1, "hours": 4.5, "bench_hours": 0.0,
           "site_hours": 4.5, "hours_A": 2.0, "hours_C": 1.5, "hours_D": 1.0, "parts": 3,
           "parts_value": 235.5, "parts_charged": 200.0, "parts_free": 35.5, "days_worked": 1},
    "t2": {"visits": 2, "unfinished": 1, "on_site_hours": 1.5, "jobs": 3, "jobs_A": 1,
           "jobs_B": 1, "jobs_C": 1, "jobs_D": 0, "hours": 3.0, "bench_hours": 3.0,
           "site_hours": 0.0, "hours_B": 3.0, "parts": 1, "parts_value": 50.0,
           "parts_charged": 0.0, "parts_free": 50.0, "days_worked": 1},
    "totals": {"visits": 4, "unfinished": 1, "on_site_hours": 5.0, "jobs": 6, "jobs_A": 2,
               "jobs_B": 1, "jobs_C": 2, "jobs_D": 1, "hours": 7.5, "bench_hours": 3.0,
               "site_hours": 4.5, "parts": 4, "parts_value": 285.5, "parts_charged": 200.0,
               "parts_free": 85.5},
    "centre": {"calls": 8, "calls_A": 3, "calls_B": 0, "calls_C": 4, "calls_D": 1,
               "completed": 2, "completed_A": 1, "completed_C": 1, "closed": 1, "open": 10,
               "undispatched": 1, "awaiting_agreement": 1, "at_workshop": 1, "dispatched": 4,
               "cancelled": 1, "deadlines": 5, "on_time": 2, "missed": 3, "punctuality": 0.4,
               "repaired_first": 0},
}


def more_work(scenario, n: int) -> None:
    """``n`` more jobs on day D for T1 and T2 (visits, hours, parts, clocks, surveys, events):
    for query-count tests, where only the number of rows changes."""
    s = scenario
    for k in range(n):
        tech = (s.t1, s.t2)[k % 2]
        request = s.request("AC"[k % 2], tech, local(0, 8, k % 50), Status.COMPLETED,
                            completed=local(0, 12, k % 50))
        s.visit(request, tech, local(0, 10, k % 50), local(0, 11, k % 50))
        s.hours(request, tech, "1.00", local(0, 11, k % 50))
        s.part(request, tech, s.part_mid, 1, bool(k % 2), local(0, 11, k % 50))
        s.event(request, "assign", local(0, 9, k % 50))
        s.event(request, "complete", request.completed_at)
        s.clock(request, due=local(0, 14), met=local(0, 10, k % 50))
        s.survey(request, tech, (4, 3, 4, 3), sent=local(1, 9), answered=local(1, 10))
