"""Hydra's run mode, told instead of composed (the one place isf-sim changes Hydra's behaviour).

Hydra 1.3's ``_run_hydra`` calls ``Hydra.get_mode``, which composes the whole config one more
time only to read ``hydra.mode``: about half a second of every ``isf-sim`` command. Unless the
command line or the case's ``config.yaml`` sets ``hydra.mode``, that value is None, and Hydra then
runs one job, or a sweep with ``-m``. :func:`mode_from_command` gives that None without
composing. Hydra is pinned to 1.3 (pyproject.toml); like the sweeper beside it, this module
is where the project meets Hydra's internals.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def mode_from_command(overrides: Iterable[str], conf_dir: Path | str) -> None:
    """Skip Hydra's composition for ``hydra.mode`` when neither the command line nor the case's
    config.yaml sets it."""
    if any(o.lstrip("+~").startswith("hydra.mode") for o in overrides):
        return
    try:
        if "mode:" in (Path(conf_dir) / "config.yaml").read_text(encoding="utf-8"):
            return
    except OSError:
        return
    from hydra._internal.hydra import Hydra

    Hydra.get_mode = lambda self, config_name, overrides: None  # type: ignore[method-assign]
