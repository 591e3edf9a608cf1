"""Small generated planning problems for the tests (planar km, 30 km/h)."""

from __future__ import annotations

import random

from aftersales.dispatch.planning.model import Job, Location, Problem, Technician
from aftersales.dispatch.planning.travel import EuclideanTravel

SKILLS = ["aircon", "washer", "fridge", "gas"]
TRAVEL = EuclideanTravel(speed=0.5)  # km per minute: 30 km/h


def at(x: float, y: float) -> Location:
    return Location.xy(x, y)


def random_problem(seed: int, n_jobs: int = 30, n_techs: int = 4) -> Problem:
    rng = random.Random(seed)
    techs = []
    for i in range(n_techs):
        skills = set(rng.sample(SKILLS, rng.randint(1, 3)))
        start = rng.choice([480, 540, 600])
        techs.append(
            Technician(
                id=f"T{i}",
                home=at(rng.uniform(0, 20), rng.uniform(0, 20)),
                skills=frozenset(skills),
                shift_start=start,
                shift_end=start + rng.choice([300, 420, 540]),
                capacity=rng.randint(3, 8),
            )
        )
    jobs = []
    for k in range(n_jobs):
        ws = rng.choice([480, 540, 720, 780])
        we = ws + rng.choice([60, 120, 240, 600])
        deadline = rng.choice([None, ws + 90, ws + 300, 2000])
        jobs.append(
            Job(
                id=f"J{k}",
                location=at(rng.uniform(0, 20), rng.uniform(0, 20)),
                duration_min=rng.choice([20, 30, 45, 60]),
                required_skills=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
                window_start=ws,
                window_end=we,
                deadline=deadline,
                priority=rng.choice([0, 0, 0, 1, 2]),
            )
        )
    return Problem(technicians=tuple(techs), jobs=tuple(jobs))
