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
from typing import Callable, Sequence

import hydra
import yaml
from omegaconf import DictConfig, OmegaConf

from sim import sensitivity, summary, sweep
from sim.config import CONF_DIR, check_override_keys, compose, lever_keys, override_keys, scenarios
from sim.params import ConfigError, build, parameter_meta
from sim.results import command, git_state, versions, write_job
from sim.run import Job, Pending, auto_workers, simulate, warm_up

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


GROUPS = ("scenario", "experiment", "actors")   # config groups an override can choose from


def _is_group(override: str) -> bool:
    key = override.split("=", 1)[0]
    return key.startswith(("+", "~")) or "/" in key or key in GROUPS


def _set_path(raw: dict, key: str, value) -> None:
    *parents, leaf = key.split(".")
    node = raw
    for k in parents:
        node = node.setdefault(k, {})
    node[leaf] = value


def _check(overrides: list[str], raw: dict) -> int:
    """Validate one job's config; return its number of runs."""
    return build(sensitivity.split_design(raw)[1], override_keys(overrides))[1].runs


CHECKED: set[tuple[str, ...]] = set()    # jobs this process has validated (the sweeper skips them)


def job_id(job: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(o for o in job if not o.lstrip("+~").startswith("hydra")))


def check_jobs(jobs: Sequence[Sequence[str]], compose_job: Callable[[list[str]], dict]) -> int:
    """Validate a sweep's jobs; return their total number of runs.

    Composing a job costs ~0.3 s (Hydra reads and merges ~30 YAML files), so the config is
    composed once per distinct choice of config groups (``scenario=``, ``+experiment=``) and each
    job's plain ``key=value`` overrides are applied to a copy of it, typed by Hydra's parser.
    """
    import copy

    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    composed: dict[tuple, dict] = {}
    total = 0
    for full in jobs:
        job = [o for o in full if not o.lstrip("+~").startswith(("hydra", "design."))]   # jobs check design.*
        CHECKED.add(job_id(full))
        groups = tuple(o for o in job if _is_group(o))
        values = [o for o in job if not _is_group(o)]
        if groups not in composed:      # the first job of each group choice: composed in full
            composed[groups] = compose_job(list(full))
            total += _check(job, composed[groups])
            continue
        check_override_keys(values, composed[groups])
        raw = copy.deepcopy(composed[groups])
        try:
            for o in parser.parse_overrides(values):
                _set_path(raw, o.key_or_group, o.value())
        except Exception as exc:  # noqa: BLE001 - a malformed value: one line
            raise ConfigError(str(exc).strip().splitlines()[0]) from None
        total += _check(job, raw)
    return total


def precheck(argv: list[str]) -> int:
    """Compose and validate what the command line asks for, before anything is written.

    Returns the number of runs asked for (all jobs of a sweep).
    """
    overrides = [a for a in argv if not a.startswith("-")]
    multirun = any(a in ("-m", "--multirun") for a in argv)
    conf_dir = CONF_DIR
    for i, a in enumerate(argv):
        if a.startswith("--config-path=") or a.startswith("-cp="):
            conf_dir = Path(a.split("=", 1)[1])
        elif a in ("--config-path", "-cp") and i + 1 < len(argv):
            conf_dir = Path(argv[i + 1])
            overrides = [o for o in overrides if o != argv[i + 1]]
    overrides = [o for o in overrides if not o.lstrip("+~").startswith("design.")]
    if not multirun:
        return _check(overrides, compose(overrides, conf_dir))
    return check_jobs(_jobs(overrides), lambda job: compose(job, conf_dir))


def _jobs(overrides: list[str]) -> list[list[str]]:
    """A sweep's jobs, each a list of overrides, as Hydra's basic sweeper expands them."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(str(exc).strip().splitlines()[0]) from None
    return [job for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def main() -> None:
    """Console entry point: check the command line, then run Hydra."""
    _quiet()
    argv = sys.argv[1:]
    if any(a in HELP_FLAGS for a in argv):
        print(help_text())
        return
    if not any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in argv):
        pool = not any(a.startswith(("hydra/launcher=", "hydra.launcher", "workers=")) for a in argv)
        workers = auto_workers(_runs_asked(argv)) if pool else 1
        warm = workers > 1
        if warm:
            warm_up(workers)   # the workers import the model while the configs compose
        try:
            runs = precheck(argv)
        except ConfigError as exc:
            fail(str(exc))
        if pool and not warm and auto_workers(runs) > 1:
            warm_up(auto_workers(runs))
    hydra_main()


def _runs_asked(argv: list[str]) -> int:
    """A quick estimate of the runs the command asks for (before the full check)."""
    overrides = [a for a in argv if not a.startswith("-") and not a.startswith(("hydra.", "hydra/"))]
    try:
        jobs = _jobs(overrides) if any(a in ("-m", "--multirun") for a in argv) else [overrides]
    except ConfigError:   # the full check reports it
        return 0
    total = 0
    for job in jobs:
        runs = [o.split("=", 1)[1] for o in job if o.startswith("runs=")]
        try:
            total += int(runs[-1]) if runs else 300
        except ValueError:
            return 0
    return total


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    _quiet()
    from hydra.types import RunMode

    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    task_overrides = list(hc.overrides.task)
    try:
        run_job(cfg, out, task_overrides, in_sweep=hc.mode == RunMode.MULTIRUN,
                launcher=str(hc.launcher.get("_target_", "")))
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


def run_job(cfg: DictConfig, out: Path, task_overrides: list[str], in_sweep: bool = False,
            launcher: str = "") -> None:
    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    design, model_raw = sensitivity.split_design(raw)
    params, settings = build(model_raw, override_keys(task_overrides))
    meta = parameter_meta(model_raw)
    fixed = lever_keys(model_raw) | override_keys(task_overrides)
    job = Job(params=params, seed=settings.seed, runs=settings.runs, uncertainty=settings.uncertainty,
              meta=meta, fixed=frozenset(fixed), trace=settings.trace)
    workers = settings.workers or sweep.workers_for(settings.runs, auto_workers, launcher)
    config_yaml = yaml.dump(raw, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                            allow_unicode=True)
    key = sweep.job_key(config_yaml)
    if in_sweep:   # resume: a finished job of the same config is kept, not re-run
        if sweep.finished(out, key):
            return
        sweep.clean_partial(out)

    explicit = {"scenario": settings.scenario, "seed": settings.seed, "runs": settings.runs,
                "horizon_weeks": settings.horizon_weeks, "uncertainty": settings.uncertainty}
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
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command(task_overrides, explicit),
        "rerun_row": command(task_overrides, {**explicit, "runs": 1, "seed": "SEED"}).replace("SEED", "{seed}"),
        "git": git_state(Path(__file__).resolve().parent.parent),
        "versions": versions(),
        "overrides": task_overrides,
        "config_sha256": key,
    }
    t0 = time.perf_counter()

    def finish(results) -> float:
        wall = time.perf_counter() - t0
        write_job(out, results, config_yaml, {**manifest, "wall_time_s": round(wall, 3)})
        return wall

    progress = sweep.progress_hook(str(out))
    if design is not None:
        from sim.run import Results

        finish(Results(sensitivity.run_block(design, params, meta, frozenset(fixed), settings.seed,
                                             settings.runs, workers, progress)))
    elif progress is not None and workers > 1 and not job.trace:
        # an in-process sweep: submit the runs and move on; the sweep's writer thread finishes
        pending = Pending(job, workers, progress)
        sweep.defer(out, lambda: finish(pending.result()))
    elif progress is not None:
        finish(simulate(job, workers=workers, progress=progress))
    else:
        results = _simulate_with_progress(job, workers)
        wall = finish(results)
        if not in_sweep:   # a sweep prints one progress bar and one summary, not a table per job
            report(results, settings, out, wall, workers)


def _simulate_with_progress(job: Job, workers: int):
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
