"""The case file (``case.yaml`` in a case folder) -> :class:`~sim.model.params.Case`, checked once.

A case folder holds everything one case needs (docs/cases.md): ``config.yaml`` (its defaults list
of actors, its horizon and its mechanisms' numbers), ``case.yaml`` (below), ``actors/``,
``scenario/``, ``experiments/``, ``questions.yaml`` and ``evidence.md``. The case file says:

- ``name``, ``title``, ``week0`` and ``cutoff`` (dates, YYYY-MM-DD), ``evidence`` (its index);
- ``dimensions``: name -> ``{low: ..., high: ...}`` (what each end means), one or more;
- ``drafts``: name -> a point (``{dimension: value}``) the sponsor can table;
- ``circulated`` (optional): the draft the sponsor has circulated at week 0, which it tables
  first (none: the draft nearest its own position);
- ``rules`` (optional): the bargaining rules that reproduce the case's week-0 stances, the ones
  the structural range is taken over (none: all);
- ``outcomes``: the case's named columns (``{role_of | control_of | disarmament_of: ID, after: column}``);
- ``report``, ``headline``, ``sliders``: what isf-report, isf-sim's table and isf-app show;
- ``gates``, ``words``: the trace's words for this case.

The model reads the first four parts (:class:`Case`); the tools read the rest from the raw file
(:func:`tool_part`). Every problem is one :class:`ConfigError` line. No Hydra here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sim.model.case import PROTOCOL
from sim.model.mechanisms.bargaining import RULES
from sim.model.params import Case, ConfigError, GateWords, NamedOutcome

CASE_KEYS = ("name", "title", "week0", "cutoff", "evidence", "dimensions", "drafts", "circulated", "rules", "outcomes",
             "report", "headline", "sliders", "gates", "words", "protocol")  # fmt: skip
NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
OUTCOME_KINDS = ("role_of", "control_of", "disarmament_of")
WORD_KEYS = ("sponsor", "consent", "situation", "territory", "sentences")
GATE_KEYS = ("label", "released", "opened", "released_kind", "opened_kind")


def _mapping(path: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{path} is missing or not a mapping (case.yaml; docs/cases.md)")
    return value


def _keys(path: str, value: dict, allowed: tuple[str, ...]) -> None:
    extra = sorted(str(k) for k in value if k not in allowed)
    if extra:
        raise ConfigError(f"unknown key '{path}.{extra[0]}'; allowed here: {', '.join(allowed)}")


def _text(path: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path} is missing or not text")
    return value


def _date(path: str, value: Any) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else value
    try:
        dt.date.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(f"{path} = {value!r} is not a date; allowed: YYYY-MM-DD") from None
    return str(text)


def _name(path: str, value: Any) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise ConfigError(f"{path}: {value!r} is not a name; allowed: lower-case letters, digits and _")
    return value


def build_case(raw: Any, ids: tuple[str, ...]) -> Case:
    """The model's part of the case file, checked against the actors ``ids``."""
    raw = _mapping("case", raw)
    _keys("case", raw, CASE_KEYS)
    name = _text("case.name", raw.get("name"))
    for key in ("title",):
        _text(f"case.{key}", raw.get(key))
    for key in ("week0", "cutoff"):
        _date(f"case.{key}", raw.get(key))
    dims_raw = _mapping("case.dimensions", raw.get("dimensions"))
    if not dims_raw:
        raise ConfigError("case.dimensions is empty; allowed: one or more dimensions {low: ..., high: ...}")
    dims = []
    for d, ends in dims_raw.items():
        path = f"case.dimensions.{d}"
        _name(path, d)
        ends = _mapping(path, ends)
        _keys(path, ends, ("low", "high", "sources", "note", "assumption"))
        _text(f"{path}.low", ends.get("low"))
        _text(f"{path}.high", ends.get("high"))
        dims.append(d)
    drafts = []
    for dname, point in _mapping("case.drafts", raw.get("drafts")).items():
        path = f"case.drafts.{dname}"
        _name(path, dname)
        point = _mapping(path, point)
        if not point:
            raise ConfigError(f"{path} sets no dimension; allowed: {{dimension: value in [0, 1]}}")
        entries = []
        for d, v in point.items():
            if d not in dims:
                raise ConfigError(f"{path}.{d}: not a dimension of the case; allowed: {', '.join(dims)}")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.0:
                raise ConfigError(f"{path}.{d} = {v!r}; allowed: a number in [0, 1]")
            entries.append((dims.index(d), float(v)))
        drafts.append((dname, tuple(entries)))
    if not drafts:
        raise ConfigError("case.drafts is empty; allowed: one or more named points the sponsor can table")
    circulated = raw.get("circulated", "")
    names = [n for n, _ in drafts]
    if circulated != "" and circulated not in names:
        raise ConfigError(f"case.circulated = {circulated!r} is not a draft of the case; allowed: {', '.join(names)}")
    rules = raw.get("rules") or []
    if not isinstance(rules, list) or any(r not in RULES for r in rules) or len(set(rules)) != len(rules):
        raise ConfigError(f"case.rules = {rules!r}; allowed: a list of distinct rules from {', '.join(RULES)}")
    return Case(
        name=name,
        rules=tuple(rules),
        dimensions=tuple(dims),
        drafts=tuple(drafts),
        circulated=circulated,
        outcomes=_outcomes(raw.get("outcomes") or {}, ids),
        words=_words(raw.get("words") or {}),
        sentences=dict(_mapping("case.words.sentences", (raw.get("words") or {}).get("sentences") or {})),
        gates=_gates(raw.get("gates") or {}, ids),
        protocol=_protocol(raw.get("protocol")),
    )


def _protocol(raw: Any) -> tuple[str, ...]:
    """The case's own order of the weekly steps (none: the engine's, sim.model.case.PROTOCOL)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"case.protocol = {raw!r}; allowed: a list of steps from {', '.join(PROTOCOL)}")
    for step in raw:
        if step not in PROTOCOL:
            raise ConfigError(f"case.protocol: unknown step {step!r}; allowed: {', '.join(PROTOCOL)}")
    if len(set(raw)) != len(raw):
        raise ConfigError("case.protocol lists a step twice; allowed: each step at most once")
    return tuple(raw)


def _outcomes(raw: Any, ids: tuple[str, ...]) -> tuple[NamedOutcome, ...]:
    out = []
    for column, spec in _mapping("case.outcomes", raw).items():
        path = f"case.outcomes.{column}"
        _name(path, column)
        spec = _mapping(path, spec)
        _keys(path, spec, (*OUTCOME_KINDS, "after", "label"))
        kinds = [k for k in OUTCOME_KINDS if k in spec]
        if len(kinds) != 1:
            raise ConfigError(f"{path} needs exactly one of {', '.join(OUTCOME_KINDS)}: an actor id")
        aid = spec[kinds[0]]
        if aid not in ids:
            raise ConfigError(f"{path}.{kinds[0]}: unknown actor id {aid!r}; allowed: {', '.join(ids)}")
        after = spec.get("after", "")
        if not isinstance(after, str):
            raise ConfigError(f"{path}.after = {after!r}; allowed: the name of a column of runs.parquet")
        out.append(NamedOutcome(column=column, kind=kinds[0], actor=aid, after=after))
    return tuple(out)


def _words(raw: Any) -> dict[str, str]:
    raw = _mapping("case.words", raw)
    _keys("case.words", raw, WORD_KEYS)
    return {k: _text(f"case.words.{k}", v) for k, v in raw.items() if k != "sentences"}


def _gates(raw: Any, ids: tuple[str, ...]) -> dict[str, GateWords]:
    out = {}
    for holder, spec in _mapping("case.gates", raw).items():
        path = f"case.gates.{holder}"
        if holder not in ids:
            raise ConfigError(f"{path}: unknown actor id {holder!r}; allowed: {', '.join(ids)}")
        spec = _mapping(path, spec)
        _keys(path, spec, GATE_KEYS)
        out[holder] = GateWords(**{k: _text(f"{path}.{k}", v) for k, v in spec.items()})
    return out


def tool_part(raw: dict, key: str) -> Any:
    """What a tool reads of the case file (``report``, ``headline``, ``sliders``, ...): the raw
    value of the composed config's ``case.<key>`` (None if the case has none)."""
    return (raw.get("case") or {}).get(key)
