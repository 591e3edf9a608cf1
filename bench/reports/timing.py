"""Time the computation of every report (the background task's work) on the bench database.

    python -m bench.reports.timing RUNS      (inside the bench's Django environment)

For each report kind and each of the first RUNS service centres: open the report of the last
complete period (yesterday, last week, last month — in that centre's time zone), queue a run and
execute it in-process exactly as the worker does (``report_run_execute``: the aggregate queries,
progress updates, storing the figures). Prints JSON: seconds and query counts per run, the
slowest queries with their time, and the report ids (for the page timings over HTTP).
"""

import json
import sys
import time

import django


def main() -> None:
    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.models import ServiceCentre
    from aftersales.reports import services
    from aftersales.reports.choices import ReportKind
    from aftersales.reports.periods import local_today, previous_period_day

    runs = int(sys.argv[1])
    centres = list(ServiceCentre.objects.order_by("pk")[:runs])
    out = {"kinds": {}}
    for kind in ReportKind.values:
        entry = {"seconds": [], "queries": [], "reports": [], "slowest": []}
        for centre in centres:
            day = previous_period_day(kind, local_today(centre))
            report = services.report_get_or_create(kind=kind, centre=centre, day=day)
            run = services.report_run_request(actor=None, report=report)
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                services.report_run_execute(run_id=run.pk)
                elapsed = time.perf_counter() - started
            entry["seconds"].append(round(elapsed, 4))
            entry["queries"].append(len(ctx.captured_queries))
            entry["reports"].append({"id": report.pk, "centre": centre.code,
                                     "period": f"{report.period_start}…{report.period_end}"})
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:2]
            entry["slowest"].extend({"seconds": float(q["time"]), "centre": centre.code,
                                     "sql": q["sql"][:1500]} for q in slow)
        entry["slowest"] = sorted(entry["slowest"], key=lambda q: -q["seconds"])[:3]
        out["kinds"][kind] = entry
        print(f"  {kind}: {max(entry['seconds']):.2f} s at most", file=sys.stderr, flush=True)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
