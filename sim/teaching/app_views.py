"""The teaching page's figures (matplotlib): positions on each dimension of the issue space, the
leverage network, troops by contributor, deaths per week. Each takes a model and returns a
Figure; :mod:`sim.teaching.app_page` shows them."""

from __future__ import annotations

from sim.model.mechanisms import vetoes
from sim.model.model import ISFModel
from sim.teaching.app_model import TeachingModel, case_of, dimension_ends, pressure_edges

# as the report labels positions (sim/report/plots.py); the ticks say what each end means (case.yaml)
POSITION_LABEL = "settled position\n(0 = opposed, 1 = in favour)"
# a colour per actor, in the case's actor order, the same in every panel (Okabe–Ito, then Tol's):
# enough for Gaza's 17 actors, so no two lines share a colour
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999",
           "#F0E442", "#882255", "#44AA99", "#117733", "#332288", "#AA4499", "#DDCC77", "#661100",
           "#88CCEE", "#6699CC", "#999933", "#CC6677")  # fmt: skip
# the network's node colours: an actor's first role in this order (role, label, colour)
ROLES = (
    ("sponsor", "sponsor", "#0072B2"),
    ("veto", "veto holder", "#D55E00"),
    ("armed_group", "armed group", "#009E73"),
    ("contributor", "troop contributor / mediator", "#E69F00"),
    ("funder", "funder", "#F0E442"),
    ("council", "Council member", "#CC79A7"),
)
NAMED_ROLES = ("sponsor", "veto", "armed_group")  # their legend entries name the holders


def colours(model: ISFModel) -> dict[str, str]:
    """A fixed colour per actor: the palette in the case's actor order (grey past its end)."""
    return {a.aid: PALETTE[i] if i < len(PALETTE) else "0.5" for i, a in enumerate(model.actor_list)}


def style(actor) -> str:
    """A line style by role: dashed for Council members with no other role, else solid."""
    p = actor.p
    if any(getattr(p, r) is not None for r in ("sponsor", "veto", "armed_group", "territory", "contributor", "funder")):
        return "-"
    return "--" if p.council is not None else ":"


MARKERS = "osD^vP<X>*"  # one per actor, in the case's order: tells apart lines that coincide


def coinciding(df) -> dict[str, tuple[int, int]]:
    """Actor -> (its place k, the size n) in its group of actors whose lines are the same on this
    panel (RUS and CHN, GBR and FRA hold the same positions in the default case): drawn alike,
    the last would hide the others."""
    groups: dict[tuple, list[str]] = {}
    for aid in df.columns:
        groups.setdefault(tuple(df[aid].round(6).fillna(-1)), []).append(aid)
    return {aid: (k, len(g)) for g in groups.values() for k, aid in enumerate(g)}


def line_style(actor, k: int, n: int, weeks: int, index: int) -> dict:
    """How one actor's line is drawn: its role's line style, or, when ``n`` actors' lines coincide,
    interleaved dashes (the k-th of n shows its colour on every n-th stretch, so every colour
    shows); and its own marker, placed at staggered weeks so coinciding markers do not cover
    each other."""
    every = max(2, weeks // 6)
    kw = {"marker": MARKERS[index % len(MARKERS)], "markersize": 4.5, "markevery": (index % every, every)}
    if n > 1:
        kw["linestyle"] = (4 * k, (4, 4 * (n - 1)))
    else:
        kw["linestyle"] = style(actor)
    return kw


def _figure(w: float = 5.0, h: float = 3.2):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def positions_frame(model: TeachingModel, dimension: str = "composition"):
    """Week x actor: the settled positions on one dimension (where pressure has moved them, what
    decisions read) of the actors that can be moved and care about it (salience > 0)."""
    import pandas as pd

    d = model.case.dimensions.index(dimension)
    shown = [a.aid for a in model.pressed if a.p.salience[d] > 0]
    rows = [{aid: week[aid][d] for aid in shown} for week in model.settled_history]
    return pd.DataFrame(rows, columns=shown).rename_axis("week")


def _thresholds(model: ISFModel, d: int) -> list[tuple[float, str]]:
    """Lines worth drawing on a dimension's panel: where a veto on it yields, the funders'
    thresholds on an armed group's compliance dimension."""
    out = []
    holders = [h.p.name for h in model.veto_holders if h.veto_dim == d]
    if holders and model.params.mechanisms.vetoes.enabled:
        out.append((model.params.mechanisms.vetoes.yield_at, " and ".join(holders) + "'s veto yields"))
    if any(g.compliance_dim == d for g in model.armed_groups):
        levels: dict[float, list[str]] = {}
        for f in model.funders:
            levels.setdefault(round(f.p.funder.disarmament_threshold, 2), []).append(f.aid)
        out += [(v, "+".join(ids) + " pay") for v, ids in sorted(levels.items())]
    return out


def draw_positions(model: ISFModel):
    """One panel per dimension: each movable actor's position over the weeks."""
    from matplotlib.lines import Line2D

    dims = model.case.dimensions
    fig = _figure(11.0 * max(1, len(dims)) / 3, 3.4)
    axes = fig.subplots(1, len(dims), sharex=True, squeeze=False)[0]
    handles: dict[str, object] = {}
    colour, ends = colours(model), dimension_ends(case_of(model))
    order = {a.aid: i for i, a in enumerate(model.actor_list)}
    for d, (ax, dim) in enumerate(zip(axes, dims)):
        df = positions_frame(model, dim)
        same = coinciding(df)
        for aid in df.columns:
            kw = line_style(model.actors[aid], *same[aid], len(df), order[aid])
            ax.plot(df.index, df[aid], color=colour[aid], lw=1.6, **kw)
            own = {"marker": kw["marker"], "ls": style(model.actors[aid])}  # the legend: its own style
            handles.setdefault(aid, Line2D([], [], color=colour[aid], lw=1.6, **own))
        for y, text in _thresholds(model, d):
            ax.axhline(y, color="grey", lw=0.8, ls=":")
            ax.text(0.02, y, text, transform=ax.get_yaxis_transform(), fontsize=7, color="0.35", va="bottom")
        low, high = ends.get(dim, ("", ""))
        ax.set(ylim=(-0.03, 1.03), xlabel="week", title=dim.capitalize())
        ax.set_yticks([0, 0.5, 1], [f"0 {low}", "0.5", f"1 {high}"], fontsize=7)
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_ylabel(POSITION_LABEL)
    fig.legend(list(handles.values()), list(handles), loc="outside right center", fontsize=7, title="actor")
    fig.suptitle("Positions on each dimension of the issue space", fontsize=10)
    return fig


def role_of(actor) -> int:
    return next((i for i, (role, *_r) in enumerate(ROLES) if getattr(actor.p, role) is not None), len(ROLES) - 1)


def role_label(model: ISFModel, i: int) -> str:
    """The legend's words for role ``i``: the sponsor, veto holders and armed groups by name."""
    role, label, _colour = ROLES[i]
    if role not in NAMED_ROLES:
        return label
    names = [a.p.name for a in model.actor_list if getattr(a.p, role) is not None and role_of(a) == i]
    return f"{label} ({', '.join(names)})" if names else label


def draw_network(model: ISFModel):
    import networkx as nx
    from matplotlib.lines import Line2D

    fig = _figure(5.6, 4.2)
    ax = fig.subplots()
    g = nx.DiGraph()
    for a, b, w in pressure_edges(model):
        g.add_edge(a, b, weight=w)
    pressed = [n for n in g if model.actors[n].is_pressed]
    pos = nx.shell_layout(g, nlist=[pressed, [n for n in g if n not in pressed]])
    colours = [ROLES[role_of(model.actors[n])][2] for n in g]
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colours, node_size=560, edgecolors="0.2")
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=7)
    top = max((d["weight"] for *_e, d in g.edges(data=True)), default=1.0) or 1.0
    widths = [0.5 + 5 * d["weight"] / top for *_e, d in g.edges(data=True)]
    nx.draw_networkx_edges(
        g, pos, ax=ax, width=widths, arrowsize=12, edge_color="0.45", connectionstyle="arc3,rad=0.1", node_size=560
    )
    used = sorted({role_of(model.actors[n]) for n in g})
    legend = [
        Line2D([], [], marker="o", ls="", markersize=9, markerfacecolor=ROLES[i][2], markeredgecolor="0.2")
        for i in used
    ]
    ax.legend(legend, [role_label(model, i) for i in used], fontsize=7, loc="lower left", bbox_to_anchor=(0.0, -0.02))
    ax.set_title(
        "Who presses whom\n(arrow width: pressure this week; inner ring: actors pressure can move)",
        fontsize=9,
    )
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
    collapsed = df["collapsed"].astype(bool)
    ax.bar(df.index, df["deaths"], color=["#7F0000" if c else "#D55E00" for c in collapsed])
    title = f"Deaths per week (total {model.situation.deaths_total:,})"
    ax.set(xlabel="week", ylabel="deaths", title=title + ("; dark: ceasefire collapsed" if collapsed.any() else ""))
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


FIGURES = (draw_positions, draw_network, draw_troops, draw_deaths)
