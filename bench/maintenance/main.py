"""bench/maintenance: generating a month of due maintenance visits for 1,000,000 products.

    bench/maintenance/run [--products 1000000] [--models 50] [--regenerate]

Creates (or reuses, when it holds the same number of products) the database
``bench_maintenance``, migrates it and fills it with SQL: one service centre, a customer per two
products, ``--models`` product models each with a time plan (every 3, 6 or 12 months, a third
each) and ``--products`` installed products installed evenly over the last five years. Then, in
this process, through the product's own service (maintenance.services.generate):
  - run 1: ``maintenance_visits_generate(month=<next month>)`` — the visits, their service
    requests (numbered from one block of the month's counter), the links and the register
    events, in one transaction;
  - run 2: the same call again, which must create nothing (idempotent);
  - checks: one visit per product and due date, every visit linked to a request of kind
    maintenance, request numbers unique and gap-free, one register event per request, and the
    visit count equal to an independent count of the products due that month (in Python).
Target (issue 12): run 1 ≤ 60 s on PostgreSQL, run 2 creates nothing.
Results: bench/results/maintenance-<date>.md and .json.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.bulk import indexes_drop, run
from bench.common import (
    ROOT,
    database_exists,
    database_recreate,
    database_url,
    django_env,
    machine,
    results_write,
    say,
    shared_note,
)

DATABASE = "bench_maintenance"
TARGET_SECONDS = 60.0
INTERVALS = (3, 6, 12)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--regenerate", action="store_true")
    return parser.parse_args()


def _env(db_url: str, data_dir: Path) -> dict:
    env = django_env(db_url, data_dir)
    env["PYTHONPATH"] = f"{ROOT / 'src'}{os.pathsep}{ROOT}"  # this tree's code, not another's
    return env


def _migrate(env: dict) -> None:
    done = subprocess.run([sys.executable, "-m", "aftersales", "migrate", "--noinput"], env=env,
                          cwd=ROOT, text=True, capture_output=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("migrate failed")


def _django(env: dict) -> None:
    for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "AFTERSALES_DATA_DIR",
                "ALLOWED_HOSTS", "DEBUG"):
        os.environ[key] = env[key]
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _products_count() -> int:
    from aftersales.customers.models import InstalledProduct

    return InstalledProduct.objects.count()


def _visits_count() -> int:
    """A database is reused only before its first timed run (events cannot be deleted)."""
    from aftersales.maintenance.models import MaintenanceVisit

    return MaintenanceVisit.objects.count()


def generate(args, today: date) -> dict:
    """Centre, customers, models with plans, products: bulk SQL, indexes rebuilt after."""
    from django.db import connection, transaction

    from aftersales.accounts.models import ServiceCentre
    from aftersales.customers.models import ProductModel
    from aftersales.maintenance.models import MaintenancePlan

    started = time.monotonic()
    centre = ServiceCentre.objects.create(code="BENCH", name="基准中心")
    ProductModel.objects.bulk_create([
        ProductModel(code=f"BM-{i:03d}", name=f"型号{i}", category="water_heater",
                     warranty_months=12, service_fee="120.00") for i in range(args.models)])
    models = list(ProductModel.objects.order_by("pk"))
    MaintenancePlan.objects.bulk_create([
        MaintenancePlan(product_model=m, name="定期保养", basis="time",
                        interval_months=INTERVALS[i % len(INTERVALS)], items="清洗\n检查\n测试")
        for i, m in enumerate(models)])
    first_model, days = models[0].pk, 5 * 365
    customers = (args.products + 1) // 2
    with transaction.atomic(), connection.cursor() as cursor:
        dropped = indexes_drop(cursor, ["customers_customer", "customers_installedproduct"])
        run(cursor, f"""
            INSERT INTO customers_customer (created_at, updated_at, version, name, phone,
                phone_alt, email, address, region_kind, kind, service_centre_id)
            SELECT now(), now(), 1, '客户' || g, '139' || lpad(g::text, 8, '0'), '', '',
                   '上海市浦东新区' || g || '号', 'urban', 'individual', {centre.pk}
            FROM generate_series(1, {customers}) g""", label="customers")
        cursor.execute("SELECT min(id) FROM customers_customer")
        first_customer = cursor.fetchone()[0]
        # product g: model g mod models, installed (g * 7919 mod days) days before today
        run(cursor, f"""
            INSERT INTO customers_installedproduct (created_at, updated_at, version, customer_id,
                model_id, serial, purchased_on, installed_on, warranty_ends_on, address,
                region_kind)
            SELECT now(), now(), 1, {first_customer} + (g - 1) / 2, {first_model} + g %% {args.models},
                   'SN' || lpad(g::text, 9, '0'), d - 3, d, (d - 3) + interval '12 months' - interval '1 day',
                   '', ''
            FROM (SELECT g, CAST(%s AS date) - ((g::bigint * 7919) %% {days})::int AS d
                  FROM generate_series(1, {args.products}) g) s""",
            [today], label="products")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for definition in dropped:
            run(cursor, definition, label=definition.split(" ON ")[0][:60])
        run(cursor, "ANALYZE customers_customer")
        run(cursor, "ANALYZE customers_installedproduct")
    return {"seconds": round(time.monotonic() - started, 1), "customers": customers,
            "models": len(models)}


def _expected(month: date) -> int:
    """Products due in ``month``, counted in Python from their installation dates."""
    from aftersales.customers.models import InstalledProduct
    from aftersales.maintenance.models import MaintenancePlan

    interval = dict(MaintenancePlan.objects.filter(active=True, basis="time")
                    .values_list("product_model_id", "interval_months"))
    target = month.year * 12 + month.month
    due = 0
    rows = (InstalledProduct.objects.filter(installed_on__lt=month, model_id__in=interval)
            .values_list("model_id", "installed_on").iterator(chunk_size=50_000))
    for model_id, installed in rows:
        diff = target - (installed.year * 12 + installed.month)
        if diff > 0 and diff % interval[model_id] == 0:
            due += 1
    return due


def measure(month: date) -> dict:
    from django.db import connection

    from aftersales.core.models import Event
    from aftersales.maintenance.models import MaintenanceVisit
    from aftersales.maintenance.services.generate import maintenance_visits_generate
    from aftersales.service.models import ServiceRequest

    timings = []
    for label in ("run 1", "run 2"):
        started = time.monotonic()
        created = maintenance_visits_generate(month=month)
        seconds = round(time.monotonic() - started, 2)
        say(f"{label}: {created:,} visits in {seconds} s")
        timings.append({"run": label, "created": created, "seconds": seconds})
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*), count(DISTINCT (installed_product_id, due_on)),
                   count(*) FILTER (WHERE request_id IS NULL)
            FROM maintenance_maintenancevisit WHERE due_on >= %s""", [month])
        visits, distinct, unlinked = cursor.fetchone()
    requests = ServiceRequest.objects.filter(kind="maintenance")
    numbers = list(requests.values_list("number", flat=True))
    serials = sorted(int(n[6:]) for n in numbers)
    events = Event.objects.filter(action="register", object_id__in=requests.values("pk")).count()
    return {
        "runs": timings, "visits": visits, "distinct_product_due_date": distinct,
        "unlinked_visits": unlinked, "maintenance_requests": len(numbers),
        "numbers_gap_free": serials == list(range(serials[0], serials[0] + len(serials)))
        if serials else True,
        "register_events": events, "expected_due": _expected(month),
        "visits_total": MaintenanceVisit.objects.count(),
    }


def main() -> None:
    args = parse_args()
    info = machine()
    info["commit"] = os.environ.get("BENCH_COMMIT") or info.get("commit")  # run from a copy
    data_dir = Path(tempfile.mkdtemp(prefix="bench-maintenance-"))
    reuse = database_exists(DATABASE) and not args.regenerate
    db_url = database_url(DATABASE) if reuse else database_recreate(DATABASE)
    env = _env(db_url, data_dir)
    say(f"migrating {DATABASE}")
    _migrate(env)
    _django(env)
    from django.db import connection

    from aftersales.core.dates import add_months, local_today

    today = local_today()
    month = add_months(today.replace(day=1), 1)
    generated = None
    if not reuse or _products_count() != args.products or _visits_count():
        if reuse:
            connection.close()
            db_url = database_recreate(DATABASE)
            env = _env(db_url, data_dir)
            _migrate(env)
        say(f"generating {args.products:,} installed products")
        generated = generate(args, today)
    say(f"generating the due visits of {month:%Y-%m}, twice")
    result = measure(month)
    first, second = result["runs"]
    ok = (first["seconds"] <= TARGET_SECONDS and second["created"] == 0
          and result["visits"] == result["distinct_product_due_date"] == first["created"]
          == result["expected_due"] == result["register_events"]
          and result["unlinked_visits"] == 0 and result["numbers_gap_free"])
    data = {"machine": info, "products": args.products, "month": month.isoformat(),
            "generated": generated, **result, "targets_met": ok}
    markdown = f"""# bench/maintenance — {time.strftime('%Y-%m-%d %H:%M')}

{args.products:,} installed products of {args.models} models (a time plan each: every
{", ".join(map(str, INTERVALS))} months), installed evenly over five years; PostgreSQL
{info.get('postgresql')}; commit {info.get('commit')}. {shared_note(info)}
{"Data generated in " + str(generated["seconds"]) + " s." if generated else "Database reused."}

| run | visits created | seconds |
|---|---|---|
| 1: the due visits of {month:%Y-%m} | {first['created']:,} | {first['seconds']} |
| 2: the same again | {second['created']:,} | {second['seconds']} |

Target: run 1 ≤ {TARGET_SECONDS:.0f} s, run 2 creates nothing — {"met" if ok else "NOT met"}.

Checks: {result['visits']:,} visits, {result['distinct_product_due_date']:,} distinct
(product, due date), {result['unlinked_visits']} without a request; {result['expected_due']:,}
products due that month by an independent count in Python; {result['maintenance_requests']:,}
maintenance requests with gap-free numbers: {result['numbers_gap_free']};
{result['register_events']:,} register events.

Whether the machine was busy is said at the top (the load average when the run started).
"""
    md, js = results_write("maintenance", data, markdown)
    say(f"results: {md.relative_to(ROOT)}, {js.relative_to(ROOT)}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
