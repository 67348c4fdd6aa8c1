"""Pure functions: a finished model -> its outcome row (the columns of runs.parquet)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model (and Mesa) is imported where runs happen, not to read tables
    from sim.model.model import ISFModel

NAN = math.nan

# column -> dtype of runs.parquet (DESIGN.md, plus a few extras at the end)
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
    "turkey_role": "string",
    "funding_usd": "float64",
    "disarmament": "float64",
    "israeli_control": "float64",
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


def _ids(ids) -> str:
    return "+".join(sorted(ids))


def configuration(contributors: str, mandate: str, authorized: bool) -> str:
    """A human-readable label: who is in the force, under which mandate and legal basis."""
    legal = "UN" if authorized else "no UN"
    if not contributors:
        return f"no force | {legal}"
    return f"{contributors} | {mandate} | {legal}"


TURKEY_ROLES = ("troops", "liaison", "none")  # the values of the turkey_role column


def turkey_role(model: ISFModel) -> str:
    tur = model.actors.get("TUR")
    troops, liaison, none = TURKEY_ROLES
    if tur is None:
        return none
    if tur.ever_deployed:
        return troops
    return liaison if tur.liaison else none


def outcome(model: ISFModel, seed: int) -> dict:
    contributors = _ids(c.aid for c in model.contributors if c.deployed > 0)
    isr = model.israel
    agenda, situation, progress = model.agenda, model.situation, model.progress
    return {
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
        "turkey_role": turkey_role(model),
        "funding_usd": float(model.funding_usd),
        "disarmament": float(progress.disarmament),
        "israeli_control": float(progress.israeli_control),
        "ceasefire_collapsed": situation.ever_collapsed,
        "configuration": configuration(contributors, agenda.mandate, agenda.authorized),
        "deployed_at_horizon": model.troops_deployed > 0,
        "failed_votes": int(agenda.failed_votes),
        "rule": model.params.mechanisms.pressure.rule,
        "week_collapsed": float(situation.week_collapsed) if situation.week_collapsed is not None else NAN,
        "deaths": int(situation.deaths_total),
        "veto_yielded": bool(
            isr is not None and isr.p.veto is not None and any(not standing for standing in isr.vetoes.values())
        ),
        "funders": _ids(f.aid for f in model.funders if f.released > 0),
    }
