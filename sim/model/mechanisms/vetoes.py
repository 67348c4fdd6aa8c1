"""Mechanism 2 — vetoes (veto players).

A veto holder refuses named contributors (``veto.targets``) and decides which forces are
acceptable. A veto stands while the holder's *settled* position on the veto's dimension
(``veto.dimension``) — where pressure against its resolve has moved it, without the week's
noise (:mod:`sim.model.mechanisms.pressure`) — stays below ``yield_at``. The holder weighs the
veto's cost, the pressure it faces, against its resolve; it does not wait for a lucky week. Once
it yields it stays yielded (a public concession is costly to take back: an assumption). A vetoed
contributor cannot commit or deploy while the veto stands.

Switched off, the holders' objections are ignored. A permanent member's veto in the Council is
a separate switch, ``mechanisms.council.p5_veto`` (:mod:`sim.model.mechanisms.council`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag, share

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.vetoes.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    yield_at: float = share("a veto yields when the holder's settled position on its dimension passes this")


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.vetoes


def init(model: ISFModel) -> None:
    """The contributors a standing veto bars at week 0 (``update`` keeps the set). Published: the
    position at which a veto yields (the sponsor forecasts with it)."""
    model.barred = barred(model)
    model.yield_at = pars(model).yield_at


def update(model: ISFModel) -> None:
    """Standing vetoes yield when their holder's settled position on the veto's dimension passes the threshold."""
    cfg = pars(model)
    for holder in model.veto_holders:
        for target, standing in holder.vetoes.items():
            if not standing:
                continue
            position = holder.settled[holder.veto_dim]
            rule = position >= cfg.yield_at
            if holder.policy.lift_veto(model, holder, target, rule):
                holder.vetoes[target] = False
                model.barred = barred(model)
                model.log("veto_yielded", holder.aid, target, position, yield_at=cfg.yield_at, by_rule=rule,
                          dimension=model.case.dimensions[holder.veto_dim])  # fmt: skip
            elif model.tracing and model.actors[target].offer > 0 and not model.actors[target].liaison:
                model.log("veto_held", holder.aid, target, position, yield_at=cfg.yield_at,
                          dimension=model.case.dimensions[holder.veto_dim])  # fmt: skip


def barred(model: ISFModel) -> frozenset[str]:
    """The contributors a standing veto bars (none with the mechanism off); the model keeps it."""
    if not pars(model).enabled:
        return frozenset()
    return frozenset(t for h in model.veto_holders for t, st in h.vetoes.items() if st)


def blocked(model: ISFModel, contributor: Actor) -> bool:
    """True while a standing veto bars this contributor's troops."""
    return contributor.aid in model.barred


def standing(model: ISFModel, holder_id: str, target_id: str) -> bool:
    """Whether holder's veto on target stands (used by outcomes and invariants)."""
    return model.actors[holder_id].vetoes.get(target_id, False) and pars(model).enabled


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's column: whether any veto yielded."""
    return {"veto_yielded": any(not standing for h in model.veto_holders for standing in h.vetoes.values())}


# --------------------------------------------------------------------------- the trace's words
def _yielded(a: str, t: str, v: float, d: dict) -> str:
    head = f"{a} lifts its veto on {t} troops (settled {d.get('dimension', '')} position {v:.2f}"
    return head + (f" >= {d['yield_at']:.2f})" if d["by_rule"] else f" < {d['yield_at']:.2f}: its own choice)")


SENTENCES = {
    "veto_yielded": lambda a, t, v, d, c: _yielded(a, t, v, d),
    "veto_held": lambda a, t, v, d, c: (
        f"{a}'s veto on {t} troops holds (settled {d.get('dimension', '')} position {v:.2f} < {d['yield_at']:.2f})"
    ),
}
