"""What one job may ask: memory this machine can give it, and a story a reader can read.

A job streams its runs table to disk (:mod:`sim.sweep.stream`), so its memory is bounded by one
row group (:data:`sim.sweep.stream.GROUP_BYTES`) plus a few bytes a run for the table ``isf-sim``
prints (read back from the file). Two outputs are still held whole, and grow with ``runs x horizon_weeks``:

- ``weekly=true``: the weekly table (one row per run and week) is gathered before it is written
  (its categories are the union of every run's);
- ``trace=true``: the story, events, timeline and positions of every run, printed and kept.

:func:`check_job` refuses, before anything runs or is written, a job whose estimate exceeds
:func:`memory_budget` (half this machine's memory, at most :data:`MAX_BUDGET`), and a traced job
of more than :data:`TRACE_CAP` run-weeks; each in one line that says what is allowed. The
estimates are deliberately rough upper bounds, measured on this project's cases (docs/reliability.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sim.model import weekly as weekly_table
from sim.model.outcomes import columns as run_columns
from sim.model.params import ConfigError, ModelParams, RunSettings

TRACE_CAP = 2_600  # run-weeks of a traced job: 50 runs of 52 weeks, 5 of 520 (~1.3 MB of story)
MAX_BUDGET = 8 * 1024**3  # bytes one job may hold, on a machine with 16 GB or more
BASE = 400 * 1024**2  # the process itself: Python, pandas, pyarrow, Hydra, the pool's buffers
SUMMARY_BYTES = 120  # a run's outcomes read back for the printed table (no drawn parameters)
STRING_BYTES = 40  # an Arrow string: offset and text
WEEKLY_COPIES = 3  # the weekly chunks, their concatenation, and Arrow's copy as it is written


def memory_budget() -> int:
    """Bytes one job may hold: half of this machine's memory, at most :data:`MAX_BUDGET`."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        total = 2 * MAX_BUDGET
    return min(MAX_BUDGET, total // 2)


def row_bytes(params: ModelParams, drawn: int) -> int:
    """Bytes a run's row of the runs table holds as Arrow columns (``drawn``: sampled parameters)."""
    kinds = run_columns(params).values()
    strings = sum(1 for t in kinds if str(t).lower() in ("string", "str", "object"))
    return 8 * (len(kinds) - strings + drawn) + STRING_BYTES * strings


def weekly_row_bytes(params: ModelParams) -> int:
    """Bytes a row of the weekly table holds in memory (its dtypes; a category is a 4-byte code)."""
    import numpy as np

    size = 0
    for t in weekly_table.columns(params).values():
        size += 4 if str(t) == "category" else np.dtype(t).itemsize
    return size


def estimate(settings: RunSettings, params: ModelParams, drawn: int) -> int:
    """Peak bytes one job of these settings holds (a rough upper bound)."""
    from sim.sweep.stream import GROUP_BYTES

    runs = settings.runs  # the table waits one row group at a time (and one block being joined)
    need = BASE + min(runs * row_bytes(params, drawn), 2 * GROUP_BYTES) + runs * SUMMARY_BYTES
    if settings.weekly:
        need += WEEKLY_COPIES * runs * settings.horizon_weeks * weekly_row_bytes(params)
    return need


def drawn(model_raw: dict, overrides: Sequence[str], settings: RunSettings) -> int:
    """How many parameters each run draws (``uncertainty=sample``): each is a column of the runs table."""
    if settings.uncertainty != "sample":
        return 0
    from sim.config import lever_keys, override_keys, parameter_meta

    fixed = lever_keys(model_raw) | override_keys(list(overrides))
    return sum(1 for path in parameter_meta(model_raw) if path not in fixed)


def _gb(n: int) -> str:
    return f"{n / 1024**3:.1f} GB"


def check_job(settings: RunSettings, params: ModelParams, drawn: int) -> None:
    """Raise :class:`ConfigError` (one line) for a job this machine cannot hold, or a story too long."""
    weeks = settings.runs * settings.horizon_weeks
    if settings.trace and weeks > TRACE_CAP:
        raise ConfigError(
            f"trace=true with runs = {settings.runs} and horizon_weeks = {settings.horizon_weeks} tells "
            f"{weeks:,} run-weeks of story; allowed: up to {TRACE_CAP:,} (runs x horizon_weeks: e.g. "
            f"runs={TRACE_CAP // 52} at 52 weeks, runs={TRACE_CAP // 520} at 520); trace=false for many runs"
        )
    budget, need = memory_budget(), estimate(settings, params, drawn)
    if need <= budget:
        return
    most = _most_runs(settings, params, drawn, budget)
    if settings.weekly:  # a sweep joins its jobs' weekly tables too: fewer runs, or no weekly table
        allowed = f"up to {most:,} runs with weekly=true, or weekly=false (the weekly table is held whole)"
    else:
        split = f"-m 'seed=range({settings.seed},{settings.seed + settings.runs},{most})' runs={most}"
        allowed = f"up to {most:,} runs in one job, or a sweep of such jobs: {split}"
    raise ConfigError(
        f"runs = {settings.runs} needs about {_gb(need)} of memory in one job, more than the "
        f"{_gb(budget)} this machine allows one job; allowed: {allowed}"
    )


def _most_runs(settings: RunSettings, params: ModelParams, drawn: int, budget: int) -> int:
    """The most runs one job of these settings may have within ``budget`` (bisection: the estimate grows with runs)."""
    from dataclasses import replace

    low, high = 1, settings.runs
    while low < high:
        mid = (low + high + 1) // 2
        if estimate(replace(settings, runs=mid), params, drawn) <= budget:
            low = mid
        else:
            high = mid - 1
    return low
