"""Hydra's basic sweeper, with a cheaper check of the jobs before the launch.

The basic sweeper composes every job's config once to check it (``validate_batch_is_legal``)
and the launcher composes it again to run it; with isf-sim's ~30 config files each composition
costs ~0.3 s, so a 100-job sweep spent half a minute checking. This sweeper checks a batch as
``isf-sim``'s command-line check does (:func:`sim.sweep.plan.check_jobs`): it composes once per choice
of config groups and applies each job's ``key=value`` overrides to a copy. Everything else —
the expansion of ``range()``, lists and ``glob()``, ``hydra.sweeper.params``, batches — is the
basic sweeper's own. When ``isf-sim`` has already checked every job from the command line, it
says so in this sweeper's config (``hydra.sweeper.prechecked=true``) and the check is skipped.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from omegaconf import OmegaConf


class Sweeper(BasicSweeper):
    def __init__(self, max_batch_size: int | None, params: dict | None = None, prechecked: bool = False) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.prechecked = prechecked

    def sweep(self, arguments: list[str]) -> Any:
        """The basic sweeper's sweep; a file-system error it meets itself (writing ``multirun.yaml``
        into a full or read-only folder) is the project's one line and exit code 2, not Hydra's
        traceback (a job's own faults are reported by the job: :func:`sim.sweep.job.fail`)."""
        try:
            return super().sweep(arguments)
        except OSError as exc:
            from pathlib import Path

            from sim.sweep.job import fault_line

            assert self.config is not None
            print(
                f"isf-sim: error: {fault_line(exc, Path(str(self.config.hydra.sweep.dir)), resume=True)}",
                file=sys.stderr,
            )
            sys.exit(2)

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        from sim.sweep.plan import check_jobs

        if self.prechecked:
            return

        loader = self.hydra_context.config_loader if getattr(self, "hydra_context", None) else self.config_loader
        assert loader is not None and self.config is not None

        def compose_job(job: list[str]) -> dict:
            cfg = loader.load_sweep_config(master_config=self.config, sweep_overrides=job)
            out = {}
            for key in cfg:
                if key != "hydra":
                    value = cfg[key]
                    out[key] = OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
            return out

        check_jobs(batch, compose_job)
