"""The state each mechanism keeps, one dataclass per mechanism, held by the model.

A mechanism writes only its own state (and its actors' state on the agents); others read it.
Keeping it here, rather than as loose attributes of the model, shows at a glance what a run
remembers from one week to the next.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Agenda:
    """The sponsor's design and the Council (:mod:`sim.model.mechanisms.council`)."""

    mandate: str  # the draft's mandate, and the adopted one once the Council passes it
    design_final: bool = False
    authorized: bool = False
    week_authorized: int | None = None
    votes_held: int = 0
    failed_votes: int = 0
    next_vote_week: int = 0
    seat_offsets: dict[str, list[float]] = field(default_factory=dict)  # member -> each seat's offset
    offsets_known: bool = False  # a failed vote has shown the sponsor how each seat votes


@dataclass
class Situation:
    """Violence and the ceasefire (:mod:`sim.model.mechanisms.ground`)."""

    baseline_weekly: float
    recent: deque  # the last four weeks' deaths
    violence_4w: float
    violence_ratio: float = 1.0
    deaths_week: int = 0
    deaths_total: int = 0
    collapsed: bool = False  # the ceasefire is down now
    ever_collapsed: bool = False
    week_collapsed: int | None = None  # first collapse
    collapses: int = 0


@dataclass
class Progress:
    """The plan's sequence (:mod:`sim.model.mechanisms.sequencing`): one entry per holder of a
    role, in the order of ``model.gate_holders``, ``model.territory_holders``, ``model.armed_groups``."""

    outstanding: list[int]  # items each gate holder still holds
    control: list[float]  # share of the territory each territory holder holds
    disarmament: list[float]  # each armed group's disarmament, 0..1
    phase_two_logged: bool = False
    police: float = 0.0
    week_deployed: int | None = None

    @property
    def mean_disarmament(self) -> float:
        """The armed groups' mean disarmament (0 without an armed group)."""
        d = self.disarmament
        return d[0] if len(d) == 1 else (sum(d) / len(d) if d else 0.0)


@dataclass
class Purse:
    """Conditional money (:mod:`sim.model.mechanisms.money`)."""

    taken: dict[tuple[str, str], bool] = field(
        default_factory=dict
    )  # (armed group, funder) -> it aims at the threshold


@dataclass
class Trace:
    """What tracing remembers (only used when the model traces)."""

    events: list[tuple] = field(default_factory=list)  # (week, kind, actor, target, value, data)
    last_failed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # conditions failing, per actor
