"""Pure analysis functions on tidy tables (no plotting, no I/O).

Every function takes pandas tables shaped like the result folders' parquet files
(``runs``, ``events``, ``timeline``, ``positions``, ``sensitivity``) and returns a
new tidy table or a small dataclass. The plots and the written report only
format what these functions return. The named outcomes below are the project's
one definition of each outcome (the teaching exercises use them too); the
intervals come from :mod:`sim.stats`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.report.outcomes import (  # noqa: F401 - the outcomes are part of this module's API
    MEANS,
    OUTCOMES,
    REPORTED,
    WEEKS,
    _flag,
    outcome_label,
    outcome_series,
    resolve_outcome,
)
from sim.stats import Difference, difference_of_means, difference_of_proportions, kaplan_meier, wilson_interval

# --------------------------------------------------------------------------- proportions


def proportion_row(k: int, n: int) -> dict:
    lo, hi = wilson_interval(k, n)
    return {"k": int(k), "n": int(n), "p": k / n if n else math.nan, "lo": lo, "hi": hi}


# --------------------------------------------------------------------------- configurations


def configuration_table(runs: pd.DataFrame, group: str = "group", top_k: int = 6) -> pd.DataFrame:
    """Probability of each emergent configuration per group, with Wilson intervals.

    The ``top_k`` configurations (by their largest probability in any group) are
    kept; the rest are pooled as ``"other"``. Returns columns
    group, configuration, k, n, p, lo, hi, in a stable order (top first, "other" last).
    """
    counts = runs.groupby([group, "configuration"], sort=False).size().rename("k").reset_index()
    totals = runs.groupby(group, sort=False).size()
    counts["share"] = counts["k"] / counts[group].map(totals)
    best = counts.groupby("configuration")["share"].max().sort_values(ascending=False, kind="stable")
    top = list(best.index[:top_k])
    counts["configuration"] = counts["configuration"].where(counts["configuration"].isin(top), "other")
    order = top + (["other"] if (counts["configuration"] == "other").any() else [])
    rows = []
    for g, n in totals.items():
        sub = counts[counts[group] == g].groupby("configuration")["k"].sum()
        for conf in order:
            rows.append({group: g, "configuration": conf, **proportion_row(int(sub.get(conf, 0)), int(n))})
    return pd.DataFrame(rows)


def outcome_table(runs: pd.DataFrame, group: str = "group", keys=None) -> pd.DataFrame:
    """P(outcome) with Wilson intervals for each group and each computable outcome (by default
    those in REPORTED)."""
    keys = REPORTED if keys is None else keys
    rows = []
    for g, sub in runs.groupby(group, sort=False):
        for key in keys:
            try:
                y = outcome_series(sub, key)
            except KeyError:
                continue
            rows.append({group: g, "outcome": key, "label": outcome_label(key), **proportion_row(int(y.sum()), len(y))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- survival


def survival_table(runs: pd.DataFrame, week_col: str, horizon: float | dict, group: str = "group") -> pd.DataFrame:
    """Kaplan–Meier curves of the time to ``week_col`` per group, censored at the horizon.

    ``horizon`` is one number or a dict group -> horizon_weeks. Runs with NaN (no
    event) are censored at the horizon; events after the horizon are censored too.
    """
    frames = []
    for g, sub in runs.groupby(group, sort=False):
        h = horizon[g] if isinstance(horizon, dict) else horizon
        week = sub[week_col].astype(float)
        observed = week.notna() & (week <= h)
        duration = week.where(observed, h)
        curve = kaplan_meier(duration, observed)
        curve.insert(0, group, g)
        frames.append(curve)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------- sweeps


def heatmap_table(runs: pd.DataFrame, x: str, y: str, outcome: str) -> pd.DataFrame:
    """P(outcome) for each (x, y) cell of a two-parameter sweep: x, y, k, n, p, lo, hi."""
    flag = outcome_series(runs, outcome)
    rows = []
    for (xv, yv), idx in runs.groupby([x, y], sort=True).groups.items():
        f = flag.loc[idx]
        rows.append({x: xv, y: yv, **proportion_row(int(f.sum()), len(f))})
    return pd.DataFrame(rows)


def pivot_heatmap(cells: pd.DataFrame, x: str, y: str, value: str = "p") -> pd.DataFrame:
    """Rows = y values (ascending), columns = x values (ascending)."""
    return cells.pivot(index=y, columns=x, values=value).sort_index().sort_index(axis=1)


def parameter_columns(runs: pd.DataFrame) -> list[str]:
    return [c for c in runs.columns if c.startswith("param.")]


# --------------------------------------------------------------------------- scenario discovery


@dataclass
class PrimResult:
    """One PRIM box: the limits of every parameter and the box statistics."""

    limits: pd.DataFrame  # parameter, low, high, min, max, restricted
    coverage: float
    density: float
    mass: float
    n: int
    base_rate: float
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step
    chosen: int


def _import_prim():
    # ema_workbench warns on import when optional extras (ipyparallel, altair) are
    # missing; those extras are not needed for PRIM.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


def prim_box(
    x: pd.DataFrame, y, threshold: float = 0.8, peel_alpha: float = 0.05, mass_min: float = 0.05
) -> PrimResult:
    """Scenario discovery: the PRIM box (EMA workbench) of parameter ranges where ``y`` holds.

    Peels with ``ema_workbench.analysis.prim.Prim`` and chooses, on the peeling
    trajectory, the box of largest coverage whose density reaches ``threshold``
    (or, if none does, the densest box).
    """
    prim = _import_prim()
    x = x.reset_index(drop=True).astype(float)
    y = np.asarray(y, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
        box = finder.find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)
    ok = traj.index[traj["density"] >= threshold]
    chosen = int(traj.loc[ok, "coverage"].idxmax()) if len(ok) else int(traj["density"].idxmax())
    lims = box.box_lims[chosen]
    rows = []
    for p in x.columns:
        lo, hi = float(lims.loc[0, p]), float(lims.loc[1, p])
        full_lo, full_hi = float(x[p].min()), float(x[p].max())
        rows.append(
            {
                "parameter": p,
                "low": lo,
                "high": hi,
                "min": full_lo,
                "max": full_hi,
                "restricted": bool(lo > full_lo or hi < full_hi),
            }
        )
    limits = pd.DataFrame(rows)
    stat = traj.loc[chosen]
    return PrimResult(
        limits,
        float(stat["coverage"]),
        float(stat["density"]),
        float(stat["mass"]),
        int(len(y)),
        float(y.mean()),
        traj,
        chosen,
    )


# --------------------------------------------------------------------------- sensitivity


def sensitivity_table(sens: pd.DataFrame, outcome: str | None = None) -> pd.DataFrame:
    """The indices of one outcome, sorted by importance (ST for Sobol, mu_star for Morris)."""
    sub = sens if outcome is None else sens[sens["outcome"] == outcome]
    key = "ST" if "ST" in sub and sub["ST"].notna().any() else "mu_star"
    return sub.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- traces

KEY_EVENTS = (
    "veto_yielded",
    "resolution_passed",
    "resolution_failed",
    "council_tabled",
    "deploy",
    "withdraw",
    "collapse",
    "funding",
    "liaison",
    "remains_returned",
)


def key_events(events: pd.DataFrame, seed=None, kinds=KEY_EVENTS, limit: int = 12) -> pd.DataFrame:
    """First occurrence of each (kind, actor) among the key kinds, in time order."""
    ev = events if seed is None else events[events["seed"] == seed]
    ev = ev[ev["kind"].isin(kinds)].sort_values("week", kind="stable")
    return ev.drop_duplicates(["kind", "actor"]).head(limit).reset_index(drop=True)


def active_actors(positions: pd.DataFrame, limit: int = 8) -> list[str]:
    """Actors whose position moved most or who received most pressure (at most ``limit``)."""
    g = positions.groupby("actor")
    score = (g["position"].max() - g["position"].min()).fillna(0) + g["pressure"].sum().fillna(0) / (
        positions["pressure"].sum() or 1
    )
    score = score[score > 0].sort_values(ascending=False, kind="stable")
    chosen = list(score.index[:limit]) if len(score) else list(g.size().index[:limit])
    return sorted(chosen)


# --------------------------------------------------------------------------- comparison


def compare(runs_a: pd.DataFrame, runs_b: pd.DataFrame) -> pd.DataFrame:
    """Differences b - a of the reported outcomes (proportions) and the main means, with the
    intervals of independent samples.

    Columns: outcome, label, kind ("proportion"/"mean"), a, b, diff, half, lo, hi, clear.
    """
    rows = []
    for key in REPORTED:
        try:
            ya, yb = outcome_series(runs_a, key), outcome_series(runs_b, key)
        except KeyError:
            continue
        d = difference_of_proportions(int(ya.sum()), len(ya), int(yb.sum()), len(yb))
        rows.append(_diff_row(key, outcome_label(key), "proportion", d))
    for col, (label, _unit) in MEANS.items():
        if col in runs_a and col in runs_b:
            d = difference_of_means(runs_a[col], runs_b[col])
            rows.append(_diff_row(col, label, "mean", d))
    return pd.DataFrame(rows)


def _diff_row(key, label, kind, d: Difference) -> dict:
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
    }


def format_number(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f}M"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}"


def format_difference(row) -> str:
    """E.g. ``P(Turkish troops) 0.04 → 0.21, difference 0.17 ± 0.03``."""
    f = format_number
    return f"{row['label']} {f(row['a'])} → {f(row['b'])}, difference {f(row['diff'])} ± {f(row['half'])}"
