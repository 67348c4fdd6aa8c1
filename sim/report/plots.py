"""Figures of the report (matplotlib only; every number comes from sim.report.analysis).

Each function takes a table returned by an analysis function and returns the
Figure. Colours are the Okabe–Ito palette (safe for colour-blind readers), and
every series also differs by hatch, marker or line style so it reads in grayscale.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.report.fit import fit, wrap  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (6, 2)), (0, (3, 1, 1, 1, 1, 1))]
CMAP = "cividis"  # perceptually uniform, colour-blind safe, monotone in grayscale

plt.rcParams.update(
    {
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.linewidth": 0.6,
    }
)


def style(i: int) -> dict:
    """Colour, hatch, marker and line style of the i-th series."""
    return {
        "color": OKABE_ITO[i % 8],
        "hatch": HATCHES[i % 8],
        "marker": MARKERS[i % 8],
        "linestyle": LINESTYLES[i % 8],
    }


def _wrap(text: str, width: int = 28) -> str:
    return wrap(text, width)


def _legend(fig: Figure, ax, n: int) -> None:
    """The scenarios' legend below the panels (long labels wrap there instead of squeezing them)."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, title="scenario", loc="outside lower center", ncols=min(n, 2), fontsize=8)


# --------------------------------------------------------------------------- configurations


def configurations(table: pd.DataFrame, group: str = "group") -> Figure:
    """Horizontal grouped bars: P(configuration) per group with 95 % Wilson intervals."""
    groups = list(pd.unique(table[group]))
    confs = list(pd.unique(table["configuration"]))
    height = 0.8 / len(groups)
    fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.32 * len(confs) * max(len(groups), 2)), layout="constrained")
    y0 = np.arange(len(confs))
    for i, g in enumerate(groups):
        sub = table[table[group] == g].set_index("configuration").reindex(confs)
        s = style(i)
        y = y0 + (i - (len(groups) - 1) / 2) * height
        ax.barh(
            y,
            sub["p"],
            height=height * 0.92,
            color=s["color"],
            hatch=s["hatch"],
            edgecolor="black",
            linewidth=0.5,
            label=_wrap(g, 50),
            alpha=0.9,
        )
        xerr = [(sub["p"] - sub["lo"]).clip(lower=0), (sub["hi"] - sub["p"]).clip(lower=0)]
        ax.errorbar(sub["p"], y, xerr=xerr, fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    ax.set_yticks(y0, [_wrap(c, 30) for c in confs])
    ax.invert_yaxis()
    ax.set_xlim(0, min(1.0, max(0.05, float(table["hi"].max()) * 1.1)))
    ax.set_xlabel("probability (share of runs), bars = 95 % Wilson interval")
    ax.set_ylabel("emergent configuration (contributors | mandate | legal basis)")
    ax.set_title("Emergent force configurations per scenario")
    _legend(fig, ax, len(groups))
    ax.grid(axis="x", alpha=0.3)
    return fit(fig)


# --------------------------------------------------------------------------- survival


def survival(curves: dict[str, pd.DataFrame], group: str = "group") -> Figure:
    """Kaplan–Meier step curves, one panel per event (e.g. authorization, deployment)."""
    fig, axes = plt.subplots(
        1, len(curves), figsize=(5.2 * len(curves), 3.8), layout="constrained", squeeze=False, sharey=True
    )
    table_groups = max(t[group].nunique() for t in curves.values())
    for ax, (event, table) in zip(axes[0], curves.items()):
        for i, (g, c) in enumerate(table.groupby(group, sort=False)):
            s = style(i)
            # extend the last step to the horizon (censoring time)
            ax.step(
                c["time"],
                c["survival"],
                where="post",
                color=s["color"],
                linestyle=s["linestyle"],
                linewidth=1.8,
                label=_wrap(g, 50),
            )
            ax.fill_between(c["time"], c["lo"], c["hi"], step="post", color=s["color"], alpha=0.15, linewidth=0)
            last = c.iloc[-1]
            ax.plot([last["time"]], [last["survival"]], marker=s["marker"], color=s["color"], linestyle="none")
        ax.set_title(f"Time to {event} (Kaplan–Meier, censored at horizon)")
        ax.set_xlabel("weeks since start")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of runs without the event yet (95 % band)")
    _legend(fig, axes[0][-1], table_groups)
    return fit(fig)


# --------------------------------------------------------------------------- trace


def trace(
    timeline: pd.DataFrame | None,
    positions: pd.DataFrame | None,
    events: pd.DataFrame | None,
    actors: list[str],
    title: str,
) -> Figure:
    """One run over time: positions, pressure, troops, deaths per week, key events marked."""
    panels = []
    if positions is not None:
        panels += ["position", "pressure"]
    if timeline is not None:
        panels += ["troops", "deaths"]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(8, 1.2 + 2.0 * len(panels)), sharex=True, layout="constrained", squeeze=False
    )
    axes = dict(zip(panels, axes[:, 0]))
    if positions is not None:
        for i, actor in enumerate(actors):
            p = positions[positions["actor"] == actor].sort_values("week")
            s = style(i)
            kw = dict(
                color=s["color"],
                linestyle=s["linestyle"],
                marker=s["marker"],
                markevery=max(1, len(p) // 8),
                markersize=4,
                linewidth=1.4,
                label=f"{actor}: {p['shows'].iloc[0]}" if "shows" in p and len(p) else actor,
            )
            axes["position"].plot(p["week"], p["position"], **kw)
            axes["pressure"].plot(p["week"], p["pressure"], **kw)
        axes["position"].set_ylabel("position as others see it\n(0 = opposed, 1 = in favour)")
        axes["position"].set_ylim(-0.03, 1.03)
        axes["position"].legend(  # each actor's main dimension, or a contributor's share of conditions met
            title="actor: what is drawn", fontsize=7, ncol=1, loc="center left", bbox_to_anchor=(1.0, 0.5)
        )
        axes["pressure"].set_ylabel("pressure received\n(model units)")
    if timeline is not None:
        t = timeline.sort_values("week")
        ax = axes["troops"]
        ax.step(t["week"], t["troops_committed"], where="post", color=OKABE_ITO[0], linestyle="-", label="committed")
        ax.step(t["week"], t["troops_deployed"], where="post", color=OKABE_ITO[5], linestyle="--", label="deployed")
        ax.set_ylabel("troops of the force")
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax = axes["deaths"]
        ax.bar(t["week"], t["deaths"], width=0.8, color=OKABE_ITO[7], alpha=0.6, label="deaths")
        ax.set_ylabel("deaths per week")
    last = axes[panels[-1]]
    last.set_xlabel("week")
    if events is not None and len(events):
        top = axes[panels[0]]
        keys = []
        for j, ev in enumerate(events.itertuples(), start=1):
            for ax in axes.values():
                ax.axvline(ev.week, color="grey", linestyle=":", linewidth=0.8, zorder=0)
            top.annotate(
                str(j),
                xy=(ev.week, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2 + 8 * ((j - 1) % 2)),
                textcoords="offset points",
                fontsize=7,
                ha="center",
                va="bottom",
                fontweight="bold",
            )
            keys.append(f"{j}  week {ev.week:g}: {ev.kind.replace('_', ' ')} {ev.actor}".rstrip())
        axes[panels[-1]].text(
            1.02,
            1.0,
            "key events\n" + "\n".join(keys),
            transform=axes[panels[-1]].transAxes,
            va="top",
            ha="left",
            fontsize=7,
            linespacing=1.3,
        )
    for ax in axes.values():
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return fit(fig)


# --------------------------------------------------------------------------- comparison


def comparison(diffs: pd.DataFrame, names: tuple[str, str], how: str = "") -> Figure:
    """Differences of proportions B − A with 95 % intervals (dot and whiskers); filled circles for
    those that hold at a false discovery rate of 5 % (Benjamini–Hochberg), open squares otherwise."""
    d = diffs[diffs["kind"] == "proportion"].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 1.9 + 0.4 * len(d)), layout="constrained")
    y = np.arange(len(d))
    for i, r in d.iterrows():
        s = style(0 if r.get("matters", r["clear"]) else 1)
        ax.errorbar(
            r["diff"],
            i,
            xerr=[[max(0.0, r["diff"] - r["lo"])], [max(0.0, r["hi"] - r["diff"])]],
            fmt=s["marker"],
            color=s["color"],
            ecolor="black",
            capsize=3,
            markersize=6,
            markeredgecolor="black",
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [_wrap(label, 34) for label in d["label"]])
    ax.invert_yaxis()
    ax.set_xlabel(f"difference in probability, B − A, 95 % interval{'; ' + how if how else ''}")
    ax.set_title(
        f"B: {names[1]}\ncompared with A: {names[0]}\n(circle: holds at a false discovery rate of 5 %, "
        "Benjamini–Hochberg; square: does not)"
    )
    ax.grid(axis="x", alpha=0.3)
    return fit(fig)
