"""The project's one definition of each named outcome, read from a runs table.

Two kinds of outcome: those every case has (below: ``deployed``, ``un_authorized``, ...), and the
case's own, named in its case file (``case.yaml``: ``report.outcomes``, each a test of one column
or of the funders, read by :func:`registry`). The case file also says which outcomes the report
tables and compares (``report.reported``), the case's means and its aliases. The report tables
and compares those in ``REPORTED``; every one can be named on the command line
(``isf-report --outcome``) and in the exercises' claims.

``OUTCOMES``, ``REPORTED`` and ``MEANS`` are those of the active case (:func:`use`): the default
case until a tool reads another (isf-report: the case of the folder it reads).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

Test = Callable[[pd.DataFrame], pd.Series]


def _flag(col: pd.Series) -> pd.Series:
    """A boolean column with missing values read as False (astype(bool) would make NaN True)."""
    return col.astype(object).where(col.notna(), False).astype(bool)


def _funded_by(runs: pd.DataFrame, *actors: str) -> pd.Series:
    """Runs in which any of ``actors`` released money (``funders`` is e.g. ``"A+B"``)."""
    return runs["funders"].fillna("").str.split("+").apply(lambda ids: any(a in ids for a in actors))


# --------------------------------------------------------------------------- every case's

#: The named binary outcomes every case has: key -> (label, function of the runs table -> bool Series).
GENERIC: dict[str, tuple[str, Test]] = {
    "deployed": ("P(deployed)", lambda r: _flag(r["deployed"])),
    # still deployed when the horizon comes (a force can deploy and withdraw); newer runs only
    "deployed_at_horizon": ("P(deployed at the horizon)", lambda r: _flag(r["deployed_at_horizon"])),
    "un_authorized": ("P(UN authorized)", lambda r: _flag(r["un_authorized"])),
    "ceasefire_collapsed": ("P(ceasefire collapsed)", lambda r: _flag(r["ceasefire_collapsed"])),
    "funding_released": ("P(funding released)", lambda r: r["funding_usd"] > 0),
}

#: Continuous outcomes every case has, compared by their means: column -> (label, unit).
GENERIC_MEANS: dict[str, tuple[str, str]] = {
    "troops": ("mean troops deployed", "troops"),
    "deaths": ("mean deaths over the horizon", "deaths"),
    "funding_usd": ("mean funding released", "USD"),
    "failed_votes": ("mean failed Council votes", "votes"),  # newer runs only
}

PEOPLE_MEANS = ("troops", "deaths")

#: Times to an event, summarised by their Kaplan–Meier median: column -> label.
WEEKS: dict[str, str] = {
    "week_authorized": "median week authorized",
    "week_deployed": "median week deployed",
}

GENERIC_ALIASES = {
    "un_authorised": "un_authorized",
    "authorized": "un_authorized",
    "collapsed": "ceasefire_collapsed",
    "funding": "funding_released",
}

OUTCOME_KEYS = ("label", "column", "equals", "not_equals", "and", "funded_by")


# --------------------------------------------------------------------------- a case's


def _test(key: str, spec: Mapping[str, Any], known: Mapping[str, tuple[str, Test]]) -> Test:
    """The test of one of the case's outcomes (``report.outcomes.<key>`` of case.yaml): a column
    (``column``, true/false, or compared with ``equals`` / ``not_equals``), the funders
    (``funded_by: [ID, ...]``: any of them released money), and, with ``and: NAME``, that outcome
    (or true/false column) too."""
    extra = sorted(str(k) for k in spec if k not in OUTCOME_KEYS)
    if extra:
        raise ValueError(f"case.report.outcomes.{key}: unknown key {extra[0]!r}; allowed: {', '.join(OUTCOME_KEYS)}")
    column, funders, both = spec.get("column"), spec.get("funded_by"), spec.get("and")

    def test(r: pd.DataFrame) -> pd.Series:
        if funders is not None:
            out = _funded_by(r, *([funders] if isinstance(funders, str) else funders))
        elif "equals" in spec:
            out = r[column] == spec["equals"]
        elif "not_equals" in spec:
            out = r[column] != spec["not_equals"]
        else:
            out = _flag(r[column])
        if both is not None:
            out = (known[both][1](r) if both in known else _flag(r[both])) & out
        return out

    if column is None and funders is None:
        raise ValueError(f"case.report.outcomes.{key}: needs a column or funded_by")
    return test


@dataclass(frozen=True)
class Registry:
    """The outcomes of one case: named tests, those reported, the means, the aliases of names."""

    outcomes: dict[str, tuple[str, Test]]
    reported: tuple[str, ...]
    means: dict[str, tuple[str, str]]
    aliases: dict[str, str]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # outcome -> the columns its test reads

    def reads(self, key: str) -> tuple[str, ...]:
        """The runs-table columns outcome ``key`` is computed from (a column's own name for a column)."""
        return self.columns.get(key, (key,))

    def resolve(self, name: str, columns=()) -> str:
        """The canonical key of an outcome name, label, alias or column (KeyError if unknown)."""
        if name in self.outcomes or name in columns:
            return name
        slug = _slug(name)
        for key, (label, _) in self.outcomes.items():
            if slug == key or slug == _slug(label):
                return key
        aliases = {_slug(a): k for a, k in self.aliases.items()}
        if slug in aliases:
            return aliases[slug]
        for col in columns:
            if slug == _slug(col):
                return col
        raise KeyError(name)

    def label(self, key: str) -> str:
        return self.outcomes[key][0] if key in self.outcomes else f"P({key})"

    def series(self, runs: pd.DataFrame, key: str) -> pd.Series:
        """The boolean outcome ``key`` for every run (raises KeyError if not computable)."""
        if key in self.outcomes:
            try:
                return _flag(self.outcomes[key][1](runs))
            except KeyError as exc:
                raise KeyError(f"{key} needs column {exc}") from None
        if key not in runs.columns:
            raise KeyError(f"no column {key!r}")
        col = runs[key]
        values = set(pd.unique(col.dropna()))
        if col.dtype == bool or str(col.dtype) == "boolean" or values <= {0, 1}:
            return _flag(col)
        raise KeyError(f"column {key!r} is not boolean")


@functools.cache
def default_case() -> dict:
    """The default case's block (its case.yaml's ``case:``), read once."""
    from sim.config.places import CONF_DIR  # where the cases are: paths only, no config logic
    from sim.report.reading import read_yaml

    raw = read_yaml(CONF_DIR / "case.yaml") or {}
    return raw.get("case", raw)


def case_of(raw: Mapping[str, Any] | None) -> dict | None:
    """The ``case:`` block of a composed config (a result folder's config.yaml), None if none."""
    block = (raw or {}).get("case")
    return block if isinstance(block, dict) else None


def registry(case: Mapping[str, Any] | None = None) -> Registry:
    """The outcomes of the case block ``case`` (the default case's if None): every case's, then the
    case's named ones (``report.outcomes``), its ``reported`` list, ``means`` and ``aliases``."""
    case = default_case() if case is None else case
    report = case.get("report") or {}
    outcomes = dict(GENERIC)
    for key, spec in (report.get("outcomes") or {}).items():
        spec = spec or {}
        outcomes[key] = (str(spec.get("label", f"P({key})")), _test(key, spec, outcomes))
    reported = tuple(report.get("reported") or GENERIC)
    # the case's means come after the people's (troops, deaths), before the money and the votes
    means = {k: v for k, v in GENERIC_MEANS.items() if k in PEOPLE_MEANS}
    for col, spec in (report.get("means") or {}).items():
        spec = spec or {}
        means[col] = (str(spec.get("label", f"mean {col}")), str(spec.get("unit", "")))
    means |= {k: v for k, v in GENERIC_MEANS.items() if k not in means}
    aliases = GENERIC_ALIASES | {str(a): str(k) for a, k in (report.get("aliases") or {}).items()}
    columns = {"funding_released": ("funding_usd",)}
    for key, spec in (report.get("outcomes") or {}).items():
        spec = spec or {}
        both = spec.get("and")
        own = ("funders",) if spec.get("funded_by") is not None else (str(spec.get("column")),)
        columns[key] = own + (columns.get(str(both), (str(both),)) if both is not None else ())
    return Registry(outcomes, reported, means, aliases, columns)


_active: list[Registry] = []


def active() -> Registry:
    """The registry of the active case (the default case's unless :func:`use` set another)."""
    if not _active:
        _active.append(registry())
    return _active[-1]


@contextmanager
def use(case: Mapping[str, Any] | Registry | None) -> Iterator[Registry]:
    """Make ``case`` (a case block, a registry, or None: the default case) the active case within."""
    reg = case if isinstance(case, Registry) else registry(case)
    active()
    _active.append(reg)
    try:
        yield reg
    finally:
        _active.remove(reg)


def activate(case: Mapping[str, Any] | Registry | None) -> Registry:
    """Make ``case`` the active case from now on (a command line tool, for the rest of its run)."""
    reg = case if isinstance(case, Registry) else registry(case)
    active()
    _active[0] = reg
    return reg


def __getattr__(name: str):
    if name == "OUTCOMES":
        return active().outcomes
    if name == "REPORTED":
        return active().reported
    if name == "MEANS":
        return active().means
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.strip().lower()
    m = re.fullmatch(r"p\s*\((.*)\)", text)
    if m:
        text = m.group(1)
    return re.sub(r"[^a-z0-9.]+", "_", text).strip("_")


def resolve_outcome(name: str, columns=(), reg: Registry | None = None) -> str:
    """Return the canonical key of an outcome name, label or boolean column.

    Accepts keys, labels (``"P(UN authorized)"``), the case's aliases and any column name of the
    runs table. Raises ``KeyError`` if unknown.
    """
    return (reg or active()).resolve(name, columns)


def outcome_label(key: str, reg: Registry | None = None) -> str:
    return (reg or active()).label(key)


def outcome_series(runs: pd.DataFrame, key: str, reg: Registry | None = None) -> pd.Series:
    """The boolean outcome ``key`` for every run (raises KeyError if not computable)."""
    return (reg or active()).series(runs, key)
