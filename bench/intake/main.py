"""bench/intake: registering service requests through the API under load, against the floor.

    bench/intake/run [--duration 30] [--clients 8,32] [--workers 3] [--threads 2] [--profile]

Creates the PostgreSQL database ``bench_intake``, migrates it, seeds 1,000 customers with a
product each, starts gunicorn (production settings over HTTP, persistent connections), then for
each client count runs wrk against the bare floor view (``/bench/insert/``, one INSERT), the
DRF floor, the API (``POST /api/v1/service-requests/`` with token auth) and the ceiling (``raw``:
the create's statements as SQL, aftersales.demo.views.BenchRawCreate), interleaved. After each
run it counts the rows in the database against the 201 responses, and at the end checks that the
request numbers are unique and gap-free. Results: bench/results/intake-<date>.md and .json.
"""

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

from bench.common import (
    ROOT,
    database_recreate,
    django_env,
    gunicorn,
    machine,
    manage,
    prepared_note,
    python,
    results_write,
    say,
    shared_note,
)

HERE = Path(__file__).resolve().parent
DATABASE = "bench_intake"
# issue 14: the create does at least half the DRF floor's requests/s at 8 clients (what
# registering adds costs no more than the framework's own request cycle), p99 within 100 ms, in
# the layout docs/operations.md recommends (sync workers, cores + 1: measured there).
TARGET_SHARE_OF_DRF, TARGET_P99_MS = 0.50, 100.0
# floor: bare Django, one INSERT (the floor); drf: the same INSERT through DRF with token
# authentication (what any API call pays first); api: the service-request create; raw: its ceiling,
# the same statements as SQL with no model saved and no serializer (ADR 0018).
MODE_PATHS = {"floor": "/bench/insert/", "drf": "/bench/api-insert/",
              "api": "/api/v1/service-requests/", "raw": "/bench/raw-create/"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per run (default 30)")
    parser.add_argument("--clients", default="8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1,
                        help="gunicorn worker processes (default: CPUs + 1, as recommended)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (default 1: sync workers; >1: gthread)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the interleaved runs; ratios are the median over rounds")
    parser.add_argument("--endpoints", default=",".join(MODE_PATHS),
                        help="which of floor, drf, api, raw to load (default: all four)")
    parser.add_argument("--worker-class", default="",
                        help="gunicorn worker class (default: gthread, or sync for 1 thread)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per endpoint")
    parser.add_argument("--profile", action="store_true",
                        help="also record a py-spy profile of one worker during an API run")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    return parser.parse_args()


# --- measuring ---------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _cpu_by_process(pids: list[int]) -> dict[tuple[int, int], float]:
    """CPU seconds (user + system) of each live process, keyed by (pid, start time) so that a
    pid the kernel reuses for another process is not mistaken for the first."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited
        found[(pid, int(fields[19]))] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def _cpu_used(before: dict, after: dict) -> tuple[float, int]:
    """CPU seconds used between two readings, and how many processes exited meanwhile. A process
    that exited (a recycled database connection) counts nothing — its last seconds cannot be
    read — instead of its whole lifetime counting against the others (the old sum went
    negative)."""
    used = sum(seconds - before.get(key, 0.0) for key, seconds in after.items())
    return max(0.0, used), sum(1 for key in before if key not in after)


def _postgres_backends(database: str = DATABASE) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmd.startswith(b"postgres: ") and database.encode() in cmd:
                pids.append(int(entry.name))
    return pids


def _machine_busy() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def wrk_run(base: str, mode: str, *, clients: int, duration: int, tag: str, work: Path,
            token: str, master_pid: int, path: str = "", database: str = DATABASE,
            env_extra: dict | None = None) -> dict:
    """One wrk run of ``mode`` (create.lua's modes) against ``base`` + ``path`` (by default the
    mode's path here), with the CPU of the server's workers and of ``database``'s backends."""
    out = work / f"wrk-{tag}.json"
    env = dict(os.environ, BENCH_MODE=mode, BENCH_TOKEN=token, BENCH_TAG=tag,
               BENCH_OUT=str(out), BENCH_PAIRS=str(work / "pairs.lua"), **(env_extra or {}))
    path = path or MODE_PATHS[mode]
    workers = _children(master_pid)
    backends = _postgres_backends(database)
    app_cpu, db_cpu, busy = _cpu_by_process(workers), _cpu_by_process(backends), _machine_busy()
    started = time.monotonic()
    done = subprocess.run(["wrk", "-t", str(min(2, clients)), "-c", str(clients),
                           "-d", f"{duration}s", "--timeout", "10s", "-s", str(HERE / "create.lua"),
                           base + path], env=env, text=True, capture_output=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"wrk failed: {done.stdout}\n{done.stderr}")
    total, idle = _machine_busy()
    busy_share = 1 - (idle - busy[1]) / max(1, total - busy[0])
    backends = sorted(set(backends) | set(_postgres_backends(database)))
    raw = json.loads(out.read_text())
    threads = raw.pop("threads")
    numbers = [n for t in threads for n in (t.get("numbers") or [])]
    other: dict[str, int] = {}
    for t in threads:
        for status, count in (t.get("other") or {}).items():
            other[status] = other.get(status, 0) + count
    seconds = raw["duration_us"] / 1e6
    lat = {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()}
    app_used, _exited = _cpu_used(app_cpu, _cpu_by_process(workers))
    db_used, backends_exited = _cpu_used(db_cpu, _cpu_by_process(backends))
    machine_used = busy_share * (os.cpu_count() or 1) * elapsed
    return {
        "endpoint": mode, "clients": clients, "seconds": round(seconds, 2),
        "responses": raw["requests"], "requests_per_s": round(raw["requests"] / seconds, 1),
        "latency_ms": lat,
        "sent": sum(t["sent"] for t in threads), "created_201": sum(t["created"] for t in threads),
        "other_statuses": other, "socket_errors": raw["errors"],
        "cpu_seconds": {"gunicorn_workers": round(app_used, 1),
                        "postgres_backends": round(db_used, 1),
                        # wrk, PostgreSQL's background processes and whatever else runs here
                        "everything_else": round(max(0.0, machine_used - app_used - db_used), 1),
                        "machine_busy_share": round(busy_share, 2),
                        "wall": round(elapsed, 1),
                        # connections recycled during the run: their CPU is not counted
                        "postgres_backends_exited": backends_exited},
        "_numbers": numbers, "tag": tag,
    }


def account(db_url: str, result: dict) -> dict:
    """Rows in the database vs 201 responses, for the run's unique marks."""
    tag = result["tag"]
    with psycopg.connect(db_url) as conn:
        if result["endpoint"] in ("floor", "drf"):
            like = f'{{"mark": "#{tag}-%'
            rows = conn.execute("SELECT count(*) FROM demo_benchrow WHERE payload LIKE %s",
                                [like]).fetchone()[0]
            dup_marks = conn.execute(
                "SELECT count(*) FROM (SELECT payload FROM demo_benchrow WHERE payload LIKE %s "
                "GROUP BY payload HAVING count(*) > 1) d", [like]).fetchone()[0]
            lost = None
            dup_numbers = None
        else:
            like = f"% #{tag}-%"
            db_numbers = [r[0] for r in conn.execute(
                "SELECT number FROM service_servicerequest WHERE description LIKE %s",
                [like])]
            rows = len(db_numbers)
            dup_marks = conn.execute(
                "SELECT count(*) FROM (SELECT description FROM service_servicerequest "
                "WHERE description LIKE %s GROUP BY description HAVING count(*) > 1) d",
                [like]).fetchone()[0]
            answered = result["_numbers"]
            lost = len(set(answered) - set(db_numbers))
            dup_numbers = len(answered) - len(set(answered))
    in_flight = result["sent"] - result["responses"]
    return {"rows_in_db": rows, "rows_without_response": rows - result["created_201"],
            "in_flight_at_stop": in_flight, "lost": lost if lost is not None else max(
                0, result["created_201"] - rows),
            "duplicated_marks": dup_marks, "duplicated_numbers": dup_numbers}


def numbers_check(db_url: str) -> list[dict]:
    """Per month: every serial from 1 to the highest is there exactly once."""
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT substring(number from 3 for 4) AS period, count(*), count(DISTINCT number), "
            "max(substring(number from 7)::int), min(substring(number from 7)::int) "
            "FROM service_servicerequest GROUP BY 1 ORDER BY 1").fetchall()
    return [{"period": p, "rows": n, "distinct": d, "max_serial": hi, "min_serial": lo,
             "gap_free": n == d == hi and lo == 1} for p, n, d, hi, lo in rows]


def token_get(base: str, fixture: dict) -> str:
    body = json.dumps({"username": fixture["username"], "password": fixture["password"]}).encode()
    request = urllib.request.Request(base + "/api/v1/auth/token/", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["token"]


def profile_summary(path: Path, top: int = 20) -> list[tuple[str, float]]:
    """Inclusive share of samples per function of the project (py-spy raw format)."""
    counts: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _sep, n = line.rpartition(" ")
        if not stack:
            continue
        total += int(n)
        seen = set()
        for frame in stack.split(";"):
            name, _paren, where = frame.partition(" (")
            where = where.split(":")[0]
            if where.startswith("aftersales/") or where.startswith("rest_framework/serializers"):
                label = f"{name} ({where})"
                if label not in seen:
                    seen.add(label)
                    counts[label] = counts.get(label, 0) + int(n)
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [(label, round(100 * n / max(1, total), 1)) for label, n in ranked]


def profile(master_pid: int, base: str, work: Path, token: str, seconds: int) -> Path | None:
    """py-spy on one worker while 8 clients create requests, sampling only while it runs Python
    (``--gil``: a wait on the database is no CPU); returns the raw profile."""
    spy = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    if not Path(spy).exists():
        say("py-spy is not installed (.venv/bin/pip install py-spy): no profile")
        return None
    worker = _children(master_pid)[0]
    target = work / "profile-api.txt"
    spy_proc = subprocess.Popen([spy, "record", "--pid", str(worker), "--duration", str(seconds),
                                 "--format", "raw", "--output", str(target), "--nonblocking", "--gil"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wrk_run(base, "api", clients=8, duration=seconds, tag="profile", work=work, token=token,
            master_pid=master_pid)
    spy_proc.wait(timeout=60)
    return target if target.exists() else None


# --- reporting ---------------------------------------------------------------------------------

def markdown(data: dict) -> str:
    m, cfg = data["machine"], data["config"]
    lines = [
        f"# bench/intake — {data['date']}",
        "",
        "Service-request creation through the API (`POST /api/v1/service-requests/`, token auth,"
        " a different customer and product each time) against the framework's floor (a bare"
        " Django view, `/bench/insert/`, that inserts one row), all under the same gunicorn on"
        " PostgreSQL. A second floor, `drf` (`/bench/api-insert/`), inserts the same one row"
        " through DRF with the API's token authentication: what every API call pays before any"
        " domain work.",
        "",
        f"- Machine: {m['cpus']} × {m['cpu']}, {m['memory_gb']} GB; {m['os']}; Python"
        f" {m['python']}, Django {m.get('django')}, PostgreSQL {m.get('postgresql')} (untuned:"
        f" {', '.join(f'{k} {v}' for k, v in m.get('postgresql_settings', {}).items())}).",
        f"- {shared_note(m)}",
        f"- Code: {m['commit']}.",
        f"- Server: gunicorn, {cfg['workers']} workers × {cfg['threads']} threads"
        f" ({cfg['worker_class']}), settings `production` with DEBUG off, HTTP (no TLS),"
        f" CONN_MAX_AGE 600 with health checks, {prepared_note(m)}, production logging (one JSON"
        " line per request).",
        f"- Load: wrk {cfg['wrk']}, closed loop (each client waits for its response), 2 threads,"
        f" {cfg['duration']} s per run after a {cfg['warmup']} s warm-up; floor and API runs"
        " interleaved.",
        "",
        "| round | endpoint | clients | requests/s | p50 ms | p95 ms | p99 ms | max ms | 201s | rows in DB |"
        " rows w/o response¹ | lost | duplicated | non-201 | app CPU s | DB CPU s | other CPU s² |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in data["runs"]:
        lat = r["latency_ms"]
        dup = r["duplicated_marks"] + (r["duplicated_numbers"] or 0)
        lines.append(
            f"| {r.get('round', 1)} | {r['endpoint']} | {r['clients']} | {r['requests_per_s']:.0f} | {lat['p50']:.1f} |"
            f" {lat['p95']:.1f} | {lat['p99']:.1f} | {lat['max']:.0f} | {r['created_201']} |"
            f" {r['rows_in_db']} | {r['rows_without_response']} | {r['lost']} | {dup} |"
            f" {sum(r['other_statuses'].values())} | {r['cpu_seconds']['gunicorn_workers']} |"
            f" {r['cpu_seconds']['postgres_backends']} | {r['cpu_seconds']['everything_else']} |")
    lines += [
        "",
        "¹ Rows committed for requests whose response wrk did not wait for when the run's time"
        " was up (at most one per client); every 201 has its row (lost = 0 means each number"
        " returned is in the database), and no mark or number appears twice.",
        "",
        f"² CPU seconds used during the run by everything but the gunicorn workers and their"
        f" PostgreSQL backends: wrk, PostgreSQL's background processes, and any other work on"
        f" the machine ({data['machine']['cpus']} CPUs × {data['config']['duration']} s ="
        f" {data['machine']['cpus'] * data['config']['duration']} CPU seconds available per run).",
        "",
        "## Request numbers",
        "",
        "| month | rows | distinct | serials | gap-free |",
        "|---|---:|---:|---|---|",
    ]
    for n in data["numbers"]:
        lines.append(f"| {n['period']} | {n['rows']} | {n['distinct']} |"
                     f" {n['min_serial']}–{n['max_serial']} | {'yes' if n['gap_free'] else 'NO'} |")
    v = data["verdict"]
    lines += [
        "",
        "## Targets (issue 14)",
        "",
        f"- API throughput at 8 clients ≥ 50 % of the DRF floor's (median over"
        f" {data['config'].get('rounds', 1)} interleaved round(s)): **{v['api_of_drf_8']:.0%}**"
        f" ({'met' if v['share_ok'] else 'MISSED'}).",
        f"- API p99 at 8 clients ≤ 100 ms (worst round): **{v['p99_8']:.1f} ms**"
        f" ({'met' if v['p99_ok'] else 'MISSED'}).",
        f"- For comparison: the DRF floor does {v.get('drf_of_floor_8', 0):.0%} of the bare"
        f" floor's throughput at 8 clients, and the API create {v.get('api_of_floor_8', 0):.0%}.",
        *([f"- The ceiling (`raw`: the create's statements as SQL, no ORM model saved, no"
           f" serializer) does {v['raw_of_drf_8']:.0%} of the DRF floor's throughput; the API"
           f" create {v['api_of_raw_8']:.0%} of the ceiling's."] if v.get("raw_of_drf_8") else []),
        f"- Zero lost or duplicated rows; numbers unique and gap-free:"
        f" **{'yes' if v['integrity_ok'] else 'NO'}**.",
        "",
    ]
    cost = data.get("cost")
    if cost:
        lines += [
            "## What one request costs",
            "",
            "In-process (Django test client, no HTTP server), one request at a time, 200 requests"
            " after a warm-up, after the load runs: CPU time of the Python process and of its"
            " PostgreSQL backend per request, and the SQL statements of one request.",
            "",
            "| endpoint | queries | app CPU ms | DB CPU ms | wall ms |",
            "|---|---:|---:|---:|---:|",
        ]
        for name in [m for m in MODE_PATHS if m in cost]:
            c = cost[name]
            lines.append(f"| {name} | {c['queries']} | {c['app_cpu_ms']} | {c['db_cpu_ms']} |"
                         f" {c['wall_ms']} |")
        lines += ["", "The API create's statements:", ""]
        lines += [f"{i}. `{st['sql'][:110]}…` ({st['ms']} ms)"
                  for i, st in enumerate(cost["api"]["statements"], 1)]
        lines.append("")
    pieces = data.get("pieces")
    if pieces:
        lines += [
            "## Where one create's CPU goes",
            "",
            f"In-process (bench/intake/pieces.py: Django's WSGI handler, one request at a time,"
            f" after a warm-up), CPU time of this process per request in each step; a step"
            f" (·) includes the steps under it (· ·). The DRF floor is measured the same way:"
            f" its whole is {pieces['drf']['whole_ms']} ms, the API create's"
            f" {pieces['api']['whole_ms']} ms. PostgreSQL's CPU is not in these figures.",
            "",
            "| step | API create ms | DRF floor ms |",
            "|---|---:|---:|",
        ]
        for label, ms in pieces["api"]["pieces_ms"].items():
            floor = pieces["drf"]["pieces_ms"].get(label)
            lines.append(f"| {label} | {ms} | {'' if floor is None else floor} |")
        lines.append(f"| whole request (middleware and WSGI included) |"
                     f" {pieces['api']['whole_ms']} | {pieces['drf']['whole_ms']} |")
        lines.append("")
    if data.get("profile_top"):
        lines += ["## Profile of one worker (py-spy, API at 8 clients)", "",
                  "Share of the worker's CPU samples (py-spy's `--gil`: while running Python, not "
                  "waiting on the database) spent in (including callees):", "",
                  "| function | share |", "|---|---:|"]
        lines += [f"| `{name}` | {share} % |" for name, share in data["profile_top"]]
        lines.append("")
    if data.get("notes"):
        lines += ["## Notes", "", *data["notes"], ""]
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    endpoints = [m for m in MODE_PATHS if m in args.endpoints.split(",")]
    info = machine()
    say(f"machine: {info['cpus']} CPUs, {info['cpu_busy_before']:.0%} busy before start")
    db_url = database_recreate(DATABASE)
    work = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    env = django_env(db_url, work)
    say(f"database {DATABASE}: migrating")
    manage(env, "migrate", "--noinput")
    fixture = json.loads(python(env, "bench.intake.prepare"))
    (work / "pairs.lua").write_text(
        "return {" + ",".join(f"{{{c},{p}}}" for c, p in fixture["pairs"]) + "}\n")
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    runs = []
    profile_path = None
    log = work / "gunicorn.log"
    with gunicorn(env, workers=args.workers, threads=args.threads, log=log,
                  worker_class=args.worker_class) as (base, server):
        token = token_get(base, fixture)
        for mode in endpoints:
            say(f"warm-up: {mode}")
            wrk_run(base, mode, clients=8, duration=args.warmup, tag=f"warm{mode}", work=work,
                    token=token, master_pid=server.pid)
        for round_, n in itertools.product(range(1, args.rounds + 1), clients):
            for mode in endpoints:
                say(f"run: {mode}, {n} clients, {args.duration} s (round {round_})")
                result = wrk_run(base, mode, clients=n, duration=args.duration,
                                 tag=f"{mode}c{n}r{round_}", work=work, token=token,
                                 master_pid=server.pid)
                result["round"] = round_
                result.update(account(db_url, result))
                lat = result["latency_ms"]
                say(f"  {result['requests_per_s']:.0f} req/s, p50 {lat['p50']:.1f} ms, "
                    f"p99 {lat['p99']:.1f} ms, 201s {result['created_201']}, rows "
                    f"{result['rows_in_db']}, lost {result['lost']}")
                runs.append(result)
        if args.profile:
            say("profiling one worker during an API run (8 clients)")
            profile_path = profile(server.pid, base, work, token, min(args.duration, 20))
    say("cost of one request, in-process")
    cost = json.loads(python(env, "bench.intake.cost", json.dumps(fixture["pairs"])))
    say("where one create's CPU goes, in-process")
    pieces = json.loads(python(env, "bench.intake.pieces", json.dumps(fixture["pairs"])))
    numbers = numbers_check(db_url)
    def median_ratio(top: str, bottom: str) -> float:
        """The median over rounds of ``top``'s requests/s over ``bottom``'s at 8 clients (the
        two ran one after the other in each round: interleaved, so drift cancels out)."""
        by = {(r["endpoint"], r["round"]): r for r in runs if r["clients"] == 8}
        ratios = [by[(top, k)]["requests_per_s"] / by[(bottom, k)]["requests_per_s"]
                  for k in range(1, args.rounds + 1) if (top, k) in by and (bottom, k) in by]
        return statistics.median(ratios) if ratios else 0.0

    api_p99 = [r["latency_ms"]["p99"] for r in runs if r["endpoint"] == "api" and r["clients"] == 8]
    share = median_ratio("api", "drf")
    integrity = all(r["lost"] == 0 and r["duplicated_marks"] == 0
                    and not r["duplicated_numbers"] and r["rows_without_response"] <= r["clients"]
                    and r["rows_without_response"] >= 0 for r in runs) and all(
        n["gap_free"] for n in numbers)
    p99 = max(api_p99) if api_p99 else float("nan")  # the worst round's
    for r in runs:
        r.pop("_numbers")
    data = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "machine": info,
        "config": {"workers": args.workers, "threads": args.threads, "rounds": args.rounds,
                   "worker_class": args.worker_class or ("gthread" if args.threads > 1 else "sync"),
                   "duration": args.duration, "warmup": args.warmup,
                   "wrk": wrk_version.split()[1] if wrk_version else "?",
                   "customers": len(fixture["pairs"])},
        "runs": runs, "numbers": numbers, "cost": cost, "pieces": pieces,
        "verdict": {"api_of_drf_8": share, "share_ok": share >= TARGET_SHARE_OF_DRF,
                    "p99_8": p99, "p99_ok": p99 <= TARGET_P99_MS,
                    "api_of_floor_8": median_ratio("api", "floor"),
                    "drf_of_floor_8": median_ratio("drf", "floor"),
                    "raw_of_drf_8": median_ratio("raw", "drf"),
                    "api_of_raw_8": median_ratio("api", "raw"), "integrity_ok": integrity},
        "notes": [],
    }
    if profile_path:
        data["profile"] = str(profile_path)
        data["profile_top"] = profile_summary(profile_path)
    text = markdown(data)
    if args.no_write:
        print(text)
    else:
        md, js = results_write("intake", data, text)
        say(f"results: {md.relative_to(ROOT)}, {js.relative_to(ROOT)}")
    say(f"work files (gunicorn log, wrk output): {work}")


if __name__ == "__main__":
    main()
