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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.model import roles
from sim.model.declare import flag, num

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.money.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    scale_usd: float = num(
        (1e8, 1e12), "USD", "a pledge of this size is worth money_value to an armed group, full weight to a presser"
    )


@dataclass
class Purse:
    """Conditional money (this mechanism)."""

    taken: dict[tuple[str, str], bool] = field(
        default_factory=dict
    )  # (armed group, funder) -> it aims at the threshold


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.money


def init(model: ISFModel) -> None:
    """No prize taken at week 0; each presser's money backing published (pressure reads it)."""
    model.purse = Purse(taken={(g.aid, f.aid): False for g in model.armed_groups for f in model.funders})
    publish(model)


MAX_BACKING = 2.0
VERIFIED = 0.01  # disarmament closes on its target gradually: within a hundredth counts as reached


def backing(model: ISFModel, presser: Actor) -> float:
    """How much a presser's money multiplies its pressure (1 for actors that pledge nothing)."""
    f = presser.p.funder
    if f is None or not pars(model).enabled:
        return 1.0
    return min(MAX_BACKING, f.pledge_usd / pars(model).scale_usd)


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
    on = pars(model).enabled
    for h in model.armed_groups:
        d = h.compliance_dim
        if not on:
            h.floors[d] = 0.0
            continue
        g, scale = h.p.armed_group, pars(model).scale_usd
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


def holds(model: ISFModel, f: Actor) -> tuple[bool, bool, bool]:
    """Whether each of funder ``f``'s conditions holds: disarmament, exclusions, no collapse."""
    p = f.p.funder
    level = model.progress.disarmament
    return (
        (level[0] if len(level) == 1 else min(level, default=0.0)) >= p.disarmament_threshold - VERIFIED,
        not any(model.actors[x].deployed > 0 for x in p.excludes),
        not model.situation.collapsed,
    )


def conditions(model: ISFModel, f: Actor) -> dict[str, bool]:
    """Each of funder ``f``'s conditions by name (the trace's words) and whether it holds."""
    return dict(zip(("disarmament", "exclusions", model.situation_label), holds(model, f)))


def release(model: ISFModel) -> None:
    """Funders pay when their conditions hold (when conditions are not checked — the
    commitments mechanism off, ``model.conditions_checked`` — at once)."""
    on = model.conditions_checked
    for f in model.funders:
        if f.released > 0:
            f.readiness = 1.0
            continue
        flags = holds(model, f)
        f.readiness = sum(flags) / len(flags)
        if on and model.tracing:
            model.log_conditions(f, conditions(model, f), "pay")
        allowed = not on or all(flags)
        if allowed and f.policy.fund(model, f, allowed):
            f.released = f.p.funder.pledge_usd
            model.log("funding", f.aid, "", f.released)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns: money released by the end, and who released it."""
    return {
        "funding_usd": float(model.funding_usd),
        "funders": "+".join(sorted(f.aid for f in model.funders if f.released > 0)),
    }


# --------------------------------------------------------------------------- the trace's words
SENTENCES = {
    "offer_taken": lambda a, t, v, d, c: (
        f"{a} takes {t}'s offer: it now aims to disarm to {t}'s threshold {v:.2f}, which the money is worth "
        f"(prize {d['worth']:.2f} vs cost {d['cost']:.2f}); actual disarmament follows the force and the police"
    ),
    "offer_dropped": lambda a, t, v, d, c: (
        f"{a} no longer aims for {t}'s money (prize {d['worth']:.2f} vs cost {d['cost']:.2f})"
    ),
    "funding": lambda a, t, v, d, c: f"{a} releases ${v / 1e9:.1f} bn",
}
