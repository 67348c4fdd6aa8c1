"""Bargaining rules: where a pressed actor's position heads under pressure.

The pressure mechanism (:mod:`sim.model.mechanisms.pressure`) sums the pressure P on a target and
sets it against the target's resolve R; a *bargaining rule* turns (ideal, current position,
P, R) into the position the target heads for this week. Positions then close ``speed`` of the
gap to it, plus noise, whatever the rule. ``mechanisms.pressure.rule`` picks one:

``default`` — the model's own contest rule (:func:`equilibrium`)::

    target = ideal + (1 - ideal) x P / (P + R)

  Concessions are anchored on the ideal point: constant pressure buys a fixed concession.

``compromise`` — a simple weighted compromise: each week the target splits the difference
between where it stands now and the pressers' demand (full concession, 1), weighted by
pressure against resolve::

    target = (R x current + P x 1) / (R + P)

  Concessions are anchored on the current position, so they accumulate: any lasting pressure
  moves the target all the way in the end, faster the more pressure beats resolve.

``nash`` — the symmetric Nash bargaining solution over the concession range, with threat
points: if talks break down the pressers impose their pressure on the target (its
disagreement payoff is -P) and the target's resistance costs the pressers its resolve (-R).
With linear utilities s (pressers) and 1 - s (target) over the share s of the range conceded,
the Nash product (s + R)(1 - s + P) is largest at::

    s = (1 + P - R) / 2, clipped to [0, 1];   target = ideal + (1 - ideal) x s

  The outcome depends on the *difference* of pressure and resolve, not their ratio: pressure
  far below resolve buys nothing, pressure far above it buys everything.

All three leave a target nobody presses (P = 0) at its ideal point (``compromise``: where it
stands), and all three put a target past the midpoint of its range exactly when P > R — the
point where vetoes yield — so what differs between them is how far and how fast.
"""

from __future__ import annotations

from typing import get_args

from sim.model.params import Rule

RULES: tuple[str, ...] = get_args(Rule)


def equilibrium(ideal: float, pressure: float, resolve: float) -> float:
    """The default contest rule: where a position settles under constant pressure against resolve."""
    if pressure <= 0:
        return ideal
    return ideal + (1.0 - ideal) * pressure / (pressure + resolve)


def compromise(current: float, pressure: float, resolve: float) -> float:
    """Weighted compromise between the current position and full concession (1)."""
    if pressure <= 0:
        return current
    return (resolve * current + pressure * 1.0) / (resolve + pressure)


def nash(ideal: float, pressure: float, resolve: float) -> float:
    """Symmetric Nash bargaining solution with threat points -P (target) and -R (pressers)."""
    if pressure <= 0:
        return ideal
    share = min(1.0, max(0.0, (1.0 + pressure - resolve) / 2.0))
    return ideal + (1.0 - ideal) * share


def target(rule: str, ideal: float, current: float, pressure: float, resolve: float) -> float:
    """Where a position heads this week under ``rule``."""
    if rule == "default":
        return equilibrium(ideal, pressure, resolve)
    if rule == "compromise":
        return compromise(current, pressure, resolve)
    if rule == "nash":
        return nash(ideal, pressure, resolve)
    raise ValueError(f"unknown bargaining rule {rule!r}; allowed: {', '.join(RULES)}")
