"""isf-sim: agent-based scenario simulation of negotiations over deploying a multinational force.

``from sim import simulate, compare, forecast, score`` (docs/api.md). Importing ``sim`` stays
light: every command imports it, so the API (pandas, Hydra, the model) and ``__version__`` load
on first use. The forecast modules themselves are the package :mod:`sim.forecasting`.
"""

from __future__ import annotations

__all__ = ["__version__", "compare", "forecast", "score", "simulate"]


def __getattr__(name: str):
    if name in ("simulate", "compare", "forecast", "score"):
        from sim import api

        return getattr(api, name)
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("isf-sim")
        except metadata.PackageNotFoundError:  # a source tree that was never installed
            return "unknown"
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
