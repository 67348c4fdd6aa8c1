"""Mechanism 10 — the spoiler: an armed group that does not bargain, fights the force, and loses
ground to it.

The ``armed_group`` role bargains: pressure, an amnesty and money move its position, and its
strikes fall as it concedes on its ``territory.restraint_on`` dimension. An actor that also holds
the ``spoiler`` role does none of that while this mechanism is on:

* **it does not bargain** — its positions do not move under pressure (pressure still reaches it
  in the trace's words, and it holds its ground); so it never reaches its ``decide_at`` and never
  decides to disarm, and no concession restrains its strikes;
* **it fights the force and escalates** — its strike intensity is

      strike_level x (1 + escalation x contest)

  where ``contest = presence x push``: ``presence`` is the force's coverage (its strength on the
  ground with the police it works beside, :func:`sim.model.roles.coverage`; 0 with no force in),
  and ``push`` is the mandate in force's value on the spoiler's ``territory.restraint_on``
  dimension — for a spoiler that dimension names how hard the force is asked to contest its
  ground (1 if the draft does not set it). A force that deploys, the harder the more robust its
  mandate, meets more violence; the violence feeds the rest as any violence does (contributors'
  tolerance, the collapse hazard, the armed groups' hardening);
* **it loses ground to the force and the police** — its control moves, at
  ``territory.withdraw_rate`` a week, toward

      control0 - (control0 - floor) x presence

  (taken back, not handed over: it does not wait for a disarmament that will not come); as the
  force thins out it retakes ground toward ``control0``, as any territory holder does.

The role's one number is ``spoiler.escalation``. A spoiler must also hold ``territory`` (it holds
ground). Switched off (``enabled: false``), or without a ``mechanisms.spoiler`` section, the actor
is an ordinary armed group and territory holder again. No random draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag

if TYPE_CHECKING:
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.spoiler.*``; the numbers are the role's, per actor)."""

    enabled: bool = flag()


OFF = Params(enabled=False)  # a case without a mechanisms.spoiler section


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.spoiler


def init(model: ISFModel) -> None:
    """Mark the spoilers (when on): pressure leaves their positions where they are, ground and
    sequencing read their strikes and their ground from the force's contest."""
    model.spoilers = []
    if not pars(model).enabled:
        return
    for a in model.actor_list:
        if a.p.spoiler is not None and a.p.territory is not None:
            a.spoiling = True
            model.spoilers.append(a)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """No column of its own: its effects show in the deaths, the collapse and the control columns."""
    return {}


SENTENCES: dict = {}
