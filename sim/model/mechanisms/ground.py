"""Mechanism 5 — ground dynamics: violence under the ceasefire, its collapse and recovery.

Weekly deaths are negative-binomial (bursty) around

    mean = 7 x deaths_per_day x strikes x (1 - isf_damping x coverage)
           x (1 - disarm_damping x disarmament) x surge x (collapse_violence if collapsed)

calibrated to ~10-11 deaths a day in the ceasefire's first four weeks (E44, E45). Israel's
strikes fall as it accommodates the US on the force's composition (``strike_restraint``, E22).
Each week the ceasefire collapses — Israel resumes full-scale operations (E48) — with chance

    collapse_hazard x (violence / baseline) x (1 - compliance x disarmament)
                    x (1 - isf_damping x coverage)

(Hamas's compliance: disarmament removes the reason Israel gives for resuming, E48). A collapse
ends the force on the ground: contributors pull out, Israel retakes most of the Strip
(``collapse_control``), violence multiplies. A collapsed ceasefire is restored with weekly
chance ``recovery_rate`` (an assumption: the October ceasefire itself followed two years of
war); the negotiation then resumes where it stood. Violence above baseline also stiffens Hamas
(:func:`sim.model.mechanisms.pressure.effective_resolve`) and deters contributors.

Switched off, deaths stay at the baseline mean, there is no collapse and no hardening.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.mechanisms.sequencing import coverage
from sim.model.params import COMPOSITION

if TYPE_CHECKING:
    from sim.model.model import ISFModel


def baseline_weekly(model: ISFModel) -> float:
    return 7.0 * model.params.mechanisms.ground.deaths_per_day


def record_deaths(model: ISFModel, deaths: int) -> None:
    s = model.situation
    s.deaths_week = deaths
    s.deaths_total += deaths
    s.recent.append(deaths)
    s.violence_4w = sum(s.recent) / 4.0
    s.violence_ratio = s.violence_4w / max(s.baseline_weekly, 1e-9)
    model.log("deaths", "", "", float(deaths), strikes=strike_factor(model))


def strike_factor(model: ISFModel) -> float:
    isr = model.israel
    if isr is None or isr.p.territory is None:
        return 1.0
    t = isr.p.territory
    moved = max(0.0, isr.settled[COMPOSITION] - isr.ideal[COMPOSITION])
    return t.strike_level * max(0.0, 1.0 - t.strike_restraint * moved)


def mean_deaths(model: ISFModel) -> float:
    g = model.params.mechanisms.ground
    m = baseline_weekly(model) * strike_factor(model)
    m *= 1.0 - g.isf_damping * coverage(model)
    m *= 1.0 - g.disarm_damping * model.progress.disarmament
    if g.surge_weeks and g.surge_start <= model.week < g.surge_start + g.surge_weeks:
        m *= g.surge_multiplier
    if model.situation.collapsed:
        m *= g.collapse_violence
    return m


def violence(model: ISFModel) -> None:
    """This week's deaths; the ceasefire may collapse, or recover."""
    g = model.params.mechanisms.ground
    if not g.enabled:
        record_deaths(model, int(round(baseline_weekly(model))))
        return
    mu = mean_deaths(model)
    k = g.dispersion
    deaths = int(model.rng.negative_binomial(k, k / (k + mu))) if mu > 0 else 0
    record_deaths(model, deaths)
    situation = model.situation
    if situation.collapsed:
        if model.random.random() < g.recovery_rate:
            situation.collapsed = False
            model.log("recovery", "ISR", "HAMAS", situation.violence_4w)
        return
    compliance = 1.0
    if model.hamas is not None:
        compliance = 1.0 - model.hamas.p.armed_group.compliance * model.progress.disarmament
    hazard = (g.collapse_hazard * situation.violence_ratio * compliance
              * (1.0 - g.isf_damping * coverage(model)))  # fmt: skip
    if model.random.random() < hazard:
        collapse(model)


def collapse(model: ISFModel) -> None:
    g = model.params.mechanisms.ground
    s = model.situation
    s.collapsed = s.ever_collapsed = True
    s.collapses += 1
    if s.week_collapsed is None:
        s.week_collapsed = model.week
    model.progress.israeli_control = max(model.progress.israeli_control, g.collapse_control)
    for c in model.contributors:
        c.committed = c.deployed = 0
        c.commit_week = None
    model.log("collapse", "ISR", "HAMAS", s.violence_4w)
