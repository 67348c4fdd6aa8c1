"""Decision hooks ("policies"): who takes an actor's decisions.

Every place where an actor *decides* something in the weekly protocol asks the actor's policy.
Every actor has one: :class:`Policy`, the agent's own rule, returns the rule's choice unchanged.
``isf-play`` gives one actor a human policy; anyone can give actors a :class:`Policy` subclass::

    model = ISFModel(params, rng=seed)
    model.use_policies({"USA": MyPolicy()})

Each hook receives the model, the actor and *what the agent's rule would do*, and returns the
decision. The hooks, in the order of the weekly protocol:

==============  =====================================================  ===============================
hook            consulted by                                           decides
==============  =====================================================  ===============================
``take_offer``  :func:`sim.model.mechanisms.money.weigh`               an armed group heeds a pledge on offer
``efforts``     :func:`sim.model.mechanisms.pressure.current_links`    whom the actor presses, how hard
``position``    :func:`sim.model.mechanisms.pressure.apply`            how far a pressed actor concedes
``lift_veto``   :func:`sim.model.mechanisms.vetoes.update`             hold or lift a standing veto
``design_final``:func:`sim.model.mechanisms.council.settle_design`     the sponsor goes ahead with the design
``mandate``     :func:`sim.model.mechanisms.council.choose_mandate`    the draft's mandate, or not to table
``votes``       :func:`sim.model.mechanisms.council.member_votes`      a Council member's vote(s)
``commit``      :func:`sim.model.mechanisms.commitments.contributors`  a contributor commits its troops
``fund``        :func:`sim.model.mechanisms.money.release`             a funder releases its pledge
``disarm``      :func:`sim.model.mechanisms.sequencing.advance`        an armed group decides to disarm
==============  =====================================================  ===============================

Constraints stay with the mechanisms, not the policy: a contributor can commit only when its
requirements hold (``allowed``), a funder can pay only when its conditions hold, an armed group
heeds only money still on offer and decides to disarm only once willing, a vetoed contributor
cannot commit, efforts and positions are clipped to [0, 1]. A policy can always decline what the
rule would do (hold a veto past the threshold, withhold money, not commit, not disarm).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


class Policy:
    """The agent's own rule: every hook returns the rule's choice unchanged."""

    def take_offer(self, model: ISFModel, actor: Actor, funder: str, rule: bool) -> bool:
        """Let ``funder``'s pledge on offer pull the armed group's willingness toward its
        disarmament threshold this week? ``rule``: yes (the money pulls, against its resolve)."""
        return rule

    def efforts(self, model: ISFModel, actor: Actor, efforts: dict[str, float]) -> dict[str, float]:
        """Effort (0..1) on each target this week; ``efforts`` are the actor's configured ones
        (return them unchanged to keep the configured links)."""
        return efforts

    def position(self, model: ISFModel, actor: Actor, before: list[float], proposed: list[float]) -> list[float]:
        """New settled position of a pressed actor, per dimension; ``proposed`` is where the
        bargaining rule moves it."""
        return proposed

    def lift_veto(self, model: ISFModel, actor: Actor, target: str, rule: bool) -> bool:
        """Lift the standing veto on ``target`` now? ``rule``: the settled position has passed
        ``yield_at``."""
        return rule

    def design_final(self, model: ISFModel, actor: Actor, disputed: list[str], rule: bool) -> bool:
        """The sponsor declares the design final (going ahead without ``disputed``)?"""
        return rule

    def mandate(self, model: ISFModel, actor: Actor, rule: str | None) -> str | None:
        """The draft's mandate, ``enforcement`` or ``borders``, or None not to table it now.
        ``rule``: the sponsor's forecast choice (None: it expects no draft to pass)."""
        return rule

    def votes(self, model: ISFModel, actor: Actor, rule: list[int]) -> list[int]:
        """One vote per seat: 1 yes, 0 abstain, -1 no."""
        return rule

    def commit(self, model: ISFModel, actor: Actor, allowed: bool, chance: float) -> bool | None:
        """Commit the offered troops this week? Only asked when ``allowed`` (requirements hold).
        Return None to let the rule decide (a weekly draw with ``chance``)."""
        return None

    def fund(self, model: ISFModel, actor: Actor, rule: bool) -> bool:
        """Release the pledge now? Only asked when the funder's conditions hold."""
        return rule

    def disarm(self, model: ISFModel, actor: Actor, rule: bool) -> bool:
        """Decide to disarm now (weapons are handed over from then on)? Only asked of an armed
        group whose willingness has reached its ``decide_at``; a decision is not taken back."""
        return rule


DEFAULT_POLICY = Policy()  # every actor's policy until another is given (it holds no state)
