"""Assemble the report: which figures and tables can be made from the given folders.

This module joins folders, calls the analysis functions, hands their tables to the
plot functions and collects the results as `Item`s; it does no rendering itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from sim.report import analysis as an
from sim.report import plots
from sim.report.folders import ResultFolder
from sim.stats import kaplan_meier, km_median

DEFAULT_HORIZON = 52.0
MIN_POPULATION = 10  # beside larger folders, smaller ones stay out of the per-scenario figures
MIN_PRIM = 50  # sampled runs below which a PRIM box is mostly noise
MIN_COMPARE = 30  # runs per folder below which the normal-approximation intervals are not trusted


@dataclass
class Item:
    """One figure of the report (or the note saying why it was skipped)."""

    name: str
    title: str
    figure: object = None  # matplotlib Figure
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    text: str = ""
    skipped: str = ""


@dataclass
class Report:
    folders: list[ResultFolder]
    runs: pd.DataFrame | None
    items: list[Item]
    outcomes: pd.DataFrame | None
    comparisons: list[tuple[str, str, pd.DataFrame]]
    outcome: str


@dataclass
class Options:
    outcome: str = "deployed"
    top_k: int = 6
    seed: int | None = None
    prim_threshold: float = 0.8


def group_labels(folders: list[ResultFolder]) -> list[dict[str, str]]:
    """Label each folder's scenarios; add the folder name where a scenario repeats."""
    seen: dict[str, int] = {}
    for f in folders:
        for s in f.scenarios:
            seen[s] = seen.get(s, 0) + 1
    labels = []
    for f in folders:
        labels.append({s: (s if seen[s] == 1 else f"{s} ({f.name})") for s in f.scenarios})
    if len(folders) > 1:  # still ambiguous (same folder name twice): number them
        flat = [v for d in labels for v in d.values()]
        if len(flat) != len(set(flat)):
            labels = [{s: f"{v} [{i + 1}]" for s, v in d.items()} for i, d in enumerate(labels)]
    return labels


def horizon_of(folder: ResultFolder) -> float:
    if folder.horizon is not None:
        return folder.horizon
    cfg = folder.path / "config.yaml"
    if cfg.is_file():
        import yaml

        try:
            h = (yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}).get("horizon_weeks")
            if h is not None:
                return float(h)
        except Exception:  # noqa: BLE001 - an unreadable config only loses the horizon
            pass
    return DEFAULT_HORIZON


def combined_runs(folders: list[ResultFolder]) -> pd.DataFrame | None:
    frames = []
    for f, labels in zip(folders, group_labels(folders)):
        if f.runs is None or not len(f.runs):
            continue
        r = f.runs.copy()
        if "scenario" not in r:
            r["scenario"] = f.manifest.get("scenario", f.name)
        r["group"] = r["scenario"].astype(str).map(labels).fillna(r["scenario"].astype(str))
        r["folder"] = f.name
        r["horizon"] = horizon_of(f)
        frames.append(r)
    return pd.concat(frames, ignore_index=True) if frames else None


def _guard(item: Item, make) -> Item:
    try:
        make(item)
    except KeyError as exc:
        item.figure, item.skipped = None, f"missing data: {exc.args[0] if exc.args else exc}"
    except Exception as exc:  # noqa: BLE001 - one failing figure must not stop the others
        item.figure, item.skipped = None, f"failed ({type(exc).__name__}: {exc})"
    return item


def population(folders: list[ResultFolder]) -> tuple[list[ResultFolder], list[ResultFolder]]:
    """Folders whose runs enter the per-scenario figures, and the small ones left out.

    Beside larger folders, a traced single run (or any folder under MIN_POPULATION runs)
    would only add noise to probabilities and survival curves.
    """
    big = [f for f in folders if f.runs is not None and len(f.runs) >= MIN_POPULATION]
    if not big or len(big) == len(folders):
        return folders, []
    return big, [f for f in folders if f not in big]


def assemble(folders: list[ResultFolder], opts: Options) -> Report:
    """The report's figures and tables that these folders allow (each skipped one with its reason)."""
    kept, left_out = population(folders)
    runs = combined_runs(kept)
    note = f"Left out (fewer than {MIN_POPULATION} runs): {', '.join(f.name for f in left_out)}." if left_out else ""
    items: list[Item] = []
    items.append(
        _guard(Item("configurations", "Emergent configurations", text=note), lambda it: _configurations(it, runs, opts))
    )
    items.append(
        _guard(Item("survival", "Time to authorization and deployment", text=note), lambda it: _survival(it, runs))
    )
    sweeps = [f for f in folders if len(f.swept) >= 2]
    if not sweeps:
        swept = [k for f in folders for k in f.swept]
        why = "no sweep of two parameters" + (f" (swept: {', '.join(swept)})" if swept else "")
        items.append(Item("heatmap", "Outcome over two swept parameters", skipped=why))
    for i, f in enumerate(sweeps):
        name = "heatmap" if len(sweeps) == 1 else f"heatmap-{i + 1}"
        items.append(
            _guard(
                Item(name, f"{an.outcome_label(opts.outcome)} over two swept parameters ({f.name})"),
                lambda it, f=f: _heatmap(it, f, opts),
            )
        )
    traced = [f for f in folders if f.timeline is not None or f.positions is not None]
    if not traced:
        items.append(Item("trace", "One run over time", skipped="no traced run (events/timeline/positions.parquet)"))
    for i, f in enumerate(traced):
        name = "trace" if len(traced) == 1 else f"trace-{i + 1}"
        items.append(_guard(Item(name, f"The negotiation over time ({f.name})"), lambda it, f=f: _trace(it, f, opts)))
    sens = [f for f in folders if f.sensitivity is not None and len(f.sensitivity)]
    if not sens:
        items.append(Item("sensitivity", "Parameter sensitivity", skipped="no sensitivity.parquet"))
    for i, f in enumerate(sens):
        name = "sensitivity" if len(sens) == 1 else f"sensitivity-{i + 1}"
        items.append(_guard(Item(name, f"Parameter sensitivity ({f.name})"), lambda it, f=f: _sensitivity(it, f)))
    sampled = [f for f in folders if f.runs is not None and an.parameter_columns(f.runs)]
    if not sampled:
        items.append(Item("prim", "Scenario discovery (PRIM)", skipped="no sampled parameters (param.* columns)"))
    for i, f in enumerate(sampled):
        name = "prim" if len(sampled) == 1 else f"prim-{i + 1}"
        items.append(
            _guard(
                Item(name, f"Scenario discovery for {an.outcome_label(opts.outcome)} ({f.name})"),
                lambda it, f=f: _prim(it, f, opts),
            )
        )
    outcomes = _outcome_summary(runs) if runs is not None else None
    comparisons = []
    if runs is not None and len(folders) > 1:
        first, too_small = folders[0], []
        for other in folders[1:]:
            if first.runs is None or other.runs is None:
                continue
            if min(len(first.runs), len(other.runs)) < MIN_COMPARE:
                too_small.append(
                    Item(
                        f"comparison-{other.name}",
                        f"{other.name} compared with {first.name}",
                        skipped=f"too few runs to compare (needs {MIN_COMPARE} in each folder)",
                    )
                )
                continue
            diffs = an.compare(first.runs, other.runs)
            comparisons.append((first.name, other.name, diffs))
        for i, (a, b, diffs) in enumerate(comparisons):
            name = "comparison" if len(comparisons) == 1 else f"comparison-{i + 1}"
            item = Item(name, f"{b} compared with {a}", tables={"differences": diffs})
            items.append(_guard(item, lambda it, d=diffs, a=a, b=b: setattr(it, "figure", plots.comparison(d, (a, b)))))
        items += too_small
    return Report(folders, runs, items, outcomes, comparisons, opts.outcome)


def _need(runs, *cols):
    if runs is None:
        raise KeyError("runs.parquet")
    missing = [c for c in cols if c not in runs]
    if missing:
        raise KeyError(", ".join(missing))


def _configurations(item: Item, runs, opts: Options) -> None:
    _need(runs, "configuration")
    table = an.configuration_table(runs, top_k=opts.top_k)
    item.tables["configurations"] = table
    item.figure = plots.configurations(table)


def _survival(item: Item, runs) -> None:
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


def _heatmap(item: Item, f: ResultFolder, opts: Options) -> None:
    x, y = f.swept[:2]
    cells = an.heatmap_table(f.runs, x, y, opts.outcome)
    pivot = an.pivot_heatmap(cells, x, y)
    counts = an.pivot_heatmap(cells, x, y, "n")
    item.tables["heat map"] = pivot
    if len(f.swept) > 2:
        item.text = f"Swept {len(f.swept)} keys; the map shows the first two, pooling over {', '.join(f.swept[2:])}."
    item.figure = plots.heatmap(pivot, counts, x, y, an.outcome_label(opts.outcome))


def _trace(item: Item, f: ResultFolder, opts: Options) -> None:
    seeds = []
    for t in (f.timeline, f.positions, f.events):
        if t is not None and "seed" in t:
            seeds.extend(pd.unique(t["seed"]))
    seed = opts.seed if opts.seed is not None else (sorted(set(seeds))[0] if seeds else None)

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
    item.figure = plots.trace(
        timeline, positions, key, actors, f"The negotiation over time — {', '.join(f.scenarios) or f.name}, seed {seed}"
    )


def _sensitivity(item: Item, f: ResultFolder) -> None:
    s = f.sensitivity
    by = list(s.columns[: list(s.columns).index("outcome")])  # keys swept with the design, if any
    tables = {}
    for key, sub in s.groupby([*by, "outcome", "method"], sort=False):
        *values, outcome, method = key
        where = ", ".join(f"{k}={v}" for k, v in zip(by, values))
        tables[f"{outcome} ({method}{', ' + where if where else ''})"] = an.sensitivity_table(sub)
        if len(tables) == 4:
            break
    item.tables.update(tables)
    item.figure = plots.sensitivity(tables)


def _prim(item: Item, f: ResultFolder, opts: Options) -> None:
    cols = an.parameter_columns(f.runs)
    y = an.outcome_series(f.runs, opts.outcome)
    if len(y) < MIN_PRIM:
        item.skipped = f"only {len(y)} runs; scenario discovery needs at least {MIN_PRIM}"
        return
    if y.all() or not y.any():
        item.skipped = f"{an.outcome_label(opts.outcome)} is {'always' if y.all() else 'never'} true"
        return
    res = an.prim_box(f.runs[cols], y, threshold=opts.prim_threshold)
    item.tables["box"] = res.limits[res.limits["restricted"]]
    item.text = (
        f"Box of {int(round(res.mass * res.n))} of {res.n} runs: coverage {res.coverage:.2f}, "
        f"density {res.density:.2f} (base rate {res.base_rate:.2f})."
    )
    item.figure = plots.prim(res, an.outcome_label(opts.outcome))


def _outcome_summary(runs: pd.DataFrame) -> pd.DataFrame:
    table = an.outcome_table(runs)
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
    wide = table.pivot(index="group", columns="label", values="cell")
    wide = wide[[c for c in pd.unique(table["label"])]]
    out = medians.set_index("scenario").join(wide).reset_index()
    return out.rename(columns={"index": "scenario"})


def fmt_cell(v) -> str:
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.3g}"
    return str(v)
