"""The planning problem and its answer, independent of any solver.

Times are **minutes from 00:00 of the plan day** in the service centre's time zone, as floats
(08:30 is 510.0; tomorrow 10:00 is 1440 + 600 = 2040.0). The caller (the dispatch app) converts
its aware datetimes with :func:`minutes_from_midnight` and back with :func:`at_minutes`; the
solver never sees a datetime, a time zone or a calendar. Working-time arithmetic (deadlines in
working hours, DS-3) happens before: a job arrives here with its ``deadline`` already computed.

Distances are kilometres (for planar benchmark coordinates: the coordinate unit).

A job's ``window_start``/``window_end`` is the customer's time window: the technician must *start*
the work inside it (the work may run past ``window_end``). The ``deadline`` (``arrive_by``) is
the latest start that counts as on time; it may be later than the window (then the window binds)
or earlier. A job is *late* when its start is after its deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DAY = 1440.0


@dataclass(frozen=True, slots=True)
class Location:
    """A point: geographic (``lat``/``lon`` in degrees) or planar (``x``/``y``, see :meth:`xy`)."""

    lat: float
    lon: float

    @classmethod
    def xy(cls, x: float, y: float) -> Location:
        """A planar point (benchmarks): stored as lon=x, lat=y."""
        return cls(lat=y, lon=x)

    @property
    def x(self) -> float:
        return self.lon

    @property
    def y(self) -> float:
        return self.lat


@dataclass(frozen=True, slots=True)
class Technician:
    """One technician's day.

    ``capacity`` is what the technician can take in a day, in job load units (each job uses
    ``Job.load``, 1 by default, so by default it is the maximum number of jobs). The route
    leaves ``home`` no earlier than ``shift_start`` and is back home by ``shift_end``.
    ``fixed_cost`` (km-equivalent) makes the solver prefer not to call this technician out at
    all (0: no preference). ``start_location``/``available_from`` say where and when he becomes
    free when that is not home at the start of his shift (a re-plan during the day with his
    live position); the route still ends at home.
    """

    id: str
    home: Location
    skills: frozenset[str] = frozenset()
    shift_start: float = 8 * 60.0
    shift_end: float = 18 * 60.0
    capacity: int = 10
    fixed_cost: float = 0.0
    start_location: Location | None = None
    available_from: float | None = None

    def __post_init__(self):
        if self.shift_end < self.shift_start:
            raise ValueError(f"technician {self.id}: shift ends before it starts")
        if self.capacity < 0:
            raise ValueError(f"technician {self.id}: negative capacity")
        object.__setattr__(self, "skills", frozenset(self.skills))

    def qualified_for(self, job: Job) -> bool:
        return job.required_skills <= self.skills


@dataclass(frozen=True, slots=True)
class Job:
    """One visit to plan.

    ``priority``: higher is more important (0 normal, 1 urgent, 2 emergency, ...; values above
    4 count as 4). ``required``: must be planned today; the solver fails rather than defer it
    (used for benchmarks; the product lets every job be deferred and says why).

    Pinning (work already started or published that must not be reshuffled):
    ``pinned_technician`` keeps the job with that technician; with ``pinned_start`` too, it
    also keeps its start time. A pinned job whose ``pinned_start`` is at or before
    ``Problem.now`` has started: it is not re-planned at all, and its technician continues from
    there.
    """

    id: str
    location: Location
    duration_min: float = 60.0
    required_skills: frozenset[str] = frozenset()
    window_start: float = 0.0
    window_end: float = DAY
    deadline: float | None = None
    priority: int = 0
    load: int = 1
    required: bool = False
    pinned_technician: str | None = None
    pinned_start: float | None = None

    def __post_init__(self):
        if self.window_end < self.window_start:
            raise ValueError(f"job {self.id}: window ends before it starts")
        if self.duration_min < 0:
            raise ValueError(f"job {self.id}: negative duration")
        if self.pinned_start is not None and self.pinned_technician is None:
            raise ValueError(f"job {self.id}: a pinned start needs a pinned technician")
        object.__setattr__(self, "required_skills", frozenset(self.required_skills))

    @property
    def latest_on_time_start(self) -> float:
        """The latest start that is inside the window and meets the deadline."""
        if self.deadline is None:
            return self.window_end
        return min(self.window_end, self.deadline)

    def deadline_reachable(self) -> bool:
        """Whether any start inside the customer's window meets the deadline."""
        return self.deadline is None or self.deadline >= self.window_start


@dataclass(frozen=True, slots=True)
class Problem:
    """A day to plan: technicians, open jobs, and (for a re-plan during the day) ``now``."""

    technicians: tuple[Technician, ...]
    jobs: tuple[Job, ...]
    now: float | None = None
    horizon_end: float = DAY  # deadlines after this are not due in this plan

    def __post_init__(self):
        object.__setattr__(self, "technicians", tuple(self.technicians))
        object.__setattr__(self, "jobs", tuple(self.jobs))
        ids = [t.id for t in self.technicians]
        if len(set(ids)) != len(ids):
            raise ValueError("technician ids must be unique")
        job_ids = [j.id for j in self.jobs]
        if len(set(job_ids)) != len(job_ids):
            raise ValueError("job ids must be unique")
        known = set(ids)
        for job in self.jobs:
            if job.pinned_technician is not None and job.pinned_technician not in known:
                raise ValueError(f"job {job.id}: pinned to unknown technician")

    def technician(self, tech_id: str) -> Technician:
        for tech in self.technicians:
            if tech.id == tech_id:
                return tech
        raise KeyError(tech_id)

    def job(self, job_id: str) -> Job:
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise KeyError(job_id)

    def is_started(self, job: Job) -> bool:
        return (
            job.pinned_start is not None and self.now is not None and job.pinned_start <= self.now
        )

    def due_in_horizon(self, job: Job) -> bool:
        return job.deadline is not None and job.deadline <= self.horizon_end


# --- The answer -------------------------------------------------------------------------------

# Why a technician was chosen (codes; the dispatch app renders translated text).
WHY_PINNED = "pinned"  # started or published work kept where it was
WHY_ONLY_QUALIFIED = "only_qualified"  # the only technician with the skills on shift
WHY_NEAREST = "nearest_qualified"  # the closest qualified technician to the previous stop
WHY_ROUTE = "fits_route"  # qualified and on the way: the cheapest overall plan
WHY_ROTATION = "rotation_turn"  # his turn in the rotation (DS-2)

# Why a job was deferred.
DEFER_NO_SKILL = "no_qualified_technician"
DEFER_NO_SHIFT = "no_qualified_technician_in_window"
DEFER_CAPACITY = "no_room_today"
DEFER_PINNED = "pinned_technician_cannot_fit"


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why this technician, and how the expected arrival compares with the deadline."""

    why: str
    qualified_technicians: int
    travel_km: float  # from the previous stop (or home)
    travel_min: float
    deadline: float | None
    on_time: bool
    slack_min: float  # latest on-time start minus planned start (negative: late by that much)
    nearer_qualified: int = 0  # qualified technicians whose home is nearer the job


@dataclass(frozen=True, slots=True)
class Visit:
    job_id: str
    arrival: float
    start: float
    end: float
    explanation: Explanation | None = None

    @property
    def wait(self) -> float:
        return self.start - self.arrival


@dataclass(slots=True)
class Route:
    technician_id: str
    visits: list[Visit] = field(default_factory=list)
    depart: float | None = None  # leaves his start point (home, or where he is now)
    back: float | None = None  # home again

    @property
    def job_ids(self) -> list[str]:
        return [v.job_id for v in self.visits]


@dataclass(frozen=True, slots=True)
class Deferral:
    job_id: str
    reason: str


@dataclass(slots=True)
class Plan:
    routes: list[Route]
    deferred: list[Deferral]
    method: str = ""
    solve_seconds: float = 0.0
    stats: dict = field(default_factory=dict)

    def route_of(self, tech_id: str) -> Route:
        for route in self.routes:
            if route.technician_id == tech_id:
                return route
        raise KeyError(tech_id)

    def assignment(self) -> dict[str, str]:
        """job id → technician id of every planned job."""
        return {v.job_id: r.technician_id for r in self.routes for v in r.visits}

    def visit(self, job_id: str) -> Visit | None:
        for route in self.routes:
            for visit in route.visits:
                if visit.job_id == job_id:
                    return visit
        return None

    @property
    def deferred_ids(self) -> list[str]:
        return [d.job_id for d in self.deferred]


# --- datetime helpers for the caller ------------------------------------------------------------


def minutes_from_midnight(moment: dt.datetime, day: dt.date, tz: dt.tzinfo) -> float:
    """``moment`` (aware) as elapsed minutes since 00:00 of ``day`` in ``tz`` (may be < 0 or > 1440)."""
    # Both in UTC: Python subtracts two datetimes sharing a tzinfo as wall-clock times.
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return (moment.astimezone(dt.UTC) - midnight).total_seconds() / 60.0


def at_minutes(minutes: float, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The aware datetime ``minutes`` after 00:00 of ``day`` in ``tz`` (inverse of the above)."""
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return (midnight + dt.timedelta(minutes=minutes)).astimezone(tz)
