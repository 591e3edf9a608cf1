"""Solomon VRPTW instances through the product's planning layer (distance-only objective)."""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

from aftersales.dispatch.planning.evaluate import evaluate
from aftersales.dispatch.planning.model import Job, Location, Problem, Technician
from aftersales.dispatch.planning.pyvrp_solver import SolverOptions, solve
from aftersales.dispatch.planning.schedule import Geometry
from aftersales.dispatch.planning.travel import EuclideanTravel

ROOT = Path(__file__).resolve().parents[2]
SOLOMON = ROOT.parent / "shared" / "benchmarks" / "solomon"


def solomon_dir() -> Path:
    for candidate in (SOLOMON, ROOT / "shared" / "benchmarks" / "solomon"):
        if candidate.is_dir():
            return candidate
    raise SystemExit(f"Solomon instances not found (looked in {SOLOMON})")


def read_instance(path: Path) -> Problem:
    """Solomon's text format → a planning problem: vehicles are technicians, customers jobs."""
    lines = [ln.split() for ln in path.read_text().splitlines()]
    rows = [ln for ln in lines if ln and all(_is_number(x) for x in ln)]
    vehicles, capacity = int(rows[0][0]), int(rows[0][1])
    nodes = [[float(x) for x in r] for r in rows[1:]]
    depot = nodes[0]
    home = Location.xy(depot[1], depot[2])
    techs = tuple(
        Technician(
            id=f"V{i + 1}",
            home=home,
            shift_start=depot[4],
            shift_end=depot[5],
            capacity=capacity,
        )
        for i in range(vehicles)
    )
    jobs = tuple(
        Job(
            id=str(int(n[0])),
            location=Location.xy(n[1], n[2]),
            load=int(n[3]),
            window_start=n[4],
            window_end=n[5],
            duration_min=n[6],
            required=True,
        )
        for n in nodes[1:]
    )
    return Problem(technicians=techs, jobs=jobs, horizon_end=depot[5])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_bks(directory: Path) -> dict[str, dict]:
    with (directory / "bks.csv").open() as fh:
        return {row["instance"]: row for row in csv.DictReader(fh)}


def run(seconds: float = 10.0, only: list[str] | None = None, seed: int = 1) -> dict:
    directory = solomon_dir()
    bks = read_bks(directory)
    travel = EuclideanTravel()
    results = []
    names = sorted(p.stem for p in (directory / "instances").glob("*.txt"))
    if only:
        names = [n for n in names if n in only]
    for name in names:
        problem = read_instance(directory / "instances" / f"{name}.txt")
        geo = Geometry(problem, travel)
        began = time.perf_counter()
        error = None
        try:
            plan = solve(
                problem,
                options=SolverOptions(time_limit=seconds, seed=seed, ticks_per_minute=1000,
                                      workers=1),  # one core, as the issue measures
                geometry=geo,
            )
        except Exception as exc:  # noqa: BLE001 - a failed instance is a result, not a crash
            plan, error = None, f"{exc.__class__.__name__}: {exc}"
        wall = time.perf_counter() - began
        best = float(bks[name]["distonly_distance"])
        row = {
            "instance": name,
            "family": bks[name]["family"],
            "bks": best,
            "wall_s": round(wall, 2),
        }
        if plan is None:
            row.update(feasible=False, error=error)
        else:
            ev = evaluate(problem, plan, geometry=geo)
            row.update(
                distance=round(ev.travel_km, 2),
                gap_pct=round(100 * (ev.travel_km - best) / best, 3),
                vehicles=ev.routes_used,
                bks_vehicles=int(bks[name]["distonly_vehicles"]),
                feasible=ev.feasible and ev.deferred == 0,
                violations=len(ev.violations),
            )
        results.append(row)
        print(
            f"{name:6} {row.get('distance', '-'):>9} bks {best:9.2f} "
            f"gap {row.get('gap_pct', float('nan')):7.3f}% feasible={row['feasible']} "
            f"({wall:.1f}s)",
            flush=True,
        )
    gaps = [r["gap_pct"] for r in results if "gap_pct" in r]
    summary = {
        "instances": len(results),
        "feasible": sum(1 for r in results if r["feasible"]),
        "mean_gap_pct": round(statistics.fmean(gaps), 3) if gaps else None,
        "worst_gap_pct": round(max(gaps), 3) if gaps else None,
        "worst_instance": max(results, key=lambda r: r.get("gap_pct", -1))["instance"]
        if gaps
        else None,
        "seconds_per_instance": seconds,
        "seed": seed,
    }
    by_family: dict[str, list[float]] = {}
    for r in results:
        if "gap_pct" in r:
            by_family.setdefault(r["family"], []).append(r["gap_pct"])
    summary["mean_gap_by_family"] = {
        f: round(statistics.fmean(g), 3) for f, g in sorted(by_family.items())
    }
    return {"summary": summary, "instances": results}
