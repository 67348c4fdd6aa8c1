"""Comparing two result folders: paired on common seeds when they have them, with the false
discovery rate controlled over all the outcome differences of a comparison.

Folders run on the same seeds (isf-sim's default: common random numbers) are compared run by run:
a run of one folder is matched to the run of the other with the same seed (and, for two sweeps,
the same values of the keys both swept). The intervals come from :mod:`sim.stats` — paired
(Newcombe's method 10 for proportions, the t interval of the seed-by-seed differences for means)
when every run has its match, independent (Wald, Welch) otherwise — and every comparison says
which it used. No statistic is computed here beyond reading a p-value off those intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from sim.report.outcomes import active, outcome_label, outcome_series
from sim.stats import (
    LEVEL,
    Difference,
    difference_of_means,
    difference_of_proportions,
    paired_difference_of_means,
    paired_difference_of_proportions,
    z_quantile,
)

FDR = 0.05  # the false discovery rate of "differences that matter"
COLUMNS = ("outcome", "label", "kind", "a", "b", "diff", "half", "lo", "hi", "clear", "p", "q", "matters")


@dataclass(frozen=True)
class Pairing:
    """How two folders' runs are compared: ``paired`` on ``n`` matched runs (matched by ``keys``),
    or independent, with the sentence that says which and why."""

    paired: bool
    n: int
    keys: tuple[str, ...]
    note: str


def pairing(runs_a: pd.DataFrame, runs_b: pd.DataFrame, swept: tuple[str, ...] = ()) -> Pairing:
    """Whether the runs of two folders can be matched one to one (the same seeds, and the same
    values of the swept keys both folders hold), and the sentence that says so."""
    if "seed" not in runs_a or "seed" not in runs_b:
        return Pairing(False, 0, (), "independent: a folder has no seed column")
    keys = ("seed", *(k for k in swept if k in runs_a and k in runs_b))
    by = " and ".join(("seed", ", ".join(keys[1:]))) if len(keys) > 1 else "seed"
    for runs in (runs_a, runs_b):
        if runs.duplicated(list(keys)).any():
            per = runs.groupby(list(keys)).size().max()
            return Pairing(False, 0, keys, f"independent: a folder has up to {per} runs per {by}, no one-to-one match")
    a, b = _index(runs_a, keys), _index(runs_b, keys)
    common = len(a.intersection(b))
    if common == len(a) == len(b):
        what = f"{common} common seeds" if len(keys) == 1 else f"{common} runs matched by {by}"
        return Pairing(True, common, keys, f"paired on {what}")
    if common == 0:
        return Pairing(False, 0, keys, "independent: the folders share no seeds")
    return Pairing(
        False,
        0,
        keys,
        f"independent: the folders share {common} of their {len(a)} and {len(b)} runs by {by} "
        "(pairing needs every run matched)",
    )


def _index(runs: pd.DataFrame, keys: tuple[str, ...]) -> pd.Index:
    return pd.MultiIndex.from_frame(runs[list(keys)].astype(str)) if len(keys) > 1 else pd.Index(runs[keys[0]])


def align(runs_a: pd.DataFrame, runs_b: pd.DataFrame, keys: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables in the same order of their matching keys (row i of each: the same seed)."""
    a = runs_a.set_index(_index(runs_a, keys)).sort_index()
    b = runs_b.set_index(_index(runs_b, keys)).loc[a.index]
    return a.reset_index(drop=True), b.reset_index(drop=True)


def p_value(d: Difference, level: float = LEVEL) -> float:
    """The two-sided p-value of "no difference", read off the 95 % interval of the test used.

    The standard error is the distance from the estimate to the end of the interval that faces
    zero, divided by the normal quantile of ``level``: z = diff / se. For the symmetric Wald and
    Welch intervals this is their own z test; for Newcombe's asymmetric interval it takes the side
    facing zero, so p < 1 − level exactly when the interval excludes zero; for the t interval of
    paired means it is the normal approximation of the t test (runs ≥ 30 per folder).
    """
    if not all(math.isfinite(v) for v in (d.diff, d.lo, d.hi)):
        return math.nan
    if d.diff == 0:
        return 1.0
    near = d.diff - d.lo if d.diff > 0 else d.hi - d.diff
    if near <= 0:
        return 0.0
    return float(2 * norm.sf(abs(d.diff) / (near / z_quantile(level))))


def false_discovery(p: pd.Series, rate: float = FDR) -> tuple[pd.Series, pd.Series]:
    """Benjamini–Hochberg over the finite p-values: (q-values, holds at the false discovery rate)."""
    from statsmodels.stats.multitest import multipletests

    q = pd.Series(np.nan, index=p.index)
    hold = pd.Series(False, index=p.index)
    ok = p.notna()
    if ok.any():
        reject, adjusted, _, _ = multipletests(p[ok].to_numpy(), alpha=rate, method="fdr_bh")
        q[ok], hold[ok] = adjusted, reject
    return q, hold


def compare(
    runs_a: pd.DataFrame, runs_b: pd.DataFrame, swept: tuple[str, ...] = (), keys=None, means=None
) -> tuple[pd.DataFrame, Pairing]:
    """Differences b − a of the outcomes (``keys``, default REPORTED: proportions) and means
    (``means``, default MEANS), paired when the runs match one to one (:func:`pairing`).

    Columns: outcome, label, kind ("proportion"/"mean"), a, b, diff, half, lo, hi, clear (the 95 %
    interval excludes 0), p, q (Benjamini–Hochberg), matters (holds at a false discovery rate of 5 %).
    """
    keys = active().reported if keys is None else keys
    means = active().means if means is None else means
    pair = pairing(runs_a, runs_b, swept)
    if pair.paired:
        runs_a, runs_b = align(runs_a, runs_b, pair.keys)
    prop = paired_difference_of_proportions if pair.paired else _independent_proportions
    mean = paired_difference_of_means if pair.paired else difference_of_means
    rows = []
    for key in keys:
        try:
            ya, yb = outcome_series(runs_a, key), outcome_series(runs_b, key)
        except KeyError:
            continue
        rows.append(_row(key, outcome_label(key), "proportion", prop(ya, yb)))
    for col, (label, _unit) in means.items():
        if col in runs_a and col in runs_b:
            rows.append(_row(col, label, "mean", mean(runs_a[col].astype(float), runs_b[col].astype(float))))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["q"], table["matters"] = false_discovery(table["p"].astype(float))
    return table, pair


def _independent_proportions(ya: pd.Series, yb: pd.Series) -> Difference:
    return difference_of_proportions(int(ya.sum()), len(ya), int(yb.sum()), len(yb))


def _row(key, label, kind, d: Difference) -> dict:
    return {
        "outcome": key,
        "label": label,
        "kind": kind,
        "a": d.a,
        "b": d.b,
        "diff": d.diff,
        "half": d.half,
        "lo": d.lo,
        "hi": d.hi,
        "clear": d.clear,
        "p": p_value(d),
    }


def method(pair: Pairing) -> str:
    """The intervals a comparison used, in words."""
    if pair.paired:
        return (
            "proportions: Newcombe's interval for paired proportions (method 10); means: the t interval of "
            "the run-by-run differences"
        )
    return "proportions: Wald interval for independent samples; means: Welch (normal) interval"
