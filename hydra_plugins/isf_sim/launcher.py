"""isf-sim's default launcher: a sweep's jobs one after another in this process, composed once
per choice of config groups.

Hydra's basic launcher composes every job's config from ~30 YAML files (~0.2 s a job), saves
three copies of it under ``.hydra/`` and only then calls the task function: for a grid of small
jobs (36 jobs of 40 runs) that harness cost four times the simulation. This launcher composes
the first job of each choice of config groups (``scenario=``, ``+experiment=``) through Hydra's
config loader and gives every other job of that choice the same config with its own
``key=value`` overrides applied as values (typed by Hydra's override parser, as
:func:`sim.sweep.plan.check_jobs` does). It then calls :func:`sim.sweep.job.run_job` directly,
which hands the runs to the sweep's warm worker pool and returns (:mod:`sim.sweep.pipeline`).
Each job folder is ``<sweep dir>/<job number>`` with the same ``runs.parquet``, ``config.yaml``
and ``manifest.json`` as under Hydra's basic launcher (tests/sweeps compares them); Hydra's
``.hydra/`` copies and per-job callbacks are not made.

Any other launcher (``hydra/launcher=basic``, ``joblib``, ``dask``, ``submitit_*``) replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn, JobStatus, configure_log, filter_overrides, setup_globals
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

log = logging.getLogger(__name__)


class InProcessLauncher(Launcher):
    def __init__(self, in_process: bool = True, **_: Any) -> None:
        self.config: DictConfig | None = None
        self.hydra_context: HydraContext | None = None
        self.task_function: TaskFunction | None = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        self.config, self.hydra_context, self.task_function = config, hydra_context, task_function

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        from sim.sweep.job import run_or_fail
        from sim.sweep.plan import apply_values, split_job

        setup_globals()
        assert self.config is not None and self.hydra_context is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        launcher = OmegaConf.to_container(self.config.hydra.launcher, resolve=False)
        composed: dict[tuple[str, ...], dict] = {}
        returns = []
        for idx, overrides in enumerate(job_overrides):
            num = initial_job_idx + idx
            log.info("\t#%d : %s", num, " ".join(filter_overrides(overrides)))
            groups, values = split_job(overrides)
            if groups not in composed:
                cfg = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
                with read_write(cfg), open_dict(cfg):
                    del cfg["hydra"]  # as Hydra hands a job its config (the job's hydra node stays unresolved)
                raw = composed[groups] = OmegaConf.to_container(cfg, resolve=True)
            else:
                raw = apply_values(composed[groups], values)
            out = sweep_dir / str(num)
            task = [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
            run_or_fail(raw, out, task, in_sweep=True, launcher=launcher)
            returns.append(
                JobReturn(
                    overrides=list(overrides),
                    working_dir=str(Path.cwd()),
                    task_name="isf-sim",
                    status=JobStatus.COMPLETED,
                )
            )
        return returns
