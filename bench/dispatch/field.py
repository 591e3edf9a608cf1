"""A field-service day in a Shanghai-like city: generator and the three-way comparison.

The generated day: a service centre's open jobs at 07:30, planned at once (no re-plan).

- Jobs: 65 % in the city (within 12 km of People's Square), 35 % in five suburban districts
  (Gaussian clusters 15–30 km out). Product categories aircon / washer / fridge / water heater /
  TV; some aircon jobs need the refrigerant certificate, some water-heater jobs the gas one.
- Deadlines (arrive_by, DS-3 already applied): a quarter are yesterday's afternoon calls due by
  09:00–11:00, a third due 12:00–17:30, the rest due tomorrow (not due today).
- Customer windows: half all day (08:00–18:00), a quarter morning, a quarter afternoon. When a
  customer's window starts after the SLA deadline the clock paused for him, so the deadline is
  moved to two hours into his window (the deadline stays reachable).
- Priority: 85 % normal, 12 % urgent, 3 % emergency.
- Technicians: homes spread like the jobs; 2–4 categories each, about half of the aircon and
  water-heater technicians hold the certificate; shifts 08:00–17:00, 09:00–18:00 or
  10:00–19:00; daily capacity around 1.15 × jobs per technician, so capacity alone defers little.
- Job durations: 20–50 minutes at 10 jobs per technician, shorter (scaled by 10 / ratio) when
  each technician has more jobs, so that a sensible route fits the day.
"""

from __future__ import annotations

import dataclasses
import math
import os
import random
import time

from aftersales.dispatch.planning.evaluate import evaluate
from aftersales.dispatch.planning.model import Job, Location, Problem, Technician
from aftersales.dispatch.planning.pyvrp_solver import SolverOptions, solve
from aftersales.dispatch.planning.rotation import rotation_plan
from aftersales.dispatch.planning.schedule import Geometry
from aftersales.dispatch.planning.travel import GreatCircleTravel

CENTRE = (31.2304, 121.4737)  # People's Square
SUBURBS = [  # (bearing in degrees, distance km): Baoshan, Jiading, Songjiang, Minhang, Pudong
    (10, 18),
    (315, 25),
    (235, 28),
    (215, 16),
    (110, 20),
]
CATEGORIES = ["aircon", "washer", "fridge", "water_heater", "tv"]
CATEGORY_WEIGHTS = [0.35, 0.2, 0.2, 0.15, 0.1]
SHIFTS = [((480, 1020), 0.6), ((540, 1080), 0.25), ((600, 1140), 0.15)]


def _offset(rng: random.Random, bearing_deg: float, km: float) -> Location:
    lat0, lon0 = CENTRE
    b = math.radians(bearing_deg)
    dy, dx = km * math.cos(b), km * math.sin(b)
    return Location(lat0 + dy / 110.574, lon0 + dx / (111.320 * math.cos(math.radians(lat0))))


def _place(rng: random.Random) -> Location:
    if rng.random() < 0.65:
        return _offset(rng, rng.uniform(0, 360), 12 * math.sqrt(rng.random()))
    bearing, dist = rng.choice(SUBURBS)
    lat0, lon0 = CENTRE
    centre = _offset(rng, bearing, dist)
    dy, dx = rng.gauss(0, 3.5), rng.gauss(0, 3.5)
    return Location(
        centre.lat + dy / 110.574, centre.lon + dx / (111.320 * math.cos(math.radians(lat0)))
    )


def generate(n_jobs: int, n_techs: int, seed: int = 7) -> Problem:
    rng = random.Random(seed)
    ratio = n_jobs / n_techs
    techs = []
    for i in range(n_techs):
        cats = set(rng.sample(CATEGORIES, rng.randint(2, 4)))
        skills = set(cats)
        if "aircon" in cats and rng.random() < 0.5:
            skills.add("refrigerant")
        if "water_heater" in cats and rng.random() < 0.5:
            skills.add("gas")
        (start, end) = rng.choices([s for s, _ in SHIFTS], [w for _, w in SHIFTS])[0]
        techs.append(
            Technician(
                id=f"T{i + 1:03d}",
                home=_place(rng),
                skills=frozenset(skills),
                shift_start=start,
                shift_end=end,
                capacity=max(1, round(ratio * 1.15 + rng.choice([-1, 0, 1]))),
            )
        )
    # Make sure every certificate exists somewhere.
    for skill, cat in (("refrigerant", "aircon"), ("gas", "water_heater")):
        if not any(skill in t.skills for t in techs):
            t = techs[0]
            techs[0] = dataclasses.replace(t, skills=t.skills | {skill, cat})
    scale = min(1.0, 10.0 / ratio)
    jobs = []
    for k in range(n_jobs):
        cat = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        skills = {cat}
        if cat == "aircon" and rng.random() < 0.3:
            skills.add("refrigerant")
        if cat == "water_heater" and rng.random() < 0.5:
            skills.add("gas")
        u = rng.random()
        if u < 0.5:
            window = (480.0, 1080.0)
        elif u < 0.75:
            window = (rng.choice([480.0, 540.0]), 720.0)
        else:
            window = (780.0, rng.choice([1020.0, 1080.0]))
        d = rng.random()
        if d < 0.25:
            deadline = float(rng.randrange(540, 661, 15))
        elif d < 0.6:
            deadline = float(rng.randrange(720, 1051, 15))
        else:
            deadline = 1440.0 + rng.randrange(540, 1051, 15)
        if deadline < window[0] + 60:
            deadline = window[0] + 120  # the clock paused until the customer's window
        p = rng.random()
        priority = 2 if p < 0.03 else 1 if p < 0.15 else 0
        jobs.append(
            Job(
                id=f"J{k + 1:04d}",
                location=_place(rng),
                duration_min=round(rng.uniform(20, 50) * scale),
                required_skills=frozenset(skills),
                window_start=window[0],
                window_end=window[1],
                deadline=deadline,
                priority=priority,
            )
        )
    # Queue order: earliest deadline first (the order a dispatcher hands jobs out).
    jobs.sort(key=lambda j: (j.deadline, -j.priority, j.id))
    return Problem(technicians=tuple(techs), jobs=tuple(jobs), horizon_end=1440.0)


def _row(name: str, problem: Problem, plan, geo: Geometry, wall: float) -> dict:
    ev = evaluate(problem, plan, geometry=geo)
    row = {"method": name, "wall_s": round(wall, 2), **ev.as_dict()}
    row["km_per_served_job"] = round(ev.travel_km / ev.served, 3) if ev.served else None
    row["feasible"] = ev.feasible
    # The machine is shared: the load while this method ran (1-minute average, read at its end).
    row["load_1min"] = round(os.getloadavg()[0], 2)
    return row


def run_size(
    n_jobs: int, n_techs: int, plan_seconds: float, reference_seconds: float, seed: int = 7
) -> dict:
    problem = generate(n_jobs, n_techs, seed=seed)
    travel = GreatCircleTravel()
    began = time.perf_counter()
    geo = Geometry(problem, travel)  # shared by the three methods; counted in the plan's time
    matrix_seconds = time.perf_counter() - began
    rows = []

    began = time.perf_counter()
    rot = rotation_plan(problem, geometry=geo)
    rows.append(_row("rotation (DS-2)", problem, rot.plan, geo, time.perf_counter() - began))
    print(_fmt(rows[-1]), flush=True)

    began = time.perf_counter()
    day = solve(problem, options=SolverOptions(time_limit=plan_seconds, seed=seed), geometry=geo)
    plan_wall = time.perf_counter() - began + matrix_seconds
    split = (" per district" if day.stats.get("decomposed")
             else f", best of {len(day.stats['seeds'])} seeds" if day.stats.get("seeds") else "")
    rows.append(_row(f"day plan ({plan_seconds:g} s{split})", problem, day, geo, plan_wall))
    rows[-1]["solver_stats"] = day.stats
    print(_fmt(rows[-1]), flush=True)

    # The reference is the same solver on the whole problem: one search, never decomposed.
    began = time.perf_counter()
    whole = SolverOptions(time_limit=reference_seconds, seed=seed, decompose_above=0, workers=1)
    ref = solve(problem, options=whole, geometry=geo)
    rows.append(
        _row(f"reference ({reference_seconds:g} s)", problem, ref, geo, time.perf_counter() - began)
    )
    print(_fmt(rows[-1]), flush=True)
    if day.stats.get("decomposed"):
        # For honesty: what the decomposed planner reaches with the reference's time.
        began = time.perf_counter()
        long = solve(
            problem, options=SolverOptions(time_limit=reference_seconds, seed=seed), geometry=geo
        )
        name = f"day plan per district ({reference_seconds:g} s)"
        rows.append(_row(name, problem, long, geo, time.perf_counter() - began))
        rows[-1]["solver_stats"] = long.stats
        print(_fmt(rows[-1]), flush=True)

    rot_row, day_row, ref_row = rows[:3]
    checks = {
        "travel_reduction_vs_rotation_pct": _pct_less(day_row["travel_km"], rot_row["travel_km"]),
        "km_per_job_reduction_vs_rotation_pct": _pct_less(
            day_row["km_per_served_job"], rot_row["km_per_served_job"]
        ),
        "missed_deadline_reduction_vs_rotation_pct": _pct_less(
            day_row["missed_deadlines"], rot_row["missed_deadlines"]
        ),
        "travel_vs_reference_pct": round(
            100 * (day_row["travel_km"] - ref_row["travel_km"]) / ref_row["travel_km"], 2
        ),
        "missed_deadlines_vs_reference": day_row["missed_deadlines"] - ref_row["missed_deadlines"],
        "served_vs_reference": day_row["served"] - ref_row["served"],
        "plan_wall_s": round(plan_wall, 2),
    }
    checks["targets"] = {
        "travel_60pct_less_than_rotation": checks["travel_reduction_vs_rotation_pct"] >= 60,
        "missed_deadlines_90pct_fewer_than_rotation": checks[
            "missed_deadline_reduction_vs_rotation_pct"
        ]
        >= 90,
        # Travel within 2 % of the reference's, served jobs no more than 2 % fewer, missed
        # deadlines no more than 2 % of the jobs due today above the reference's.
        "within_2pct_of_reference": checks["travel_vs_reference_pct"] <= 2
        and checks["served_vs_reference"] >= -0.02 * ref_row["served"]
        and checks["missed_deadlines_vs_reference"] <= 0.02 * rot_row["due"],
        "plan_within_60s": plan_wall <= 60,
        "plan_feasible": day_row["feasible"],
    }
    return {
        "jobs": n_jobs,
        "technicians": n_techs,
        "seed": seed,
        "due_today": rot_row["due"],
        "rows": rows,
        "checks": checks,
    }


def _pct_less(new: float | None, old: float | None) -> float | None:
    if new is None or not old:
        return None
    return round(100 * (old - new) / old, 1)


def _fmt(row: dict) -> str:
    return (
        f"  {row['method']:<22} travel {row['travel_km']:9.1f} km  served {row['served']:5}  "
        f"deferred {row['deferred']:4}  late {row['late']:4}  missed {row['missed_deadlines']:4}  "
        f"violations {row['violations']:4}  ({row['wall_s']} s)"
    )


def run(quick: bool = False, seed: int = 7) -> dict:
    if quick:
        sizes = [(200, 20, 5.0, 30.0)]
    else:
        # The same budget for both sizes: the product plans in the background within a minute.
        sizes = [(200, 20, 55.0, 300.0), (2000, 100, 55.0, 300.0)]
    results = []
    for n_jobs, n_techs, plan_s, ref_s in sizes:
        print(f"{n_jobs} jobs / {n_techs} technicians", flush=True)
        results.append(run_size(n_jobs, n_techs, plan_s, ref_s, seed=seed))
    return {"quick": quick, "sizes": results}
