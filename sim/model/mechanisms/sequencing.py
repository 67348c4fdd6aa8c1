"""Mechanism 6 — sequencing from the 20-point plan.

* **hostage remains -> phase two.** Israel ties the plan's second phase to the return of all
  remaining hostage remains (E16; 9 of 28 outstanding, E39). Each week Hamas returns each with
  chance ``remains_rate`` x (0.5 + its position). Phase two — contributors' commitments and
  deployment — opens when at most ``remains_tolerance`` are outstanding.
* **deployment -> Israeli withdrawal.** Israel's control moves toward
  ``floor + (control0 - floor) x (1 - coverage)``: it withdraws as the ISF (and the police it
  works with) covers the Strip (E15), never below its security floor (E14).
* **deployment -> disarmament -> funding.** Hamas hands over weapons at ``disarm_rate`` toward
  its willingness (its position), at full pace with an ISF to hand them to, at
  ``disarm_without_isf`` of that pace before. Funders pay on disarmament
  (:mod:`sim.model.mechanisms.commitments`).

Switched off, steps run in parallel instead of in sequence: phase two is open at once, Israel
withdraws to its floor on its own schedule, and disarmament runs at full pace without an ISF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.model import ISFModel


def phase_two_open(model: ISFModel) -> bool:
    if not model.params.mechanisms.sequencing.enabled or model.israel is None:
        return True
    return model.remains_outstanding <= model.israel.p.territory.remains_tolerance


def coverage(model: ISFModel) -> float:
    cfg = model.params.mechanisms.sequencing
    troops = model.troops_deployed
    police = model.police * cfg.police_weight if troops > 0 else 0.0
    return min(1.0, (troops + police) / cfg.target_troops)


def remains(model: ISFModel) -> None:
    h = model.hamas
    if h is None or model.remains_outstanding == 0 or model.collapsed:
        return
    g = h.p.armed_group
    p = min(1.0, g.remains_rate * (0.5 + h.position))
    n = int(model.rng.binomial(model.remains_outstanding, p))
    if n:
        model.remains_outstanding -= n
        model.log(
            "remains_returned",
            h.aid,
            "ISR",
            float(n),
            f"HAMAS returns {n} hostage remains ({model.remains_outstanding} still held)",
        )
        if phase_two_open(model) and not model.phase_two_logged:
            model.phase_two_logged = True
            model.log(
                "phase_two",
                "ISR",
                "",
                float(model.remains_outstanding),
                "Israel's condition on hostage remains is met: phase two opens",
            )


def advance(model: ISFModel) -> None:
    """Police training, Israeli withdrawal and disarmament for this week."""
    on = model.params.mechanisms.sequencing.enabled
    if not model.collapsed:
        model.police += sum(t.p.trainer.police_per_week for t in model.trainers)
    isr = model.israel
    if isr is not None and not model.collapsed:
        t = isr.p.territory
        target = t.floor + (t.control - t.floor) * (1.0 - coverage(model)) if on else t.floor
        model.israeli_control += t.withdraw_rate * (target - model.israeli_control)
    h = model.hamas
    if h is not None and not model.collapsed:
        g = h.p.armed_group
        pace = 1.0 if (not on or model.troops_deployed > 0) else g.disarm_without_isf
        model.disarmament += g.disarm_rate * pace * max(0.0, h.position - model.disarmament)
