"""A task for tests/test_task_recovery.py: the real deadline alert, behind a gate.

It records each start (the process id) next to the gate file, waits until the gate file exists,
then fires the alert through the real, idempotent service. Workers import it by path, so the
repository root is on their PYTHONPATH."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def fire_clock_alert_at_gate(clock_id: int, level: str, gate: str) -> bool:
    from aftersales.dispatch.clocks import clock_alert_fire

    gate_path = Path(gate)
    with open(f"{gate}.starts", "a") as starts:
        starts.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 120
    while not gate_path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(gate)
        time.sleep(0.05)
    return clock_alert_fire(clock_id=clock_id, level=level)
