"""Mechanism 5 — ground dynamics: violence, the situation's collapse and recovery.

Weekly deaths are negative-binomial (bursty) around

    mean = 7 x deaths_per_day x strikes x (1 - isf_damping x coverage)
           x (1 - disarm_damping x disarmament) x surge x (collapse_violence if collapsed)

calibrated by each case to its week-0 violence (``deaths_per_day``). ``strikes`` is the
territory holders' mean strike factor: a holder's strikes fall as it concedes to pressure on the
dimension its ``territory.restraint_on`` names (``strike_restraint``). Each week the situation
collapses — full-scale fighting resumes — with chance

    collapse_hazard x (violence / baseline) x (product over armed groups of
                    (1 - compliance x disarmament)) x (1 - isf_damping x coverage)

(an armed group's compliance: disarmament removes the reason given for resuming). A collapse
ends the force on the ground: contributors pull out, each territory holder's control rises to
at least ``collapse_control``, violence multiplies. A collapse is reversed with weekly chance
``recovery_rate``; the negotiation then resumes where it stood. Violence above baseline also
stiffens the armed groups (:func:`sim.model.roles.effective_resolve`) and deters contributors.

Switched off, deaths stay at the baseline mean, there is no collapse and no hardening.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import UNIT, flag, num, share
from sim.model.roles import coverage, spoiler_strikes

if TYPE_CHECKING:
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.ground.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    deaths_per_day: float = num((0.0, 1000.0), "deaths/day", "people killed per day at week 0")
    dispersion: float = num((0.01, 1000.0), "shape", "negative-binomial shape of weekly deaths")
    collapse_hazard: float = num(UNIT, "chance/week", "weekly chance the situation collapses (full-scale fighting)")
    recovery_rate: float = num(UNIT, "chance/week", "weekly chance a collapse is reversed")
    isf_damping: float = share("share of violence a full-strength force removes")
    disarm_damping: float = share("share of violence full disarmament removes")
    strike_hardening: float = num(
        (0.0, 10.0), "x excess violence", "how much above-baseline violence stiffens the armed groups"
    )
    collapse_violence: float = num((1.0, 100.0), "x baseline", "violence multiple after a collapse")
    collapse_control: float = share("share of the territory each territory holder holds after a collapse")
    surge_start: int = num((0, 520), "week", "first week of a strike surge")
    surge_weeks: int = num((0, 520), "weeks", "length of the surge")
    surge_multiplier: float = num((0.0, 100.0), "x baseline", "violence multiple during the surge")


@dataclass
class Situation:
    """Violence and the ceasefire (this mechanism)."""

    baseline_weekly: float
    recent: deque  # the last four weeks' deaths
    violence_4w: float
    violence_ratio: float = 1.0
    deaths_week: int = 0
    deaths_total: int = 0
    collapsed: bool = False  # the ceasefire is down now
    ever_collapsed: bool = False
    week_collapsed: int | None = None  # first collapse
    collapses: int = 0


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.ground


def init(model: ISFModel) -> None:
    """The situation at week 0: violence at its baseline for the last four weeks."""
    base = baseline_weekly(model)
    model.situation = Situation(baseline_weekly=base, recent=deque([base] * 4, maxlen=4), violence_4w=base)


def baseline_weekly(model: ISFModel) -> float:
    return 7.0 * pars(model).deaths_per_day


def record_deaths(model: ISFModel, deaths: int) -> None:
    s = model.situation
    s.deaths_week = deaths
    s.deaths_total += deaths
    s.recent.append(deaths)
    s.violence_4w = sum(s.recent) / 4.0
    s.violence_ratio = s.violence_4w / max(s.baseline_weekly, 1e-9)
    if model.tracing:  # the strike factor is worked out for the trace only
        model.log("deaths", "", "", float(deaths), strikes=strike_factor(model))


def strike_factor(model: ISFModel, cover: float | None = None) -> float:
    """The territory holders' mean strike intensity (1 without a territory holder); a spoiler's
    rises with the force's contest instead of falling with its concessions
    (:func:`sim.model.roles.spoiler_strikes`; ``cover``: the force's coverage, if worked out)."""
    holders = model.territory_holders
    if not holders:
        return 1.0
    if len(holders) == 1:
        h = holders[0]
        if h.spoiling:
            return spoiler_strikes(model, h, cover)
        t, d = h.p.territory, h.restraint_dim
        return t.strike_level * max(0.0, 1.0 - t.strike_restraint * max(0.0, h.settled[d] - h.ideal[d]))
    total = 0.0
    for h in holders:
        if h.spoiling:
            total += spoiler_strikes(model, h, cover)
            continue
        t, d = h.p.territory, h.restraint_dim
        moved = max(0.0, h.settled[d] - h.ideal[d])
        total += t.strike_level * max(0.0, 1.0 - t.strike_restraint * moved)
    return total / len(holders)


def mean_deaths(model: ISFModel, cover: float | None = None) -> float:
    """This week's expected deaths (``cover``: the force's coverage, if already worked out)."""
    g = pars(model)
    cover = coverage(model) if cover is None else cover
    m = baseline_weekly(model) * strike_factor(model, cover)
    m *= 1.0 - g.isf_damping * cover
    m *= 1.0 - g.disarm_damping * model.progress.mean_disarmament
    if g.surge_weeks and g.surge_start <= model.week < g.surge_start + g.surge_weeks:
        m *= g.surge_multiplier
    if model.situation.collapsed:
        m *= g.collapse_violence
    return m


def violence(model: ISFModel) -> None:
    """This week's deaths; the ceasefire may collapse, or recover."""
    g = pars(model)
    if not g.enabled:
        record_deaths(model, int(round(baseline_weekly(model))))
        return
    cover = coverage(model)  # nothing moves the force this step before the hazard reads it again
    mu = mean_deaths(model, cover)
    k = g.dispersion
    deaths = int(model.rng.negative_binomial(k, k / (k + mu))) if mu > 0 else 0
    record_deaths(model, deaths)
    situation = model.situation
    if situation.collapsed:
        if model.random.random() < g.recovery_rate:
            situation.collapsed = False
            model.log("recovery", model.territory_id, model.armed_id, situation.violence_4w)
        return
    compliance = 1.0
    groups = model.armed_groups
    if groups:
        dis = model.progress.disarmament
        for i, grp in enumerate(groups):
            compliance *= 1.0 - grp.p.armed_group.compliance * dis[i]
    hazard = (g.collapse_hazard * situation.violence_ratio * compliance
              * (1.0 - g.isf_damping * cover))  # fmt: skip
    if model.random.random() < hazard:
        collapse(model)


def collapse(model: ISFModel) -> None:
    g = pars(model)
    s = model.situation
    s.collapsed = s.ever_collapsed = True
    s.collapses += 1
    if s.week_collapsed is None:
        s.week_collapsed = model.week
    control = model.progress.control
    for i, held in enumerate(control):
        control[i] = max(held, g.collapse_control)
    for c in model.contributors:
        c.committed = c.deployed = 0
        c.commit_week = None
    model.log("collapse", model.territory_id, model.armed_id, s.violence_4w)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns: whether and when the situation collapsed, the deaths in all."""
    s = model.situation
    return {
        "ceasefire_collapsed": s.ever_collapsed,
        "week_collapsed": float(s.week_collapsed) if s.week_collapsed is not None else math.nan,
        "deaths": int(s.deaths_total),
    }


# --------------------------------------------------------------------------- the trace's words
SENTENCES = {
    "deaths": lambda a, t, v, d, c: f"{int(v)} killed this week (strikes at {d['strikes']:.0%} of week 0)",
    "collapse": lambda a, t, v, d, c: "the situation collapses: full-scale fighting resumes; contributors pull out",
    "recovery": lambda a, t, v, d, c: "the collapse is reversed; the negotiation resumes where it stood",
}
