"""The actors of a negotiation over a multinational force.

Actors are data, not classes per country: one :class:`Actor` agent holds whichever roles its
parameters give it (one actor can mediate and fund; another contribute, mediate and train police).
Numbers arrive as constructor arguments (an :class:`~sim.model.params.ActorParams`); behaviour
that involves several actors lives in the mechanism modules (``sim/model/mechanisms/``), which
read and write the state below. Every actor has a policy (:mod:`sim.model.policy`): the agent's
own rule unless a person or a script takes its decisions.

An actor's stance is one number per dimension of the case's issue space
(:attr:`~sim.model.params.Case.dimensions`), kept twice:

- ``settled`` — where pressure has moved it, week by week, without noise. Decisions that cannot
  be undone (lifting a veto, the sponsor's forecasts) read this;
- ``shown`` — ``settled`` plus this week's shock (``mechanisms.pressure.noise``): what others see
  in the news and what the day's votes rest on. The shock is drawn where it is looked at, from
  the run's seed, the week and the actor (:meth:`ISFModel.shock`), so looking (tracing, the
  teaching app) never changes a run.
"""

from __future__ import annotations

from sim.model.mesa_core import Agent, Model
from sim.model.params import ActorParams
from sim.model.policy import DEFAULT_POLICY


class Actor(Agent):
    """One state, armed group or Council bloc, with its roles and its weekly state."""

    def __init__(self, model: Model, params: ActorParams) -> None:
        super().__init__(model)
        self.aid = params.id
        self.p = params
        self.policy = DEFAULT_POLICY  # the agent's own rule; isf-play and scripts give others
        # negotiation state (pressure mechanism): one value per dimension
        self.ideal = params.position
        self.settled = list(params.position)
        self.pressure_in = [0.0] * len(params.position)  # pressure received this week, per dimension
        self.demand_in = [0.0] * len(params.position)  # the pressers' demand, weighted by their pressure
        self.goal = list(params.position)  # where its pressers want it, per dimension
        self.backing = 1.0  # what multiplies its pressure (money publishes it)
        self.prize = (0.0, 0.0)  # an armed group: the money on offer's pull and where it pulls (money publishes it)
        # where its roles meet the issue space (sim.model.roles.bind): -1 without the role
        self.veto_dim = self.compliance_dim = self.restraint_dim = -1
        self.spoiling = False  # a spoiler, with its mechanism on: it does not bargain (sim.model.mechanisms.spoiler)
        self.members = 0  # a contributor bloc: its members that come (sim.model.mechanisms.blocs)
        # contributor state
        c = params.contributor
        self.offer = c.offer if c else 0
        self.committed = 0  # troops pledged
        self.deployed = 0  # troops on the ground
        self.ever_deployed = False
        self.ever_committed = False
        self.caveats: dict[int, float] = {}  # dimension -> the most its troops will do there (its pledge's caveats)
        self.ever_caveated = False
        self.commit_week: int | None = None
        self.liaison = False  # settled for a liaison role instead of troops
        self.weeks_vetoed = 0
        self.readiness = float("nan")  # share of its conditions that hold (contributors, funders; kept when tracing)
        # funder state
        self.released = 0.0
        # veto state: target id -> standing?
        self.vetoes = {t: True for t in params.veto.targets} if params.veto else {}

    def __repr__(self) -> str:
        return f"Actor({self.aid})"

    @property
    def is_pressed(self) -> bool:
        """Can pressure move it? (It has a resolve to set against pressure.)"""
        return self.p.resolve is not None

    @property
    def shown(self) -> list[float]:
        """Its settled position plus this week's shock, on each dimension (only pressed actors move)."""
        noise = self.model.params.mechanisms.pressure.noise
        if noise <= 0 or not self.is_pressed or self.model.week == 0:
            return self.settled
        return [min(1.0, max(0.0, x + self.model.shock(self.aid, d, noise))) for d, x in enumerate(self.settled)]

    @property
    def main_dimension(self) -> int:
        """The dimension that matters most to it (its position there is what the trace shows)."""
        s = self.p.salience
        return max(range(len(s)), key=lambda d: s[d])

    @property
    def display_position(self) -> float:
        """Its shown position on its main dimension if it can be moved, else the share of its
        conditions that hold."""
        return self.shown[self.main_dimension] if self.is_pressed else self.readiness
