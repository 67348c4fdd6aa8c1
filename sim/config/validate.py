"""From a composed config (a plain dict) to typed parameters, checking everything once.

:func:`build` checks every key, type, range and actor id against the schema of
:mod:`sim.model.params` and raises :class:`ConfigError` with one line naming the key and what
is allowed. It dispatches on the declared types (``bool``, ``int``, ``float``, a ``Literal`` of
words, a tuple of actor ids); domains and units come from the fields' metadata. No Hydra here.
"""

from __future__ import annotations

import difflib
import math
import typing
from collections.abc import Iterable
from dataclasses import fields
from functools import cache
from typing import Any, Literal, get_args, get_origin

from sim.config import files, provenance
from sim.config.case import build_case
from sim.model.params import (
    MECHANISM_TYPES,
    OPTIONAL_MECHANISMS,
    ROLE_TYPES,
    UNIT,
    ActorIds,
    ActorParams,
    ConfigError,
    DimensionName,
    Mechanisms,
    ModelParams,
    RunSettings,
    Uncertainty,
)

RUN_KEYS = ("scenario", "seed", "runs", "horizon_weeks", "uncertainty", "trace", "csv", "weekly", "workers")
TOP_KEYS = RUN_KEYS + ("case", "actors", "mechanisms", "report")  # report: what isf-report shows first (experiments)
_fmt = provenance._fmt  # noqa: SLF001 - one formatter for both modules


# --------------------------------------------------------------------------- one value
def did_you_mean(given: Any, allowed: Iterable[Any]) -> str:
    """`` (did you mean 'ISR'?)`` for a misspelt key, actor id, mechanism or word, else ``""``.

    Why: a one-line error lists what is allowed, but a list of thirty actor ids or keys hides the
    one the user meant. The same word in another case (``isr`` -> ``ISR``) wins; then the closest
    spelling (``resolv`` -> ``resolve``, ``veto`` -> ``vetoes``), only when it is clearly close."""
    word, names = str(given), [str(a) for a in allowed]
    same = [n for n in names if n.lower() == word.lower() and n != word]
    close = same or difflib.get_close_matches(word, names, n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _show(x: float) -> str:
    """A number as a reader writes it: 10000000, 0.5, inf (not 1e+07)."""
    if isinstance(x, int) or (math.isfinite(x) and float(x).is_integer() and abs(x) < 1e15):
        return str(int(x))
    return f"{x:g}"


def number(path: str, value: Any, kind: type, domain: tuple[float, float]) -> float | int:
    low, high = domain
    allowed = f"{'an integer' if kind is int else 'a number'} in [{_show(low)}, {_show(high)}]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path} = {_fmt(value)} is not a number; allowed: {allowed}")
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise ConfigError(f"{path} = {value} is not an integer; allowed: {allowed}")
        if isinstance(value, float):
            # 1e3 or 1000.0 would be stored as 1000.0 in config.yaml, which a reader expecting a
            # whole number refuses: one form of whole number everywhere, refused here otherwise
            raise ConfigError(
                f"{path} = {value!r} is a decimal number; allowed: {allowed}, written in digits "
                f"without a point or exponent ({path}={int(value)})"
            )
    else:
        value = float(value)
        if math.isnan(value):
            raise ConfigError(f"{path} is NaN; allowed: {allowed}")
    if not low <= value <= high:
        raise ConfigError(f"{path} = {_show(value)} is out of range; allowed: {allowed}")
    return value


def boolean(path: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path} = {_fmt(value)} is not a boolean; allowed: true or false")
    return value


def word(path: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"{path} = {_fmt(value)}{did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}")
    return value


def actor_ids(path: str, value: Any) -> tuple[str, ...]:
    """A list of actor ids (whether each is an actor of the config is checked once all are known)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path} = {_fmt(value)} is not a list of actor ids; allowed: e.g. [AAA, BBB]")
    return tuple(value)


def known_id(path: str, aid: Any, ids: tuple[str, ...]) -> None:
    if aid not in ids:
        raise ConfigError(f"{path}: unknown actor id {_fmt(aid)}{did_you_mean(aid, ids)}; allowed: {', '.join(ids)}")


def point(path: str, value: Any, dims: tuple[str, ...]) -> tuple[float, ...]:
    """A mapping with one number in [0, 1] per dimension of the case's issue space -> a tuple."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path} is missing or not a mapping; allowed: {{{', '.join(dims)}}}, each in [0, 1]")
    unknown(path, set(value), list(dims))
    missing = [d for d in dims if d not in value]
    if missing:
        raise ConfigError(f"{path}.{missing[0]} is missing; every actor sets {', '.join(dims)}")
    return tuple(number(f"{path}.{d}", value[d], float, UNIT) for d in dims)


def dimension(path: str, value: Any) -> str:
    """A dimension's name (whether the case has it is checked with the case's dimensions)."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path} = {_fmt(value)} is not a dimension; allowed: a dimension of the case (case.yaml)")
    return value


def unknown(path: str, keys: set[str], allowed: list[str]) -> None:
    extra = sorted(keys - set(allowed))
    if extra:
        where = f"{path}.{extra[0]}" if path else extra[0]
        hint = did_you_mean(extra[0], allowed)
        raise ConfigError(f"unknown key '{where}'{hint}; allowed here: {', '.join(allowed)}")


def mapping(path: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{path} = {_fmt(value)} is not a mapping")
    return value


# --------------------------------------------------------------------------- by type
@cache
def _checkers(cls: type) -> tuple[tuple[str, Any], ...]:
    """(field name, checker(path, value)) for each field of a schema dataclass, from its type."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields(cls):
        t = hints[f.name]
        if t is bool:
            check = boolean
        elif t is ActorIds or t == ActorIds:
            check = actor_ids
        elif t is DimensionName:
            check = dimension
        elif get_origin(t) is Literal:
            check = (lambda words: lambda p, v: word(p, v, words))(get_args(t))
        elif t in (int, float):
            check = (lambda kind, dom: lambda p, v: number(p, v, kind, dom))(t, f.metadata["domain"])
        else:  # pragma: no cover - a schema field of a type this module does not know
            raise TypeError(f"{cls.__name__}.{f.name}: no checker for {t}")
        out.append((f.name, check))
    return tuple(out)


def dataclass_of(cls: type, path: str, raw: dict) -> Any:
    """Check ``raw`` against the schema ``cls``: every field present, each of its type and domain."""
    raw = mapping(path, raw)
    checkers = _checkers(cls)
    unknown(path, set(raw), [name for name, _ in checkers])
    kwargs: dict[str, Any] = {}
    for name, check in checkers:
        if name not in raw:
            raise ConfigError(
                f"{path}.{name} is missing; every {path.rsplit('.', 1)[-1]} sets it (see the case's actors/)"
            )
        kwargs[name] = check(f"{path}.{name}", raw[name])
    return cls(**kwargs)


def domain(cls: type, name: str) -> tuple[float, float]:
    """The hard domain a schema dataclass declares for one of its fields."""
    return next(f.metadata["domain"] for f in fields(cls) if f.name == name)


def actor(
    aid: str, raw: dict, ids: tuple[str, ...], dims: tuple[str, ...], exempt: frozenset[str] = frozenset()
) -> ActorParams:
    path = f"actors.{aid}"
    raw = mapping(path, raw)
    allowed = ["name", "capability", "position", "salience", "resolve", "pressure", "leverage", "meta", *ROLE_TYPES]
    unknown(path, set(raw), allowed)
    if not isinstance(raw.get("name"), str):
        raise ConfigError(f"{path}.name is missing; allowed: the actor's name as text")
    kw: dict[str, Any] = {"id": aid, "name": raw["name"]}
    for key in ("position", "salience"):
        kw[key] = point(f"{path}.{key}", raw.get(key), dims)
    for key in ("capability", "resolve"):
        if raw.get(key) is not None:
            kw[key] = number(f"{path}.{key}", raw[key], float, domain(ActorParams, key))
    for key in ("pressure", "leverage"):
        links = mapping(f"{path}.{key}", raw.get(key) or {})
        for target, v in links.items():
            known_id(f"{path}.{key}.{target}", target, ids)
            links[target] = number(f"{path}.{key}.{target}", v, float, domain(ActorParams, key))
        kw[key] = dict(links)
    for role, cls in ROLE_TYPES.items():
        if raw.get(role) is not None:
            kw[role] = dataclass_of(cls, f"{path}.{role}", raw[role])
            for name, hint in typing.get_type_hints(cls).items():
                if hint == ActorIds:
                    for v in getattr(kw[role], name):
                        known_id(f"{path}.{role}.{name}", v, ids)
                elif hint is DimensionName and getattr(kw[role], name) not in dims:
                    value = getattr(kw[role], name)
                    raise ConfigError(f"{path}.{role}.{name} = {_fmt(value)}; allowed: {', '.join(dims)}")
    provenance.check(path, raw, exempt)
    return ActorParams(**kw)


def _check_links(actors: dict[str, ActorParams]) -> None:
    for a in actors.values():
        for target in a.pressure:
            t = actors[target]
            if t.resolve is None:
                raise ConfigError(
                    f"actors.{a.id}.pressure.{target}: {target} has no resolve, so nothing moves it; "
                    f"allowed targets: {', '.join(x.id for x in actors.values() if x.resolve is not None)}"
                )
            if target not in a.leverage:
                raise ConfigError(f"actors.{a.id}.pressure.{target} needs actors.{a.id}.leverage.{target}")
        if a.pressure and a.capability <= 0:
            raise ConfigError(f"actors.{a.id}.capability must be > 0 for an actor that presses others")


def _check_roles(actors: dict[str, ActorParams], case) -> None:
    """Roles the engine needs exactly one of, and the case's named outcomes against the roles."""
    sponsors = [a.id for a in actors.values() if a.sponsor is not None]
    if len(sponsors) > 1:
        raise ConfigError(f"actors {', '.join(sponsors)} all hold the sponsor role; allowed: one sponsor")
    hosts = [a for a in actors.values() if a.host is not None]
    if len(hosts) > 1:
        raise ConfigError(f"actors {', '.join(a.id for a in hosts)} all hold the host role; allowed: one host")
    for a in hosts:
        if a.host.notify_on not in case.dimensions:
            raise ConfigError(
                f"actors.{a.id}.host.notify_on = {a.host.notify_on!r} is not a dimension of the case; allowed: "
                f"{', '.join(case.dimensions)}"
            )
    needs = {"spoiler": "territory", "bloc": "contributor"}  # a role that only makes sense beside another
    for a in actors.values():
        for role, base in needs.items():
            if getattr(a, role) is not None and getattr(a, base) is None:
                raise ConfigError(f"actors.{a.id}.{role} needs actors.{a.id}.{base}: a {role} is also a {base}")
    role_of = {"role_of": "contributor", "control_of": "territory", "disarmament_of": "armed_group"}
    for o in case.outcomes:
        role = role_of[o.kind]
        if getattr(actors[o.actor], role) is None:
            holders = ", ".join(a.id for a in actors.values() if getattr(a, role) is not None) or "none"
            raise ConfigError(
                f"case.outcomes.{o.column}.{o.kind} = {o.actor}: {o.actor} holds no {role} role; allowed: {holders}"
            )


# --------------------------------------------------------------------------- the scenario
SCENARIO_KEYS = ("name", "summary", "levers", "inert", "channels")


def _has_path(raw: dict, key: str) -> bool:
    node: Any = raw
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return isinstance(node, (int, float)) and not isinstance(node, bool)


def scenario(raw: dict) -> tuple[str, frozenset[str]]:
    """The scenario's name (a safe folder name) and the parameter paths its levers hold fixed."""
    scen = mapping("scenario", raw.get("scenario"))
    unknown("scenario", set(scen), list(SCENARIO_KEYS))
    name = scen.get("name")
    if not isinstance(name, str) or not files.SAFE_NAME.fullmatch(name):
        raise ConfigError(
            f"scenario.name = {_fmt(name)}; allowed: a name of letters, digits, _ . - (up to 64), "
            "the name of its file in the case's scenario/ folder"
        )
    for key in ("summary", "inert"):
        if scen.get(key) is not None and not isinstance(scen[key], str):
            raise ConfigError(f"scenario.{key} = {_fmt(scen[key])}; allowed: text")
    levers = scen.get("levers") or []
    if not isinstance(levers, list):
        raise ConfigError(f"scenario.levers = {_fmt(levers)}; allowed: a list of {{key: PATH, sources: [E..]}}")
    keys = []
    for i, lever in enumerate(levers):
        where = f"scenario.levers[{i}]"
        if not isinstance(lever, dict) or not isinstance(lever.get("key"), str):
            raise ConfigError(f"{where} = {_fmt(lever)}; allowed: {{key: PATH, sources: [E..] or assumption: why}}")
        unknown(where, set(lever), ["key", "sources", "assumption", "note"])
        if not _has_path(raw, lever["key"]):
            raise ConfigError(
                f"{where}.key = {lever['key']!r} is not a parameter of the config; allowed: e.g. actors.<ID>.resolve"
            )
        if not lever.get("sources") and not lever.get("assumption"):
            raise ConfigError(f"{where} cites no evidence; allowed: 'sources: [E..]' or 'assumption: why'")
        keys.append(lever["key"])
    _channels(raw, scen.get("channels"))
    return name, frozenset(keys)


def _channels(raw: dict, channels: Any) -> None:
    """A scenario's channels (``scenario.channels``): the ways its levers act, each switched off by
    holding some parameters at a value in both arms of the audit's comparison (docs/audit.md)."""
    if channels is None:
        return
    allowed = "a list of {name: NAME, hold: {PATH: number}, outcome: LABEL, why: text}"
    if not isinstance(channels, list):
        raise ConfigError(f"scenario.channels = {_fmt(channels)}; allowed: {allowed}")
    for i, ch in enumerate(channels):
        where = f"scenario.channels[{i}]"
        if not isinstance(ch, dict):
            raise ConfigError(f"{where} = {_fmt(ch)}; allowed: {allowed}")
        unknown(where, set(ch), ["name", "hold", "outcome", "why"])
        for key in ("name", "outcome", "why"):
            if not isinstance(ch.get(key), str) or not ch[key]:
                raise ConfigError(f"{where}.{key} = {_fmt(ch.get(key))}; allowed: text")
        hold = ch.get("hold")
        if not isinstance(hold, dict) or not hold:
            raise ConfigError(f"{where}.hold = {_fmt(hold)}; allowed: {{PATH: number}}, one or more")
        for path, value in hold.items():
            if not _has_path(raw, str(path)):
                raise ConfigError(
                    f"{where}.hold: {path!r} is not a parameter of the config; allowed: e.g. actors.<ID>.resolve"
                )
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}.hold.{path} = {_fmt(value)}; allowed: a number")


# --------------------------------------------------------------------------- the whole config
def build(raw: dict, exempt: frozenset[str] = frozenset()) -> tuple[ModelParams, RunSettings]:
    """Validate a composed config (plain dict) into model parameters and run settings.

    ``exempt``: parameter paths given on the command line, which need no provenance entry.
    """
    raw = mapping("config", raw)
    unknown("", {k for k in raw if k != "hydra"}, list(TOP_KEYS))
    if raw.get("report") is not None:
        report = mapping("report", raw["report"])
        unknown("report", set(report), ["outcome"])
        if not isinstance(report.get("outcome"), str):
            outcome = _fmt(report.get("outcome"))
            raise ConfigError(f"report.outcome = {outcome}; allowed: an outcome name (docs/report.md)")
    scen_name, levers = scenario(raw)
    # the actors are those of the case's defaults list (actors/<ID>.yaml in its folder): data, not code
    actors_raw = mapping("actors", raw.get("actors") or {})
    if not actors_raw:
        raise ConfigError("actors: none; allowed: ids in the defaults list of the case's config.yaml, one file each")
    ids = tuple(str(a) for a in actors_raw)
    for aid in ids:
        if not files.ACTOR_ID.fullmatch(aid):
            raise ConfigError(f"actors.{aid}: not an actor id; allowed: capital letters, e.g. NOR")
    exempt = exempt | levers
    case = build_case(raw.get("case"), ids)
    actors = {aid: actor(aid, actors_raw[aid], ids, case.dimensions, exempt) for aid in ids}
    _check_links(actors)
    _check_roles(actors, case)

    mech_raw = mapping("mechanisms", raw.get("mechanisms") or {})
    unknown("mechanisms", set(mech_raw), list(MECHANISM_TYPES))
    mech_kw = {}
    for name, cls in MECHANISM_TYPES.items():
        path = f"mechanisms.{name}"
        if name in OPTIONAL_MECHANISMS and mech_raw.get(name) is None:
            continue  # a mechanism the case does not configure is off (its module's OFF)
        section = mapping(path, mech_raw.get(name))
        provenance.check(path, section, exempt)
        mech_kw[name] = dataclass_of(cls, path, {k: v for k, v in section.items() if k != "meta"})
    mechanisms = Mechanisms(**mech_kw)
    if mechanisms.council.no_below > mechanisms.council.yes_at:
        raise ConfigError("mechanisms.council.no_below must not exceed mechanisms.council.yes_at")

    workers = raw.get("workers", "auto")
    if workers != "auto":
        workers = number("workers", workers, int, (1, 512))
    settings = RunSettings(
        scenario=scen_name,
        seed=number("seed", raw.get("seed", 0), int, domain(RunSettings, "seed")),
        runs=number("runs", raw.get("runs", 300), int, domain(RunSettings, "runs")),
        horizon_weeks=number("horizon_weeks", raw.get("horizon_weeks", 52), int, domain(RunSettings, "horizon_weeks")),
        uncertainty=word("uncertainty", raw.get("uncertainty", "fixed"), get_args(Uncertainty)),
        trace=boolean("trace", raw.get("trace", False)),
        weekly=boolean("weekly", raw.get("weekly", False)),
        csv=boolean("csv", raw.get("csv", False)),
        workers=None if workers == "auto" else workers,
    )
    if settings.seed + settings.runs - 1 > 2**32 - 1:
        raise ConfigError(f"seed + runs exceeds 2^32 - 1; allowed: seed <= {2**32 - settings.runs}")
    model = ModelParams(
        actors=actors, mechanisms=mechanisms, case=case, horizon_weeks=settings.horizon_weeks, scenario=scen_name
    )
    return model, settings
