"""Mechanism 7 — conditional money as leverage.

Funders' money comes with conditions: a disarmament threshold the armed groups must reach, and
actors whose troops in the force rule the money out (``funder.excludes``). Money acts three ways:

* **The money on offer pulls.** Each unpaid pledge the armed groups could still win (no excluded
  actor has troops in the force, the situation has not collapsed) pulls each armed group's
  position on its compliance dimension toward the funder's threshold, with the weight
  ``money_value x pledge_usd / mechanisms.money.scale_usd``, set against its resolve there by the
  bargaining rule like any other pressure (:mod:`sim.model.mechanisms.pressure` reads it: money
  publishes ``actor.prize``, a weight and a demand). So a larger pledge or a threshold within
  reach moves its willingness a little more, smoothly: money does not buy a decision.
* **Money backs pressure.** A funder's pressure weighs ``pledge_usd / scale_usd`` times its
  configured weight (at most twice): money publishes it as the funder's ``backing``.
* **Release follows the decision.** A funder with a disarmament condition pays only once every
  armed group has *decided* to disarm (:mod:`sim.model.mechanisms.sequencing`) and its verified
  disarmament has reached the threshold (within ``VERIFIED``: disarmament closes on its target
  gradually and would otherwise never arrive); none of the actors it excludes has troops in the
  force, and the situation holds (:func:`release`). A funder whose threshold is 0 has no
  disarmament condition.

``money_value``, the pledge sizes and ``scale_usd`` are assumptions no article reports: they set
how much the money on offer moves the armed groups, not whether they decide (docs/model.md).

Switched off, money plays no part in the negotiation: no pull, no backing. Funders still pay
when their conditions hold (with ``checked`` false — the commitments mechanism off — at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag, num
from sim.model.policy import DEFAULT_POLICY

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


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.money


def init(model: ISFModel) -> None:
    """Each presser's money backing, and the money on offer to each armed group (pressure reads both)."""
    publish(model)
    for h in model.armed_groups:
        h.prize = (0.0, 0.0)
    # each funder's excluded actors, looked up once (its conditions are read every week)
    model.excluded_by = {f.aid: [model.actors[x] for x in f.p.funder.excludes] for f in model.funders}


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
    return f.released == 0 and not model.situation.collapsed and not _excluded_in(model, f)


def _excluded_in(model: ISFModel, f: Actor) -> bool:
    """Has an actor funder ``f`` excludes troops in the force?"""
    for x in model.excluded_by[f.aid]:
        if x.deployed > 0:
            return True
    return False


def weigh(model: ISFModel) -> None:
    """The money on offer to each armed group this week: its pull (``money_value x pledge /
    scale_usd``, summed over the unpaid pledges it could still win) and where it pulls (the
    thresholds, weighted by pledge), published as ``actor.prize`` for pressure to apply."""
    on = pars(model).enabled
    scale = pars(model).scale_usd
    for h in model.armed_groups:
        if not on or model.situation.collapsed:  # nothing on offer
            h.prize = (0.0, 0.0)
            continue
        value = h.p.armed_group.money_value
        weight = demand = 0.0
        for f in model.funders:
            p = f.p.funder
            if p.disarmament_threshold <= 0 or not on_offer(model, f):
                continue
            w = value * p.pledge_usd / scale
            if w > 0 and (h.policy is DEFAULT_POLICY or h.policy.take_offer(model, h, f.aid, True)):
                weight += w
                demand += w * p.disarmament_threshold
        h.prize = (weight, demand / weight if weight > 0 else 0.0)


def holds(model: ISFModel, f: Actor) -> tuple[bool, bool, bool]:
    """Whether each of funder ``f``'s conditions holds: disarmament (decided, and verified at the
    threshold), exclusions, no collapse."""
    return _disarmament_holds(model, f), not _excluded_in(model, f), not model.situation.collapsed


def _disarmament_holds(model: ISFModel, f: Actor) -> bool:
    threshold = f.p.funder.disarmament_threshold
    if threshold <= 0:
        return True
    prog = model.progress
    return all(prog.decided) and min(prog.disarmament, default=0.0) >= threshold - VERIFIED


def _all_hold(model: ISFModel, f: Actor) -> bool:
    """``all(holds(model, f))``, stopping at the first condition that fails."""
    return _disarmament_holds(model, f) and not _excluded_in(model, f) and not model.situation.collapsed


def conditions(model: ISFModel, f: Actor) -> dict[str, bool]:
    """Each of funder ``f``'s conditions by name (the trace's words) and whether it holds."""
    return dict(zip(("disarmament", "exclusions", model.situation_label), holds(model, f)))


def release(model: ISFModel) -> None:
    """Funders pay when their conditions hold (when conditions are not checked — the
    commitments mechanism off, ``model.conditions_checked`` — at once)."""
    on, tracing = model.conditions_checked, model.tracing
    for f in model.funders:
        if f.released > 0:
            f.readiness = 1.0
            continue
        if tracing:  # the share of its conditions that hold is shown (traced runs, the page)
            flags = holds(model, f)
            f.readiness = sum(flags) / len(flags)
            if on:
                model.log_conditions(f, conditions(model, f), "pay")
            allowed = not on or all(flags)
        else:
            allowed = not on or _all_hold(model, f)
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
    "funding": lambda a, t, v, d, c: f"{a} releases ${v / 1e9:.1f} bn",
}
