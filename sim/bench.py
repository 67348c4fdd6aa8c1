"""Speed of isf-sim: `python -m sim.bench [--runs N] [--jobs J]` (or `make bench`).

Measures, in one process tree and one go, the same N baseline runs (52 weeks, point values of
the parameters, seeds 0..N-1) three ways, and prints runs per second and the ratios:

1. the bare model loop on one core — build the model, step it 52 weeks, read the outcome: the
   limit nothing can beat per core;
2. ``isf-sim -m seed=range(0,N,N/J) runs=N/J uncertainty=fixed`` — a J-job sweep, on all cores,
   timed from the outside: Python and Hydra start-up, composing every job's config, the worker
   pool, writing every job folder and the combined table, all included;
3. ``mesa.batch_run`` on the same model, runs and cores (the model through a small adapter class
   that collects the outcome once, at the last step — the least work batch_run allows).

``--sampled`` adds the sweep with ``uncertainty=sample`` (the default of isf-sim: each run draws
its parameters from their ranges), which costs the drawing on top.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa

from sim.config import load
from sim.model import ISFModel
from sim.outcomes import outcome
from sim.params import ModelParams
from sim.run import cores


def bare_loop(params: ModelParams, runs: int, seed: int = 0) -> float:
    """Runs per second of the model alone, one core."""
    t = time.perf_counter()
    for s in range(seed, seed + runs):
        outcome(ISFModel(params, rng=s).run(), s)
    return runs / (time.perf_counter() - t)


def sweep(runs: int, jobs: int, uncertainty: str = "fixed") -> tuple[float, int]:
    """Runs per second of a whole `isf-sim -m` sweep (wall time of the command); rows written."""
    import pyarrow.parquet as pq

    per_job = runs // jobs
    out = Path(tempfile.mkdtemp(prefix="isf-bench-"))
    try:
        cmd = [sys.executable, "-m", "sim", "-m", f"seed=range(0,{per_job * jobs},{per_job})",
               f"runs={per_job}", f"uncertainty={uncertainty}", f"hydra.sweep.dir={out / 'sweep'}"]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=out, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        rows = pq.read_metadata(out / "sweep" / "runs.parquet").num_rows
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return rows / wall, rows


class BatchRunModel(ISFModel):
    """ISFModel as `mesa.batch_run` expects a model: keyword arguments and a `datacollector`.

    batch_run reads the last collected step (data_collection_period=-1), so the outcome is
    collected once, after the last week.
    """

    def __init__(self, params: ModelParams, rng: int | None = None) -> None:
        super().__init__(params, rng=rng)
        self.seed_value = rng
        self.datacollector = mesa.DataCollector(model_reporters={"outcome": lambda m: outcome(m, m.seed_value)})

    def step(self) -> None:
        super().step()
        if self.week >= self.params.horizon_weeks:
            self.datacollector.collect(self)


def batch_run(params: ModelParams, runs: int, processes: int) -> tuple[float, list[dict]]:
    t = time.perf_counter()
    rows = mesa.batch_run(BatchRunModel, parameters={"params": params}, number_processes=processes,
                          data_collection_period=-1, max_steps=params.horizon_weeks,
                          display_progress=False, rng=list(range(runs)))
    return runs / (time.perf_counter() - t), rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m sim.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20000, help="runs per measurement (default 20000)")
    ap.add_argument("--jobs", type=int, default=10, help="jobs the sweep splits the runs into (default 10)")
    ap.add_argument("--sampled", action="store_true", help="also time the sweep with uncertainty=sample")
    args = ap.parse_args(argv)
    if args.runs < args.jobs or args.jobs < 1:
        ap.error("--runs must be at least --jobs, and --jobs at least 1")
    params, _, _ = load(["uncertainty=fixed"])
    n = cores()
    print(f"isf-sim bench: {args.runs:,} baseline runs of {params.horizon_weeks} weeks, {n} cores")

    bare_loop(params, 50)   # warm-up (imports, caches)
    bare = bare_loop(params, args.runs)
    print(f"  bare model loop, 1 core              : {bare:7.0f} runs/s  ({1000 / bare:.2f} ms a run)")

    rate, rows = sweep(args.runs, args.jobs)
    assert rows == args.runs // args.jobs * args.jobs, rows
    print(f"  isf-sim -m, {args.jobs} jobs, {n} cores, fixed   : {rate:7.0f} runs/s  "
          f"({rate / bare:.2f}x the bare loop; {rate / (bare * n):.0%} of {n} x bare)")
    if args.sampled:
        srate, _ = sweep(args.runs, args.jobs, "sample")
        print(f"  isf-sim -m, {args.jobs} jobs, {n} cores, sampled : {srate:7.0f} runs/s  ({srate / bare:.2f}x the bare loop)")

    brate, brows = batch_run(params, args.runs, n)
    assert len(brows) == args.runs
    print(f"  mesa.batch_run, {n} processes          : {brate:7.0f} runs/s  ({brate / bare:.2f}x the bare loop)")
    print(f"  isf-sim sweep / mesa.batch_run       : {rate / brate:7.2f}x")
    print(f"  100,000 runs at the sweep's rate     : {100_000 / rate / 60:7.1f} min")


if __name__ == "__main__":
    main()
