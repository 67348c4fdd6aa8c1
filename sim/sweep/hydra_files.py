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

import functools
from pathlib import Path
from typing import Any

HYDRA_DIR = ".hydra"


def _yaml(container: Any) -> str:
    """``OmegaConf.to_yaml`` of a plain container: its dumper's options and string representer,
    on libyaml's emitter when PyYAML has it (Hydra's copies of a job's config are ~40 KB of YAML;
    OmegaConf's pure-Python emitter took a few tenths of a second of every job)."""
    import yaml

    return yaml.dump(container, default_flow_style=False, allow_unicode=True, sort_keys=False, Dumper=_dumper())


@functools.cache
def _dumper() -> type:
    """OmegaConf's YAML dumper (``omegaconf._utils.get_omega_conf_dumper``), built on libyaml's
    ``CDumper`` when PyYAML has it: the same representers, so the same text (tested)."""
    import yaml
    from omegaconf._utils import get_omega_conf_dumper

    own = get_omega_conf_dumper()
    base = getattr(yaml, "CDumper", None)
    if base is None:  # pragma: no cover - PyYAML without libyaml
        return own
    fast = type("OmegaConfCDumper", (base,), {})
    fast.yaml_representers = dict(own.yaml_representers)
    fast.yaml_multi_representers = dict(own.yaml_multi_representers)
    return fast


def texts(config: Any) -> dict[str, str]:
    """The three files' texts for a job's config (its ``hydra`` node included), as Hydra writes them
    (``OmegaConf.to_yaml`` of the config without its ``hydra`` node, of the ``hydra`` node, and of
    the command line's overrides), from one conversion of the config to plain containers."""
    from omegaconf import OmegaConf

    whole = OmegaConf.to_container(config, resolve=False, enum_to_str=True)
    hydra = whole.pop("hydra")
    return {
        "config.yaml": _yaml(whole),
        "hydra.yaml": _yaml({"hydra": hydra}),
        "overrides.yaml": _yaml(hydra["overrides"]["task"]),
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
