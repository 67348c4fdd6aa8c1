"""Hydra's run mode, told instead of composed, and a job's composition handed to isf-sim's
checks (the one place isf-sim changes Hydra's behaviour).

Hydra 1.3's ``_run_hydra`` calls ``Hydra.get_mode``, which composes the whole config one more
time only to read ``hydra.mode``: about half a second of every ``isf-sim`` command. Unless the
command line or the case's ``config.yaml`` sets ``hydra.mode``, that value is None, and Hydra then
runs one job, or a sweep with ``-m``. :func:`mode_from_command` gives that None without
composing. Hydra is pinned to 1.3 (pyproject.toml); like the sweeper beside it, this module
is where the project meets Hydra's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


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


def hand_over_composition(check: Callable[[Any], None]) -> Callable[[], None]:
    """Show the job's config to ``check`` as soon as Hydra has composed it, before Hydra writes
    anything; ``check(None)`` if Hydra could not compose it (``check`` then says why in one line,
    or Hydra does). A single job's command line is thus composed once, not once to check it and
    again to run it (:mod:`sim.sweep.precheck`). Only the next composition is shown; the function
    returned undoes this if none came."""
    from hydra._internal.hydra import Hydra

    original = Hydra.compose_config

    def compose_config(self: Any, *args: Any, **kwargs: Any) -> Any:
        Hydra.compose_config = original  # type: ignore[method-assign]
        try:
            cfg = original(self, *args, **kwargs)
        except Exception:
            check(None)
            raise
        check(cfg)
        return cfg

    Hydra.compose_config = compose_config  # type: ignore[method-assign]
    return lambda: setattr(Hydra, "compose_config", original)
