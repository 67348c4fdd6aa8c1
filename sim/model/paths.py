"""Parameters by dotted path (``actors.<ID>.resolve``, ``mechanisms.ground.noise``): reading one,
setting many, and drawing the ranged ones for ``uncertainty=sample``.

This is the one place that splits a parameter path. Levers, command-line overrides, sampled
draws, sensitivity designs and the teaching page all set values through :func:`with_values`.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterable
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
    names = _names(cls)
    for name in changes:
        if name not in names:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
    new = object.__new__(cls)
    put = object.__setattr__
    for name in names:
        put(new, name, changes[name] if name in changes else getattr(obj, name))
    return new


def _grouped(items: Iterable[tuple[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(path, x) pairs -> x by object: {actor id: {field: x, or {role field: x}}} and
    {mechanism: {field: x}}."""
    per_actor: dict[str, dict[str, Any]] = {}
    per_mech: dict[str, dict[str, Any]] = {}
    for path, x in items:
        parts = split(path)
        if parts[0] == "actors" and len(parts) == 3:
            per_actor.setdefault(parts[1], {})[parts[2]] = x
        elif parts[0] == "actors" and len(parts) == 4:
            per_actor.setdefault(parts[1], {}).setdefault(parts[2], {})[parts[3]] = x
        elif parts[0] == "mechanisms" and len(parts) == 3:
            per_mech.setdefault(parts[1], {})[parts[2]] = x
        else:
            raise ConfigError(f"cannot set {path}")
    return per_actor, per_mech


def with_values(model: ModelParams, values: dict[str, Any]) -> ModelParams:
    """A copy of ``model`` with dotted-path values ('actors.X.territory.floor') replaced."""
    # Group the changes by object first, then rebuild each changed dataclass once (sampling
    # sets ~200 values per run: one replace() per value was most of a run's cost).
    per_actor, per_mech = _grouped(values.items())
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
    plan, paths, setter = _compiled(model, meta, fixed)
    draw = rng.random
    values: list[float] = []
    keep_value = values.append
    for low, high, c, keep, integer in plan:
        # random.triangular(low, high, mode), inlined (bit-identical): ~280 draws a run
        u = draw()  # drawn even when unused: common random numbers
        if not keep:
            continue
        if u > c:
            v = high + (low - high) * math.sqrt((1.0 - u) * (1.0 - c))
        else:
            v = low + (high - low) * math.sqrt(u * c)
        keep_value(int(round(v)) if integer else v)
    return setter(values), dict(zip(paths, values))


_PLANS: dict[tuple[int, int, frozenset[str]], tuple[ModelParams, dict, tuple]] = {}


def _compiled(model: ModelParams, meta: dict[str, dict], fixed: frozenset[str]) -> tuple:
    """(the draws' plan, the paths set, their setter) of a job; cached per job (its parameters,
    their provenance and its fixed paths)."""
    key = (id(model), id(meta), fixed)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is model and hit[1] is meta:
        return hit[2]
    plan = []
    for path in sorted(meta):
        m = meta[path]
        low, high = m["range"]
        mode = min(max(m["value"], low), high)
        c = (mode - low) / (high - low) if high != low else None
        keep = path not in fixed and low != high
        plan.append((path, low, high, c, keep, isinstance(m["value"], int) and not isinstance(m["value"], bool)))
    paths = tuple(step[0] for step in plan if step[4])
    out = (tuple(step[1:] for step in plan), paths, Setter(model, paths))
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[key] = (model, meta, out)
    return out


# --------------------------------------------------------------------------- a compiled with_values
_VALUE, _MAP, _POINT, _PART = range(4)


class Setter:
    """:func:`with_values` for one list of paths, compiled: ``Setter(model, paths)(values)`` is
    ``with_values(model, dict(zip(paths, values)))``, the same objects field for field, at a
    fraction of the cost (a sampled job sets the same ~200 paths in every run: the grouping by
    object, the field lookups and the untouched fields' values are worked out once, here)."""

    def __init__(self, model: ModelParams, paths: tuple[str, ...]) -> None:
        self.model = model
        per_actor, per_mech = _grouped((path, i) for i, path in enumerate(paths))  # the values' indices
        dims = model.case.dimensions
        self.actors = []
        for aid, changes in per_actor.items():
            a = model.actors[aid]
            ops: list[tuple] = []
            for name, v in changes.items():
                slot = _slot(a, name)
                old = getattr(a, name)
                if name in ("pressure", "leverage"):
                    ops.append((slot, _MAP, (old, tuple(v.items()))))
                elif name in ("position", "salience"):
                    ops.append((slot, _POINT, tuple((v[d], None) if d in v else (None, float(old[j]))
                                                    for j, d in enumerate(dims))))  # fmt: skip
                elif isinstance(v, dict):
                    ops.append((slot, _PART, _Part(old, v)))
                else:
                    ops.append((slot, _VALUE, v))
            self.actors.append((aid, _Frame(a), tuple(ops)))
        mech = model.mechanisms
        self.mechanisms = None
        if per_mech:
            parts = tuple((_slot(mech, name), _Part(getattr(mech, name), v)) for name, v in per_mech.items())
            self.mechanisms = (_Frame(mech), parts)
        self.top = _Frame(model)
        self.slots = (_slot(model, "actors"), _slot(model, "mechanisms"))

    def __call__(self, values: list) -> ModelParams:
        actors = dict(self.model.actors)
        for aid, frame, ops in self.actors:
            fields_ = frame.values[:]
            for slot, kind, arg in ops:
                if kind == _VALUE:
                    fields_[slot] = values[arg]
                elif kind == _MAP:
                    old, changes = arg
                    new = dict(old)
                    for k, i in changes:
                        new[k] = values[i]
                    fields_[slot] = new
                elif kind == _POINT:
                    fields_[slot] = tuple(old if i is None else float(values[i]) for i, old in arg)
                else:
                    fields_[slot] = arg.filled(values)
            actors[aid] = frame.build(fields_)
        top = self.top.values[:]
        top[self.slots[0]] = actors
        if self.mechanisms is not None:
            frame, parts = self.mechanisms
            mech = frame.values[:]
            for slot, part in parts:
                mech[slot] = part.filled(values)
            top[self.slots[1]] = frame.build(mech)
        return self.top.build(top)


class _Frame:
    """One frozen dataclass of the parameter tree, as a list of its field values to fill and a
    way to build a new one from it (as :func:`replace` does)."""

    __slots__ = ("obj", "cls", "names", "values", "checks", "setters")

    def __init__(self, obj: Any) -> None:
        self.obj, self.cls = obj, type(obj)
        self.names = _names(self.cls)
        self.values = [getattr(obj, n) for n in self.names]
        self.checks = hasattr(self.cls, "__post_init__")
        # a slotted class's fields are filled through their slots (what object.__setattr__ would
        # find by name for each field of each new object)
        slots = [self.cls.__dict__.get(n) for n in self.names]
        self.setters = tuple(s.__set__ for s in slots) if all(hasattr(s, "__set__") for s in slots) else None

    def build(self, values: list) -> Any:
        if self.checks:  # a class that checks itself is rebuilt through its __init__
            return dataclasses.replace(self.obj, **dict(zip(self.names, values)))
        new = object.__new__(self.cls)
        if self.setters is not None:
            for put, v in zip(self.setters, values):
                put(new, v)
            return new
        for name, v in zip(self.names, values):
            object.__setattr__(new, name, v)
        return new


class _Part(_Frame):
    """A dataclass inside the tree (an actor's role, a mechanism's parameters) with some fields
    set from the values: ``changes`` maps a field to its value's index."""

    __slots__ = ("changes",)

    def __init__(self, obj: Any, changes: dict[str, int]) -> None:
        super().__init__(obj)
        self.changes = tuple((_slot(obj, name), i) for name, i in changes.items())

    def filled(self, values: list) -> Any:
        fields_ = self.values[:]
        for slot, i in self.changes:
            fields_[slot] = values[i]
        return self.build(fields_)


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _slot(obj: Any, name: str) -> int:
    names = _names(type(obj))
    if name not in names:
        raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    return names.index(name)
