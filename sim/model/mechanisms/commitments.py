"""Mechanism 3 — conditional commitments: contributors decide on the force they would join.

**Contributors** (TUR, EGY, IDN, AZE, PAK) commit their offered troops only when every one of
their requirements holds for the force as it stands (E21, E22, E33, E35):

* the design is final (the sponsor has settled the composition, E35);
* no standing veto bars them (E04, E12 — :mod:`sim.model.mechanisms.vetoes`);
* the mandate: troops are not asked to fight more than they would (the draft's place on the
  mandate dimension exceeds their own position there by no more than 1 - salience; E22, E33,
  E41 — :func:`sim.model.mechanisms.council.accepts`);
* a Council resolution, for those with ``needs_resolution`` ("full international
  legitimacy", E43; E22 wants the mandate clarified first);
* violence — deaths per week, 4-week mean — within ``violence_tolerance`` (E22, E33);
* Hamas's consent to this force, at least ``min_consent`` (they will not fight their way in;
  E30): 1 less the salience-weighted distance between the force's mandate and composition
  and Hamas's positions on them (:func:`hamas_consent`);
* phase two is open (Israel's hostage-remains condition, :mod:`sim.model.mechanisms.sequencing`);
* the ceasefire holds.

When they all hold, a contributor decides with weekly chance ``commit_rate``; its troops arrive
``lead_weeks`` later, but only once the troops committed in all reach ``min_force`` (the company
it would keep: nobody goes into a volatile Gaza alone, E33). A committed contributor whose
troops have not arrived pulls out if violence exceeds ``withdraw_margin`` times its tolerance.
A vetoed contributor settles for a CMCC liaison role after ``liaison_after`` weeks of standing
veto (E08, E26). Contributors differ only in these numbers, each sourced or labelled in conf/.

Switched off, requirements are not checked: contributors decide at ``commit_rate`` from week 1
(vetoes still apply if that mechanism is on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.mechanisms import council, sequencing, vetoes
from sim.model.params import COMPOSITION, MANDATE, MANDATE_VALUE

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


def hamas_consent(model: ISFModel, mandate: str | None = None) -> float:
    """Hamas's consent to the force as designed (or under another ``mandate``): 1 - the
    salience-weighted distance between the force's mandate and composition and Hamas's settled
    positions on them (E24, E30)."""
    h = model.hamas
    if h is None:
        return 1.0
    s, pos = h.p.salience, h.settled
    weight = s[MANDATE] + s[COMPOSITION]
    if weight <= 0:
        return 1.0
    gap = (s[MANDATE] * abs(MANDATE_VALUE[mandate or model.agenda.mandate] - pos[MANDATE])
           + s[COMPOSITION] * abs(council.composition(model) - pos[COMPOSITION]))  # fmt: skip
    return 1.0 - gap / weight


def conditions(model: ISFModel, c: Actor, consent: float | None = None) -> dict[str, bool]:
    """Each requirement of contributor ``c`` and whether it holds this week."""
    p = c.p.contributor
    needs_un = p.needs_resolution and model.params.mechanisms.council.enabled
    return {
        "design final": model.agenda.design_final,
        "mandate": council.accepts(c, model.agenda.mandate),
        "resolution": not needs_un or model.agenda.authorized,
        "violence": model.situation.violence_4w <= p.violence_tolerance,
        "Hamas consent": (hamas_consent(model) if consent is None else consent) >= p.min_consent,
        "phase two": sequencing.phase_two_open(model),
        "ceasefire": not model.situation.collapsed,
    }


def contributors(model: ISFModel) -> None:
    on = model.params.mechanisms.commitments.enabled
    cfg = model.params.mechanisms.commitments
    situation = model.situation
    consent = None  # computed once a week, when a contributor first needs it
    for c in model.contributors:
        p = c.p.contributor
        if c.liaison or c.offer <= 0 or situation.collapsed:  # a collapse ends the force (ground)
            c.readiness = 0.0
            continue
        if vetoes.blocked(model, c):
            c.weeks_vetoed += 1
            c.readiness = 0.0
            if c.weeks_vetoed > p.liaison_after:
                c.liaison, c.offer, c.committed = True, 0, 0
                model.log("liaison", c.aid, "", float(c.weeks_vetoed))
            continue
        if c.committed == 0 or model.tracing:
            consent = hamas_consent(model) if consent is None else consent
            conds = conditions(model, c, consent)
            c.readiness = sum(conds.values()) / len(conds)
        if c.committed == 0:
            allowed = not on or all(conds.values())
            choice = c.policy.commit(model, c, allowed, p.commit_rate) if allowed else False
            if choice is None:
                choice = model.random.random() < p.commit_rate
            if choice:
                c.committed, c.commit_week, c.ever_committed = c.offer, model.week, True
                model.log("commit", c.aid, "", float(c.offer), lead_weeks=p.lead_weeks)
            elif on:
                model.log_conditions(c, conds, "commit")
        elif c.deployed == 0:
            if on and situation.violence_4w > cfg.withdraw_margin * p.violence_tolerance:
                model.log("withdraw", c.aid, "", float(c.committed), violence=situation.violence_4w)
                c.committed, c.commit_week = 0, None
            elif (model.week >= c.commit_week + p.lead_weeks and not vetoes.blocked(model, c)
                  and (not on or model.troops_committed >= cfg.min_force)):  # fmt: skip
                c.deployed, c.ever_deployed = c.committed, True
                if model.progress.week_deployed is None:
                    model.progress.week_deployed = model.week
                model.log("deploy", c.aid, "", float(c.deployed))
