"""Mechanism 2 — vetoes (veto players).

Israel vetoes named contributors (Türkiye: a "red line", E12) and decides which forces are
acceptable (E04, E13). A veto stands until the holder's position — moved by pressure against
its resolve (see :mod:`sim.model.mechanisms.pressure`) — passes ``yield_at``; once it yields it stays
yielded (a public concession is costly to take back: an assumption). A vetoed contributor
cannot commit or deploy while the veto stands.

In the Council, a 'no' from a permanent member is a veto (:func:`council_vetoed`).

Switched off, no veto blocks anything: Israel's objections and P5 'no' votes are ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import policy

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


def update(model: ISFModel) -> None:
    """Standing vetoes yield when their holder's position passes the threshold."""
    cfg = model.params.mechanisms.vetoes
    for holder in model.veto_holders:
        for target, standing in holder.vetoes.items():
            if not standing:
                continue
            lift = holder.position is not None and holder.position >= cfg.yield_at
            pol = policy.of(model, holder)
            if pol is not None:
                lift = bool(pol.lift_veto(model, holder, target, lift))
            if lift:
                holder.vetoes[target] = False
                model.log(
                    "veto_yielded",
                    holder.aid,
                    target,
                    holder.position,
                    f"{holder.aid} lifts its veto on {target} troops "
                    f"(position {holder.position:.2f} >= {cfg.yield_at:.2f})"
                    if holder.position >= cfg.yield_at
                    else f"{holder.aid} lifts its veto on {target} troops (its own choice, "
                    f"position {holder.position:.2f} < {cfg.yield_at:.2f})",
                )
            elif model.tracing and model.actors[target].offer > 0 and not model.actors[target].liaison:
                model.log(
                    "veto_held",
                    holder.aid,
                    target,
                    holder.position or 0.0,
                    f"{holder.aid}'s veto on {target} troops holds "
                    f"(position {holder.position or 0:.2f} < {cfg.yield_at:.2f})",
                )


def blocked(model: ISFModel, contributor: Actor) -> bool:
    """True while a standing veto bars this contributor's troops."""
    if not model.params.mechanisms.vetoes.enabled:
        return False
    return any(h.vetoes.get(contributor.aid, False) for h in model.veto_holders)


def standing(model: ISFModel, holder_id: str, target_id: str) -> bool:
    """Whether holder's veto on target stands (used by outcomes and invariants)."""
    return model.actors[holder_id].vetoes.get(target_id, False) and model.params.mechanisms.vetoes.enabled


def council_vetoed(model: ISFModel, votes: dict[str, list[int]]) -> list[str]:
    """Permanent members whose 'no' (-1) blocks the draft."""
    if not model.params.mechanisms.vetoes.enabled:
        return []
    return [aid for aid, v in votes.items() if model.actors[aid].p.council.permanent and -1 in v]
