"""Hydra's copies of a job's config (``.hydra/config.yaml``, ``hydra.yaml``, ``overrides.yaml``),
written by isf-sim instead of by Hydra.

Hydra writes them in ``run_job`` before the job starts, with ``open(..., "w")``: through a
symbolic link planted there, and, when the folder is full or read-only at that moment, with a
traceback that no callback can turn into a line (Hydra's ``run_and_report`` prints it and exits
1). So ``conf/settings.yaml`` sets ``hydra.output_subdir: null`` (Hydra writes nothing) and the
sweep callback's ``on_job_start`` calls :func:`write`, which writes the same three files the way
isf-sim writes every file (a new temporary file, never through a link, renamed into place) and
turns a failure into the project's one line, exit code 2, with the job's folder cleaned up as
for any other fault (:func:`sim.sweep.job.fail`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HYDRA_DIR = ".hydra"


def _yaml(node: Any) -> str:
    from omegaconf import OmegaConf

    return OmegaConf.to_yaml(node)


def texts(config: Any) -> dict[str, str]:
    """The three files' texts for a job's config (its ``hydra`` node included), as Hydra writes them."""
    from omegaconf import OmegaConf

    task = {k: config[k] for k in config if k != "hydra"}
    return {
        "config.yaml": _yaml(OmegaConf.create(task)),
        "hydra.yaml": _yaml(OmegaConf.create({"hydra": config.hydra})),
        "overrides.yaml": _yaml(config.hydra.overrides.task),
    }


def save(folder: Path, config: Any) -> None:
    """Write ``folder/.hydra/`` (never through a link; see :mod:`sim.sweep.folders`)."""
    from sim.sweep.folders import atomic_write_bytes

    where = folder / HYDRA_DIR
    where.mkdir(parents=True, exist_ok=True)
    for name, text in texts(config).items():
        atomic_write_bytes(where / name, text.encode("utf-8"))


def write(config: Any) -> None:
    """``.hydra/`` of the job Hydra is starting; a file-system error ends the command in one line."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.sweep.job import fail

    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    try:
        save(out, config)
    except OSError as exc:
        fail(exc, out, in_sweep=hc.mode == RunMode.MULTIRUN)
