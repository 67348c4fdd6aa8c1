"""Figures over parameters: the heat map of a sweep, the sensitivity indices, the PRIM box.

Like :mod:`sim.report.plots` (whose palette and styles they share), each function takes the
tables of :mod:`sim.report.analysis` and returns a Figure fitted to its texts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colors
from matplotlib.figure import Figure

from sim.report.analysis import PrimResult
from sim.report.fit import fit, wrap, wrap_name
from sim.report.plots import CMAP, OKABE_ITO, plt, style

ANNOTATE_CELLS = 64  # panels with more cells than this are not annotated (the table has them)

# --------------------------------------------------------------------------- heat map


def heatmap_norm(p: pd.Series) -> colors.Normalize:
    """The colour scale fitted to the data: from the least to the largest probability (± 0.05
    around a single value), within [0, 1]."""
    lo, hi = float(np.nanmin(p)), float(np.nanmax(p))
    if hi - lo < 1e-9:
        lo, hi = max(0.0, lo - 0.05), min(1.0, hi + 0.05)
    return colors.Normalize(lo, hi)


def heatmap(cells: pd.DataFrame, x: str, y: str, label: str, facets=()) -> Figure:
    """P(outcome) over two swept keys, one panel per value of the other swept keys (``facets``).

    Each cell shows its probability, the ± of its 95 % Wilson interval (half its width) and its
    runs, unless a panel has more than ANNOTATE_CELLS cells (then a note says where they are).
    The colour scale is fitted to the data and shown beside the panels."""
    facets = list(facets)
    panels = list(cells.groupby(facets, sort=True)) if facets else [((), cells)]
    xs = sorted(pd.unique(cells[x]), key=_order)
    ys = sorted(pd.unique(cells[y]), key=_order)
    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    w, h = 1.4 + 0.8 * len(xs), 1.2 + 0.55 * len(ys)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * w + 1.6, nrows * h + 0.8), layout="constrained", squeeze=False
    )
    norm = heatmap_norm(cells["p"])
    annotate = len(xs) * len(ys) <= ANNOTATE_CELLS
    for ax, (key, sub) in zip(axes.flat, panels):
        grid = {c: sub.pivot(index=y, columns=x, values=c).reindex(index=ys, columns=xs) for c in ("p", "half", "n")}
        im = ax.imshow(np.ma.masked_invalid(grid["p"].to_numpy(float)), origin="lower", cmap=CMAP, norm=norm)
        ax.set_aspect("auto")
        ax.set_xticks(range(len(xs)), [wrap(_fmt_tick(v), 12) for v in xs])
        ax.set_yticks(range(len(ys)), [wrap(_fmt_tick(v), 16) for v in ys])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        if facets:
            values = key if isinstance(key, tuple) else (key,)
            ax.set_title(", ".join(f"{k} = {_fmt_tick(v)}" for k, v in zip(facets, values)))
        if annotate:
            _annotate(ax, grid, norm)
    for ax in list(axes.flat)[len(panels) :]:
        fig.delaxes(ax)
    cb = fig.colorbar(im, ax=[a for a in axes.flat if a in fig.axes], shrink=0.9)
    cb.set_label(f"{label} (scale fitted to the data: {norm.vmin:.2f} to {norm.vmax:.2f})")
    cell = "each cell: P, ± half its 95 % Wilson interval, runs" if annotate else _too_many(len(xs) * len(ys))
    fig.suptitle(f"{label} over {x} and {y}\n({cell})")
    return fit(fig)


def _too_many(n: int) -> str:
    return f"{n} cells per panel, too small to annotate: summary.md lists each cell's runs and interval"


def _annotate(ax, grid: dict[str, pd.DataFrame], norm: colors.Normalize) -> None:
    for (r, c), v in np.ndenumerate(grid["p"].to_numpy(float)):
        if np.isnan(v):
            continue
        half, n = grid["half"].to_numpy(float)[r, c], int(grid["n"].to_numpy(float)[r, c])
        ax.text(
            c,
            r,
            f"{v:.2f}\n±{half:.2f}\nn={n}",
            ha="center",
            va="center",
            fontsize=7,
            linespacing=1.1,
            color="black" if norm(v) > 0.55 else "white",
        )


def _order(v):
    return (0, float(v), "") if isinstance(v, (int, float, np.number)) else (1, 0.0, str(v))


def _fmt_tick(v) -> str:
    return f"{v:g}" if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else str(v)


# --------------------------------------------------------------------------- sensitivity


def sensitivity(tables: dict[str, pd.DataFrame], totals: dict[str, int] | None = None) -> Figure:
    """Tornado-style bars of the sensitivity indices, one panel per outcome (every outcome given);
    ``totals`` gives the number of parameters each panel's top rows were taken from."""
    totals = totals or {}
    n = len(tables)
    ncols = 1 if n == 1 else 2 if n in (2, 4) else 3
    nrows = math.ceil(n / ncols)
    rows = max(len(t) for t in tables.values())
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5.6 * ncols + 0.5, nrows * (1.3 + 0.3 * rows) + 0.4), layout="constrained", squeeze=False
    )
    for ax, (outcome, t) in zip(axes.flat, tables.items()):
        _sensitivity_panel(ax, outcome, t, totals.get(outcome))
    for ax in list(axes.flat)[n:]:
        fig.delaxes(ax)
    return fit(fig)


def _sensitivity_panel(ax, outcome: str, t: pd.DataFrame, total: int | None) -> None:
    y = np.arange(len(t))
    if "ST" in t and t["ST"].notna().any():
        bars = [("ST", "total order ST"), ("S1", "first order S1")]
        xlabel = "Sobol index (share of output variance)"
    else:
        bars = [("mu_star", "Morris μ*"), ("sigma", "Morris σ")]
        xlabel = "Morris elementary effect (outcome units)"
    h = 0.4
    for i, (col, label) in enumerate(bars):
        if col not in t or t[col].isna().all():
            continue
        s = style(i)
        conf = t.get(f"{col}_conf")
        ax.barh(
            y + (i - 0.5) * h,
            t[col],
            height=h * 0.95,
            color=s["color"],
            hatch=s["hatch"],
            edgecolor="black",
            linewidth=0.5,
            label=label,
            xerr=None if conf is None or conf.isna().all() else conf.fillna(0),
            capsize=2,
        )
    ax.set_yticks(y, [wrap_name(p.removeprefix("param."), 34) for p in t["parameter"]])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    shown = f"top {len(t)} of {total} parameters" if total and total > len(t) else f"{len(t)} parameters"
    ax.set_title(f"{outcome}: {shown}")
    ax.axvline(0, color="black", linewidth=0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")


# --------------------------------------------------------------------------- scenario discovery


def prim(result: PrimResult, label: str) -> Figure:
    """PRIM: the peeling trade-off and the box's significant limits (with their qp values)."""
    lim = result.limits[result.limits["restricted"]]
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(11, 2.4 + 0.5 * max(len(lim), 3)), layout="constrained", gridspec_kw={"width_ratios": [1, 1.4]}
    )
    t = result.trajectory
    sc = ax1.scatter(
        t["coverage"], t["density"], c=t["res_dim"], cmap=CMAP, s=18, marker="o", edgecolor="black", linewidth=0.3
    )
    peeled = t.loc[result.chosen]
    ax1.plot(
        [peeled["coverage"]],
        [peeled["density"]],
        marker="D",
        markersize=8,
        color="white",
        markeredgecolor="black",
        linestyle="none",
        label="box peeled to the density threshold",
    )
    ax1.plot(
        [result.coverage],
        [result.density],
        marker="*",
        markersize=14,
        color=OKABE_ITO[5],
        markeredgecolor="black",
        linestyle="none",
        label="box kept (significant limits only)",
    )
    ax1.set_xlabel("coverage (share of outcome runs inside the box)")
    ax1.set_ylabel("density (share of box runs with the outcome)")
    ax1.set_title("PRIM peeling trajectory")
    ax1.set_xlim(0, 1.02)
    ax1.set_ylim(0, 1.02)
    ax1.legend(fontsize=7, loc="lower left")
    cb = fig.colorbar(sc, ax=ax1)
    cb.set_label("restricted parameters")
    cb.ax.yaxis.get_major_locator().set_params(integer=True)
    _box_panel(ax2, lim, len(result.dropped))
    ax2.set_title(
        f"Box: coverage {result.coverage:.2f}, density {result.density:.2f} (base rate {result.base_rate:.2f})"
    )
    fig.suptitle(f"Scenario discovery: which parameter ranges lead to {label}")
    return fit(fig)


def _box_panel(ax, lim: pd.DataFrame, dropped: int) -> None:
    ax.set_xlim(0, 1)
    if not len(lim):
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            wrap(
                f"No significant limit: the {dropped} limits of the peeled box were lifted one at a time "
                "while one had a qp value above 0.05, and none was left.",
                44,
            ),
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        return
    y = np.arange(len(lim))
    span = (lim["max"] - lim["min"]).replace(0, 1)
    lo = (lim["low"] - lim["min"]) / span
    hi = (lim["high"] - lim["min"]) / span
    ax.barh(y, [1] * len(lim), height=0.6, color="white", edgecolor="grey", hatch="..", linewidth=0.5)
    ax.barh(y, hi - lo, left=lo, height=0.6, color=OKABE_ITO[0], edgecolor="black", linewidth=0.6)
    ticks = [
        f"{wrap_name(r.parameter.removeprefix('param.'), 34)}\n{r.low:.3g} to {r.high:.3g} (qp {_qp(r)})"
        for r in lim.itertuples()
    ]
    ax.set_yticks(y, ticks)
    ax.invert_yaxis()
    ax.set_xlabel(
        "position in the sampled range (0 = min, 1 = max);\nsolid = box, dotted = rest of the sampled range"
        + (f"; {dropped} limits dropped (qp > 0.05)" if dropped else "")
    )


def _qp(r) -> str:
    qps = [q for q in (r.qp_low, r.qp_high) if not math.isnan(q)]
    return ", ".join(f"{q:.1g}" for q in qps) if qps else "n/a"
