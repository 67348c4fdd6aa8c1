"""The speed targets of `python -m sim.bench` (docs/sweeps.md, 'Speed'): each a ratio measured in
the same run of the bench — sampled runs against fixed ones on the same seeds, a job's wall time
against its model time, two workers against one, a 100,000-run sampled job and its peak memory
against a 10,000-run one. `--targets` runs only these, `--smoke` at tiny sizes."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.config.compose import case_dir
from sim.model.params import ModelParams
from sim.model.run import cores


@dataclass(frozen=True)
class Bench:
    """What the bench command gives its targets: the case's words on the command line, the sizes
    of the measurements, how to record a figure, and the script that reports a job's peak memory."""

    case: list[str]
    sizes: dict[str, int]
    record: Callable[[str, float], None]
    peak: str


def chunk_ratio(b: Bench, runs: int, rounds: int = 3) -> tuple[float, float, float, float]:
    """Sampled runs against fixed ones, in one process (a job's own chunk function, one core):
    (fixed runs/s, sampled runs/s, and the medians, over blocks of up to 100 seeds timed in turn,
    of sampled time / fixed time and of sampled time / the model's own time on the same drawn
    parameters). The job is composed as isf-sim composes it, so the sampled runs draw what a job
    draws.

    The last ratio is what sampling itself costs (drawing, setting the draws, their columns);
    the first also holds what the drawn worlds do differently from the point values' world (more
    contingents waiting to deploy, more Council forecasts): work, not overhead."""
    from dataclasses import replace

    from sim.config.compose import compose
    from sim.model.outcomes import outcome
    from sim.model.run import _run_chunk, run_model, run_params
    from sim.sweep.job import make_job

    conf = case_dir(b.case[0].split("=", 1)[1] if b.case else None)
    raw = {k: v for k, v in compose(["uncertainty=sample"], conf).items() if k != "hydra"}
    sampled, _, _ = make_job(raw, ["uncertainty=sample"])
    fixed = replace(sampled, uncertainty="fixed")
    drawn = [run_params(sampled, s)[0] for s in range(runs)]  # the same worlds, drawn beforehand
    _run_chunk(sampled, range(20))  # warm-up
    # the three are timed block by block, interleaved, so that a machine whose speed drifts
    # over seconds slows all three alike; each ratio is the median over blocks and rounds
    block = max(1, min(100, runs // 10))
    ratios, own = [], []
    f_total = s_total = 0.0
    for _ in range(rounds):
        for start in range(0, runs, block):
            seeds = range(start, min(runs, start + block))
            t = time.perf_counter()
            _run_chunk(fixed, seeds)
            f = time.perf_counter() - t
            t = time.perf_counter()
            _run_chunk(sampled, seeds)
            s = time.perf_counter() - t
            t = time.perf_counter()
            for seed in seeds:
                outcome(run_model(drawn[seed], seed), seed)
            m = time.perf_counter() - t
            ratios.append(s / f)
            own.append(s / m)
            f_total += f
            s_total += s
    n = runs * rounds
    return n / f_total, n / s_total, statistics.median(ratios), statistics.median(own)


def job_wall(b: Bench, *args: str) -> tuple[float, float]:
    """(wall seconds, peak MB of the isf-sim process) of one ``isf-sim`` job, timed from outside."""
    out = Path(tempfile.mkdtemp(prefix="isf-bench-"))
    try:
        cmd = [sys.executable, "-c", b.peak, *b.case, *args, "hydra.run.dir=job"]
        t = time.perf_counter()
        proc = subprocess.run(cmd, check=True, cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
    finally:
        shutil.rmtree(out, ignore_errors=True)
    own = int(proc.stderr.rsplit("PEAK ", 1)[1].split()[0])
    return wall, own / 1024


def print_targets(b: Bench, params: ModelParams, bare: float, big: int = 100_000) -> None:
    """The speed issue's acceptance figures, each a ratio measured in this one run of the bench."""
    print("  targets (docs/sweeps.md: 'Speed')")
    f_rate, s_rate, ratio, own = chunk_ratio(
        b, min(2000, max(b.sizes["job"] // 5, int(bare * 2))), 1 if b.sizes["job"] < 1000 else 3
    )
    b.record("chunk_fixed", f_rate)
    b.record("chunk_sample", s_rate)
    b.record("sampled_over_fixed", ratio)
    b.record("sampled_over_drawn_model", own)
    print(f"    sampled / fixed, one core, same seeds    : {ratio:6.2f}x the time (target <= 1.10x; "
          f"{f_rate:.0f} vs {s_rate:.0f} runs/s)")  # fmt: skip
    print(f"      sampling's own cost: sampled / the model on the same drawn parameters: {own:.2f}x "
          "(the rest is what the drawn worlds do)")  # fmt: skip
    n_job, n_workers, n_small = b.sizes["job"], b.sizes["workers"], b.sizes["small"]
    # the rule fixed: the rule range (the same runs under the case's other admitted rules) is more
    # runs, not overhead (sim/sweep/rules.py)
    wall, _ = job_wall(
        b, f"runs={n_job}", "uncertainty=fixed", f"mechanisms.pressure.rule={params.mechanisms.pressure.rule}"
    )
    model_s = n_job / bare
    b.record("job_1000_wall", wall)
    b.record("job_over_model", wall / model_s)
    print(f"    isf-sim runs={n_job} (fixed) / model time   : {wall / model_s:6.2f}x ({wall:.2f} s against "
          f"{model_s:.2f} s of its runs on one core, the rule fixed; target <= 1.5x)")  # fmt: skip
    one, _ = job_wall(b, f"runs={n_workers}", "uncertainty=fixed", "workers=1")
    two, _ = job_wall(b, f"runs={n_workers}", "uncertainty=fixed", "workers=2")
    b.record("workers_2_over_1", one / two)
    print(f"    runs={n_workers}, 2 workers / 1 worker         : {one / two:6.2f}x as fast ({one:.1f} s vs "
          f"{two:.1f} s; target >= 1.8x)")  # fmt: skip
    wall_small, rss_small = job_wall(b, f"runs={n_small}")
    wall_big, rss_big = job_wall(b, f"runs={big}")
    b.record("job_sample_100k_wall", wall_big)
    b.record("job_rss_10k", rss_small)
    b.record("job_rss_100k", rss_big)
    print(f"    isf-sim runs={big:,} (sampled), {cores()} cores: {wall_big:6.1f} s (target < 60 s; {n_small:,} runs: "
          f"{wall_small:.1f} s)")  # fmt: skip
    print(f"    peak memory of that job, {big:,} / {n_small:,} runs: {rss_big / rss_small:6.2f}x ({rss_big:.0f} MB "
          f"vs {rss_small:.0f} MB; target <= 1.20x)")  # fmt: skip
