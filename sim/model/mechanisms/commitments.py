"""Mechanism 3 — force generation: from a political pledge to boots on the ground.

Two stages, each with its own conditions, so that a pledge is not a deployment:

**The pledge** (a political decision). A contributor pledges its offered troops when

* the design is final (the sponsor has settled the composition);
* no standing veto bars it (:mod:`sim.model.mechanisms.vetoes`);
* a Council resolution is in force, for those with ``needs_resolution``;
* the situation has not collapsed;

and then with weekly chance ``commit_rate``. It pledges under the draft as written, with its
national **caveats**: on each dimension where the draft asks more than it would choose by more
than it is indifferent to (1 - salience), it will act only up to its own settled position
(:func:`sim.model.roles.caveats`). The caveats, not the resolution's wording, decide what its
troops will do, so a robust text does not lock contributors out.

**Deployment** (conditions on the ground). ``lead_weeks`` after its pledge, a contributor deploys
in the first week in which

* the armed groups' consent to *its* contingent, acting within its caveats, is at least
  ``min_consent`` (no fighting expected against it; :func:`sim.model.roles.consent`);
* violence — deaths per week, 4-week mean — is within ``violence_tolerance``;
* the territory holders have reined in their strikes to at least ``min_restraint`` on their
  restraint dimension (:func:`sim.model.roles.restraint`; 0: no such condition);
* the gates are open (the next phase waits for what a gate holder still holds,
  :mod:`sim.model.mechanisms.sequencing`);
* the troops pledged in all reach ``min_force`` (nobody goes in alone), and the lead contributor,
  if the case names one (``contributor.lead``), has deployed first;
* the situation has not collapsed;
* and any condition another mechanism registers in ``model.deploy_extra`` (the host's backing and
  its written notification, :mod:`sim.model.mechanisms.host`; the force's funding secured,
  :mod:`sim.model.mechanisms.force_fund`; the contributor's own domestic gates,
  :mod:`sim.model.mechanisms.sequencing`), each a label and a test of one contributor.

Pledges lapse and are renewed: a pledged contributor whose troops have not arrived drops its
pledge if violence exceeds ``withdraw_margin`` times its tolerance, and a collapse ends every
pledge and pulls every contingent out (:mod:`sim.model.mechanisms.ground`); each pledges again
when its conditions hold again. A vetoed contributor settles for a liaison role after
``liaison_after`` weeks of standing veto. Contributors differ only in these numbers, each sourced
or labelled in the case's actors.

Switched off, conditions are not checked: contributors pledge at ``commit_rate`` from week 1 and
deploy after their lead time (vetoes still apply if that mechanism is on).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
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
    withdraw_margin: float = num((1.0, 10.0), "x tolerance", "violence multiple of tolerance that makes a pledge lapse")
    min_force: int = num((0, 200000), "troops", "troops pledged in all before any contingent goes in")


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.commitments


def init(model: ISFModel) -> None:
    """A vetoed contributor with ``liaison_after`` 0 has settled for liaison before week 1; and
    whether conditions are checked at all (published: funders' conditions follow the same switch)."""
    model.conditions_checked = pars(model).enabled
    model.min_force = pars(model).min_force if model.conditions_checked else 0
    model.lead = next((c for c in model.contributors if c.p.contributor.lead), None)
    for c in model.contributors:
        if c.p.contributor.liaison_after == 0 and c.aid in model.barred:
            c.liaison, c.offer = True, 0


# --------------------------------------------------------------------------- the two stages' conditions
def pledge_holds(model: ISFModel, c: Actor) -> tuple[bool, ...]:
    """Whether each condition of contributor ``c``'s pledge holds this week (:func:`pledge_labels`)."""
    agenda = model.agenda
    return (
        agenda.design_final,
        not (c.p.contributor.needs_resolution and model.council_votes) or agenda.authorized,
        not model.situation.collapsed,
    )


def pledge_labels(model: ISFModel) -> tuple[str, ...]:
    return ("design final", "resolution", model.situation_label)


def _deploy_flags(model: ISFModel, c: Actor) -> Iterator[bool]:
    """Whether each condition of contributor ``c``'s deployment holds this week, one by one in the
    order of :func:`deploy_labels` (each a pure reading of the state)."""
    p = c.p.contributor
    lead = model.lead
    yield roles.consent(model, caveat=c.caveats) >= p.min_consent
    yield model.situation.violence_4w <= p.violence_tolerance
    yield p.min_restraint <= 0 or roles.restraint(model) >= p.min_restraint
    yield roles.gates_open(model)
    yield model.troops_committed >= model.min_force and (lead is None or lead is c or lead.deployed > 0)
    yield not model.situation.collapsed
    for _, holds in model.deploy_extra:  # conditions other mechanisms register (host, force fund, domestic gates)
        yield holds(model, c)


def deploy_holds(model: ISFModel, c: Actor) -> tuple[bool, ...]:
    """Whether each condition of contributor ``c``'s deployment holds this week (:func:`deploy_labels`)."""
    return tuple(_deploy_flags(model, c))


def deploy_ready(model: ISFModel, c: Actor) -> bool:
    """``all(deploy_holds(model, c))``, stopping at the first condition that fails."""
    return all(_deploy_flags(model, c))


def deploy_labels(model: ISFModel) -> tuple[str, ...]:
    """The deployment conditions' names, as the trace says them (the case's words for three)."""
    return (model.consent_label, "violence", "restraint", model.gate_label, "force generated",
            model.situation_label, *(label for label, _ in model.deploy_extra))  # fmt: skip


def conditions(model: ISFModel, c: Actor) -> dict[str, bool]:
    """The conditions of the stage contributor ``c`` is at (pledge, or deployment once pledged)."""
    if c.committed == 0:
        return dict(zip(pledge_labels(model), pledge_holds(model, c)))
    return dict(zip(deploy_labels(model), deploy_holds(model, c)))


# --------------------------------------------------------------------------- the weekly step
def contributors(model: ISFModel) -> None:
    on = pars(model).enabled
    cfg = pars(model)
    situation = model.situation
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
        if c.committed == 0:
            _pledge(model, c, on)
        elif c.deployed == 0:
            if on and situation.violence_4w > cfg.withdraw_margin * p.violence_tolerance:
                model.log("withdraw", c.aid, "", float(c.committed), violence=situation.violence_4w)
                c.committed, c.commit_week, c.caveats = 0, None, {}
            elif model.week >= c.commit_week + p.lead_weeks:
                _deploy(model, c, on)
        elif model.tracing:
            c.readiness = 1.0


def _pledge(model: ISFModel, c: Actor, on: bool) -> None:
    p = c.p.contributor
    flags = pledge_holds(model, c)
    if model.tracing:
        c.readiness = sum(flags) / len(flags)
    allowed = not on or all(flags)
    choice = c.policy.commit(model, c, allowed, p.commit_rate) if allowed else False
    if choice is None:
        choice = model.random.random() < p.commit_rate
    if choice:
        c.caveats = roles.caveats(c, model.drafts[model.agenda.mandate]) if on else {}
        c.committed, c.commit_week, c.ever_committed = c.offer, model.week, True
        if c.caveats:
            c.ever_caveated = True
        model.log("commit", c.aid, "", float(c.offer), lead_weeks=p.lead_weeks, mandate=model.agenda.mandate,
                  caveats={model.case.dimensions[d]: x for d, x in c.caveats.items()})  # fmt: skip
    elif on and model.tracing:
        model.log_conditions(c, dict(zip(pledge_labels(model), flags)), "pledge")


def _deploy(model: ISFModel, c: Actor, on: bool) -> None:
    if on and model.tracing:  # which conditions hold is shown (traced runs, the page)
        flags = deploy_holds(model, c)
        c.readiness = sum(flags) / len(flags)
        if not all(flags):
            model.log_conditions(c, dict(zip(deploy_labels(model), flags)), "deploy")
            return
    elif on and not deploy_ready(model, c):
        return
    if c.aid in model.barred:
        return
    c.deployed, c.ever_deployed = c.committed, True
    if model.progress.week_deployed is None:
        model.progress.week_deployed = model.week
    model.log("deploy", c.aid, "", float(c.deployed))


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns of a run's row: who pledged (and with caveats) and deployed, when,
    how many, and each contributor's role in the force (``role.<ID>``)."""
    week = model.progress.week_deployed
    row = {
        "deployed": week is not None,
        "week_deployed": float(week) if week is not None else math.nan,
        "contributors": "+".join(sorted(c.aid for c in model.contributors if c.deployed > 0)),
        "committed": "+".join(sorted(c.aid for c in model.contributors if c.ever_committed)),
        "troops": int(model.troops_deployed),
        "deployed_at_horizon": model.troops_deployed > 0,
        "caveated": "+".join(sorted(c.aid for c in model.contributors if c.ever_caveated)),
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
def _commit(a: str, v: float, d: dict) -> str:
    caveats = d.get("caveats") or {}
    head = f"{a} pledges {int(v):,} troops under the {d.get('mandate', '')} draft"
    if caveats:
        limits = ", ".join(f"{dim} no further than {x:.2f}" for dim, x in caveats.items())
        head += f", with national caveats ({limits})"
    return head + f"; they can arrive in {d['lead_weeks']} weeks, once the conditions on the ground hold"


SENTENCES = {
    "liaison": lambda a, t, v, d, c: f"{a} drops its troop offer and takes a liaison role",
    "commit": lambda a, t, v, d, c: _commit(a, v, d),
    "withdraw": lambda a, t, v, d, c: (
        f"{a}'s pledge of {int(v):,} troops lapses before they deploy (violence {d['violence']:.0f}/week)"
    ),
    "deploy": lambda a, t, v, d, c: f"{int(v):,} {a} troops deploy",
}
