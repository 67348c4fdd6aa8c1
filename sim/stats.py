"""Every interval the project reports, in one module: pure functions on numbers and arrays.

The table ``isf-sim`` prints (:mod:`sim.report.table`), the report (:mod:`sim.report.analysis`)
and the teaching exercises (:mod:`sim.teaching.exercises`) all take their statistics from here,
so one question gets one answer everywhere.

- one proportion: the Wilson score interval (statsmodels' formula, written out);
- one mean: the t interval (statsmodels);
- two independent samples (e.g. two result folders): a difference of proportions with the Wald
  interval, a difference of means with the normal (Welch) interval (statsmodels);
- two arms on the same seeds (common random numbers, as the exercises' runs are): the paired
  difference of proportions with Newcombe's method 10 interval (written out here: no library
  has it), the paired difference of means with the t interval of the run-by-run differences;
- a time to an event: the Kaplan–Meier curve with log(−log) Greenwood intervals, and its median.

Every function takes the confidence ``level`` (default 95 %) and returns plain floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# scipy and statsmodels are imported where used: together they take ~0.7 s, which every
# isf-sim job's table would otherwise pay

LEVEL = 0.95
NAN = math.nan


def z_quantile(level: float = LEVEL) -> float:
    """The two-sided normal quantile of a confidence level (1.96 for 95 %; the standard library's,
    which agrees with scipy's to the last digit printed and costs no import)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


# --------------------------------------------------------------------------- one sample


def wilson_interval(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval for the proportion k/n (NaNs if n == 0).

    At k = 0 and k = n the limit is exactly 0 or 1 (statsmodels' arithmetic leaves 1 − 1e-16)."""
    if n == 0:
        return (NAN, NAN)
    # statsmodels' proportion_confint(method="wilson"), written out: every isf-sim job prints
    # these, and importing statsmodels for them was a tenth of a short job's time
    z = z_quantile(level)
    p, z2 = k / n, z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n**2)) / denom
    return (0.0 if k == 0 else center - half, 1.0 if k == n else center + half)


def mean_interval(x, level: float = LEVEL) -> tuple[float, float]:
    """t interval for the mean of ``x`` (NaNs dropped; NaNs if fewer than two values)."""
    x = _finite(x)
    if len(x) < 2:
        return (NAN, NAN)
    from statsmodels.stats.weightstats import DescrStatsW

    lo, hi = DescrStatsW(x).tconfint_mean(alpha=1 - level)
    return (float(lo), float(hi))


def _finite(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[~np.isnan(x)]


# --------------------------------------------------------------------------- two samples


@dataclass(frozen=True)
class Difference:
    """The estimates a and b, their difference b − a and its interval (lo, hi)."""

    a: float
    b: float
    diff: float
    lo: float
    hi: float

    @property
    def half(self) -> float:
        """Half the interval's width: the ± of a symmetric interval."""
        return (self.hi - self.lo) / 2

    @property
    def clear(self) -> bool:
        """The interval excludes zero."""
        return self.lo > 0 or self.hi < 0


def difference_of_proportions(k1: int, n1: int, k2: int, n2: int, level: float = LEVEL) -> Difference:
    """k2/n2 − k1/n1 for independent samples, with the Wald interval."""
    p1, p2 = k1 / n1, k2 / n2
    from statsmodels.stats.proportion import confint_proportions_2indep

    lo, hi = confint_proportions_2indep(k2, n2, k1, n1, method="wald", compare="diff", alpha=1 - level)
    return Difference(p1, p2, p2 - p1, float(lo), float(hi))


def difference_of_means(x1, x2, level: float = LEVEL) -> Difference:
    """mean(x2) − mean(x1) for independent samples, with the normal interval of unequal variances
    (Welch's standard error; NaNs dropped; a NaN interval if a sample has fewer than two values)."""
    x1, x2 = _finite(x1), _finite(x2)
    m1, m2 = float(x1.mean()), float(x2.mean())
    if min(len(x1), len(x2)) < 2:
        return Difference(m1, m2, m2 - m1, NAN, NAN)
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    lo, hi = CompareMeans(DescrStatsW(x2), DescrStatsW(x1)).zconfint_diff(alpha=1 - level, usevar="unequal")
    return Difference(m1, m2, m2 - m1, float(lo), float(hi))


def paired_difference_of_proportions(x1, x2, level: float = LEVEL) -> Difference:
    """P(x2) − P(x1) for two binary outcomes observed on the same units, with Newcombe's method 10.

    Here a unit is a seed: both arms run on the same seeds (common random numbers), so the two
    outcomes of a seed are correlated and an interval for independent samples would be too wide.
    Newcombe (1998, "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Statistics in Medicine 17: 2635–2650), method 10: the
    Wilson limits (l1, u1) and (l2, u2) of the two proportions are combined with the correlation
    φ of the paired 2 × 2 table,

        lower = d − √((p2 − l2)² − 2φ (p2 − l2)(u1 − p1) + (u1 − p1)²)
        upper = d + √((u2 − p2)² − 2φ (u2 − p2)(p1 − l1) + (p1 − l1)²),     d = p2 − p1.

    With φ = 0 this is Newcombe's interval for independent proportions. φ is the plain sample
    estimate (no continuity correction), 0 when a margin of the table is empty.
    """
    x1, x2 = np.asarray(x1, dtype=bool), np.asarray(x2, dtype=bool)
    if x1.shape != x2.shape:
        raise ValueError(f"paired outcomes need as many values in both arms ({len(x1)} vs {len(x2)})")
    n = len(x1)
    if n == 0:
        return Difference(NAN, NAN, NAN, NAN, NAN)
    k1, k2 = int(x1.sum()), int(x2.sum())
    p1, p2 = k1 / n, k2 / n
    (l1, u1), (l2, u2) = wilson_interval(k1, n, level), wilson_interval(k2, n, level)
    phi = _phi(int((x1 & x2).sum()), int((x1 & ~x2).sum()), int((~x1 & x2).sum()), int((~x1 & ~x2).sum()))
    below = math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2))
    above = math.sqrt(max(0.0, (u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2))
    return Difference(p1, p2, p2 - p1, p2 - p1 - below, p2 - p1 + above)


def _phi(both: int, first_only: int, second_only: int, neither: int) -> float:
    """The correlation (φ coefficient) of a paired 2 × 2 table; 0 if a margin is empty."""
    margins = (both + first_only) * (second_only + neither) * (both + second_only) * (first_only + neither)
    if margins == 0:
        return 0.0
    return (both * neither - first_only * second_only) / math.sqrt(margins)


def paired_difference_of_means(x1, x2, level: float = LEVEL) -> Difference:
    """mean(x2 − x1) over units observed in both arms (the same seeds), with the t interval of the
    run-by-run differences (a NaN interval for fewer than two pairs)."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    if x1.shape != x2.shape:
        raise ValueError(f"paired values need as many values in both arms ({len(x1)} vs {len(x2)})")
    d = x2 - x1
    lo, hi = mean_interval(d, level)
    return Difference(float(x1.mean()), float(x2.mean()), float(d.mean()), lo, hi)


# --------------------------------------------------------------------------- time to an event


def kaplan_meier(durations, observed, level: float = LEVEL) -> pd.DataFrame:
    """Kaplan–Meier estimate of S(t) = P(event after t).

    ``durations``: time of event or of censoring; ``observed``: True for an event. Returns one
    row per distinct time (starting with t=0, S=1): time, at_risk, events, censored, survival,
    lo, hi (the log(−log) Greenwood interval). ``scipy.stats.ecdf`` gives the same curve and
    limits (tests/test_stats.py checks it) but no rows at censoring-only times, no counts, and
    no limits where S(t) = 0, which the report's tables and figures need.
    """
    t = np.asarray(durations, dtype=float)
    d = np.asarray(observed, dtype=bool)
    z = z_quantile(level)
    rows = [{"time": 0.0, "at_risk": len(t), "events": 0, "censored": 0, "survival": 1.0, "lo": 1.0, "hi": 1.0}]
    s, greenwood = 1.0, 0.0
    for time in np.unique(t):
        at_risk = int((t >= time).sum())
        events = int(((t == time) & d).sum())
        censored = int(((t == time) & ~d).sum())
        if events:
            s *= 1 - events / at_risk
            if at_risk > events:
                greenwood += events / (at_risk * (at_risk - events))
            else:
                greenwood = math.inf
        lo, hi = _loglog_interval(s, greenwood, z)
        row = {
            "time": float(time),
            "at_risk": at_risk,
            "events": events,
            "censored": censored,
            "survival": s,
            "lo": lo,
            "hi": hi,
        }
        if time == 0.0:
            rows[0] = row
        else:
            rows.append(row)
    return pd.DataFrame(rows)


def _loglog_interval(s: float, greenwood: float, z: float) -> tuple[float, float]:
    if s >= 1.0:
        return (1.0, 1.0)
    if s <= 0.0 or not math.isfinite(greenwood):
        return (0.0, 0.0) if s <= 0.0 else (0.0, 1.0)
    se = math.sqrt(greenwood) / abs(math.log(s))
    return (s ** math.exp(z * se), s ** math.exp(-z * se))


def km_median(curve: pd.DataFrame) -> float:
    """First time a Kaplan–Meier curve drops to 0.5 or below (NaN if never)."""
    below = curve[curve["survival"] <= 0.5]
    return float(below["time"].iloc[0]) if len(below) else NAN


def median_time(times) -> float:
    """The Kaplan–Meier median of times to an event, NaN meaning the event never happened (such a
    run is censored after every observed time); NaN if the event happened in fewer than half."""
    t = np.asarray(times, dtype=float)
    happened = ~np.isnan(t)
    return km_median(kaplan_meier(np.where(happened, t, math.inf), happened))
