"""The `isf-sim` command: the only ``@hydra.main``.

``main()`` checks the command line first (unknown keys, wrong types, out-of-range values,
unknown actor ids or scenarios, malformed YAML: one line, exit code 2, nothing written), then
hands over to Hydra, whose task function converts the config to typed parameters and calls
plain functions (:func:`sim.sweep.job.run_job`).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.config import CONF_DIR, compose, scenarios
from sim.config.compose import register_experiments
from sim.model.params import ConfigError
from sim.sweep.folders import folder_label, link_latest
from sim.sweep.job import run_or_fail
from sim.sweep.plan import check_config, check_jobs, expand

PROG = "isf-sim"
HELP_FLAGS = ("--help", "-h")
HYDRA_INFO_FLAGS = (
    "--hydra-help",
    "--info",
    "-i",
    "--cfg",
    "-c",
    "--resolve",
    "--package",
    "-p",
    "--shell-completion",
    "-sc",
    "--version",
)


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
        "  csv=true                also write runs.csv beside runs.parquet",
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
        "results go to results/<scenario>/<overrides>/<time>/ (runs.parquet, config.yaml, manifest.json),",
        "with a latest link beside the newest.",
        f"Hydra's own help: {PROG} --hydra-help",
    ]
    return "\n".join(lines)


PRECHECKED = "hydra.sweeper.prechecked=true"  # tells the isf sweeper the jobs were checked here


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
        return check_config(overrides, compose(overrides, conf_dir))
    jobs = expand([o for o in overrides if not o.lstrip("+~").startswith("hydra")])
    return check_jobs(jobs, lambda job: compose(job, conf_dir))


def main() -> None:
    """Console entry point: check the command line, then run Hydra."""
    _quiet()
    argv = sys.argv[1:]
    if any(a in HELP_FLAGS for a in argv):
        print(help_text())
        return
    register_experiments()
    if not any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in argv):
        try:
            precheck(argv)
        except ConfigError as exc:
            fail(str(exc))
        if any(a in ("-m", "--multirun") for a in argv) and not any(a.startswith("hydra/sweeper=") for a in argv):
            sys.argv.append(PRECHECKED)  # the isf sweeper need not check the jobs again
    hydra_main()


def _label(overrides) -> str:
    """``${isf_label:...}`` in hydra.run.dir: the folder level named by the job's overrides."""
    label = folder_label([str(o) for o in overrides])
    return f"{label}/" if label else ""


OmegaConf.register_new_resolver("isf_label", _label, replace=True)


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    _quiet()
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    done = run_or_fail(
        raw,
        out,
        list(hc.overrides.task),
        in_sweep=hc.mode == RunMode.MULTIRUN,
        launcher=OmegaConf.to_container(hc.launcher, resolve=False),
    )
    if done is not None:
        from sim.report.table import print_job

        if not any(o.startswith("hydra.run.dir=") for o in hc.overrides.hydra):
            link_latest(out)  # results/<scenario>/<label>/latest -> this run
        print_job(done.results, done.settings, done.folder, done.wall, done.workers)
