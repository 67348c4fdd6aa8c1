"""Mechanism 3 — conditional commitments.

**Contributors** (TUR, EGY, IDN, AZE, PAK) commit their offered troops only when all their
conditions hold (E21, E22, E33, E35):

* the design is final (the sponsor has settled the composition, E35);
* no standing veto bars them (E04, E12 — checked by :mod:`sim.model.mechanisms.vetoes`);
* the force's legitimacy reaches ``min_legitimacy`` (a Council mandate, E22, E43);
* violence — deaths per week, 4-week mean — is within ``violence_tolerance`` (E22, E33);
* Hamas consents enough (``min_consent``; consent is its position, plus a bonus under a
  border-monitoring mandate, E30);
* phase two is open (Israel's hostage-remains condition, :mod:`sim.model.mechanisms.sequencing`);
* the ceasefire holds.

When they all hold, a contributor decides with weekly chance ``commit_rate``; its troops
arrive ``lead_weeks`` later, but only once the troops committed in all reach ``min_force``
(nobody goes into a volatile Gaza alone, E33; until then its contingent waits in staging).
A committed contributor whose troops have not arrived pulls out if violence exceeds
``withdraw_margin`` times its tolerance. A vetoed contributor settles for a CMCC liaison role
after ``liaison_after`` weeks of standing veto (E08, E26).

**Funders** (SAU, ARE, QAT) release their pledge once Hamas's disarmament reaches their
threshold (E31), none of the actors they exclude has troops in the force (E32), and the
ceasefire holds.

Switched off, conditions are not checked: contributors decide at ``commit_rate`` from week 1
(vetoes still apply if that mechanism is on) and funders pay at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import policy
from sim.model.mechanisms import council, sequencing, vetoes

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


def hamas_consent(model: ISFModel) -> float:
    h = model.hamas
    if h is None:
        return 1.0
    bonus = h.p.armed_group.consent_borders_bonus if model.mandate == "borders" else 0.0
    return min(1.0, h.position + bonus)


def conditions(model: ISFModel, c: Actor) -> dict[str, bool]:
    """Each condition of contributor ``c`` and whether it holds this week."""
    p = c.p.contributor
    council_on = model.params.mechanisms.council.enabled
    return {
        "design final": model.design_final,
        "legitimacy": (not council_on) or council.legitimacy(model) >= p.min_legitimacy,
        "violence": model.violence_4w <= p.violence_tolerance,
        "Hamas consent": hamas_consent(model) >= p.min_consent,
        "phase two": sequencing.phase_two_open(model),
        "ceasefire": not model.collapsed,
    }


def contributors(model: ISFModel) -> None:
    on = model.params.mechanisms.commitments.enabled
    margin = model.params.mechanisms.commitments.withdraw_margin
    for c in model.contributors:
        p = c.p.contributor
        if c.liaison or c.offer <= 0 or model.collapsed:  # a collapse ends the force (ground)
            c.readiness = 0.0
            continue
        if vetoes.blocked(model, c):
            c.weeks_vetoed += 1
            c.readiness = 0.0
            if c.weeks_vetoed > p.liaison_after:
                c.liaison, c.offer, c.committed = True, 0, 0
                model.log(
                    "liaison",
                    c.aid,
                    "",
                    float(c.weeks_vetoed),
                    f"{c.aid} drops its troop offer and takes a CMCC liaison role",
                )
            continue
        conds = conditions(model, c)
        c.readiness = sum(conds.values()) / len(conds)
        if c.committed == 0:
            allowed = not on or all(conds.values())
            pol = policy.of(model, c)
            choice = pol.commit(model, c, allowed, p.commit_rate) if (pol is not None and allowed) else None
            if choice is None:
                choice = allowed and model.random.random() < p.commit_rate
            if choice:
                c.committed, c.commit_week, c.ever_committed = c.offer, model.week, True
                model.log(
                    "commit",
                    c.aid,
                    "",
                    float(c.offer),
                    f"{c.aid} commits {c.offer:,} troops (arriving in {p.lead_weeks} weeks)",
                )
            elif model.tracing and on:
                log_conditions(model, c, conds, "commit")
        elif c.deployed == 0:
            if on and model.violence_4w > margin * p.violence_tolerance:
                model.log(
                    "withdraw",
                    c.aid,
                    "",
                    float(c.committed),
                    f"{c.aid} pulls its {c.committed:,} troops out of the force before deploying "
                    f"(violence {model.violence_4w:.0f}/week)",
                )
                c.committed, c.commit_week = 0, None
            elif (
                model.week >= c.commit_week + p.lead_weeks
                and not vetoes.blocked(model, c)
                and (not on or model.troops_committed >= model.params.mechanisms.commitments.min_force)
            ):
                c.deployed, c.ever_deployed = c.committed, True
                if model.week_deployed is None:
                    model.week_deployed = model.week
                model.log("deploy", c.aid, "", float(c.deployed), f"{c.deployed:,} {c.aid} troops deploy inside Gaza")


def log_conditions(model: ISFModel, a: Actor, conds: dict[str, bool], verb: str) -> None:
    """Trace which conditions hold or fail, whenever that changes."""
    if not model.tracing:
        return
    failed = tuple(k for k, ok in conds.items() if not ok)
    if failed == model.last_failed.get(a.aid):
        return
    model.last_failed[a.aid] = failed
    held = [k for k, ok in conds.items() if ok]
    text = (
        (f"{a.aid} will not {verb} yet: {', '.join(failed)} not met" + (f" ({', '.join(held)} met)" if held else ""))
        if failed
        else f"{a.aid}: all its conditions hold ({', '.join(held)})"
    )
    model.log("condition", a.aid, "", a.readiness, text)


def funder_conditions(model: ISFModel, f: Actor) -> dict[str, bool]:
    p = f.p.funder
    return {
        "disarmament": model.disarmament >= p.disarmament_threshold,
        "exclusions": not any(model.actors[x].deployed > 0 for x in p.excludes),
        "ceasefire": not model.collapsed,
    }


def funders(model: ISFModel) -> None:
    on = model.params.mechanisms.commitments.enabled
    for f in model.funders:
        if f.released > 0:
            f.readiness = 1.0
            continue
        conds = funder_conditions(model, f)
        f.readiness = sum(conds.values()) / len(conds)
        if on:
            log_conditions(model, f, conds, "pay")
        release = not on or all(conds.values())
        pol = policy.of(model, f)
        if pol is not None and release:
            release = bool(pol.fund(model, f, release))
        if release:
            f.released = f.p.funder.pledge_usd
            model.log(
                "funding", f.aid, "", f.released, f"{f.aid} releases ${f.released / 1e9:.1f} bn for reconstruction"
            )
