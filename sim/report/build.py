"""Assemble the report: which figures and tables can be made from the given folders.

This module joins folders, names them (:mod:`sim.report.labels`), compares them
(:mod:`sim.report.compare`) and collects the figures of :mod:`sim.report.sections` as `Item`s;
it does no rendering itself.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from sim.report import analysis as an
from sim.report import plots
from sim.report import sections as sec
from sim.report.compare import Pairing, compare
from sim.report.folders import ResultFolder
from sim.report.labels import folder_labels, group_labels, short_key
from sim.report.outcomes import use
from sim.report.sections import Item

DEFAULT_HORIZON = 52.0
MIN_POPULATION = 10  # beside larger folders, smaller ones stay out of the per-scenario figures
MIN_COMPARE = 30  # runs per folder below which the normal-approximation intervals are not trusted


@dataclass
class Comparison:
    """A later folder against the first: their labels, the differences and how they were paired."""

    a: str
    b: str
    diffs: pd.DataFrame
    pairing: Pairing


@dataclass
class Report:
    folders: list[ResultFolder]
    runs: pd.DataFrame | None
    items: list[Item]
    outcomes: pd.DataFrame | None
    comparisons: list[Comparison]
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Options:
    outcome: str | None = None  # None: the experiment's own (report: {outcome: ...}), else deployed
    top_k: int = 6
    seed: int | None = None
    prim_threshold: float = 0.8
    top: int = 10  # parameters per outcome in the sensitivity figure
    labels: dict[str, str] = field(default_factory=dict)  # NAME -> PATH (--label)


MAX_CELLS = 6  # cells of a grid shown apart in the per-scenario figures; beyond, pooled and labelled so


def combined_runs(folders: list[ResultFolder], labels: list[str], table=None) -> pd.DataFrame | None:
    """The runs of every folder, with their group in the per-scenario figures (``table(folder)``
    instead of the folder's runs: the same groups for another table, e.g. :func:`rules_of`)."""
    frames = []
    for f, label, groups in zip(folders, labels, group_labels(folders, labels)):
        own = f.runs if table is None else table(f)
        if f.runs is None or not len(f.runs) or own is None or not len(own):
            continue
        r = own.copy()
        if "scenario" not in r:
            r["scenario"] = f.manifest.get("scenario", f.name)
        r["group"] = r["scenario"].astype(str).map(groups).fillna(label)
        _cells(r, [k for k in f.swept if k != "scenario"])
        r["folder"] = label
        r["horizon"] = f.horizon if f.horizon is not None else DEFAULT_HORIZON
        frames.append(r)
    return pd.concat(frames, ignore_index=True) if frames else None


def rules_of(folder: ResultFolder, notes: list[str] | None = None) -> pd.DataFrame | None:
    """The folder's ``rules.parquet`` (isf-sim's rule range: the same seeds under the other
    admitted rules), None if it has none or it cannot be read (said in ``notes``)."""
    from sim.report.reading import NotAResultFolder, read_parquet

    path = folder.path / "rules.parquet"
    if not path.is_file():
        return None
    try:
        rules = read_parquet(path)
    except NotAResultFolder as exc:
        if notes is not None:
            notes.append(f"{exc}; no rule range")
        return None
    return rules if {"rule", "configuration"} <= set(rules.columns) else None


def _cells(r: pd.DataFrame, keys: list[str]) -> None:
    """Keep the cells of a grid apart: a group per cell (``scenario · ISR.resolve=0.5``) up to
    MAX_CELLS cells, else one group per scenario labelled "pooled over N cells", whose intervals
    resample seeds (``an.POOLED``: the cells share their seeds, :func:`an.cluster_intervals`)."""
    if not keys:
        return
    cell = r[keys].astype(str).apply(lambda row: ", ".join(f"{short_key(k)}={v}" for k, v in zip(keys, row)), axis=1)
    n = r.groupby("group", sort=False)[keys].apply(lambda sub: len(sub.drop_duplicates())).to_dict()
    many = r["group"].map(n) > MAX_CELLS
    r[an.POOLED] = many
    r["group"] = r["group"].where(many, r["group"] + " · " + cell)
    r.loc[many, "group"] = r.loc[many, "group"] + r.loc[many, "group"].map(lambda g: f" (pooled over {n[g]} cells)")


def population(folders: list[ResultFolder]) -> tuple[list[ResultFolder], list[ResultFolder]]:
    """Folders whose runs enter the per-scenario figures, and the small ones left out.

    Beside larger folders, a traced single run (or any folder under MIN_POPULATION runs)
    would only add noise to probabilities and survival curves.
    """
    big = [f for f in folders if f.runs is not None and len(f.runs) >= MIN_POPULATION]
    if not big or len(big) == len(folders):
        return folders, []
    return big, [f for f in folders if f not in big]


def outcome_for(folder: ResultFolder, opts: Options, notes: list[str]) -> str:
    """The outcome of a folder's heat map and scenario discovery: the one asked for on the command
    line, else the one the experiment names (``report: {outcome: ...}``), else ``deployed``."""
    if opts.outcome:
        return opts.outcome
    named = folder.report_outcome
    if named:
        try:
            return an.resolve_outcome(named, folder.runs.columns if folder.runs is not None else ())
        except KeyError:
            notes.append(f"{folder.name}: the experiment's outcome {named!r} is unknown; showing deployed")
    return "deployed"


def _numbered(items: list, name: str) -> list[tuple[str, object]]:
    return [(name if len(items) == 1 else f"{name}-{i + 1}", x) for i, x in enumerate(items)]


def assemble(folders: list[ResultFolder], opts: Options) -> Report:
    """The report's figures and tables that these folders allow (each skipped one with its reason),
    with the outcomes of the first folder's case."""
    with use(folders[0].case if folders else None), _progress(sys.stderr.isatty()):
        return _assemble(folders, opts)


@contextmanager
def _progress(enabled: bool):
    """A bar on stderr that counts the sections as they are made (only on a terminal: a pipe or a
    log gets nothing), so a long report says how far it is."""
    if not enabled:
        yield
        return
    from tqdm import tqdm

    with tqdm(desc="isf-report", unit=" sections", file=sys.stderr, dynamic_ncols=True, leave=False) as progress:

        def tick(title: str) -> None:
            progress.set_postfix_str(str(title)[:40], refresh=False)
            progress.update(1)

        sec.PROGRESS = tick
        try:
            yield
        finally:
            sec.PROGRESS = None


def _assemble(folders: list[ResultFolder], opts: Options) -> Report:
    labels = folder_labels(folders, opts.labels)
    label = dict(zip(map(id, folders), labels))
    kept, left_out = population(folders)
    runs = combined_runs(kept, [label[id(f)] for f in kept])
    notes: list[str] = [f.incomplete for f in folders if f.incomplete]  # a sweep's missing jobs, said first
    rules = combined_runs(kept, [label[id(f)] for f in kept], lambda f: rules_of(f, notes))
    note = f"Left out (fewer than {MIN_POPULATION} runs): {', '.join(label[id(f)] for f in left_out)}."
    note = note if left_out else ""
    items = [
        sec.guard(
            Item("configurations", "Emergent configurations", text=note),
            lambda it: sec.configurations(it, runs, opts.top_k, rules),
        ),
        sec.guard(
            Item("survival", "Time to authorization and deployment", text=note), lambda it: sec.survival(it, runs)
        ),
    ]
    sweeps = [f for f in folders if len(f.swept) >= 2]
    if not sweeps:
        swept = [k for f in folders for k in f.swept]
        why = "no sweep of two parameters" + (f" (swept: {', '.join(swept)})" if swept else "")
        items.append(Item("heatmap", "Outcome over two swept parameters", skipped=why))
    for name, f in _numbered(sweeps, "heatmap"):
        outcome = outcome_for(f, opts, notes)
        title = f"{an.outcome_label(outcome)} over the swept parameters ({label[id(f)]})"
        items.append(sec.guard(Item(name, title), lambda it, f=f, o=outcome: sec.heatmap(it, f, o)))
    traced = [f for f in folders if f.timeline is not None or f.positions is not None]
    if not traced:
        items.append(Item("trace", "One run over time", skipped="no traced run (events/timeline/positions.parquet)"))
    for name, f in _numbered(traced, "trace"):
        title = f"The negotiation over time ({label[id(f)]})"
        items.append(sec.guard(Item(name, title), lambda it, f=f: sec.trace(it, f, label[id(f)], opts.seed)))
    items += _sensitivity_items(folders, label, opts)
    sampled = [f for f in folders if f.runs is not None and an.parameter_columns(f.runs)]
    if not sampled:
        items.append(Item("prim", "Scenario discovery (PRIM)", skipped="no sampled parameters (param.* columns)"))
    for name, f in _numbered(sampled, "prim"):
        outcome = outcome_for(f, opts, notes)
        title = f"Scenario discovery for {an.outcome_label(outcome)} ({label[id(f)]})"
        items.append(sec.guard(Item(name, title), lambda it, f=f, o=outcome: sec.prim(it, f, o, opts.prim_threshold)))
    outcomes = sec.outcome_summary(runs, rules) if runs is not None else None
    comparisons, compare_items = _comparisons(folders, label)
    items += compare_items
    return Report(folders, runs, items, outcomes, comparisons, labels, notes)


def _sensitivity_items(folders: list[ResultFolder], label: dict, opts: Options) -> list[Item]:
    sens = [f for f in folders if f.sensitivity is not None and len(f.sensitivity)]
    if not sens:
        return [Item("sensitivity", "Parameter sensitivity", skipped="no sensitivity.parquet")]
    parts = [(f, where, sub) for f in sens for where, sub in sec.sensitivity_parts(f.sensitivity)]
    items = []
    for name, (f, where, sub) in _numbered(parts, "sensitivity"):
        title = f"Parameter sensitivity ({label[id(f)]}{', ' + where if where else ''})"
        items.append(sec.guard(Item(name, title), lambda it, s=sub: sec.sensitivity(it, s, opts.top)))
    return items


def _comparisons(folders: list[ResultFolder], label: dict) -> tuple[list[Comparison], list[Item]]:
    """Each later folder against the first: paired on common seeds where the runs match."""
    comparisons: list[Comparison] = []
    too_small: list[Item] = []
    first = folders[0]
    for other in folders[1:]:
        if first.runs is None or other.runs is None:
            continue
        a, b = label[id(first)], label[id(other)]
        if min(len(first.runs), len(other.runs)) < MIN_COMPARE:
            why = f"too few runs to compare (needs {MIN_COMPARE} in each folder)"
            too_small.append(Item(f"comparison-{other.name}", f"{b} compared with {a}", skipped=why))
            continue
        swept = tuple(k for k in first.swept if k in other.swept)
        diffs, pair = compare(first.runs, other.runs, swept)
        comparisons.append(Comparison(a, b, diffs, pair))
    items = []
    for name, c in _numbered(comparisons, "comparison"):
        item = Item(name, f"{c.b} compared with {c.a}", tables={"differences": c.diffs}, text=c.pairing.note)
        items.append(
            sec.guard(
                item, lambda it, c=c: setattr(it, "figure", plots.comparison(c.diffs, (c.a, c.b), c.pairing.note))
            )
        )
    return comparisons, items + too_small
