"""Speed of isf-sim: `python -m sim.bench [--runs N]`.

Prints runs per second of (1) the bare model loop on one core — build the model, step it 52
weeks, read the outcome — and (2) the whole `isf-sim` job path (parameter sampling, parallel
workers, table building) for the same runs, with the ratio between them.
"""

from __future__ import annotations

import argparse
import os
import time

from sim.config import compose, lever_keys
from sim.model import ISFModel
from sim.outcomes import outcome
from sim.params import build, parameter_meta
from sim.run import Job, simulate


def bare_loop(params, runs: int, seed: int = 0) -> float:
    t = time.perf_counter()
    for s in range(seed, seed + runs):
        outcome(ISFModel(params, rng=s).run(), s)
    return runs / (time.perf_counter() - t)


def job_path(raw, runs: int, workers: int, uncertainty: str) -> float:
    params, _ = build(raw)
    job = Job(params, seed=0, runs=runs, uncertainty=uncertainty, meta=parameter_meta(raw), fixed=lever_keys(raw))
    t = time.perf_counter()
    simulate(job, workers=workers)
    return runs / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m sim.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000, help="runs per measurement (default 2000)")
    args = ap.parse_args(argv)
    raw = compose([])
    params, _ = build(raw)
    cores = os.cpu_count() or 1
    bare_loop(params, 50)   # warm-up
    bare = bare_loop(params, args.runs)
    print(f"bare model loop, 1 core, fixed parameters : {bare:8.0f} runs/s  ({1000 / bare:.2f} ms per 52-week run)")
    for unc in ("fixed", "sample"):
        r1 = job_path(raw, args.runs, 1, unc)
        rn = job_path(raw, args.runs, cores, unc)
        print(f"isf-sim job path, uncertainty={unc:<6}, 1 core : {r1:8.0f} runs/s  ({r1 / bare:.2f}x bare)")
        print(f"isf-sim job path, uncertainty={unc:<6}, {cores} cores: {rn:8.0f} runs/s  ({rn / bare:.2f}x bare)")


if __name__ == "__main__":
    main()
