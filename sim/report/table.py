"""What `isf-sim` prints: the configurations that emerged and the headline chances, and the
week-by-week story of a traced run. Pure functions of the result tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.stats import median_time
from sim.stats import wilson_interval as wilson


def configurations(runs: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Configuration, runs, probability and 95% interval; beyond `top`, one 'other' row."""
    n = len(runs)
    counts = runs["configuration"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    rows = [(str(cfg), int(k)) for cfg, k in counts.items()]
    if len(rows) > top:
        rows = rows[:top] + [(f"other ({len(rows) - top} configurations)", sum(k for _, k in rows[top:]))]
    out = pd.DataFrame(rows, columns=["configuration", "runs"])
    out["p"] = out["runs"] / n
    ci = [wilson(k, n) for k in out["runs"]]
    out["low"] = [c[0] for c in ci]
    out["high"] = [c[1] for c in ci]
    return out


def headline(runs: pd.DataFrame, case_block: dict | None = None) -> list[tuple[str, float, float, float]]:
    """(label, p, low, high) for the chances people ask about first: the rows of the case's
    ``headline`` list (case block ``case_block``, the default case's if None), each an outcome
    of :mod:`sim.report.outcomes` (or a true/false column) under the row's label."""
    from sim.report.outcomes import default_case, registry

    case_block = default_case() if case_block is None else case_block
    reg = registry(case_block)
    n = len(runs)
    items = []
    for row in case_block.get("headline") or ():
        key = reg.resolve(str(row["outcome"]), runs.columns)
        items.append((str(row.get("label", reg.label(key))), reg.series(runs, key)))
    out = []
    for label, s in items:
        k = int(s.sum())
        lo, hi = wilson(k, n)
        out.append((label, k / n if n else math.nan, lo, hi))
    return out


def median_week(runs: pd.DataFrame, column: str) -> str:
    """The Kaplan–Meier median week over all runs, a run where it never happened counted as later
    than every week (the report's median, on the same runs)."""
    week = median_time(runs[column])
    return "not reached in half the runs" if math.isnan(week) else f"week {week:.0f}"


def median_weeks(runs: pd.DataFrame, column: str) -> str:
    """Both things "the median week" can mean, side by side, since they differ a lot when the
    event happens in about half the runs or fewer: the median among the runs where it happened
    ("when it happens, it happens around week 15") and the Kaplan–Meier median over all runs
    ("by which week half of all runs have it", often never)."""
    weeks = runs[column].dropna()
    n = len(runs)
    if len(weeks) == 0:
        among = "never happened"
    else:
        among = f"week {weeks.median():.0f} among the {len(weeks) / n:.0%} of runs where it happened"
    return f"{among}; over all runs (Kaplan–Meier): {median_week(runs, column)}"


def story(events: pd.DataFrame, timeline: pd.DataFrame | None = None, case_block: dict | None = None) -> str:
    """A readable week-by-week account of the traced runs (one section per seed when several), in
    the words of the case block ``case_block`` (the default case's if None)."""
    from sim.report.outcomes import default_case

    case_block = default_case() if case_block is None else case_block
    if "seed" in events.columns and events["seed"].nunique() > 1:
        parts = []
        for seed, ev in events.groupby("seed", sort=True):
            tl = timeline[timeline["seed"] == seed] if timeline is not None and "seed" in timeline else timeline
            parts.append(f"Run with seed {seed}\n" + _story_of_one(ev, tl, case_block))
        return "\n\n".join(parts)
    return _story_of_one(events, timeline, case_block)


def control_column(columns, case_block: dict) -> str | None:
    """The timeline's first territory column: the case's first ``control_of`` column, else the
    first ``control.<ID>``; None if the timeline has neither."""
    named = [c for c, spec in (case_block.get("outcomes") or {}).items() if "control_of" in (spec or {})]
    generic = [str(c) for c in columns if str(c).startswith("control.")]
    return next((c for c in [*named, *generic] if c in columns), None)


def _territory(r: pd.Series, column: str | None, case_block: dict) -> str:
    """The week's line on the territory holder (the case's ``words.territory``), or nothing."""
    if column is None:
        return ""
    template = (case_block.get("words") or {}).get("territory") or "{holder} holds {control:.0%}"
    return "; " + template.format(control=r[column], holder=column.removeprefix("control."))


def _story_of_one(events: pd.DataFrame, timeline: pd.DataFrame | None, case_block: dict) -> str:
    lines = []
    deaths = events[events["kind"] == "deaths"].set_index("week")["value"] if len(events) else pd.Series(dtype=float)
    tl = timeline.set_index("week") if timeline is not None else None
    control = control_column(timeline.columns, case_block) if timeline is not None else None
    for week, ev in events[events["kind"] != "deaths"].groupby("week", sort=True):
        head = f"Week {week}"
        if week in deaths.index:
            head += f" — {int(deaths[week])} killed"
        if tl is not None and week in tl.index:
            r = tl.loc[week]
            head += f" (strikes {r['strikes']:.0%} of week 0)" if "strikes" in r else ""
            head += (
                f"; troops committed {int(r['troops_committed']):,}, deployed {int(r['troops_deployed']):,}"
            ) + _territory(r, control, case_block)
        lines.append(head)
        for text in ev["text"]:
            lines.append(f"  - {text}")
    return "\n".join(lines)


def job_case(out: Path) -> dict | None:
    """The case block of the config.yaml a job wrote in ``out`` (None if none can be read)."""
    import yaml

    try:
        raw = yaml.safe_load((Path(out) / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    block = raw.get("case") if isinstance(raw, dict) else None
    return block if isinstance(block, dict) else None


def print_job(results, settings, out: Path, wall: float, workers: int, case_block: dict | None = None) -> None:
    """The table `isf-sim` prints after a job: configurations, headline, median weeks; in the
    words of the case block ``case_block`` (by default that of the job's config.yaml in ``out``)."""
    from rich.console import Console
    from rich.table import Table

    from sim.report.outcomes import default_case

    case_block = case_block or job_case(out) or default_case()
    console = Console(highlight=False)
    runs = results.runs
    if settings.trace:
        console.print(story(results.events, results.timeline, case_block), markup=False, soft_wrap=True)
        console.print()
    n = len(runs)
    table = Table(
        title=f"{settings.scenario}: configurations that emerged in {n:,} runs "
        f"({settings.horizon_weeks} weeks, uncertainty={settings.uncertainty})"
    )
    table.add_column("configuration (contributors | mandate | legal basis)")
    table.add_column("runs", justify="right")
    table.add_column("P", justify="right")
    table.add_column("95% interval", justify="right")
    for r in configurations(runs).itertuples():
        table.add_row(r.configuration, f"{r.runs:,}", f"{r.p:.3f}", f"{r.low:.3f}–{r.high:.3f}")
    console.print(table)
    for label, p, lo, hi in headline(runs, case_block):
        console.print(f"  P({label}) = {p:.3f}  [95%: {lo:.3f}–{hi:.3f}]")
    for what, column in (("deployment", "week_deployed"), ("the Council resolution", "week_authorized")):
        console.print(f"  median week of {what}: {median_weeks(runs, column)}", soft_wrap=True)
    console.print(f"  {n:,} runs in {wall:.2f} s on {workers} worker(s)")
    console.print(f"results: {out}")
