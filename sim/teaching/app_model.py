"""The teaching page's model and data (``isf-app``; the command itself is :mod:`sim.teaching.app`).

Sliders and switches set the levers of the scenarios (US pressure on Israel, Israel's resolve,
the Gulf's disarmament threshold, amnesty credibility, Russia's and China's support for a
US-led force in the Council, Hamas's willingness to disarm, the US's own mandate position), the
bargaining rule, each mechanism on or off and the permanent members' veto; choosing a scenario
puts its own values on the sliders. **Reset** builds a new model with the settings, **Step** and
**▶** advance it week by week. The views: each actor's position on each dimension of the issue
space over time, who presses whom (the leverage network), troops by contributor, the Council
vote as it would go now, deaths per week, and a card with the configuration as it stands and
the ``isf-sim`` command that re-runs it.

This module holds the model wrapper, the settings and the data behind the views;
:mod:`sim.teaching.app_views` draws the figures and :mod:`sim.teaching.app_page` is the page
``solara run`` loads (Solara is imported only there).
"""

from __future__ import annotations

import os
import threading
from functools import cache
from pathlib import Path

from sim.config import compose, load, scenarios
from sim.config.case import tool_part
from sim.config.compose import case_dir
from sim.model.mechanisms import bargaining, council, vetoes
from sim.model.model import ISFModel
from sim.model.narrative import describe
from sim.model.params import MECHANISM_TYPES, OPTIONAL_MECHANISMS, ConfigError, ModelParams
from sim.model.paths import get_value, with_values

MECHANISMS = tuple(m for m in MECHANISM_TYPES if m not in OPTIONAL_MECHANISMS)  # the switches every case has
P5_VETO = "mechanisms.council.p5_veto"
CASE_ENV = "ISF_APP_CASE"  # isf-app case=NAME|PATH reaches the page (solara run's process) through it
SWITCHES = (*MECHANISMS, "p5_veto")  # the mechanisms' on/off switches and the permanent members' veto
Lever = tuple[str, tuple[str, ...], float, float, float]  # label, parameter paths it sets, min, max, step

_LOCK = threading.Lock()


def default_case() -> str:
    """The case the page shows: isf-app's ``case=`` ("" for the default case)."""
    return os.environ.get(CASE_ENV, "")


def _case(case: str | None) -> str:
    return default_case() if case is None else case


@cache
def conf_dir(case: str = "") -> Path:
    """The case's folder (``case=NAME|PATH``; "" the default case)."""
    return case_dir(case or None)


@cache
def _raw(case: str = "") -> dict:
    with _LOCK:
        return compose([], conf_dir(case))


def title(case: str = "") -> str:
    """The case's title (``case.yaml``: ``title``), for the page's bar."""
    return str(tool_part(_raw(case), "title") or "")


def dimension_ends(case: str = "") -> dict[str, tuple[str, str]]:
    """What 0 and 1 mean on each dimension of the case (``case.yaml``: ``dimensions``)."""
    dims = tool_part(_raw(case), "dimensions") or {}
    return {str(d): (str(e.get("low", "")), str(e.get("high", ""))) for d, e in dims.items() if isinstance(e, dict)}


@cache
def levers(case: str = "") -> dict[str, Lever]:
    """The case's sliders (``sliders`` in its ``case.yaml``): name -> (label, paths, min, max, step)."""
    raw = _raw(case)
    out: dict[str, Lever] = {}
    for name, spec in (tool_part(raw, "sliders") or {}).items():
        if not isinstance(spec, dict) or not spec.get("paths"):
            raise ConfigError(f"case.sliders.{name}: allowed: {{label, paths: [PATH, ...], min, max, step}}")
        paths = tuple(str(p) for p in spec["paths"])
        lo, hi = float(spec.get("min", 0.0)), float(spec.get("max", 1.0))
        out[str(name)] = (str(spec.get("label", name)), paths, lo, hi, float(spec.get("step", (hi - lo) / 20)))
    return out


@cache
def scenario_params(scenario: str, case: str = "") -> ModelParams:
    """A scenario's point-value parameters (composed once per scenario and case)."""
    with _LOCK:
        return load([f"scenario={scenario}"], conf_dir(case))[0]


def lever_values(scenario: str = "baseline", case: str | None = None) -> dict[str, float]:
    """The levers as a scenario sets them (what the sliders show when it is chosen)."""
    case = _case(case)
    params = scenario_params(scenario, case)
    return {name: round(float(get_value(params, paths[0])), 4) for name, (_, paths, *_r) in levers(case).items()}


def build_params(
    scenario: str = "baseline",
    rule: str = "default",
    levers_set: dict[str, float] | None = None,
    switches: dict[str, bool] | None = None,
    case: str | None = None,
) -> tuple[ModelParams, dict[str, object]]:
    """Parameters for the page's settings, and the overrides they amount to (for the card).

    A lever at the scenario's own value is no override; moved away from it, it wins."""
    case = _case(case)
    params = scenario_params(scenario, case)
    own = lever_values(scenario, case)
    known = levers(case)
    values: dict[str, object] = {}
    for name, v in (levers_set or {}).items():
        if name not in known:
            raise ConfigError(f"unknown slider {name!r}; allowed: {', '.join(known)} (case.yaml: sliders)")
        if abs(float(v) - own[name]) > 1e-9:
            for path in known[name][1]:
                values[path] = round(float(v), 4)
    if rule != params.mechanisms.pressure.rule:
        values["mechanisms.pressure.rule"] = rule
    for name, on in (switches or {}).items():
        path = P5_VETO if name == "p5_veto" else f"mechanisms.{name}.enabled"
        if bool(on) != bool(get_value(params, path)):
            values[path] = bool(on)
    return (with_values(params, values) if values else params), values


class TeachingModel(ISFModel):
    """The model, built from the page's settings (the page re-creates it on Reset).

    Every setting is a keyword argument (Mesa's controller passes the page's settings as they
    are): the case's sliders by name (``case.yaml``: ``sliders``); a lever left out, or None,
    keeps the scenario's value. (``scenario_name``, not ``scenario``: Mesa 3.5 models have a
    ``scenario`` attribute of their own, which its controller may pass and is ignored here.)"""

    def __init__(
        self,
        scenario_name: str = "baseline",
        rule: str = "default",
        seed: int | str = 0,
        case: str | None = None,
        pressure: bool = True,
        vetoes: bool = True,
        commitments: bool = True,
        money: bool = True,
        council: bool = True,
        ground: bool = True,
        sequencing: bool = True,
        p5_veto: bool = True,
        rng: int | None = None,
        scenario: object = None,
        **lever_settings: float | None,
    ) -> None:
        given = dict(locals())
        case = _case(case)
        levers_set = {k: v for k, v in lever_settings.items() if v is not None}
        switches = {k: given[k] for k in SWITCHES}
        params, self.overrides = build_params(scenario_name, rule, levers_set, switches, case)
        try:
            self.seed_value = int(seed)
        except (TypeError, ValueError):
            self.seed_value = 0
        self.scenario_name = scenario_name
        self.case_name = case  # as isf-app was given it ("" for the default case)
        super().__init__(params, rng=self.seed_value, trace=True)
        self.settled_history: list[dict[str, list[float]]] = []  # week -> actor -> settled position
        self._record()
        own = {name: float(get_value(params, paths[0])) for name, (_, paths, *_r) in levers(case).items()}
        self.settings = {"scenario_name": scenario_name, "rule": rule, "seed": str(seed), "case": case, **own,
                         **switches}  # fmt: skip

    def step(self) -> None:
        super().step()
        self._record()

    def _record(self) -> None:
        self.settled_history.append({a.aid: list(a.settled) for a in self.pressed})


def default_settings(scenario: str = "baseline", case: str | None = None) -> dict[str, object]:
    """The page's settings for a scenario: its levers, the default rule, every switch on."""
    case = _case(case)
    rule = scenario_params(scenario, case).mechanisms.pressure.rule
    return {
        "scenario_name": scenario,
        "rule": rule,
        "seed": "0",
        "case": case,
        **lever_values(scenario, case),
        **dict.fromkeys(SWITCHES, True),
    }


def with_scenario(settings: dict[str, object], scenario: str) -> dict[str, object]:
    """The settings after choosing ``scenario``: its own lever values on the sliders, the rest kept."""
    case = str(settings.get("case", default_case()))
    return {**settings, "scenario_name": scenario, **lever_values(scenario, case)}


def widgets(case: str | None = None) -> dict[str, dict]:
    """The page's inputs: name -> type, label and range (the values are the settings)."""
    case = _case(case)
    out: dict[str, dict] = {
        "scenario_name": {"type": "Select", "values": list(scenarios(conf_dir(case))), "label": "Scenario"},
        "rule": {"type": "Select", "values": list(bargaining.RULES), "label": "Bargaining rule"},
        "seed": {"type": "InputText", "label": "Seed"},
    }
    for name, (label, _paths, lo, hi, step) in levers(case).items():
        out[name] = {"type": "SliderFloat", "label": label, "min": lo, "max": hi, "step": step}
    for mech in MECHANISMS:
        out[mech] = {"type": "Checkbox", "label": mech}
    out["p5_veto"] = {"type": "Checkbox", "label": "P5 veto (a permanent member's 'no' blocks)"}
    return out


def sliders(case: str | None = None) -> list[str]:
    """The names of the page's sliders, in the case file's order."""
    return [name for name, w in widgets(case).items() if w["type"] == "SliderFloat"]


# ----------------------------------------------------------------------------- views (data)
def pressure_edges(model: ISFModel) -> list[tuple[str, str, float]]:
    """(presser, target, pressure this week, summed over the dimensions) — as
    :func:`sim.model.mechanisms.pressure.apply` counts it."""
    cfg = model.params.mechanisms.pressure
    out = []
    for presser, target, w in model.links:
        f = cfg.excluded_effort if presser.offer > 0 and not presser.liaison and vetoes.blocked(model, presser) else 1.0
        out.append((presser.aid, target.aid, f * sum(w)))
    return out


def council_table(model: ISFModel) -> list[tuple[str, str]]:
    """Each member's vote if the US put its draft (with its current mandate) to the Council now."""
    votes = council.member_votes(model)
    blocking = set(council.blockers(model, votes))
    rows = []
    for aid, vs in votes.items():
        word = council.VOTE[vs[0]] if len(vs) == 1 else council.tally(vs)
        rows.append((aid, word + (" (veto)" if aid in blocking else "")))
    return rows


def last_vote(model: ISFModel) -> str | None:
    """The last vote's result, as the trace tells it."""
    for week, kind, actor, target, value, data in reversed(model.trace.events):
        if kind in ("resolution_passed", "resolution_failed"):
            return f"week {week}: {describe(kind, actor, target, value, data, model.case)}"
    return None


def case_of(model: ISFModel) -> str:
    """The case the model was built for, as isf-app was given it ("" for the default case)."""
    return getattr(model, "case_name", default_case())


def lever_line(model: ISFModel) -> str:
    """The levers as the model has them (the case's sliders)."""
    p = model.params
    return ", ".join(
        f"{label.split(' (')[0]} {float(get_value(p, paths[0])):.2f}"
        for label, paths, *_r in levers(case_of(model)).values()
    )


def command_line(model: TeachingModel) -> str:
    """The isf-sim command that re-runs the model (with ``case=`` unless it is the default case)."""
    args = [f"scenario={model.scenario_name}"] + [
        f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in model.overrides.items()
    ]
    case = case_of(model)
    return ("isf-sim " + (f"case={case} " if case else "") + " ".join(args)
            + f" uncertainty=fixed trace=true runs=1 seed={model.seed_value}")  # fmt: skip


def veto_summary(model: ISFModel) -> str:
    """Each veto holder's vetoes, standing or lifted (``none`` without a veto holder)."""
    names = {a.aid: a.p.name for a in model.actor_list}
    word = {True: "standing", False: "lifted"}
    parts = [
        f"{names[h.aid]}'s veto on {names.get(t, t)}: **{word[bool(vetoes.standing(model, h.aid, t))]}**"
        for h in model.veto_holders
        for t in h.vetoes
    ]
    return "; ".join(parts) or "no vetoes"


def ground_summary(model: ISFModel) -> str:
    """Each territory holder's share of the territory, and each armed group's disarmament."""
    names = {a.aid: a.p.name for a in model.actor_list}
    template = model.case.words.get("territory") or "{holder} holds {control:.0%}"
    parts = [
        template.format(control=share, holder=names[h.aid])
        for h, share in zip(model.territory_holders, model.progress.control)
    ]
    for g, share, decided in zip(model.armed_groups, model.progress.disarmament, model.progress.decided):
        parts.append(f"{names[g.aid]} disarmament {share:.0%} ({'decided' if decided else 'not decided'} to disarm)")
    return "; ".join(parts)


def changed_settings(model: TeachingModel, pending: dict[str, object]) -> list[str]:
    """The page's settings that differ from those the model was built with."""

    def differs(a: object, b: object) -> bool:
        if isinstance(a, float) or isinstance(b, float):
            return abs(float(a) - float(b)) > 1e-6
        return str(a) != str(b)

    return [k for k, v in pending.items() if k in model.settings and differs(v, model.settings[k])]


def config_markdown(model: TeachingModel, pending: dict[str, object] | None = None) -> str:
    """The configuration as it stands, and the command that re-runs it; ``pending``: the page's
    settings, if they differ from the model's (then Reset applies them)."""
    m = model
    args = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in m.overrides.items()]
    cmd = command_line(m)
    mech = m.params.mechanisms
    on = ", ".join(n for n in MECHANISMS if getattr(mech, n).enabled) or "none"
    off = ", ".join(n for n in MECHANISMS if not getattr(mech, n).enabled) or "none"
    a, s = m.agenda, m.situation
    situation = m.case.words.get("situation", "the situation")
    status = (
        f"**passed** in week {a.week_authorized}" if a.authorized else f"not passed ({a.failed_votes} failed vote(s))"
    )
    case = case_of(m)
    lines = [
        f"### Week {m.week} — scenario `{m.scenario_name}`, seed {m.seed_value}" + (f", case `{case}`" if case else ""),
        "",
        f"- bargaining rule: **{mech.pressure.rule}**; mechanisms on: {on}; off: {off}; "
        f"P5 veto {'on' if mech.council.p5_veto else 'off'}",
        "- overrides: " + (", ".join(f"`{x}`" for x in args) or "none, the scenario's own values"),
        f"- {lever_line(m)}",
        f"- {veto_summary(m)}; design {'**final**' if a.design_final else 'open'}; "
        f"Council resolution: {status}; draft mandate **{a.mandate}**",
        f"- troops committed {m.troops_committed:,}, deployed {m.troops_deployed:,}; {ground_summary(m)}; "
        f"{situation} {'**COLLAPSED**' if s.collapsed else 'holds'}; deaths so far {s.deaths_total:,}",
        "",
    ]
    changed = changed_settings(m, pending or {})
    if changed:
        lines += [f"**Settings changed ({', '.join(changed)}): press Reset to apply them.**", ""]
    lines += ["Move a slider, then **Reset** to rebuild the model with it. The same run on the command line:", ""]
    return "\n".join(lines + [f"`{cmd}`"])
