"""The in-process sweep's writer thread: jobs are written in order, at most IN_FLIGHT wait, and a
failure in one is raised in the main thread instead of vanishing with the thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from sim.sweep import pipeline
from sim.sweep.pipeline import Pipeline


def test_deferred_jobs_run_in_order_and_drain_waits_for_all():
    active = Pipeline(total_runs=10)
    done: list[int] = []
    for i in range(6):
        active.defer(Path("job"), lambda i=i: (time.sleep(0.01), done.append(i)))
    active.drain()
    assert done == list(range(6))


def test_the_queue_bounds_the_jobs_in_flight():
    active = Pipeline(total_runs=10)
    gate = threading.Event()
    active.defer(Path("job"), gate.wait)  # the writer is busy with this one
    for _ in range(pipeline.IN_FLIGHT):
        active.defer(Path("job"), lambda: None)  # these wait in the queue
    blocked = threading.Thread(target=active.defer, args=(Path("job"), lambda: None), daemon=True)
    blocked.start()
    blocked.join(timeout=0.3)
    assert blocked.is_alive()  # one more would exceed IN_FLIGHT: it waits
    gate.set()
    blocked.join(timeout=5)
    assert not blocked.is_alive()
    active.drain()


def test_a_failed_job_is_raised_in_the_main_thread():
    active = Pipeline(total_runs=10)
    ran: list[str] = []

    def boom():
        raise ValueError("model exploded")

    active.defer(Path("job"), boom)
    time.sleep(0.1)
    with pytest.raises(RuntimeError, match="model exploded"):
        active.defer(Path("job"), lambda: ran.append("later"))
    with pytest.raises(RuntimeError, match="model exploded"):
        active.drain()
    assert ran == []  # nothing after a failure is written
