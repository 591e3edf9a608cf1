"""100,000 deadline computations (add working time) and 100,000 working-time spans (between)
on the default mainland-China calendar; target: 100,000 deadlines in under a second.

CPU time of this process is reported (process_time), so other load on the machine does not
inflate it; wall time is reported too.
"""

import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.config.settings.local")
import django  # noqa: E402

django.setup()

from aftersales.core.calendar import BusinessCalendar  # noqa: E402

N = 100_000
ROUNDS = 5


def main() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    rnd = random.Random(20261128)
    starts = [datetime(2026, 1, 1, tzinfo=tz) + timedelta(minutes=rnd.randrange(0, 365 * 24 * 60))
              for _ in range(N)]
    hours = [timedelta(hours=rnd.choice([6, 7])) for _ in range(N)]
    results = {}
    for name, run in (
        ("add", lambda cal: [cal.add(s, h) for s, h in zip(starts, hours, strict=True)]),
        ("between", lambda cal: [cal.between(s, s + timedelta(days=3)) for s in starts]),
    ):
        cpu, wall = [], []
        for _ in range(ROUNDS):
            cal = BusinessCalendar()  # a cold cache each round
            t0, c0 = time.perf_counter(), time.process_time()
            run(cal)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
        results[name] = {"n": N, "cpu_s_median": round(statistics.median(cpu), 3),
                         "cpu_s_max": round(max(cpu), 3), "wall_s_median": round(statistics.median(wall), 3)}
    stamp = time.strftime("%Y-%m-%d")
    meta = {"date": stamp, "python": sys.version.split()[0], "machine": platform.machine(),
            "cores": os.cpu_count(), "load_average": os.getloadavg()}
    out = Path(__file__).resolve().parent.parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"deadlines-{stamp}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    lines = [f"# Deadline arithmetic — {stamp}", "",
             f"Python {meta['python']}, {meta['cores']} cores, load average at the end "
             f"{', '.join(f'{x:.2f}' for x in meta['load_average'])} (other work was running).", "",
             "| operation | n | CPU s (median of 5) | CPU s (worst) | wall s (median) | target |",
             "|---|---|---|---|---|---|"]
    for name, row in results.items():
        target = "< 1 s" if name == "add" else "—"
        lines.append(f"| {name} | {row['n']:,} | {row['cpu_s_median']} | {row['cpu_s_max']} | "
                     f"{row['wall_s_median']} | {target} |")
    (out / f"deadlines-{stamp}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
