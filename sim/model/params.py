"""The parameter schema: every number the model reads, declared once.

Each field says its type, its hard domain (what is meaningful at all) and its unit, through
:func:`num`. The values themselves live in a case folder (``conf/cases/<name>/``: one YAML per
actor, mechanisms in its ``config.yaml``), each beside its provenance (``meta``: sources or an
assumption, and the range ``uncertainty=sample`` draws from). So a role or mechanism field has
no default here: a number is never written twice. The few defaults below mean "absent" (an
actor that presses nobody, a role it does not hold), not a value.

The engine knows roles, never a country. The case (:class:`Case`, from the case's
``case.yaml``) declares the issue space — one or more dimensions, each in [0, 1] with what its
ends mean — and the drafts a sponsor can table, as named points of that space. Mechanisms bind
to dimensions through roles: a veto names the dimension it is on (``veto.dimension``), the
drafts name the mandate dimension(s), an armed group names its compliance dimension
(``armed_group.dimension``), a territory holder the dimension on which its concessions restrain
its strikes (``territory.restraint_on``).

Validation (:mod:`sim.config.validate`) reads these declarations and dispatches on the types;
the model reads the frozen dataclasses. Nothing here imports Hydra or reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NewType

Rule = Literal["default", "compromise", "nash"]  # bargaining rules: sim/model/mechanisms/bargaining.py
Uncertainty = Literal["fixed", "sample"]
ActorIds = tuple[str, ...]  # a list of actor ids (checked against the actors of the config)
DimensionName = NewType("DimensionName", str)  # a dimension of the case's issue space
Point = tuple[float, ...]  # one value per dimension, in the case's order

UNIT = (0.0, 1.0)


class ConfigError(ValueError):
    """A configuration problem, stated in one line for the user."""


def num(domain: tuple[float, float], unit: str = "", doc: str = ""):
    """A required number: its hard domain, its unit and what it means (the value is in conf/)."""
    return field(metadata={"domain": domain, "unit": unit, "doc": doc})


def flag(doc: str = ""):
    return field(metadata={"doc": doc})


def share(doc: str = ""):
    return num(UNIT, "share 0..1", doc)


# --------------------------------------------------------------------------- roles
@dataclass(frozen=True, slots=True)
class Sponsor:
    confidence: float = num((0.5, 1.0), "probability", "chance of passage the sponsor wants before it tables a draft")


@dataclass(frozen=True, slots=True)
class Veto:
    targets: ActorIds = flag("contributors this actor refuses")
    dimension: DimensionName = flag(
        "the dimension the veto is on: it yields when the holder's position there passes mechanisms.vetoes.yield_at"
    )


@dataclass(frozen=True, slots=True)
class Territory:
    control: float = share("share of the territory held at week 0")
    floor: float = share("share kept whatever happens")
    withdraw_rate: float = share("share of the gap to the target closed per week")
    strike_level: float = num(
        (0.0, 10.0), "x first weeks' strikes", "strike intensity, 1 = the ceasefire's first weeks"
    )
    strike_restraint: float = share("how much conceding on restraint_on lowers its strikes")
    restraint_on: DimensionName = flag("the dimension on which its concessions to pressure restrain its strikes")
    gate_tolerance: int = num(
        (0, 1000), "items", "items still outstanding at the gates that it tolerates before the next phase"
    )


@dataclass(frozen=True, slots=True)
class Contributor:
    offer: int = num((0, 100000), "troops", "troops offered")
    needs_resolution: bool = flag("commits only once the Council has authorized the force")
    violence_tolerance: float = num((0.0, 10000.0), "deaths/week", "deaths per week (4-week mean) it accepts")
    min_consent: float = share("the armed groups' consent to the force it needs")
    commit_rate: float = num(UNIT, "chance/week", "weekly chance of deciding once conditions hold")
    lead_weeks: int = num((0, 104), "weeks", "weeks from commitment to boots on the ground")
    liaison_after: int = num((0, 520), "weeks", "weeks of standing veto before it settles for liaison")


@dataclass(frozen=True, slots=True)
class Funder:
    pledge_usd: float = num((0.0, 1e12), "USD", "money pledged")
    disarmament_threshold: float = share("the armed groups' disarmament needed before money flows")
    excludes: ActorIds = flag("no money while these have troops in the force")


@dataclass(frozen=True, slots=True)
class Trainer:
    police_per_week: float = num((0.0, 10000.0), "officers/week", "local police trained per week")


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    dimension: DimensionName = flag("its compliance dimension: its position there is how far it is willing to disarm")
    amnesty_credibility: float = share("how credible the amnesty is")
    amnesty_weight: float = share("share of resolve a fully credible amnesty removes")
    money_value: float = num((0.0, 10.0), "resolve units", "worth of a money_scale pledge, set against resolve")
    compliance: float = share("share of the collapse hazard that full disarmament removes")
    disarm_rate: float = num(UNIT, "share/week", "share of the willing gap disarmed per week under a force")
    disarm_without_isf: float = share("disarmament pace without a force, relative to disarm_rate")


@dataclass(frozen=True, slots=True)
class Gate:
    outstanding: int = num((0, 1000), "items", "items it still holds at week 0, which the next phase waits for")
    rate: float = num(UNIT, "chance/week", "weekly chance each item is released while the situation holds")


@dataclass(frozen=True, slots=True)
class CouncilSeat:
    seats: int = num((1, 10), "seats", "Council seats this bloc holds")
    permanent: bool = flag("a permanent member (its 'no' is a veto)")
    support: float = share("support for the sponsor's force, before the draft's terms")
    spread: float = num(UNIT, "support", "spread of the bloc's seats around its support")


ROLE_TYPES: dict[str, type] = {
    "sponsor": Sponsor,
    "veto": Veto,
    "territory": Territory,
    "contributor": Contributor,
    "funder": Funder,
    "trainer": Trainer,
    "armed_group": ArmedGroup,
    "gate": Gate,
    "council": CouncilSeat,
}


@dataclass(frozen=True, slots=True)
class ActorParams:
    id: str
    name: str
    position: Point = field(
        metadata={"domain": UNIT, "unit": "0..1", "doc": "its ideal point on each dimension of the issue space"}
    )
    salience: Point = field(metadata={"domain": UNIT, "unit": "0..1", "doc": "how much each dimension matters to it"})
    capability: float = field(
        default=0.0,
        metadata={"domain": UNIT, "unit": "share 0..1", "doc": "weight behind its pressure (0: presses nobody)"},
    )
    resolve: float | None = field(
        default=None,
        metadata={"domain": (0.0, 10.0), "unit": "pressure units", "doc": "resistance to pressure (None: unmoved)"},
    )
    pressure: dict[str, float] = field(default_factory=dict, metadata={"domain": UNIT, "unit": "effort 0..1"})
    leverage: dict[str, float] = field(default_factory=dict, metadata={"domain": UNIT, "unit": "dependence 0..1"})
    sponsor: Sponsor | None = None
    veto: Veto | None = None
    territory: Territory | None = None
    contributor: Contributor | None = None
    funder: Funder | None = None
    trainer: Trainer | None = None
    armed_group: ArmedGroup | None = None
    gate: Gate | None = None
    council: CouncilSeat | None = None


# --------------------------------------------------------------------------- mechanisms
@dataclass(frozen=True, slots=True)
class PressureParams:
    enabled: bool = flag()
    speed: float = num(UNIT, "share/week", "share of the gap to equilibrium closed per week")
    noise: float = num((0.0, 0.5), "sd/week", "weekly shock to the positions others see (not to decisions)")
    excluded_effort: float = share("share of its effort a vetoed, excluded mediator keeps")
    rule: Rule = flag("bargaining rule: default | compromise | nash")


@dataclass(frozen=True, slots=True)
class VetoParams:
    enabled: bool = flag()
    yield_at: float = share("a veto yields when the holder's settled position on its dimension passes this")


@dataclass(frozen=True, slots=True)
class CommitmentParams:
    enabled: bool = flag()
    withdraw_margin: float = num((1.0, 10.0), "x tolerance", "violence multiple of tolerance that makes one pull out")
    min_force: int = num((0, 200000), "troops", "troops committed in all before any contingent goes in")


@dataclass(frozen=True, slots=True)
class MoneyParams:
    enabled: bool = flag()
    scale_usd: float = num(
        (1e8, 1e12), "USD", "a pledge of this size is worth money_value to an armed group, full weight to a presser"
    )


@dataclass(frozen=True, slots=True)
class CouncilParams:
    enabled: bool = flag()
    p5_veto: bool = flag("a permanent member's 'no' blocks the draft")
    table_week: int = num((0, 520), "week", "first week the sponsor can table the draft")
    retable_weeks: int = num((1, 52), "weeks", "weeks to revise and re-table after a failed vote")
    yes_at: float = share("support at which a member votes yes")
    no_below: float = share("support below which a member votes no")


@dataclass(frozen=True, slots=True)
class GroundParams:
    enabled: bool = flag()
    deaths_per_day: float = num((0.0, 1000.0), "deaths/day", "people killed per day at week 0")
    dispersion: float = num((0.01, 1000.0), "shape", "negative-binomial shape of weekly deaths")
    collapse_hazard: float = num(UNIT, "chance/week", "weekly chance the situation collapses (full-scale fighting)")
    recovery_rate: float = num(UNIT, "chance/week", "weekly chance a collapse is reversed")
    isf_damping: float = share("share of violence a full-strength force removes")
    disarm_damping: float = share("share of violence full disarmament removes")
    strike_hardening: float = num(
        (0.0, 10.0), "x excess violence", "how much above-baseline violence stiffens the armed groups"
    )
    collapse_violence: float = num((1.0, 100.0), "x baseline", "violence multiple after a collapse")
    collapse_control: float = share("share of the territory each territory holder holds after a collapse")
    surge_start: int = num((0, 520), "week", "first week of a strike surge")
    surge_weeks: int = num((0, 520), "weeks", "length of the surge")
    surge_multiplier: float = num((0.0, 100.0), "x baseline", "violence multiple during the surge")


@dataclass(frozen=True, slots=True)
class SequencingParams:
    enabled: bool = flag()
    target_troops: int = num((1, 200000), "troops", "force size the draft authorizes")
    police_weight: float = share("troops of the force one trained police officer counts as")


MECHANISM_TYPES: dict[str, type] = {
    "pressure": PressureParams,
    "vetoes": VetoParams,
    "commitments": CommitmentParams,
    "money": MoneyParams,
    "council": CouncilParams,
    "ground": GroundParams,
    "sequencing": SequencingParams,
}


@dataclass(frozen=True, slots=True)
class Mechanisms:
    pressure: PressureParams
    vetoes: VetoParams
    commitments: CommitmentParams
    money: MoneyParams
    council: CouncilParams
    ground: GroundParams
    sequencing: SequencingParams


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
    outcomes: tuple[NamedOutcome, ...] = ()
    words: dict[str, str] = field(default_factory=dict)  # sponsor, consent, ...
    sentences: dict[str, str] = field(default_factory=dict)  # event kind -> template
    gates: dict[str, GateWords] = field(default_factory=dict)  # holder id -> its words

    def dim(self, name: str) -> int:
        return self.dimensions.index(name)

    def draft(self, name: str) -> tuple[tuple[int, float], ...]:
        return next(point for n, point in self.drafts if n == name)

    @property
    def draft_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.drafts)


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Everything one simulated run needs: the case, actors, mechanisms, horizon."""

    actors: dict[str, ActorParams]
    mechanisms: Mechanisms
    case: Case
    horizon_weeks: int = 52
    scenario: str = "baseline"


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How a job runs the model: replicates, seeds, uncertainty, tracing, workers."""

    scenario: str
    seed: int = num((0, 2**32 - 1), "", "first run's seed; run i uses seed + i")
    runs: int = num((1, 10_000_000), "runs", "Monte Carlo replicates")
    horizon_weeks: int = num((1, 520), "weeks", "weeks to simulate")
    uncertainty: Uncertainty = flag("fixed = point values; sample = draw from ranges")
    trace: bool = flag("tell the story week by week")
    csv: bool = flag("also write runs.csv beside runs.parquet")
    weekly: bool = flag("also write weekly.parquet: one row per run and week")
    workers: int | None = None  # None = auto
