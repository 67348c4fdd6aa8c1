"""Run one scenario many times -> tidy tables. No Hydra, no files.

Run ``i`` of a job with seed ``S`` uses seed ``S + i``: the row's ``seed`` column re-runs that
row alone (``runs=1 seed=<row seed>``). With ``uncertainty=sample`` the run's parameters are
drawn first, from a generator seeded by the same row seed, so that holds there too. Results do
not depend on the number of worker processes: runs are independent and are put back in seed
order.
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from sim.model import narrative
from sim.model import weekly as weekly_table
from sim.model.outcomes import columns as run_columns
from sim.model.outcomes import outcome
from sim.model.params import ModelParams
from sim.model.paths import sample

if TYPE_CHECKING:
    from sim.model.model import ISFModel

EVENT_COLUMNS = {
    "seed": "int64",
    "week": "int64",
    "kind": "string",
    "actor": "string",
    "target": "string",
    "value": "float64",
    "text": "string",
}
NAN = float("nan")
PARALLEL_MIN_RUNS = 400  # below this, starting worker processes costs more than it saves
# runs of a chunk sent to the pool, at least (fewer only to give every worker one): a chunk costs
# a round trip and its job pickled (~1 ms), which a sweep's small jobs paid a dozen times each
MIN_CHUNK = 25


@dataclass
class Job:
    """What to run: parameters, first seed, replicates, and how to treat uncertainty."""

    params: ModelParams
    seed: int = 0
    runs: int = 300
    uncertainty: str = "fixed"
    meta: dict[str, dict] = field(default_factory=dict)  # parameter path -> range etc.
    fixed: frozenset[str] = frozenset()  # paths never sampled (levers, overrides)
    trace: bool = False
    weekly: bool = False  # also the weekly table (sim.model.weekly)


@dataclass
class Results:
    runs: pd.DataFrame
    events: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    positions: pd.DataFrame | None = None
    weekly: pd.DataFrame | None = None


def run_model(params: ModelParams, seed: int, trace: bool = False, weekly: bool = False) -> ISFModel:
    """One run of the model to its horizon."""
    from sim.model.model import ISFModel  # here, not at the top: a sweep's main process never needs Mesa

    return ISFModel(params, rng=seed, trace=trace, weekly=weekly).run()


def run_params(job: Job, seed: int) -> tuple[ModelParams, dict[str, float]]:
    """The parameters run ``seed`` of this job uses (drawn from their ranges if sampling)."""
    if job.uncertainty != "sample":
        return job.params, {}
    return sample(job.params, job.meta, random.Random(f"isf-sim/sample/{seed}"), job.fixed)


def _run_chunk(job: Job, seeds: range) -> dict[str, list]:
    """A chunk of runs -> its columns (and, with ``job.weekly``, its weekly table under ``"_weekly"``)."""
    rows, draws, weeks = [], [], []
    for s in seeds:
        params, drawn = run_params(job, s)
        model = run_model(params, s, weekly=job.weekly)
        rows.append(outcome(model, s))
        draws.append(drawn)
        if job.weekly:
            weeks.append((s, model.weekly))
    out = columns(rows)
    out.update(drawn_columns(draws))
    if job.weekly:
        out["_weekly"] = weekly_table.frame(weeks, job.params)  # type: ignore[assignment]
    return out


def _results(job: Job, parts: Iterable[dict[str, list]]) -> Results:
    """Chunks, in seed order -> the job's tables, whole in memory (what :func:`simulate` returns;
    a job writing a folder streams the chunks to disk instead: :mod:`sim.sweep.stream`)."""
    parts = list(parts)
    frames = [part.pop("_weekly") for part in parts if "_weekly" in part]
    weekly = weekly_table.concat(frames) if job.weekly else None
    return Results(to_frame(concat(parts), job.params), weekly=weekly)


def columns(rows: list[dict]) -> dict[str, list]:
    """Rows -> columns (what workers send back: each key once, not once per run; sampled runs
    carry ~125 param.* keys, which made a pickled row ~6 KB)."""
    keys = dict.fromkeys(k for r in rows for k in r)
    return {k: [r.get(k, NAN) for r in rows] for k in keys}


def drawn_columns(draws: list[dict[str, float]]) -> dict[str, list]:
    """The sampled values of a chunk's runs -> their ``param.<path>`` columns. Every run of a job
    draws the same paths in the same order (:func:`sim.model.paths.sample`), so the columns are
    the draws transposed; runs drawing other paths (none in a job) go key by key, NaN where a run
    drew nothing."""
    paths = list(draws[0]) if draws else []
    if any(list(d) != paths for d in draws):
        return {f"param.{k}": [float(x) for x in v] for k, v in columns(draws).items()}
    return {f"param.{k}": [float(v) for v in values] for k, values in zip(paths, zip(*(d.values() for d in draws)))}


def concat(parts: list[dict[str, list]]) -> dict[str, list]:
    """Column chunks, in order, -> one set of columns (a key missing from a chunk: NaN there);
    a single chunk is returned as it is."""
    if len(parts) == 1:
        return parts[0]
    keys = dict.fromkeys(k for part in parts for k in part)
    out: dict[str, list] = {k: [] for k in keys}
    for part in parts:
        n = len(next(iter(part.values()), []))
        for k in keys:
            out[k].extend(part[k] if k in part else [NAN] * n)
    return out


def to_frame(data: list[dict] | dict[str, list], params: ModelParams) -> pd.DataFrame:
    """The runs table: the case's columns in order (:func:`sim.model.outcomes.columns`), then
    the drawn parameters (``param.*``, sorted)."""
    cols = run_columns(params)
    df = pd.DataFrame(data) if isinstance(data, dict) else pd.DataFrame.from_records(data)
    if df.empty:
        df = pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    # only the columns not already of their type (an astype per column costs ~1 ms in pandas 3,
    # which made a chunk's frame cost more than its runs in a sweep of small jobs)
    cast = {c: t for c, t in cols.items() if c not in df.columns or df[c].dtype != _dtype(t)}
    if cast:
        df = df.astype(cast)
    drawn = sorted(c for c in df.columns if c.startswith("param."))
    return df[list(cols) + drawn].reset_index(drop=True)


@functools.cache
def _dtype(name: str):
    return pd.api.types.pandas_dtype(name)


def auto_workers(runs: int) -> int:
    return 1 if runs < PARALLEL_MIN_RUNS else cores()


def cores() -> int:
    """Cores this process may use (a SLURM allocation or taskset, else the machine's), at most 8."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


def executor(workers: int):
    """The process pool runs go to: loky's reusable executor, kept warm between jobs of a sweep."""
    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(max_workers=workers, timeout=600)


def warm_up(workers: int) -> None:
    """Start the worker processes now (they import the model while Hydra composes configs)."""
    executor(workers).submit(_ready)


def _ready() -> bool:
    import sim.model.model  # noqa: F401 - the worker imports Mesa and the model now, not on its first runs

    return True


def pool_chunks(seeds: range, workers: int) -> list[range]:
    """A job's seeds cut into the chunks sent to a pool of ``workers``: about eight a worker (the
    last chunks finish together), of :data:`MIN_CHUNK` to 500 runs (one a worker when the job is
    smaller). The cut changes when rows arrive, never what they hold."""
    runs = len(seeds)
    size = min(500, -(-runs // (workers * 8)))  # about eight a worker, at most 500 runs
    size = max(size, min(MIN_CHUNK, -(-runs // workers)))  # at least MIN_CHUNK, or one a worker
    return [seeds[i : i + size] for i in range(0, runs, size)]


class Pending:
    """A job's runs submitted to the pool; :meth:`parts` yields them chunk by chunk, in seed order
    (a chunk is dropped here once handed on, so memory holds the chunks not yet consumed, not the
    job); :meth:`result` gathers them into tables."""

    def __init__(self, job: Job, workers: int, progress: Callable[[int], None] | None = None):
        self.job, self.progress = job, progress
        self.chunks = pool_chunks(range(job.seed, job.seed + job.runs), workers)
        pool = executor(workers)
        self.futures = [pool.submit(_run_chunk, job, c) for c in self.chunks]

    def parts(self) -> Iterator[dict[str, list]]:
        try:
            for i, chunk in enumerate(self.chunks):
                part = self.futures[i].result()
                self.futures[i] = None  # type: ignore[call-overload] - the future held the chunk's columns
                if self.progress:
                    self.progress(len(chunk))
                yield part
        except BaseException:
            self.cancel()
            raise

    def result(self) -> Results:
        return _results(self.job, self.parts())

    def cancel(self) -> None:
        for fut in self.futures:
            if fut is not None:
                fut.cancel()


def chunks(
    job: Job, workers: int | None = None, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, list]]:
    """The job's runs (not traced) chunk by chunk, in seed order, as columns (:func:`to_frame`
    makes each a piece of the runs table; with ``job.weekly`` its weekly table is under
    ``"_weekly"``). Chunks are made as they are consumed (one process) or as the pool finishes
    them (several), so a consumer that writes each one and lets it go holds one at a time."""
    workers = auto_workers(job.runs) if workers is None else workers
    if workers > 1:
        yield from Pending(job, workers, progress).parts()
        return
    seeds = range(job.seed, job.seed + job.runs)
    step = max(50, min(500, job.runs // 20))  # a twentieth of the job, 50 to 500 runs: each chunk costs a frame
    for start in range(0, job.runs, step):
        chunk = seeds[start : start + step]
        part = _run_chunk(job, chunk)
        if progress:
            progress(len(chunk))
        yield part


def simulate(job: Job, workers: int | None = None, progress: Callable[[int], None] | None = None) -> Results:
    """Run the job's replicates (in parallel when worth it) and return tidy tables."""
    if job.trace:
        return _simulate_traced(job)
    return _results(job, chunks(job, workers, progress))


def _simulate_traced(job: Job) -> Results:
    rows, events, timelines, positions, weeks = [], [], [], [], []
    for s in range(job.seed, job.seed + job.runs):
        params, drawn = run_params(job, s)
        model = run_model(params, s, trace=True, weekly=job.weekly)
        if job.weekly:
            weeks.append((s, model.weekly))
        row = outcome(model, s)
        row.update({f"param.{k}": float(v) for k, v in drawn.items()})
        rows.append(row)
        say = narrative.describe
        events.extend((s, week, kind, actor, target, value, say(kind, actor, target, value, data, params.case))
                      for week, kind, actor, target, value, data in model.trace.events)  # fmt: skip
        tl = model.datacollector.get_model_vars_dataframe().rename_axis("week").reset_index()
        tl.insert(0, "seed", s)
        timelines.append(tl)
        pos = model.datacollector.get_agent_vars_dataframe().reset_index()
        pos = pos.rename(columns={"Step": "week"}).drop(columns=["AgentID"])
        pos.insert(0, "seed", s)
        positions.append(pos)
    ev = pd.DataFrame(events, columns=list(EVENT_COLUMNS)).astype(EVENT_COLUMNS)
    tl = pd.concat(timelines, ignore_index=True).astype(
        {
            "seed": "int64",
            "week": "int64",
            "deaths": "int64",
            "troops_committed": "int64",
            "troops_deployed": "int64",
            "un_authorized": "bool",
            "collapsed": "bool",
        }
    )
    position_columns = [f"position_{d}" for d in job.params.case.dimensions]
    pos = pd.concat(positions, ignore_index=True)[
        ["seed", "week", "actor", "position", "shows", *position_columns, "pressure", "committed", "deployed"]
    ].astype(
        {
            "seed": "int64",
            "week": "int64",
            "actor": "string",
            "position": "float64",
            "shows": "string",  # what `position` is: the actor's main dimension, or a contributor's readiness
            **dict.fromkeys(position_columns, "float64"),
            "pressure": "float64",
            "committed": "int64",
            "deployed": "int64",
        }
    )
    weekly = weekly_table.concat([weekly_table.frame(weeks, job.params)]) if job.weekly else None
    return Results(to_frame(rows, job.params), ev, tl, pos, weekly)
