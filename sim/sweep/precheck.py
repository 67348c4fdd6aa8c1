"""What ``isf-sim`` checks of its command line before anything is written (:mod:`sim.cli`).

A sweep's jobs are composed and checked here, all of them, before Hydra starts the sweep
(:func:`check`). A single job is checked in two parts around Hydra's own composition of its
config, which it needs anyway to run: what needs no config before Hydra starts
(:func:`before_hydra`), and the composed config as soon as Hydra has it, before Hydra writes
anything (:func:`check_composed`; ``hydra_plugins/isf_sim/mode.py`` hands it over). A command
composed once instead of twice: ~1 s less for every single job. When Hydra cannot compose the
config, :func:`check` runs in full, so a bad command line gets the same one line as before.
"""

from __future__ import annotations

from pathlib import Path

from sim.config import compose
from sim.config.compose import after_compose, before_compose, experiments_dir, register_experiments
from sim.config.files import check_tree, read_yaml
from sim.config.hydra_settings import check_hydra, check_writable
from sim.sweep.plan import check_config, check_jobs, expand, group_options, is_group


def _is_hydra(override: str) -> bool:
    return override.lstrip("+~").startswith("hydra")


def experiment_sweeps(overrides: list[str], conf_dir: Path) -> list[str]:
    """The ``hydra.sweeper.params`` of an experiment chosen with ``+experiment=NAME`` as
    ``key=values`` (they come before the command line's overrides, as in Hydra's sweeper)."""
    folder = experiments_dir(conf_dir)
    out: list[str] = []
    for o in overrides:
        key, _, name = o.partition("=")
        if key.lstrip("+~") == "experiment" and (folder / f"{name}.yaml").is_file():
            data = read_yaml(folder / f"{name}.yaml")[1]
            params = ((data.get("hydra") or {}).get("sweeper") or {}).get("params") or {}
            out += [f"{k}={v}" for k, v in params.items()]
    return out


def _files_and_folders(overrides: list[str], conf_dir: Path, multirun: bool) -> None:
    """The case's files, the result folder, and (one job) the Hydra settings asked for."""
    check_tree(conf_dir, experiments_dir(conf_dir))
    register_experiments(experiments_dir(conf_dir))
    if not any(o.split("=", 1)[0].lstrip("+~") in ("hydra.run.dir", "hydra.sweep.dir") for o in overrides):
        check_writable("results", "results")  # the default folder: ./results/...
    if not multirun:
        check_hydra(overrides, conf_dir)


def check(overrides: list[str], conf_dir: Path, multirun: bool) -> int:
    """Compose and validate what the command line asks for, before anything is written.

    Returns the number of runs asked for (all jobs of a sweep).
    """
    _files_and_folders(overrides, conf_dir, multirun)
    model = [o for o in overrides if not _is_hydra(o)]
    hydra = [o for o in overrides if _is_hydra(o)]
    if not multirun:
        return check_config(model, compose(model, conf_dir))
    jobs = expand(experiment_sweeps(model, conf_dir) + model, options=group_options(conf_dir))
    for groups in dict.fromkeys(tuple(o for o in job if is_group(o)) for job in jobs):
        check_hydra([*groups, *hydra], conf_dir)
    return check_jobs(jobs, lambda job: compose(job, conf_dir))


def composed_by_hydra(overrides: list[str], multirun: bool) -> bool:
    """Whether Hydra's composition of the job can stand for the check's: a single job whose
    overrides add or delete no key (those are checked against the config without them)."""
    return not multirun and not any(o.startswith(("+", "~")) for o in overrides if not _is_hydra(o))


def before_hydra(overrides: list[str], conf_dir: Path) -> None:
    """A single job's checks that need no composed config (the rest: :func:`check_composed`)."""
    _files_and_folders(overrides, conf_dir, multirun=False)
    before_compose(overrides, conf_dir)


def check_composed(raw: dict, overrides: list[str], conf_dir: Path) -> int:
    """A single job's config as Hydra composed it (``raw``: without its ``hydra`` node), checked
    as :func:`check` checks its own composition; returns the runs it asks for."""
    model = [o for o in overrides if not _is_hydra(o)]
    return check_config(model, after_compose(raw, model, conf_dir))
