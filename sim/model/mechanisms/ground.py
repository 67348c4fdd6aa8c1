"""Mechanism 5 — ground dynamics: violence under the ceasefire, and its collapse.

Weekly deaths are negative-binomial (bursty) around

    mean = 7 x deaths_per_day x strikes x (1 - isf_damping x coverage)
           x (1 - disarm_damping x disarmament) x surge x (collapse_violence if collapsed)

calibrated to ~10-11 deaths a day in the ceasefire's first four weeks (E44, E45). Israel's
strikes fall as it accommodates the US (``strike_restraint``, E22). Each week the ceasefire
collapses — Israel resumes full-scale operations (E48) — with chance

    collapse_hazard x (violence / baseline) x (Hamas non-compliance / week-0 level)
                    x (1 - isf_damping x coverage)

A collapse ends the negotiation on the ground: contributors pull out, Israel retakes most of
the Strip (``collapse_control``), violence multiplies. Violence above baseline also stiffens
Hamas (see :func:`sim.model.mechanisms.pressure.effective_resolve`) and deters contributors.

Switched off, deaths stay at the baseline mean, there is no collapse and no hardening.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.mechanisms.sequencing import coverage

if TYPE_CHECKING:
    from sim.model.model import ISFModel


def baseline_weekly(model: ISFModel) -> float:
    return 7.0 * model.params.mechanisms.ground.deaths_per_day


def strike_factor(model: ISFModel) -> float:
    isr = model.israel
    if isr is None or isr.p.territory is None:
        return 1.0
    t = isr.p.territory
    moved = max(0.0, (isr.position or 0.0) - (isr.ideal or 0.0))
    return t.strike_level * max(0.0, 1.0 - t.strike_restraint * moved)


def mean_deaths(model: ISFModel) -> float:
    g = model.params.mechanisms.ground
    m = baseline_weekly(model) * strike_factor(model)
    m *= 1.0 - g.isf_damping * coverage(model)
    m *= 1.0 - g.disarm_damping * model.disarmament
    if g.surge_weeks and g.surge_start <= model.week < g.surge_start + g.surge_weeks:
        m *= g.surge_multiplier
    if model.collapsed:
        m *= g.collapse_violence
    return m


def violence(model: ISFModel) -> None:
    """This week's deaths; the ceasefire may collapse."""
    g = model.params.mechanisms.ground
    if not g.enabled:
        model.record_deaths(int(round(baseline_weekly(model))))
        return
    mu = mean_deaths(model)
    k = g.dispersion
    deaths = int(model.rng.negative_binomial(k, k / (k + mu))) if mu > 0 else 0
    model.record_deaths(deaths)
    if model.collapsed:
        return
    h = model.hamas
    noncompliance = 1.0
    if h is not None and h.ideal is not None and h.ideal < 1.0:
        noncompliance = (1.0 - h.position) / (1.0 - h.ideal)
    hazard = g.collapse_hazard * model.violence_ratio * noncompliance * (1.0 - g.isf_damping * coverage(model))
    if model.random.random() < hazard:
        collapse(model)


def collapse(model: ISFModel) -> None:
    g = model.params.mechanisms.ground
    model.collapsed = True
    model.week_collapsed = model.week
    model.israeli_control = max(model.israeli_control, g.collapse_control)
    for c in model.contributors:
        c.committed = c.deployed = 0
        c.commit_week = None
    model.log(
        "collapse",
        "ISR",
        "HAMAS",
        model.violence_4w,
        "the ceasefire collapses: Israel resumes full-scale operations; contributors pull out",
    )
