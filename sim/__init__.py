"""isf-sim: agent-based scenario simulation of negotiations over deploying a multinational force.

``from sim import simulate, compare, forecast, score`` (docs/api.md); for Mesa and EMA workbench
users, ``make_model`` and ``BatchModel`` (:mod:`sim.batch`: the Mesa model of one run, and the
model ``mesa.batch_run`` drives) and ``to_ema`` (:mod:`sim.ema`). Importing ``sim`` stays light:
every command imports it, so the API (pandas, Hydra, the model) and ``__version__`` load on first
use. The forecast modules themselves are the package :mod:`sim.forecasting`.
"""

from __future__ import annotations

__all__ = ["BatchModel", "__version__", "compare", "forecast", "make_model", "score", "simulate", "to_ema"]
_WHERE = {
    **dict.fromkeys(("simulate", "compare", "forecast", "score"), "sim.api"),
    **dict.fromkeys(("make_model", "BatchModel"), "sim.batch"),
    "to_ema": "sim.ema",
}


def __getattr__(name: str):
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("isf-sim")
        except metadata.PackageNotFoundError:  # a source tree that was never installed
            return "unknown"
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
