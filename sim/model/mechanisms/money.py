"""Mechanism 7 — conditional money as leverage.

The Gulf's money comes with conditions: no reconstruction money unless Hamas is fully disarmed
(E31), and reservations about Türkiye's and Qatar's roles (E32). Money acts three ways:

* **The prize for disarming.** Each week Hamas weighs every pledge it could still win (no
  excluded actor has troops in the force, the ceasefire holds) against what winning it costs:
  moving its settled disarmament position up to the funder's threshold, against its resolve
  there. A pledge is worth ``money_value x pledge_usd / mechanisms.money.scale_usd``; the cost is
  ``resolve x salience_disarmament x (threshold - settled position)``. If the prize is worth
  the cost, Hamas takes it: its disarmament position heads at least for that threshold
  (:mod:`sim.model.mechanisms.pressure`). So a threshold within reach (partial disarmament) or
  a larger pledge buys more disarmament; an out-of-reach "full disarmament" buys none (E31).
* **Money backs pressure.** A funder's pressure — on Hamas (Arab pressure, E38) and on the US
  about Türkiye and Qatar (E32) — weighs ``pledge_usd / scale_usd`` times its configured weight
  (at most twice).
* **Release.** A funder pays once Hamas's disarmament reaches its threshold (within
  ``VERIFIED``: disarmament closes on its target gradually and would otherwise never arrive),
  none of the actors it excludes has troops in the force, and the ceasefire holds
  (:func:`release`).

Switched off, money plays no part in the negotiation: no prize, no backing. Funders still pay
when their conditions hold (with ``mechanisms.commitments`` off, at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.params import DISARMAMENT

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


def on_offer(model: ISFModel, f: Actor) -> bool:
    """Can Hamas still win this funder's pledge (unpaid, no excluded troops, ceasefire holds)?"""
    return (f.released == 0 and not model.situation.collapsed
            and not any(model.actors[x].deployed > 0 for x in f.p.funder.excludes))  # fmt: skip


def weigh(model: ISFModel) -> None:
    """Hamas takes each prize worth its cost; the highest threshold taken becomes its target."""
    h = model.hamas
    purse = model.purse
    if h is None or not model.params.mechanisms.money.enabled:
        purse.disarmament_target = 0.0
        return
    from sim.model.mechanisms.pressure import effective_resolve

    g, scale = h.p.armed_group, model.params.mechanisms.money.scale_usd
    resolve = effective_resolve(model, h) * h.p.salience[DISARMAMENT]
    target = 0.0
    for f in model.funders:
        p = f.p.funder
        if f.released > 0:  # paid: the threshold was reached and stays Hamas's floor
            target = max(target, p.disarmament_threshold)
            continue
        worth = g.money_value * p.pledge_usd / scale
        cost = resolve * max(0.0, p.disarmament_threshold - h.settled[DISARMAMENT])
        take = on_offer(model, f) and bool(h.policy.take_offer(model, h, f.aid, worth >= cost))
        if take != purse.taken[f.aid]:
            purse.taken[f.aid] = take
            model.log("offer_taken" if take else "offer_dropped", h.aid, f.aid, p.disarmament_threshold,
                      worth=worth, cost=cost)  # fmt: skip
        if take:
            target = max(target, p.disarmament_threshold)
    purse.disarmament_target = target


def conditions(model: ISFModel, f: Actor) -> dict[str, bool]:
    p = f.p.funder
    return {
        "disarmament": model.progress.disarmament >= p.disarmament_threshold - VERIFIED,
        "exclusions": not any(model.actors[x].deployed > 0 for x in p.excludes),
        "ceasefire": not model.situation.collapsed,
    }


def release(model: ISFModel) -> None:
    """Funders pay when their conditions hold."""
    on = model.params.mechanisms.commitments.enabled
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
