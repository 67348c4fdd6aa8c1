"""``isf-app``: the teaching page — the model in a browser (Mesa SolaraViz) on 127.0.0.1.

Sliders and switches set the levers of the scenarios (US pressure on Israel, Israel's resolve,
the Gulf's disarmament threshold, amnesty credibility, Russia's and China's stances in the
Council, the bargaining rule, each mechanism on or off); Reset builds a new model with them,
Step and Play advance it week by week. The views: each actor's position over time, who
presses whom (the leverage network), troops by contributor, the Council vote, deaths per week,
and a card with the configuration as it stands and the ``isf-sim`` command that re-runs it.

The page itself is :mod:`sim.teaching.app_page` (what ``solara run`` loads); this module holds the
model wrapper, the views and the console entry point, and imports Solara only when drawing.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from functools import cache
from pathlib import Path

from sim.config import load, scenarios
from sim.model.mechanisms import bargaining, council, vetoes
from sim.model.model import ISFModel
from sim.model.params import MECHANISM_TYPES, ModelParams
from sim.model.paths import get_value, with_values

PAGE_FILE = Path(__file__).with_name("app_page.py")
DEFAULT_PORT = 8765
MECHANISMS = tuple(MECHANISM_TYPES)

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
    "russia_position": ("Russia's support for the draft", ("actors.RUS.position",), 0.0, 1.0, 0.05),
    "china_position": ("China's support for the draft", ("actors.CHN.position",), 0.0, 1.0, 0.05),
}

_LOCK = threading.Lock()


@cache
def scenario_params(scenario: str) -> ModelParams:
    """A scenario's point-value parameters (composed once per scenario)."""
    with _LOCK:
        return load([f"scenario={scenario}"])[0]


def baseline_levers() -> dict[str, float]:
    base = scenario_params("baseline")
    return {name: round(float(get_value(base, paths[0])), 4) for name, (_, paths, *_r) in LEVERS.items()}


def build_params(
    scenario: str = "baseline",
    rule: str = "default",
    levers: dict[str, float] | None = None,
    switches: dict[str, bool] | None = None,
) -> tuple[ModelParams, dict[str, object]]:
    """Parameters for the page's settings, and the overrides they amount to (for the card).

    A lever left at its baseline value keeps the scenario's own value; moved, it wins."""
    params = scenario_params(scenario)
    base = baseline_levers()
    values: dict[str, object] = {}
    for name, v in (levers or {}).items():
        if abs(float(v) - base[name]) > 1e-9:
            for path in LEVERS[name][1]:
                values[path] = round(float(v), 4)
    if rule != "default":
        values["mechanisms.pressure.rule"] = rule
    for mech, on in (switches or {}).items():
        if not on:
            values[f"mechanisms.{mech}.enabled"] = False
    return (with_values(params, values) if values else params), values


class TeachingModel(ISFModel):
    """The model, built from the page's widgets (SolaraViz re-creates it on Reset).

    (``scenario_name``, not ``scenario``: Mesa 3.5 models have a ``scenario`` attribute of their own.)"""

    def __init__(
        self,
        scenario_name: str = "baseline",
        rule: str = "default",
        seed: int | str = 0,
        us_pressure_isr: float | None = None,
        israel_resolve: float | None = None,
        gulf_threshold: float | None = None,
        amnesty: float | None = None,
        russia_position: float | None = None,
        china_position: float | None = None,
        pressure: bool = True,
        vetoes: bool = True,
        commitments: bool = True,
        council: bool = True,
        ground: bool = True,
        sequencing: bool = True,
        rng: int | None = None,
    ) -> None:
        given = {
            "us_pressure_isr": us_pressure_isr,
            "israel_resolve": israel_resolve,
            "gulf_threshold": gulf_threshold,
            "amnesty": amnesty,
            "russia_position": russia_position,
            "china_position": china_position,
        }
        levers = {k: v for k, v in given.items() if v is not None}
        switches = {
            "pressure": pressure,
            "vetoes": vetoes,
            "commitments": commitments,
            "council": council,
            "ground": ground,
            "sequencing": sequencing,
        }
        params, self.overrides = build_params(scenario_name, rule, levers, switches)
        try:
            self.seed_value = int(seed)
        except (TypeError, ValueError):
            self.seed_value = 0
        self.scenario_name = scenario_name
        super().__init__(params, rng=self.seed_value, trace=True)


def model_params() -> dict[str, dict]:
    """The widgets of the page (SolaraViz's ``model_params``)."""
    base = baseline_levers()
    widgets: dict[str, dict] = {
        "scenario_name": {"type": "Select", "value": "baseline", "values": list(scenarios()), "label": "Scenario"},
        "rule": {"type": "Select", "value": "default", "values": list(bargaining.RULES), "label": "Bargaining rule"},
        "seed": {"type": "InputText", "value": "0", "label": "Seed"},
    }
    for name, (label, _paths, lo, hi, step) in LEVERS.items():
        widgets[name] = {"type": "SliderFloat", "value": base[name], "label": label, "min": lo, "max": hi, "step": step}
    for mech in MECHANISMS:
        widgets[mech] = {"type": "Checkbox", "value": True, "label": f"mechanism: {mech}"}
    return widgets


# ----------------------------------------------------------------------------- views (data)
def positions_frame(model: ISFModel):
    df = model.datacollector.get_agent_vars_dataframe().reset_index()
    pressed = {a.aid for a in model.pressed}
    df = df[df["actor"].isin(pressed)]
    return df.pivot_table(index="Step", columns="actor", values="position")


def pressure_edges(model: ISFModel) -> list[tuple[str, str, float]]:
    """(presser, target, pressure this week) — as :func:`sim.model.mechanisms.pressure.apply` counts it."""
    cfg = model.params.mechanisms.pressure
    out = []
    for presser, target, w in model.links:
        if presser.offer > 0 and not presser.liaison and vetoes.blocked(model, presser):
            w *= cfg.excluded_effort
        out.append((presser.aid, target.aid, w))
    return out


def council_table(model: ISFModel) -> list[tuple[str, str]]:
    """Each member's vote if the draft were put now."""
    rows = []
    for aid, vs in council.member_votes(model).items():
        if len(vs) == 1:
            rows.append(
                (
                    aid,
                    council.VOTE[vs[0]] + (" (veto)" if vs[0] == -1 and model.actors[aid].p.council.permanent else ""),
                )
            )
        else:
            rows.append((aid, council.tally(vs)))
    return rows


def config_markdown(model: TeachingModel) -> str:
    """The configuration as it stands, and the command that re-runs it."""
    m = model
    args = [f"scenario={m.scenario_name}"] + [
        f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in m.overrides.items()
    ]
    cmd = "isf-sim " + " ".join(args) + f" uncertainty=fixed trace=true runs=1 seed={m.seed_value}"
    mech = m.params.mechanisms
    on = ", ".join(n for n in MECHANISMS if getattr(mech, n).enabled) or "none"
    off = ", ".join(n for n in MECHANISMS if not getattr(mech, n).enabled) or "none"
    status = "authorized" if m.authorized else f"not passed ({m.votes_held} vote(s) held)"
    veto = "standing" if vetoes.standing(m, "ISR", "TUR") else "lifted"
    lines = [
        f"### Week {m.week} — scenario `{m.scenario_name}`, seed {m.seed_value}",
        "",
        f"- bargaining rule: **{mech.pressure.rule}**; mechanisms on: {on}; off: {off}",
        "- levers: " + (", ".join(f"`{a}`" for a in args[1:]) or "the scenario's own values"),
        f"- US pressure on Israel {m.params.actors['USA'].pressure.get('ISR', 0):.2f}, Israel's resolve "
        f"{m.params.actors['ISR'].resolve:.2f}, amnesty credibility "
        f"{m.params.actors['HAMAS'].armed_group.amnesty_credibility:.2f}, Gulf threshold "
        f"{m.params.actors['SAU'].funder.disarmament_threshold:.2f}",
        f"- Israel's veto on Turkish troops: **{veto}**; Council resolution: **{status}**, mandate {m.mandate}",
        f"- troops committed {m.troops_committed:,}, deployed {m.troops_deployed:,}; Israel holds "
        f"{m.israeli_control:.0%} of Gaza; disarmament {m.disarmament:.0%}; "
        f"{'ceasefire COLLAPSED' if m.collapsed else 'ceasefire holds'}; deaths so far {m.deaths_total:,}",
        "",
        "Move a slider, then **Reset** to rebuild the model with it. The same run on the command line:",
        "",
        f"`{cmd}`",
    ]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- views (drawing)
def _figure(w: float = 5.0, h: float = 3.2):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def draw_positions(model: ISFModel):
    fig = _figure()
    ax = fig.subplots()
    df = positions_frame(model)
    styles = ["-", "--", ":", "-."]
    for i, col in enumerate(df.columns):
        ax.plot(df.index, df[col], styles[i % 4], label=col, marker="o" if len(df) < 3 else None)
    ax.axhline(model.params.mechanisms.vetoes.yield_at, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="week", ylabel="position (0 = own ideal, 1 = concede)", ylim=(0, 1), title="Positions")
    ax.legend(fontsize=7, ncols=3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def draw_network(model: ISFModel):
    import networkx as nx

    fig = _figure(5.0, 3.8)
    ax = fig.subplots()
    g = nx.DiGraph()
    edges = pressure_edges(model)
    for a, b, w in edges:
        g.add_edge(a, b, weight=w)
    pos = nx.shell_layout(
        g, nlist=[[n for n in g if model.actors[n].is_pressed], [n for n in g if not model.actors[n].is_pressed]]
    )
    colors = [model.actors[n].position if model.actors[n].is_pressed else 0.5 for n in g]
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, cmap="cividis", vmin=0, vmax=1, node_size=520)
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=7, font_color="white")
    widths = [0.5 + 6 * d["weight"] for *_e, d in g.edges(data=True)]
    nx.draw_networkx_edges(
        g, pos, ax=ax, width=widths, arrowsize=12, edge_color="0.4", connectionstyle="arc3,rad=0.1", node_size=520
    )
    ax.set_title("Who presses whom (width = pressure; colour = position)", fontsize=9)
    ax.axis("off")
    return fig


def draw_troops(model: ISFModel):
    fig = _figure()
    ax = fig.subplots()
    cs = model.contributors
    ids = [c.aid for c in cs]
    ax.bar(ids, [c.offer if not c.liaison else 0 for c in cs], color="0.85", label="offered", edgecolor="0.5")
    ax.bar(ids, [c.committed for c in cs], color="#E69F00", label="committed", hatch="//")
    ax.bar(ids, [c.deployed for c in cs], color="#0072B2", label="deployed")
    for i, c in enumerate(cs):
        note = "vetoed" if vetoes.blocked(model, c) else ("liaison" if c.liaison else "")
        if note:
            ax.text(i, 100, note, ha="center", fontsize=7, rotation=90, va="bottom")
    ax.set(ylabel="troops", title=f"Troops by contributor (week {model.week})")
    ax.legend(fontsize=7)
    return fig


def draw_deaths(model: ISFModel):
    fig = _figure(5.0, 2.6)
    ax = fig.subplots()
    df = model.datacollector.get_model_vars_dataframe()
    ax.bar(df.index, df["deaths"], color="#D55E00")
    ax.set(xlabel="week", ylabel="deaths", title=f"Deaths per week (total {model.deaths_total:,})")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def _make_components():
    import solara
    from mesa.visualization.utils import update_counter

    def figure_view(draw):
        @solara.component
        def View(model):
            update_counter.get()
            solara.FigureMatplotlib(draw(model), format="png")

        View.__name__ = draw.__name__
        return View

    @solara.component
    def CouncilView(model):
        update_counter.get()
        rows = council_table(model)
        last = [e for e in model.events if e[1] in ("resolution_passed", "resolution_failed")]
        head = (
            f"**Council vote** — {last[-1][5]} (week {last[-1][0]})"
            if last
            else f"**Council vote** — draft not yet voted (tabled in week {model.params.mechanisms.council.table_week})"
        )
        body = "\n".join(f"| {a} | {v} |" for a, v in rows)
        solara.Markdown(
            f"{head}\n\nIf the draft ({model.mandate} mandate) were put now:\n\n| member | vote |\n|---|---|\n{body}"
        )

    @solara.component
    def ConfigCard(model):
        update_counter.get()
        solara.Markdown(config_markdown(model))

    return [
        ConfigCard,
        figure_view(draw_positions),
        figure_view(draw_network),
        figure_view(draw_troops),
        CouncilView,
        figure_view(draw_deaths),
    ]


def make_page():
    """The SolaraViz page (called by :mod:`sim.teaching.app_page`)."""
    from mesa.visualization import SolaraViz

    widgets = model_params()
    model = TeachingModel(**{k: v["value"] for k, v in widgets.items()})
    return SolaraViz(
        model,
        components=_make_components(),
        model_params=widgets,
        name="isf-sim: negotiating the ISF",
        play_interval=400,
    )


# ----------------------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> None:
    """``isf-app [--port N] [--host 127.0.0.1]``: serve the page with ``solara run``."""
    argv = sys.argv[1:] if argv is None else argv
    argv = [f"--{a}" if a.split("=")[0] in ("port", "host") else a for a in argv]  # port=N works too
    ap = argparse.ArgumentParser(prog="isf-app", description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1 only)")
    args = ap.parse_args(argv)
    print(f"isf-app: serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(PAGE_FILE),
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-open",
    ]
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    sys.stdout.flush()
    # become the server (no child left behind when this process is stopped)
    os.execve(sys.executable, cmd, env)
