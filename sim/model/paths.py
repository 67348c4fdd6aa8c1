"""Parameters by dotted path (``actors.<ID>.resolve``, ``mechanisms.ground.noise``): reading one,
setting many, and drawing the ranged ones for ``uncertainty=sample``.

This is the one place that splits a parameter path. Levers, command-line overrides, sampled
draws, sensitivity designs and the teaching page all set values through :func:`with_values`.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import fields
from typing import Any

from sim.model.params import MECHANISM_TYPES, ROLE_TYPES, ActorParams, ConfigError, ModelParams

_PARTS: dict[str, list[str]] = {}


def split(path: str) -> list[str]:
    """'actors.X.territory.floor' -> ['actors', 'X', 'territory', 'floor'] (cached)."""
    parts = _PARTS.get(path)
    if parts is None:
        parts = _PARTS[path] = path.split(".")
    return parts


def declaration(path: str) -> dict:
    """The schema's metadata for a parameter path: its domain, unit and meaning."""
    parts = split(path)
    if parts[0] == "mechanisms" and len(parts) == 3:
        cls, name = MECHANISM_TYPES[parts[1]], parts[2]
    elif parts[0] == "actors" and len(parts) >= 3 and parts[2] in ROLE_TYPES:
        cls, name = ROLE_TYPES[parts[2]], parts[3]
    elif parts[0] == "actors" and len(parts) >= 3:
        cls, name = ActorParams, parts[2]
    else:
        raise ConfigError(f"no parameter {path}")
    return dict(next(f.metadata for f in fields(cls) if f.name == name))


def get_value(model: ModelParams, path: str) -> Any:
    """The value at ``path`` (a missing pressure or leverage link reads as 0)."""
    parts = split(path)
    if parts[0] == "mechanisms" and len(parts) == 3:
        return getattr(getattr(model.mechanisms, parts[1]), parts[2])
    if parts[0] != "actors" or len(parts) not in (3, 4):
        raise ConfigError(f"cannot read {path}")
    a = model.actors[parts[1]]
    if parts[2] in ("pressure", "leverage"):
        return getattr(a, parts[2]).get(parts[3], 0.0)
    if parts[2] in ("position", "salience"):
        return getattr(a, parts[2])[model.case.dim(parts[3])]
    node = getattr(a, parts[2])
    return node if len(parts) == 3 else getattr(node, parts[3])


_NAMES: dict[type, tuple[str, ...]] = {}


def replace(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` for the parameter tree's frozen dataclasses, a few times faster
    (sampling rebuilds ~45 of them a run): the field names are looked up once per class, and the
    copy is filled slot by slot. The parameter classes have no ``__post_init__``: validation
    happens when a config is built (:mod:`sim.config`), and a drawn value stays in its range; a
    class with a ``__post_init__`` goes through ``dataclasses.replace``."""
    cls = type(obj)
    if hasattr(cls, "__post_init__"):  # a class that checks itself is rebuilt through its __init__
        return dataclasses.replace(obj, **changes)
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    for name in changes:
        if name not in names:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
    new = object.__new__(cls)
    put = object.__setattr__
    for name in names:
        put(new, name, changes[name] if name in changes else getattr(obj, name))
    return new


def with_values(model: ModelParams, values: dict[str, Any]) -> ModelParams:
    """A copy of ``model`` with dotted-path values ('actors.X.territory.floor') replaced."""
    # Group the changes by object first, then rebuild each changed dataclass once (sampling
    # sets ~125 values per run: one replace() per value was most of a run's cost).
    per_actor: dict[str, dict[str, Any]] = {}  # actor id -> field -> value or {sub: value}
    per_mech: dict[str, dict[str, Any]] = {}
    for path, v in values.items():
        parts = split(path)
        if parts[0] == "actors" and len(parts) == 3:
            per_actor.setdefault(parts[1], {})[parts[2]] = v
        elif parts[0] == "actors" and len(parts) == 4:
            per_actor.setdefault(parts[1], {}).setdefault(parts[2], {})[parts[3]] = v
        elif parts[0] == "mechanisms" and len(parts) == 3:
            per_mech.setdefault(parts[1], {})[parts[2]] = v
        else:
            raise ConfigError(f"cannot set {path}")
    actors = dict(model.actors)
    for aid, changes in per_actor.items():
        a = actors[aid]
        kw: dict[str, Any] = {}
        for name, v in changes.items():
            if name in ("pressure", "leverage"):
                kw[name] = {**getattr(a, name), **v}
            elif name in ("position", "salience"):
                old = getattr(a, name)
                kw[name] = tuple(float(v.get(d, old[i])) for i, d in enumerate(model.case.dimensions))
            elif isinstance(v, dict):
                kw[name] = replace(getattr(a, name), **v)
            else:
                kw[name] = v
        actors[aid] = replace(a, **kw)
    mech = model.mechanisms
    if per_mech:
        mech = replace(mech, **{name: replace(getattr(mech, name), **v) for name, v in per_mech.items()})
    return replace(model, actors=actors, mechanisms=mech)


# --------------------------------------------------------------------------- sampling
def sample(
    model: ModelParams, meta: dict[str, dict], rng: random.Random, fixed: frozenset[str] = frozenset()
) -> tuple[ModelParams, dict[str, float]]:
    """Draw every ranged parameter not in ``fixed`` (triangular: low, point value, high).

    ``meta`` maps a path to its provenance entry (:func:`sim.config.provenance.parameter_meta`).
    Returns the new parameters and the drawn values keyed 'actors.<ID>.resolve'.
    """
    draw = rng.random
    drawn: dict[str, float] = {}
    for path, low, high, c, keep, integer in _plan(meta, fixed):
        # random.triangular(low, high, mode), inlined (bit-identical): ~140 draws a run
        u = draw()  # drawn even when unused: common random numbers
        if not keep:
            continue
        if u > c:
            v = high + (low - high) * math.sqrt((1.0 - u) * (1.0 - c))
        else:
            v = low + (high - low) * math.sqrt(u * c)
        drawn[path] = int(round(v)) if integer else v
    return with_values(model, drawn), drawn


_PLANS: dict[tuple[int, frozenset[str]], tuple[dict, list[tuple]]] = {}


def _plan(meta: dict[str, dict], fixed: frozenset[str]) -> list[tuple]:
    """(path, low, high, c, keep, integer) per ranged parameter, in draw order; cached per job."""
    key = (id(meta), fixed)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is meta:
        return hit[1]
    plan = []
    for path in sorted(meta):
        m = meta[path]
        low, high = m["range"]
        mode = min(max(m["value"], low), high)
        c = (mode - low) / (high - low) if high != low else None
        plan.append(
            (
                path,
                low,
                high,
                c,
                path not in fixed and low != high,
                isinstance(m["value"], int) and not isinstance(m["value"], bool),
            )
        )
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[key] = (meta, plan)
    return plan
