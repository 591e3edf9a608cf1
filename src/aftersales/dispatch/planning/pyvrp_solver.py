"""The day plan: the planning model mapped onto PyVRP (see docs/adr/0005-planning-solver.md).

Mapping, in short:

- technician → a vehicle type with one vehicle (identical technicians share one type): starts at
  his start point (home, where he is now, or where his started job is), ends at home; his shift
  is the vehicle's time window; his daily capacity is load dimension 0.
- skills → further load dimensions. Skills held by exactly the same technicians share one
  dimension, skills everyone has need none. A job delivers 1 unit in the dimension of each skill
  it needs; a technician has room in a dimension only if he holds its skills (0 otherwise), so
  an unqualified technician can never carry the job in a feasible plan.
- pinned jobs → eligibility dimensions too: one per technician with pinned work (or, when many
  technicians have pins, a binary code of 2·⌈log2 T⌉ dimensions); a pinned start becomes a
  zero-width time window at its tick (the schedule in minutes keeps the exact start, to the
  second). Started work is not given to the solver: the technician's route starts where and
  when it ends.
- jobs → optional clients with prizes (deferrable), customer window as time window.
- deadlines, two passes (default): first every due job's latest start is its deadline (hard);
  the due jobs that did not fit are then re-planned with their customer window only, as late,
  warm-started from the first plan. Prizes: meeting a deadline ≫ serving a due job late ≫
  serving a job not yet due ≫ travel, each weighted by priority. (Option "alternatives": one
  solve with an on-time and a late alternative per due job in a mutually exclusive group.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyvrp import Model, RandomNumberGenerator, Solution
from pyvrp import Route as PyVRPRoute
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import (
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    compute_neighbours,
)

from .model import (
    DEFER_CAPACITY,
    DEFER_NO_SHIFT,
    DEFER_NO_SKILL,
    DEFER_PINNED,
    Deferral,
    Job,
    Plan,
    Problem,
    Technician,
)
from .schedule import EPS, Geometry, origin_time, schedule_route
from .travel import GreatCircleTravel, TravelTimeMatrix

MAX_PRIORITY = 4
PRIORITY_BASE = 4  # a job of priority p weighs PRIORITY_BASE ** p
LATE_FACTOR = 10  # serving a due job late is worth (1 + LATE_FACTOR) plain jobs
ON_TIME_FACTOR = 20  # meeting its deadline is worth (1 + ON_TIME_FACTOR) plain jobs
PINNED_FACTOR = 10 * (1 + ON_TIME_FACTOR) * PRIORITY_BASE**MAX_PRIORITY


class PlanningError(Exception):
    """The problem cannot be planned (e.g. required jobs do not fit)."""


@dataclass(frozen=True, slots=True)
class SolverOptions:
    time_limit: float = 10.0  # seconds of search (model building comes on top)
    seed: int = 1
    ticks_per_minute: int = 60  # PyVRP works in integers: time resolution (60: seconds)
    units_per_km: int = 1000  # distance resolution (1000: metres)
    allow_late: bool = True  # plan jobs that cannot meet their deadline (as late) or defer them
    # How deadlines are modelled (ADR 0005): "two_pass" = first with deadlines as hard windows,
    # then the due jobs that did not fit get their customer window only (late), warm-started
    # from the first pass; "alternatives" = one solve with an on-time and a late alternative
    # per due job (mutually exclusive client group). Two-pass measured better (field bench).
    deadlines: str = "two_pass"
    first_pass_share: float = 0.6  # two_pass: share of the time limit for the first pass
    progress: Callable[[float], None] | None = None  # called with 0..1 during the search
    display: bool = False
    # Large days are planned per district (planning/decompose.py, ADR 0005): above
    # ``decompose_above`` jobs (0 = never) the technicians are split into groups with about
    # ``group_jobs`` jobs each, each group planned on its own (in parallel on ``workers``
    # processes; 0 = one per core, 1 = in this process), then the merged plan is improved as a
    # whole for the last ``polish_share`` of the time.
    decompose_above: int = 400
    group_jobs: int = 170
    workers: int = 0
    polish_share: float = 0.2
    # Smaller days from ``seeds_from`` jobs on are searched from one seed per worker at once,
    # the best plan kept (planning/portfolio.py); below it one search (processes would cost
    # more than they bring).
    seeds_from: int = 50


@dataclass(slots=True)
class _Client:
    job: Job
    on_time: bool


@dataclass(slots=True)
class _Built:
    data: object
    clients: list[_Client]
    type_techs: list[list[Technician]]
    started: dict[str, list[Job]]
    deferred: list[Deferral]
    stats: dict = field(default_factory=dict)


def solve(
    problem: Problem,
    travel: TravelTimeMatrix | None = None,
    options: SolverOptions | None = None,
    geometry: Geometry | None = None,
) -> Plan:
    """Plan the day: assign and order every job it can, defer the rest with a reason.

    Days above ``options.decompose_above`` jobs are planned per district
    (:func:`.decompose.solve_in_parts`), smaller ones as one problem (:func:`solve_whole`),
    from ``options.seeds_from`` jobs on searched from one seed per core at once
    (:func:`.portfolio.solve_from_seeds`).
    The time limit counts from this call either way.
    """
    options = options or SolverOptions()
    began = time.perf_counter()
    geo = geometry or Geometry(problem, travel or GreatCircleTravel())
    if 0 < options.decompose_above < len(problem.jobs):
        from .decompose import solve_in_parts

        return solve_in_parts(problem, geo, options, solve_whole, improve=improve, began=began)
    if options.workers != 1 and 0 < options.seeds_from <= len(problem.jobs):
        from .portfolio import solve_from_seeds

        return solve_from_seeds(problem, geo, options, solve_whole, began=began)
    return solve_whole(problem, options=options, geometry=geo, began=began)


def solve_whole(
    problem: Problem,
    travel: TravelTimeMatrix | None = None,
    options: SolverOptions | None = None,
    geometry: Geometry | None = None,
    began: float | None = None,
) -> Plan:
    """The whole problem in one search (never decomposed); ``began``: when the clock started."""
    options = options or SolverOptions()
    began = time.perf_counter() if began is None else began
    geo = geometry or Geometry(problem, travel or GreatCircleTravel())
    built = _build(problem, geo, options)
    build_seconds = time.perf_counter() - began
    best = None
    if built.clients:
        remaining = max(0.0, options.time_limit - build_seconds)
        two_pass = options.deadlines == "two_pass" and options.allow_late
        if two_pass and built.stats["deadline_clients"]:
            first = remaining * options.first_pass_share
            best = _search(built, first, options, progress=(0.0, options.first_pass_share))
            served = {
                built.clients[a.idx].job.id
                for r in best.routes()
                for a in r.schedule()
                if a.is_client()
            }
            late_ok = {
                c.job.id
                for c in built.clients
                if c.job.id not in served and problem.due_in_horizon(c.job)
            }
            warm = best
            if late_ok:
                again = _build(problem, geo, options, late_ok=late_ok)
                # Same jobs, same order, one client each: client indices carry over.
                warm = Solution(
                    again.data,
                    [
                        PyVRPRoute(again.data, [a.idx for a in r.schedule() if a.is_client()],
                                   r.vehicle_type())
                        for r in best.routes()
                    ],
                )  # fmt: skip
                built = again
            built.stats["second_pass_jobs"] = len(late_ok)
            # Every deadline met in the first pass: the second pass just searches on.
            rest = max(0.0, options.time_limit - (time.perf_counter() - began))
            best = _search(
                built, rest, options, initial=warm, progress=(options.first_pass_share, 1.0)
            )
        else:
            best = _search(built, remaining, options)
    return _plan_from(problem, geo, built, best, began, build_seconds)


def improve(
    problem: Problem,
    geometry: Geometry,
    options: SolverOptions,
    plan: Plan,
    began: float | None = None,
) -> Plan:
    """Search on from ``plan`` (e.g. districts' plans merged) on the whole problem.

    The deadlines are modelled as in the second pass: a due job that ``plan`` serves on time
    keeps its deadline as a hard window, one it serves late or defers may be late. Every job
    ``plan`` deferred is offered again to every technician. Never worse than ``plan`` by the
    solver's objective: the search keeps its best, which starts as ``plan``.
    """
    began = time.perf_counter() if began is None else began
    geo = geometry
    late_ok = set()
    for job in problem.jobs:
        if not problem.due_in_horizon(job) or problem.is_started(job):
            continue
        visit = plan.visit(job.id)
        if visit is None or visit.start > job.latest_on_time_start + 1e-6:
            late_ok.add(job.id)
    built = _build(problem, geo, options, late_ok=late_ok)
    build_seconds = time.perf_counter() - began
    if not built.clients:
        return _plan_from(problem, geo, built, None, began, build_seconds)
    index: dict[str, int] = {}
    for i, client in enumerate(built.clients):
        index.setdefault(client.job.id, i)
    vehicle_type = {t.id: vt for vt, techs in enumerate(built.type_techs) for t in techs}
    routes = []
    for route in plan.routes:
        visits = [index[j] for j in route.job_ids if j in index]
        if visits and route.technician_id in vehicle_type:
            routes.append(PyVRPRoute(built.data, visits, vehicle_type[route.technician_id]))
    warm = Solution(built.data, routes)
    built.stats["warm_start_feasible"] = warm.is_feasible()
    rest = max(0.0, options.time_limit - (time.perf_counter() - began))
    best = _search(built, rest, options, initial=warm)
    return _plan_from(problem, geo, built, best, began, build_seconds)


def _plan_from(
    problem: Problem,
    geo: Geometry,
    built: _Built,
    best: Solution | None,
    began: float,
    build_seconds: float,
) -> Plan:
    """The solver's best solution as a Plan: routes in minutes, every other job deferred."""
    routes_by_tech: dict[str, list[str]] = {t.id: [] for t in problem.technicians}
    planned: set[str] = set()
    if best is not None:
        if not best.is_feasible():
            raise PlanningError("no feasible plan: required jobs cannot all be planned")
        used: dict[int, int] = {}
        for route in best.routes():
            vt = route.vehicle_type()
            tech = built.type_techs[vt][used.get(vt, 0)]
            used[vt] = used.get(vt, 0) + 1
            for activity in route.schedule():
                if activity.is_client():
                    job = built.clients[activity.idx].job
                    routes_by_tech[tech.id].append(job.id)
                    planned.add(job.id)
        built.stats["objective"] = int(best.distance_cost())
        built.stats["iterations_seconds"] = round(time.perf_counter() - began - build_seconds, 3)
    deferred = list(built.deferred)
    already = {d.job_id for d in deferred}
    for job in problem.jobs:
        if problem.is_started(job) or job.id in planned or job.id in already:
            continue
        reason = DEFER_PINNED if job.pinned_technician is not None else DEFER_CAPACITY
        deferred.append(Deferral(job.id, reason))

    routes = []
    for tech in problem.technicians:
        sequence = [j.id for j in built.started.get(tech.id, [])] + routes_by_tech[tech.id]
        for job_id in _keep_pinned_starts(geo, tech, sequence):
            job = geo.jobs[job_id]
            deferred.append(Deferral(
                job_id, DEFER_PINNED if job.pinned_technician is not None else DEFER_CAPACITY))
        routes.append(schedule_route(geo, tech, sequence).route)
    built.stats["build_seconds"] = round(build_seconds, 3)
    return Plan(
        routes=routes,
        deferred=deferred,
        method="pyvrp",
        solve_seconds=time.perf_counter() - began,
        stats=built.stats,
    )


def _keep_pinned_starts(geo: Geometry, tech: Technician, sequence: list[str]) -> list[str]:
    """Take out of ``sequence`` (in place) the jobs without a pinned start that make the route
    reach a pinned start late in minutes, nearest before it first; returns them.

    The solver rounds travel and work up to ticks and lets a pinned start slip by a few ticks
    (the rounding of a chain of pinned jobs); in minutes, seconds late is still moved."""
    dropped: list[str] = []
    if not any(geo.jobs[j].pinned_start is not None and not geo.problem.is_started(geo.jobs[j])
               for j in sequence):
        return dropped
    while True:
        visits = schedule_route(geo, tech, sequence, why="").route.visits
        late = next((
            i for i, visit in enumerate(visits)
            if geo.jobs[visit.job_id].pinned_start is not None
            and not geo.problem.is_started(geo.jobs[visit.job_id])
            and visit.start > geo.jobs[visit.job_id].pinned_start + EPS
        ), None)  # fmt: skip
        if late is None:
            return dropped
        free = [i for i in range(late) if geo.jobs[sequence[i]].pinned_start is None]
        if not free:
            return dropped  # the pins themselves do not fit: the evaluation says so
        dropped.append(sequence.pop(free[-1]))


def _search(
    built: _Built,
    seconds: float,
    options: SolverOptions,
    initial: Solution | None = None,
    progress: tuple[float, float] = (0.0, 1.0),
) -> Solution:
    """PyVRP's iterated local search, as ``pyvrp.solve`` runs it, with two differences: the
    time limit counts from here (the initial local search included), and the penalty ceiling
    is scaled to the prizes."""
    stop = _Progress(seconds, options.progress, progress)  # the clock runs from here
    data = built.data
    rng = RandomNumberGenerator(seed=options.seed)
    neighbours = compute_neighbours(data, NeighbourhoodParams())
    search = LocalSearch(data, rng, neighbours, PerturbationManager(PerturbationParams()))
    for operator in OPERATORS:
        if operator.supports(data):
            search.add_operator(operator(data))
    stats = built.stats
    # With prizes, a unit of excess load or time warp must be able to outweigh the largest
    # prize, or the search would settle on infeasible plans; starting halfway up (PyVRP's
    # default start) keeps the search close to feasible plans, which measured best here.
    penalty_params = PenaltyParams(max_penalty=stats["max_penalty"])
    manager = PenaltyManager(penalty_params.midpoint_penalties(data), penalty_params)
    start = search(
        initial or Solution.make_random(data, rng), manager.max_cost_evaluator(), exhaustive=True
    )
    algorithm = IteratedLocalSearch(data, manager, search, start, IteratedLocalSearchParams())
    result = algorithm.run(stop, collect_stats=False, display=options.display)
    return result.best


class _Progress:
    """Stop after ``seconds`` counted from creation; report progress at most twice a second."""

    def __init__(
        self,
        seconds: float,
        callback: Callable[[float], None] | None,
        span: tuple[float, float] = (0.0, 1.0),
    ):
        self._seconds = max(seconds, 1e-9)
        self._callback = callback
        self._span = span
        self._start = self._last = time.perf_counter()

    def __call__(self, best_cost: float) -> bool:
        now = time.perf_counter()
        done = now - self._start > self._seconds
        if self._callback is not None and (done or now - self._last >= 0.5):
            self._last = now
            share = 1.0 if done else min(1.0, (now - self._start) / self._seconds)
            low, high = self._span
            self._callback(low + (high - low) * share)
        return done


def _weight(job: Job) -> int:
    return PRIORITY_BASE ** max(0, min(job.priority, MAX_PRIORITY))


def _build(
    problem: Problem,
    geo: Geometry,
    options: SolverOptions,
    late_ok: set[str] | None = None,
) -> _Built:
    """The PyVRP data. ``late_ok`` (two-pass, second pass): due jobs allowed to be late."""
    tpm, upk = options.ticks_per_minute, options.units_per_km
    techs = list(problem.technicians)
    deferred: list[Deferral] = []

    # Started work: fixed; the technician continues from the last started job.
    started: dict[str, list[Job]] = {}
    for job in problem.jobs:
        if problem.is_started(job):
            started.setdefault(job.pinned_technician, []).append(job)
    for jobs in started.values():
        jobs.sort(key=lambda j: j.pinned_start)

    # Where and when each technician's open route starts, and his remaining capacity.
    start_pos: dict[str, int] = {}
    start_time: dict[str, float] = {}
    room: dict[str, int] = {}
    for tech in techs:
        done = started.get(tech.id, [])
        if done:
            last = done[-1]
            start_pos[tech.id] = geo.job(last.id)
            t = last.pinned_start + last.duration_min
            start_time[tech.id] = max(t, problem.now if problem.now is not None else t)
        else:
            start_pos[tech.id] = geo.origin(tech.id)
            start_time[tech.id] = origin_time(problem, tech)
        room[tech.id] = max(0, tech.capacity - sum(j.load for j in done))

    def available(tech: Technician) -> bool:
        return start_time[tech.id] <= tech.shift_end and room[tech.id] > 0

    # Jobs for the solver; obvious deferrals first, with their reasons.
    open_jobs: list[Job] = []
    for job in problem.jobs:
        if problem.is_started(job):
            continue
        qualified = [geo.techs[t] for t in geo.qualified(job)]
        qualified = [t for t in qualified if t.qualified_for(job)]
        if not qualified:
            deferred.append(
                Deferral(job.id, DEFER_PINNED if job.pinned_technician else DEFER_NO_SKILL)
            )
            continue
        reachable = [
            t
            for t in qualified
            if available(t)
            and start_time[t.id] + geo.minutes[start_pos[t.id], geo.job(job.id)] <= job.window_end
            and job.window_start <= t.shift_end
        ]
        if not reachable:
            deferred.append(
                Deferral(job.id, DEFER_PINNED if job.pinned_technician else DEFER_NO_SHIFT)
            )
            continue
        open_jobs.append(job)
    deferred_ids = {d.job_id for d in deferred}
    if any(j.required for j in problem.jobs if j.id in deferred_ids):
        raise PlanningError("a required job has no qualified technician in its window")

    # Load dimensions: 0 = daily capacity, then skill classes, then pin codes.
    n_techs = len(techs)
    needed = sorted({s for j in open_jobs for s in j.required_skills})
    classes: dict[frozenset[str], list[str]] = {}
    for skill in needed:
        holders = frozenset(t.id for t in techs if skill in t.skills)
        if len(holders) < n_techs:
            classes.setdefault(holders, []).append(skill)
    class_list = list(classes.items())
    skill_dim = {s: 1 + i for i, (_, skills) in enumerate(class_list) for s in skills}
    pinned_techs = sorted(
        {j.pinned_technician for j in open_jobs if j.pinned_technician is not None},
        key=lambda t: geo.tech_pos[t],
    )
    n_bits = max(1, math.ceil(math.log2(max(n_techs, 2))))
    binary = len(pinned_techs) > 2 * n_bits
    pin_base = 1 + len(class_list)
    n_pin_dims = (2 * n_bits if binary else len(pinned_techs)) if pinned_techs else 0
    n_dims = pin_base + n_pin_dims
    big = sum(j.load for j in open_jobs) + len(open_jobs) + 1

    def pin_dims_of_job(tech_id: str) -> list[int]:
        if not binary:
            return [pin_base + pinned_techs.index(tech_id)]
        code = geo.tech_pos[tech_id]
        return [pin_base + 2 * b + ((code >> b) & 1) for b in range(n_bits)]

    def capacity_of(tech: Technician) -> list[int]:
        cap = [0] * n_dims
        cap[0] = room[tech.id]
        for i, (holders, _) in enumerate(class_list):
            cap[1 + i] = big if tech.id in holders else 0
        if pinned_techs:
            if binary:
                for d in pin_dims_of_job(tech.id):
                    cap[d] = big
            elif tech.id in pinned_techs:
                cap[pin_base + pinned_techs.index(tech.id)] = big
        return cap

    def delivery_of(job: Job) -> list[int]:
        dem = [0] * n_dims
        dem[0] = job.load
        for skill in job.required_skills:
            if skill in skill_dim:
                dem[skill_dim[skill]] = 1
        if job.pinned_technician is not None:
            for d in pin_dims_of_job(job.pinned_technician):
                dem[d] = 1
        return dem

    # The model. Locations are the geometry's: homes, start points, jobs.
    model = Model()
    locations = [model.add_location(p.x, p.y) for p in geo.locations]
    km = geo.km
    # Unit prize: more than any single job's detour, so jobs are never dropped to save travel.
    relevant = [geo.job(j.id) for j in open_jobs]
    relevant += [start_pos[t.id] for t in techs] + [geo.home(t.id) for t in techs]
    sub = km[np.ix_(relevant, relevant)]
    unit = int(math.ceil(2 * float(sub.max()) * upk)) + 1 if len(relevant) > 1 else 1

    def ticks_up(minutes: float) -> int:
        return int(math.ceil(minutes * tpm - 1e-6))

    def ticks_down(minutes: float) -> int:
        return int(math.floor(minutes * tpm + 1e-6))

    # Vehicle types: technicians with identical data share one.
    type_techs: list[list[Technician]] = []
    type_key: dict[tuple, int] = {}
    depots: dict[int, object] = {}

    def depot_at(pos: int):
        if pos not in depots:
            depots[pos] = model.add_depot(locations[pos])
        return depots[pos]

    for tech in techs:
        if not available(tech):
            continue
        cap = capacity_of(tech)
        key = (
            start_pos[tech.id] if tech.start_location or started.get(tech.id) else None,
            tech.home,
            tech.start_location,
            start_time[tech.id],
            tech.shift_end,
            tuple(cap),
            tech.fixed_cost,
        )
        if key in type_key and not started.get(tech.id):
            index = type_key[key]
            type_techs[index].append(tech)
            vehicle_type = model.vehicle_types[index]
            model.vehicle_types[index] = vehicle_type.replace(
                num_available=vehicle_type.num_available + 1
            )
            continue
        start_depot = depot_at(start_pos[tech.id])
        end_depot = depot_at(geo.home(tech.id))
        model.add_vehicle_type(
            num_available=1,
            capacity=cap,
            start_depot=start_depot,
            end_depot=end_depot,
            fixed_cost=int(round(tech.fixed_cost * upk)),
            tw_early=ticks_up(start_time[tech.id]),
            tw_late=ticks_down(tech.shift_end),
            name=tech.id,
        )
        type_key[key] = len(type_techs)
        type_techs.append([tech])

    pin_slack: dict[str, int] = {}
    for job in open_jobs:
        if job.pinned_start is not None:
            pin_slack[job.pinned_technician] = pin_slack.get(job.pinned_technician, 0) + 2

    clients: list[_Client] = []
    max_prize = unit
    deadline_clients = 0  # clients whose latest start is a deadline, not the window's end
    for job in open_jobs:
        loc = locations[geo.job(job.id)]
        dem = delivery_of(job)
        service = ticks_up(job.duration_min)
        w = _weight(job)
        early = ticks_up(job.window_start)
        if job.pinned_start is not None:
            # Pinned means that exact time. The window opens at the tick at or before the pinned
            # start and stays open only for the rounding of a chain of pinned jobs (each leg and
            # each service is rounded up to ticks: two ticks per pinned job of the technician),
            # not a minute as before. The service runs to the tick at or after the real end, so
            # nothing after it is earlier in the solver than in minutes. Read back in minutes,
            # the job starts at its exact start; a route that would reach it late by those few
            # ticks gives up the unpinned job before it (_keep_pinned_starts).
            pin = ticks_down(job.pinned_start)
            prize = unit * PINNED_FACTOR
            model.add_client(
                loc, delivery=dem,
                service_duration=ticks_up(job.pinned_start + job.duration_min) - pin,
                tw_early=pin, tw_late=pin + pin_slack[job.pinned_technician], prize=prize,
                required=job.required, name=job.id,
            )  # fmt: skip
            clients.append(_Client(job, True))
            max_prize = max(max_prize, prize)
            continue
        # Kept work (published to its technician, not yet started, no fixed start) weighs as
        # much as work with a pinned start on top of its own prize: it is dropped only if it
        # cannot be served at all, and an on-time visit still beats a late one.
        kept = unit * PINNED_FACTOR if job.pinned_technician is not None else 0
        due = problem.due_in_horizon(job) and not job.required
        on_time_late = ticks_down(job.latest_on_time_start)
        window_late = ticks_down(job.window_end)
        if not due or on_time_late >= window_late:
            prize = kept + unit * w * ((1 + ON_TIME_FACTOR) if due else 1)
            model.add_client(
                loc, delivery=dem, service_duration=service, tw_early=early,
                tw_late=window_late, prize=prize, required=job.required, name=job.id,
            )  # fmt: skip
            clients.append(_Client(job, True))
        elif not job.deadline_reachable() or on_time_late < early:
            if options.allow_late:
                prize = kept + unit * w * (1 + LATE_FACTOR)
                model.add_client(
                    loc, delivery=dem, service_duration=service, tw_early=early,
                    tw_late=window_late, prize=prize, required=False, name=job.id,
                )  # fmt: skip
                clients.append(_Client(job, False))
            else:
                deferred.append(Deferral(job.id, DEFER_NO_SHIFT))
                continue
        elif options.deadlines == "two_pass" or not options.allow_late:
            late = late_ok is not None and job.id in late_ok
            deadline_clients += not late
            prize = kept + unit * w * (1 + (LATE_FACTOR if late else ON_TIME_FACTOR))
            model.add_client(
                loc, delivery=dem, service_duration=service, tw_early=early,
                tw_late=window_late if late else on_time_late, prize=prize, required=False,
                name=job.id,
            )  # fmt: skip
            clients.append(_Client(job, not late))
        else:
            deadline_clients += 1
            prize = kept + unit * w * (1 + ON_TIME_FACTOR)
            group = model.add_client_group(required=False)
            model.add_client(
                loc, delivery=dem, service_duration=service, tw_early=early,
                tw_late=on_time_late, prize=prize, required=False, group=group, name=job.id,
            )  # fmt: skip
            clients.append(_Client(job, True))
            model.add_client(
                loc, delivery=dem, service_duration=service, tw_early=early,
                tw_late=window_late, prize=kept + unit * w * (1 + LATE_FACTOR), required=False,
                group=group, name=job.id + "~late",
            )  # fmt: skip
            clients.append(_Client(job, False))
        max_prize = max(max_prize, prize)

    data = None
    if clients and type_techs:
        distance = np.rint(km * upk).astype(np.int64)
        duration = np.ceil(geo.minutes * tpm - 1e-6).astype(np.int64)
        np.fill_diagonal(distance, 0)
        np.fill_diagonal(duration, 0)
        data = model.data().replace(distance_matrices=[distance], duration_matrices=[duration])
    elif clients:
        # Nobody can work: everything is deferred by the caller's loop.
        clients = []
    stats = {
        "jobs": len(problem.jobs),
        "open_jobs": len(open_jobs),
        "clients": len(clients),
        "vehicle_types": len(type_techs),
        "load_dimensions": n_dims,
        "skill_dimensions": len(class_list),
        "pin_dimensions": n_pin_dims,
        "unit_prize": unit,
        "deadline_clients": deadline_clients,
        "max_penalty": float(max(100_000.0, 2.0 * max_prize)),
    }
    return _Built(
        data=data,
        clients=clients,
        type_techs=type_techs,
        started=started,
        deferred=deferred,
        stats=stats,
    )
