"""What a result folder's files may hold, and the check of every table and manifest read.

The columns of ``runs.parquet`` and their types are the model's (:data:`sim.model.outcomes.COLUMNS`,
DESIGN.md's table), plus what the sweep adds (``job``, one column per swept key, ``param.*``);
the trace tables are those of :mod:`sim.model.run`, the sensitivity table that of
``sim/sweep/sensitivity.py``. A check either returns or raises :class:`NotAResultFolder` with one
line naming the file, the column or field, what it holds and what is expected: a ``deployed``
column of the strings "yes"/"no" is refused, never read as "always true".
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.outcomes import COLUMNS as RUN_TYPES
from sim.model.outcomes import ROLES_IN_FORCE
from sim.report.reading import NotAResultFolder, shown

HORIZON = "horizon"  # an upper bound that is the folder's horizon in weeks


@dataclass(frozen=True)
class Col:
    """One column: its kind (bool, int, float, text), its range or values, whether it may be missing."""

    kind: str
    lo: float | None = None
    hi: float | str | None = None  # a number, or HORIZON
    values: tuple[str, ...] = ()
    missing: bool = True


KIND = {"bool": "bool", "int64": "int", "float64": "float", "string": "text"}
EXPECTED = {
    "bool": "true/false (bool, or 0/1)",
    "int": "whole numbers",
    "float": "numbers",
    "text": "text",
}

RUNS: dict[str, Col] = {name: Col(KIND[t]) for name, t in RUN_TYPES.items() if t in KIND}
RUNS |= {
    "seed": Col("int", lo=0, missing=False),
    "troops": Col("int", lo=0),
    "failed_votes": Col("int", lo=0),
    "deaths": Col("int", lo=0),
    "week_deployed": Col("float", lo=0, hi=HORIZON),
    "week_authorized": Col("float", lo=0, hi=HORIZON),
    "week_collapsed": Col("float", lo=0, hi=HORIZON),
    "funding_usd": Col("float", lo=0),
    "mandate": Col("text"),  # one of the case's drafts (case_columns)
    # added by a sweep's combined table and by sensitivity designs
    "job": Col("int", lo=0, missing=False),
    "point": Col("int", lo=0),
    "horizon_weeks": Col("int", lo=1, missing=False),
    "runs": Col("int", lo=1),
    "uncertainty": Col("text", values=("fixed", "sample")),
}
RUNS_REQUIRED = ("seed", "deployed")
PARAM = Col("float")  # param.<path>: a sampled parameter's value

EVENTS = {
    "seed": Col("int", lo=0),
    "week": Col("int", lo=0, hi=HORIZON, missing=False),
    "kind": Col("text", missing=False),
    "actor": Col("text"),
    "target": Col("text"),
    "value": Col("float"),
    "text": Col("text"),
}
TIMELINE = {
    "seed": Col("int", lo=0),
    "week": Col("int", lo=0, hi=HORIZON, missing=False),
    "deaths": Col("int", lo=0),
    "troops_committed": Col("int", lo=0),
    "troops_deployed": Col("int", lo=0),
    "funding_usd": Col("float", lo=0),
    "un_authorized": Col("bool"),
    "collapsed": Col("bool"),
    "strikes": Col("float", lo=0),
}
POSITIONS = {
    "seed": Col("int", lo=0),
    "week": Col("int", lo=0, hi=HORIZON, missing=False),
    "actor": Col("text", missing=False),
    "position": Col("float", lo=0, hi=1),
    "pressure": Col("float"),
    "committed": Col("int", lo=0),
    "deployed": Col("int", lo=0),
}
SENSITIVITY = {
    "outcome": Col("text", missing=False),
    "parameter": Col("text", missing=False),
    "method": Col("text", missing=False),
    **{c: Col("float") for c in ("S1", "S1_conf", "ST", "ST_conf", "mu_star", "mu_star_conf", "sigma")},
}

#: The per-role columns (``role.<ID>``, ``control.<ID>``, ``disarmament.<ID>``: sim.model.outcomes)
#: and the rule of each; a case's named column (``case.outcomes``: ``role_of`` ...) follows its kind's.
SHARE = Col("float", lo=0, hi=1)
ROLE = Col("text", values=ROLES_IN_FORCE)
PER_ROLE = {"role.": ROLE, "control.": SHARE, "disarmament.": SHARE}
NAMED = {"role_of": ROLE, "control_of": SHARE, "disarmament_of": SHARE}
ROLE_TABLES = ("runs", "timeline")  # the tables that hold per-role and named columns


def case_columns(case: dict | None = None) -> dict[str, Col]:
    """The rule of each of the case's named columns (``case.outcomes`` of the case block ``case``;
    the default case's if None), and of ``mandate`` (one of the case's ``drafts``)."""
    if case is None:
        from sim.report.outcomes import default_case

        case = default_case()
    named = case.get("outcomes") if isinstance(case, dict) else None
    drafts = case.get("drafts") if isinstance(case, dict) else None
    out = {"mandate": Col("text", values=tuple(map(str, drafts)))} if isinstance(drafts, dict) and drafts else {}
    for column, spec in (named if isinstance(named, dict) else {}).items():
        kind = next((k for k in NAMED if isinstance(spec, dict) and k in spec), None)
        if kind is not None:
            out[str(column)] = NAMED[kind]
    return out


def _rule(name, kind: str, spec: dict[str, Col]) -> Col | None:
    if name in spec:
        return spec[name]
    text = str(name)
    if kind == "runs" and text.startswith("param."):
        return PARAM
    if kind in ROLE_TABLES:
        return next((col for prefix, col in PER_ROLE.items() if text.startswith(prefix)), None)
    return None


TABLES: dict[str, tuple[dict[str, Col], tuple[str, ...]]] = {
    "runs": (RUNS, RUNS_REQUIRED),
    "events": (EVENTS, ("week", "kind", "actor")),
    "timeline": (TIMELINE, ("week", "troops_committed", "troops_deployed", "deaths")),
    "positions": (POSITIONS, ("week", "actor", "position", "pressure")),
    "sensitivity": (SENSITIVITY, ("outcome", "parameter", "method")),
}


def check_table(
    df: pd.DataFrame, kind: str, path: Path, horizon: float | None = None, case: dict | None = None
) -> pd.DataFrame:
    """``df`` (read from ``path``) if every known column holds what it should (those of the case
    block ``case`` too: the default case's if None); 0/1 columns of a boolean become bool. Raises
    NotAResultFolder naming the first column that does not."""
    spec, required = TABLES[kind]
    if kind in ROLE_TABLES:
        spec = {**spec, **case_columns(case)}
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise NotAResultFolder(
            f"{path}: no column {', '.join(map(shown, missing))}; expected isf-sim's {kind} table "
            f"(columns {', '.join(required)}, ...)"
        )
    if not df.columns.is_unique:
        raise NotAResultFolder(f"{path}: repeats column {shown(df.columns[df.columns.duplicated()][0])}")
    for name in df.columns:
        col = _rule(name, kind, spec)
        if col is not None:
            df[name] = check_column(df[name], col, f"{path}: column {shown(name)}", horizon)
    return df


def check_column(s: pd.Series, col: Col, where: str, horizon: float | None) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):  # a dictionary-encoded column: check its values
        s = s.astype(object)
    present = s.notna()
    if not col.missing and not present.all():
        raise NotAResultFolder(f"{where} has missing values; expected {EXPECTED[col.kind]} in every row")
    values = s[present]
    if col.kind == "text":
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            bad = next((v for v in values if not isinstance(v, str)), values.iloc[0])
            raise NotAResultFolder(f"{where} holds {_val(bad)}; expected text")
        if col.values and not values.isin(col.values).all():
            bad = values[~values.isin(col.values)].iloc[0]
            raise NotAResultFolder(f"{where} holds {_val(bad)}; expected one of {', '.join(col.values)}")
        return s
    if col.kind == "bool":
        return _bool(s, values, where)
    numbers = _numbers(values, col.kind, where)
    hi = horizon if col.hi == HORIZON else col.hi
    if col.lo is not None and (numbers < col.lo).any():
        raise NotAResultFolder(f"{where} holds {_val(_first(numbers, numbers < col.lo))}; {_range(col, hi)}")
    if hi is not None and (numbers > hi).any():
        raise NotAResultFolder(f"{where} holds {_val(_first(numbers, numbers > hi))}; {_range(col, hi)}")
    return s


def _first(numbers: np.ndarray, mask: np.ndarray):
    v = numbers[mask][0]
    return int(v) if float(v).is_integer() else float(v)


def _range(col: Col, hi) -> str:
    what = "weeks" if col.hi == HORIZON else EXPECTED[col.kind]
    if hi is None or col.lo is None:
        return f"expected {what} of at least {col.lo:g}" if col.lo is not None else f"expected {what} up to {hi:g}"
    upto = f"{hi:g} (the horizon)" if col.hi == HORIZON else f"{hi:g}"
    return f"expected {what} from {col.lo:g} to {upto}" + (", or missing" if col.missing else "")


def _numbers(values: pd.Series, kind: str, where: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        if pd.api.types.infer_dtype(values, skipna=True) in ("integer", "floating", "mixed-integer-float", "empty"):
            values = values.astype(float)
        else:
            bad = next((v for v in values if not _is_number(v)), values.iloc[0])
            raise NotAResultFolder(f"{where} holds {_val(bad)}; expected {EXPECTED[kind]}")
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(numbers).all():
        raise NotAResultFolder(
            f"{where} holds {_first(numbers, ~np.isfinite(numbers))}; expected finite {EXPECTED[kind]}"
        )
    if kind == "int" and not (numbers == np.round(numbers)).all():
        bad = numbers[numbers != np.round(numbers)][0]
        raise NotAResultFolder(f"{where} holds {bad:g}; expected whole numbers")
    return numbers


def _val(v) -> str:
    """A value of a table in a message: text quoted, numbers as numbers."""
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    return shown(repr(v)) if isinstance(v, str) else shown(v)


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _bool(s: pd.Series, values: pd.Series, where: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.infer_dtype(values, skipna=True) in ("boolean", "empty"):
        return s
    if pd.api.types.is_numeric_dtype(values) and values.isin([0, 1]).all():
        flags = (s == 1).astype(object)
        flags[s.isna()] = None
        return flags if s.isna().any() else flags.astype(bool)
    bad = next((v for v in values if not (_is_number(v) and v in (0, 1))), values.iloc[0])
    raise NotAResultFolder(f"{where} holds {_val(bad)}; expected {EXPECTED['bool']}")


# --------------------------------------------------------------------------- manifests and configs


def _int(v, lo: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= lo


FIELDS = {
    # field -> (test, what is expected)
    "kind": (lambda v: v in ("run", "sweep"), '"run" or "sweep"'),
    "scenario": (lambda v: isinstance(v, str), "a scenario name (text)"),
    "seed": (lambda v: _int(v, 0), "a whole number of at least 0"),
    "runs": (lambda v: _int(v, 0), "a whole number of at least 0"),
    "horizon_weeks": (lambda v: _int(v, 1), "a whole number of weeks, at least 1"),
    "uncertainty": (lambda v: v in ("fixed", "sample"), '"fixed" or "sample"'),
    "command": (lambda v: isinstance(v, str), "the command line (text)"),
    "overrides": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of key=value texts"),
    "swept": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of keys (texts)"),
    "report": (
        lambda v: isinstance(v, dict) and isinstance(v.get("outcome", ""), str),
        "a mapping {outcome: NAME}",
    ),
}


CONFIG_FIELDS = ("seed", "runs", "horizon_weeks", "uncertainty", "report")  # a config's scenario is a mapping


def check_settings(data: dict, path: Path, fields=tuple(FIELDS)) -> dict:
    """A manifest.json (or, with CONFIG_FIELDS, a config.yaml) whose ``fields`` hold what they
    should (the others are not read). Missing fields are allowed; ``null`` is read as missing."""
    for key in fields:
        test, expected = FIELDS[key]
        v = data.get(key)
        if v is not None and not test(v):
            raise NotAResultFolder(f"{path}: {key} is {shown(_describe(v))}; expected {expected}")
    return data


SHORT = reprlib.Repr(maxlevel=2, maxlist=4, maxdict=4, maxstring=40, maxother=40)


def _describe(v) -> str:
    """A value of a manifest or config, briefly (bounded however large or nested it is)."""
    if isinstance(v, bool):
        return str(v).lower()
    return SHORT.repr(v)
