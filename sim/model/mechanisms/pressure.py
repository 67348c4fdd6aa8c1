"""Mechanism 1 — leverage and pressure (BDM-style).

Each week every presser i pushes each of its targets j with

    pressure_ij = capability_i x effort_ij x leverage_ij

(effort is ``actors.i.pressure.j``: how much of its weight i puts behind this demand; leverage
is how much j depends on i). Pressures add up to P_j. Against them stands j's resolve R_j.
The target's position settles between its own ideal point and the pressers' demand (1):

    equilibrium_j = ideal_j + (1 - ideal_j) x P_j / (P_j + R_j)

and each week closes ``speed`` of the gap to that equilibrium, plus a small random shock.
So pressure that beats resolve (P > R) moves a target past the midpoint of its concession
range: that is where vetoes yield (``mechanisms.vetoes.yield_at``).

A mediator shut out of the force it offered troops to (vetoed, and not settled for a liaison
role) presses with only ``excluded_effort`` of its usual effort: the US wants Türkiye in
because it can bring Hamas along (E01, E02); excluded, it has less reason to (an assumption).

How the position responds to pressure is the bargaining rule (``rule``: ``default`` is the
equilibrium above; ``compromise`` and ``nash`` are in :mod:`sim.model.mechanisms.bargaining`).
Efforts and concessions are decisions: a registered policy (:mod:`sim.model.policy`) may make them.

Hamas's resolve is lowered by a credible amnesty (E37) and raised by violence above the
ceasefire baseline (strikes harden it; see ``mechanisms.ground.strike_hardening``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import policy
from sim.model.mechanisms import bargaining, vetoes

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


def links(model: ISFModel) -> list[tuple[Actor, Actor, float]]:
    """(presser, target, weight) for every pressure link, in a fixed order."""
    out = []
    for a in model.actor_list:
        for tid, effort in sorted(a.p.pressure.items()):
            w = a.p.capability * effort * a.p.leverage.get(tid, 0.0)
            if w > 0:
                out.append((a, model.actors[tid], w))
    return out


def current_links(model: ISFModel) -> list[tuple[Actor, Actor, float]]:
    """This week's links: :func:`links`, with the efforts of actors whose policy chooses them
    (:meth:`sim.model.policy.Policy.efforts`; any target the actor has leverage over)."""
    if not getattr(model, "policies", None):
        return model.links
    out = []
    for a in model.actor_list:
        pol = policy.of(model, a)
        if pol is None:
            out.extend(link for link in model.links if link[0] is a)
            continue
        efforts = pol.efforts(model, a, dict(a.p.pressure))
        for tid, lev in sorted(a.p.leverage.items()):
            w = a.p.capability * min(1.0, max(0.0, efforts.get(tid, 0.0))) * lev
            if w > 0 and model.actors[tid].is_pressed:
                out.append((a, model.actors[tid], w))
    return out


def effective_resolve(model: ISFModel, target: Actor) -> float:
    r = target.p.resolve or 0.0
    g = target.p.armed_group
    if g is not None:
        r *= 1.0 - g.amnesty_weight * g.amnesty_credibility
        if model.params.mechanisms.ground.enabled:
            excess = max(0.0, model.violence_ratio - 1.0)
            r *= 1.0 + model.params.mechanisms.ground.strike_hardening * excess
    return r


def apply(model: ISFModel) -> None:
    """Pressers push their targets; positions move toward their pressure equilibrium."""
    cfg = model.params.mechanisms.pressure
    for t in model.pressed:
        t.pressure_in = 0.0
    links = current_links(model)
    for presser, target, w in links:
        if presser.offer > 0 and not presser.liaison and vetoes.blocked(model, presser):
            w *= cfg.excluded_effort
        target.pressure_in += w
    if not cfg.enabled:
        return
    gauss = model.random.gauss
    for t in model.pressed:
        if model.authorized and t.p.council is not None and t.p.armed_group is None and t.p.territory is None:
            t.pressure_in = 0.0  # the draft has passed: nobody lobbies Council members any more
            continue
        before = t.position
        if cfg.rule == "default":
            eq = bargaining.equilibrium(t.ideal, t.pressure_in, effective_resolve(model, t))
        else:
            eq = bargaining.target(cfg.rule, t.ideal, before, t.pressure_in, effective_resolve(model, t))
        pos = before + cfg.speed * (eq - before)
        if cfg.noise > 0:
            pos += gauss(0.0, cfg.noise)
        t.position = min(1.0, max(0.0, pos))
        pol = policy.of(model, t)
        if pol is not None:
            t.position = min(1.0, max(0.0, float(pol.position(model, t, before, t.position))))
        if model.tracing and t.pressure_in > 0:
            who = ", ".join(p.aid for p, tt, _ in links if tt is t)
            model.log(
                "pressure",
                t.aid,
                "",
                t.position,
                f"{who} press {t.aid} (pressure {t.pressure_in:.2f} vs resolve "
                f"{effective_resolve(model, t):.2f}): position {before:.2f} -> {t.position:.2f}",
            )
