"""Which bargaining rules count: the structural range is taken over the rules that reproduce the
case's week-0 stances, not over every rule one could write.

A bargaining rule (:mod:`sim.model.mechanisms.bargaining`) is admitted for a case when, at the
case's point values and under the pressure each veto holder faces at week 0, no standing veto is
forecast to yield: where the holder's position on the veto's dimension settles under that
pressure (the rule's own end point, as the sponsor forecasts it) stays below
``mechanisms.vetoes.yield_at``. The evidence of a case says its vetoes hold today (Gaza: a "red
line", E12, and no sign of backing down under US pressure, E20); a rule under which today's
pressure would lift them describes another negotiation. Levers that change the pressure
(a scenario in which the sponsor presses harder) are judged by the same rules: admission is a
property of the case's calibration, decided once, at the baseline's point values.

The case lists its admitted rules (``case.yaml``: ``rules``;
:func:`sim.model.mechanisms.bargaining.admitted` reads them) and the week-0 tests hold every
listed rule to :func:`veto_holds_under`, and every unlisted one to failing it, so that the list
is a finding, checked, not a choice.
"""

from __future__ import annotations

from dataclasses import replace

from sim.model.mechanisms import council, pressure
from sim.model.model import ISFModel
from sim.model.params import ModelParams


def veto_holds_under(params: ModelParams, rule: str) -> bool:
    """Under ``rule``, does every standing veto hold against the pressure of week 1?"""
    mech = params.mechanisms
    p = replace(params, mechanisms=replace(mech, pressure=replace(mech.pressure, rule=rule)))
    model = ISFModel(p, rng=0)
    model.week = 1
    pressure.apply(model)
    return not any(council.veto_expected_to_yield(model, h) for h in model.veto_holders if any(h.vetoes.values()))
