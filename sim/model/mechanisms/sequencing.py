"""Mechanism 6 — sequencing from the 20-point plan.

* **hostage remains -> phase two.** Israel ties the plan's second phase to the return of all
  remaining hostage remains (E16; 9 of 28 outstanding, E39). Each week Hamas returns each with
  chance ``remains_rate`` ("the rest needs time", E39), while the ceasefire holds. Phase two —
  contributors' commitments and deployment — opens when at most ``remains_tolerance`` are outstanding.
* **deployment -> Israeli withdrawal.** Israel's control moves toward
  ``floor + (control0 - floor) x (1 - coverage)``: it withdraws as the ISF (and the police it
  works with) covers the Strip (E15), never below its security floor (E14).
* **deployment -> disarmament -> funding.** Hamas hands over weapons at ``disarm_rate`` toward
  its willingness (its settled position on the disarmament dimension), at full pace with an ISF to hand them to, at
  ``disarm_without_isf`` of that pace before. Funders pay on disarmament
  (:mod:`sim.model.mechanisms.commitments`).

Switched off, steps run in parallel instead of in sequence: phase two is open at once, Israel
withdraws to its floor on its own schedule, and disarmament runs at full pace without an ISF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.params import DISARMAMENT

if TYPE_CHECKING:
    from sim.model.model import ISFModel


def phase_two_open(model: ISFModel) -> bool:
    if not model.params.mechanisms.sequencing.enabled or model.israel is None:
        return True
    return model.progress.remains_outstanding <= model.israel.p.territory.remains_tolerance


def coverage(model: ISFModel) -> float:
    cfg = model.params.mechanisms.sequencing
    troops = model.troops_deployed
    police = model.progress.police * cfg.police_weight if troops > 0 else 0.0
    return min(1.0, (troops + police) / cfg.target_troops)


def remains(model: ISFModel) -> None:
    h, prog = model.hamas, model.progress
    if h is None or prog.remains_outstanding == 0 or model.situation.collapsed:
        return
    n = int(model.rng.binomial(prog.remains_outstanding, h.p.armed_group.remains_rate))
    if n:
        prog.remains_outstanding -= n
        model.log("remains_returned", h.aid, "ISR", float(n), still_held=prog.remains_outstanding)
        if phase_two_open(model) and not prog.phase_two_logged:
            prog.phase_two_logged = True
            model.log("phase_two", "ISR", "", float(prog.remains_outstanding))


def advance(model: ISFModel) -> None:
    """Police training, Israeli withdrawal and disarmament for this week."""
    on = model.params.mechanisms.sequencing.enabled
    prog = model.progress
    if model.situation.collapsed:
        return
    prog.police += sum(t.p.trainer.police_per_week for t in model.trainers)
    isr = model.israel
    if isr is not None:
        t = isr.p.territory
        target = t.floor + (t.control - t.floor) * (1.0 - coverage(model)) if on else t.floor
        prog.israeli_control += t.withdraw_rate * (target - prog.israeli_control)
    h = model.hamas
    if h is not None:
        g = h.p.armed_group
        pace = 1.0 if (not on or model.troops_deployed > 0) else g.disarm_without_isf
        prog.disarmament += g.disarm_rate * pace * max(0.0, h.settled[DISARMAMENT] - prog.disarmament)
