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

import threading
from functools import cache

from sim.config import load, scenarios
from sim.model.mechanisms import bargaining, council, vetoes
from sim.model.model import ISFModel
from sim.model.narrative import describe
from sim.model.params import MECHANISM_TYPES, ModelParams
from sim.model.paths import get_value, with_values

MECHANISMS = tuple(MECHANISM_TYPES)
P5_VETO = "mechanisms.council.p5_veto"

# slider name -> (label, parameter paths it sets, min, max, step)
LEVERS: dict[str, tuple[str, tuple[str, ...], float, float, float]] = {
    "us_pressure_isr": ("US pressure on Israel", ("actors.USA.pressure.ISR",), 0.0, 1.0, 0.05),
    "israel_resolve": ("Israel's resolve", ("actors.ISR.resolve",), 0.2, 3.0, 0.1),
    "gulf_threshold": (
        "Gulf disarmament threshold (SAU, ARE)",
        ("actors.SAU.funder.disarmament_threshold", "actors.ARE.funder.disarmament_threshold"),
        0.0,
        1.0,
        0.05,
    ),
    "amnesty": ("Amnesty credibility", ("actors.HAMAS.armed_group.amnesty_credibility",), 0.0, 1.0, 0.05),
    "hamas_disarmament": ("Hamas's position on disarmament", ("actors.HAMAS.position.disarmament",), 0.0, 1.0, 0.05),
    "us_mandate": ("US mandate position (0 borders, 1 enforcement)", ("actors.USA.position.mandate",), 0.0, 1.0, 0.05),
    "russia_support": ("Russia's support for a US-led force", ("actors.RUS.council.support",), 0.0, 1.0, 0.05),
    "china_support": ("China's support for a US-led force", ("actors.CHN.council.support",), 0.0, 1.0, 0.05),
}
SWITCHES = (*MECHANISMS, "p5_veto")  # the mechanisms' on/off switches and the permanent members' veto

_LOCK = threading.Lock()


@cache
def scenario_params(scenario: str) -> ModelParams:
    """A scenario's point-value parameters (composed once per scenario)."""
    with _LOCK:
        return load([f"scenario={scenario}"])[0]


def lever_values(scenario: str = "baseline") -> dict[str, float]:
    """The levers as a scenario sets them (what the sliders show when it is chosen)."""
    params = scenario_params(scenario)
    return {name: round(float(get_value(params, paths[0])), 4) for name, (_, paths, *_r) in LEVERS.items()}


def build_params(
    scenario: str = "baseline",
    rule: str = "default",
    levers: dict[str, float] | None = None,
    switches: dict[str, bool] | None = None,
) -> tuple[ModelParams, dict[str, object]]:
    """Parameters for the page's settings, and the overrides they amount to (for the card).

    A lever at the scenario's own value is no override; moved away from it, it wins."""
    params = scenario_params(scenario)
    own = lever_values(scenario)
    values: dict[str, object] = {}
    for name, v in (levers or {}).items():
        if abs(float(v) - own[name]) > 1e-9:
            for path in LEVERS[name][1]:
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
    are); a lever left out, or None, keeps the scenario's value. (``scenario_name``, not
    ``scenario``: Mesa 3.5 models have a ``scenario`` attribute of their own.)"""

    def __init__(
        self,
        scenario_name: str = "baseline",
        rule: str = "default",
        seed: int | str = 0,
        us_pressure_isr: float | None = None,
        israel_resolve: float | None = None,
        gulf_threshold: float | None = None,
        amnesty: float | None = None,
        hamas_disarmament: float | None = None,
        us_mandate: float | None = None,
        russia_support: float | None = None,
        china_support: float | None = None,
        pressure: bool = True,
        vetoes: bool = True,
        commitments: bool = True,
        money: bool = True,
        council: bool = True,
        ground: bool = True,
        sequencing: bool = True,
        p5_veto: bool = True,
        rng: int | None = None,
    ) -> None:
        given = dict(locals())
        levers = {k: given[k] for k in LEVERS if given[k] is not None}
        switches = {k: given[k] for k in SWITCHES}
        params, self.overrides = build_params(scenario_name, rule, levers, switches)
        try:
            self.seed_value = int(seed)
        except (TypeError, ValueError):
            self.seed_value = 0
        self.scenario_name = scenario_name
        super().__init__(params, rng=self.seed_value, trace=True)
        self.settled_history: list[dict[str, list[float]]] = []  # week -> actor -> settled position
        self._record()
        own = {name: float(get_value(params, paths[0])) for name, (_, paths, *_r) in LEVERS.items()}
        self.settings = {"scenario_name": scenario_name, "rule": rule, "seed": str(seed), **own, **switches}

    def step(self) -> None:
        super().step()
        self._record()

    def _record(self) -> None:
        self.settled_history.append({a.aid: list(a.settled) for a in self.pressed})


def default_settings(scenario: str = "baseline") -> dict[str, object]:
    """The page's settings for a scenario: its levers, the default rule, every switch on."""
    rule = scenario_params(scenario).mechanisms.pressure.rule
    return {
        "scenario_name": scenario,
        "rule": rule,
        "seed": "0",
        **lever_values(scenario),
        **dict.fromkeys(SWITCHES, True),
    }


def with_scenario(settings: dict[str, object], scenario: str) -> dict[str, object]:
    """The settings after choosing ``scenario``: its own lever values on the sliders, the rest kept."""
    return {**settings, "scenario_name": scenario, **lever_values(scenario)}


def widgets() -> dict[str, dict]:
    """The page's inputs: name -> type, label and range (the values are the settings)."""
    out: dict[str, dict] = {
        "scenario_name": {"type": "Select", "values": list(scenarios()), "label": "Scenario"},
        "rule": {"type": "Select", "values": list(bargaining.RULES), "label": "Bargaining rule"},
        "seed": {"type": "InputText", "label": "Seed"},
    }
    for name, (label, _paths, lo, hi, step) in LEVERS.items():
        out[name] = {"type": "SliderFloat", "label": label, "min": lo, "max": hi, "step": step}
    for mech in MECHANISMS:
        out[mech] = {"type": "Checkbox", "label": mech}
    out["p5_veto"] = {"type": "Checkbox", "label": "P5 veto (a permanent member's 'no' blocks)"}
    return out


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
            return f"week {week}: {describe(kind, actor, target, value, data)}"
    return None


def lever_line(model: ISFModel) -> str:
    """The levers as the model has them."""
    p = model.params
    return ", ".join(
        f"{label.split(' (')[0]} {float(get_value(p, paths[0])):.2f}" for label, paths, *_r in LEVERS.values()
    )


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
    args = [f"scenario={m.scenario_name}"] + [
        f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in m.overrides.items()
    ]
    cmd = "isf-sim " + " ".join(args) + f" uncertainty=fixed trace=true runs=1 seed={m.seed_value}"
    mech = m.params.mechanisms
    on = ", ".join(n for n in MECHANISMS if getattr(mech, n).enabled) or "none"
    off = ", ".join(n for n in MECHANISMS if not getattr(mech, n).enabled) or "none"
    a, s, prog = m.agenda, m.situation, m.progress
    status = (
        f"**passed** in week {a.week_authorized}" if a.authorized else f"not passed ({a.failed_votes} failed vote(s))"
    )
    veto = "standing" if vetoes.standing(m, "ISR", "TUR") else "lifted"
    money = "+".join(f for f, t in m.purse.taken.items() if t) or "none"
    lines = [
        f"### Week {m.week} — scenario `{m.scenario_name}`, seed {m.seed_value}",
        "",
        f"- bargaining rule: **{mech.pressure.rule}**; mechanisms on: {on}; off: {off}; "
        f"P5 veto {'on' if mech.council.p5_veto else 'off'}",
        "- overrides: " + (", ".join(f"`{x}`" for x in args[1:]) or "none, the scenario's own values"),
        f"- {lever_line(m)}",
        f"- Israel's veto on Turkish troops: **{veto}**; design {'**final**' if a.design_final else 'open'}; "
        f"Council resolution: {status}; draft mandate **{a.mandate}**",
        f"- troops committed {m.troops_committed:,}, deployed {m.troops_deployed:,}; Israel holds "
        f"{prog.israeli_control:.0%} of Gaza; Hamas disarmament {prog.disarmament:.0%} (aiming for the money of "
        f"{money}); {'ceasefire **COLLAPSED**' if s.collapsed else 'ceasefire holds'}; "
        f"deaths so far {s.deaths_total:,}",
        "",
    ]
    changed = changed_settings(m, pending or {})
    if changed:
        lines += [f"**Settings changed ({', '.join(changed)}): press Reset to apply them.**", ""]
    lines += ["Move a slider, then **Reset** to rebuild the model with it. The same run on the command line:", ""]
    return "\n".join(lines + [f"`{cmd}`"])
