"""Pure analysis functions on tidy tables (no plotting, no I/O).

Every function takes pandas tables shaped like the result folders' parquet files
(``runs``, ``events``, ``timeline``, ``positions``, ``sensitivity``) and returns a
new tidy table or a small dataclass. The plots and the written report only
format what these functions return. The named outcomes below are the project's
one definition of each outcome (the teaching exercises use them too); the
intervals come from :mod:`sim.stats`.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import sys
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.report import outcomes as _outcomes
from sim.report.outcomes import (  # noqa: F401 - the outcomes are part of this module's API
    WEEKS,
    _flag,
    activate,
    active,
    outcome_label,
    outcome_series,
    resolve_outcome,
)
from sim.stats import kaplan_meier, wilson_interval

# --------------------------------------------------------------------------- proportions


def proportion_row(k: int, n: int) -> dict:
    lo, hi = wilson_interval(k, n)
    return {"k": int(k), "n": int(n), "p": k / n if n else math.nan, "lo": lo, "hi": hi}


POOLED = "pooled"  # a runs column: True where a group pools the cells of a grid (sim.report.build)
BOOTSTRAP = 2000  # resamples of the cluster bootstrap
BOOTSTRAP_SEED = 20251107  # fixed: the same report gives the same intervals


def pooled(sub: pd.DataFrame) -> bool:
    """Whether this group's runs pool several cells of a grid run on the same seeds."""
    return POOLED in sub and bool(sub[POOLED].iloc[0]) and "seed" in sub


def cluster_intervals(flags: np.ndarray, seeds, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of the shares of each column of ``flags`` (runs x m, 0/1), resampling
    whole seeds (clusters) rather than runs.

    The cells of a grid run on the same seeds (common random numbers), so the runs of one seed
    in different cells are alike, and a pooled share has fewer independent draws than runs: a
    Wilson interval over all the runs would be too narrow. Resampling seeds keeps each seed's
    runs together (a cluster bootstrap, ``BOOTSTRAP`` resamples, fixed seed)."""
    flags = np.asarray(flags, dtype=float).reshape(len(flags), -1)
    codes, index = np.unique(np.asarray(seeds), return_inverse=True)
    sums = np.zeros((len(codes), flags.shape[1]))
    np.add.at(sums, index, flags)
    counts = np.bincount(index, minlength=len(codes)).astype(float)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    weights = rng.multinomial(len(codes), np.full(len(codes), 1 / len(codes)), size=BOOTSTRAP)
    shares = (weights @ sums) / (weights @ counts)[:, None]
    tail = (1 - level) / 2 * 100
    return np.percentile(shares, tail, axis=0), np.percentile(shares, 100 - tail, axis=0)


def _rows(sub: pd.DataFrame, flags: dict[str, pd.Series]) -> dict[str, dict]:
    """A proportion row per named flag of one group: Wilson, or a cluster bootstrap over seeds
    when the group pools the cells of a grid."""
    rows = {name: proportion_row(int(f.sum()), len(f)) for name, f in flags.items()}
    if pooled(sub) and flags:
        lo, hi = cluster_intervals(np.column_stack([f.to_numpy() for f in flags.values()]), sub["seed"])
        for i, name in enumerate(flags):
            rows[name].update(lo=float(lo[i]), hi=float(hi[i]))
    return rows


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
    for g, sub in runs.groupby(group, sort=False):
        shown = sub["configuration"].where(sub["configuration"].isin(top), "other")
        made = _rows(sub, {conf: shown == conf for conf in order})
        rows += [{group: g, "configuration": conf, **made[conf]} for conf in order]
    return pd.DataFrame(rows)


def outcome_table(runs: pd.DataFrame, group: str = "group", keys=None) -> pd.DataFrame:
    """P(outcome) with Wilson intervals for each group and each computable outcome (by default
    those in REPORTED)."""
    keys = active().reported if keys is None else keys
    rows = []
    for g, sub in runs.groupby(group, sort=False):
        flags = {}
        for key in keys:
            try:
                flags[key] = outcome_series(sub, key)
            except KeyError:
                continue
        made = _rows(sub, flags)
        rows += [{group: g, "outcome": key, "label": outcome_label(key), **made[key]} for key in flags]
    return pd.DataFrame(rows)


def with_rule_range(table: pd.DataFrame, rules: pd.DataFrame, key: str, flag, group: str = "group") -> pd.DataFrame:
    """``table`` (a row per group and ``key``, with its P in ``p``) with ``rule_low`` and
    ``rule_high``: the lowest and highest P across the admitted rules, the row's own and each
    other rule's on the same seeds (``flag(runs, value)`` -> the row's 0/1 series); NaN where a
    group has no rule range."""
    low, high = [], []
    by_group = dict(tuple(rules.groupby(group, sort=False)))
    for g, value, p in zip(table[group], table[key], table["p"]):
        sub = by_group.get(g)
        if sub is None:
            low.append(math.nan), high.append(math.nan)
            continue
        try:
            shares = [p] + [float(flag(r, value).mean()) for _, r in sub.groupby("rule", sort=False)]
        except KeyError:
            shares = [math.nan]
        low.append(min(shares)), high.append(max(shares))
    return table.assign(rule_low=low, rule_high=high)


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
        if pooled(sub):  # no censoring before the horizon: S(t) is the share of runs without the event by t
            happened = np.column_stack([(observed & (duration <= t)).to_numpy() for t in curve["time"]])
            lo, hi = cluster_intervals(happened, sub["seed"])
            curve["lo"], curve["hi"] = 1 - hi, 1 - lo
        curve.insert(0, group, g)
        frames.append(curve)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------- sweeps


def heatmap_table(runs: pd.DataFrame, x: str, y: str, outcome: str, facets=()) -> pd.DataFrame:
    """P(outcome) for each cell of a sweep: one row per value of (``facets``..., x, y) with
    k, n, p, lo, hi (the Wilson interval) and half (half its width)."""
    flag = outcome_series(runs, outcome)
    keys = [*facets, x, y]
    rows = []
    for values, idx in runs.groupby(keys, sort=True).groups.items():
        f = flag.loc[idx]
        row = {**dict(zip(keys, values)), **proportion_row(int(f.sum()), len(f))}
        row["half"] = (row["hi"] - row["lo"]) / 2
        rows.append(row)
    return pd.DataFrame(rows)


def parameter_columns(runs: pd.DataFrame) -> list[str]:
    return [c for c in runs.columns if c.startswith("param.")]


# --------------------------------------------------------------------------- scenario discovery


@dataclass
class PrimResult:
    """One PRIM box: the limits of every parameter and the box statistics."""

    limits: pd.DataFrame  # parameter, low, high, min, max, restricted, qp_low, qp_high
    coverage: float
    density: float
    mass: float
    n: int
    base_rate: float
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step
    chosen: int
    dropped: list[str]  # restrictions dropped as not significant ("param.x (lower)")


def _import_prim():
    """``ema_workbench.analysis.prim`` without running the package's ``__init__`` files, which
    import the whole workbench (its experiment framework, optimisers, CART, ...): about a second
    more than PRIM needs. Empty stand-ins for the two packages are put in ``sys.modules`` while the
    module loads and taken out again after; if that fails the ordinary import is used."""
    with warnings.catch_warnings():
        # the workbench warns on import when optional extras (ipyparallel, altair) are missing
        warnings.simplefilter("ignore")
        if "ema_workbench" in sys.modules:
            from ema_workbench.analysis import prim

            return prim
        spec = importlib.util.find_spec("ema_workbench")
        stubs = {}
        if spec is not None and spec.submodule_search_locations:
            root = Path(next(iter(spec.submodule_search_locations)))
            for name, where in (("", root), ("analysis", root / "analysis"), ("em_framework", root / "em_framework")):
                stub = types.ModuleType(f"ema_workbench.{name}".rstrip("."))
                stub.__path__ = [str(where)]
                stubs[stub.__name__] = stub
        sys.modules.update(stubs)
        try:
            return importlib.import_module("ema_workbench.analysis.prim")
        except ImportError:
            for name in [m for m in sys.modules if m == "ema_workbench" or m.startswith("ema_workbench.")]:
                del sys.modules[name]
            stubs = {}
            from ema_workbench.analysis import prim

            return prim
        finally:
            for name, stub in stubs.items():
                if sys.modules.get(name) is stub:
                    del sys.modules[name]


def prim_box(
    x: pd.DataFrame, y, threshold: float = 0.8, peel_alpha: float = 0.05, mass_min: float = 0.05, qp_max: float = 0.05
) -> PrimResult:
    """Scenario discovery: the PRIM box (EMA workbench) of parameter ranges where ``y`` holds.

    Peels with ``ema_workbench.analysis.prim.Prim`` and chooses, on the peeling trajectory, the
    box of largest coverage whose density reaches ``threshold`` (or, if none does, the densest
    box). Then the limit with the largest quasi-p value (the workbench's, Bryant and Lempert 2010:
    a one-sided binomial test of the box's density against the box with that limit lifted) is
    lifted while that value exceeds ``qp_max``; the workbench recomputes the box and its qp values
    each time, so every limit left is significant.
    """
    prim = _import_prim()
    x = x.reset_index(drop=True).astype(float)
    y = np.asarray(y, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min).find_box()
        traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)
        ok = traj.index[traj["density"] >= threshold]
        chosen = int(traj.loc[ok, "coverage"].idxmax()) if len(ok) else int(traj["density"].idxmax())
        final, dropped = _significant(box, x, chosen, qp_max)
    stat = box.peeling_trajectory.iloc[final]
    return PrimResult(
        _limits(x, box.box_lims[final], box.p_values[final]),
        float(stat["coverage"]),
        float(stat["density"]),
        float(stat["mass"]),
        int(len(y)),
        float(y.mean()),
        traj,
        chosen,
        dropped,
    )


def _significant(box, x: pd.DataFrame, i: int, qp_max: float) -> tuple[int, list[str]]:
    """Lift the least significant limit of box ``i`` while its qp value exceeds ``qp_max`` (one at a
    time: the workbench's ``box.update`` adds the new box and recomputes every qp value). Returns
    the final box's index and the limits lifted."""
    dropped: list[str] = []
    initial = box.box_lims[0]
    for _ in range(2 * x.shape[1]):
        qps = [(qp, p, side) for p, pair in box.p_values[i].items() for side, qp in enumerate(pair) if qp >= 0]
        if not qps or max(qps)[0] <= qp_max:
            break
        _, p, side = max(qps)
        lims = box.box_lims[i].copy()
        lims.loc[side, p] = initial.loc[side, p]
        dropped.append(f"{p} ({'lower' if side == 0 else 'upper'})")
        inside = ((x >= lims.loc[0]) & (x <= lims.loc[1])).all(axis=1).to_numpy()
        box.update(lims, np.flatnonzero(inside))
        i = len(box.box_lims) - 1
    return i, dropped


def _limits(x: pd.DataFrame, lims: pd.DataFrame, qp: dict) -> pd.DataFrame:
    rows = []
    for p in x.columns:
        lo, hi = float(lims.loc[0, p]), float(lims.loc[1, p])
        full_lo, full_hi = float(x[p].min()), float(x[p].max())
        q_lo, q_hi = qp.get(p, (-1, -1))
        rows.append(
            {
                "parameter": p,
                "low": lo,
                "high": hi,
                "min": full_lo,
                "max": full_hi,
                "restricted": bool(lo > full_lo or hi < full_hi),
                "qp_low": float(q_lo) if q_lo is not None and q_lo >= 0 else math.nan,
                "qp_high": float(q_hi) if q_hi is not None and q_hi >= 0 else math.nan,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- sensitivity


def sensitivity_table(sens: pd.DataFrame, outcome: str | None = None, top: int | None = None) -> pd.DataFrame:
    """The indices of one outcome, sorted by importance (ST for Sobol, mu_star for Morris); with
    ``top``, only the ``top`` most important parameters."""
    sub = sens if outcome is None else sens[sens["outcome"] == outcome]
    key = "ST" if "ST" in sub and sub["ST"].notna().any() else "mu_star"
    out = sub.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
    return out if top is None else out.head(top)


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


# --------------------------------------------------------------------------- formatting


def format_number(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f}M"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}"


def format_difference(row) -> str:
    """E.g. ``P(deployed) 0.04 → 0.21, difference 0.17 ± 0.03``."""
    f = format_number
    return f"{row['label']} {f(row['a'])} → {f(row['b'])}, difference {f(row['diff'])} ± {f(row['half'])}"


def __getattr__(name: str):
    """``OUTCOMES``, ``REPORTED``, ``MEANS``: the active case's (:mod:`sim.report.outcomes`)."""
    if name in ("OUTCOMES", "REPORTED", "MEANS"):
        return getattr(_outcomes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
