"""bench/parts: the stock ledger at 10 million moves on PostgreSQL.

    bench/parts/run [--moves 10000000] [--places 500] [--parts 2000] [--samples 200] [--regenerate]

Creates (or reuses, when it holds the same number of moves) the database ``bench_parts``,
migrates it and fills it with SQL: ``--places`` places (one service centre's store and vans
among central depots), ``--parts`` parts, ``--moves`` moves spread over the place/part pairs,
each with its running ``balance_after``, and one balance row per pair (the sum of its moves),
a reorder level on a tenth of them. Then, in this process, through the product's own selectors:
  - stock on hand of one place and part (random pairs), p50/p95/max;
  - the low-stock list of one place (a centre supervisor's places) and the first page of 50 of
    every place's (the service manager's), p50/p95/max;
  - the SQL statements that fitting a part on a job adds to its usage line (target ≤ 2), through
    service.part_add, with and without the parts handler;
  - that every balance equals the sum of its moves, for a sample of pairs.
Targets (issue 10): each list p95 ≤ 50 ms at 10 million moves; ≤ 2 statements.
Results: bench/results/parts-<date>.md and .json.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.bulk import indexes_drop, run
from bench.common import (
    ROOT,
    database_exists,
    database_recreate,
    database_url,
    django_env,
    machine,
    manage,
    results_write,
    say,
    shared_note,
)

DATABASE = "bench_parts"
TARGET_P95_MS = 50.0
TARGET_STATEMENTS = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=10_000_000)
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--parts", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--regenerate", action="store_true")
    return parser.parse_args()


def _django(db_url: str, data_dir: Path) -> None:
    os.environ.update({k: v for k, v in django_env(db_url, data_dir).items()
                       if k not in os.environ or k in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                                       "SECRET_KEY", "AFTERSALES_DATA_DIR",
                                                       "ALLOWED_HOSTS", "DEBUG"}})
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _moves_count() -> int:
    """Moves of the generated places (the statement checks add places and moves of their own)."""
    from django.db.models import Q

    from aftersales.parts.models import StockMove

    return StockMove.objects.filter(Q(warehouse__code="S-BENCH")
                                    | Q(warehouse__code__startswith="D-")).count()


def generate(args) -> dict:
    """Places, parts, moves and balances, in bulk SQL (indexes rebuilt after loading)."""
    from django.db import connection, transaction

    from aftersales.accounts.models import ServiceCentre
    from aftersales.parts.models import Part, Warehouse

    started = time.monotonic()
    centre = ServiceCentre.objects.create(code="BENCH", name="基准中心")
    Part.objects.bulk_create([Part(code=f"B-{i:05d}", name=f"配件{i}", unit_price="10.00")
                              for i in range(args.parts)])
    Warehouse.objects.bulk_create(
        [Warehouse(code="S-BENCH", name="基准中心库", kind="centre", service_centre=centre)]
        + [Warehouse(code=f"D-{i:04d}", name=f"区域仓{i}", kind="central")
           for i in range(args.places - 1)])
    places = list(Warehouse.objects.order_by("pk").values_list("pk", flat=True))
    parts = list(Part.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        dropped = indexes_drop(cursor, ["parts_stockmove", "parts_stockbalance"])
        # Move g goes to pair (g mod pairs); within a pair the first move is a receipt of 20
        # and later ones alternate between taking 1 and receiving 2, so no balance goes negative.
        pairs = len(places) * len(parts)
        run(cursor, f"""
            INSERT INTO parts_stockmove (warehouse_id, part_id, kind, quantity, balance_after,
                                         reference, note, at)
            SELECT place, part, kind, qty,
                   sum(qty) OVER (PARTITION BY pair ORDER BY g), '', '', at
            FROM (
              SELECT g, g % {pairs} AS pair,
                     (ARRAY[{",".join(map(str, places))}])[1 + (g % {pairs}) / {len(parts)}] AS place,
                     (ARRAY[{",".join(map(str, parts))}])[1 + (g % {pairs}) % {len(parts)}] AS part,
                     CASE WHEN g < {pairs} THEN 'receipt' WHEN g % 2 = 0 THEN 'issue'
                          ELSE 'receipt' END AS kind,
                     CASE WHEN g < {pairs} THEN 20 WHEN g % 2 = 0 THEN -1 ELSE 2 END AS qty,
                     now() - make_interval(secs => ({args.moves} - g) * 3) AS at
              FROM generate_series(0, {args.moves - 1}) g
            ) s""", label="moves")
        run(cursor, """
            INSERT INTO parts_stockbalance (warehouse_id, part_id, quantity, reorder_level,
                                            updated_at)
            SELECT warehouse_id, part_id, sum(quantity),
                   CASE WHEN part_id % 10 = 0 THEN sum(quantity) + 1 ELSE 0 END, now()
            FROM parts_stockmove GROUP BY warehouse_id, part_id""", label="balances")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the foreign keys now
        for definition in dropped:
            run(cursor, definition, label=definition.split(" ON ")[0][:60])
        run(cursor, "ANALYZE parts_stockmove")
        run(cursor, "ANALYZE parts_stockbalance")
    return {"seconds": round(time.monotonic() - started, 1), "places": len(places),
            "parts": len(parts)}


def _timed(fn, samples: int) -> dict:
    for _ in range(5):
        fn()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2), "max_ms": round(times[-1], 2),
            "samples": samples}


def measure(args) -> dict:
    from aftersales.accounts.models import User
    from aftersales.parts.models import Part, StockBalance, StockMove, Warehouse
    from aftersales.parts.selectors import low_stock_list, stock_on_hand

    manager, _ = User.objects.get_or_create(username="bench-manager",
                                            defaults={"role": "manager"})
    supervisor, _ = User.objects.get_or_create(
        username="bench-supervisor",
        defaults={"role": "supervisor",
                  "service_centre": Warehouse.objects.get(code="S-BENCH").service_centre})
    places = list(Warehouse.objects.values_list("pk", flat=True))
    parts = list(Part.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    place_objs = {p.pk: p for p in Warehouse.objects.all()}
    part_objs = {p.pk: p for p in Part.objects.all()}

    def one_pair():
        stock_on_hand(warehouse=place_objs[rng.choice(places)], part=part_objs[rng.choice(parts)])

    def supervisor_low():
        rows = low_stock_list(user=supervisor)
        list(rows[:50])

    def manager_low():
        list(low_stock_list(user=manager).order_by("warehouse__code", "part__code")[:50])

    results = {
        "stock_on_hand": _timed(one_pair, args.samples),
        "low_stock_centre": _timed(supervisor_low, args.samples),
        "low_stock_all_first_page": _timed(manager_low, max(20, args.samples // 4)),
    }
    checked = 0
    for _ in range(20):
        balance = StockBalance.objects.filter(warehouse_id=rng.choice(places),
                                              part_id=rng.choice(parts)).first()
        if balance is None:
            continue
        total = sum(StockMove.objects.filter(warehouse_id=balance.warehouse_id,
                                             part_id=balance.part_id)
                    .values_list("quantity", flat=True))
        assert total == balance.quantity, (balance, total)
        checked += 1
    results["balances_checked_against_moves"] = checked
    return results


def statements() -> dict:
    """Statements service.part_add makes with and without the handler that takes the part out
    of the van (the other handlers of the event run in both)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from aftersales.core import handlers
    from aftersales.parts import services as stock
    from aftersales.parts.handlers import part_issue_for
    from aftersales.parts.models import Part, Warehouse
    from aftersales.service import services
    from aftersales.service.choices import Status
    from aftersales.service.tests.factories import Cast, drive, new_request

    with transaction.atomic():
        cast = Cast()
        van = Warehouse.objects.create(code="V-STATEMENTS", name="车载库", kind="van",
                                       technician=cast.technician)
        part = Part.objects.order_by("pk").first()
        stock.stock_move(actor=cast.manager, warehouse=van, part=part, kind="receipt",
                         quantity=10)
        request = drive(new_request(cast), cast, Status.ON_SITE)
        services.part_add(actor=cast.technician, request=request, part=part)  # warm caches
        try:
            handlers._registry["service_request.part_add"] = [
                h for h in handlers._registry["service_request.part_add"]
                if h is not part_issue_for]
            with CaptureQueriesContext(connection) as plain:
                services.part_add(actor=cast.technician, request=request, part=part)
        finally:
            handlers.handlers_load()
        with CaptureQueriesContext(connection) as stocked:
            services.part_add(actor=cast.technician, request=request, part=part)
        transaction.set_rollback(True)
    return {"usage_line_without_stock": len(plain), "usage_line_with_stock": len(stocked),
            "added": len(stocked) - len(plain),
            "added_sql": _difference(stocked.captured_queries, plain.captured_queries),
            "dropped_sql": _difference(plain.captured_queries, stocked.captured_queries)}


def concurrent_issue(clients: int = 8, per_client: int = 25) -> dict:
    """``clients`` technicians' phones at once, each fitting ``per_client`` parts on its own job,
    all drawing on one van: statements per usage line, latency, and the ledger afterwards."""
    import threading
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.tests.factories import ServiceCentreFactory
    from aftersales.parts import services as stock
    from aftersales.parts.models import Part, StockBalance, StockMove, Warehouse
    from aftersales.service import services
    from aftersales.service.choices import Status
    from aftersales.service.tests.factories import Cast, drive, new_request

    tag = uuid.uuid4().hex[:6].upper()
    cast = Cast(centre=ServiceCentreFactory(code=f"C{tag}"))
    van = Warehouse.objects.create(code=f"V-{tag}", name="并发车载库", kind="van",
                                   technician=cast.technician)
    part = Part.objects.order_by("pk").first()
    total = clients * per_client
    stock.stock_move(actor=cast.manager, warehouse=van, part=part, kind="receipt", quantity=total)
    jobs = [drive(new_request(cast), cast, Status.ON_SITE) for _ in range(clients)]
    services.part_add(actor=cast.technician, request=jobs[0], part=part)  # warm caches
    barrier = threading.Barrier(clients)

    def client(index):
        counts, times = [], []
        try:
            barrier.wait()
            for _ in range(per_client - (1 if index == 0 else 0)):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    services.part_add(actor=cast.technician, request=jobs[index], part=part)
                times.append((time.perf_counter() - started) * 1000)
                counts.append(len(queries))
        finally:
            connection.close()
        return counts, times

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    counts = sorted(c for r in results for c in r[0])
    times = sorted(t for r in results for t in r[1])
    return {
        "clients": clients, "usage_lines": len(counts) + 1,
        "statements_per_usage_line": {"min": counts[0], "max": counts[-1]},
        "latency_ms": {"p50": round(statistics.median(times), 1),
                       "p95": round(times[int(len(times) * 0.95) - 1], 1),
                       "max": round(times[-1], 1)},
        "van_left": str(StockBalance.objects.get(warehouse=van, part=part).quantity),
        "issue_moves": StockMove.objects.filter(warehouse=van, kind="issue").count(),
    }


def _difference(more: list[dict], fewer: list[dict]) -> list[str]:
    """The statements of ``more`` that ``fewer`` lacks (savepoint names and values aside)."""
    import re
    from collections import Counter

    def shape(sql: str) -> str:
        return re.sub(r'"s\d+_x\d+"', "sp", sql)[:120]

    left = Counter(shape(q["sql"]) for q in fewer)
    extra = []
    for query in more:
        key = shape(query["sql"])
        if left[key]:
            left[key] -= 1
        else:
            extra.append(key)
    return extra


def main() -> None:
    args = parse_args()
    info = machine()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-parts-"))
    reuse = database_exists(DATABASE) and not args.regenerate
    db_url = database_url(DATABASE) if reuse else database_recreate(DATABASE)
    env = django_env(db_url, data_dir)
    say(f"migrating {DATABASE}")
    manage(env, "migrate", "--noinput")
    _django(db_url, data_dir)
    generated = None
    if not reuse or _moves_count() != args.moves:
        if reuse:
            from django.db import connection

            connection.close()  # recreating drops the database WITH (FORCE): ours first
            db_url = database_recreate(DATABASE)
            manage(django_env(db_url, data_dir), "migrate", "--noinput")
        say(f"generating {args.moves:,} moves")
        generated = generate(args)
    say("measuring")
    timings = measure(args)
    counted = statements()
    say("8 technicians fitting parts at once")
    together = concurrent_issue()
    plain = counted["usage_line_without_stock"]
    ok = (all(t["p95_ms"] <= TARGET_P95_MS for k, t in timings.items() if isinstance(t, dict))
          and counted["added"] <= TARGET_STATEMENTS
          and together["statements_per_usage_line"]["max"] - plain <= TARGET_STATEMENTS
          and Decimal(together["van_left"]) == 0 and together["issue_moves"] == together["usage_lines"])
    data = {"machine": info, "moves": args.moves, "generated": generated, "timings": timings,
            "statements": counted, "concurrent_issue": together, "targets_met": ok}
    rows = "\n".join(f"| {name} | {t['p50_ms']} | {t['p95_ms']} | {t['max_ms']} | {t['samples']} |"
                     for name, t in timings.items() if isinstance(t, dict))
    markdown = f"""# bench/parts — {time.strftime('%Y-%m-%d %H:%M')}

{args.moves:,} stock moves over {args.places} places × {args.parts} parts, PostgreSQL
{info.get('postgresql')}; commit {info.get('commit')}. {shared_note(info)}
{"Generated in " + str(generated["seconds"]) + " s." if generated else "Database reused."}

| question | p50 ms | p95 ms | max ms | samples |
|---|---|---|---|---|
{rows}

Target: p95 ≤ {TARGET_P95_MS:.0f} ms each. Balances checked against the sum of their moves:
{timings['balances_checked_against_moves']} pairs, all equal.

Fitting a part on a job: the usage line alone {counted['usage_line_without_stock']} statements,
with its stock move {counted['usage_line_with_stock']} — {counted['added']} added (target ≤
{TARGET_STATEMENTS}):
{chr(10).join('- `' + q + '`' for q in counted['added_sql'])}

and without it, instead:
{chr(10).join('- `' + q + '`' for q in counted['dropped_sql']) or '- nothing'}

{together['clients']} technicians at once, each fitting parts on his own job from one van
({together['usage_lines']} usage lines): {together['statements_per_usage_line']['min']}–{together['statements_per_usage_line']['max']}
statements per usage line ({plain} without the stock move), latency p50
{together['latency_ms']['p50']} ms, p95 {together['latency_ms']['p95']} ms; the van ends at
{together['van_left']} with {together['issue_moves']} issue moves (one per usage line).

Targets met: {"yes" if ok else "NO"}.
"""
    md_path, _json = results_write("parts", data, markdown)
    print(markdown)
    say(f"written {md_path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
