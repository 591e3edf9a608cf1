"""Searches in spawned child processes, timed by one clock that every process shares, with the
caller's progress reported from the calling process. Used for a day's districts
(:mod:`.decompose`) and for several seeds of one day (:mod:`.portfolio`).

*Spawn*, not fork: safe in a threaded task worker. Where no child process can start (a sandbox, a
daemonic worker) the callers catch ``NO_PROCESSES`` and search in their own process.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .model import Plan, Problem
from .schedule import Geometry

PROGRESS_EVERY = 0.5  # seconds between progress reports while the searches run elsewhere
NO_PROCESSES = (OSError, BrokenProcessPool, AssertionError)


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def monotonic_at(perf_instant: float) -> float:
    """A ``time.perf_counter()`` instant on the ``time.monotonic()`` clock (which, unlike
    ``perf_counter``, is guaranteed to be shared by the processes that run the searches)."""
    return time.monotonic() + (perf_instant - time.perf_counter())


def report(callback, span: tuple[float, float], started: float, until: float) -> None:
    """Progress by the clock: the share of ``started``…``until`` gone, mapped onto ``span``."""
    if callback is None:
        return
    total = max(until - started, 1e-9)
    share = min(1.0, (time.perf_counter() - started) / total)
    low, high = span
    callback(low + (high - low) * share)


@dataclasses.dataclass(frozen=True)
class Search:
    """One search to run: its problem and geometry, its options, and how many searches (its
    own included) are still to run one after another in its process, so that it takes an equal
    share of the time left."""

    problem: Problem
    geometry: Geometry
    options: object
    rounds_left: int = 1


def run_search(solve: Callable[..., Plan], search: Search, stop_at: float) -> Plan:
    """One search, in whatever process runs it: its limit is an equal share of the time left to
    ``stop_at`` (a ``time.monotonic()`` instant)."""
    seconds = max(0.5, (stop_at - time.monotonic()) / max(1, search.rounds_left))
    options = dataclasses.replace(search.options, time_limit=seconds, decompose_above=0)
    return solve(search.problem, options=options, geometry=search.geometry)


def run_in_processes(solve: Callable[..., Plan], searches: list[Search], workers: int,
                     stop_at: float, progress=None,
                     span: tuple[float, float] = (0.0, 1.0)) -> list[Plan]:
    """Every search in ``workers`` spawned processes, submitted in the order given, until
    ``stop_at``; the plans in the same order. Progress goes to ``progress`` from here, by the
    clock (callbacks are not sent to the children)."""
    started = time.perf_counter()
    until = started + (stop_at - time.monotonic())
    with pool(min(workers, len(searches))) as executor:
        futures = [executor.submit(run_search, solve, s, stop_at) for s in searches]
        pending = set(futures)
        while pending:
            _done, pending = wait(pending, timeout=PROGRESS_EVERY, return_when=FIRST_COMPLETED)
            report(progress, span, started, until)
    return [future.result() for future in futures]


def rounds(n_searches: int, workers: int) -> int:
    return math.ceil(n_searches / workers)
