"""``to_ema(runs)``: a runs table as the EMA workbench's analysis functions take it (docs/api.md).

Why: the field's tool for scenario discovery is the EMA workbench — interactive PRIM
(``prim.Prim(x, y).find_box()``, ``box.inspect()``, ``box.select(i)``, ``box.show_tradeoff()``),
feature scoring, CART — and every one of those takes an ``(experiments, outcomes)`` pair: a
DataFrame of the uncertain inputs, one row per run, and a dict of NumPy arrays, one per outcome.
With ``uncertainty=sample`` each run of isf-sim draws its parameters and writes them as the
``param.*`` columns of its runs table, so a table holds both halves; this module only splits it.
``isf-report``'s own PRIM section (:mod:`sim.report.analysis`) reads the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_ema"]

PARAM = "param."
NOT_OUTCOMES = ("seed",)  # numeric columns that identify a run rather than measure it


def _table(results: Any) -> pd.DataFrame:
    """A runs table from what :func:`sim.simulate` returns or from a result folder / runs.parquet."""
    if isinstance(results, tuple) and results and isinstance(results[0], pd.DataFrame):
        return results[0]  # Traced, Weekly, TracedWeekly: the runs table comes first
    if isinstance(results, pd.DataFrame):
        return results
    if isinstance(results, (str, Path)):
        path = Path(results)
        path = path / "runs.parquet" if path.is_dir() else path
        if not path.is_file():
            raise ValueError(f"to_ema: {results} has no runs.parquet; allowed: a runs table or a result folder")
        return pd.read_parquet(path)
    raise TypeError(f"to_ema: a {type(results).__name__}; allowed: a runs table, what simulate() returns, a folder")


def _is_outcome(series: pd.Series) -> bool:
    """A column an analysis can use as an outcome: boolean, or numeric without missing values
    (a week column is NaN where the event never happened, which PRIM and CART cannot take)."""
    if pd.api.types.is_bool_dtype(series):
        return True
    return pd.api.types.is_numeric_dtype(series) and not series.isna().any()


def to_ema(results: Any, outcomes: Iterable[str] | None = None) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``(experiments, outcomes)`` of a sampled runs table, as the EMA workbench returns them
    from ``perform_experiments`` and its analysis functions take them.

    ``results``: a runs table (:func:`sim.simulate` with ``uncertainty="sample"``, the default),
    a ``Traced``/``Weekly`` result, or a result folder or ``runs.parquet`` written by ``isf-sim``.

    - ``experiments``: one row per run, one float column per sampled parameter, named by its path
      (``actors.ISR.resolve``; the ``param.`` prefix dropped), in the table's order; a
      ``scenario`` column (categorical) only when the table holds more than one scenario.
    - ``outcomes``: ``{column: array}`` for every boolean outcome (``deployed``, ``un_authorized``,
      the case's named outcomes such as ``turkish_troops`` ...) and every numeric one without
      missing values (``troops``, ``deaths``, ``disarmament``, ``funding_usd`` ...); text columns
      (``configuration``) and the weeks of events that may not happen are left out unless named
      in ``outcomes`` (a week is then NaN where the event never happened).

    A table without ``param.*`` columns (``uncertainty="fixed"``) has nothing to discover and is
    refused with a ``ValueError`` saying so.
    """
    runs = _table(results).reset_index(drop=True)
    params = [c for c in runs.columns if c.startswith(PARAM)]
    if not params:
        raise ValueError(
            "to_ema: the runs have no sampled parameters (param.* columns); "
            "allowed: runs made with uncertainty='sample' (the default)"
        )
    experiments = runs[params].astype(float).rename(columns=lambda c: c[len(PARAM) :])
    if "scenario" in runs and runs["scenario"].nunique() > 1:
        experiments["scenario"] = runs["scenario"].astype("category")
    if outcomes is None:
        names = [c for c in runs.columns if not c.startswith(PARAM) and c not in NOT_OUTCOMES and _is_outcome(runs[c])]
    else:
        names = [outcomes] if isinstance(outcomes, str) else list(outcomes)
        missing = [n for n in names if n not in runs.columns]
        if missing:
            raise ValueError(f"to_ema: no column {missing[0]!r} in the runs; allowed: {', '.join(runs.columns)}")
    out = {name: runs[name].to_numpy(dtype=bool if pd.api.types.is_bool_dtype(runs[name]) else None) for name in names}
    return experiments, out
