"""Pure functions: a finished model -> its outcome row (the columns of runs.parquet).

Three kinds of column, none of them about a country:

- the columns every case has (:data:`COLUMNS`, DESIGN.md): who deployed, under which draft,
  with what legal basis, when, what it cost;
- one per actor holding a role, named by its id: ``role.<ID>`` (each contributor's role in the
  force: ``troops``, ``liaison`` or ``none``), ``control.<ID>`` (each territory holder's share at
  the end), ``disarmament.<ID>`` (each armed group's);
- the case's named outcomes (``case.yaml``: ``outcomes``), each one of the above under the name
  the case's readers know, placed where the case puts it (:func:`columns`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

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
}

ROLES_IN_FORCE = ("troops", "liaison", "none")  # the values of a role.<ID> column
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


def _ids(ids) -> str:
    return "+".join(sorted(ids))


def configuration(contributors: str, mandate: str, authorized: bool) -> str:
    """A human-readable label: who is in the force, under which mandate and legal basis."""
    legal = "UN" if authorized else "no UN"
    if not contributors:
        return f"no force | {legal}"
    return f"{contributors} | {mandate} | {legal}"


def role_in_force(actor) -> str:
    """A contributor's role in the force: troops (it deployed), liaison, or none."""
    troops, liaison, none = ROLES_IN_FORCE
    if actor is None:
        return none
    if actor.ever_deployed:
        return troops
    return liaison if actor.liaison else none


def outcome(model: ISFModel, seed: int) -> dict:
    contributors = _ids(c.aid for c in model.contributors if c.deployed > 0)
    agenda, situation, progress = model.agenda, model.situation, model.progress
    row = {
        "scenario": model.params.scenario,
        "seed": seed,
        "deployed": progress.week_deployed is not None,
        "week_deployed": float(progress.week_deployed) if progress.week_deployed is not None else NAN,
        "contributors": contributors,
        "committed": _ids(c.aid for c in model.contributors if c.ever_committed),
        "troops": int(model.troops_deployed),
        "mandate": agenda.mandate,
        "un_authorized": agenda.authorized,
        "week_authorized": float(agenda.week_authorized) if agenda.week_authorized is not None else NAN,
        "funding_usd": float(model.funding_usd),
        "ceasefire_collapsed": situation.ever_collapsed,
        "configuration": configuration(contributors, agenda.mandate, agenda.authorized),
        "deployed_at_horizon": model.troops_deployed > 0,
        "failed_votes": int(agenda.failed_votes),
        "rule": model.params.mechanisms.pressure.rule,
        "week_collapsed": float(situation.week_collapsed) if situation.week_collapsed is not None else NAN,
        "deaths": int(situation.deaths_total),
        "veto_yielded": any(not standing for h in model.veto_holders for standing in h.vetoes.values()),
        "funders": _ids(f.aid for f in model.funders if f.released > 0),
    }
    for c in model.contributors:
        row[f"role.{c.aid}"] = role_in_force(c)
    for h, share in zip(model.territory_holders, progress.control):
        row[f"control.{h.aid}"] = float(share)
    for g, share in zip(model.armed_groups, progress.disarmament):
        row[f"disarmament.{g.aid}"] = float(share)
    for o in model.case.outcomes:
        key = f"{KINDS[o.kind][0]}.{o.actor}"
        row[o.column] = row[key] if key in row else (role_in_force(None) if o.kind == "role_of" else NAN)
    return row
