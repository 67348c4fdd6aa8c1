"""The `isf-sim` command: the only ``@hydra.main``.

``main()`` checks the command line first (unknown keys, wrong types, out-of-range values,
unknown actor ids or scenarios, malformed YAML: one line, exit code 2, nothing written), then
hands over to Hydra, whose task function converts the config to typed parameters and calls
plain functions (:mod:`sim.run`, :mod:`sim.results`, :mod:`sim.summary`).
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim import sensitivity, summary, sweep
from sim.config import CONF_DIR, compose, lever_keys, override_keys, scenarios
from sim.params import ConfigError, build, parameter_meta
from sim.results import command, git_state, versions, write_job
from sim.run import Job, auto_workers, simulate

PROG = "isf-sim"
HELP_FLAGS = ("--help", "-h")
HYDRA_INFO_FLAGS = ("--hydra-help", "--info", "-i", "--cfg", "-c", "--resolve", "--package", "-p",
                    "--shell-completion", "-sc", "--version")


def _quiet() -> None:
    for name in ("MESA", "mesa"):
        logging.getLogger(name).setLevel(logging.WARNING)


def fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(2)


def help_text() -> str:
    lines = [
        f"{PROG} — scenario simulation of the negotiations over the ISF in Gaza (Nov 2025)",
        "",
        f"usage: {PROG} [key=value ...]            one job: a scenario run `runs` times",
        f"       {PROG} -m key=a,b [key=value ...]  a sweep (Hydra multirun)",
        "",
        "scenarios (scenario=NAME):",
    ]
    names = scenarios()
    width = max(len(n) for n in names)
    lines += [f"  {n:<{width}}  {s}" for n, s in names.items()]
    lines += [
        "",
        "settings:",
        "  runs=N                  Monte Carlo replicates (default 300)",
        "  seed=S                  first run's seed; run i uses S+i (default 0)",
        "  horizon_weeks=W         weeks to simulate (default 52; week 0 = 7 Nov 2025)",
        "  uncertainty=sample|fixed  draw each run's parameters from their ranges (default) or not",
        "  trace=true              tell the story of each run week by week (use with runs=1)",
        "  workers=auto|N          processes (auto: both cores when runs >= 400)",
        "  actors.ID.KEY=V         any actor parameter, e.g. actors.ISR.resolve=0.4,",
        "                          actors.USA.pressure.ISR=0.9 (ids: conf/actors/*.yaml)",
        "  mechanisms.NAME.enabled=false  switch off pressure, vetoes, commitments,",
        "                          council, ground or sequencing",
        "",
        "examples:",
        f"  {PROG}                                  the baseline, 300 runs",
        f"  {PROG} scenario=us_presses_israel runs=1000 seed=7",
        f"  {PROG} trace=true runs=1 seed=3",
        f"  {PROG} -m scenario=baseline,credible_amnesty",
        "",
        "results go to results/<scenario>/<time>/ (runs.parquet, config.yaml, manifest.json).",
        f"Hydra's own help: {PROG} --hydra-help",
    ]
    return "\n".join(lines)


def precheck(argv: list[str]) -> None:
    """Compose and validate what the command line asks for, before anything is written."""
    overrides = [a for a in argv if not a.startswith("-")]
    multirun = any(a in ("-m", "--multirun") for a in argv)
    conf_dir = CONF_DIR
    for i, a in enumerate(argv):
        if a.startswith("--config-path=") or a.startswith("-cp="):
            conf_dir = Path(a.split("=", 1)[1])
        elif a in ("--config-path", "-cp") and i + 1 < len(argv):
            conf_dir = Path(argv[i + 1])
            overrides = [o for o in overrides if o != argv[i + 1]]
    jobs = [overrides]
    if multirun:
        from hydra.core.override_parser.overrides_parser import OverridesParser
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
        try:
            parsed = OverridesParser.create().parse_overrides(overrides)
        except Exception as exc:  # noqa: BLE001
            raise ConfigError(str(exc).strip().splitlines()[0]) from None
        batches = BasicSweeper.split_arguments(parsed, None)
        jobs = [job for batch in batches for job in batch]
        if len(jobs) > 50:   # composing is ~50 ms a job: check the corners, jobs check the rest
            jobs = jobs[:25] + jobs[-25:]
    for job in jobs:
        job = [o for o in job if not o.lstrip("+~").startswith("design.")]   # the job checks these
        build(sensitivity.split_design(compose(job, conf_dir))[1], override_keys(job))


def main() -> None:
    """Console entry point: check the command line, then run Hydra."""
    _quiet()
    argv = sys.argv[1:]
    if any(a in HELP_FLAGS for a in argv):
        print(help_text())
        return
    if not any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in argv):
        try:
            precheck(argv)
        except ConfigError as exc:
            fail(str(exc))
    hydra_main()


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    _quiet()
    from hydra.types import RunMode

    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    task_overrides = list(hc.overrides.task)
    try:
        run_job(cfg, out, task_overrides, in_sweep=hc.mode == RunMode.MULTIRUN)
    except ConfigError as exc:
        _discard(out)
        fail(str(exc))
    except BaseException:
        _discard(out)
        raise


def _discard(folder: Path) -> None:
    """Remove a job folder that holds no results (nothing half-written stays behind)."""
    if folder.exists() and not (folder / "runs.parquet").exists():
        shutil.rmtree(folder, ignore_errors=True)
        parent = folder.parent
        if parent.exists() and not any(parent.iterdir()):
            parent.rmdir()


def run_job(cfg: DictConfig, out: Path, task_overrides: list[str], in_sweep: bool = False) -> None:
    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    design, model_raw = sensitivity.split_design(raw)
    params, settings = build(model_raw, override_keys(task_overrides))
    meta = parameter_meta(model_raw)
    fixed = lever_keys(model_raw) | override_keys(task_overrides)
    job = Job(params=params, seed=settings.seed, runs=settings.runs, uncertainty=settings.uncertainty,
              meta=meta, fixed=frozenset(fixed), trace=settings.trace)
    workers = settings.workers or sweep.workers_for(settings.runs, auto_workers)
    config_yaml = OmegaConf.to_yaml(OmegaConf.create(raw))
    key = sweep.job_key(config_yaml)
    if in_sweep:   # resume: a finished job of the same config is kept, not re-run
        sweep.job_started()
        done = sweep.finished(out, key)
        sweep.mark_skipped(out, done)
        if done:
            return
        sweep.clean_partial(out)

    t0 = time.perf_counter()
    if design is not None:
        from sim.run import Results

        results = Results(sensitivity.run_block(design, params, meta, frozenset(fixed), settings.seed,
                                                settings.runs, workers, sweep.progress_hook()))
    else:
        results = _simulate_with_progress(job, workers)
    wall = time.perf_counter() - t0

    explicit = {"scenario": settings.scenario, "seed": settings.seed, "runs": settings.runs,
                "horizon_weeks": settings.horizon_weeks, "uncertainty": settings.uncertainty}
    rerun = command(task_overrides, explicit)
    manifest = {
        "kind": "run",
        "scenario": settings.scenario,
        "seed": settings.seed,
        "runs": settings.runs,
        "seeds": {"first": settings.seed, "last": settings.seed + settings.runs - 1,
                  "rule": "run i uses seed + i; the row's seed column re-runs that row alone"},
        "horizon_weeks": settings.horizon_weeks,
        "uncertainty": settings.uncertainty,
        "fixed_parameters": sorted(fixed),
        "trace": settings.trace,
        "workers": workers,
        "wall_time_s": round(wall, 3),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": rerun,
        "rerun_row": command(task_overrides, {**explicit, "runs": 1, "seed": "SEED"}).replace("SEED", "{seed}"),
        "git": git_state(Path(__file__).resolve().parent.parent),
        "versions": versions(),
        "overrides": task_overrides,
        "config_sha256": key,
    }
    write_job(out, results, config_yaml, manifest)
    if not in_sweep:   # a sweep prints one progress bar and one summary, not a table per job
        report(results, settings, out, wall, workers)


def _simulate_with_progress(job: Job, workers: int):
    if sweep.progress_hook() is not None:
        return simulate(job, workers=workers, progress=sweep.progress_hook())
    if job.runs < 2000 or not sys.stderr.isatty():
        return simulate(job, workers=workers)
    from tqdm import tqdm

    with tqdm(total=job.runs, unit="run", desc=PROG, leave=False) as bar:
        return simulate(job, workers=workers, progress=bar.update)


def report(results, settings, out: Path, wall: float, workers: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    runs = results.runs
    if settings.trace:
        console.print(summary.story(results.events, results.timeline), markup=False, soft_wrap=True)
        console.print()
    n = len(runs)
    table = Table(title=f"{settings.scenario}: configurations that emerged in {n:,} runs "
                        f"({settings.horizon_weeks} weeks, uncertainty={settings.uncertainty})")
    table.add_column("configuration (contributors | mandate | legal basis)")
    table.add_column("runs", justify="right")
    table.add_column("P", justify="right")
    table.add_column("95% interval", justify="right")
    for r in summary.configurations(runs).itertuples():
        table.add_row(r.configuration, f"{r.runs:,}", f"{r.p:.3f}", f"{r.low:.3f}–{r.high:.3f}")
    console.print(table)
    for label, p, lo, hi in summary.headline(runs):
        console.print(f"  P({label}) = {p:.3f}  [95%: {lo:.3f}–{hi:.3f}]")
    console.print(f"  median week of deployment: {summary.median_week(runs, 'week_deployed')}; "
                  f"of the Council resolution: {summary.median_week(runs, 'week_authorized')}")
    console.print(f"  {n:,} runs in {wall:.2f} s on {workers} worker(s)")
    console.print(f"results: {out}")
