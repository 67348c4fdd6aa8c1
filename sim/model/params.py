"""The parameter schema: every number the model reads, declared once.

Each field says its type, its hard domain (what is meaningful at all) and its unit, through
:func:`num`. The values themselves live in ``conf/`` (one YAML per actor, mechanisms in
``conf/config.yaml``), each beside its provenance (``meta``: sources or an assumption, and the
range ``uncertainty=sample`` draws from). So a role or mechanism field has no default here: a
number is never written twice. The few defaults below mean "absent" (an actor that presses
nobody, a role it does not hold), not a value.

Validation (:mod:`sim.config.validate`) reads these declarations and dispatches on the types;
the model reads the frozen dataclasses. Nothing here imports Hydra or reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ACTOR_IDS = (
    "USA",
    "ISR",
    "TUR",
    "QAT",
    "EGY",
    "SAU",
    "ARE",
    "JOR",
    "IDN",
    "AZE",
    "PAK",
    "HAMAS",
    "UNSC",
    "RUS",
    "CHN",
    "GBR",
    "FRA",
)
Mandate = Literal["enforcement", "borders"]
Rule = Literal["default", "compromise", "nash"]  # bargaining rules: sim/model/mechanisms/bargaining.py
Uncertainty = Literal["fixed", "sample"]
ActorIds = tuple[str, ...]  # a list of actor ids (checked against ACTOR_IDS)

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
    mandate: Mandate = flag("the draft's mandate: enforcement (E41) or borders (E30)")
    max_hold_weeks: int = num((0, 520), "weeks", "weeks the US waits for a composition both sides accept")


@dataclass(frozen=True, slots=True)
class Veto:
    targets: ActorIds = flag("contributors this actor refuses (E12)")


@dataclass(frozen=True, slots=True)
class Territory:
    control: float = share("share of Gaza held at week 0 (E15)")
    floor: float = share("share kept whatever happens (E14)")
    withdraw_rate: float = share("share of the gap to the target closed per week")
    strike_level: float = num(
        (0.0, 10.0), "x first weeks' strikes", "strike intensity, 1 = the first weeks of the ceasefire"
    )
    strike_restraint: float = share("how much accommodating the US lowers strikes")
    remains_tolerance: int = num((0, 28), "bodies", "hostage remains still held that Israel tolerates for phase two")


@dataclass(frozen=True, slots=True)
class Contributor:
    offer: int = num((0, 100000), "troops", "troops offered")
    min_legitimacy: float = share("legitimacy the force needs before it commits")
    violence_tolerance: float = num((0.0, 10000.0), "deaths/week", "deaths per week (4-week mean) it accepts")
    min_consent: float = share("Hamas consent it needs")
    commit_rate: float = num(UNIT, "chance/week", "weekly chance of deciding once conditions hold")
    lead_weeks: int = num((0, 104), "weeks", "weeks from commitment to boots on the ground")
    liaison_after: int = num((0, 520), "weeks", "weeks of standing veto before it settles for liaison")


@dataclass(frozen=True, slots=True)
class Funder:
    pledge_usd: float = num((0.0, 1e12), "USD", "money pledged for reconstruction")
    disarmament_threshold: float = share("Hamas disarmament needed before money flows (E31)")
    excludes: ActorIds = flag("no money while these have troops in the force (E32)")


@dataclass(frozen=True, slots=True)
class Trainer:
    police_per_week: float = num((0.0, 10000.0), "officers/week", "Palestinian police trained per week")


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    amnesty_credibility: float = share("how credible the amnesty is (E37)")
    amnesty_weight: float = share("share of resolve a fully credible amnesty removes")
    consent_borders_bonus: float = share("consent added by a border-monitoring mandate (E30)")
    disarm_rate: float = num(UNIT, "share/week", "share of the willing gap disarmed per week under an ISF")
    disarm_without_isf: float = share("disarmament pace without a force, relative to disarm_rate")
    remains_outstanding: int = num((0, 28), "bodies", "hostage remains still held at week 0 (E39)")
    remains_rate: float = num(UNIT, "chance/week", "weekly chance each body is returned")


@dataclass(frozen=True, slots=True)
class CouncilSeat:
    seats: int = num((1, 10), "seats", "Council seats this bloc holds")
    permanent: bool = flag("a permanent member (its 'no' is a veto)")
    enforcement_penalty: float = share("support lost for an enforcement mandate")
    spread: float = num(UNIT, "support", "spread of the bloc's members around its position")


ROLE_TYPES: dict[str, type] = {
    "sponsor": Sponsor,
    "veto": Veto,
    "territory": Territory,
    "contributor": Contributor,
    "funder": Funder,
    "trainer": Trainer,
    "armed_group": ArmedGroup,
    "council": CouncilSeat,
}


@dataclass(frozen=True, slots=True)
class ActorParams:
    id: str
    name: str
    capability: float = field(
        default=0.0,
        metadata={"domain": UNIT, "unit": "share 0..1", "doc": "weight behind its pressure (0: presses nobody)"},
    )
    position: float | None = field(
        default=None,
        metadata={
            "domain": UNIT,
            "unit": "0..1",
            "doc": "stance toward what it is pressed on (None: nobody presses it)",
        },
    )
    resolve: float | None = field(
        default=None, metadata={"domain": (0.0, 10.0), "unit": "pressure units", "doc": "resistance to pressure"}
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
    council: CouncilSeat | None = None


# --------------------------------------------------------------------------- mechanisms
@dataclass(frozen=True, slots=True)
class PressureParams:
    enabled: bool = flag()
    speed: float = num(UNIT, "share/week", "share of the gap to equilibrium closed per week")
    noise: float = num((0.0, 0.5), "sd/week", "weekly random shock to positions")
    excluded_effort: float = share("share of its effort a vetoed, excluded mediator keeps")
    rule: Rule = flag("bargaining rule: default | compromise | nash")


@dataclass(frozen=True, slots=True)
class VetoParams:
    enabled: bool = flag()
    yield_at: float = share("a veto yields when the holder's position passes this")


@dataclass(frozen=True, slots=True)
class CommitmentParams:
    enabled: bool = flag()
    withdraw_margin: float = num(
        (1.0, 10.0), "x tolerance", "violence multiple of tolerance that makes a contributor pull out"
    )
    min_force: int = num((0, 200000), "troops", "troops committed in all before any contingent goes in")


@dataclass(frozen=True, slots=True)
class CouncilParams:
    enabled: bool = flag()
    table_week: int = num((0, 520), "week", "week the US tables the draft")
    retable_weeks: int = num((1, 52), "weeks", "weeks to revise and re-table after a failed vote")
    soften_after: int = num((1, 52), "votes", "failed votes before the US softens the mandate")
    yes_at: float = share("support at which a member votes yes")
    no_below: float = share("support below which a member votes no")
    base_legitimacy: float = share("legitimacy of a US-led force without a resolution")
    un_legitimacy: float = share("legitimacy a Council resolution adds")


@dataclass(frozen=True, slots=True)
class GroundParams:
    enabled: bool = flag()
    deaths_per_day: float = num(
        (0.0, 1000.0), "deaths/day", "Palestinians killed per day under the ceasefire (E44, E45)"
    )
    dispersion: float = num((0.01, 1000.0), "shape", "negative-binomial shape of weekly deaths")
    collapse_hazard: float = num(UNIT, "chance/week", "weekly chance Israel resumes full-scale operations")
    isf_damping: float = share("share of violence a full-strength ISF removes")
    disarm_damping: float = share("share of violence full disarmament removes")
    strike_hardening: float = num(
        (0.0, 10.0), "x excess violence", "how much above-baseline violence stiffens Hamas's resolve"
    )
    collapse_violence: float = num((1.0, 100.0), "x baseline", "violence multiple after a collapse")
    collapse_control: float = share("share of Gaza Israel holds after a collapse")
    surge_start: int = num((0, 520), "week", "first week of a strike surge")
    surge_weeks: int = num((0, 520), "weeks", "length of the surge")
    surge_multiplier: float = num((0.0, 100.0), "x baseline", "violence multiple during the surge")


@dataclass(frozen=True, slots=True)
class SequencingParams:
    enabled: bool = flag()
    target_troops: int = num((1, 200000), "troops", "force size the draft authorizes (E41)")
    police_weight: float = share("ISF troops one trained police officer counts as")


MECHANISM_TYPES: dict[str, type] = {
    "pressure": PressureParams,
    "vetoes": VetoParams,
    "commitments": CommitmentParams,
    "council": CouncilParams,
    "ground": GroundParams,
    "sequencing": SequencingParams,
}


@dataclass(frozen=True, slots=True)
class Mechanisms:
    pressure: PressureParams
    vetoes: VetoParams
    commitments: CommitmentParams
    council: CouncilParams
    ground: GroundParams
    sequencing: SequencingParams


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Everything one simulated run needs: actors, mechanisms, horizon."""

    actors: dict[str, ActorParams]
    mechanisms: Mechanisms
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
    workers: int | None = None  # None = auto
