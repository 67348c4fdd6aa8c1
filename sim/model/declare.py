"""How a number is declared, once: its type (from the field's annotation), its hard domain, its unit
and what it means (:func:`num`); and the one error every layer raises for a bad configuration.

The parameter dataclasses of the roles (:mod:`sim.model.params`) and of each mechanism (its own
module, ``sim/model/mechanisms/<name>.py``: ``Params``) are written with these. No imports of
the rest of the model, so every module can use them.
"""

from __future__ import annotations

from dataclasses import field

UNIT = (0.0, 1.0)


class ConfigError(ValueError):
    """A configuration problem, stated in one line for the user."""


def num(domain: tuple[float, float], unit: str = "", doc: str = ""):
    """A required number: its hard domain, its unit and what it means (the value is in conf/)."""
    return field(metadata={"domain": domain, "unit": unit, "doc": doc})


def flag(doc: str = ""):
    return field(metadata={"doc": doc})


def share(doc: str = ""):
    return num(UNIT, "share 0..1", doc)
