"""isf-sim: agent-based scenario simulation of the ISF negotiations (Gaza, Nov 2025).

``from sim import simulate, compare`` (docs/api.md). Importing ``sim`` stays light: every
command imports it, so the API (pandas, Hydra, the model) and ``__version__`` load on first use.
"""

from __future__ import annotations

__all__ = ["__version__", "compare", "simulate"]


def __getattr__(name: str):
    if name in ("simulate", "compare"):
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
    return sorted({*globals(), *__all__})
