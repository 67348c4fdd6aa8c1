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
its strikes (``territory.restraint_on``; for a spoiler, which concedes nothing, the dimension of the
mandate that says how hard the force contests its ground).

Validation (:mod:`sim.config.validate`) reads these declarations and dispatches on the types;
the model reads the frozen dataclasses. Nothing here imports Hydra or reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NewType

from sim.model.case import Case, GateWords, NamedOutcome  # noqa: F401 - re-exported: the case's part
from sim.model.declare import UNIT, ConfigError, flag, num, share  # noqa: F401 - re-exported
from sim.model.mechanisms.bargaining import Rule  # noqa: F401 - re-exported
from sim.model.mechanisms.blocs import OFF as BLOCS_OFF
from sim.model.mechanisms.blocs import Params as BlocParams
from sim.model.mechanisms.commitments import Params as CommitmentParams
from sim.model.mechanisms.council import Params as CouncilParams
from sim.model.mechanisms.force_fund import OFF as FORCE_FUND_OFF
from sim.model.mechanisms.force_fund import Params as ForceFundParams
from sim.model.mechanisms.ground import Params as GroundParams
from sim.model.mechanisms.host import OFF as HOST_OFF
from sim.model.mechanisms.host import Params as HostParams
from sim.model.mechanisms.money import Params as MoneyParams
from sim.model.mechanisms.pressure import Params as PressureParams
from sim.model.mechanisms.sequencing import Params as SequencingParams
from sim.model.mechanisms.spoiler import OFF as SPOILER_OFF
from sim.model.mechanisms.spoiler import Params as SpoilerParams
from sim.model.mechanisms.term import OFF as TERM_OFF
from sim.model.mechanisms.term import Params as TermParams
from sim.model.mechanisms.vetoes import Params as VetoParams

Uncertainty = Literal["fixed", "sample"]
ActorIds = tuple[str, ...]  # a list of actor ids (checked against the actors of the config)
DimensionName = NewType("DimensionName", str)  # a dimension of the case's issue space
Point = tuple[float, ...]  # one value per dimension, in the case's order


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
    restraint_on: DimensionName = flag(
        "the dimension on which its concessions to pressure restrain its strikes (a spoiler: on which the "
        "mandate says how hard the force contests its ground)"
    )
    gate_tolerance: int = num(
        (0, 1000), "items", "items still outstanding at the gates that it tolerates before the next phase"
    )
    withdraw_before_disarmament: float = share(
        "share of its withdrawal a full force allows before the armed groups disarm (the rest follows disarmament)"
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
    min_restraint: float = share(
        "the territory holders' settled position on their restraint dimension it needs before deploying (0: none)"
    )
    lead: bool = flag("the lead contributor: the others deploy only after its troops")


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
    decide_at: float = share("its willingness (position on its compliance dimension) at which it decides to disarm")
    money_value: float = num(
        (0.0, 10.0), "pressure units", "pull of a scale_usd pledge on offer toward its threshold, set against resolve"
    )
    compliance: float = share("share of the collapse hazard that full disarmament removes")
    disarm_rate: float = num(
        UNIT, "share/week", "share of the willing gap disarmed per week, once decided, under a force"
    )
    disarm_without_isf: float = share("disarmament pace without a force, once decided, relative to disarm_rate")


@dataclass(frozen=True, slots=True)
class Gate:
    outstanding: int = num((0, 1000), "items", "items it still holds at week 0, which the next phase waits for")
    rate: float = num(UNIT, "chance/week", "weekly chance each item is released while the situation holds")


@dataclass(frozen=True, slots=True)
class Host:
    consent: float = share("how far it asks for the force (1: it requested it)")
    legitimacy: float = share("how far others accept that it speaks for the country")
    notify_on: DimensionName = flag("the dimension on which a draft asks it to notify each contributor in writing")
    notify_at: float = share("a draft at or above this on notify_on asks for the written notification")
    notify_weeks: int = num((0, 104), "weeks", "weeks its written notification of a contributor takes")


@dataclass(frozen=True, slots=True)
class ForceFunder:
    pledge_usd: float = num((0.0, 1e12), "USD", "money pledged to the force's own fund (not reconstruction)")
    pay_weeks: int = num((1, 520), "weeks", "weeks over which the pledge is paid in, in equal instalments")
    needs_resolution: bool = flag("pays only once the Council has authorized the force")


@dataclass(frozen=True, slots=True)
class Spoiler:
    escalation: float = num(
        (0.0, 10.0),
        "x strike level",
        "rise of its strikes against a full-strength force whose mandate is 1 on its territory.restraint_on",
    )


@dataclass(frozen=True, slots=True)
class Bloc:
    members: int = num((1, 1000), "states", "member states the contributor stands for (its offer: all of them)")
    follow_through: float = num(UNIT, "chance", "chance each member sends its share of the offer")


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
    "host": Host,
    "force_funder": ForceFunder,
    "spoiler": Spoiler,
    "bloc": Bloc,
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
    host: Host | None = None
    force_funder: ForceFunder | None = None
    spoiler: Spoiler | None = None
    bloc: Bloc | None = None


# --------------------------------------------------------------------------- mechanisms
# each mechanism declares its own parameters (``Params`` in sim/model/mechanisms/<name>.py)
MECHANISM_TYPES: dict[str, type] = {
    "pressure": PressureParams,
    "vetoes": VetoParams,
    "commitments": CommitmentParams,
    "money": MoneyParams,
    "council": CouncilParams,
    "ground": GroundParams,
    "sequencing": SequencingParams,
    "host": HostParams,
    "force_fund": ForceFundParams,
    "spoiler": SpoilerParams,
    "blocs": BlocParams,
    "term": TermParams,
}
# a case may leave these out of its config.yaml: then they are off
OPTIONAL_MECHANISMS = ("host", "force_fund", "spoiler", "blocs", "term")


@dataclass(frozen=True, slots=True)
class Mechanisms:
    pressure: PressureParams
    vetoes: VetoParams
    commitments: CommitmentParams
    money: MoneyParams
    council: CouncilParams
    ground: GroundParams
    sequencing: SequencingParams
    host: HostParams = HOST_OFF  # a case that does not configure it has it off
    force_fund: ForceFundParams = FORCE_FUND_OFF
    spoiler: SpoilerParams = SPOILER_OFF
    blocs: BlocParams = BLOCS_OFF
    term: TermParams = TERM_OFF


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
