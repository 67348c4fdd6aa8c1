"""`python -m sim.tools.numbers` (or `make numbers`): the numbers the docs quote, measured.

The README and docs/ quote what the model does (an ISF deploys in 48% of baseline runs) and how
fast it runs (398 runs/s). Typed by hand, such numbers drift from the model; here they are
measured, written to one data file, docs/numbers.json (name -> value, 95% interval, unit, what
it is, the command and seed that made it, the date it last changed), and every quote in the docs
carries a marker naming its entry (:mod:`sim.tools.quotes`), so a test can hold the two
together.

- **Behaviour**: a few settings of the default case (the baseline, the baseline under every
  admitted bargaining rule, with point values, and ``us_presses_israel``), each ``--runs``
  sampled runs (default 2,000) on seeds ``--seed`` ... (default 0), through ``sim.simulate``:
  shares with Wilson intervals, median weeks (among the runs where it happened, and the
  Kaplan–Meier median over all runs, with intervals), the range across the rules, and paired
  differences on common seeds (Newcombe's method 10). The same runs and seed give the same
  bytes, whatever ``--workers``. The traced runs the docs tell the story of (their weeks) come
  from :mod:`sim.tools.numbers_trace`.
- **Speed**: copied from the file ``python -m sim.bench`` writes (``--bench``, default
  results/bench.json) when it exists; otherwise the speed entries already in numbers.json are
  kept. Benchmarks are never run here: they take minutes and need a quiet machine.

Then every marked quote in README.md, docs/ and experiments/ that no longer matches is rewritten
in its own format (``--no-docs`` leaves the docs alone), one line per change, so the prose
around it can be reviewed. ``--check`` runs nothing: it lists the quotes that differ from
numbers.json and exits 1 if there are any (what tests/test_numbers.py asserts); ``--rewrite``
runs nothing either and rewrites those quotes from numbers.json (after adding markers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from sim.tools import quotes
from sim.tools.numbers_speed import BENCH, speed_entries
from sim.tools.numbers_trace import trace_entries

RUNS, SEED = 2000, 0
COMMAND = "python -m sim.tools.numbers"

#: name -> (scenario, overrides, uncertainty); one simulate() each. The rules are added at run
#: time from bargaining.admitted (the rules that count in the structural range).
SETTINGS: dict[str, tuple[str, dict, str]] = {
    "baseline": ("baseline", {}, "sample"),
    "fixed": ("baseline", {}, "fixed"),
    "us_presses_israel": ("us_presses_israel", {}, "sample"),
}
#: the outcomes (isf-report's names, docs/report.md) whose share is measured in every setting
SHARES = (
    *("deployed", "deployed_at_horizon", "un_authorized", "ceasefire_collapsed", "turkish_troops"),
    *("deployed_without_turkey", "funding_released", "enforcement_mandate", "border_mandate"),
    *("turkish_liaison", "veto_yielded", "gulf_money", "saudi_money", "qatari_money"),
    *("caveated_pledge", "decided_to_disarm"),  # model v3
)
#: shares among the runs where another outcome happened: name -> (outcome, given)
GIVEN = {"deployed_given_resolution": ("deployed", "un_authorized")}
#: the columns whose mean is measured in every setting (t interval)
MEANS = {
    "deaths": ("deaths over the horizon", "people"),
    "troops": ("troops deployed", "troops"),
    "disarmament": ("Hamas's disarmament", "share"),
}
#: outcomes quoted with their range across the bargaining rules
RULE_RANGES = ("deployed", "un_authorized", "ceasefire_collapsed", "turkish_troops", "deployed_at_horizon",
               "funding_released", "decided_to_disarm", "caveated_pledge")  # fmt: skip
#: isf-report's comparison with the baseline (run by run on the same seeds): the outcomes quoted
DIFFERENCES = {"us_presses_israel": ("turkish_troops", "deployed_without_turkey")}


def _sig(x: float | None) -> float | None:
    """Six significant digits: enough for any quote, and the same bytes on every machine."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(f"{x:.6g}")


def entry(value, low=None, high=None, *, unit: str, what: str, runs: int, seed: int) -> dict:
    out = {"value": _sig(value), "unit": unit, "what": what}
    if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
        out |= {"low": _sig(low), "high": _sig(high)}
    return out | {"command": f"{COMMAND} --runs {runs} --seed {seed}", "runs": runs, "seed": seed}


# --------------------------------------------------------------------------- statistics


def share(runs, key: str) -> tuple[float, float, float]:
    """The share of runs where the outcome ``key`` holds, with its Wilson interval."""
    from sim.report.outcomes import outcome_series
    from sim.stats import wilson_interval

    s = outcome_series(runs, key).astype(bool)
    k, n = int(s.sum()), len(s)
    return (k / n, *wilson_interval(k, n))


def median_among(weeks) -> tuple[float, float, float]:
    """The median week among the runs where the event happened, with the distribution-free
    interval of order statistics (binomial, >= 95%): the "median week" read as "when it happens"."""
    from scipy.stats import binom

    w = np.sort(np.asarray(weeks, dtype=float)[~np.isnan(np.asarray(weeks, dtype=float))])
    n = len(w)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    j = max(int(binom.ppf(0.025, n, 0.5)) - 1, 0)
    k = min(n - j - 1, n - 1)
    return (float(np.median(w)), float(w[j]), float(w[k]))


def median_km(weeks) -> tuple[float, float, float]:
    """The Kaplan–Meier median over all runs (a run without the event is later than every week;
    NaN when fewer than half have it), with the interval where the curve's 95% band crosses 0.5."""
    from sim.stats import kaplan_meier, km_median

    t = np.asarray(weeks, dtype=float)
    happened = ~np.isnan(t)
    curve = kaplan_meier(np.where(happened, t, math.inf), happened)

    def first(col):
        below = curve[curve[col] <= 0.5]
        return float(below["time"].iloc[0]) if len(below) else math.nan

    return (km_median(curve), first("lo"), first("hi"))


# --------------------------------------------------------------------------- measuring


def settings() -> tuple[dict[str, tuple[str, dict, str]], dict[str, str]]:
    """SETTINGS with one entry per admitted bargaining rule other than the configured one (the
    baseline runs that one), and rule -> the setting that runs the baseline under it."""
    from sim.config import load
    from sim.model.mechanisms.bargaining import admitted

    params, _, _ = load([])
    out, rules = dict(SETTINGS), {}
    for rule in admitted(params):
        rules[rule] = "baseline" if rule == params.mechanisms.pressure.rule else rule
        if rules[rule] != "baseline":
            out[rule] = ("baseline", {"mechanisms.pressure.rule": rule}, "sample")
    return out, rules


def drivers_entries(base, kw: dict) -> dict[str, dict]:
    """What decides deployment in the baseline (sim.tools.drivers): R² of ``deployed`` on the
    standardised sampled parameters, all and the Council's own; and the share of runs in which the
    sponsor tables a draft by week 6."""
    from sim.config.compose import load
    from sim.stats import wilson_interval
    from sim.tools.drivers import council_only, drivers

    d = drivers(base, "deployed", council_only(load()[0]))
    out = {
        "baseline.drivers.r2_all": entry(d["r2_all"], unit="R²", what="R² of deployed on the sampled parameters", **kw),
        "baseline.drivers.r2_council": entry(
            d["r2_council"], unit="R²", what="R² of deployed on the Council's own parameters alone", **kw
        ),
        "baseline.drivers.council_share": entry(
            d["council_share"], unit="share", what="the Council's own parameters' share of that R²", **kw
        ),
    }
    k, n = int(base["week_tabled"].le(6).sum()), len(base)
    what = "P(the sponsor puts a draft to the vote by week 6)"
    out["baseline.tabled_by_week_6"] = entry(k / n, *wilson_interval(k, n), unit="share", what=what, **kw)
    return out


def run_all(runs: int, seed: int, workers: int | str | None, log=print) -> tuple[dict, dict[str, str]]:
    """(setting name -> its runs table, rule -> setting); one line of progress per setting on ``log``."""
    from sim.api import simulate

    tables = {}
    todo, rules = settings()
    for i, (name, (scenario, overrides, uncertainty)) in enumerate(todo.items(), 1):
        t = time.perf_counter()
        tables[name] = simulate(scenario, runs, seed, overrides, uncertainty=uncertainty, workers=workers)
        log(f"numbers: [{i}/{len(todo)}] {name}: {runs:,} runs in {time.perf_counter() - t:.1f} s")
    return tables, rules


def behaviour(tables: dict, rules: dict[str, str], runs: int, seed: int) -> dict[str, dict]:
    """Every behaviour entry, from the runs tables and rules of :func:`run_all`."""
    from sim.stats import mean_interval, wilson_interval

    kw = {"runs": runs, "seed": seed}
    out: dict[str, dict] = {}
    for name, runs_df in tables.items():
        for key in SHARES:
            p, lo, hi = share(runs_df, key)
            out[f"{name}.{key}"] = entry(p, lo, hi, unit="share", what=f"P({key}), {name}", **kw)
        for key, (outcome, given) in GIVEN.items():
            p, lo, hi = share(runs_df[runs_df[given].astype(bool)], outcome)
            out[f"{name}.{key}"] = entry(p, lo, hi, unit="share", what=f"P({outcome} | {given}), {name}", **kw)
        for col, (what, unit) in MEANS.items():
            x = runs_df[col].astype(float)
            out[f"{name}.mean_{col}"] = entry(x.mean(), *mean_interval(x), unit=unit, what=f"mean {what}, {name}", **kw)
    base = tables["baseline"]
    for key in RULE_RANGES:
        by_rule = {rule: share(tables[setting], key) for rule, setting in rules.items()}
        for end, pick in (("rule_min", min), ("rule_max", max)):
            rule = pick(by_rule, key=lambda r: by_rule[r][0])
            what = f"P({key}), baseline: the {end[5:]} across the rules {', '.join(rules)} (here {rule})"
            out[f"baseline.{key}.{end}"] = entry(*by_rule[rule], unit="share", what=what, **kw)
    for name in ("baseline", "fixed"):
        weeks = tables[name]["week_deployed"]
        out[f"{name}.median_week_deployed.deploying"] = entry(
            *median_among(weeks), unit="week", what=f"median week of deployment among deploying runs, {name}", **kw
        )
        out[f"{name}.median_week_deployed.km"] = entry(
            *median_km(weeks), unit="week", what=f"Kaplan–Meier median week of deployment over all runs, {name}", **kw
        )
    deployed = base[base["deployed"].astype(bool)]
    top = deployed["configuration"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    if len(top):
        k = int((base["configuration"] == top.index[0]).sum())
        p, lo, hi = k / len(base), *wilson_interval(k, len(base))
        what = f"share of baseline runs ending in its most common force ({top.index[0]})"
        out["baseline.top_force"] = entry(p, lo, hi, unit="share", what=what, **kw)
    p, lo, hi = share(base, "deployed")
    out["baseline.not_deployed"] = entry(1 - p, 1 - hi, 1 - lo, unit="share", what="P(no force), baseline", **kw)
    out |= drivers_entries(base, kw)
    for name, keys in DIFFERENCES.items():
        out |= differences(base, tables[name], name, keys, kw)
    return out


def differences(base, other, name: str, keys, kw: dict) -> dict[str, dict]:
    """isf-report's comparison of ``other`` with the baseline (sim.report.compare: paired on
    common seeds, Benjamini–Hochberg): how many differences hold, and those of ``keys``."""
    from sim.report.compare import compare

    table, pair = compare(base, other)
    diff = f"{name}-baseline"
    out = {
        f"{diff}.compared": entry(len(table), unit="count", what=f"differences compared, {pair.note}", **kw),
        f"{diff}.hold": entry(int(table["matters"].sum()), unit="count", what="of which hold at FDR 5%", **kw),
    }
    for _, row in table[table["outcome"].isin(keys)].iterrows():
        what = f"{row['label']}, {name} − baseline ({pair.note})"
        out[f"{diff}.{row['outcome']}"] = entry(row["diff"], row["lo"], row["hi"], unit="share", what=what, **kw)
        out[f"{diff}.{row['outcome']}.half"] = entry(row["half"], unit="share", what="half its 95% interval", **kw)
    return out


# --------------------------------------------------------------------------- the file


#: entries copied from the bench file: kept when there is none (every other entry is measured anew)
KEPT = ("speed.", "memory.")


def merge(old: dict[str, dict], new: dict[str, dict], today: str) -> dict[str, dict]:
    """``new``, plus the bench's entries of ``old`` that ``new`` lacks; an old behaviour entry
    that is no longer measured (a traced event the model no longer makes) is dropped, so a quote
    of it fails. An entry keeps its date while its numbers stay the same, so the same runs and
    seed give the same bytes."""
    out = {name: e for name, e in old.items() if name.startswith(KEPT)}
    for name, e in new.items():
        before = old.get(name, {})
        same = {k: v for k, v in before.items() if k != "date"} == e
        out[name] = e | {"date": before["date"] if same and "date" in before else today}
    return dict(sorted(out.items()))


def write(path: Path, numbers: dict[str, dict]) -> None:
    body = {
        "about": f"Generated by `{COMMAND}` (make numbers); do not edit by hand. The docs quote these "
        "numbers by their names (<!-- n:NAME -->, docs/architecture.md); tests/test_numbers.py checks them.",
        "numbers": numbers,
    }
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as every tool of the project
        print(f"python -m sim.tools.numbers: error: {message}", file=sys.stderr)
        sys.exit(2)


def parse(argv: list[str]) -> argparse.Namespace:
    ap = _Parser(
        prog="python -m sim.tools.numbers",
        description="Measure the numbers the README and docs quote into docs/numbers.json (the model's "
        "behaviour from sampled runs, speeds from python -m sim.bench's file) and rewrite the quotes that changed.",
    )
    ap.add_argument("--runs", type=int, default=RUNS, help=f"runs per setting (default {RUNS:,})")
    ap.add_argument("--seed", type=int, default=SEED, help=f"first seed (default {SEED})")
    ap.add_argument("--workers", default="auto", help="worker processes, or auto (results do not depend on it)")
    ap.add_argument("--out", type=Path, default=quotes.NUMBERS, help="the data file (default docs/numbers.json)")
    ap.add_argument("--bench", type=Path, default=BENCH, help="python -m sim.bench's file (default results/bench.json)")
    ap.add_argument("--no-docs", action="store_true", help="write the data file only, leave the docs' quotes alone")
    ap.add_argument("--check", action="store_true", help="run nothing: list quotes that differ from the data file")
    ap.add_argument("--rewrite", action="store_true", help="run nothing: rewrite the quotes from the data file")
    args = ap.parse_args(argv)
    if args.check and args.rewrite:
        ap.error("--check and --rewrite: allowed: one of them")
    if args.runs < 30:
        ap.error(f"--runs {args.runs}: allowed: 30 or more (an interval needs runs)")
    if args.seed < 0:
        ap.error(f"--seed {args.seed}: allowed: 0 or more")
    if args.workers != "auto" and not (args.workers.isdigit() and int(args.workers) >= 1):
        ap.error(f"--workers {args.workers}: allowed: a whole number of at least 1, or auto")
    args.workers = args.workers if args.workers == "auto" else int(args.workers)
    if (args.out.exists() and not args.out.is_file()) or not args.out.parent.is_dir():
        ap.error(f"--out {args.out}: is not a file in an existing folder; allowed: a JSON file to write")
    if args.bench.exists() and not args.bench.is_file():
        ap.error(f"--bench {args.bench}: is not a file; allowed: the JSON file python -m sim.bench writes")
    return args


def check(path: Path) -> list[str]:
    """The drift between the docs' quotes and the data file at ``path``, one line each."""
    return quotes.drift(quotes.all_quotes(), quotes.load_numbers(path))


def rewrite_docs(numbers: dict[str, dict]) -> None:
    """Rewrite every drifted quote of the docs (checked in full before any file changes)."""
    quotes.all_quotes()  # a broken marker anywhere: one line, nothing rewritten
    for path in quotes.doc_files():
        for line in quotes.rewrite(path, numbers):
            print(line)


def main(argv: list[str] | None = None) -> int:
    args = parse(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.check:
            problems = check(args.out)
            for line in problems:
                print(line)
            print(f"{len(problems)} quote(s) differ from {args.out}" if problems else "every quote matches")
            return 1 if problems else 0
        if args.rewrite:
            rewrite_docs(quotes.load_numbers(args.out))
            return 0
        old = quotes.load_numbers(args.out) if args.out.is_file() else {}
        new = behaviour(*run_all(args.runs, args.seed, args.workers, log=_err), args.runs, args.seed)
        new |= trace_entries(log=_err) | speed_entries(args.bench)
        today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        numbers = merge(old, new, today)
        write(args.out, numbers)
        speeds = f"from {args.bench}" if args.bench.is_file() else "kept (no bench file)"
        print(f"wrote {args.out} ({len(numbers)} numbers; speeds {speeds})")
        if not args.no_docs:
            rewrite_docs(numbers)
    except (quotes.QuoteError, ValueError, OSError) as exc:
        print(f"python -m sim.tools.numbers: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m sim.tools.numbers: interrupted; nothing was written", file=sys.stderr)
        return 130
    return 0


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
