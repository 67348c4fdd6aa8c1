"""Typed, validated parameters of the model.

Hydra composes a plain nested dict (``conf/``); :func:`build` turns it into the frozen
dataclasses below, checking every key, type, range and actor id once, and raising
:class:`ConfigError` with a one-line message naming the key and what is allowed. Nothing here
imports Hydra: the model and the tests build parameters from plain dicts.

Every numeric actor or mechanism parameter carries provenance in a ``meta`` block beside it:
``{range: [low, high], sources: [E..]}`` or ``{range: [...], assumption: "why"}``. The range is
what ``uncertainty=sample`` draws from (triangular, peaked at the point value).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, fields, replace
from typing import Any

ACTOR_IDS = (
    "USA", "ISR", "TUR", "QAT", "EGY", "SAU", "ARE", "JOR", "IDN", "AZE", "PAK",
    "HAMAS", "UNSC", "RUS", "CHN", "GBR", "FRA",
)
MANDATES = ("enforcement", "borders")
UNCERTAINTY = ("fixed", "sample")
RULES = ("default", "compromise", "nash")   # bargaining rules, sim/mechanisms/bargaining.py


class ConfigError(ValueError):
    """A configuration problem, stated in one line for the user."""


# --------------------------------------------------------------------------- roles
@dataclass(frozen=True, slots=True)
class Sponsor:
    mandate: str = "enforcement"       # the draft's mandate: enforcement (E41) or borders (E30)
    max_hold_weeks: int = 12           # weeks the US waits for a composition both sides accept


@dataclass(frozen=True, slots=True)
class Veto:
    targets: tuple[str, ...] = ()      # contributors this actor refuses (E12)


@dataclass(frozen=True, slots=True)
class Territory:
    control: float = 0.5               # share of Gaza held at week 0 (E15)
    floor: float = 0.15                # share kept whatever happens (E14)
    withdraw_rate: float = 0.1         # share of the gap to the target closed per week
    strike_level: float = 1.0          # strike intensity, 1 = the first weeks of the ceasefire
    strike_restraint: float = 0.6      # how much accommodating the US lowers strikes
    remains_tolerance: int = 0         # hostage remains still held that Israel tolerates for phase two


@dataclass(frozen=True, slots=True)
class Contributor:
    offer: int = 0                     # troops offered
    min_legitimacy: float = 0.5        # legitimacy the force needs before it commits
    violence_tolerance: float = 80.0   # deaths per week (4-week mean) it accepts
    min_consent: float = 0.5           # Hamas consent it needs
    commit_rate: float = 0.2           # weekly chance of deciding once conditions hold
    lead_weeks: int = 6                # weeks from commitment to boots on the ground
    liaison_after: int = 10            # weeks of standing veto before it settles for liaison


@dataclass(frozen=True, slots=True)
class Funder:
    pledge_usd: float = 0.0
    disarmament_threshold: float = 1.0
    excludes: tuple[str, ...] = ()     # no money while these have troops in the force (E32)


@dataclass(frozen=True, slots=True)
class Trainer:
    police_per_week: float = 0.0


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    amnesty_credibility: float = 0.3
    amnesty_weight: float = 0.5
    consent_borders_bonus: float = 0.2
    disarm_rate: float = 0.1
    disarm_without_isf: float = 0.2
    remains_outstanding: int = 9
    remains_rate: float = 0.15


@dataclass(frozen=True, slots=True)
class CouncilSeat:
    seats: int = 1
    permanent: bool = False
    enforcement_penalty: float = 0.0
    spread: float = 0.0


ROLE_TYPES: dict[str, type] = {
    "sponsor": Sponsor, "veto": Veto, "territory": Territory, "contributor": Contributor,
    "funder": Funder, "trainer": Trainer, "armed_group": ArmedGroup, "council": CouncilSeat,
}


@dataclass(frozen=True, slots=True)
class ActorParams:
    id: str
    name: str
    capability: float = 0.0
    position: float | None = None      # None: nobody presses this actor
    resolve: float | None = None
    pressure: dict[str, float] = field(default_factory=dict)   # target -> effort 0..1
    leverage: dict[str, float] = field(default_factory=dict)   # target -> dependence 0..1
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
    enabled: bool = True
    speed: float = 0.25
    noise: float = 0.05
    excluded_effort: float = 0.5
    rule: str = "default"              # bargaining rule: default | compromise | nash (sim/mechanisms/bargaining.py)


@dataclass(frozen=True, slots=True)
class VetoParams:
    enabled: bool = True
    yield_at: float = 0.5


@dataclass(frozen=True, slots=True)
class CommitmentParams:
    enabled: bool = True
    withdraw_margin: float = 1.5
    min_force: int = 3000


@dataclass(frozen=True, slots=True)
class CouncilParams:
    enabled: bool = True
    table_week: int = 2
    retable_weeks: int = 3
    soften_after: int = 1
    yes_at: float = 0.5
    no_below: float = 0.25
    base_legitimacy: float = 0.4
    un_legitimacy: float = 0.5


@dataclass(frozen=True, slots=True)
class GroundParams:
    enabled: bool = True
    deaths_per_day: float = 10.5
    dispersion: float = 3.0
    collapse_hazard: float = 0.006
    isf_damping: float = 0.6
    disarm_damping: float = 0.5
    strike_hardening: float = 1.0
    collapse_violence: float = 5.0
    collapse_control: float = 0.8
    surge_start: int = 0
    surge_weeks: int = 0
    surge_multiplier: float = 1.0


@dataclass(frozen=True, slots=True)
class SequencingParams:
    enabled: bool = True
    target_troops: int = 20000
    police_weight: float = 0.5


MECHANISM_TYPES: dict[str, type] = {
    "pressure": PressureParams, "vetoes": VetoParams, "commitments": CommitmentParams,
    "council": CouncilParams, "ground": GroundParams, "sequencing": SequencingParams,
}


@dataclass(frozen=True, slots=True)
class Mechanisms:
    pressure: PressureParams = PressureParams()
    vetoes: VetoParams = VetoParams()
    commitments: CommitmentParams = CommitmentParams()
    council: CouncilParams = CouncilParams()
    ground: GroundParams = GroundParams()
    sequencing: SequencingParams = SequencingParams()


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Everything one simulated run needs: actors, mechanisms, horizon."""

    actors: dict[str, ActorParams]
    mechanisms: Mechanisms = Mechanisms()
    horizon_weeks: int = 52
    scenario: str = "baseline"


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How a job runs the model: replicates, seeds, uncertainty, tracing, workers."""

    scenario: str = "baseline"
    seed: int = 0
    runs: int = 300
    horizon_weeks: int = 52
    uncertainty: str = "fixed"
    trace: bool = False
    workers: int | None = None         # None = auto


# --------------------------------------------------------------------------- domains
# Hard domains (what is meaningful at all), distinct from the evidence ranges in `meta`.
UNIT = (0.0, 1.0)
DOMAINS: dict[str, tuple[float, float]] = {
    "capability": UNIT, "position": UNIT, "resolve": (0.0, 10.0), "pressure": UNIT,
    "leverage": UNIT, "max_hold_weeks": (0, 520), "control": UNIT, "floor": UNIT,
    "withdraw_rate": UNIT, "strike_level": (0.0, 10.0), "strike_restraint": UNIT,
    "remains_tolerance": (0, 28), "offer": (0, 100000), "min_legitimacy": UNIT,
    "violence_tolerance": (0.0, 10000.0), "min_consent": UNIT, "commit_rate": UNIT,
    "lead_weeks": (0, 104), "liaison_after": (0, 520), "pledge_usd": (0.0, 1e12),
    "disarmament_threshold": UNIT, "police_per_week": (0.0, 10000.0),
    "amnesty_credibility": UNIT, "amnesty_weight": UNIT, "consent_borders_bonus": UNIT,
    "disarm_rate": UNIT, "disarm_without_isf": UNIT, "remains_outstanding": (0, 28),
    "remains_rate": UNIT, "seats": (1, 10), "enforcement_penalty": UNIT, "spread": (0.0, 1.0),
    "speed": UNIT, "noise": (0.0, 0.5), "excluded_effort": UNIT, "min_force": (0, 200000), "yield_at": UNIT, "withdraw_margin": (1.0, 10.0),
    "table_week": (0, 520), "retable_weeks": (1, 52), "soften_after": (1, 52),
    "yes_at": UNIT, "no_below": UNIT, "base_legitimacy": UNIT, "un_legitimacy": UNIT,
    "deaths_per_day": (0.0, 1000.0), "dispersion": (0.01, 1000.0),
    "collapse_hazard": UNIT, "isf_damping": UNIT, "disarm_damping": UNIT,
    "strike_hardening": (0.0, 10.0), "collapse_violence": (1.0, 100.0),
    "collapse_control": UNIT, "surge_start": (0, 520), "surge_weeks": (0, 520),
    "surge_multiplier": (0.0, 100.0), "target_troops": (1, 200000), "police_weight": (0.0, 1.0),
}
RUN_KEYS = ("scenario", "seed", "runs", "horizon_weeks", "uncertainty", "trace", "workers")
TOP_KEYS = RUN_KEYS + ("actors", "mechanisms")


# --------------------------------------------------------------------------- checking
def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _number(path: str, value: Any, kind: type, domain: tuple[float, float]) -> float | int:
    low, high = domain
    allowed = f"{'an integer' if kind is int else 'a number'} in [{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path} = {_fmt(value)} is not a number; allowed: {allowed}")
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise ConfigError(f"{path} = {value} is not an integer; allowed: {allowed}")
        value = int(value)
    else:
        value = float(value)
        if math.isnan(value):
            raise ConfigError(f"{path} is NaN; allowed: {allowed}")
    if not low <= value <= high:
        raise ConfigError(f"{path} = {value:g} is out of range; allowed: {allowed}")
    return value


def _bool(path: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path} = {_fmt(value)} is not a boolean; allowed: true or false")
    return value


def _ids(path: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{path} = {_fmt(value)} is not a list of actor ids; allowed ids: {', '.join(ACTOR_IDS)}")
    for v in value:
        if v not in ACTOR_IDS:
            raise ConfigError(f"{path}: unknown actor id {_fmt(v)}; allowed: {', '.join(ACTOR_IDS)}")
    return tuple(value)


def _unknown(path: str, keys: set[str], allowed: list[str]) -> None:
    extra = sorted(keys - set(allowed))
    if extra:
        where = f"{path}.{extra[0]}" if path else extra[0]
        raise ConfigError(f"unknown key '{where}'; allowed here: {', '.join(allowed)}")


def _mapping(path: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{path} = {_fmt(value)} is not a mapping")
    return value


def _dataclass(cls: type, path: str, raw: dict, ids_fields: tuple[str, ...] = ()) -> Any:
    raw = _mapping(path, raw)
    allowed = [f.name for f in fields(cls)]
    _unknown(path, set(raw), allowed)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in raw:
            continue
        p, v = f"{path}.{f.name}", raw[f.name]
        if f.name == "enabled" or f.name == "permanent":
            kwargs[f.name] = _bool(p, v)
        elif f.name in ("targets", "excludes"):
            kwargs[f.name] = _ids(p, v)
        elif f.name == "rule":
            if v not in RULES:
                raise ConfigError(f"{p} = {_fmt(v)}; allowed: {', '.join(RULES)}")
            kwargs[f.name] = v
        elif f.name == "mandate":
            if v not in MANDATES:
                raise ConfigError(f"{p} = {_fmt(v)}; allowed: {', '.join(MANDATES)}")
            kwargs[f.name] = v
        else:
            kind = int if isinstance(f.default, int) and not isinstance(f.default, bool) else float
            kwargs[f.name] = _number(p, v, kind, DOMAINS[f.name])
    return cls(**kwargs)


def _actor(aid: str, raw: dict, exempt: frozenset[str] = frozenset()) -> ActorParams:
    path = f"actors.{aid}"
    raw = _mapping(path, raw)
    allowed = ["name", "capability", "position", "resolve", "pressure", "leverage", "meta", *ROLE_TYPES]
    _unknown(path, set(raw), allowed)
    if not isinstance(raw.get("name"), str):
        raise ConfigError(f"{path}.name is missing; allowed: the actor's name as text")
    kw: dict[str, Any] = {"id": aid, "name": raw["name"]}
    for key in ("capability", "position", "resolve"):
        if raw.get(key) is not None:
            kw[key] = _number(f"{path}.{key}", raw[key], float, DOMAINS[key])
    for key in ("pressure", "leverage"):
        links = _mapping(f"{path}.{key}", raw.get(key) or {})
        for target, v in links.items():
            if target not in ACTOR_IDS:
                raise ConfigError(f"{path}.{key}.{target}: unknown actor id '{target}'; allowed: {', '.join(ACTOR_IDS)}")
            links[target] = _number(f"{path}.{key}.{target}", v, float, DOMAINS[key])
        kw[key] = dict(links)
    for role, cls in ROLE_TYPES.items():
        if raw.get(role) is not None:
            kw[role] = _dataclass(cls, f"{path}.{role}", raw[role])
    _check_meta(path, raw, exempt)
    return ActorParams(**kw)


def _numeric_leaves(tree: dict, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for k, v in tree.items():
        if k in ("meta", "name", "enabled", "permanent", "mandate", "targets", "excludes", "summary", "levers"):
            continue
        p = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict):
            out.extend(_numeric_leaves(v, p))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append((p, v))
    return out


def _check_meta(path: str, raw: dict, exempt: frozenset[str] = frozenset()) -> None:
    """Every numeric parameter needs a [low, high] range and sources or an assumption.

    ``exempt``: paths set on the command line (a new pressure link, say) that no file defines.
    """
    meta = raw.get("meta") or {}
    for rel, value in _numeric_leaves(raw):
        node: Any = meta
        for part in rel.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        where = f"{path}.{rel}"
        if node is None and where in exempt:
            continue
        if not isinstance(node, dict):
            raise ConfigError(f"{where} has no provenance; allowed: a meta entry with range and sources or assumption")
        rng = node.get("range")
        if not (isinstance(rng, (list, tuple)) and len(rng) == 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rng) and rng[0] <= rng[1]):
            raise ConfigError(f"{where}: meta range {_fmt(rng)} is malformed; allowed: [low, high] with low <= high")
        if not node.get("sources") and not node.get("assumption"):
            raise ConfigError(f"{where} cites no evidence; allowed: meta 'sources: [E..]' or 'assumption: why'")


def parameter_meta(raw_cfg: dict) -> dict[str, dict]:
    """Flat map 'actors.ISR.resolve' -> meta entry (range, sources/assumption, note, value)."""
    out: dict[str, dict] = {}

    def walk(section: dict, prefix: str) -> None:
        meta = section.get("meta") or {}
        for rel, value in _numeric_leaves(section):
            node: Any = meta
            for part in rel.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict) and "range" in node:
                out[f"{prefix}.{rel}"] = {**node, "value": value}

    for aid, a in (raw_cfg.get("actors") or {}).items():
        walk(a, f"actors.{aid}")
    for name, m in (raw_cfg.get("mechanisms") or {}).items():
        walk(m, f"mechanisms.{name}")
    return out


# --------------------------------------------------------------------------- building
def build(raw: dict, exempt: frozenset[str] = frozenset()) -> tuple[ModelParams, RunSettings]:
    """Validate a composed config (plain dict) into model parameters and run settings.

    ``exempt``: parameter paths given on the command line, which need no provenance entry.
    """
    raw = _mapping("config", raw)
    _unknown("", {k for k in raw if k != "hydra"}, list(TOP_KEYS))
    actors_raw = _mapping("actors", raw.get("actors") or {})
    for aid in actors_raw:
        if aid not in ACTOR_IDS:
            raise ConfigError(f"unknown actor id '{aid}' in actors.{aid}; allowed: {', '.join(ACTOR_IDS)}")
    missing = [a for a in ACTOR_IDS if a not in actors_raw]
    if missing:
        raise ConfigError(f"actors: {', '.join(missing)} missing; every actor of DESIGN.md needs its file in conf/actors/")
    actors = {aid: _actor(aid, actors_raw[aid], exempt) for aid in ACTOR_IDS}
    _check_links(actors)

    mech_raw = _mapping("mechanisms", raw.get("mechanisms") or {})
    _unknown("mechanisms", set(mech_raw), list(MECHANISM_TYPES))
    mech_kw = {}
    for name, cls in MECHANISM_TYPES.items():
        if name in mech_raw:
            _check_meta(f"mechanisms.{name}", _mapping(f"mechanisms.{name}", mech_raw[name]), exempt)
            mech_kw[name] = _dataclass(cls, f"mechanisms.{name}", {k: v for k, v in mech_raw[name].items() if k != "meta"})
    mechanisms = Mechanisms(**mech_kw)
    if mechanisms.council.no_below > mechanisms.council.yes_at:
        raise ConfigError("mechanisms.council.no_below must not exceed mechanisms.council.yes_at")

    scen = raw.get("scenario") or {}
    scen_name = scen.get("name", "baseline") if isinstance(scen, dict) else str(scen)
    workers = raw.get("workers", "auto")
    if workers != "auto":
        workers = _number("workers", workers, int, (1, 512))
    uncertainty = raw.get("uncertainty", "fixed")
    if uncertainty not in UNCERTAINTY:
        raise ConfigError(f"uncertainty = {_fmt(uncertainty)}; allowed: {', '.join(UNCERTAINTY)}")
    settings = RunSettings(
        scenario=scen_name,
        seed=_number("seed", raw.get("seed", 0), int, (0, 2**32 - 1)),
        runs=_number("runs", raw.get("runs", 300), int, (1, 10_000_000)),
        horizon_weeks=_number("horizon_weeks", raw.get("horizon_weeks", 52), int, (1, 520)),
        uncertainty=uncertainty,
        trace=_bool("trace", raw.get("trace", False)),
        workers=None if workers == "auto" else workers,
    )
    if settings.seed + settings.runs - 1 > 2**32 - 1:
        raise ConfigError(f"seed + runs exceeds 2^32 - 1; allowed: seed <= {2**32 - settings.runs}")
    model = ModelParams(actors=actors, mechanisms=mechanisms,
                        horizon_weeks=settings.horizon_weeks, scenario=scen_name)
    return model, settings


def _check_links(actors: dict[str, ActorParams]) -> None:
    for a in actors.values():
        for target in a.pressure:
            t = actors[target]
            if t.position is None or t.resolve is None:
                raise ConfigError(f"actors.{a.id}.pressure.{target}: {target} has no position and resolve to press; "
                                  f"allowed targets: {', '.join(x.id for x in actors.values() if x.resolve is not None)}")
            if target not in a.leverage:
                raise ConfigError(f"actors.{a.id}.pressure.{target} needs actors.{a.id}.leverage.{target}")
        if a.pressure and a.capability <= 0:
            raise ConfigError(f"actors.{a.id}.capability must be > 0 for an actor that presses others")


# --------------------------------------------------------------------------- sampling
def sample(model: ModelParams, meta: dict[str, dict], rng: random.Random,
           fixed: frozenset[str] = frozenset()) -> tuple[ModelParams, dict[str, float]]:
    """Draw every ranged parameter not in ``fixed`` (triangular: low, point value, high).

    Returns the new parameters and the drawn values keyed 'actors.ISR.resolve'.
    """
    draw = rng.random
    drawn: dict[str, float] = {}
    for path, low, high, c, keep, integer in _plan(meta, fixed):
        # random.triangular(low, high, mode), inlined (bit-identical): ~140 draws a run
        u = draw()                              # drawn even when unused: common random numbers
        if not keep:
            continue
        if u > c:
            v = high + (low - high) * math.sqrt((1.0 - u) * (1.0 - c))
        else:
            v = low + (high - low) * math.sqrt(u * c)
        drawn[path] = int(round(v)) if integer else v
    return with_values(model, drawn), drawn


_PLANS: dict[tuple[int, frozenset[str]], tuple[dict, list[tuple]]] = {}


def _plan(meta: dict[str, dict], fixed: frozenset[str]) -> list[tuple]:
    """(path, low, high, c, keep, integer) per ranged parameter, in draw order; cached per job."""
    key = (id(meta), fixed)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is meta:
        return hit[1]
    plan = []
    for path in sorted(meta):
        m = meta[path]
        low, high = m["range"]
        mode = min(max(m["value"], low), high)
        c = (mode - low) / (high - low) if high != low else None
        plan.append((path, low, high, c, path not in fixed and low != high,
                     isinstance(m["value"], int) and not isinstance(m["value"], bool)))
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[key] = (meta, plan)
    return plan


_PARTS: dict[str, list[str]] = {}


def with_values(model: ModelParams, values: dict[str, Any]) -> ModelParams:
    """A copy of ``model`` with dotted-path values ('actors.ISR.territory.floor') replaced."""
    # Group the changes by object first, then rebuild each changed dataclass once (sampling
    # sets ~125 values per run: one replace() per value was most of a run's cost).
    per_actor: dict[str, dict[str, Any]] = {}      # actor id -> field -> value or {sub: value}
    per_mech: dict[str, dict[str, Any]] = {}
    for path, v in values.items():
        parts = _PARTS.get(path) or _PARTS.setdefault(path, path.split("."))
        if parts[0] == "actors" and len(parts) == 3:
            per_actor.setdefault(parts[1], {})[parts[2]] = v
        elif parts[0] == "actors" and len(parts) == 4:
            per_actor.setdefault(parts[1], {}).setdefault(parts[2], {})[parts[3]] = v
        elif parts[0] == "mechanisms" and len(parts) == 3:
            per_mech.setdefault(parts[1], {})[parts[2]] = v
        else:
            raise ConfigError(f"cannot set {path}")
    actors = dict(model.actors)
    for aid, changes in per_actor.items():
        a = actors[aid]
        kw: dict[str, Any] = {}
        for name, v in changes.items():
            if name in ("pressure", "leverage"):
                kw[name] = {**getattr(a, name), **v}
            elif isinstance(v, dict):
                kw[name] = replace(getattr(a, name), **v)
            else:
                kw[name] = v
        actors[aid] = replace(a, **kw)
    mech = model.mechanisms
    if per_mech:
        mech = replace(mech, **{name: replace(getattr(mech, name), **v) for name, v in per_mech.items()})
    return replace(model, actors=actors, mechanisms=mech)
