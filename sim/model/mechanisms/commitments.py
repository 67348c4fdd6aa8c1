"""Mechanism 3 — conditional commitments: contributors decide on the force they would join.

**Contributors** commit their offered troops only when every one of their requirements holds
for the force as it stands:

* the design is final (the sponsor has settled the composition);
* no standing veto bars them (:mod:`sim.model.mechanisms.vetoes`);
* the mandate: troops are not asked to fight more than they would (on each dimension the draft
  sets, it exceeds their own position by no more than 1 - salience —
  :func:`sim.model.roles.accepts`);
* a Council resolution, for those with ``needs_resolution``;
* violence — deaths per week, 4-week mean — within ``violence_tolerance``;
* the armed groups' consent to this force, at least ``min_consent`` (they will not fight their
  way in): 1 less the salience-weighted distance between the force's place and the groups'
  positions on the force's dimensions (:func:`sim.model.roles.consent`);
* the gates are open (the next phase waits for what a gate holder still holds,
  :mod:`sim.model.mechanisms.sequencing`);
* the situation has not collapsed.

When they all hold, a contributor decides with weekly chance ``commit_rate``; its troops arrive
``lead_weeks`` later, but only once the troops committed in all reach ``min_force`` (the company
it would keep: nobody goes into a volatile Gaza alone, E33). A committed contributor whose
troops have not arrived pulls out if violence exceeds ``withdraw_margin`` times its tolerance.
A vetoed contributor settles for a CMCC liaison role after ``liaison_after`` weeks of standing
veto. Contributors differ only in these numbers, each sourced or labelled in the case's actors.

Switched off, requirements are not checked: contributors decide at ``commit_rate`` from week 1
(vetoes still apply if that mechanism is on).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model import roles
from sim.model.declare import flag, num

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.commitments.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    withdraw_margin: float = num((1.0, 10.0), "x tolerance", "violence multiple of tolerance that makes one pull out")
    min_force: int = num((0, 200000), "troops", "troops committed in all before any contingent goes in")


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.commitments


def init(model: ISFModel) -> None:
    """A vetoed contributor with ``liaison_after`` 0 has settled for liaison before week 1; and
    whether conditions are checked at all (published: funders' conditions follow the same switch)."""
    model.conditions_checked = pars(model).enabled
    model.min_force = pars(model).min_force if model.conditions_checked else 0  # the sponsor's forecasts read it
    for c in model.contributors:
        if c.p.contributor.liaison_after == 0 and c.aid in model.barred:
            c.liaison, c.offer = True, 0


def holds(model: ISFModel, c: Actor, consent: float | None = None) -> tuple[bool, ...]:
    """Whether each requirement of contributor ``c`` holds this week, in the order of :func:`labels`."""
    p = c.p.contributor
    agenda = model.agenda
    return (
        agenda.design_final,
        roles.accepts(c, model.drafts[agenda.mandate]),
        not (p.needs_resolution and model.council_votes) or agenda.authorized,
        model.situation.violence_4w <= p.violence_tolerance,
        (roles.consent(model) if consent is None else consent) >= p.min_consent,
        roles.gates_open(model),
        not model.situation.collapsed,
    )


def labels(model: ISFModel) -> tuple[str, ...]:
    """The requirements' names, as the trace says them (the case's words for three of them)."""
    return ("design final", "mandate", "resolution", "violence", model.consent_label, model.gate_label,
            model.situation_label)  # fmt: skip


def conditions(model: ISFModel, c: Actor, consent: float | None = None) -> dict[str, bool]:
    """Each requirement of contributor ``c`` by name and whether it holds this week."""
    return dict(zip(labels(model), holds(model, c, consent)))


def contributors(model: ISFModel) -> None:
    on = pars(model).enabled
    cfg = pars(model)
    situation = model.situation
    consent = None  # computed once a week, when a contributor first needs it
    for c in model.contributors:
        p = c.p.contributor
        if c.liaison or c.offer <= 0 or situation.collapsed:  # a collapse ends the force (ground)
            c.readiness = 0.0
            continue
        if c.aid in model.barred:
            c.weeks_vetoed += 1
            c.readiness = 0.0
            if c.weeks_vetoed > p.liaison_after:
                c.liaison, c.offer, c.committed = True, 0, 0
                model.log("liaison", c.aid, "", float(c.weeks_vetoed))
            continue
        if c.committed == 0 or model.tracing:
            consent = roles.consent(model) if consent is None else consent
            flags = holds(model, c, consent)
            c.readiness = sum(flags) / len(flags)
        if c.committed == 0:
            allowed = not on or all(flags)
            choice = c.policy.commit(model, c, allowed, p.commit_rate) if allowed else False
            if choice is None:
                choice = model.random.random() < p.commit_rate
            if choice:
                c.committed, c.commit_week, c.ever_committed = c.offer, model.week, True
                model.log("commit", c.aid, "", float(c.offer), lead_weeks=p.lead_weeks)
            elif on and model.tracing:
                model.log_conditions(c, dict(zip(labels(model), flags)), "commit")
        elif c.deployed == 0:
            if on and situation.violence_4w > cfg.withdraw_margin * p.violence_tolerance:
                model.log("withdraw", c.aid, "", float(c.committed), violence=situation.violence_4w)
                c.committed, c.commit_week = 0, None
            elif (model.week >= c.commit_week + p.lead_weeks and c.aid not in model.barred
                  and (not on or model.troops_committed >= cfg.min_force)):  # fmt: skip
                c.deployed, c.ever_deployed = c.committed, True
                if model.progress.week_deployed is None:
                    model.progress.week_deployed = model.week
                model.log("deploy", c.aid, "", float(c.deployed))


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns of a run's row: who committed and deployed, when, how many, and
    each contributor's role in the force (``role.<ID>``)."""
    week = model.progress.week_deployed
    row = {
        "deployed": week is not None,
        "week_deployed": float(week) if week is not None else math.nan,
        "contributors": "+".join(sorted(c.aid for c in model.contributors if c.deployed > 0)),
        "committed": "+".join(sorted(c.aid for c in model.contributors if c.ever_committed)),
        "troops": int(model.troops_deployed),
        "deployed_at_horizon": model.troops_deployed > 0,
    }
    for c in model.contributors:
        row[f"role.{c.aid}"] = role_in_force(c)
    return row


ROLES_IN_FORCE = ("troops", "liaison", "none")  # the values of a role.<ID> column


def role_in_force(actor: Actor | None) -> str:
    """A contributor's role in the force: troops (it deployed), liaison, or none."""
    troops, liaison, none = ROLES_IN_FORCE
    if actor is None:
        return none
    if actor.ever_deployed:
        return troops
    return liaison if actor.liaison else none


# --------------------------------------------------------------------------- the trace's words
SENTENCES = {
    "liaison": lambda a, t, v, d, c: f"{a} drops its troop offer and takes a liaison role",
    "commit": lambda a, t, v, d, c: f"{a} commits {int(v):,} troops (arriving in {d['lead_weeks']} weeks)",
    "withdraw": lambda a, t, v, d, c: (
        f"{a} pulls its {int(v):,} troops out of the force before deploying (violence {d['violence']:.0f}/week)"
    ),
    "deploy": lambda a, t, v, d, c: f"{int(v):,} {a} troops deploy",
}
