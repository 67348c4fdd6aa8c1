"""isf-sim: agent-based scenario simulation of the ISF negotiations (Gaza, Nov 2025).

``from sim import simulate, compare, forecast, score`` (docs/api.md). Importing ``sim`` stays
light: every command imports it, so the API (pandas, Hydra, the model) and ``__version__`` load
on first use.

``sim.forecast`` is also the package of the forecast modules (``sim.forecast.run``,
``sim.forecast.score``, ...): the package is made callable, and calling it calls
:func:`sim.api.forecast`, so ``from sim import forecast; forecast(runs=100)`` and
``import sim.forecast.run`` both work.
"""

from __future__ import annotations

import sys
import types

__all__ = ["__version__", "compare", "forecast", "score", "simulate"]


class _Forecasts(types.ModuleType):
    """The ``sim.forecast`` package, callable as :func:`sim.api.forecast`."""

    def __call__(self, *args, **kwargs):
        from sim import api

        return api.forecast(*args, **kwargs)


class _Sim(types.ModuleType):
    """``sim`` itself: when the import system binds the subpackage ``sim.forecast`` to it, the
    package becomes callable (the API's ``forecast``) instead of hiding the function."""

    def __setattr__(self, name, value):
        if name == "forecast" and type(value) is types.ModuleType:
            value.__class__ = _Forecasts
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Sim


def __getattr__(name: str):
    if name == "forecast":
        import importlib

        return importlib.import_module("sim.forecast")  # bound here, callable (see _Sim)
    if name in ("simulate", "compare", "score"):
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
