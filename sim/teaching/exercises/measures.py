"""An outcome of the report as the exercises show it: a table cell with its interval, the paired
difference of two runs on the same seeds, a median week.

The outcomes are the report's (:mod:`sim.report.analysis`: ``OUTCOMES``, ``MEANS``, ``WEEKS``)
and a few of the exercises' own (``EXTRA``), named by key or label, and every interval comes from
:mod:`sim.stats`: a run's probabilities and median weeks are those ``isf-sim`` prints and
``isf-report`` shows for the same runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.report import analysis as an
from sim.report.table import median_week
from sim.stats import (
    Difference,
    mean_interval,
    median_time,
    paired_difference_of_means,
    paired_difference_of_proportions,
    wilson_interval,
)

#: Outcomes the exercises need beyond the report's, each computed from a runs.parquet column:
#: key -> (label, function of the runs table -> bool Series). With fewer than half the runs
#: deploying (model v2), the Kaplan–Meier median week is often "not reached"; a share deployed
#: by a given week still shows timing.
EXTRA: dict[str, tuple[str, object]] = {
    "deployed_by_week_20": ("P(deployed by week 20)", lambda r: r["week_deployed"].fillna(float("inf")) <= 20),
}


@dataclass(frozen=True)
class Measure:
    """One outcome: its key in the report, label, kind (``proportion``, ``mean`` or ``week``: a
    median week) and number format."""

    key: str
    label: str
    kind: str
    fmt: str = "{:.2f}"

    def values(self, runs: pd.DataFrame) -> pd.Series:
        """The outcome of every run: a bool for a proportion, else a float (NaN: a week never reached)."""
        if self.kind == "proportion":
            if self.key in EXTRA:
                return EXTRA[self.key][1](runs).astype(bool)
            return an.outcome_series(runs, self.key)
        return runs[self.key].astype(float)

    def estimate(self, runs: pd.DataFrame) -> tuple[float, float, float]:
        """(value, low, high): a probability with its Wilson interval, a mean with its t interval."""
        x = self.values(runs)
        if self.kind == "proportion":
            return (float(x.mean()), *wilson_interval(int(x.sum()), len(x)))
        if self.kind == "mean":
            return (float(x.mean()), *mean_interval(x))
        raise ValueError(f"{self.label} is a median week: it has no interval here")

    def median(self, runs: pd.DataFrame) -> float:
        """The Kaplan–Meier median week, ∞ if reached in fewer than half the runs."""
        week = median_time(self.values(runs))
        return math.inf if math.isnan(week) else week

    def cell(self, runs: pd.DataFrame) -> str:
        """A table cell: ``0.31 (0.27–0.35)``, or ``week 38`` for a median week."""
        if self.kind == "week":
            return median_week(runs, self.key)
        value, lo, hi = self.estimate(runs)
        return f"{self.fmt.format(value)} ({self.fmt.format(lo)}–{self.fmt.format(hi)})"

    def paired(self, a: pd.DataFrame, b: pd.DataFrame) -> Difference:
        """b − a, run by run on the same seeds (common random numbers), with its 95% interval."""
        if list(a["seed"]) != list(b["seed"]):
            raise ValueError("paired differences need the same seeds in both tables")
        if self.kind == "proportion":
            return paired_difference_of_proportions(self.values(a), self.values(b))
        if self.kind == "mean":
            return paired_difference_of_means(self.values(a), self.values(b))
        raise ValueError(f"{self.label} is a median week: compare it with goes up/down/flat")

    def signed(self, x: float) -> str:
        """``+0.25``, ``−753`` or ``0.00`` (a difference that rounds to zero has no sign)."""
        text = self.fmt.format(abs(x))
        if text.strip("0.,") == "":
            return self.fmt.format(0.0)
        return ("+" if x > 0 else "−") + text


def measure(name: str) -> Measure:
    """The report's outcome called ``name``: a key (``deaths``, ``turkish_troops``) or a label
    (``"P(deployed without Türkiye)"``, ``"mean deaths over the horizon"``). KeyError if unknown."""
    for col, (label, unit) in an.MEANS.items():
        if name in (col, label):
            fmt = "{:.3f}" if unit.startswith("share") else "{:.2f}" if unit == "votes" else "{:,.0f}"
            return Measure(col, label, "mean", fmt)
    for key, (label, _f) in EXTRA.items():
        if name in (key, label):
            return Measure(key, label, "proportion")
    for col, label in an.WEEKS.items():
        if name in (col, label):
            return Measure(col, label, "week")
    key = an.resolve_outcome(name)
    return Measure(key, an.outcome_label(key), "proportion")
