"""Pure functions: a finished model -> its outcome row (the columns of runs.parquet).

Three kinds of column, none of them about a country:

- the columns every case has (:data:`COLUMNS`, DESIGN.md, the table's schema): who deployed,
  under which draft, with what legal basis, when, what it cost — each mechanism gives the values
  of its own columns (its ``outcome(model)``);
- one per actor holding a role, named by its id: ``role.<ID>`` (each contributor's role in the
  force: ``troops``, ``liaison`` or ``none``), ``control.<ID>`` (each territory holder's share at
  the end), ``disarmament.<ID>`` (each armed group's);
- the case's named outcomes (``case.yaml``: ``outcomes``), each one of the above under the name
  the case's readers know, placed where the case puts it (:func:`columns`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.mechanisms import (
    blocs,
    commitments,
    council,
    force_fund,
    ground,
    host,
    money,
    pressure,
    sequencing,
    spoiler,
    term,
    vetoes,
)
from sim.model.mechanisms.commitments import ROLES_IN_FORCE, role_in_force  # noqa: F401 - re-exported

# each adds its columns
MECHANISMS = (commitments, council, money, ground, vetoes, pressure, sequencing, host, force_fund, spoiler, blocs, term)

if TYPE_CHECKING:  # the model (and Mesa) is imported where runs happen, not to read tables
    from sim.model.model import ISFModel
    from sim.model.params import Case, ModelParams

NAN = math.nan

# column -> dtype of runs.parquet: the columns every case has (DESIGN.md, plus a few extras at the end)
COLUMNS: dict[str, str] = {
    "scenario": "string",
    "seed": "int64",
    "deployed": "bool",
    "week_deployed": "float64",
    "contributors": "string",
    "committed": "string",
    "troops": "int64",
    "mandate": "string",
    "un_authorized": "bool",
    "week_authorized": "float64",
    "funding_usd": "float64",
    "ceasefire_collapsed": "bool",
    "configuration": "string",
    "deployed_at_horizon": "bool",
    "failed_votes": "int64",
    "rule": "string",
    # extras
    "week_collapsed": "float64",
    "deaths": "int64",
    "veto_yielded": "bool",
    "funders": "string",
    # model v3
    "week_tabled": "float64",
    "caveated": "string",
    "disarm_decided": "string",
}

KINDS = {
    "role_of": ("role", "string"),
    "control_of": ("control", "float64"),
    "disarmament_of": ("disarmament", "float64"),
}


def role_columns(params: ModelParams) -> dict[str, str]:
    """``role.<ID>`` per contributor, ``control.<ID>`` per territory holder, ``disarmament.<ID>``
    per armed group, in the actors' order."""
    out: dict[str, str] = {}
    acts = params.actors.values()
    out.update({f"role.{a.id}": "string" for a in acts if a.contributor is not None})
    out.update({f"control.{a.id}": "float64" for a in acts if a.territory is not None})
    out.update({f"disarmament.{a.id}": "float64" for a in acts if a.armed_group is not None})
    if any(a.force_funder is not None for a in acts):  # the force's own fund (sim.model.mechanisms.force_fund)
        out.update(force_fund.COLUMNS)
    return out


def columns(params: ModelParams) -> dict[str, str]:
    """Every column of this case's runs table, in order, with its dtype (``param.*`` aside)."""
    cols = list(COLUMNS.items())
    for o in params.case.outcomes:
        at = next((i + 1 for i, (name, _) in enumerate(cols) if name == o.after), len(cols))
        cols.insert(at, (o.column, KINDS[o.kind][1]))
    return dict(cols) | role_columns(params)


def case_columns(case: Case) -> dict[str, str]:
    """The case's named columns and their dtypes."""
    return {o.column: KINDS[o.kind][1] for o in case.outcomes}


def configuration(contributors: str, mandate: str, authorized: bool) -> str:
    """A human-readable label: who is in the force, under which mandate and legal basis."""
    legal = "UN" if authorized else "no UN"
    if not contributors:
        return f"no force | {legal}"
    return f"{contributors} | {mandate} | {legal}"


def outcome(model: ISFModel, seed: int) -> dict:
    """The run's row: its scenario and seed, each mechanism's own columns (its ``outcome``), the
    configuration label, and the case's named columns."""
    row: dict = {"scenario": model.params.scenario, "seed": seed}
    for mechanism in MECHANISMS:
        row.update(mechanism.outcome(model))
    row["configuration"] = configuration(row["contributors"], row["mandate"], row["un_authorized"])
    for o in model.case.outcomes:
        key = f"{KINDS[o.kind][0]}.{o.actor}"
        row[o.column] = row[key] if key in row else (role_in_force(None) if o.kind == "role_of" else NAN)
    return row
