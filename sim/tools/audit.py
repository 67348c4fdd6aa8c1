"""`python -m sim.audit`: does every parameter and every scenario lever move an outcome?

For every ranged parameter of the baseline (a ``meta`` range with low < high) the baseline is
run twice on the same seeds with ``uncertainty=sample``: once with the parameter held at the low
end of its range, once at the high end. The parameter is held fixed in both arms, so both arms
draw every other ranged parameter alike (common random numbers: run ``i`` draws from a stream
seeded by its seed). Each scenario is run against the baseline the same way, its levers held
fixed in both arms. The paired differences (high − low, scenario − baseline) of the main
outcomes get paired 95 % intervals from :mod:`sim.stats` (Newcombe's method 10 for proportions,
the t interval of run-by-run differences for means).

A parameter *moves* an outcome when that interval excludes 0. One that moves none passes only
if its ``meta`` entry says why (``inert: why``); a scenario that moves none passes only if its
file says why (``scenario.inert: why``). The table is
printed and written as Markdown (``--out``, default docs/audit.md); the exit status is 1 when
anything fails. Parameters, levers and outcome columns are discovered from the composed config
and the runs table, never named here. ``case=NAME|PATH`` (or ``--case``) audits another case
(default: the default case; its table is then not written to docs/audit.md unless ``--out``).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import build, compose, lever_keys, parameter_meta, scenarios
from sim.config.compose import case_dir
from sim.model.params import ConfigError, ModelParams
from sim.model.paths import with_values
from sim.model.run import Job, simulate
from sim.stats import paired_difference_of_means, paired_difference_of_proportions
from sim.tools.audit_outcomes import outcome_values, outcomes  # noqa: F401 (outcomes: the audit's API)
from sim.tools.audit_verdict import Effect, Row, _interval, channel_lines

# runs per arm: model v2's 182 ranged parameters and 6 scenarios make 376 arms, 112,800 runs at 300 a
# arm: 3 min 43 s on this 2-core machine when idle, 10 min 20 s when other jobs took half of it
RUNS = 600
SEED = 0
OUT = Path("docs/audit.md")
CHUNK = 100  # runs per task sent to a worker (tasks do not depend on the number of workers)


# --------------------------------------------------------------------------- the verdict


def standardized(x1: np.ndarray, x2: np.ndarray) -> float:
    """(mean(x2) − mean(x1)) / pooled SD of the two arms: a size comparable across outcomes."""
    diff = float(np.mean(x2) - np.mean(x1))
    sd = math.sqrt((float(np.var(x1)) + float(np.var(x2))) / 2)
    if sd > 0:
        return diff / sd
    return 0.0 if diff == 0 else math.copysign(math.inf, diff)


def effects(low: dict[str, np.ndarray], high: dict[str, np.ndarray]) -> tuple[Effect, ...]:
    """Paired effects (high − low) of every outcome both arms have; arms are run on the same seeds."""
    out = []
    for label in (k for k in low if k in high):
        x1, x2 = low[label], high[label]
        kind = "p" if x1.dtype == bool else "mean"  # a yes/no outcome is a proportion
        pair = paired_difference_of_proportions if kind == "p" else paired_difference_of_means
        same = bool(np.array_equal(x1, x2, equal_nan=kind == "mean"))
        out.append(Effect(label, kind, pair(x1, x2), standardized(x1, x2), same))
    return tuple(out)


def assess(
    label: str,
    low: pd.DataFrame | dict[str, np.ndarray],
    high: pd.DataFrame | dict[str, np.ndarray],
    meta: dict | None = None,
    ends: tuple[str, str] = ("low", "high"),
    lever: bool = False,
    case: dict | None = None,
) -> Row:
    """Two arms' outcomes (runs tables, or {outcome label: values}) -> the audit's row and verdict.

    ``meta``: the parameter's meta entry (for a scenario lever, ``lever=True``, its file's
    ``scenario.inert``); an ``inert:`` reason there excuses no effect."""
    lo = outcome_values(low, case) if isinstance(low, pd.DataFrame) else low
    hi = outcome_values(high, case) if isinstance(high, pd.DataFrame) else high
    inert = (meta or {}).get("inert")
    return Row(label, ends[0], ends[1], effects(lo, hi), str(inert) if inert else None, lever)


# --------------------------------------------------------------------------- the arms


@dataclass(frozen=True)
class Arm:
    params: ModelParams
    meta: dict[str, dict]
    fixed: frozenset[str]
    case: dict | None = None  # the case block (its outcomes are the audit's; None: the default case)


@dataclass(frozen=True)
class Comparison:
    label: str
    a: Arm
    b: Arm
    ends: tuple[str, str]
    meta: dict | None
    lever: bool


def _end(meta: dict, i: int) -> float | int:
    v = meta["range"][i]
    value = meta["value"]
    return int(round(v)) if isinstance(value, int) and not isinstance(value, bool) else v


def comparisons(only: str | None = None, case: str | None = None) -> list[Comparison]:
    """Every ranged parameter of the baseline (low vs high) and every scenario (vs the baseline),
    of the case (``case=NAME|PATH``; None: the default case)."""
    conf_dir = case_dir(case)
    raw = compose([], conf_dir)
    params, _ = build(raw)
    meta = parameter_meta(raw)
    base_fixed = lever_keys(raw)
    case = raw.get("case") if isinstance(raw.get("case"), dict) else None  # its outcomes are the audit's
    out = []
    for path in sorted(meta):
        m = meta[path]
        if not m["range"][0] < m["range"][1] or (only and only not in path):
            continue
        lo, hi = _end(m, 0), _end(m, 1)
        fixed = base_fixed | {path}
        a = Arm(with_values(params, {path: lo}), meta, fixed, case)
        b = Arm(with_values(params, {path: hi}), meta, fixed, case)
        out.append(Comparison(path, a, b, (f"{lo:g}", f"{hi:g}"), m, False))
    base_name = (raw.get("scenario") or {}).get("name", "baseline")
    for name in scenarios(conf_dir):
        label = f"scenario={name}"
        if name == base_name or (only and only not in label):
            continue
        sraw = compose([label], conf_dir)
        fixed = base_fixed | lever_keys(sraw)
        smeta = parameter_meta(sraw)
        if set(smeta) != set(meta):  # the draws would not line up: say so rather than compare noise
            print(f"warning: {label} has other ranged parameters than the baseline; draws differ", file=sys.stderr)
        a = Arm(params, meta, fixed, case)
        b = Arm(build(sraw)[0], smeta, fixed, case)
        scen = sraw.get("scenario") or {}  # a scenario may say why it moves nothing (scenario.inert)
        out.append(
            Comparison(label, a, b, (base_name, name), {"inert": scen["inert"]} if scen.get("inert") else None, True)
        )
        out += channel_checks(label, a, b, (base_name, name), scen.get("channels") or [])
    return out


def channel_checks(label: str, a: Arm, b: Arm, ends: tuple[str, str], channels: list[dict]) -> list[Comparison]:
    """The scenario against the baseline with one of its channels switched off in both arms
    (``scenario.channels``: the parameters ``hold`` holds at a value): how much of its effect on the
    channel's outcome goes through that channel."""
    out = []
    for ch in channels:
        off = {str(k): v for k, v in ch["hold"].items()}
        keys = frozenset(off)
        meta = {"inert": f"its effect runs through {ch['name']}: {ch['why']}", "channel": ch, "of": label}
        out.append(Comparison(
            f"{label} without {ch['name']}",
            Arm(with_values(a.params, off), a.meta, a.fixed | keys, a.case),
            Arm(with_values(b.params, off), b.meta, b.fixed | keys, b.case),
            ends, meta, True,
        ))  # fmt: skip
    return out


def _run(arm: Arm, seed: int, runs: int) -> dict[str, np.ndarray]:
    job = Job(arm.params, seed=seed, runs=runs, uncertainty="sample", meta=arm.meta, fixed=arm.fixed)
    return outcome_values(simulate(job, workers=1).runs, arm.case)


def run_all(comps: list[Comparison], runs: int, seed: int, workers: int, progress: bool = False) -> list[Row]:
    """Run both arms of every comparison on seeds seed .. seed+runs-1 (in chunks of CHUNK runs
    spread over ``workers`` processes; the results do not depend on how many) -> rows."""
    from tqdm import tqdm

    from sim.model.run import executor

    arms = [arm for c in comps for arm in (c.a, c.b)]
    tasks = [(i, s, min(CHUNK, seed + runs - s)) for i in range(len(arms)) for s in range(seed, seed + runs, CHUNK)]
    if workers > 1:  # the model's own pool (one loky pool per process: joblib's would clash with it)
        pool = executor(workers)
        results: Iterator = (f.result() for f in [pool.submit(_run, arms[i], s, n) for i, s, n in tasks])
    else:
        results = (_run(arms[i], s, n) for i, s, n in tasks)
    parts: list[list[dict[str, np.ndarray]]] = [[] for _ in arms]
    with tqdm(total=len(arms) * runs, unit="run", disable=not progress, file=sys.stderr) as bar:
        for (i, _, n), part in zip(tasks, results):
            parts[i].append(part)
            bar.update(n)
    values = [{k: np.concatenate([p[k] for p in ps]) for k in ps[0]} for ps in parts]
    return [assess(c.label, values[2 * j], values[2 * j + 1], c.meta, c.ends, c.lever) for j, c in enumerate(comps)]


# --------------------------------------------------------------------------- the table


def cells(row: Row) -> list[str]:
    top = row.top
    if top is None or (top.d == 0 and not row.moved):  # no outcome differs on average: no "largest" one
        return [row.label, f"{row.low} → {row.high}", "0", "—", "", row.verdict]
    d = f"{top.d:+.2f}" if math.isfinite(top.d) else ("+∞" if top.d > 0 else "−∞")
    return [row.label, f"{row.low} → {row.high}", d, top.outcome, _interval(top), row.verdict]


HEAD = ["parameter or lever", "low → high", "largest std. effect", "outcome", "difference [95% CI]", "verdict"]


def failure_line(row: Row) -> str:
    if row.lever:
        return f"{row.label}: no detectable effect; fix the scenario's levers or the mechanism they feed"
    return f"{row.label}: no detectable effect; add `inert: why` to its meta or fix the mechanism"


def text_table(rows: list[Row]) -> str:
    table = [HEAD] + [cells(r) for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEAD) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in table)


def command(runs: int, seed: int, only: str | None, case: str | None = None) -> str:
    """The command that writes this table (only the options that change it)."""
    opts = [f"case={case}"] * bool(case) + [f"--runs {runs}"] * (runs != RUNS) + [f"--seed {seed}"] * (seed != SEED)
    opts += [f"--only '{only}'"] * bool(only)
    return " ".join(["python -m sim.audit", *opts])


def markdown(
    rows: list[Row],
    runs: int,
    seed: int,
    only: str | None,
    case: str | None = None,
    comps: list[Comparison] | None = None,
) -> str:
    """The audit as Markdown: no date, no timing, no worker count, so the same command writes the
    same file."""
    params = [r for r in rows if not r.lever]
    failing = [r for r in rows if r.fails]
    compared = ", ".join(dict.fromkeys(e.outcome for r in rows for e in r.effects))

    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    lines = [
        "# Lever audit: does every parameter and every scenario move an outcome?",
        "",
        f"Generated by `{command(runs, seed, only, case)}` (`make audit` runs it with its defaults);"
        " do not edit by hand.",
        "",
        f"- **Parameters**: each of the baseline's {len(params)} ranged parameters (a `meta` range with low < high)"
        + (f" whose path contains `{only}`" if only else "")
        + " is run at the low end and at the high end of its range (an integer parameter at the rounded"
        " ends). **Levers**: each scenario is run against the baseline, its levers held in both arms.",
        f"- **Runs**: {runs} runs per arm on seeds {seed}–{seed + runs - 1}, `uncertainty=sample`: every other ranged"
        " parameter is drawn from its range, the same draws in both arms (common random numbers; the audited"
        " parameter or the scenario's levers are held fixed in both).",
        f"- **Outcomes** (high − low, or scenario − baseline): {compared}.",
        "- **Intervals**: paired 95 % intervals from `sim/stats.py` — Newcombe's method 10 for proportions (pp:"
        " percentage points), the t interval of the run-by-run differences for means. A row *moves* an outcome"
        " when that interval excludes 0; the verdict lists the outcomes moved, largest effect first.",
        "- **Largest std. effect**: the difference divided by the pooled standard deviation of the outcome in"
        " the two arms (Cohen's d), the largest over the outcomes; the row's difference is that outcome's.",
        "- **Reading it**: *moves* means detectably different at these runs, not large. A parameter the model"
        " reads without effect on an outcome still has a one-in-twenty chance of an interval excluding 0 there,"
        " so with several outcomes a row can pass by chance; a parameter the model never reads gives identical"
        " arms (*every run identical*), hence no effect.",
        "",
        f"{len(rows)} rows: {sum(bool(r.moved) for r in rows)} move an outcome, "
        f"{sum(not r.moved and not r.fails for r in rows)} marked inert, {len(failing)} with no detectable effect.",
        "",
        "| " + " | ".join(HEAD) + " |",
        "|" + "|".join(" --- " for _ in HEAD) + "|",
    ]
    lines += ["| " + " | ".join(esc(c) for c in cells(r)) + " |" for r in rows]
    lines += channel_lines(rows, comps or [])
    if failing:
        lines += ["", "## No detectable effect", ""]
        lines += [f"- {failure_line(r)}" for r in failing]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the command


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m sim.audit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", help="the case: a shipped case's name or a case folder (case=NAME|PATH too)")
    ap.add_argument("--runs", type=int, default=RUNS, help=f"runs per arm (default {RUNS})")
    ap.add_argument("--seed", type=int, default=SEED, help=f"first seed (default {SEED})")
    ap.add_argument("--only", help="audit only the parameters (and scenario=NAME levers) whose path contains this")
    ap.add_argument(
        "--out", type=Path, help=f"Markdown table (default {OUT}; with --only, written only if --out is given)"
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ap.add_argument(
        "--workers", type=int, default=cores, help=f"worker processes (default {cores}: the cores available)"
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    args = ap.parse_args([f"--case={a.split('=', 1)[1]}" if a.startswith("case=") else a for a in argv])
    if args.runs < 2 or args.workers < 1:
        ap.error("--runs must be at least 2 and --workers at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        comps = comparisons(args.only, args.case)
    except ConfigError as exc:
        print(f"python -m sim.audit: error: {exc}", file=sys.stderr)
        return 2
    if not comps:
        print(f"nothing to audit: no ranged parameter or scenario matches '{args.only}'", file=sys.stderr)
        return 2
    rows = run_all(comps, args.runs, args.seed, args.workers, progress=sys.stderr.isatty())
    print(text_table(rows))
    out = args.out if args.out is not None else (None if args.only or args.case else OUT)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown(rows, args.runs, args.seed, args.only, args.case, comps), encoding="utf-8")
        print(f"\nwritten: {out}")
    failing = [r for r in rows if r.fails]
    if failing:
        print()
        print("\n".join(failure_line(r) for r in failing))
    return 1 if failing else 0
