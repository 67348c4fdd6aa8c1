"""Mesa's core — ``Agent``, ``Model``, ``DataCollector`` — without the rest of ``import mesa``.

``import mesa`` runs ``mesa/__init__.py``, which imports the whole of Mesa: its grids and
networks (SciPy's spatial module, NetworkX), its experimental package (SciPy again, for
continuous space), its batch runner. A run of this model uses three classes. On this project's
2-core machine the rest cost 1.2–1.5 s of every ``isf-sim`` process and of every pool worker
(``python -X importtime``; docs/sweeps.md, "Start-up").

So the model imports Mesa through this module. The packages ``mesa`` and ``mesa.experimental``
are registered in ``sys.modules`` without running their ``__init__``; their submodules
(``mesa.agent``, ``mesa.model``, ...) import as usual, through the package's path. The first
time anyone asks either package for a name it does not hold yet (``mesa.batch_run``,
``mesa.discrete_space``, ``from mesa import DataCollector``), its ``__init__`` runs, and the
package is whole, as if imported the usual way: code that uses the rest of Mesa (the teaching
page, ``mesa.batch_run`` in docs/api.md) sees no difference. If Mesa was imported before this
module, nothing is changed. Mesa's own code is not touched; only when its parts are loaded.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def _registered(name: str) -> ModuleType:
    """The package ``name``: as imported already, or registered with its ``__init__`` not yet run
    (it runs on the first name asked of the package that it does not hold)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"no package {name} (pip install mesa)")
    package = importlib.util.module_from_spec(spec)  # __path__ set: its submodules can import

    def whole(attr: str):
        del package.__getattr__
        spec.loader.exec_module(package)  # the package's __init__, on this same module object
        return getattr(package, attr)

    package.__getattr__ = whole  # type: ignore[method-assign]
    sys.modules[name] = package
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, package)
    return package


mesa = _registered("mesa")
_registered("mesa.experimental")

from mesa.agent import Agent  # noqa: E402 - after the packages are registered

mesa.Agent = Agent  # what mesa.datacollection imports from the package (`from mesa import Agent`)
from mesa.model import Model  # noqa: E402

mesa.Model = Model


def data_collector() -> type:
    """Mesa's DataCollector (only a traced run uses one: imported then)."""
    from mesa.datacollection import DataCollector

    return DataCollector


__all__ = ["Agent", "Model", "data_collector"]
