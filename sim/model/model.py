"""The ISF negotiation model: builds the world and orders the weekly protocol.

One step is one week; week 0 is 7 November 2025, four weeks into the ceasefire. The model
knows nothing of Hydra or files: it takes a :class:`~sim.model.params.ModelParams` and a seed, and
exposes its state; :mod:`sim.model.outcomes` reads the outcome of a run from it.
"""

from __future__ import annotations

import logging
from collections import deque

import mesa

from sim.model.agents import Actor
from sim.model.mechanisms import commitments, council, ground, pressure, sequencing, vetoes
from sim.model.params import ACTOR_IDS, ModelParams

logging.getLogger("MESA").setLevel(logging.WARNING)
logging.getLogger("mesa").setLevel(logging.WARNING)


class ISFModel(mesa.Model):
    """Negotiations over the International Stabilization Force, week by week."""

    def __init__(self, params: ModelParams, rng: int | None = None, trace: bool = False) -> None:
        super().__init__(rng=rng)
        self.params = params
        self.week = 0
        self.tracing = trace
        self.events: list[tuple] = []
        self.last_failed: dict[str, tuple[str, ...]] = {}  # trace: conditions failing, per actor

        for aid in ACTOR_IDS:
            Actor(self, params.actors[aid])
        self.actor_list: list[Actor] = self.agents.to_list()
        self.actors: dict[str, Actor] = {a.aid: a for a in self.actor_list}
        self._index_roles()
        self.links = pressure.links(self)
        for c in self.contributors:  # liaison_after 0: settled for liaison before week 1
            if c.p.contributor.liaison_after == 0 and vetoes.blocked(self, c):
                c.liaison, c.offer = True, 0

        m = params.mechanisms
        # agenda and Council
        self.mandate = self.sponsor.p.sponsor.mandate if self.sponsor else "enforcement"
        self.design_final = False
        self.authorized = False
        self.week_authorized: int | None = None
        self.votes_held = self.failed_votes = 0
        self.next_vote_week = m.council.table_week
        self.seat_offsets = {
            a.aid: [
                self.random.gauss(0.0, a.p.council.spread) if a.p.council.spread > 0 else 0.0
                for _ in range(a.p.council.seats)
            ]
            for a in self.council_members
        }
        # ground
        self.collapsed = False
        self.week_collapsed: int | None = None
        base = ground.baseline_weekly(self)
        self._recent = deque([base] * 4, maxlen=4)
        self.violence_4w = base
        self.violence_ratio = 1.0
        self.deaths_total = 0
        self.deaths_week = 0
        # sequencing
        self.remains_outstanding = self.hamas.p.armed_group.remains_outstanding if self.hamas else 0
        self.phase_two_logged = False
        self.police = 0.0
        self.israeli_control = self.israel.p.territory.control if self.israel else 0.0
        self.disarmament = 0.0
        self.week_deployed: int | None = None

        self.datacollector = mesa.DataCollector(
            model_reporters={
                "deaths": "deaths_week",
                "troops_committed": "troops_committed",
                "troops_deployed": "troops_deployed",
                "israeli_control": "israeli_control",
                "disarmament": "disarmament",
                "funding_usd": "funding_usd",
                "legitimacy": lambda mdl: council.legitimacy(mdl),
                "un_authorized": "authorized",
                "collapsed": "collapsed",
                "strikes": lambda mdl: ground.strike_factor(mdl),
            },
            agent_reporters={
                "actor": "aid",
                "position": "display_position",
                "pressure": "pressure_in",
                "committed": "committed",
                "deployed": "deployed",
            },
        )
        if trace:
            self.datacollector.collect(self)

    def _index_roles(self) -> None:
        acts = self.actor_list
        self.pressed = [a for a in acts if a.is_pressed]
        self.veto_holders = [a for a in acts if a.p.veto is not None]
        self.contributors = [a for a in acts if a.p.contributor is not None]
        self.funders = [a for a in acts if a.p.funder is not None]
        self.trainers = [a for a in acts if a.p.trainer is not None]
        self.council_members = [a for a in acts if a.p.council is not None]
        self.sponsor = next((a for a in acts if a.p.sponsor is not None), None)
        self.israel = next((a for a in acts if a.p.territory is not None), None)
        self.hamas = next((a for a in acts if a.p.armed_group is not None), None)

    # ------------------------------------------------------------------ the weekly protocol
    def step(self) -> None:
        """One week, in the order the negotiation runs."""
        self.week += 1
        ground.violence(self)  # 1. strikes and deaths; the ceasefire may collapse
        pressure.apply(self)  # 2. who presses whom; positions move
        vetoes.update(self)  # 3. vetoes hold or yield
        council.settle_design(self)  # 4. the sponsor settles the force's design,
        council.vote(self)  #    tables its draft, the Council votes
        sequencing.remains(self)  # 5. hostage remains; phase two opens or not
        commitments.contributors(self)  # 6. contributors commit, pull out, deploy
        sequencing.advance(self)  # 7. police, Israeli withdrawal, disarmament
        commitments.funders(self)  # 8. funders pay when their conditions hold
        if self.tracing:
            self.datacollector.collect(self)

    def run(self, weeks: int | None = None) -> ISFModel:
        for _ in range(self.params.horizon_weeks if weeks is None else weeks):
            self.step()
        return self

    # ------------------------------------------------------------------ state helpers
    def record_deaths(self, deaths: int) -> None:
        self.deaths_week = deaths
        self.deaths_total += deaths
        self._recent.append(deaths)
        self.violence_4w = sum(self._recent) / 4.0
        self.violence_ratio = self.violence_4w / max(ground.baseline_weekly(self), 1e-9)
        if self.tracing:
            self.log(
                "deaths",
                "",
                "",
                float(deaths),
                f"{deaths} Palestinians killed this week (Israeli strikes at "
                f"{ground.strike_factor(self):.0%} of the ceasefire's first weeks)",
            )

    def log(self, kind: str, actor: str, target: str, value: float, text: str) -> None:
        if self.tracing:
            self.events.append((self.week, kind, actor, target, float(value), text))

    @property
    def troops_committed(self) -> int:
        return sum(c.committed for c in self.contributors)

    @property
    def troops_deployed(self) -> int:
        return sum(c.deployed for c in self.contributors)

    @property
    def funding_usd(self) -> float:
        return sum(f.released for f in self.funders)
