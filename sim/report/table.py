"""What `isf-sim` prints: the configurations that emerged and the headline chances, and the
week-by-week story of a traced run. Pure functions of the result tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.stats import median_time
from sim.stats import wilson_interval as wilson


def rule_range(own: float, rules: pd.DataFrame | None, share) -> tuple[float, float] | None:
    """(lowest, highest) of a probability across the admitted bargaining rules: ``own`` (the
    job's rule) and ``share(runs)`` of each other rule's runs in ``rules`` (``rules.parquet``,
    :mod:`sim.sweep.rules`); None without that table."""
    if rules is None or not len(rules) or "rule" not in rules:
        return None
    values = [own] + [float(share(sub)) for _, sub in rules.groupby("rule", sort=False)]
    return min(values), max(values)


def show_range(r: tuple[float, float] | None, digits: int = 2) -> str:
    """'rules 0.44–0.53' ('' for no range)."""
    return "" if r is None else f"rules {r[0]:.{digits}f}–{r[1]:.{digits}f}"


def configurations(runs: pd.DataFrame, top: int = 10, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Configuration, runs, probability and 95% interval; beyond `top`, one 'other' row; with
    the other rules' runs (``rules``), the range across the rules (``rule_low``, ``rule_high``)."""
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
    if rules is not None and len(rules):
        named = [cfg for cfg, _ in rows[:top]]
        ranges = []
        for cfg, p in zip(out["configuration"], out["p"]):
            test = (
                (lambda df, c=cfg: df["configuration"] == c)
                if cfg in named
                else (lambda df: ~df["configuration"].isin(named))
            )
            ranges.append(rule_range(p, rules, lambda df, t=test: t(df).mean()))
        out["rule_low"] = [r[0] for r in ranges]
        out["rule_high"] = [r[1] for r in ranges]
    return out


def headline(
    runs: pd.DataFrame, case_block: dict | None = None, rules: pd.DataFrame | None = None
) -> list[tuple[str, float, float, float, tuple[float, float] | None]]:
    """(label, p, low, high, rule range) for the chances people ask about first: the rows of the
    case's ``headline`` list (case block ``case_block``, the default case's if None), each an
    outcome of :mod:`sim.report.outcomes` (or a true/false column) under the row's label; a row
    with ``given: OUTCOME`` is the share among the runs where that outcome holds (P(deployed |
    resolution)); the rule range from the other rules' runs ``rules`` (None without them)."""
    from sim.report.outcomes import default_case, registry

    case_block = default_case() if case_block is None else case_block
    reg = registry(case_block)
    out = []
    for row in case_block.get("headline") or ():
        key = reg.resolve(str(row["outcome"]), runs.columns)
        given = reg.resolve(str(row["given"]), runs.columns) if row.get("given") else None

        def share(df: pd.DataFrame, key: str = key, given: str | None = given) -> pd.Series:
            s = reg.series(df, key).astype(bool)
            return s[reg.series(df, given).astype(bool)] if given else s

        s = share(runs)
        k, n = int(s.sum()), len(s)
        lo, hi = wilson(k, n)
        p = k / n if n else math.nan
        label = str(row.get("label", reg.label(key)))
        out.append((label, p, lo, hi, rule_range(p, rules, lambda df, f=share: f(df).mean())))
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


def printed_columns(case_block: dict | None, names: list[str]) -> list[str]:
    """The columns of a runs table (its ``names``) that :func:`print_job` reads: the configuration,
    the rule, the weeks of the medians and those of the case's headline outcomes (reading only
    these keeps a large job's printed table from holding the whole table in memory)."""
    from sim.report.outcomes import default_case, registry

    case_block = default_case() if case_block is None else case_block
    reg = registry(case_block)
    wanted = {"configuration", "rule", "week_deployed", "week_authorized"}
    for row in case_block.get("headline") or ():
        for name in (row.get("outcome"), row.get("given")):
            if name is not None:
                try:
                    wanted.update(reg.reads(reg.resolve(str(name), names)))
                except KeyError:  # print_job says so in its own words
                    return list(names)
    return [n for n in names if n in wanted]


def read_printed(out: Path) -> pd.DataFrame:
    """The runs of the job in folder ``out``, only the columns :func:`print_job` reads (a few
    bytes a run, whatever the number of runs)."""
    import pyarrow.parquet as pq

    names = printed_columns(job_case(out), pq.read_schema(Path(out) / "runs.parquet").names)
    return pd.read_parquet(Path(out) / "runs.parquet", columns=names)


def job_case(out: Path) -> dict | None:
    """The case block of the config.yaml a job wrote in ``out`` (None if none can be read)."""
    import yaml

    from sim.report.reading import safe_load

    try:
        raw = safe_load((Path(out) / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    block = raw.get("case") if isinstance(raw, dict) else None
    return block if isinstance(block, dict) else None


def print_job(
    results,
    settings,
    out: Path,
    wall: float,
    workers: int,
    case_block: dict | None = None,
    rules: pd.DataFrame | None = None,
    rule_note: str = "",
) -> None:
    """The table `isf-sim` prints after a job: configurations, headline, median weeks; in the
    words of the case block ``case_block`` (by default that of the job's config.yaml in ``out``).
    ``rules``: the other admitted rules' runs (``rules.parquet``), shown as each probability's
    range across the rules; ``rule_note``: what that cost, or why there is no range."""
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
    confs = configurations(runs, rules=rules)
    ranged = "rule_low" in confs
    if ranged:
        table.add_column("across rules", justify="right")
    for r in confs.itertuples():
        cells = [r.configuration, f"{r.runs:,}", f"{r.p:.3f}", f"{r.low:.3f}–{r.high:.3f}"]
        table.add_row(*cells, *([f"{r.rule_low:.3f}–{r.rule_high:.3f}"] if ranged else []))
    console.print(table)
    for label, p, lo, hi, across in headline(runs, case_block, rules):
        tail = f"  {show_range(across, 3)}" if across else ""
        console.print(f"  P({label}) = {p:.3f}  [95%: {lo:.3f}–{hi:.3f}]{tail}", soft_wrap=True)
    for what, column in (("deployment", "week_deployed"), ("the Council resolution", "week_authorized")):
        console.print(f"  median week of {what}: {median_weeks(runs, column)}", soft_wrap=True)
    console.print(f"  {n:,} runs in {wall:.2f} s on {workers} worker(s)")
    if rule_note:
        console.print(f"  {rule_note}", soft_wrap=True)
    where_next(out)


def print_sweep(sweep_dir: Path, labels: list[str]) -> None:
    """The table at the end of a sweep: per job, its swept values and, with 95% Wilson intervals
    and the range across the admitted rules (the sweep's ``rules.parquet``, if any), P(deployed),
    P(Council resolution) and the experiment's own outcome (``report: {outcome: ...}`` in its
    file, e.g. turkish_troops), in the case's words."""
    import pyarrow.parquet as pq
    import yaml

    from sim.report.outcomes import default_case, registry
    from sim.report.reading import safe_load

    try:
        raw = safe_load((Path(sweep_dir) / "0" / "config.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        raw = {}
    case_block = raw.get("case") if isinstance(raw.get("case"), dict) else default_case()
    reg = registry(case_block)
    wanted = ["deployed", "un_authorized"]
    named = (raw.get("report") or {}).get("outcome") if isinstance(raw.get("report"), dict) else None
    schema = pq.read_schema(Path(sweep_dir) / "runs.parquet")
    cols = [c for c in schema.names if not c.startswith("param.")]
    runs = pq.read_table(Path(sweep_dir) / "runs.parquet", columns=cols).to_pandas()
    if named:
        try:
            key = reg.resolve(str(named), runs.columns)
            wanted += [key] if key not in wanted else []
        except KeyError:
            print(f"  the experiment's outcome {named!r} is not an outcome of this case; not shown")
    rules_file = Path(sweep_dir) / "rules.parquet"
    rules = pq.read_table(rules_file, columns=cols).to_pandas() if rules_file.is_file() else None
    heads = [reg.label(k) if reg.label(k).startswith("P(") else f"P({reg.label(k)})" for k in wanted]
    width = max([len("swept values"), *map(len, labels)])
    cells: list[list[str]] = []
    for job, sub in runs.groupby("job", sort=True):
        mine = None if rules is None else rules[rules["job"] == job]
        row = []
        for key in wanted:
            flag = reg.series(sub, key)
            k, n = int(flag.sum()), len(flag)
            lo, hi = wilson(k, n)
            across = rule_range(k / n, mine, lambda df, key=key: reg.series(df, key).mean())
            row.append(f"{k / n:.2f} [{lo:.2f}–{hi:.2f}]" + (f" {show_range(across)}" if across else ""))
        cells.append(row)
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(heads)]
    print(
        (f"  {'job':>3}  {'swept values':<{width}}  " + "  ".join(h.ljust(w) for h, w in zip(heads, widths))).rstrip()
    )
    for i, (label, row) in enumerate(zip(labels, cells)):
        print(f"  {i:>3}  {label:<{width}}  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    print("  each: P [95% Wilson interval]" + (" and its range across the admitted rules" if rules is not None else ""))


def where_next(out: Path) -> None:
    """The results path, whole (a terminal may wrap it, but no line break is put in it, so it
    can be copied), and the command to run next on it."""
    import os
    import shlex
    import sys

    shown = os.path.relpath(out) if not os.path.relpath(out).startswith("..") else str(out)
    sys.stdout.flush()
    print(f"results: {shown}")
    print(f"next: isf-report {shlex.quote(shown)}", flush=True)
