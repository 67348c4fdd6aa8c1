"""The outcomes the audit compares (:mod:`sim.tools.audit`): those every case has, then the case's
own — the outcomes its report tables (``case.yaml``: ``report.reported``) and its means
(``report.means``). The engine names no country: a case's outcomes come from its case file."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Outcome:
    """One outcome the audit compares: a label, how to read it from the runs table, and its kind."""

    label: str
    kind: str  # "p": a proportion (paired Newcombe interval); "mean": a mean (paired t interval)
    value: Callable[[pd.DataFrame], np.ndarray]  # raises KeyError when the table lacks its columns


def _column(name: str, kind: str) -> Callable[[pd.DataFrame], np.ndarray]:
    if kind == "p":
        return lambda runs: runs[name].to_numpy(dtype=bool)
    return lambda runs: runs[name].to_numpy(dtype=float)


# every case's, each used only if its column is in the runs table (a case with force funders has
# fund_secured); then the case's own (case.yaml: report.reported and report.means), see outcomes()
GENERIC = (
    Outcome("P(deployed)", "p", _column("deployed", "p")),
    Outcome("P(deployed at horizon)", "p", _column("deployed_at_horizon", "p")),
    # how fast: a year is the horizon of every case's questions about a first deployment
    Outcome("P(deployed within 52 weeks)", "p", lambda runs: runs["week_deployed"].to_numpy(dtype=float) < 52),
    Outcome("P(UN resolution)", "p", _column("un_authorized", "p")),
    Outcome("P(ceasefire collapsed)", "p", _column("ceasefire_collapsed", "p")),
    Outcome("P(any money released)", "p", lambda runs: runs["funding_usd"].to_numpy(dtype=float) > 0),
    Outcome("P(force's funding secured)", "p", _column("fund_secured", "p")),
    Outcome("mean troops", "mean", _column("troops", "mean")),
    Outcome("mean deaths", "mean", _column("deaths", "mean")),
    Outcome("mean failed votes", "mean", _column("failed_votes", "mean")),
)
_GENERIC_KEYS = {"deployed", "deployed_at_horizon", "un_authorized", "ceasefire_collapsed", "funding_released"}
_GENERIC_KEYS |= {"fund_secured"}  # a case with a force fund names it too
_GENERIC_MEANS = {"troops", "deaths", "failed_votes", "funding_usd"}


@functools.cache
def _outcomes(case_yaml: str | None) -> tuple[Outcome, ...]:
    from sim.report.outcomes import registry

    reg = registry(None if case_yaml is None else json.loads(case_yaml))

    def named(key: str) -> Callable[[pd.DataFrame], np.ndarray]:
        return lambda runs: reg.series(runs, key).to_numpy(dtype=bool)

    own = [Outcome(reg.label(k), "p", named(k)) for k in reg.reported if k not in _GENERIC_KEYS]
    own += [Outcome(label, "mean", _column(col, "mean")) for col, (label, _) in reg.means.items()
            if col not in _GENERIC_MEANS]  # fmt: skip
    return GENERIC + tuple(own)


def outcomes(case: dict | None = None) -> tuple[Outcome, ...]:
    """The outcomes the audit compares for a case (its ``case:`` block; None: the default case):
    every case's, then those the case's report tables (``report.reported``) and its means."""
    return _outcomes(None if case is None else json.dumps(case, sort_keys=True))


def outcome_values(runs: pd.DataFrame, case: dict | None = None) -> dict[str, np.ndarray]:
    """The runs table -> {outcome label: one value per run}, for the outcomes its columns allow."""
    out = {}
    for o in outcomes(case):
        try:
            out[o.label] = o.value(runs)
        except KeyError:  # a column this table (this case, this model version) does not have
            continue
    return out
