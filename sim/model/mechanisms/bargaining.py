"""Bargaining rules: where a pressed actor's position on one dimension heads under pressure.

The pressure mechanism (:mod:`sim.model.mechanisms.pressure`) sums the pressure P on a target,
on one dimension of the issue space, and the pressers' demand D there (their positions,
weighted by how hard each presses); it sets P against the target's resolve R on that dimension.
A *bargaining rule* turns (ideal, current position, D, P, R) into the position the target heads
for this week; it then closes ``speed`` of the gap to it, whatever the rule.
``mechanisms.pressure.rule`` picks one:

``default`` — the model's own contest rule (:func:`equilibrium`)::

    target = ideal + (D - ideal) x P / (P + R)

  Concessions are anchored on the ideal point: constant pressure buys a fixed concession.

``compromise`` — a weighted compromise: each week the target splits the difference between
where it stands now and the demand, weighted by pressure against resolve::

    target = (R x current + P x D) / (R + P)

  Concessions are anchored on the current position, so they accumulate: any lasting pressure
  moves the target all the way to the demand in the end, faster the more pressure beats resolve.

``nash`` — the symmetric Nash bargaining solution over the range from the ideal to the demand,
with threat points: if talks break down the pressers impose their pressure on the target (its
disagreement payoff is -P) and the target's resistance costs the pressers its resolve (-R).
With linear utilities s (pressers) and 1 - s (target) over the share s of the range conceded,
the Nash product (s + R)(1 - s + P) is largest at::

    s = (1 + P - R) / 2, clipped to [0, 1];   target = ideal + (D - ideal) x s

  The outcome depends on the *difference* of pressure and resolve, not their ratio: pressure
  far below resolve buys nothing, pressure far above it buys everything.

All three leave a target nobody presses (P = 0) at its ideal point (``compromise``: where it
stands), and all three put a target past the midpoint between its ideal and the demand exactly
when P > R — so what differs between them is how far and how fast. The choice between them is
structural uncertainty: ``experiments/bargaining_rules.yaml`` sweeps it. A rule counts in the
structural range only if it reproduces the case's week-0 stances: the case lists those
(``case.yaml``: ``rules``, :func:`admitted`) and the tests hold each listed rule to them
(:mod:`sim.model.rules`).
"""

from __future__ import annotations

from typing import Literal, get_args

Rule = Literal["default", "compromise", "nash"]  # the rules below, by name (mechanisms.pressure.rule)

RULES: tuple[str, ...] = get_args(Rule)


def equilibrium(ideal: float, pressure: float, resolve: float, demand: float = 1.0) -> float:
    """The default contest rule: where a position settles under constant pressure against resolve."""
    if pressure <= 0:
        return ideal
    return ideal + (demand - ideal) * pressure / (pressure + resolve)


def compromise(current: float, pressure: float, resolve: float, demand: float = 1.0) -> float:
    """Weighted compromise between the current position and the demand."""
    if pressure <= 0:
        return current
    return (resolve * current + pressure * demand) / (resolve + pressure)


def nash(ideal: float, pressure: float, resolve: float, demand: float = 1.0) -> float:
    """Symmetric Nash bargaining solution with threat points -P (target) and -R (pressers)."""
    if pressure <= 0:
        return ideal
    share = min(1.0, max(0.0, (1.0 + pressure - resolve) / 2.0))
    return ideal + (demand - ideal) * share


def end_point(rule: str, ideal: float, current: float, pressure: float, resolve: float, demand: float = 1.0) -> float:
    """Where a position ends up under constant pressure: the rule's fixed point (the compromise
    rule keeps moving until it reaches the demand)."""
    if pressure > 0 and rule == "compromise":
        return demand
    return target(rule, ideal, current, pressure, resolve, demand)


def target(rule: str, ideal: float, current: float, pressure: float, resolve: float, demand: float = 1.0) -> float:
    """Where a position heads this week under ``rule``."""
    if rule == "default":
        return equilibrium(ideal, pressure, resolve, demand)
    if rule == "compromise":
        return compromise(current, pressure, resolve, demand)
    if rule == "nash":
        return nash(ideal, pressure, resolve, demand)
    raise ValueError(f"unknown bargaining rule {rule!r}; allowed: {', '.join(RULES)}")


def admitted(params) -> tuple[str, ...]:
    """The rules that count in the structural range for this case (``case.yaml``: ``rules``; all
    three if the case lists none). Every tool that shows a rule range (isf-sim's table,
    isf-report, isf-forecast) takes its rules from here; :func:`sim.model.rules.veto_holds_under`
    is the week-0 check a listed rule must pass."""
    return params.case.rules or RULES
