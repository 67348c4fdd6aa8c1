"""Mechanism 1 — leverage and pressure, per dimension of the issue space (BDM-style).

Each week every presser i pushes each of its targets j with the weight

    w_ij = capability_i x effort_ij x leverage_ij   (x the funder's money backing, see below)

(effort is ``actors.i.pressure.j``: how much of its weight i puts behind its demands on j;
leverage is how much j depends on i), spread over the dimensions by what i cares about: on
dimension d it presses with w_ij x salience_id / (its highest salience) — full weight on what
matters most to it — toward its own settled position there. On each
dimension the pressures add up to P_jd and the pressers' demand D_jd is their weighted mean
position. Against them stands j's resolve on that dimension, R_j x salience_jd: an actor gives
way easily where it does not care. The target's settled position heads for (default rule)

    equilibrium_jd = ideal_jd + (D_jd - ideal_jd) x P_jd / (P_jd + R_jd)

and closes ``speed`` of the gap each week. So pressure that beats resolve moves a target past
the midpoint between its ideal and the demand: that is where a veto yields
(``mechanisms.vetoes.yield_at``, on the veto's dimension).

Noise discipline: the weekly shock (``noise``) is added to what others see of a position
(``shown``), not to where it has settled. Decisions that cannot be undone read the settled
position, so a random week never lifts a veto; the day's Council votes read the shown one.

A funder's pressure is backed by its money: its weight is multiplied by the backing money
publishes (:func:`sim.model.mechanisms.money.backing`). A mediator shut out of the force it
offered troops to (vetoed, not settled for a liaison role) presses with ``excluded_effort`` of
its weight (excluded, it has less reason to bring the armed group along: an assumption).

An armed group's resolve is lowered by a credible amnesty and raised by violence above the
baseline (:func:`sim.model.roles.effective_resolve`). The money on offer to an armed group
(``actor.prize``, published by :mod:`sim.model.mechanisms.money`) adds to the pressure on its
compliance dimension, toward the funders' thresholds; pressure applies it without knowing why.
How positions respond is the bargaining rule (``rule``,
:mod:`sim.model.mechanisms.bargaining`). Efforts and concessions are decisions: each actor's
policy (:mod:`sim.model.policy`) makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model import roles
from sim.model.declare import UNIT, flag, num, share
from sim.model.mechanisms import bargaining
from sim.model.mechanisms.bargaining import Rule
from sim.model.policy import DEFAULT_POLICY

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.pressure.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    speed: float = num(UNIT, "share/week", "share of the gap to equilibrium closed per week")
    noise: float = num((0.0, 0.5), "sd/week", "weekly shock to the positions others see (not to decisions)")
    excluded_effort: float = share("share of its effort a vetoed, excluded mediator keeps")
    rule: Rule = flag("bargaining rule: default | compromise | nash")


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.pressure


def init(model: ISFModel) -> None:
    """The configured pressure links (presser, target, weight per dimension), in a fixed order.
    Published: whether positions move, and by which rule (the sponsor forecasts with them)."""
    model.links = links(model)
    model.pressure_on, model.bargaining_rule = pars(model).enabled, pars(model).rule


def _spread(model: ISFModel, presser: Actor, w: float) -> tuple[float, ...]:
    """A link's weight on each dimension: by the presser's salience, full on its top dimension,
    times the backing other mechanisms give it (money)."""
    sal = presser.p.salience
    top = max(sal)
    if top <= 0:
        return tuple(0.0 for _ in sal)
    w *= presser.backing
    return tuple(w * s / top for s in sal)


def links(model: ISFModel) -> list[tuple[Actor, Actor, tuple[float, ...]]]:
    """(presser, target, weight per dimension) for every configured link, in a fixed order."""
    out = []
    for a in model.actor_list:
        for tid, effort in sorted(a.p.pressure.items()):
            w = a.p.capability * effort * a.p.leverage.get(tid, 0.0)
            if w > 0:
                out.append((a, model.actors[tid], _spread(model, a, w)))
    return out


def current_links(model: ISFModel) -> list[tuple[Actor, Actor, tuple[float, ...]]]:
    """This week's links: each actor's policy chooses its efforts (the rule keeps the configured
    ones; :meth:`sim.model.policy.Policy.efforts`) on any target it has leverage over."""
    if not model.custom_policies:
        return model.links
    out = []
    for a in model.actor_list:
        configured = dict(a.p.pressure)
        efforts = a.policy.efforts(model, a, configured)
        if efforts is configured:  # the rule: the configured links
            out.extend(link for link in model.links if link[0] is a)
            continue
        for tid, lev in sorted(a.p.leverage.items()):
            w = a.p.capability * min(1.0, max(0.0, efforts.get(tid, 0.0))) * lev
            if w > 0 and model.actors[tid].is_pressed:
                out.append((a, model.actors[tid], _spread(model, a, w)))
    return out


def _lobbied(model: ISFModel, t: Actor) -> bool:
    """Council members are lobbied until the draft passes (then only on what else they decide),
    and again from a mandate's review to its renewal vote (:mod:`sim.model.mechanisms.term`)."""
    return not (model.agenda.authorized and not model.renewal_open and t.p.council is not None
                and t.p.sponsor is None and t.p.armed_group is None and t.p.territory is None)  # fmt: skip


def apply(model: ISFModel) -> None:
    """Pressers push their targets; settled positions move toward their equilibria.

    The hot loop of a run (a few dozen links and targets, a few dimensions, every week): it adds
    up each target's pressure and demand in the links' order and moves each target by its rule,
    without a dict or a list per link (the arithmetic, and so every bit of a run, is unchanged)."""
    cfg = pars(model)
    n = len(model.case.dimensions)
    zeros = [0.0] * n
    for t in model.pressed:
        t.pressure_in = zeros[:]
        t.demand_in = zeros[:]
    week_links = current_links(model)
    barred = model.barred
    excluded = cfg.excluded_effort
    for presser, target, wd in week_links:
        pos, pin, dem = presser.settled, target.pressure_in, target.demand_in
        f = excluded if presser.offer > 0 and not presser.liaison and presser.aid in barred else 1.0
        for d in range(n):
            x = wd[d] * f
            pin[d] += x
            dem[d] += x * pos[d]
    for g in model.armed_groups:  # the money on offer pulls toward the funders' thresholds
        w, toward = g.prize
        if w > 0 and g.is_pressed:
            d = g.compliance_dim
            g.pressure_in[d] += w
            g.demand_in[d] += w * toward
    if not cfg.enabled:
        return
    speed, rule = cfg.speed, cfg.rule
    default = rule == "default"
    resolve_of = roles.effective_resolve  # bound once: called per target
    authorized = model.agenda.authorized
    for t in model.pressed:
        if (authorized and not _lobbied(model, t)) or t.spoiling:  # a spoiler does not bargain (mechanisms.spoiler)
            t.pressure_in = zeros[:]
            continue
        before, ideal, sal, pin, dem = t.settled, t.ideal, t.p.salience, t.pressure_in, t.demand_in
        r = resolve_of(model, t)
        goal = [dem[d] / pin[d] if pin[d] > 0 else ideal[d] for d in range(n)]
        t.goal = goal
        proposed = []
        for d in range(n):
            p = pin[d]
            if p <= 0:
                eq = ideal[d] if rule != "compromise" else before[d]
            elif default:  # bargaining.equilibrium, inline: ideal + (D - ideal) x P / (P + R)
                i = ideal[d]
                eq = i + (goal[d] - i) * p / (p + r * sal[d])
            else:
                eq = bargaining.target(rule, ideal[d], before[d], p, r * sal[d], goal[d])
            x = before[d] + speed * (eq - before[d])
            proposed.append(0.0 if x < 0.0 else 1.0 if x > 1.0 else x)
        if t.policy is not DEFAULT_POLICY:
            proposed = [min(1.0, max(0.0, float(x))) for x in t.policy.position(model, t, list(before), proposed)]
        t.settled = proposed
        if model.tracing and sum(pin) > 0:
            who = [p.aid for p, tt, _ in week_links if tt is t]
            model.log(
                "pressure",
                t.aid,
                "",
                sum(pin),
                pressers=who,
                resolve=r,
                before=before,
                after=list(proposed),
                salience=sal,
            )


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's column: the bargaining rule of the run."""
    return {"rule": pars(model).rule}


# --------------------------------------------------------------------------- the trace's words
def _pressure(actor: str, target: str, value: float, d: dict, case) -> str:
    """Only the dimensions the target cares about (it takes the pressers' view on the others)."""
    moves = zip(case.dimensions, d["before"], d["after"], d["salience"])
    moved = [f"{dim} {b:.2f} -> {a:.2f}" for dim, b, a, s in moves if s > 0 and abs(a - b) >= 0.005]
    head = f"{', '.join(d['pressers'])} press {actor} (pressure {value:.2f} vs resolve {d['resolve']:.2f}): "
    return head + (", ".join(moved) if moved else "it holds its ground")


SENTENCES = {"pressure": _pressure}
