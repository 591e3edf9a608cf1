"""The day plan's planning problem, read from the database (issue 3, ADR 0005).

:func:`problem_build` turns a service centre's open jobs and its technicians into a
:class:`planning.Problem` (minutes from 00:00 of the plan day in the centre's time zone):

- **Jobs**: every request of the centre waiting for dispatch (registered, carried-over ones
  included), every assigned job not yet started whose appointment is not on a later day, and —
  when the plan is made during the day itself — the jobs already started (en route or on site),
  pinned to their technician and start ("started work stays where it is"). With
  ``keep_assignments`` an assigned job not yet started is pinned to its technician only (order
  and times may change). A job needs the skill of its product's category; its deadline is its
  arrival clock's (paused time counted), else ``arrive_by``; an appointment on the plan day is
  the customer's window (± :data:`APPOINTMENT_SLACK_MIN`); urgency and carry-over (SR-5) give
  priority.
- **Technicians**: the centre's active technicians. Skills that need a certificate count only with
  one valid on the day. The shift is his shift for that weekday; with no shifts recorded, the
  centre's working hours; with shifts but none that weekday, or off duty when planning today,
  he is left out (and listed with the reason) unless he has started work. Capacity is his jobs
  per day less the visits he already finished that day. Re-planning during the day, he starts
  from his last finished visit.
- **Coordinates**: the customer's, else the centre's; a technician's home base, else the centre's.
  If the centre has none either, the centroid of every known point of the day is used, and if
  nothing is located at all, :data:`FALLBACK_POINT` — so the plan still orders by deadlines and
  skills, with travel counted as zero between unlocated points. Each job records where its
  point came from (``customer`` / ``centre`` / ``fallback``), and the page says so.

The problem is stored with the plan as JSON (:func:`problem_to_json`), so hand edits are re-timed
against exactly what the solver saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.core.calendar import WALL_CLOCK, calendar_for
from aftersales.service.choices import Status, Urgency, VisitOutcome

from .choices import ClockKind, ClockState, TechnicianStatus
from .planning import Job, Location, Problem, Technician, minutes_from_midnight
from .planning.model import DAY

APPOINTMENT_SLACK_MIN = 60.0  # an appointment on the day: arrive within an hour either side
FALLBACK_POINT = Location(lat=31.2304, lon=121.4737)  # nothing located at all (Shanghai)
DEFAULT_CAPACITY = 6  # jobs per day of a technician without a profile (the profile's default)
URGENCY_PRIORITY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.EMERGENCY: 2}
STARTED = (Status.EN_ROUTE, Status.ON_SITE)

# Why a technician is not in the plan (codes, rendered by the page).
ABSENT_NO_SHIFT = "no_shift"
ABSENT_OFF = "off_duty"


@dataclass
class Built:
    """A problem and what the dispatch app needs to map the answer back."""

    problem: Problem
    as_of: datetime
    requests: dict[str, object]  # job id → ServiceRequest
    technicians: dict[str, User]  # technician id → User
    absent: list[dict] = field(default_factory=list)  # [{id, name, reason}]
    meta: dict[str, dict] = field(default_factory=dict)  # job id → {location, carried_over, …}
    tech_meta: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = problem_to_json(self.problem)
        data["meta"] = self.meta
        data["tech_meta"] = self.tech_meta
        data["absent"] = self.absent
        return data


def _point(lat, lon) -> Location | None:
    if lat is None or lon is None:
        return None
    return Location(lat=float(lat), lon=float(lon))


def _profile(user):
    try:
        return user.technician
    except User.technician.RelatedObjectDoesNotExist:
        return None


def _minutes_of(moment: datetime | None, day: date, tz) -> float | None:
    return None if moment is None else minutes_from_midnight(moment, day, tz)


def _local_date(moment: datetime, tz) -> date:
    return timezone.localtime(moment, tz).date()


def job_deadline(request, as_of: datetime, centre: ServiceCentre) -> datetime | None:
    """The arrival deadline as it stands: the running clock's, a paused clock's remaining time
    counted from ``as_of``, else the request's ``arrive_by``."""
    clock = next((c for c in request.clocks.all() if c.kind == ClockKind.ARRIVAL), None)
    if clock is not None:
        if clock.state == ClockState.RUNNING and clock.due_at is not None:
            return clock.due_at
        if clock.state == ClockState.PAUSED:
            left = timedelta(seconds=max(0, clock.budget_seconds - clock.consumed_seconds))
            cal = calendar_for(centre) if clock.working_time else WALL_CLOCK
            return cal.add(as_of, left)
    return request.arrive_by


def _open_requests(centre: ServiceCentre, day: date, started_too: bool):
    """The centre's open work for ``day``: a planned visit (maintenance) only from its day on,
    or from the day agreed with the customer if that is earlier."""
    from aftersales.service.models import ServiceRequest, Visit

    next_day = datetime.combine(day + timedelta(days=1), datetime.min.time(),
                                ZoneInfo(centre.time_zone))

    statuses = [Status.REGISTERED, Status.ASSIGNED, *(STARTED if started_too else ())]
    pending = Visit.objects.filter(outcome=VisitOutcome.PENDING).order_by("-id")
    return (
        ServiceRequest.objects.filter(service_centre=centre, status__in=statuses)
        .filter(Q(planned_for__isnull=True) | Q(planned_for__lte=day)
                | Q(appointment_at__lt=next_day))
        .select_related("customer", "installed_product__model", "assigned_technician")
        .prefetch_related("clocks", Prefetch("visits", queryset=pending, to_attr="pending_visits"))
        .order_by("reported_at", "id")
    )


def _technicians(centre: ServiceCentre):
    return list(
        User.objects.filter(service_centre=centre, role=Role.TECHNICIAN, is_active=True)
        .select_related("technician")
        .prefetch_related("technician__skills", "technician__certificates", "technician__shifts")
        .order_by("technician__rotation_rank", "pk")
    )


def _finished_visits(user_ids, day: date, tz):
    """Visits finished on ``day`` per technician, latest last: (count, last request)."""
    from aftersales.service.models import Visit

    start = datetime.combine(day, datetime.min.time(), tz)
    visits = (
        Visit.objects.filter(technician_id__in=user_ids, left_at__gte=start,
                             left_at__lt=start + timedelta(days=1))
        .exclude(outcome__in=[VisitOutcome.PENDING, VisitOutcome.CANCELLED])
        .select_related("request__customer")
        .order_by("left_at", "id")
    )
    done: dict[int, tuple[int, object]] = {}
    for visit in visits:
        count, _last = done.get(visit.technician_id, (0, None))
        done[visit.technician_id] = (count + 1, visit.request)
    return done


def _skills_on(profile, day: date) -> frozenset[str]:
    if profile is None:
        return frozenset()
    valid = {c.skill_id for c in profile.certificates.all() if c.expires_on >= day}
    return frozenset(s.code for s in profile.skills.all()
                     if not s.needs_certificate or s.pk in valid)


def _shift(profile, centre: ServiceCentre, day: date) -> tuple[float, float] | None:
    """(start, end) in minutes of the technician's shift on ``day``; None: not on shift."""
    shifts = list(profile.shifts.all()) if profile is not None else []
    if not shifts:
        opens, closes = centre.opens_at, centre.closes_at
    else:
        today = [s for s in shifts if s.weekday == day.weekday()]
        if not today:
            return None
        opens, closes = today[0].starts_at, today[0].ends_at
    return opens.hour * 60.0 + opens.minute, closes.hour * 60.0 + closes.minute


def problem_build(*, centre: ServiceCentre, day: date, as_of: datetime | None = None,
                  job_minutes: float = 60.0, keep_assignments: bool = False) -> Built:
    """The planning problem of ``centre`` on ``day`` as the database stands at ``as_of``."""
    as_of = as_of or timezone.now()
    tz = ZoneInfo(centre.time_zone)
    during_day = _local_date(as_of, tz) == day
    now = minutes_from_midnight(as_of, day, tz) if during_day else None
    day_start = datetime.combine(day, datetime.min.time(), tz)

    requests = []
    for request in _open_requests(centre, day, started_too=during_day):
        appointment = request.appointment_at
        if (request.status == Status.ASSIGNED and appointment is not None
                and _local_date(appointment, tz) > day):
            continue  # agreed for a later day
        requests.append(request)
    users = _technicians(centre)
    started_by = {r.assigned_technician_id for r in requests if r.status in STARTED}
    done = _finished_visits([u.pk for u in users], day, tz) if during_day else {}

    # Points: the centre's, else the centroid of what is located, else the fixed fallback.
    centre_point = _point(centre.lat, centre.lon)
    if centre_point is None:
        known = [p for p in (_point(r.customer.lat, r.customer.lon) for r in requests) if p]
        known += [p for p in (_point(getattr(_profile(u), "home_lat", None),
                                     getattr(_profile(u), "home_lon", None)) for u in users) if p]
        if known:
            centre_point = Location(lat=sum(p.lat for p in known) / len(known),
                                    lon=sum(p.lon for p in known) / len(known))
        fallback_source = "fallback"
    else:
        fallback_source = "centre"
    centre_point = centre_point or FALLBACK_POINT

    technicians: list[Technician] = []
    tech_users: dict[str, User] = {}
    absent: list[dict] = []
    tech_meta: dict[str, dict] = {}
    for user in users:
        profile = _profile(user)
        tid = str(user.pk)
        shift = _shift(profile, centre, day)
        has_started = user.pk in started_by
        if not has_started:
            if during_day and profile is not None and profile.status == TechnicianStatus.OFF:
                absent.append({"id": tid, "name": str(user), "reason": ABSENT_OFF})
                continue
            if shift is None:
                absent.append({"id": tid, "name": str(user), "reason": ABSENT_NO_SHIFT})
                continue
        if shift is None:
            shift = (centre.opens_at.hour * 60.0 + centre.opens_at.minute,
                     centre.closes_at.hour * 60.0 + centre.closes_at.minute)
        home = _point(getattr(profile, "home_lat", None), getattr(profile, "home_lon", None))
        finished, last_request = done.get(user.pk, (0, None))
        capacity = profile.daily_capacity if profile is not None else DEFAULT_CAPACITY
        start_location = None
        if last_request is not None:
            start_location = _point(last_request.customer.lat, last_request.customer.lon)
        technicians.append(Technician(
            id=tid, home=home or centre_point, skills=_skills_on(profile, day),
            shift_start=shift[0], shift_end=max(shift[0], shift[1]),
            capacity=max(0, capacity - finished), start_location=start_location,
        ))
        tech_users[tid] = user
        tech_meta[tid] = {"name": str(user), "home": "home" if home else fallback_source,
                          "profile": profile is not None, "finished_today": finished}

    jobs: list[Job] = []
    by_id: dict[str, object] = {}
    meta: dict[str, dict] = {}
    for request in requests:
        jid = str(request.pk)
        tech_id = str(request.assigned_technician_id) if request.assigned_technician_id else None
        in_plan = tech_id in tech_users
        point = _point(request.customer.lat, request.customer.lon)
        product = request.installed_product
        skills = frozenset({product.model.category}) if product is not None else frozenset()
        deadline_at = job_deadline(request, as_of, centre)
        deadline = _minutes_of(deadline_at, day, tz)
        carried = request.reported_at < day_start
        priority = URGENCY_PRIORITY.get(request.urgency, 0) + (1 if carried else 0)
        window_start, window_end = 0.0, DAY
        pinned_technician = pinned_start = None
        if request.status in STARTED:
            if not in_plan:
                continue  # his technician left the centre: nothing to plan around
            pinned_technician = tech_id
            visit = request.pending_visits[0] if request.pending_visits else None
            arrived = visit.arrived_at if visit is not None else None
            pinned_start = min(now, _minutes_of(arrived, day, tz)) if (
                request.status == Status.ON_SITE and arrived is not None) else now
        else:
            appointment = _minutes_of(request.appointment_at, day, tz)
            if (appointment is not None and 0 <= appointment < DAY
                    and (now is None or appointment + APPOINTMENT_SLACK_MIN > now)):
                # Not more than the slack early; on time within the slack after it. Being later
                # is lateness (the job is still served), not a reason to defer it.
                window_start = max(0.0, appointment - APPOINTMENT_SLACK_MIN)
                promised = appointment + APPOINTMENT_SLACK_MIN
                deadline = min(deadline, promised) if deadline is not None else promised
            if keep_assignments and request.status == Status.ASSIGNED and in_plan:
                pinned_technician = tech_id
        jobs.append(Job(
            id=jid, location=point or centre_point, duration_min=float(job_minutes),
            required_skills=skills, window_start=window_start, window_end=window_end,
            deadline=deadline, priority=priority,
            pinned_technician=pinned_technician, pinned_start=pinned_start,
        ))
        by_id[jid] = request
        meta[jid] = {
            "number": request.number,
            "location": "customer" if point else fallback_source,
            "carried_over": carried,
            "deadline_at": deadline_at.isoformat() if deadline_at else None,
            "status": request.status,
            "technician": request.assigned_technician_id,
        }
    problem = Problem(technicians=tuple(technicians), jobs=tuple(jobs), now=now)
    return Built(problem=problem, as_of=as_of, requests=by_id, technicians=tech_users,
                 absent=absent, meta=meta, tech_meta=tech_meta)


def absent_reason_label(code: str) -> str:
    return {ABSENT_NO_SHIFT: _("no shift that day"), ABSENT_OFF: _("off duty")}.get(code, code)


# --- JSON ------------------------------------------------------------------------------------

def _loc(p: Location | None):
    return None if p is None else [p.lat, p.lon]


def _unloc(v) -> Location | None:
    return None if v is None else Location(lat=v[0], lon=v[1])


def problem_to_json(problem: Problem) -> dict:
    return {
        "now": problem.now,
        "horizon_end": problem.horizon_end,
        "technicians": [{
            "id": t.id, "home": _loc(t.home), "skills": sorted(t.skills),
            "shift_start": t.shift_start, "shift_end": t.shift_end, "capacity": t.capacity,
            "start_location": _loc(t.start_location), "available_from": t.available_from,
        } for t in problem.technicians],
        "jobs": [{
            "id": j.id, "location": _loc(j.location), "duration_min": j.duration_min,
            "required_skills": sorted(j.required_skills), "window_start": j.window_start,
            "window_end": j.window_end, "deadline": j.deadline, "priority": j.priority,
            "load": j.load, "pinned_technician": j.pinned_technician,
            "pinned_start": j.pinned_start,
        } for j in problem.jobs],
    }


def problem_from_json(data: dict) -> Problem:
    technicians = tuple(Technician(
        id=t["id"], home=_unloc(t["home"]), skills=frozenset(t["skills"]),
        shift_start=t["shift_start"], shift_end=t["shift_end"], capacity=t["capacity"],
        start_location=_unloc(t.get("start_location")), available_from=t.get("available_from"),
    ) for t in data.get("technicians", []))
    jobs = tuple(Job(
        id=j["id"], location=_unloc(j["location"]), duration_min=j["duration_min"],
        required_skills=frozenset(j["required_skills"]), window_start=j["window_start"],
        window_end=j["window_end"], deadline=j["deadline"], priority=j["priority"],
        load=j.get("load", 1), pinned_technician=j.get("pinned_technician"),
        pinned_start=j.get("pinned_start"),
    ) for j in data.get("jobs", []))
    return Problem(technicians=technicians, jobs=jobs, now=data.get("now"),
                   horizon_end=data.get("horizon_end", DAY))


def day_in_past(centre: ServiceCentre, day: date, now: datetime | None = None) -> bool:
    return day < _local_date(now or timezone.now(), ZoneInfo(centre.time_zone))


def centre_today(centre: ServiceCentre, now: datetime | None = None) -> date:
    return _local_date(now or timezone.now(), ZoneInfo(centre.time_zone))
