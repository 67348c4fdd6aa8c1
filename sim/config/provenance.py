"""Provenance: every number in conf/ has a range and either sources or an assumption.

A ``meta`` block sits beside the values it describes (``meta.contributor.offer: {range:
[2000, 5000], sources: [E21], note: ...}``). :func:`check` rejects a number without one;
:func:`parameter_meta` flattens them to ``{'actors.TUR.contributor.offer': {..., 'value': 3000}}``,
which is what sampling, sensitivity designs and docs/parameters.md read.
"""

from __future__ import annotations

import math
from typing import Any

from sim.model.params import ConfigError
from sim.model.paths import declaration

# keys that hold no parameter (names, switches, words, id lists, scenario text)
NOT_PARAMETERS = frozenset(
    {
        "meta",
        "name",
        "enabled",
        "permanent",
        "p5_veto",
        "needs_resolution",
        "rule",
        "targets",
        "excludes",
        "summary",
        "levers",
        "channels",
    }
)


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def numeric_leaves(tree: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """(relative path, value) of every number in a section, meta blocks excluded."""
    out = []
    for k, v in tree.items():
        if k in NOT_PARAMETERS:
            continue
        p = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict):
            out.extend(numeric_leaves(v, p))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append((p, v))
    return out


def _entry(meta: dict, rel: str) -> Any:
    node: Any = meta
    for part in rel.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def check(path: str, raw: dict, exempt: frozenset[str] = frozenset()) -> None:
    """Every numeric parameter needs a [low, high] range inside its domain, its value inside
    that range, and sources or an assumption.

    ``exempt``: paths held fixed on purpose — set on the command line (a new pressure link, say,
    that no file defines) or by a scenario's levers — whose value may lie outside the range.
    """
    meta = raw.get("meta") or {}
    for rel, value in numeric_leaves(raw):
        node = _entry(meta, rel)
        where = f"{path}.{rel}"
        if node is None and where in exempt:
            continue
        if not isinstance(node, dict):
            raise ConfigError(f"{where} has no provenance; allowed: a meta entry with range and sources or assumption")
        rng = node.get("range")
        if not (
            isinstance(rng, (list, tuple))
            and len(rng) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in rng)
            and rng[0] <= rng[1]
        ):
            raise ConfigError(
                f"{where}: meta range {_fmt(rng)} is malformed; allowed: [low, high], finite, low <= high"
            )
        low, high = declaration(where).get("domain", (-math.inf, math.inf))
        if rng[0] < low or rng[1] > high:
            raise ConfigError(
                f"{where}: meta range {_fmt(list(rng))} leaves the parameter's domain [{low:g}, {high:g}]"
            )
        if where not in exempt and not rng[0] <= value <= rng[1]:
            raise ConfigError(
                f"{where} = {value:g} lies outside its own range {_fmt(list(rng))}; allowed: a value in the range "
                "(or set it as a scenario lever or on the command line, which hold it fixed)"
            )
        if not node.get("sources") and not node.get("assumption"):
            raise ConfigError(f"{where} cites no evidence; allowed: meta 'sources: [E..]' or 'assumption: why'")


def parameter_meta(raw_cfg: dict) -> dict[str, dict]:
    """Flat map 'actors.ISR.resolve' -> meta entry (range, sources/assumption, note, value)."""
    out: dict[str, dict] = {}

    def walk(section: dict, prefix: str) -> None:
        meta = section.get("meta") or {}
        for rel, value in numeric_leaves(section):
            node = _entry(meta, rel)
            if isinstance(node, dict) and "range" in node:
                out[f"{prefix}.{rel}"] = {**node, "value": value}

    for aid, a in (raw_cfg.get("actors") or {}).items():
        walk(a, f"actors.{aid}")
    for name, m in (raw_cfg.get("mechanisms") or {}).items():
        walk(m, f"mechanisms.{name}")
    return out
