"""Mechanism 6 — sequencing: what waits for what.

The case's plan puts steps in order; three links are modelled:

* **gates -> the next phase.** A gate is something outstanding, held by one actor (its ``gate``
  block: ``outstanding`` items at week 0), released item by item with weekly chance ``rate``
  while the situation holds. The next phase — contributors' commitments and deployment — opens
  when every gate holds no more than the territory holders tolerate (``gate_tolerance``;
  :func:`sim.model.roles.gates_open`). The case names each gate and its sentences
  (``case.yaml``: ``gates``).
* **domestic gates -> the holder's own step.** A gate held by a contributor (its constitutional
  steps, a court case) or by a force funder (a legislature's appropriation) binds only its
  holder: that contributor deploys, that funder pays, once its own gate holds nothing
  (:func:`sim.model.roles.own_gates_clear`); the others and the next phase do not wait for it.
* **a force in place, and disarmament -> withdrawal.** A territory holder withdraws only while a
  force is on the ground: its control moves toward

      control0 - (control0 - floor) x coverage x (w + (1 - w) x disarmament)

  (``w``: ``territory.withdraw_before_disarmament``): as the force (and the police it works with)
  covers the territory, and as the armed groups disarm; never below its floor. With no force
  present its control never falls — not after a collapse either — and as a force thins out it
  moves back toward what it held at week 0.
* **the decision to disarm -> disarmament -> funding.** An armed group's disarmament is a
  decision, not a drift: it decides once its willingness (its settled position on its compliance
  dimension, moved by pressure, a credible amnesty and the money on offer) reaches ``decide_at``
  and its policy agrees. Only then does it hand over weapons, at ``disarm_rate`` toward its
  willingness with a force to hand them to, at ``disarm_without_isf`` of that pace without one.
  Funders pay on the decision and the verified level (:mod:`sim.model.mechanisms.money`).

Switched off, steps run in parallel instead of in sequence: the gates are open at once,
territory holders withdraw to their floor on their own schedule, and a decided armed group
disarms at full pace without a force.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag, num, share
from sim.model.roles import coverage, gates_open, own_gates_clear

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
    decided: list[bool]  # each armed group has decided to disarm
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
    """The plan at week 0: what each gate holder holds, what each territory holder holds, no
    disarmament; and, when a contributor holds a gate of its own, its deployment's condition."""
    model.progress = Progress(
        outstanding=[g.p.gate.outstanding for g in model.gate_holders],
        control=[t.p.territory.control for t in model.territory_holders],
        disarmament=[0.0 for _ in model.armed_groups],
        decided=[False for _ in model.armed_groups],
    )
    held = [i for i, h in enumerate(model.gate_holders) if model.own_gate[i] and h.p.contributor is not None]
    if held and pars(model).enabled:
        label = " and ".join(dict.fromkeys(model.gate_words[i].label for i in held))
        model.deploy_extra.append((label, lambda mdl, c: own_gates_clear(mdl, c)))


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
            if model.own_gate[i]:  # a domestic gate: open for its holder once nothing is held
                if prog.outstanding[i] == 0:
                    model.log(words.opened_kind, h.aid, "", 0.0, holder=h.aid)
            elif gates_open(model) and not prog.phase_two_logged:
                prog.phase_two_logged = True
                model.log(words.opened_kind, model.territory_id, "", float(sum(prog.outstanding)), holder=h.aid)


def advance(model: ISFModel) -> None:
    """Police training, withdrawal and disarmament for this week."""
    on = pars(model).enabled
    prog = model.progress
    if model.situation.collapsed:
        return
    prog.police += sum(t.p.trainer.police_per_week for t in model.trainers)
    present = model.troops_deployed > 0
    if model.territory_holders:
        cover = coverage(model) if on and present else 0.0
        dis = prog.mean_disarmament
        for i, h in enumerate(model.territory_holders):
            t = h.p.territory
            if on and h.spoiling:  # taken back by the force and the police, not handed over (mechanisms.spoiler)
                target = t.control - (t.control - t.floor) * cover
            elif on:
                w = t.withdraw_before_disarmament
                target = t.control - (t.control - t.floor) * cover * (w + (1.0 - w) * dis)
            else:
                target = t.floor
            if target > prog.control[i] or present or not on:  # it retakes ground, but withdraws only from a force
                prog.control[i] += t.withdraw_rate * (target - prog.control[i])
    for i, h in enumerate(model.armed_groups):
        g = h.p.armed_group
        will = h.settled[h.compliance_dim]
        if not prog.decided[i]:
            if will >= g.decide_at and h.policy.disarm(model, h, True):
                prog.decided[i] = True
                model.log("decides_to_disarm", h.aid, "", will)
            continue
        pace = 1.0 if (not on or present) else g.disarm_without_isf
        prog.disarmament[i] += g.disarm_rate * pace * max(0.0, will - prog.disarmament[i])


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns: each territory holder's share (``control.<ID>``) and each armed
    group's disarmament (``disarmament.<ID>``) at the end."""
    prog = model.progress
    row = {f"control.{h.aid}": float(share) for h, share in zip(model.territory_holders, prog.control)}
    row.update({f"disarmament.{g.aid}": float(share) for g, share in zip(model.armed_groups, prog.disarmament)})
    row["disarm_decided"] = "+".join(sorted(g.aid for g, dec in zip(model.armed_groups, prog.decided) if dec))
    return row


# --------------------------------------------------------------------------- the trace's words
# the gates' events are named and worded by the case (case.yaml: gates); these are the defaults
SENTENCES = {
    "decides_to_disarm": lambda a, t, v, d, c: (
        f"{a} decides to disarm (its willingness {v:.2f}): weapons are handed over from now on"
    ),
    "gate_released": lambda a, t, v, d, c: f"{a} releases {v:.0f} ({d['still_held']} still held)",
    "gate_opened": lambda a, t, v, d, c: f"the gate held by {d.get('holder', a)} is open",
}
