"""The negotiation model: builds the world and orders the weekly protocol.

One step is one week; week 0 is the case's date (``case.yaml``: ``week0``). The model knows
nothing of Hydra, files or countries: it takes a :class:`~sim.model.params.ModelParams` (the
case, its actors by role, the mechanisms' parameters) and a seed,
and exposes its state — each mechanism's in its own dataclass (:mod:`sim.model.state`), each
actor's on its agent; :mod:`sim.model.outcomes` reads the outcome of a run from it.
"""

from __future__ import annotations

import logging
import random

from sim.model import roles
from sim.model import weekly as weekly_table
from sim.model.agents import Actor
from sim.model.case import PROTOCOL
from sim.model.mechanisms import (
    blocs,
    commitments,
    council,
    force_fund,
    ground,
    host,
    money,
    pressure,
    sequencing,
    spoiler,
    term,
    vetoes,
)
from sim.model.mesa_core import Model, data_collector
from sim.model.params import ConfigError, ModelParams
from sim.model.state import Trace

# the weekly protocol: step name -> the mechanism's function, in the order the negotiation runs
STEPS = {
    "ground.violence": ground.violence,  # 1. strikes and deaths; the situation may collapse or recover
    "money.weigh": money.weigh,  # 2. armed groups weigh the conditional money against disarming
    "pressure.apply": pressure.apply,  # 3. who presses whom, on which dimension; positions move
    "vetoes.update": vetoes.update,  # 4. vetoes hold or yield
    "council.settle_design": council.settle_design,  # 5. the sponsor settles the force's design,
    "council.vote": council.vote,  #    chooses the draft, tables it when it can pass
    "term.renew": term.renew,  #    a mandate's term: its review, its renewal vote, its lapse
    "sequencing.release": sequencing.release,  # 6. gate holders release; the next phase opens or not
    "force_fund.pay": force_fund.pay,  #    force funders pay into the force's fund
    "commitments.contributors": commitments.contributors,  # 7. contributors commit, pull out, deploy
    "sequencing.advance": sequencing.advance,  # 8. police, withdrawal, disarmament
    "money.release": money.release,  # 9. funders pay when their conditions hold
}
assert tuple(STEPS) == PROTOCOL  # the names a case may list (sim.model.case.PROTOCOL)
# who builds state first
INIT = (blocs, vetoes, money, pressure, host, council, term, ground, sequencing, force_fund, spoiler, commitments)

logging.getLogger("MESA").setLevel(logging.WARNING)
logging.getLogger("mesa").setLevel(logging.WARNING)


class ISFModel(Model):
    """Negotiations over a multinational force, week by week."""

    def __init__(self, params: ModelParams, rng: int | None = None, trace: bool = False, weekly: bool = False) -> None:
        super().__init__(rng=rng)
        self.params = params
        self.case = params.case
        self.week = 0
        self.tracing = trace
        self.trace = Trace()
        self.noise_seed = rng if isinstance(rng, int) else 0  # the weekly shocks' stream (shock())
        self.custom_policies = False  # True once use_policies() gives an actor another policy

        for actor in params.actors.values():  # the actors of the config, in its order
            Actor(self, actor)
        self.actor_list: list[Actor] = self.agents.to_list()
        self.actors: dict[str, Actor] = {a.aid: a for a in self.actor_list}
        self._index_roles()
        self.deploy_extra: list = []  # (label, test of a contributor): deployment conditions mechanisms add
        for mechanism in INIT:  # each mechanism builds its own state, in this order
            mechanism.init(self)
        self.protocol = [STEPS[name] for name in (self.case.protocol or PROTOCOL)]

        self.datacollector = self._collector() if trace else None  # what a traced run records each week
        if trace:
            self.datacollector.collect(self)
        self.weekly: list[tuple] | None = None  # the weekly table's rows (sim.model.weekly), when asked for
        if weekly:
            self.weekly = []
            self.contributor_bits = [(1 << i, c) for i, c in enumerate(self.contributors)]
            weekly_table.record(self)

    def _collector(self):
        """The weekly timeline and positions a traced run records (the case names its columns)."""
        named = {(o.kind, o.actor): o.column for o in self.case.outcomes}
        control = {
            named.get(("control_of", h.aid), f"control.{h.aid}"): (lambda mdl, i=i: mdl.progress.control[i])
            for i, h in enumerate(self.territory_holders)
        }
        disarmament = {
            named.get(("disarmament_of", g.aid), f"disarmament.{g.aid}"): (lambda mdl, i=i: mdl.progress.disarmament[i])
            for i, g in enumerate(self.armed_groups)
        }
        dims = self.case.dimensions
        return data_collector()(
            model_reporters={
                "deaths": lambda mdl: mdl.situation.deaths_week,
                "troops_committed": "troops_committed",
                "troops_deployed": "troops_deployed",
                **control,
                **disarmament,
                "funding_usd": "funding_usd",
                "un_authorized": lambda mdl: mdl.agenda.authorized,
                "collapsed": lambda mdl: mdl.situation.collapsed,
                "strikes": lambda mdl: ground.strike_factor(mdl),
            },
            agent_reporters={
                "actor": "aid",
                "position": "display_position",
                "shows": lambda a: dims[a.main_dimension] if a.is_pressed else "readiness",
                **{f"position_{d}": (lambda a, i=i: a.shown[i]) for i, d in enumerate(dims)},
                "pressure": lambda a: sum(a.pressure_in),
                "committed": "committed",
                "deployed": "deployed",
            },
        )

    def _index_roles(self) -> None:
        """The actors by role (several may hold each, in the config's order), and where each
        mechanism reads the issue space: the dimension of each veto, the drafts' dimensions, each
        armed group's compliance dimension (:mod:`sim.model.roles`)."""
        acts = self.actor_list
        self.pressed = [a for a in acts if a.is_pressed]
        self.veto_holders = [a for a in acts if a.p.veto is not None]
        self.contributors = [a for a in acts if a.p.contributor is not None]
        self.funders = [a for a in acts if a.p.funder is not None]
        self.trainers = [a for a in acts if a.p.trainer is not None]
        self.council_members = [a for a in acts if a.p.council is not None]
        self.territory_holders = [a for a in acts if a.p.territory is not None]
        self.armed_groups = [a for a in acts if a.p.armed_group is not None]
        self.gate_holders = [a for a in acts if a.p.gate is not None]
        sponsors = [a for a in acts if a.p.sponsor is not None]
        if len(sponsors) > 1:
            raise ConfigError(
                f"{len(sponsors)} actors hold the sponsor role ({', '.join(a.aid for a in sponsors)}); allowed: one"
            )
        self.sponsor = sponsors[0] if sponsors else None
        roles.bind(self)

    # ------------------------------------------------------------------ the weekly protocol
    def step(self) -> None:
        """One week: the protocol's steps in order (:data:`PROTOCOL`, or the case's own)."""
        self.week += 1
        for step in self.protocol:
            step(self)
        if self.tracing:
            self.datacollector.collect(self)
        if self.weekly is not None:
            weekly_table.record(self)

    def run(self, weeks: int | None = None) -> ISFModel:
        """Step the model ``weeks`` weeks (its horizon by default).

        An untraced run of this class calls the protocol directly, without Mesa's event machinery
        per week (an Event, a heap push and pop, a log line and an observable clock: ~15% of a
        run, docs/sweeps.md), and sets Mesa's clock and step count once at the end, where a
        stepped run would have them; the default schedule resumes from there. A traced run, or
        a subclass with its own ``step``, steps through Mesa (its collector reads the clock)."""
        n = self.params.horizon_weeks if weeks is None else weeks
        if self.tracing or type(self).step is not ISFModel.step or n <= 0:
            for _ in range(n):
                self.step()
            return self
        clock = self._default_schedule
        clock.pause()
        week = ISFModel.step
        for _ in range(n):
            week(self)
        self.steps += n
        clock._execution_count += n
        self.time = self.time + n
        clock.resume()
        return self

    # ------------------------------------------------------------------ state helpers
    def shock(self, aid: str, dimension: int, sd: float) -> float:
        """This week's shock to what others see of an actor's position on one dimension: a normal
        draw fixed by the run's seed, the week, the actor and the dimension (drawn only where it is
        looked at, so looking never changes the run)."""
        return random.Random(f"{self.noise_seed}:{self.week}:{aid}:{dimension}").gauss(0.0, sd)

    def use_policies(self, policies: dict) -> None:
        """Give actors other policies than their own rule (``{actor_id: Human(...)}``)."""
        for aid, policy in policies.items():
            self.actors[aid].policy = policy
        self.custom_policies = True

    def log(self, kind: str, actor: str = "", target: str = "", value: float = 0.0, **data) -> None:
        """Record a structured event when tracing (sim.model.narrative turns it into prose)."""
        if self.tracing:
            self.trace.events.append((self.week, kind, actor, target, float(value), data))

    def log_conditions(self, a: Actor, conds: dict[str, bool], verb: str) -> None:
        """Trace which of an actor's conditions hold or fail, whenever that changes."""
        if not self.tracing:
            return
        failed = tuple(k for k, ok in conds.items() if not ok)
        if failed == self.trace.last_failed.get(a.aid):
            return
        self.trace.last_failed[a.aid] = failed
        self.log("condition", a.aid, "", a.readiness, verb=verb, failed=list(failed),
                 held=[k for k, ok in conds.items() if ok])  # fmt: skip

    @property
    def troops_committed(self) -> int:
        n = 0
        for c in self.contributors:
            n += c.committed
        return n

    @property
    def troops_deployed(self) -> int:
        n = 0
        for c in self.contributors:
            n += c.deployed
        return n

    @property
    def funding_usd(self) -> float:
        return sum(f.released for f in self.funders)
