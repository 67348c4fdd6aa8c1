"""What the model knows of a case: its issue space, its drafts, its named outcome columns and the
words of its trace (from the case's ``case.yaml``, checked by :mod:`sim.config.case`)."""

from __future__ import annotations

from dataclasses import dataclass, field

# the steps of the weekly protocol, in the engine's order (sim.model.model.STEPS runs them); a
# case may list them in another order, or leave some out (case.yaml: protocol)
PROTOCOL = (
    "ground.violence",
    "money.weigh",
    "pressure.apply",
    "vetoes.update",
    "council.settle_design",
    "council.vote",
    "term.renew",
    "sequencing.release",
    "force_fund.pay",
    "commitments.contributors",
    "sequencing.advance",
    "money.release",
)


@dataclass(frozen=True, slots=True)
class NamedOutcome:
    """One of the case's named columns: ``kind`` (``role_of``, ``control_of``, ``disarmament_of``)
    of one actor, placed after the column ``after``."""

    column: str
    kind: str
    actor: str
    after: str


@dataclass(frozen=True, slots=True)
class GateWords:
    """How the trace names one gate: its condition's label, its two sentences, its event kinds."""

    label: str = "gate"
    released: str = "{actor} releases {value:.0f} ({still_held} still held)"
    opened: str = "the gate held by {holder} is open"
    released_kind: str = "gate_released"
    opened_kind: str = "gate_opened"


@dataclass(frozen=True, slots=True)
class Case:
    """What the model needs of the case file (``case.yaml``): the issue space, the drafts, the
    named outcome columns and the words of the trace."""

    name: str
    dimensions: tuple[str, ...]
    drafts: tuple[tuple[str, tuple[tuple[int, float], ...]], ...]  # name -> ((dimension index, value), ...)
    circulated: str = ""  # the draft circulated at week 0, tabled first ("": the sponsor's nearest)
    rules: tuple[str, ...] = ()  # the bargaining rules that reproduce its week-0 stances (empty: all)
    outcomes: tuple[NamedOutcome, ...] = ()
    words: dict[str, str] = field(default_factory=dict)  # sponsor, consent, ...
    sentences: dict[str, str] = field(default_factory=dict)  # event kind -> template
    gates: dict[str, GateWords] = field(default_factory=dict)  # holder id -> its words
    protocol: tuple[str, ...] = ()  # the case's own order of the weekly steps (empty: PROTOCOL)

    def dim(self, name: str) -> int:
        return self.dimensions.index(name)

    def draft(self, name: str) -> tuple[tuple[int, float], ...]:
        return next(point for n, point in self.drafts if n == name)

    @property
    def draft_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.drafts)
