"""The actors of the ISF negotiations.

Actors are data, not classes per country: one :class:`Actor` agent holds whichever roles its
parameters give it (Qatar mediates and funds; Egypt contributes, mediates and trains police).
Numbers arrive as constructor arguments (an :class:`~sim.model.params.ActorParams`); behaviour that
involves several actors lives in the mechanism modules (``sim/mechanisms/``), which read and
write the state below.
"""

from __future__ import annotations

import mesa

from sim.model.params import ActorParams


class Actor(mesa.Agent):
    """One state, armed group or Council bloc, with its roles and its weekly state."""

    def __init__(self, model: mesa.Model, params: ActorParams) -> None:
        super().__init__(model)
        self.aid = params.id
        self.p = params
        # negotiation state (pressure mechanism)
        self.ideal = params.position  # where it would stand without pressure
        self.position = params.position  # None: nobody presses this actor
        self.pressure_in = 0.0  # pressure received this week
        # contributor state
        c = params.contributor
        self.offer = c.offer if c else 0
        self.committed = 0  # troops promised
        self.deployed = 0  # troops on the ground in Gaza
        self.ever_deployed = False
        self.ever_committed = False
        self.commit_week: int | None = None
        self.liaison = False  # settled for a CMCC liaison role
        self.weeks_vetoed = 0
        self.readiness = float("nan")  # share of its conditions that hold (contributors, funders)
        # funder state
        self.released = 0.0
        # veto state: target id -> standing?
        self.vetoes = {t: True for t in params.veto.targets} if params.veto else {}

    def __repr__(self) -> str:
        return f"Actor({self.aid})"

    @property
    def is_pressed(self) -> bool:
        return self.position is not None

    @property
    def display_position(self) -> float:
        """Its position if it is pressed, else the share of its conditions that hold."""
        return self.position if self.position is not None else self.readiness
