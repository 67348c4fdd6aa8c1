"""The weekly table: one row per run and week (0 ... horizon), what forecasts are asked about.

A run records a row at week 0 and after every week when asked to (``ISFModel(..., weekly=True)``;
``weekly=true`` on the command line): a tuple of numbers, so that recording costs little; the
table is built once per chunk of runs (:func:`frame`). Columns (DESIGN.md):

=======================  ===========  ===================================================
column                   dtype        meaning
=======================  ===========  ===================================================
``seed``                 int64        the run's seed
``week``                 int16        0 ... horizon
``authorized``           bool         a Council resolution is in force
``failed_votes``         int16        Council votes failed so far
``committed``            category     contributors with troops pledged now (ids, ``+``)
``deployed``             category     contributors with troops inside now (ids, ``+``)
``troops_committed``     int32        troops pledged now
``troops_deployed``      int32        troops inside now
``funds_released_usd``   float64      money released so far, all funders
``control.<ID>``         float32      share held by each territory holder
``disarmament.<ID>``     float32      each armed group's disarmament
``decided.<ID>``         bool         each armed group has decided to disarm
``fund_paid_usd``        float64      paid into the force's own fund so far (a case with force funders)
``collapsed``            bool         the situation is collapsed this week
``deaths``               int32        deaths this week
=======================  ===========  ===================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.model.model import ISFModel
    from sim.model.params import ModelParams

FIXED = {
    "seed": "int64",
    "week": "int16",
    "authorized": "bool",
    "failed_votes": "int16",
    "committed": "category",
    "deployed": "category",
    "troops_committed": "int32",
    "troops_deployed": "int32",
    "funds_released_usd": "float64",
}
TAIL = {"collapsed": "bool", "deaths": "int32"}


def columns(params: ModelParams) -> dict[str, str]:
    """The weekly table's columns for this case, with their dtypes."""
    acts = params.actors.values()
    share = {f"control.{a.id}": "float32" for a in acts if a.territory is not None}
    share |= {f"disarmament.{a.id}": "float32" for a in acts if a.armed_group is not None}
    share |= {f"decided.{a.id}": "bool" for a in acts if a.armed_group is not None}
    if any(a.force_funder is not None for a in acts):
        share["fund_paid_usd"] = "float64"
    return FIXED | share | TAIL


def record(model: ISFModel) -> None:
    """This week's row: numbers only (who is committed or deployed as bit masks over the
    contributors, turned into ids once, in :func:`frame`)."""
    committed = deployed = 0
    troops_c = troops_d = 0
    for bit, c in model.contributor_bits:
        if c.committed > 0:
            committed |= bit
            troops_c += c.committed
        if c.deployed > 0:
            deployed |= bit
            troops_d += c.deployed
    agenda, situation, progress = model.agenda, model.situation, model.progress
    model.weekly.append(
        (model.week, agenda.authorized, agenda.failed_votes, committed, deployed, troops_c, troops_d,
         model.funding_usd, *progress.control, *progress.disarmament, *progress.decided,
         *((model.fund.balance,) if model.force_funders else ()), situation.collapsed, situation.deaths_week)
    )  # fmt: skip


def frame(rows: list[tuple[int, list[tuple]]], params: ModelParams) -> pd.DataFrame:
    """(seed, the run's rows) for each run -> the weekly table, compact."""
    cols = columns(params)
    ids = [a.id for a in params.actors.values() if a.contributor is not None]
    n = sum(len(r) for _, r in rows)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    seeds = np.concatenate([np.full(len(r), s, dtype="int64") for s, r in rows])
    data = list(zip(*(row for _, r in rows for row in r)))
    names = [c for c in cols if c != "seed"]
    out = {"seed": seeds}
    masks: dict[int, str] = {}
    for name, values in zip(names, data):
        if name in ("committed", "deployed"):
            codes = np.fromiter(values, dtype="int64", count=n)
            uniq, inverse = np.unique(codes, return_inverse=True)
            labels = [masks.setdefault(int(m), _ids(int(m), ids)) for m in uniq]
            out[name] = pd.Categorical.from_codes(inverse.astype("int32"), categories=labels)
        else:
            out[name] = np.asarray(values, dtype=cols[name])
    return pd.DataFrame(out)


def _ids(mask: int, ids: list[str]) -> str:
    return "+".join(sorted(aid for i, aid in enumerate(ids) if mask >> i & 1))


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Weekly tables of several chunks or jobs, in order, with their categories united."""
    frames = [f for f in frames if f is not None]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    for name in ("committed", "deployed"):  # the same categories, sorted, however the runs were split
        if name in out:
            values = out[name].astype(object)
            out[name] = pd.Categorical(values, categories=sorted(set(values)))
    return out
