"""The in-process sweep's pipeline: jobs hand their runs to a warm pool and return at once.

A writer thread waits for each job's runs, in order, and writes its folder. So while the
workers simulate job k, this process composes job k+1 (Hydra's per-job cost) instead of
leaving the cores idle.

One sweep runs in a process at a time. The sweep callback (:mod:`sim.sweep.callback`) starts
and stops it (:func:`start`, :func:`stop`); a job asks :func:`current` whether it runs inside
one. That state is this module's alone: no other module holds sweep state.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

IN_FLIGHT = 2  # jobs submitted but not yet written, at most (bounds memory)


class Pipeline:
    def __init__(self, total_runs: int) -> None:
        self.total_runs = total_runs
        self.lock = threading.Lock()
        self.partial: dict[str, int] = {}  # job folder -> runs finished, until it is written
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=IN_FLIGHT)
        self.writer = threading.Thread(target=self._write_loop, name="isf-sim-writer", daemon=True)
        self.writer.start()

    def add(self, key: str, n: int) -> None:
        with self.lock:
            self.partial[key] = self.partial.get(key, 0) + n

    def progress_hook(self, key: str) -> Callable[[int], None]:
        """Where a job reports finished runs."""
        return lambda n: self.add(key, n)

    def _write_loop(self) -> None:
        while True:
            task = self.queue.get()
            try:
                if task is None:
                    return
                if self.error is None:
                    task()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self.error = exc
            finally:
                self.queue.task_done()

    def defer(self, folder: Path, work: Callable[[], None]) -> None:
        """Hand a job's remaining work (wait for its runs, write its folder) to the writer thread."""
        self.raise_error()

        def task() -> None:
            work()
            with self.lock:  # written: the folder now counts as done, not as partial runs
                self.partial.pop(str(folder), None)

        self.queue.put(task)

    def drain(self) -> None:
        self.queue.put(None)
        self.writer.join()
        self.raise_error()

    def raise_error(self) -> None:
        if self.error is not None:
            raise RuntimeError(f"a job of this sweep failed: {self.error!r}") from self.error


_current: Pipeline | None = None


def start(total_runs: int) -> Pipeline:
    global _current
    _current = Pipeline(total_runs)
    return _current


def current() -> Pipeline | None:
    """The pipeline of the sweep running in this process, if any."""
    return _current


def stop() -> None:
    """Wait for the last jobs' writes; the process runs no sweep afterwards."""
    global _current
    p, _current = _current, None
    if p is not None:
        p.drain()
