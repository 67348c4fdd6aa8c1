"""The report's sections: each makes one figure and its tables from a folder (or from the runs of
every folder), or raises KeyError naming the data it lacks; :func:`guard` turns that into a
skipped section with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.report import analysis as an
from sim.report import plots, plots_params
from sim.report.folders import ResultFolder
from sim.stats import kaplan_meier, km_median

MIN_PRIM = 50  # sampled runs below which a PRIM box is mostly noise


@dataclass
class Item:
    """One figure of the report (or the note saying why it was skipped)."""

    name: str
    title: str
    figure: object = None  # matplotlib Figure
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    text: str = ""
    skipped: str = ""


#: called after each section is made, with its title (isf-report's progress on a terminal; None: silent)
PROGRESS = None


def guard(item: Item, make) -> Item:
    try:
        _make(item, make)
    finally:
        if PROGRESS is not None:
            PROGRESS(item.title)
    return item


def _make(item: Item, make) -> None:
    try:
        make(item)
    except KeyError as exc:
        item.figure, item.skipped = None, f"missing data: {exc.args[0] if exc.args else exc}"
    except Exception as exc:  # noqa: BLE001 - one failing figure must not stop the others
        item.figure, item.skipped = None, f"failed ({type(exc).__name__}: {exc})"


def _need(runs, *cols):
    if runs is None:
        raise KeyError("runs.parquet")
    missing = [c for c in cols if c not in runs]
    if missing:
        raise KeyError(", ".join(missing))


def configurations(item: Item, runs, top_k: int, rules=None) -> None:
    _need(runs, "configuration")
    table = an.configuration_table(runs, top_k=top_k)
    if an.POOLED in runs and runs[an.POOLED].any():
        item.text = (item.text + " " if item.text else "") + (
            'A group "pooled over N cells" joins the cells of a grid run on the same seeds: its intervals '
            "resample whole seeds (a cluster bootstrap), not runs."
        )
    if rules is not None:
        shown = set(table["configuration"]) - {"other"}
        flag = lambda df, c: (df["configuration"] == c) if c != "other" else ~df["configuration"].isin(shown)  # noqa: E731
        table = an.with_rule_range(table, rules, "configuration", flag)
        item.text = (item.text + " " if item.text else "") + (
            "rule low–high: the range of P across the admitted bargaining rules (the same seeds), where the "
            "folder has it (rules.parquet)."
        )
    item.tables["configurations"] = table
    item.figure = plots.configurations(table)


def survival(item: Item, runs) -> None:
    _need(runs)
    horizon = runs.groupby("group", sort=False)["horizon"].first().to_dict()
    curves = {}
    for col, event in (("week_authorized", "Council authorization"), ("week_deployed", "deployment")):
        if col in runs:
            curves[event] = an.survival_table(runs, col, horizon)
    if not curves:
        raise KeyError("week_authorized, week_deployed")
    item.tables.update({f"survival ({k})": v for k, v in curves.items()})
    item.figure = plots.survival(curves)


def heatmap(item: Item, f: ResultFolder, outcome: str) -> None:
    """The first two swept keys as the map's axes, every other swept key as panels (facets)."""
    x, y, *facets = f.swept
    cells = an.heatmap_table(f.runs, x, y, outcome, facets)
    item.tables["heat map"] = cells
    small = int(cells["n"].min())
    item.text = (
        f"Each cell: P with ± half its 95 % Wilson interval and its runs (the fewest: {small}); "
        f"colour scale fitted to the data ({cells['p'].min():.2f} to {cells['p'].max():.2f})."
    )
    if facets:
        item.text += f" One panel per value of {', '.join(facets)}."
    item.figure = plots_params.heatmap(cells, x, y, an.outcome_label(outcome), facets)


def trace(item: Item, f: ResultFolder, label: str, seed: int | None) -> None:
    seeds = []
    for t in (f.timeline, f.positions, f.events):
        if t is not None and "seed" in t:
            seeds.extend(pd.unique(t["seed"]))
    seed = seed if seed is not None else (sorted(set(seeds))[0] if seeds else None)

    def pick(t):
        if t is None or seed is None or "seed" not in t:
            return t
        return t[t["seed"] == seed]

    timeline, positions, events = pick(f.timeline), pick(f.positions), pick(f.events)
    if (timeline is None or not len(timeline)) and (positions is None or not len(positions)):
        raise KeyError(f"seed {seed}")
    actors = an.active_actors(positions) if positions is not None else []
    key = an.key_events(events) if events is not None else None
    if key is not None:
        item.tables["key events"] = key[["week", "kind", "actor", "target", "text"]]
    item.figure = plots.trace(timeline, positions, key, actors, f"The negotiation over time — {label}, seed {seed}")


def sensitivity_parts(s: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The sensitivity table split by the keys swept with the design (one figure each)."""
    by = list(s.columns[: list(s.columns).index("outcome")])  # keys swept with the design, if any
    if not by:
        return [("", s)]
    return [
        (", ".join(f"{k}={v}" for k, v in zip(by, key if isinstance(key, tuple) else (key,))), sub)
        for key, sub in s.groupby(by, sort=False)
    ]


def sensitivity(item: Item, s: pd.DataFrame, top: int) -> None:
    """Every outcome's indices, the ``top`` parameters of each."""
    tables, totals = {}, {}
    for (outcome, method), sub in s.groupby(["outcome", "method"], sort=False):
        name = f"{outcome} ({method})"
        tables[name] = an.sensitivity_table(sub, top=top)
        totals[name] = int(sub["parameter"].nunique())
    item.tables.update(tables)
    most = max(totals.values())
    item.text = (
        f"{len(tables)} outcomes; each panel and table shows the {min(top, most)} most important of "
        f"{most} parameters (by ST for Sobol, μ* for Morris; --top K shows more)."
    )
    item.figure = plots_params.sensitivity(tables, totals)


def prim(item: Item, f: ResultFolder, outcome: str, threshold: float) -> None:
    cols = an.parameter_columns(f.runs)
    y = an.outcome_series(f.runs, outcome)
    if len(y) < MIN_PRIM:
        item.skipped = f"only {len(y)} runs; scenario discovery needs at least {MIN_PRIM}"
        return
    if y.all() or not y.any():
        item.skipped = f"{an.outcome_label(outcome)} is {'always' if y.all() else 'never'} true"
        return
    res = an.prim_box(f.runs[cols], y, threshold=threshold)
    box = res.limits[res.limits["restricted"]]
    item.tables["box"] = box.drop(columns="restricted").rename(columns={"qp_low": "qp lower", "qp_high": "qp upper"})
    item.tables["box statistics"] = pd.DataFrame(
        [
            {
                "runs in box": int(round(res.mass * res.n)),
                "of": res.n,
                "coverage": res.coverage,
                "density": res.density,
                "base rate": res.base_rate,
                "limits kept": int(box[["qp_low", "qp_high"]].notna().sum().sum()),
                "limits dropped (qp > 0.05)": len(res.dropped),
            }
        ]
    )
    found = (
        f"Box of {int(round(res.mass * res.n))} of {res.n} runs: coverage {res.coverage:.2f}, "
        f"density {res.density:.2f} (base rate {res.base_rate:.2f}); its limits on {len(box)} parameters "
        "each have a qp value ≤ 0.05"
        if len(box)
        else f"No parameter range holds {an.outcome_label(outcome)} significantly more often than the base rate "
        f"({res.base_rate:.2f}) in these {res.n} runs"
    )
    dropped = f"; {len(res.dropped)} limits with qp > 0.05 were dropped" if res.dropped else ""
    item.text = (
        f"{found}{dropped}. qp: the quasi-p value of a limit (EMA workbench; Bryant and Lempert 2010), "
        "a one-sided binomial test of the box's density against the box without that limit."
    )
    item.figure = plots_params.prim(res, an.outcome_label(outcome))


def outcome_summary(runs: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    table = an.outcome_table(runs)
    if rules is not None and len(table):
        table = an.with_rule_range(table, rules, "outcome", lambda df, key: an.outcome_series(df, key))
    rows = []
    for g, sub in runs.groupby("group", sort=False):
        h = sub["horizon"].iloc[0]
        row = {"scenario": g, "runs": len(sub)}
        for col, label in an.WEEKS.items():
            if col in sub:
                w = sub[col].astype(float)
                obs = w.notna() & (w <= h)
                row[label] = km_median(kaplan_meier(w.where(obs, h), obs))
        rows.append(row)
    medians = pd.DataFrame(rows)
    if not len(table):
        return medians
    table["cell"] = [f"{p:.2f} [{lo:.2f}, {hi:.2f}]" for p, lo, hi in zip(table["p"], table["lo"], table["hi"])]
    if "rule_low" in table:
        table["cell"] += [
            "" if pd.isna(a) else f" rules {a:.2f}–{b:.2f}" for a, b in zip(table["rule_low"], table["rule_high"])
        ]
    wide = table.pivot(index="group", columns="label", values="cell")
    wide = wide[[c for c in pd.unique(table["label"])]]
    out = medians.set_index("scenario").join(wide).reset_index()
    return out.rename(columns={"index": "scenario"})
