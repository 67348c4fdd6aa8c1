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
    """One outcome the audit compares: a label, and how to read it from the runs table (a yes/no
    outcome gives booleans and is compared as a proportion, any other as a mean)."""

    label: str
    value: Callable[[pd.DataFrame], np.ndarray]  # raises KeyError when the table lacks its columns


def _flag(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda runs: runs[name].to_numpy(dtype=bool)


def _number(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda runs: runs[name].to_numpy(dtype=float)


# every case's, each used only if its column is in the runs table (a case with force funders has
# fund_secured); then the case's own (case.yaml: report.reported and report.means), see outcomes()
GENERIC = (
    Outcome("P(deployed)", _flag("deployed")),
    Outcome("P(deployed at horizon)", _flag("deployed_at_horizon")),
    # how fast: a year is the horizon of every case's questions about a first deployment
    Outcome("P(deployed within 52 weeks)", lambda runs: runs["week_deployed"].to_numpy(dtype=float) < 52),
    Outcome("P(UN resolution)", _flag("un_authorized")),
    Outcome("P(ceasefire collapsed)", _flag("ceasefire_collapsed")),
    Outcome("P(any money released)", lambda runs: runs["funding_usd"].to_numpy(dtype=float) > 0),
    Outcome("P(force's funding secured)", _flag("fund_secured")),
    Outcome("mean troops", _number("troops")),
    Outcome("mean deaths", _number("deaths")),
    Outcome("mean failed votes", _number("failed_votes")),
)
# the case outcomes that are these again (a case with a force fund names fund_secured too)
_GENERIC_KEYS = {"deployed", "deployed_at_horizon", "un_authorized", "ceasefire_collapsed"}
_GENERIC_KEYS |= {"funding_released", "fund_secured"}
_GENERIC_MEANS = {"troops", "deaths", "failed_votes", "funding_usd"}


@functools.cache
def _outcomes(case_yaml: str | None) -> tuple[Outcome, ...]:
    from sim.report.outcomes import registry

    reg = registry(None if case_yaml is None else json.loads(case_yaml))

    def named(key: str) -> Callable[[pd.DataFrame], np.ndarray]:
        return lambda runs: reg.series(runs, key).to_numpy(dtype=bool)

    own = [Outcome(reg.label(k), named(k)) for k in reg.reported if k not in _GENERIC_KEYS]
    own += [Outcome(label, _number(col)) for col, (label, _) in reg.means.items()
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
