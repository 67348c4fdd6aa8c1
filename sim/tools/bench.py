"""Speed of isf-sim: `python -m sim.bench [--runs N] [--jobs J]` (or `make bench`).

Measures, in one process tree and one go, baseline runs (52 weeks, seeds 0, 1, 2, ...) five ways
and prints runs per second and the ratios:

1. the bare model loop on one core — build the model, step it 52 weeks, read the outcome: the
   limit nothing can beat per core;
2. ``isf-sim -m seed=range(0,N,N/J) runs=N/J`` — a J-job sweep of N runs on all cores, timed
   from the outside: Python and Hydra start-up, composing every job's config, the worker pool,
   writing every job folder and the combined table, all included; with point values
   (``uncertainty=fixed``, the same runs as 1) and with ``uncertainty=sample`` (each run first
   draws its parameters), both with the bargaining rule fixed on the command line, so they do
   the runs the bare loop does; then the default command as a user types it: sampled, and each
   job's seeds run again under the case's other admitted rules (the rule range,
   :mod:`sim.sweep.rules`), more runs of the model than the table's rows, which the rate counts;
3. ``mesa.batch_run`` on the same model, runs and cores, two ways, both through the public
   adapter :class:`sim.batch.BatchModel`: collecting the outcome once, after the last week (the
   least work batch_run allows: like for like), and the way Mesa models usually feed it, the
   model's DataCollector (model and agent reporters) collected every week;
4. a grid of small jobs, as experiments are: ``isf-sim -m`` over 6 values of US pressure on
   Israel x 6 of Israel's resolve, 40 runs each (1,440 runs, ``uncertainty=fixed``), against the
   same 1,440 runs as one job on one core (``isf-sim runs=1440 workers=1``), both timed as whole
   commands (``--grid`` runs only this case).

5. start-up: the median wall time of ``--help`` and ``--version`` of the four commands
   (``--startup`` runs only this case; the README promises isf-sim's under 0.5 s).

The bare loop and batch_run run at a steady rate per run, so they are timed on the first
``--rate-runs`` of the same seeds (default 10,000) to keep the bench to a few minutes; the
sweep runs all N. ``--memory`` adds two sweeps of 1,000-run jobs, 1,000 and 100,000 runs in
all, and prints the peak resident memory of the ``isf-sim`` process and of its largest worker.

Every figure printed is also recorded in results/bench.json (``--record PATH``; ``--record ''``
records nothing), which ``python -m sim.tools.numbers`` reads for the speeds the docs quote.
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

from sim.batch import BatchModel
from sim.config import load
from sim.config.compose import case_dir
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.model.params import ModelParams
from sim.model.run import cores
from sim.sweep import rules
from sim.tools.numbers_speed import BENCH

CASE: list[str] = []  # ["case=NAME|PATH"] for --case: the isf-sim commands the bench times run it
# the sizes of the measurements (--smoke shrinks them to check that every part of the bench runs)
SIZES = {"job": 1000, "workers": 10_000, "small": 10_000, "weekly": 1000, "grid": 40, "repeats": 7}
RECORD: list[Path] = []  # [the bench file] unless --record '' (or another case: its speeds are not the docs')


def record(key: str, value: float) -> None:
    """Keep one printed figure in the bench file, with the command that measured it."""
    if RECORD:
        from sim.tools.numbers_speed import record as write

        write(key, value, "python -m sim.bench " + " ".join(sys.argv[1:]), RECORD[0])


def bare_loop(params: ModelParams, runs: int, seed: int = 0) -> float:
    """Runs per second of the model alone, one core."""
    t = time.perf_counter()
    for s in range(seed, seed + runs):
        outcome(ISFModel(params, rng=s).run(), s)
    return runs / (time.perf_counter() - t)


def weekly_cost(params: ModelParams, runs: int, rounds: int | None = None) -> float:
    """Time of a job's runs with the weekly table over the same runs without it (the job's own
    path, sim.model.run.simulate, one core), the median of interleaved rounds."""
    from sim.model.run import Job, simulate

    ratios = []
    for _ in range(rounds or (3 if runs >= 1000 else 1)):
        t = time.perf_counter()
        simulate(Job(params, runs=runs), workers=1)
        plain = time.perf_counter() - t
        t = time.perf_counter()
        simulate(Job(params, runs=runs, weekly=True), workers=1)
        ratios.append((time.perf_counter() - t) / plain)
    return sorted(ratios)[len(ratios) // 2]


def sweep(runs: int, jobs: int, uncertainty: str = "fixed", rule: str | None = None) -> tuple[float, int]:
    """Runs per second of a whole `isf-sim -m` sweep (wall time of the command); rows written.
    ``rule``: the bargaining rule fixed on the command line (no rule range); None: the default,
    with the rule range."""
    import pyarrow.parquet as pq

    per_job = runs // jobs
    out = Path(tempfile.mkdtemp(prefix="isf-bench-"))
    try:
        cmd = [
            sys.executable,
            "-m",
            "sim",
            *CASE,
            "-m",
            f"seed=range(0,{per_job * jobs},{per_job})",
            f"runs={per_job}",
            f"uncertainty={uncertainty}",
            *([f"mechanisms.pressure.rule={rule}"] if rule else []),
            f"hydra.sweep.dir={out / 'sweep'}",
        ]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=out, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        rows = pq.read_metadata(out / "sweep" / "runs.parquet").num_rows
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return rows / wall, rows


GRID = ("actors.USA.pressure.ISR=0.1,0.25,0.4,0.55,0.7,0.9", "actors.ISR.resolve=0.5,0.8,1.1,1.4,1.7,2.0")


def grid_keys() -> tuple[str, ...]:
    """The grid's two swept keys: Gaza's (GRID), or another case's first two sliders, 6 values each."""
    if not CASE:
        return GRID
    from sim.config import compose
    from sim.config.case import tool_part

    sliders = list((tool_part(compose([], CASE[0].split("=", 1)[1]), "sliders") or {}).values())[:2]
    return tuple(
        f"{sl['paths'][0]}=" + ",".join(f"{sl['min'] + i * (sl['max'] - sl['min']) / 5:g}" for i in range(6))
        for sl in sliders
    )


def _timed(args: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", *CASE, *args], check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def grid(runs_per_job: int | None = None) -> tuple[float, float, int]:
    """Wall seconds of the 6 x 6 grid sweep and of the same runs as one job on one core; runs."""
    runs_per_job = runs_per_job or SIZES["grid"]
    total = runs_per_job * 36
    out = Path(tempfile.mkdtemp(prefix="isf-bench-"))
    try:
        sweep_s = _timed(["-m", *grid_keys(), f"runs={runs_per_job}", "uncertainty=fixed", "hydra.sweep.dir=grid"], out)
        one_s = _timed([f"runs={total}", "uncertainty=fixed", "workers=1", "hydra.run.dir=one"], out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return sweep_s, one_s, total


def print_grid() -> None:
    sweep_s, one_s, total = grid()
    record("grid_sweep", total / sweep_s)
    record("grid_one", total / one_s)
    print(f"  grid of 36 jobs x {total // 36} runs (isf-sim -m)     : {total / sweep_s:6.0f} runs/s  ({sweep_s:.1f} s)")
    print(f"  the same {total:,} runs as one job, 1 core    : {total / one_s:6.0f} runs/s  ({one_s:.1f} s)")
    print(f"  grid / one job                             : {one_s / sweep_s:6.2f}x (target >= 0.7x)")


_PEAK = """
import resource, sys
from sim.cli import main
sys.argv = ["isf-sim", *sys.argv[1:]]
try:
    main()
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"PEAK {own} {workers}", file=sys.stderr)
"""


def peak_memory(runs: int, per_job: int = 1000) -> tuple[float, float, float]:
    """(MB of the isf-sim process, MB of its largest worker, seconds) for a sweep of `runs` runs."""
    out = Path(tempfile.mkdtemp(prefix="isf-bench-"))
    try:
        cmd = [
            sys.executable,
            "-c",
            _PEAK,
            *CASE,
            "-m",
            f"seed=range(0,{runs},{per_job})",
            f"runs={per_job}",
            f"hydra.sweep.dir={out / 'sweep'}",
        ]
        t = time.perf_counter()
        proc = subprocess.run(cmd, check=True, cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
    finally:
        shutil.rmtree(out, ignore_errors=True)
    own, workers = (int(x) for x in proc.stderr.rsplit("PEAK ", 1)[1].split())
    return own / 1024, workers / 1024, wall


def batch_run(params: ModelParams, runs: int, processes: int, collect: str = "outcome") -> tuple[float, list[dict]]:
    """Runs per second of ``mesa.batch_run`` driving the public adapter (:class:`sim.batch.BatchModel`)
    on ``params``: ``collect="outcome"`` collects the run's row once, after the last week (the least
    work batch_run allows: like for like); ``"weekly"`` the model's DataCollector every week."""
    t = time.perf_counter()
    rows = mesa.batch_run(
        BatchModel,
        parameters={"params": params, "collect": collect},
        number_processes=processes,
        data_collection_period=-1,
        max_steps=params.horizon_weeks,
        display_progress=False,
        rng=list(range(runs)),
    )
    return runs / (time.perf_counter() - t), rows


TOOLS = ("isf-sim", "isf-report", "isf-app", "isf-play")


def startup(repeats: int | None = None) -> dict[tuple[str, str], float]:
    """Median wall seconds of each command's ``--help`` and ``--version`` (a whole process)."""
    import statistics

    repeats = repeats or SIZES["repeats"]
    bin_dir = Path(sys.executable).parent
    out = {}
    for tool in TOOLS:
        exe = shutil.which(tool, path=str(bin_dir)) or shutil.which(tool)
        if exe is None:
            continue
        for flag in ("--help", "--version"):
            times = []
            for _ in range(repeats + 1):  # the first run warms the file cache; not counted
                t = time.perf_counter()
                subprocess.run([exe, flag], check=True, stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - t)
            out[tool, flag] = statistics.median(times[1:])
    return out


def print_startup() -> None:
    for (tool, flag), secs in startup().items():
        record(f"startup.{tool}.{flag.strip('-')}", secs)
        print(f"  {tool + ' ' + flag:<30}: {secs:6.3f} s (median of {SIZES['repeats']}, whole process)")


def print_weekly(params: ModelParams, runs: int | None = None) -> None:
    runs = runs or SIZES["weekly"]
    ratio = weekly_cost(params, runs)
    print(f"  weekly=true / without, {runs:,} runs, 1 core  : {ratio:6.2f}x the time (the bound is 1.25x)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m sim.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40000, help="runs of the sweep (default 40000)")
    ap.add_argument("--jobs", type=int, default=8, help="jobs the sweep splits them into (default 8)")
    ap.add_argument(
        "--rate-runs",
        type=int,
        default=10000,
        help="runs timing the bare loop and batch_run (default 10000, at most --runs)",
    )
    ap.add_argument("--case", help="the case: a shipped case's name or a case folder (default: the default case)")
    ap.add_argument("--grid", action="store_true", help="only the grid of small jobs (about 15 s)")
    ap.add_argument("--weekly", action="store_true", help="only the weekly table's cost (about 20 s)")
    ap.add_argument("--startup", action="store_true", help="only the commands' --help and --version (a few s)")
    ap.add_argument("--record", default=str(BENCH), help="the file recording each figure (default results/bench.json)")
    ap.add_argument(
        "--memory", action="store_true", help="peak memory of sweeps of 1,000 and 100,000 runs (takes a few minutes)"
    )
    ap.add_argument("--targets", action="store_true", help="only the bare loop and the speed targets (about 2 min)")
    ap.add_argument("--no-targets", action="store_true", help="leave the speed targets out")
    ap.add_argument("--big", type=int, default=100_000, help="runs of the large sampled job of the targets")
    ap.add_argument(
        "--smoke", action="store_true", help="every part at a tiny size, recorded nowhere: checks that the bench runs"
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    args = ap.parse_args([f"--case={a.split('=', 1)[1]}" if a.startswith("case=") else a for a in argv])
    conf_dir = case_dir(args.case)  # a ConfigError names the cases if there is none such
    CASE[:] = [f"case={conf_dir}"] if args.case else []
    RECORD[:] = [Path(args.record)] if args.record and not args.case and not args.smoke else []
    if args.smoke:  # tiny sizes: the figures mean nothing, the commands all run
        SIZES.update(job=100, workers=100, small=100, weekly=40, grid=2, repeats=1)
        args.big, args.runs, args.jobs, args.rate_runs = 200, min(args.runs, 60), min(args.jobs, 2), 40
    if args.jobs < 1 or args.runs < args.jobs:
        ap.error("--runs must be at least --jobs, and --jobs at least 1")
    if args.grid:
        print_grid()
        return
    if args.startup:
        print_startup()
        return
    m = max(1, min(args.rate_runs, args.runs))
    params, _, _ = load(["uncertainty=fixed"], conf_dir)
    if args.weekly:
        print_weekly(params)
        return
    n = cores()
    print(
        f"isf-sim bench: baseline runs of {params.horizon_weeks} weeks, {n} cores; "
        f"sweeps of {args.runs:,} runs in {args.jobs} jobs, rates of the others on {m:,} runs"
    )

    bare_loop(params, 50)  # warm-up (imports, caches)
    bare = bare_loop(params, m)
    record("bare_loop", bare)
    print(f"  bare model loop, 1 core                    : {bare:6.0f} runs/s  ({1000 / bare:.2f} ms a run; "
          "target >= 800)")  # fmt: skip
    if args.targets or not args.no_targets:
        from sim.tools.bench_targets import Bench, print_targets

        print_targets(Bench(CASE, SIZES, record, _PEAK), params, bare, args.big)
        if args.targets:
            return
    rule = params.mechanisms.pressure.rule  # fixed: the sweeps run what the bare loop runs
    rate, rows = sweep(args.runs, args.jobs, rule=rule)
    assert rows == args.runs // args.jobs * args.jobs, rows
    record("sweep_fixed", rate)
    print(
        f"  isf-sim -m, {n} cores, uncertainty=fixed     : {rate:6.0f} runs/s  "
        f"{rate / bare:4.2f}x the bare loop (harness {1 - rate / (bare * n):.0%} of {n} x bare; the rule fixed)"
    )
    srate, _ = sweep(args.runs, args.jobs, "sample", rule=rule)
    record("sweep_sample", srate)
    print(f"  isf-sim -m, {n} cores, uncertainty=sample    : {srate:6.0f} runs/s  {srate / bare:4.2f}x the bare loop")
    others = rules.others(params)
    drate, _ = sweep(args.runs, args.jobs, "sample")
    record("sweep_default", drate)
    print(
        f"  isf-sim -m, {n} cores, the default          : {drate:6.0f} runs/s  sampled, each seed again under "
        f"{', '.join(others) or 'no other rule'} (the rule range): {drate * (1 + len(others)):.0f} model runs/s"
    )
    lean, brows = batch_run(params, m, n)
    assert len(brows) == m
    record("batch_lean", lean)
    print(f"  mesa.batch_run, {n} processes, outcome once  : {lean:6.0f} runs/s  {lean / bare:4.2f}x the bare loop")
    weekly, _ = batch_run(params, m, n, "weekly")
    record("batch_weekly", weekly)
    print(f"  mesa.batch_run, {n} processes, every week    : {weekly:6.0f} runs/s  {weekly / bare:4.2f}x the bare loop")
    print(
        f"  isf-sim sweep (fixed) / batch_run          : {rate / lean:6.2f}x (outcome once), "
        f"{rate / weekly:.2f}x (every week)"
    )
    print(
        f"  100,000 runs at the sweep's rate           : {100_000 / rate / 60:6.1f} min fixed, "
        f"{100_000 / srate / 60:.1f} min sampled, {100_000 / drate / 60:.1f} min the default"
    )
    print_weekly(params)
    print_grid()
    print_startup()
    if args.memory:
        for total in (1_000, 100_000):
            own, worker, wall = peak_memory(total)
            record(f"memory.{total}.main", own)
            record(f"memory.{total}.worker", worker)
            print(
                f"  peak memory, sweep of {total:>7,} runs  : isf-sim {own:5.0f} MB, largest worker "
                f"{worker:4.0f} MB ({wall:.0f} s)"
            )


if __name__ == "__main__":
    main()
