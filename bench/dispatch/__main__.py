"""bench/dispatch: ``python -m bench.dispatch solomon | field [--quick]`` (or ``bench/dispatch/run``).

Writes ``bench/results/dispatch-<name>-<date>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"
SHARED_NOTE = (
    "Machine: {cpus} cores, load average at start {load} (above {cpus}: other work competed for "
    "them); timings and solution quality within a fixed time limit depend on that load. Each "
    "search is single-threaded; the day plan uses every core (one seed per core up to 400 jobs, "
    "one district per core above), the reference one core."
)


def machine() -> dict:
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    root = Path(__file__).resolve().parents[2]
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True, capture_output=True
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "pyvrp": version("pyvrp"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": git or "unknown",
    }


def write(name: str, payload: dict, markdown: str, tag: str | None) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"dispatch-{name}-{tag or dt.date.today().isoformat()}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{stem}.md").write_text(markdown)
    return RESULTS / f"{stem}.md"


def solomon_markdown(result: dict, env: dict) -> str:
    s = result["summary"]
    lines = [
        "# Dispatch bench (a): Solomon VRPTW through the planning layer",
        "",
        f"Date: {env['date']}. PyVRP {env['pyvrp']}, Python {env['python']}, {env['cpu']}, "
        f"commit {env['commit']} (with uncommitted work in progress).",
        SHARED_NOTE.format(cpus=env["cpus"], load=env["load_average_at_start"]),
        "",
        "All instances of `shared/benchmarks/solomon/instances/` were read into the product's",
        "planning model (vehicles → technicians at the depot, customers → required jobs with",
        "their windows, demand → job load, vehicle capacity → daily capacity), solved by",
        "`aftersales.dispatch.planning.pyvrp_solver.solve` with "
        f"{s['seconds_per_instance']:g} s each (build and initial search included), one process,",
        "seed " + str(s["seed"]) + ", and measured by `planning.evaluate` in double precision",
        "(Euclidean, unrounded), against `distonly_distance` of `bks.csv`.",
        "",
        f"- instances: **{s['instances']}**, feasible (every customer served, no violation): "
        f"**{s['feasible']}**",
        f"- mean gap: **{s['mean_gap_pct']} %** (target ≤ 0.5 %)",
        f"- worst gap: **{s['worst_gap_pct']} %** ({s['worst_instance']})",
        "",
        "| family | mean gap % |",
        "|---|---|",
    ]
    lines += [f"| {f} | {g} |" for f, g in s["mean_gap_by_family"].items()]
    lines += [
        "",
        "| instance | distance | best known | gap % | vehicles (BKS) | feasible | wall s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["instances"]:
        lines.append(
            f"| {r['instance']} | {r.get('distance', '-')} | {r['bks']} | {r.get('gap_pct', '-')} "
            f"| {r.get('vehicles', '-')} ({r.get('bks_vehicles', '-')}) | {r['feasible']} "
            f"| {r['wall_s']} |"
        )
    return "\n".join(lines) + "\n"


def field_markdown(result: dict, env: dict) -> str:
    lines = [
        "# Dispatch bench (b): field scenario — day plan vs rotation vs a 5-minute run",
        "",
        f"Date: {env['date']}. PyVRP {env['pyvrp']}, Python {env['python']}, {env['cpu']}, "
        f"commit {env['commit']} (with uncommitted work in progress).",
        SHARED_NOTE.format(cpus=env["cpus"], load=env["load_average_at_start"]),
        "",
        "Scenario: `bench/dispatch/field.py` (docstring): a Shanghai-like service area, jobs with",
        "skills, customer windows, deadlines (DS-3 applied) and priorities; technicians with",
        "skills, shifts, home bases and daily capacity; great-circle travel × 1.3 at 30 km/h.",
        "Rotation (DS-2) hands jobs out in turn in deadline order and each technician does them",
        "in the order received (violations: it ignores windows and shift ends). *Missed* =",
        "due today and served after the deadline, or deferred. Time limits count from the call",
        "(model building included). Above 400 jobs the day plan is made per district",
        "(`planning/decompose.py`: technicians grouped by home, each district planned in its own",
        "process, merged, then improved as a whole); the reference is always the whole problem",
        "in one search, never decomposed. *Load*: the machine's 1-minute load average when the",
        "method finished (2 cores: above 2 means other work competed for them).",
        "",
    ]
    if result.get("quick"):
        lines += ["**Quick run** (shorter limits): not the measurement of record.", ""]
    for size in result["sizes"]:
        c = size["checks"]
        lines += [
            f"## {size['jobs']} jobs / {size['technicians']} technicians "
            f"({size['due_today']} due today)",
            "",
            "| method | travel km | km/served job | served | deferred | late | missed deadlines "
            "| violations | wall s | load (1 min) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in size["rows"]:
            lines.append(
                f"| {r['method']} | {r['travel_km']:.1f} | {r['km_per_served_job']} | {r['served']} "
                f"| {r['deferred']} | {r['late']} | {r['missed_deadlines']} | {r['violations']} "
                f"| {r['wall_s']} | {r.get('load_1min', '-')} |"
            )
        t = c["targets"]
        lines += [""]
        for r in size["rows"]:
            st = r.get("solver_stats") or {}
            if st.get("decomposed"):
                processes = st.get("processes", st.get("workers"))
                lines.append(
                    f"- {r['method']}: {st['groups']} districts on {processes} processes, "
                    f"jobs per district {st['group_jobs']}; the districts' plans deferred "
                    f"{st['parts_deferred']} jobs after {st['parts_seconds']} s, the whole-day "
                    f"improvement brought that to {r['deferred']}."
                )
        lines += [
            f"- travel vs rotation: **{c['travel_reduction_vs_rotation_pct']} % less** "
            f"(per served job {c['km_per_job_reduction_vs_rotation_pct']} % less); target ≥ 60 %: "
            f"{_ok(t['travel_60pct_less_than_rotation'])}",
            f"- missed deadlines vs rotation: **{c['missed_deadline_reduction_vs_rotation_pct']} % "
            f"fewer**; target ≥ 90 %: {_ok(t['missed_deadlines_90pct_fewer_than_rotation'])}",
            f"- vs the 5-minute run: travel {c['travel_vs_reference_pct']:+} %, missed deadlines "
            f"{c['missed_deadlines_vs_reference']:+}, served {c['served_vs_reference']:+}; target "
            f"within 2 % (travel ≤ +2 %, served ≥ −2 %, missed ≤ +2 % of the jobs due): "
            f"{_ok(t['within_2pct_of_reference'])}",
            f"- plan wall time: **{c['plan_wall_s']} s**; target ≤ 60 s: "
            f"{_ok(t['plan_within_60s'])}; plan feasible: {_ok(t['plan_feasible'])}",
            "",
        ]
    return "\n".join(lines)


def _ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/dispatch/run")
    sub = parser.add_subparsers(dest="bench", required=True)
    sol = sub.add_parser("solomon", help="all 56 Solomon instances, 10 s each")
    sol.add_argument("--seconds", type=float, default=10.0)
    sol.add_argument("--only", nargs="*", help="instance names (default: all)")
    sol.add_argument("--tag", help="file name tag instead of today's date")
    fld = sub.add_parser("field", help="field scenario: day plan vs rotation vs 5-minute run")
    fld.add_argument("--quick", action="store_true", help="200 jobs only, short limits")
    fld.add_argument("--tag", help="file name tag instead of today's date")
    args = parser.parse_args(argv)
    env = {"date": dt.date.today().isoformat(), **machine()}
    if args.bench == "solomon":
        from .solomon import run

        result = run(args.seconds, only=args.only)
        payload = {"bench": "dispatch-solomon", "environment": env, **result}
        path = write("solomon", payload, solomon_markdown(result, env), args.tag)
        s = result["summary"]
        ok = s["feasible"] == s["instances"] and (s["mean_gap_pct"] or 99) <= 0.5
    else:
        from .field import run

        result = run(quick=args.quick)
        payload = {"bench": "dispatch-field", "environment": env, **result}
        tag = args.tag or (f"quick-{env['date']}" if args.quick else None)
        path = write("field", payload, field_markdown(result, env), tag)
        ok = all(all(s["checks"]["targets"].values()) for s in result["sizes"])
    print(f"results: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
