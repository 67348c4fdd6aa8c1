"""Mechanism 11 — contributor blocs: one contributor actor standing for several member states.

Where the evidence names many small offers with no number each, a case may give one contributor
actor a ``bloc`` block: it stands for ``members`` states, and ``contributor.offer`` is what the
bloc would send if every member came. Each member decides on its own whether it sends its share:
with chance ``follow_through`` each (a draw per member, independent of the others), so the
number that come is binomial, and the bloc's offer scales with it:

    offer = round(contributor.offer x members that come / members)

The draw is made once per run, when the model is built, from a stream of its own keyed by the
run's seed and the actor's id (no other draw moves). The bloc then pledges, deploys, lapses and
pulls out as one contributor, on its conditions (:mod:`sim.model.mechanisms.commitments`); a
bloc none of whose members comes has nothing to offer. The trace says how many came.

Switched off (``enabled: false``), or without a ``mechanisms.blocs`` section, every member comes:
the bloc offers ``contributor.offer`` in full.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag

if TYPE_CHECKING:
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.blocs.*``; the numbers are the role's, per actor)."""

    enabled: bool = flag()


OFF = Params(enabled=False)  # a case without a mechanisms.blocs section


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.blocs


def members_that_come(seed: int, aid: str, members: int, follow_through: float) -> int:
    """How many of a bloc's members send their share: one draw per member, from a stream keyed by
    the run's seed and the bloc's id (so no other random stream moves)."""
    draw = random.Random(f"{seed}:bloc:{aid}").random
    return sum(1 for _ in range(members) if draw() < follow_through)


def init(model: ISFModel) -> None:
    """Each bloc's members decide whether they come; the bloc's offer scales with them (when on)."""
    on = pars(model).enabled
    for c in model.contributors:
        b = c.p.bloc
        if b is None:
            continue
        if not on:
            c.members = b.members
            continue
        c.members = members_that_come(model.noise_seed, c.aid, b.members, b.follow_through)
        c.offer = round(c.p.contributor.offer * c.members / b.members)
        model.log("bloc", c.aid, "", float(c.members), members=b.members, offer=c.offer)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """No column of its own (the runs table keeps its columns): a bloc shows as one contributor."""
    return {}


SENTENCES = {
    "bloc": lambda a, t, v, d, c: (
        f"{int(v)} of the {d['members']} states {a} stands for will send personnel: it offers {d['offer']:,}"
    ),
}
