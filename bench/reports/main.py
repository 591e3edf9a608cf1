"""bench/reports: every report and the service manager's dashboard on PostgreSQL with 1,000,000
requests and 3,000,000 events.

    bench/reports/run [--rows 1000000] [--events 3000000] [--centres 8] [--samples 12]
                      [--regenerate]

1. Creates (or reuses, when it holds the same data from the same generator) the database
   ``bench_reports``, migrates it and fills it (generate.py).
2. Computes each report — technician daily, supervisor daily, daily man-hours and expenses,
   weekly repair, monthly man-hours, monthly appraisal — for the last complete period of each
   service centre, as the background task does (timing.py): seconds and query counts.
3. Starts gunicorn with the production settings and times, one client at a time, the pages:
   the dashboard (service department: all centres and one centre; a supervisor: his centre),
   the deadline list behind it, each report's page and its Excel download.
4. Repeats 2 and the dashboard with the indexes recommended for the service app (on the time
   columns the reports filter by), created for the measurement and dropped afterwards.
Target: ≤ 2 s each (p95). Results: bench/results/reports-<date>.md and .json.
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import psycopg

from bench.common import (
    HttpClient,
    database_exists,
    database_recreate,
    database_url,
    django_env,
    gunicorn,
    machine,
    manage,
    python,
    results_write,
    say,
    shared_note,
)
from bench.reports.generate import GENERATOR_VERSION

DATABASE = "bench_reports"
TARGET_S = 2.0
PASSWORD = "bench-pass-1234"
MANAGER, SUPERVISOR = "manager", "pd.supervisor"
# The indexes the reports would like the service app to have (docs/reports.md).
RECOMMENDED_INDEXES = {
    "bench_reco_labor_created": "service_laborentry (created_at)",
    "bench_reco_visit_arrived": "service_visit (arrived_at)",
    "bench_reco_parts_created": "service_partusage (created_at)",
    "bench_reco_request_completed": "service_servicerequest (completed_at)",
    "bench_reco_request_closed": "service_servicerequest (closed_at)",
}
KIND_LABELS = {
    "technician_daily": "Technician daily report (RP-1)",
    "supervisor_daily": "Supervisor daily report (RP-2)",
    "daily_hours": "Daily man-hours and expenses (RP-3)",
    "weekly_repair": "Weekly repair report (RP-3)",
    "monthly_hours": "Monthly man-hour summary (RP-3)",
    "appraisal": "Technicians' monthly appraisal (FB-3)",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="service requests")
    parser.add_argument("--events", type=int, default=3_000_000, help="events (exactly)")
    parser.add_argument("--centres", type=int, default=8,
                        help="report computations per kind (one per service centre)")
    parser.add_argument("--samples", type=int, default=12, help="timed requests per page")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


def stats(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 3)

    return {"n": len(seconds), "p50": pct(50), "p95": pct(95), "max": round(ordered[-1], 3),
            "mean": round(statistics.mean(seconds), 3)}


def timed(client: HttpClient, path: str, samples: int) -> dict:
    for _ in range(2):  # warm-up
        client.request("GET", path)
    times, statuses, sizes = [], {}, []
    for _ in range(samples):
        status, body, elapsed = client.request("GET", path)
        statuses[status] = statuses.get(status, 0) + 1
        times.append(elapsed)
        sizes.append(len(body))
    return stats(times) | {"statuses": statuses, "bytes": int(statistics.mean(sizes)),
                           "path": path}


def ensure_database(rows: int, events: int, regenerate: bool, work: Path) -> tuple[str, dict]:
    db_url = database_url(DATABASE)
    meta = None
    if not regenerate and database_exists(DATABASE):
        with psycopg.connect(db_url) as conn:
            try:
                meta = conn.execute("SELECT rows, events, generator, generated_at, seconds, counts "
                                    "FROM bench_reports_meta").fetchone()
            except psycopg.errors.UndefinedTable:
                meta = None
    if meta and meta[0] == rows and meta[1] == events and meta[2] == GENERATOR_VERSION:
        say(f"reusing {DATABASE}: {rows:,} requests, {events:,} events, "
            f"generated {meta[3]:%Y-%m-%d %H:%M}")
        manage(django_env(db_url, work), "migrate", "--noinput")
        return db_url, {"reused": True, "generated_at": meta[3], "seconds": meta[4],
                        "counts": meta[5]}
    say(f"creating {DATABASE} with {rows:,} requests and {events:,} events")
    db_url = database_recreate(DATABASE)
    env = django_env(db_url, work)
    manage(env, "migrate", "--noinput")
    result = json.loads(python(env, "bench.reports.generate", str(rows), str(events)))
    say(f"generated in {result['seconds']} s")
    return db_url, {"reused": False, **result}


def recommended_indexes(db_url: str, create: bool) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        for name, target in RECOMMENDED_INDEXES.items():
            if create:
                conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
            else:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        if create:
            conn.execute("ANALYZE")


def dashboard_timings(base: str, db_url: str, samples: int) -> tuple[dict, HttpClient]:
    pages = {}
    hq = HttpClient(base, timeout=120)
    hq.login(MANAGER, PASSWORD)
    with psycopg.connect(db_url) as conn:
        pd = conn.execute("SELECT id FROM accounts_servicecentre WHERE code = 'PD'").fetchone()[0]
    say("dashboard")
    pages["dashboard, service department, all centres"] = timed(hq, "/reports/dashboard/", samples)
    pages["dashboard, service department, one centre"] = timed(
        hq, f"/reports/dashboard/?centre={pd}", samples)
    supervisor = HttpClient(base, timeout=120)
    supervisor.login(SUPERVISOR, PASSWORD)
    pages["dashboard, supervisor, his centre"] = timed(supervisor, "/reports/dashboard/", samples)
    return pages, hq


def page_timings(base: str, computed: dict, samples: int) -> dict:
    pages, hq = dashboard_timings(base, computed["db_url"], samples)
    pages["deadlines missed, all centres (page 1)"] = timed(
        hq, "/reports/dashboard/deadlines/?state=missed", samples)
    pages["report list, service department"] = timed(hq, "/reports/", samples)
    for kind, entry in computed["kinds"].items():
        report = entry["reports"][0]["id"]
        say(f"{kind} page and Excel")
        pages[f"{KIND_LABELS[kind]}: page"] = timed(hq, f"/reports/{report}/", samples)
        pages[f"{KIND_LABELS[kind]}: Excel"] = timed(hq, f"/reports/{report}/excel/", samples)
    return pages


def markdown(data: dict) -> str:
    m, db = data["machine"], data["database"]
    counts = db.get("counts") or {}
    lines = [
        f"# bench/reports — {data['date']}",
        "",
        "Every report and the service manager's dashboard on PostgreSQL with "
        f"{data['rows']:,} service requests and {data['events']:,} events "
        f"(target: ≤ {TARGET_S:.0f} s each, p95).",
        "",
        f"**Machine:** {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; PostgreSQL "
        f"{m.get('postgresql')}; Python {m['python']}, Django {m.get('django')}; commit "
        f"{m['commit']}.",
        "",
        f"**Shared machine:** the 2 cores are shared with other helpers working in parallel. "
        f"{data['shared_note']}",
        "",
        "**Data:** " + ", ".join(f"{k.split('_', 1)[1]} {v:,}" for k, v in counts.items())
        + (" (reused database)" if db.get("reused") else f" (generated in {db.get('seconds')} s)"),
        "",
        "## Computing each report (the background task's work)",
        "",
        "One run per service centre for the last complete period (yesterday, last week, last "
        "month), executed as the worker does (aggregate queries, progress, storing the figures).",
        "",
        "| report | runs | p50 s | p95 s | max s | queries | within target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for kind, entry in data["computed"]["kinds"].items():
        s = stats(entry["seconds"])
        ok = "yes" if s["p95"] <= TARGET_S else "**no**"
        queries = sorted(set(entry["queries"]))
        lines.append(f"| {KIND_LABELS[kind]} | {s['n']} | {s['p50']:.3f} | {s['p95']:.3f} | "
                     f"{s['max']:.3f} | {'/'.join(map(str, queries))} | {ok} |")
    indexed = data.get("indexed")
    if indexed:
        lines += ["", "## With the indexes recommended for the service app", "",
                  "The same computations (and the dashboard) after `CREATE INDEX` on "
                  + ", ".join(f"`{t}`" for t in RECOMMENDED_INDEXES.values())
                  + " — created for this measurement and dropped after it.", "",
                  "| report | runs | p50 s | p95 s | max s | as shipped p95 s |",
                  "|---|---:|---:|---:|---:|---:|"]
        for kind, entry in indexed["computed"]["kinds"].items():
            s, before = stats(entry["seconds"]), stats(data["computed"]["kinds"][kind]["seconds"])
            lines.append(f"| {KIND_LABELS[kind]} | {s['n']} | {s['p50']:.3f} | {s['p95']:.3f} | "
                         f"{s['max']:.3f} | {before['p95']:.3f} |")
        for name, s in indexed["pages"].items():
            before = data["pages"][name]
            lines.append(f"| {name} (page) | {s['n']} | {s['p50']:.3f} | {s['p95']:.3f} | "
                         f"{s['max']:.3f} | {before['p95']:.3f} |")
    lines += ["", "## Pages (one client, gunicorn, production settings)", "",
              "| page | n | p50 s | p95 s | max s | bytes | statuses | within target |",
              "|---|---:|---:|---:|---:|---:|---|---|"]
    for name, s in data["pages"].items():
        ok = "yes" if s["p95"] <= TARGET_S and set(s["statuses"]) == {200} else "**no**"
        lines.append(f"| {name} | {s['n']} | {s['p50']:.3f} | {s['p95']:.3f} | {s['max']:.3f} | "
                     f"{s['bytes']:,} | {s['statuses']} | {ok} |")
    lines += ["", "## Slowest queries while computing", ""]
    for kind, entry in data["computed"]["kinds"].items():
        top = entry["slowest"][0] if entry["slowest"] else None
        if top:
            lines.append(f"- {KIND_LABELS[kind]}: {top['seconds']:.3f} s ({top['centre']}) — "
                         f"`{top['sql'][:160]}…`")
    lines += ["", data.get("notes", ""), ""]
    return "\n".join(lines)


NOTES = """## Notes

- The figures come from aggregate queries only (`reports/selectors/`); the page shows the
  figures the run stored, so its time does not depend on the data size; the dashboard is
  computed live on every request.
- Indexes: the reports use the indexes the other apps already have (foreign keys, the request's
  `(service_centre, status, reported_at)` and `(assigned_technician, status)`, events'
  `(content_type, object_id, at)` and `at`, clocks' `due_at`, surveys' `(technician,
  answered_at)`). See `docs/reports.md` for the indexes measured as worth adding.
- Reproduce: `bench/reports/run` (reuses the database when it holds the same data; add
  `--regenerate` to rebuild it)."""


def main() -> None:
    args = parse_args()
    info = machine()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        work = Path(tmp)
        db_url, database = ensure_database(args.rows, args.events, args.regenerate, work)
        env = django_env(db_url, work)
        say(f"computing each report for {args.centres} centres")
        computed = json.loads(python(env, "bench.reports.timing", str(args.centres)))
        computed["db_url"] = db_url
        manage(env, "collectstatic", "--noinput")
        with gunicorn(env, workers=args.workers, threads=args.threads,
                      log=work / "gunicorn.log") as (base, _process):
            pages = page_timings(base, computed, args.samples)
        say("again with the recommended indexes")
        recommended_indexes(db_url, create=True)
        try:
            indexed = {"computed": json.loads(python(env, "bench.reports.timing",
                                                     str(args.centres)))}
            with gunicorn(env, workers=args.workers, threads=args.threads,
                          log=work / "gunicorn.log") as (base, _process):
                indexed["pages"], _client = dashboard_timings(base, db_url, args.samples)
        finally:
            recommended_indexes(db_url, create=False)
    del computed["db_url"]
    data = {
        "date": time.strftime("%Y-%m-%d"), "rows": args.rows, "events": args.events,
        "target_seconds": TARGET_S, "machine": info, "shared_note": shared_note(info),
        "database": database, "computed": computed, "pages": pages, "indexed": indexed,
        "gunicorn": {"workers": args.workers, "threads": args.threads}, "notes": NOTES,
    }
    md, js = results_write("reports", data, markdown(data))
    say(f"results: {md} and {js}")
    print(markdown(data))


if __name__ == "__main__":
    main()
