"""Mechanism 6 — sequencing: what waits for what.

The case's plan puts steps in order; three links are modelled:

* **gates -> the next phase.** A gate is something outstanding, held by one actor (its ``gate``
  block: ``outstanding`` items at week 0), released item by item with weekly chance ``rate``
  while the situation holds. The next phase — contributors' commitments and deployment — opens
  when every gate holds no more than the territory holders tolerate (``gate_tolerance``;
  :func:`sim.model.roles.gates_open`). The case names each gate and its sentences
  (``case.yaml``: ``gates``).
* **deployment -> withdrawal.** Each territory holder's control moves toward
  ``floor + (control0 - floor) x (1 - coverage)``: it withdraws as the force (and the police it
  works with) covers the territory, never below its floor.
* **deployment -> disarmament -> funding.** Each armed group hands over weapons at
  ``disarm_rate`` toward its willingness (its settled position on its compliance dimension), at
  full pace with a force to hand them to, at ``disarm_without_isf`` of that pace before. Funders
  pay on disarmament (:mod:`sim.model.mechanisms.money`).

Switched off, steps run in parallel instead of in sequence: the gates are open at once,
territory holders withdraw to their floor on their own schedule, and disarmament runs at full
pace without a force.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag, num, share
from sim.model.roles import coverage, gates_open

if TYPE_CHECKING:
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.sequencing.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    target_troops: int = num((1, 200000), "troops", "force size the draft authorizes")
    police_weight: float = share("troops of the force one trained police officer counts as")


@dataclass
class Progress:
    """The plan's sequence (this mechanism): one entry per holder of a
    role, in the order of ``model.gate_holders``, ``model.territory_holders``, ``model.armed_groups``."""

    outstanding: list[int]  # items each gate holder still holds
    control: list[float]  # share of the territory each territory holder holds
    disarmament: list[float]  # each armed group's disarmament, 0..1
    phase_two_logged: bool = False
    police: float = 0.0
    week_deployed: int | None = None

    @property
    def mean_disarmament(self) -> float:
        """The armed groups' mean disarmament (0 without an armed group)."""
        d = self.disarmament
        return d[0] if len(d) == 1 else (sum(d) / len(d) if d else 0.0)


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.sequencing


def init(model: ISFModel) -> None:
    """The plan at week 0: what each gate holder holds, what each territory holder holds, no disarmament."""
    model.progress = Progress(
        outstanding=[g.p.gate.outstanding for g in model.gate_holders],
        control=[t.p.territory.control for t in model.territory_holders],
        disarmament=[0.0 for _ in model.armed_groups],
    )


def release(model: ISFModel) -> None:
    """Gate holders release what they hold; the next phase opens when the gates do."""
    prog = model.progress
    if model.situation.collapsed:
        return
    for i, h in enumerate(model.gate_holders):
        held = prog.outstanding[i]
        if held == 0:
            continue
        n = int(model.rng.binomial(held, h.p.gate.rate))
        if n:
            prog.outstanding[i] = held - n
            words = model.gate_words[i]
            model.log(words.released_kind, h.aid, model.territory_id, float(n), still_held=prog.outstanding[i])
            if gates_open(model) and not prog.phase_two_logged:
                prog.phase_two_logged = True
                model.log(words.opened_kind, model.territory_id, "", float(sum(prog.outstanding)), holder=h.aid)


def advance(model: ISFModel) -> None:
    """Police training, withdrawal and disarmament for this week."""
    on = pars(model).enabled
    prog = model.progress
    if model.situation.collapsed:
        return
    prog.police += sum(t.p.trainer.police_per_week for t in model.trainers)
    if model.territory_holders:
        cover = coverage(model) if on else 0.0
        for i, h in enumerate(model.territory_holders):
            t = h.p.territory
            target = t.floor + (t.control - t.floor) * (1.0 - cover) if on else t.floor
            prog.control[i] += t.withdraw_rate * (target - prog.control[i])
    if model.armed_groups:
        pace_with = 1.0 if (not on or model.troops_deployed > 0) else None
        for i, h in enumerate(model.armed_groups):
            g = h.p.armed_group
            pace = pace_with if pace_with is not None else g.disarm_without_isf
            prog.disarmament[i] += g.disarm_rate * pace * max(0.0, h.settled[h.compliance_dim] - prog.disarmament[i])


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns: each territory holder's share (``control.<ID>``) and each armed
    group's disarmament (``disarmament.<ID>``) at the end."""
    prog = model.progress
    row = {f"control.{h.aid}": float(share) for h, share in zip(model.territory_holders, prog.control)}
    row.update({f"disarmament.{g.aid}": float(share) for g, share in zip(model.armed_groups, prog.disarmament)})
    return row


# --------------------------------------------------------------------------- the trace's words
# the gates' events are named and worded by the case (case.yaml: gates); these are the defaults
SENTENCES = {
    "gate_released": lambda a, t, v, d, c: f"{a} releases {v:.0f} ({d['still_held']} still held)",
    "gate_opened": lambda a, t, v, d, c: f"the gate held by {d.get('holder', a)} is open",
}
