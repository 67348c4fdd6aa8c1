"""Mechanism 7 — conditional money as leverage.

Funders' money comes with conditions: a disarmament threshold the armed groups must reach, and
actors whose troops in the force rule the money out (``funder.excludes``). Money acts three ways:

* **The prize for disarming.** Each week each armed group weighs every pledge it could still win
  (no excluded actor has troops in the force, the situation has not collapsed) against what
  winning it costs: moving its settled position on its compliance dimension up to the funder's
  threshold, against its resolve there. A pledge is worth ``money_value x pledge_usd /
  mechanisms.money.scale_usd``; the cost is ``resolve x salience x (threshold - settled
  position)``. If the prize is worth the cost, the group takes it: money publishes the threshold
  as a floor on its position there (``actor.floors``), which pressure applies
  (:mod:`sim.model.mechanisms.pressure`). So a threshold within reach (partial disarmament) or a
  larger pledge buys more disarmament; an out-of-reach "full disarmament" buys none.
* **Money backs pressure.** A funder's pressure weighs ``pledge_usd / scale_usd`` times its
  configured weight (at most twice): money publishes it as the funder's ``backing``.
* **Release.** A funder pays once every armed group's disarmament reaches its threshold (within
  ``VERIFIED``: disarmament closes on its target gradually and would otherwise never arrive),
  none of the actors it excludes has troops in the force, and the situation holds
  (:func:`release`).

Switched off, money plays no part in the negotiation: no prize, no backing. Funders still pay
when their conditions hold (with ``checked`` false — the commitments mechanism off — at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import roles

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel

MAX_BACKING = 2.0
VERIFIED = 0.01  # disarmament closes on its target gradually: within a hundredth counts as reached


def backing(model: ISFModel, presser: Actor) -> float:
    """How much a presser's money multiplies its pressure (1 for actors that pledge nothing)."""
    f = presser.p.funder
    if f is None or not model.params.mechanisms.money.enabled:
        return 1.0
    return min(MAX_BACKING, f.pledge_usd / model.params.mechanisms.money.scale_usd)


def publish(model: ISFModel) -> None:
    """What money tells the other mechanisms at the start: each actor's backing (pressure reads it)."""
    for a in model.actor_list:
        a.backing = backing(model, a)


def on_offer(model: ISFModel, f: Actor) -> bool:
    """Can the armed groups still win this funder's pledge (unpaid, no excluded troops, no collapse)?"""
    return (f.released == 0 and not model.situation.collapsed
            and not any(model.actors[x].deployed > 0 for x in f.p.funder.excludes))  # fmt: skip


def weigh(model: ISFModel) -> None:
    """Each armed group takes each prize worth its cost; the highest threshold it takes becomes a
    floor on its compliance dimension."""
    purse = model.purse
    on = model.params.mechanisms.money.enabled
    for h in model.armed_groups:
        d = h.compliance_dim
        if not on:
            h.floors[d] = 0.0
            continue
        g, scale = h.p.armed_group, model.params.mechanisms.money.scale_usd
        resolve = roles.effective_resolve(model, h) * h.p.salience[d]
        target = 0.0
        for f in model.funders:
            p = f.p.funder
            if f.released > 0:  # paid: the threshold was reached and stays the group's floor
                target = max(target, p.disarmament_threshold)
                continue
            worth = g.money_value * p.pledge_usd / scale
            cost = resolve * max(0.0, p.disarmament_threshold - h.settled[d])
            take = on_offer(model, f) and bool(h.policy.take_offer(model, h, f.aid, worth >= cost))
            if take != purse.taken[h.aid, f.aid]:
                purse.taken[h.aid, f.aid] = take
                model.log("offer_taken" if take else "offer_dropped", h.aid, f.aid, p.disarmament_threshold,
                          worth=worth, cost=cost)  # fmt: skip
            if take:
                target = max(target, p.disarmament_threshold)
        h.floors[d] = target


def conditions(model: ISFModel, f: Actor) -> dict[str, bool]:
    p = f.p.funder
    level = model.progress.disarmament
    return {
        "disarmament": (level[0] if len(level) == 1 else min(level, default=0.0)) >= p.disarmament_threshold - VERIFIED,
        "exclusions": not any(model.actors[x].deployed > 0 for x in p.excludes),
        model.situation_label: not model.situation.collapsed,
    }


def release(model: ISFModel, checked: bool = True) -> None:
    """Funders pay when their conditions hold (``checked`` false: whatever they are)."""
    on = checked
    for f in model.funders:
        if f.released > 0:
            f.readiness = 1.0
            continue
        conds = conditions(model, f)
        f.readiness = sum(conds.values()) / len(conds)
        if on:
            model.log_conditions(f, conds, "pay")
        allowed = not on or all(conds.values())
        if allowed and f.policy.fund(model, f, allowed):
            f.released = f.p.funder.pledge_usd
            model.log("funding", f.aid, "", f.released)
