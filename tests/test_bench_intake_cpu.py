"""bench/intake's CPU accounting: a database connection recycled during a run (its backend
exits) no longer makes the database's CPU negative (issue 14)."""

import os
import subprocess
import sys
import time

from bench.intake.main import _cpu_by_process, _cpu_used


def _busy_child(seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c",
                             f"import time\nend = time.process_time() + {seconds}\n"
                             "while time.process_time() < end: pass\n"
                             "time.sleep(30)"])


def test_an_exited_process_counts_nothing_instead_of_its_lifetime():
    worker = _busy_child(0.3)  # has used CPU before the run starts, then exits during it
    stays = _busy_child(0.0)
    time.sleep(1.0)
    before = _cpu_by_process([worker.pid, stays.pid])
    assert before[next(k for k in before if k[0] == worker.pid)] > 0.2
    worker.kill()
    worker.wait()
    used, exited = _cpu_used(before, _cpu_by_process([worker.pid, stays.pid]))
    stays.kill()
    stays.wait()
    assert exited == 1 and 0 <= used < 0.2


def test_a_reused_pid_is_another_process():
    me = os.getpid()
    before = {(me, 1): 100.0}  # the same pid, started at another moment: another process
    used, exited = _cpu_used(before, _cpu_by_process([me]))
    assert exited == 1 and used > 0
