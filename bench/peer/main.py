"""bench/peer: registering a call in aftersales against creating a ticket in the peer.

    bench/peer/run [--rounds 5] [--duration 30] [--clients 8] [--workers 3]

The peer is django-helpdesk 2.6.1 (the open-source Django help desk issue 14 measured us
beside), installed into its own interpreter, ``.venv-peer``, with the same Django, DRF, gunicorn
and psycopg as ours, and run by a minimal site (``helpdesk_site``: its documented apps, no teams,
mail composed and dropped, token authentication, persistent connections with health checks as
ours; statements bound on the client, Django's default, unless ``--peer-prepared``). Both run under the same gunicorn layout on the same PostgreSQL, each
in a database of its own; wrk creates, with the same clients, our service requests
(``POST /api/v1/service-requests/``, bench/intake's ``api``) and the peer's tickets
(``POST /api/tickets/``), the two interleaved round by round so the machine's drift cancels out
of each round's ratio. After each run the rows in each database are counted against the 201s.
At the end, one request of each is measured in-process: statements, CPU of the process and of
its PostgreSQL backend. Results: bench/results/peer-<date>.md and .json.
"""

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
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
from bench.intake.main import DATABASE, account, numbers_check, token_get, wrk_run

HERE = Path(__file__).resolve().parent
PEER = "django-helpdesk==2.6.1"
PEER_DATABASE = "bench_peer_helpdesk"
PEER_VENV = ROOT / ".venv-peer"
# issue 14's title: three times the peer's creates per second at 8 clients.
TARGET_TIMES_PEER = 3.0
# The peer gets the very versions we run, so the comparison is of the two applications.
SAME_AS_OURS = ("Django", "djangorestframework", "gunicorn", "psycopg", "psycopg-binary")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per run (default 30)")
    parser.add_argument("--clients", default="8", help="concurrent clients, comma-separated")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1,
                        help="gunicorn worker processes for each (default: CPUs + 1)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved rounds; the ratio is the median over rounds")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up for each")
    parser.add_argument("--peer-prepared", action="store_true",
                        help="run the peer with our prepared statements too (server-side binding"
                             "; its database CPU then grows with its tickets)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    return parser.parse_args()


def peer_install() -> Path:
    """The peer's interpreter, made once (about a minute from the package index)."""
    wanted = [PEER] + [f"{name}=={version(name)}" for name in SAME_AS_OURS]
    stamp = PEER_VENV / "bench-peer-packages.txt"
    if stamp.exists() and stamp.read_text().split() == wanted:
        return PEER_VENV / "bin"
    say(f"installing the peer into {PEER_VENV.relative_to(ROOT)}: {' '.join(wanted)}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "--quiet", *wanted], check=True)
    stamp.write_text("\n".join(wanted) + "\n")
    return PEER_VENV / "bin"


def peer_env(prepare_threshold) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="helpdesk_site.settings",
               DATABASE_NAME=PEER_DATABASE, PYTHONPATH=f"{HERE}{os.pathsep}{ROOT}")
    env.pop("PREPARE_THRESHOLD", None)
    if prepare_threshold is not None:
        env["PREPARE_THRESHOLD"] = str(prepare_threshold)
    return env


def peer_run(bin_dir: Path, env: dict, *args: str) -> str:
    done = subprocess.run([str(bin_dir / "python"), *args], env=env, cwd=HERE, text=True,
                          capture_output=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"the peer's {' '.join(args)} failed")
    return done.stdout


def peer_account(db_url: str, result: dict) -> dict:
    """The peer's tickets in its database vs its 201 responses, for the run's unique marks."""
    like = f"% #{result['tag']}-%"
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT count(*) FROM helpdesk_ticket WHERE description LIKE %s",
                            [like]).fetchone()[0]
        dup_marks = conn.execute(
            "SELECT count(*) FROM (SELECT description FROM helpdesk_ticket WHERE description "
            "LIKE %s GROUP BY description HAVING count(*) > 1) d", [like]).fetchone()[0]
    return {"rows_in_db": rows, "rows_without_response": rows - result["created_201"],
            "in_flight_at_stop": result["sent"] - result["responses"],
            "lost": max(0, result["created_201"] - rows), "duplicated_marks": dup_marks,
            "duplicated_numbers": None}


def markdown(data: dict) -> str:
    m, cfg, v = data["machine"], data["config"], data["verdict"]
    lines = [
        f"# bench/peer — {data['date']}",
        "",
        "Registering a call in aftersales (`POST /api/v1/service-requests/`: terms, deadline"
        " clock, event and number, as bench/intake's `api`) against creating a ticket in"
        f" {cfg['peer']} (`POST /api/tickets/`: its TicketForm, follow-up and notification"
        " mail), one after the other in each round, same clients, same server layout, same"
        " PostgreSQL.",
        "",
        f"- Machine: {m['cpus']} × {m['cpu']}, {m['memory_gb']} GB; {m['os']}; Python"
        f" {m['python']}; PostgreSQL {m.get('postgresql')} (untuned).",
        f"- {shared_note(m)}",
        f"- Code: {m['commit']}. The peer: {', '.join(cfg['peer_packages'])}"
        " (the same Django, DRF, gunicorn and psycopg as ours).",
        f"- Servers: gunicorn, {cfg['workers']} sync workers each, DEBUG off, HTTP; database"
        " connections kept (CONN_MAX_AGE 600) with health checks for both. Ours: settings"
        f" `production` (one JSON log line per request), {prepared_note(m).split(';')[0]}. The"
        " peer: bench/peer/helpdesk_site (no teams, mail to Django's dummy backend: composed,"
        " not sent), "
        + ("our prepared statements too (server-side binding)." if cfg["peer_prepared"] else
           "statements bound on the client, Django's default (with our prepared statements its"
           " database CPU grew with its tickets: `--peer-prepared`)."),
        f"- Load: wrk {cfg['wrk']}, closed loop, {cfg['duration']} s per run after a"
        f" {cfg['warmup']} s warm-up of each.",
        "",
        f"**Ours / the peer, creates per second at 8 clients, median over rounds:"
        f" {v['times_peer_8']:.2f}×** (per round: {', '.join(f'{x:.2f}' for x in v['rounds_8'])};"
        f" target {TARGET_TIMES_PEER:.0f}×: {'met' if v['times_ok'] else 'NOT met'}). Integrity:"
        f" {'every 201 has its row, none twice, numbers gap-free' if v['integrity_ok'] else 'FAILED'}.",
        "",
        "| round | system | clients | creates/s | p50 ms | p95 ms | p99 ms | max ms | 201s |"
        " rows in DB | lost | duplicated | non-201 | app CPU s | DB CPU s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in data["runs"]:
        lat = r["latency_ms"]
        dup = r["duplicated_marks"] + (r["duplicated_numbers"] or 0)
        lines.append(
            f"| {r['round']} | {r['system']} | {r['clients']} | {r['requests_per_s']:.0f} |"
            f" {lat['p50']:.1f} | {lat['p95']:.1f} | {lat['p99']:.1f} | {lat['max']:.0f} |"
            f" {r['created_201']} | {r['rows_in_db']} | {r['lost']} | {dup} |"
            f" {sum(r['other_statuses'].values())} | {r['cpu_seconds']['gunicorn_workers']} |"
            f" {r['cpu_seconds']['postgres_backends']} |")
    lines += ["", "## What one create costs", "",
              "In-process (Django's test client, no HTTP server), one at a time, 200 after a"
              " warm-up: CPU of the Python process and of its PostgreSQL backend per create, and"
              " the statements of one.", "",
              "| system | statements | app CPU ms | DB CPU ms | wall ms |",
              "|---|---:|---:|---:|---:|"]
    for system, c in data["cost"].items():
        lines.append(f"| {system} | {c['queries']} | {c['app_cpu_ms']} | {c['db_cpu_ms']} |"
                     f" {c['wall_ms']} |")
    for system, c in data["cost"].items():
        lines += ["", f"{system}'s statements:", ""]
        lines += [f"{i}. `{st['sql'][:110]}…` ({st['ms']} ms)"
                  for i, st in enumerate(c["statements"], 1)]
    if data["notes"]:
        lines += ["", "## Notes", "", *[f"- {n}" for n in data["notes"]]]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    info = machine()
    say(f"machine: {info['cpus']} CPUs, {info['cpu_busy_before']:.0%} busy before start")
    peer_bin = peer_install()
    work = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    ours_url = database_recreate(DATABASE)
    theirs_url = database_recreate(PEER_DATABASE)
    env = django_env(ours_url, work)
    their_env = peer_env(info.get("prepare_threshold") if args.peer_prepared else None)
    say("migrating both databases")
    manage(env, "migrate", "--noinput")
    peer_run(peer_bin, their_env, "-m", "django", "migrate", "--noinput")
    fixture = json.loads(python(env, "bench.intake.prepare"))
    (work / "pairs.lua").write_text(
        "return {" + ",".join(f"{{{c},{p}}}" for c, p in fixture["pairs"]) + "}\n")
    theirs = json.loads(peer_run(peer_bin, their_env, "helpdesk_side.py", "prepare"))
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    runs = []
    with gunicorn(env, workers=args.workers, threads=1, log=work / "ours.log") as (base, ours), \
            gunicorn(their_env, workers=args.workers, threads=1, log=work / "peer.log",
                     app="helpdesk_site.wsgi:application", bin_dir=peer_bin, cwd=HERE) as (
                peer_base, peer):
        token = token_get(base, fixture)

        def load(system: str, n: int, seconds: int, tag: str) -> dict:
            if system == "aftersales":
                return wrk_run(base, "api", clients=n, duration=seconds, tag=tag, work=work,
                               token=token, master_pid=ours.pid)
            return wrk_run(peer_base, "helpdesk", clients=n, duration=seconds, tag=tag,
                           work=work, token=theirs["token"], master_pid=peer.pid,
                           path="/api/tickets/", database=PEER_DATABASE,
                           env_extra={"BENCH_QUEUE": str(theirs["queue"])})

        for system in ("aftersales", "helpdesk"):
            say(f"warm-up: {system}")
            load(system, 8, args.warmup, f"warm{system}")
        for round_, n in itertools.product(range(1, args.rounds + 1), clients):
            for system in ("aftersales", "helpdesk"):
                say(f"run: {system}, {n} clients, {args.duration} s (round {round_})")
                result = load(system, n, args.duration, f"{system}c{n}r{round_}")
                result.update(account(ours_url, result) if system == "aftersales"
                              else peer_account(theirs_url, result))
                result.update(round=round_, system=system)
                say(f"  {result['requests_per_s']:.0f} creates/s, p99"
                    f" {result['latency_ms']['p99']:.1f} ms, 201s {result['created_201']},"
                    f" rows {result['rows_in_db']}, lost {result['lost']}")
                runs.append(result)
    say("cost of one create, in-process")
    cost = {"aftersales": json.loads(python(env, "bench.intake.cost",
                                            json.dumps(fixture["pairs"])))["api"],
            "helpdesk": json.loads(peer_run(peer_bin, their_env, "helpdesk_side.py", "cost",
                                            str(theirs["queue"])))}
    numbers = numbers_check(ours_url)
    by = {(r["system"], r["round"]): r for r in runs if r["clients"] == 8}
    rounds_8 = [by[("aftersales", k)]["requests_per_s"] / by[("helpdesk", k)]["requests_per_s"]
                for k in range(1, args.rounds + 1)
                if ("aftersales", k) in by and ("helpdesk", k) in by]
    times = statistics.median(rounds_8) if rounds_8 else 0.0
    integrity = all(r["lost"] == 0 and r["duplicated_marks"] == 0 and not r["duplicated_numbers"]
                    and 0 <= r["rows_without_response"] <= r["clients"] for r in runs) and all(
        n["gap_free"] for n in numbers)
    for r in runs:
        r.pop("_numbers")
    data = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "machine": info,
        "config": {"workers": args.workers, "rounds": args.rounds, "duration": args.duration,
                   "warmup": args.warmup, "wrk": wrk_version.split()[1] if wrk_version else "?",
                   "peer": PEER.replace("==", " "), "peer_prepared": args.peer_prepared,
                   "peer_packages": (PEER_VENV / "bench-peer-packages.txt").read_text().split()},
        "runs": runs, "numbers": numbers, "cost": cost,
        "verdict": {"times_peer_8": round(times, 3), "rounds_8": [round(x, 3) for x in rounds_8],
                    "times_ok": times >= TARGET_TIMES_PEER, "integrity_ok": integrity},
        "notes": [],
    }
    text = markdown(data)
    if args.no_write:
        print(text)
    else:
        md, js = results_write("peer", data, text)
        say(f"results: {md.relative_to(ROOT)}, {js.relative_to(ROOT)}")
    say(f"work files (gunicorn logs, wrk output): {work}")


if __name__ == "__main__":
    main()
