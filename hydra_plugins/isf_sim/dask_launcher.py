"""Hydra launcher plugin: a sweep's jobs as tasks on a Dask distributed cluster.

The engine is Dask's (scheduler, workers, task placement, retries of lost workers); this module
is only the glue Hydra needs, written after Hydra's own joblib launcher
(``hydra_plugins/hydra_joblib_launcher/_core.py``): each job composes its config on the worker
and runs the task function through Hydra's ``run_job``, so every job writes the same folder it
would write on this machine.

    isf-sim -m hydra/launcher=dask hydra.launcher.address=tcp://HEAD:8786 seed=range(0,100000,1000) runs=1000

``address: null`` starts a ``LocalCluster`` on 127.0.0.1 for the sweep and stops it at the end.
Workers must see the sweep folder at the same absolute path (a shared file system, as for SLURM)
and have isf-sim installed in the same version.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, configure_log, filter_overrides, run_job, setup_globals
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, open_dict

log = logging.getLogger(__name__)


def execute_job(
    idx: int,
    overrides: Sequence[str],
    hydra_context: HydraContext,
    config: DictConfig,
    task_function: TaskFunction,
    singleton_state: dict[Any, Any],
    sweep_dir: str,
) -> JobReturn:
    """Runs on a Dask worker: compose this job's config and run it (as Hydra's joblib launcher does)."""
    setup_globals()
    Singleton.set_state(singleton_state)
    sweep_config = hydra_context.config_loader.load_sweep_config(config, list(overrides))
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
        sweep_config.hydra.job.num = idx
        # the worker's working directory may be anywhere: write to the sweep folder by its
        # absolute path, as resolved where the sweep was started
        sweep_config.hydra.sweep.dir = sweep_dir
    HydraConfig.instance().set_config(sweep_config)
    return run_job(
        hydra_context=hydra_context,
        config=sweep_config,
        task_function=task_function,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


class DaskLauncher(Launcher):
    def __init__(
        self, address: str | None = None, n_workers: int | None = None, threads_per_worker: int = 1, **_: Any
    ) -> None:
        self.address = address
        self.n_workers = n_workers
        self.threads_per_worker = threads_per_worker
        self.config: DictConfig | None = None
        self.task_function: TaskFunction | None = None
        self.hydra_context: HydraContext | None = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        self.config = config
        self.hydra_context = hydra_context
        self.task_function = task_function

    @contextlib.contextmanager
    def _client(self):
        from distributed import Client, LocalCluster

        if self.address:
            with Client(self.address) as client:
                yield client
            return
        with (
            LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=self.threads_per_worker,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        setup_globals()
        assert self.config is not None and self.task_function is not None and self.hydra_context is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir)).absolute()
        sweep_dir.mkdir(parents=True, exist_ok=True)
        log.info(
            "Dask launcher: %d jobs on %s, sweep output dir: %s",
            len(job_overrides),
            self.address or "a local cluster on 127.0.0.1",
            sweep_dir,
        )
        for idx, overrides in enumerate(job_overrides):
            log.info("\t#%d : %s", initial_job_idx + idx, " ".join(filter_overrides(overrides)))
        singleton_state = Singleton.get_state()
        batch = uuid.uuid4().hex[:8]
        with self._client() as client:
            futures = [
                client.submit(
                    execute_job,
                    initial_job_idx + idx,
                    list(overrides),
                    self.hydra_context,
                    self.config,
                    self.task_function,
                    singleton_state,
                    str(sweep_dir),
                    key=f"isf-sim-job-{initial_job_idx + idx}-{batch}",
                    pure=False,
                )
                for idx, overrides in enumerate(job_overrides)
            ]
            runs: list[JobReturn] = client.gather(futures)
        for run in runs:
            assert isinstance(run, JobReturn)
        return runs
