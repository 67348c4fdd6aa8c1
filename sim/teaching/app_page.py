"""The page ``solara run`` loads for ``isf-app`` (see :mod:`sim.teaching.app` and :mod:`sim.teaching.app_model`).

It is composed from Mesa's model controller (Reset, ▶, Step) and the page's own settings and
views, not from Mesa's ``SolaraViz``: SolaraViz always shows controls that confuse students here
(the page tabs, "Render Interval", "Use Threads") and has no option to leave them out. Sliders
show their value at rest, and choosing a scenario puts its own values on the sliders.
"""

from __future__ import annotations

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from sim.model.mechanisms import council
from sim.teaching import app_model, app_views

PLAY_INTERVAL_MS = 400
# the cards' text is Markdown rendered here (markdown-it-py, raw HTML escaped) and shown as HTML:
# solara.Markdown would load KaTeX and Mermaid in the browser for math and diagrams the page does
# not have, from a CDN the offline app does not reach (a 404 in every page's log)
CARD_CSS = """
.isf-md table { border-collapse: collapse; margin: 0.4em 0; }
.isf-md th, .isf-md td { border: 1px solid #ccc; padding: 0.1em 0.5em; text-align: left; }
.isf-md p { margin: 0.4em 0; } .isf-md code { background: #f3f3f3; padding: 0 0.2em; }
"""


def markdown(text: str) -> None:
    """Show Markdown (tables included) as HTML, without solara.Markdown's math and diagram scripts."""
    from markdown_it import MarkdownIt

    solara.HTML(tag="div", unsafe_innerHTML=MarkdownIt("commonmark").enable("table").render(text), classes=["isf-md"])


def figure_view(draw):
    @solara.component
    def View(model):
        update_counter.get()
        solara.FigureMatplotlib(draw(model), format="png")

    View.__name__ = draw.__name__
    return View


Positions, Network, Troops, Deaths = (figure_view(d) for d in app_views.FIGURES)


@solara.component
def CouncilView(model):
    update_counter.get()
    rows = app_model.council_table(model)
    a = model.agenda
    last = app_model.last_vote(model)
    cfg = model.params.mechanisms.council
    sponsor = model.case.words.get("sponsor", "the sponsor")
    if not cfg.enabled:
        head = "**Council** — switched off: no vote, contributors do not wait for a resolution"
    elif last:
        head = f"**Council vote** — {last}"
    else:
        head = f"**Council vote** — not yet voted ({sponsor} can table its draft from week {cfg.table_week})"
    drafts = reversed(model.case.draft_names)  # the most demanding first
    forecast = ", ".join(f"{m} {council.chance_of_passage(model, m):.0%}" for m in drafts)
    body = "\n".join(f"| {aid} | {vote} |" for aid, vote in rows)
    confidence = f" (it tables a draft only above {model.sponsor.p.sponsor.confidence:.0%})" if model.sponsor else ""
    markdown(
        f"{head}\n\nIf {sponsor} put its draft ({a.mandate} mandate) to the Council now:\n\n"
        f"| member | vote |\n|---|---|\n{body}\n\n"
        f"{sponsor[0].upper() + sponsor[1:]}'s forecast of passage: {forecast}{confidence}."
    )


@solara.component
def ConfigCard(model, settings):
    update_counter.get()
    markdown(app_model.config_markdown(model, settings))


@solara.component
def Settings(settings: solara.Reactive[dict], kinds: tuple[str, ...]):
    """The inputs of these kinds, each bound to the page's settings."""
    values = settings.value

    def setter(name):
        def set_value(v):
            if name == "scenario_name":
                settings.set(app_model.with_scenario(settings.value, v))
            else:
                settings.set({**settings.value, name: v})

        return set_value

    for name, w in app_model.widgets(str(values.get("case", app_model.default_case()))).items():
        kind, label = w["type"], w["label"]
        if kind not in kinds:
            continue
        if kind == "Select":
            solara.Select(label, values=w["values"], value=values[name], on_value=setter(name))
        elif kind == "InputText":
            solara.InputText(label, value=values[name], on_value=setter(name))
        elif kind == "SliderFloat":  # the value beside the label, at rest too
            with solara.Column(gap="0px", classes=[f"lever-{name}"]):
                solara.Text(f"{label}: {float(values[name]):.2f}", style="font-size: 0.9em")
                solara.SliderFloat(
                    "", value=values[name], min=w["min"], max=w["max"], step=w["step"], on_value=setter(name)
                )
        else:
            solara.Checkbox(label=label, value=values[name], on_value=setter(name), style="margin: 0; height: 30px")


@solara.component
def Page():
    settings = solara.use_reactive(app_model.default_settings())
    first = solara.use_memo(lambda: app_model.TeachingModel(**settings.value), [])
    model = solara.use_reactive(first)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)

    solara.Style(CARD_CSS)
    with solara.AppBar():
        solara.AppBarTitle(f"isf-sim: {app_model.title(app_model.default_case()) or 'negotiating a force'}")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(
                model,
                model_parameters=settings,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
        with solara.Card("Scenario"):
            solara.Text("Reset applies the settings.", style="font-size: 0.85em")
            Settings(settings, ("Select", "InputText"))
        with solara.Card("Levers"):
            Settings(settings, ("SliderFloat",))
        with solara.Card("Mechanisms"):
            Settings(settings, ("Checkbox",))
    m = model.value
    with solara.Column():
        with solara.Columns([3, 2]):
            ConfigCard(m, settings.value)
            CouncilView(m)
        Positions(m)
        with solara.Columns([1, 1]):
            Network(m)
            Troops(m)
        with solara.Columns([1, 1]):
            Deaths(m)
            markdown(
                "**Reading the page.** Positions: 0 = opposed, 1 = in favour of the end each panel's "
                "top tick names (the case file's dimensions); the lines are settled "
                "positions — where pressure has moved each actor, what its decisions read (what others see "
                "each week adds noise). Dotted lines: where a veto on that dimension yields, and the "
                "funders' disarmament thresholds. The network's arrows carry "
                "capability x effort x leverage (x a funder's money); colours are the actors' roles."
            )
