"""Decision hooks ("policies"): who takes an actor's decisions.

Every place where an actor *decides* something in the weekly protocol asks the actor's policy.
By default nobody is registered and the mechanisms apply the agent's own rule directly, so a
model without policies runs exactly as before (bit-identical results). ``isf-play`` registers a
human for one actor; anyone can register a :class:`Policy` subclass the same way::

    model = ISFModel(params, rng=seed)
    model.policies = {"USA": MyPolicy()}

Each hook receives the model, the actor and *what the agent's rule would do*, and returns the
decision. The base class returns the rule's choice unchanged. The hooks, in the order of the
weekly protocol:

=================  =========================================  =================================
hook               consulted by                               decides
=================  =========================================  =================================
``efforts``        :func:`sim.model.mechanisms.pressure.apply`      whom the actor presses, how hard
``position``       :func:`sim.model.mechanisms.pressure.apply`      how far a pressed actor concedes
``lift_veto``      :func:`sim.model.mechanisms.vetoes.update`       hold or lift a standing veto
``design_final``   :func:`sim.model.mechanisms.council.settle_design`  the sponsor goes ahead with the design
``mandate``        :func:`sim.model.mechanisms.council.vote`        the mandate of the draft put to the vote
``votes``          :func:`sim.model.mechanisms.council.member_votes`  a Council member's vote(s)
``commit``         :func:`sim.model.mechanisms.commitments.contributors`  a contributor commits its troops
``fund``           :func:`sim.model.mechanisms.commitments.funders`  a funder releases its pledge
=================  =========================================  =================================

Constraints stay with the mechanisms, not the policy: a contributor can commit only when its
conditions hold (``allowed``), a funder can pay only when its conditions hold, a vetoed
contributor cannot commit, efforts and positions are clipped to [0, 1]. A policy can always
decline what the rule would do (hold a veto past the threshold, withhold money, not commit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


class Policy:
    """The agent's own rule: every hook returns the rule's choice unchanged."""

    def efforts(self, model: ISFModel, actor: Actor, efforts: dict[str, float]) -> dict[str, float]:
        """Effort (0..1) on each target this week; ``efforts`` are the actor's configured ones."""
        return efforts

    def position(self, model: ISFModel, actor: Actor, before: float, proposed: float) -> float:
        """New position of a pressed actor; ``proposed`` is where the bargaining rule moves it."""
        return proposed

    def lift_veto(self, model: ISFModel, actor: Actor, target: str, rule: bool) -> bool:
        """Lift the standing veto on ``target`` now? ``rule``: position has passed ``yield_at``."""
        return rule

    def design_final(self, model: ISFModel, actor: Actor, disputed: list[str], rule: bool) -> bool:
        """The sponsor declares the design final (going ahead without ``disputed``)?"""
        return rule

    def mandate(self, model: ISFModel, actor: Actor, rule: str) -> str:
        """Mandate of the draft about to be voted: ``enforcement`` or ``borders``."""
        return rule

    def votes(self, model: ISFModel, actor: Actor, rule: list[int]) -> list[int]:
        """One vote per seat: 1 yes, 0 abstain, -1 no."""
        return rule

    def commit(self, model: ISFModel, actor: Actor, allowed: bool, chance: float) -> bool | None:
        """Commit the offered troops this week? Only asked when ``allowed`` (conditions hold).

        Return None to let the rule decide (a weekly draw with ``chance``)."""
        return None

    def fund(self, model: ISFModel, actor: Actor, rule: bool) -> bool:
        """Release the pledge now? ``rule`` is True when the funder's conditions hold."""
        return rule


def of(model: ISFModel, actor: Actor) -> Policy | None:
    """The policy registered for ``actor``, or None (the agent's rule applies directly)."""
    policies = getattr(model, "policies", None)
    return policies.get(actor.aid) if policies else None
