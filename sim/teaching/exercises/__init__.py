"""Numbers for the instructor notes of the teaching exercises: ``python -m sim.teaching.exercises``.

Each sheet in ``experiments/exercises/`` holds its commands in ```` ```bash ```` blocks. This
module reads those commands, runs every ``isf-sim`` command (each job of a ``-m`` sweep too)
and every ``isf-play`` command of the sheet through the same code path as the commands
themselves (compose the config, build the typed parameters, :func:`sim.model.run.simulate`; the
player's answers from the ``yes``/``printf``/``echo`` in front of the pipe), and rewrites the
text between ``<!-- numbers:begin -->`` and ``<!-- numbers:end -->`` with tables of the
outcomes, their 95% intervals and the differences the notes discuss. The numbers are those
the sheet's commands print: same overrides, same seeds, same runs.

    python -m sim.teaching.exercises               # all sheets (about a minute on two cores)
    python -m sim.teaching.exercises 03            # the sheets whose file name starts with 03
    python -m sim.teaching.exercises --check       # exit 1, naming each stale sheet; writes nothing
    python -m sim.teaching.exercises --runs 100    # a quick draft (the blocks then say 100 runs)

Each sheet's notes state directions of effect ("the surge raises the chance of a collapse").
Those claims are listed in :data:`SHEETS` and checked against the new numbers: a claim the
numbers no longer support is reported and the command exits 1, so the prose cannot drift
away from the model.

The command parser and the substitutions (``runs=``, trimmed sweeps) are shared with
``tests/teaching/test_exercises.py``, which runs every command of every sheet.
"""

from __future__ import annotations

import argparse
import io
import math
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from sim.config import EXPERIMENT_DIR  # noqa: E402

ROOT = EXPERIMENT_DIR.parent
SHEET_DIR = EXPERIMENT_DIR / "exercises"
BEGIN, END = "<!-- numbers:begin -->", "<!-- numbers:end -->"
PROGRAMS = ("isf-sim", "isf-report", "isf-play", "python")
Z95 = 1.959963984540054


# --------------------------------------------------------------------------- reading commands
@dataclass(frozen=True)
class Command:
    """One command line of a sheet: pipeline segments, each a list of shell words."""

    segments: tuple[tuple[str, ...], ...]

    @property
    def program(self) -> str:
        return self.segments[-1][0]

    @property
    def args(self) -> tuple[str, ...]:
        return self.segments[-1][1:]

    def shell(self) -> str:
        """The command as a shell line (pipes kept, words quoted where needed)."""
        return " | ".join(shlex.join(seg) for seg in self.segments)

    def replace_args(self, args: Iterable[str]) -> Command:
        return Command(self.segments[:-1] + ((self.program, *args),))


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", text, flags=re.M | re.S)


def commands(text: str) -> list[Command]:
    """Every command of every ```bash block, in order (continuations joined, comments dropped)."""
    out = []
    for block in bash_blocks(text):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            segs, cur = [], []
            for w in words:
                if w == "|":
                    segs.append(tuple(cur))
                    cur = []
                else:
                    cur.append(w)
            segs.append(tuple(cur))
            out.append(Command(tuple(segs)))
    return out


def _key(arg: str) -> str:
    return arg.split("=", 1)[0].lstrip("+~")


def with_runs(cmd: Command, runs: int, only_fewer: bool = False) -> Command:
    """The command with its ``runs=N`` replaced by ``runs=<runs>`` (with ``only_fewer``, only
    where N is larger). Commands without ``runs=`` are kept as they are."""
    if cmd.program not in ("isf-sim", "isf-play"):
        return cmd

    def new(a: str) -> str:
        if _key(a) != "runs" or (only_fewer and int(a.split("=", 1)[1]) <= runs):
            return a
        return f"runs={runs}"
    return cmd.replace_args(new(a) for a in cmd.args)


def experiment_sweep(name: str) -> dict[str, str]:
    """The sweep an experiment file declares: key -> comma-separated values."""
    import yaml

    data = yaml.safe_load((EXPERIMENT_DIR / f"{name}.yaml").read_text()) or {}
    params = ((data.get("hydra") or {}).get("sweeper") or {}).get("params") or {}
    return {str(k): str(v) for k, v in params.items()}


def _split_values(value: str) -> list[str]:
    if "(" in value:          # range(...), glob(...): Hydra's sweep functions, kept as they are
        return [value]
    return [v.strip() for v in value.split(",")]


def trimmed(cmd: Command, keep: int = 2) -> Command:
    """A sweep cut down to its first ``keep`` values per swept key (an experiment's swept keys
    are put on the command line, trimmed, unless the command already sets them)."""
    if cmd.program != "isf-sim" or not any(a in ("-m", "--multirun") for a in cmd.args):
        return cmd
    args = list(cmd.args)
    given = {_key(a) for a in args if "=" in a}
    for a in cmd.args:
        if a.startswith("+experiment="):
            args += [f"{k}={v}" for k, v in experiment_sweep(a.split("=", 1)[1]).items() if k not in given]
    out = []
    for a in args:
        if "=" in a and not _key(a).startswith("hydra") and "," in a.split("=", 1)[1]:
            k, v = a.split("=", 1)
            out.append(f"{k}={','.join(_split_values(v)[:keep])}")
        else:
            out.append(a)
    return cmd.replace_args(out)


# --------------------------------------------------------------------------- running, as isf-sim does
@dataclass(frozen=True)
class Job:
    """One isf-sim job of a sheet: its label and its overrides (as Hydra's task overrides)."""

    label: str
    overrides: tuple[str, ...]


def overrides_of(args: Iterable[str]) -> tuple[str, ...]:
    return tuple(a for a in args if not a.startswith("-") and not _key(a).startswith("hydra"))


def _label(args: Iterable[str]) -> str:
    for a in args:
        if _key(a) in ("hydra.run.dir", "hydra.sweep.dir"):
            return a.split("=", 1)[1].rstrip("/").rsplit("/", 1)[-1]
    return " ".join(overrides_of(args)) or "baseline"


def sweep_jobs(cmd: Command) -> tuple[list[str], list[list[str]]]:
    """(swept keys, each job's overrides) of an ``isf-sim -m`` command, as Hydra's basic
    sweeper expands it (an experiment's sweep included; command-line values replace it)."""
    from sim.sweep.plan import expand, swept_keys

    args = list(overrides_of(cmd.args))
    given = {_key(a) for a in args if "=" in a}
    for a in cmd.args:
        if a.startswith("+experiment="):
            args = [f"{k}={v}" for k, v in experiment_sweep(a.split("=", 1)[1]).items() if k not in given] + args
    return swept_keys(args), expand(args)


def run_overrides(overrides: Iterable[str], workers: int = 1) -> tuple[pd.DataFrame, object]:
    """The runs table ``isf-sim <overrides>`` writes, and its run settings (the same steps as
    :func:`sim.cli.run_job`: compose, build with the overrides held fixed, simulate)."""
    from sim.config.compose import compose, lever_keys, override_keys
    from sim.config import build, parameter_meta
    from sim.model.run import Job as RunJob, simulate
    from sim.sweep.sensitivity import split_design

    overrides = list(overrides)
    raw = compose(overrides)
    _design, model_raw = split_design(raw)
    params, settings = build(model_raw, override_keys(overrides))
    fixed = lever_keys(model_raw) | override_keys(overrides)
    job = RunJob(params=params, seed=settings.seed, runs=settings.runs, uncertainty=settings.uncertainty,
                 meta=parameter_meta(model_raw), fixed=frozenset(fixed), trace=False)
    return simulate(job, workers=workers).runs, settings


def run_all(keys: Iterable[tuple[str, ...]], jobs: int = 2) -> dict[tuple[str, ...], tuple[pd.DataFrame, object]]:
    """:func:`run_overrides` for each set of overrides, ``jobs`` at a time (one process each)."""
    keys = list(dict.fromkeys(keys))
    if jobs <= 1 or len(keys) < 2:
        return {k: run_overrides(k) for k in keys}
    from joblib.externals.loky import get_reusable_executor

    pool = get_reusable_executor(max_workers=jobs, timeout=120)
    futures = [pool.submit(run_overrides, k) for k in keys]
    return {k: f.result() for k, f in zip(keys, futures)}


# --------------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class Metric:
    label: str
    kind: str                                   # "p" (a probability), "mean", "week" (a median week)
    value: Callable[[pd.DataFrame], pd.Series]
    fmt: str = "{:.2f}"


def _has(col: str, *ids: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda r: r[col].fillna("").str.split("+").apply(lambda xs: any(i in xs for i in ids))


METRICS: dict[str, Metric] = {
    "deployed": Metric("P(deployed)", "p", lambda r: r["deployed"]),
    "week_deployed": Metric("median week of deployment", "week", lambda r: r["week_deployed"]),
    "turkish_troops": Metric("P(Turkish troops)", "p", lambda r: r["turkey_role"] == "troops"),
    "liaison": Metric("P(Türkiye liaison only)", "p", lambda r: r["turkey_role"] == "liaison"),
    "veto_lifted": Metric("P(Israel lifts its veto)", "p", lambda r: r["veto_yielded"]),
    "without_turkey": Metric("P(deployed without Türkiye)", "p",
                             lambda r: r["deployed"] & (r["turkey_role"] != "troops")),
    "un_authorized": Metric("P(resolution)", "p", lambda r: r["un_authorized"]),
    "week_authorized": Metric("median week of the resolution", "week", lambda r: r["week_authorized"]),
    "borders": Metric("P(border mandate)", "p", lambda r: r["mandate"] == "borders"),
    "collapsed": Metric("P(ceasefire collapses)", "p", lambda r: r["ceasefire_collapsed"]),
    "gulf_money": Metric("P(Saudi or Emirati money)", "p", _has("funders", "SAU", "ARE")),
    "saudi_money": Metric("P(Saudi money)", "p", _has("funders", "SAU")),
    "qatar_money": Metric("P(Qatari money)", "p", _has("funders", "QAT")),
    "any_money": Metric("P(any money)", "p", lambda r: r["funding_usd"] > 0),
    "disarmament": Metric("mean disarmament", "mean", lambda r: r["disarmament"], "{:.3f}"),
    "troops": Metric("mean troops deployed", "mean", lambda r: r["troops"], "{:,.0f}"),
    "deaths": Metric("mean deaths", "mean", lambda r: r["deaths"], "{:,.0f}"),
    "control": Metric("mean Israeli control", "mean", lambda r: r["israeli_control"]),
}


def estimate(runs: pd.DataFrame, key: str) -> tuple[float, float, float]:
    """(value, low, high): a probability with its Wilson interval, a mean with a normal one."""
    from sim.report.analysis import wilson_interval

    m = METRICS[key]
    x = m.value(runs).astype(float)
    n = len(x)
    if m.kind == "p":
        lo, hi = wilson_interval(int(x.sum()), n)
        return float(x.mean()), lo, hi
    half = Z95 * x.std(ddof=1) / math.sqrt(n) if n > 1 else 0.0
    return float(x.mean()), float(x.mean()) - half, float(x.mean()) + half


def cell(runs: pd.DataFrame, key: str) -> str:
    from sim.report.table import median_week

    m = METRICS[key]
    if m.kind == "week":
        w = m.value(runs)
        return median_week(pd.DataFrame({"w": w}), "w").replace("not reached in half the runs", "not in half the runs")
    v, lo, hi = estimate(runs, key)
    return f"{m.fmt.format(v)} ({m.fmt.format(lo)}–{m.fmt.format(hi)})"


@dataclass(frozen=True)
class Diff:
    diff: float
    lo: float
    hi: float


def paired(a: pd.DataFrame, b: pd.DataFrame, key: str) -> Diff:
    """b - a, run by run on the same seeds (common random numbers), with a 95% normal interval."""
    if list(a["seed"]) != list(b["seed"]):
        raise ValueError("paired differences need the same seeds in both tables")
    d = METRICS[key].value(b).astype(float).to_numpy() - METRICS[key].value(a).astype(float).to_numpy()
    mean = float(d.mean())
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(len(d)) if len(d) > 1 else 0.0
    return Diff(mean, mean - half, mean + half)


def _median_week(runs: pd.DataFrame, key: str) -> float:
    return float(METRICS[key].value(runs).fillna(math.inf).median())


def check_claim(claim: tuple[str, ...], runs_of: dict[str, pd.DataFrame], ref: str) -> str | None:
    """None if the numbers support the claim, else what they say instead.

    * ``(run, metric, "up" | "down" | "flat"[, reference run])``: the paired difference from the
      reference run (default: the sheet's first run) lies above zero, below zero, or its 95%
      interval includes zero (for a median week: the medians differ that way, never = later);
    * ``(run, metric, "<x" | ">x")``: the run's 95% interval lies below / above x;
    * ``(run, metric, "|>|", other run)``: the run's difference from the first run is larger,
      in absolute value, than the other run's."""
    label, k, want = claim[:3]
    base = claim[3] if len(claim) > 3 else ref
    missing = [n for n in (label, base) if n not in runs_of]
    if missing:
        return f"no run named {', '.join(repr(n) for n in missing)} for the claim on {k}"
    if want[0] in "<>":
        v, lo, hi = estimate(runs_of[label], k)
        if (hi < float(want[1:])) if want[0] == "<" else (lo > float(want[1:])):
            return None
        return f"the notes say {METRICS[k].label} is {want} in '{label}', but it is {v:.3f} ({lo:.3f} to {hi:.3f})"
    if want == "|>|":
        a, b = paired(runs_of[ref], runs_of[label], k), paired(runs_of[ref], runs_of[base], k)
        if abs(a.diff) > abs(b.diff):
            return None
        return (f"the notes say {METRICS[k].label} moves more in '{label}' ({a.diff:+.3f}) than in "
                f"'{base}' ({b.diff:+.3f})")
    if METRICS[k].kind == "week":
        x, y = _median_week(runs_of[label], k), _median_week(runs_of[base], k)
        if {"up": x > y, "down": x < y, "flat": x == y}[want]:
            return None
        return f"the notes say {METRICS[k].label} goes {want} in '{label}' against '{base}', but it is {x} vs {y}"
    d = paired(runs_of[base], runs_of[label], k)
    if {"up": d.lo > 0, "down": d.hi < 0, "flat": d.lo <= 0 <= d.hi}[want]:
        return None
    return (f"the notes say {METRICS[k].label} goes {want} in '{label}' against '{base}', but the difference "
            f"is {d.diff:+.3f} ({d.lo:+.3f} to {d.hi:+.3f})")


def check_play(claim: tuple[str, str, str], games: list[tuple[dict, dict]]) -> str | None:
    """``("0.deaths", ">", "1.deaths")``: the first game's player against the second's;
    ``0m.`` is the model's own run with the first game's seed; the right side may be a literal."""
    import ast
    import operator

    def value(term: str):
        m = re.fullmatch(r"(\d+)(m?)\.(\w+)", term)
        if not m:
            return ast.literal_eval(term)
        v = games[int(m.group(1))][1 if m.group(2) else 0][m.group(3)]
        return math.inf if isinstance(v, float) and v != v else v
    ops = {"<": operator.lt, ">": operator.gt, "==": operator.eq, "!=": operator.ne, "<=": operator.le,
           "in": lambda a, b: a in b.split("+")}
    left, op, right = claim
    a, b = value(left), value(right)
    return None if ops[op](a, b) else f"the notes say {left} {op} {right}, but it is {a!r} vs {b!r}"


def _signed(x: float, fmt: str) -> str:
    text = fmt.format(abs(x))
    if text.strip("0.,") == "":
        return fmt.format(0.0)
    return ("+" if x > 0 else "−") + text


# --------------------------------------------------------------------------- what each sheet reports
@dataclass(frozen=True)
class Sheet:
    """What the notes of one sheet need: the columns of its tables, the differences it
    discusses, and the directions of effect its prose claims (checked on every run).

    Claims are checked by :func:`check_claim` and :func:`check_play`. A run is named by its
    result folder (``hydra.run.dir=results/ex1/baseline`` -> ``baseline``), a sweep's cell by the
    sweep's folder and the cell's values (``grid[0.5 1.2]``), a group of a run's rows by
    ``run{column=value}`` (only for ``<x`` / ``>x`` claims)."""

    columns: tuple[str, ...]                      # metrics of the table of single runs
    compare: tuple[str, ...]                      # metrics of the paired differences
    sweep: tuple[str, ...] = ("deployed",)        # metrics of each sweep (a 2-key sweep: the first)
    pairs: tuple[tuple[str, str], ...] = ()       # (run, reference run) compared besides the first run
    groups: tuple[tuple[str, str, str], ...] = ()  # (run, column, metric): the metric by the column's values
    claims: tuple[tuple[str, ...], ...] = ()
    play_claims: tuple[tuple[str, str, str], ...] = ()  # see check_play


SHEETS: dict[str, Sheet] = {
    "01_veto_players.md": Sheet(
        columns=("turkish_troops", "veto_lifted", "liaison", "deployed", "without_turkey", "week_deployed"),
        compare=("turkish_troops", "deployed", "without_turkey", "deaths"),
        sweep=("turkish_troops",),
        claims=(("baseline", "turkish_troops", "<0.15"), ("baseline", "veto_lifted", "<0.5"),
                ("baseline", "liaison", ">0.5"),
                ("us_presses_israel", "veto_lifted", ">0.5"), ("us_presses_israel", "turkish_troops", "<0.5"),
                ("us_presses_israel", "turkish_troops", "up"), ("us_presses_israel", "deployed", "up"),
                ("us_presses_israel", "week_deployed", "down"), ("us_presses_israel", "deaths", "down"),
                ("us_presses_israel", "without_turkey", "down"),
                ("turkey_liaison_only", "deployed", "flat"), ("turkey_liaison_only", "week_deployed", "down"),
                ("turkey_liaison_only", "without_turkey", "up"),
                ("no_vetoes", "turkish_troops", ">0.5"), ("no_vetoes", "deployed", "up"),
                ("no_vetoes", "week_deployed", "down"),
                ("grid[0.5 1.2]", "turkish_troops", "up", "grid[0.25 0.8]"), ("grid[0.9 0.8]", "turkish_troops", "<0.8")),
        play_claims=(("0.week_deployed", ">", "1.week_deployed"), ("0.deaths", ">", "1.deaths"),
                     ("0.deaths", ">", "0m.deaths"), ("0.turkey_role", "!=", "'troops'"),
                     ("1.turkey_role", "==", "'troops'")),
    ),
    "02_conditional_money.md": Sheet(
        columns=("gulf_money", "qatar_money", "disarmament", "deployed", "turkish_troops"),
        compare=("gulf_money", "disarmament", "deployed"),
        sweep=("saudi_money", "disarmament"),
        pairs=(("partial_amnesty", "partial"), ("partial_turkey", "partial")),
        groups=(("partial_turkey", "turkey_role", "saudi_money"),),
        claims=(("baseline", "gulf_money", "<0.05"), ("baseline", "qatar_money", "<0.5"),
                ("baseline", "disarmament", "<0.8"),
                ("partial", "gulf_money", "up"), ("partial", "deployed", "flat"), ("partial", "disarmament", "flat"),
                ("partial_amnesty", "gulf_money", "up", "partial"), ("partial_amnesty", "disarmament", "up", "partial"),
                ("partial_amnesty", "deployed", "up", "partial"),
                ("partial_turkey", "gulf_money", "down", "partial"), ("partial_turkey", "deployed", "up", "partial"),
                ("partial_turkey", "disarmament", "up", "partial"),
                ("partial_turkey{turkey_role=liaison}", "saudi_money", ">0.3"),
                ("partial_turkey{turkey_role=troops}", "saudi_money", "<0.1"),
                ("threshold[0.6]", "saudi_money", "down", "threshold[0.5]"),
                ("threshold[0.7]", "saudi_money", "<0.05"),
                ("threshold[0.7]", "disarmament", "flat", "threshold[0.3]")),
        play_claims=(("'SAU'", "in", "0.funders"), ("'ARE'", "in", "0.funders"), ("0.week_funding_SAU", ">", "26"),
                     ("0m.funders", "==", "''"), ("0.disarmament", ">", "0m.disarmament")),
    ),
    "03_mediation_hamas.md": Sheet(
        columns=("disarmament", "deployed", "week_deployed", "qatar_money", "collapsed"),
        compare=("disarmament", "deployed", "qatar_money", "collapsed"),
        pairs=(("credible_amnesty", "us_channel"),),
        claims=(("mediators_silent", "disarmament", "down"), ("mediators_silent", "deployed", "down"),
                ("mediators_silent", "disarmament", "down", "qatar_out"),
                ("mediators_silent", "disarmament", "|>|", "credible_amnesty"),
                ("credible_amnesty", "disarmament", "|>|", "qatar_out"),
                ("credible_amnesty", "disarmament", "|>|", "us_channel"),
                ("qatar_out", "disarmament", "|>|", "us_presses_hamas"),
                ("us_channel", "disarmament", "|>|", "us_presses_hamas"),
                ("qatar_out", "qatar_money", "down"), ("mediators_silent", "qatar_money", "down"),
                ("credible_amnesty", "qatar_money", "up"),
                ("qatar_out", "disarmament", "down"), ("credible_amnesty", "disarmament", "up"),
                ("credible_amnesty", "disarmament", "up", "us_channel"),
                ("us_channel", "disarmament", "up", "us_presses_hamas"),
                ("us_presses_hamas", "disarmament", "up"), ("us_presses_hamas", "deployed", "flat"),
                ("turkey_full_effort", "disarmament", "flat"), ("turkey_full_effort", "deployed", "flat")),
        play_claims=(("0.disarmament", "<", "0m.disarmament"), ("0.deployed", "==", "True"),
                     ("0.deaths", ">", "0m.deaths")),
    ),
    "04_council_legitimacy.md": Sheet(
        columns=("un_authorized", "week_authorized", "borders", "deployed", "week_deployed"),
        compare=("un_authorized", "deployed", "borders"),
        sweep=("un_authorized", "deployed", "borders"),
        claims=(("baseline", "un_authorized", ">0.9"), ("baseline", "borders", ">0.5"),
                ("council_veto", "un_authorized", "<0.25"), ("council_veto", "un_authorized", ">0"),
                ("council_veto", "deployed", "<0.15"),
                ("weak_resolution", "deployed", "down"), ("weak_resolution", "un_authorized", "flat"),
                ("borders_first", "borders", "up"), ("borders_first", "week_authorized", "down"),
                ("borders_first", "deployed", "flat"),
                ("no_council", "deployed", "up"), ("no_council", "week_deployed", "down"),
                ("russia[0.1]", "un_authorized", "down", "russia[0.2]"),
                ("russia[0.1]", "deployed", "down", "russia[0.2]"),
                ("russia[0.4]", "borders", "down", "russia[0.1]")),
    ),
    "05_violence_feedback.md": Sheet(
        columns=("collapsed", "deaths", "deployed", "week_deployed", "disarmament"),
        compare=("collapsed", "deaths", "deployed", "disarmament"),
        sweep=("deployed",),
        pairs=(("late_surge", "strike_surge"), ("surge_no_hardening", "strike_surge")),
        claims=(("strike_surge", "deaths", "up"), ("strike_surge", "collapsed", "up"),
                ("strike_surge", "deployed", "down"), ("strike_surge", "week_deployed", "up"),
                ("late_surge", "deaths", "up"), ("late_surge", "deployed", "flat", "strike_surge"),
                ("surge_no_hardening", "deployed", "flat", "strike_surge"),
                ("surge_no_hardening", "deaths", "flat", "strike_surge"),
                ("no_ground", "deployed", "down"), ("no_ground", "collapsed", "<0.01"),
                ("risk[15 enforcement]", "deployed", "down", "risk[10.5 enforcement]"),
                ("risk[20 enforcement]", "deployed", "down", "risk[15 enforcement]"),
                ("risk[30 enforcement]", "deployed", "<0.1"), ("risk[30 borders]", "deployed", "<0.1"),
                ("risk[20 borders]", "deployed", "flat", "risk[20 enforcement]")),
    ),
}


# --------------------------------------------------------------------------- the generated block
@dataclass
class Plan:
    """The commands of one sheet whose numbers the notes need."""

    path: Path
    singles: list[Job]
    sweeps: list[tuple[Command, list[str], list[Job]]]
    plays: list[Command]

    @property
    def keys(self) -> list[tuple[str, ...]]:
        return [j.overrides for j in self.singles] + [j.overrides for _, _, cs in self.sweeps for j in cs]


@dataclass
class Rendered:
    block: str
    broken: list[str] = field(default_factory=list)    # claims the numbers do not support


def plan(path: Path, runs: int | None = None) -> Plan:
    cmds = [with_runs(c, runs) if runs else c for c in commands(path.read_text())]
    singles, sweeps = [], []
    for c in cmds:
        if c.program != "isf-sim" or any(_key(a) == "trace" and a.endswith("true") for a in c.args):
            continue
        if any(a in ("-m", "--multirun") for a in c.args):
            swept, job_list = sweep_jobs(c)
            cells = [Job(" ".join(ov.split("=", 1)[1] for ov in j if _key(ov) in swept), tuple(j)) for j in job_list]
            sweeps.append((c, swept, cells))
        else:
            singles.append(Job(_label(c.args), overrides_of(c.args)))
    return Plan(path, singles, sweeps, [c for c in cmds if c.program == "isf-play"])


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def table_row(job: Job, runs: pd.DataFrame, spec: Sheet) -> str:
    """A row of a sheet's table of single runs."""
    cells = [f"`{job.label}`", f"`isf-sim {' '.join(job.overrides)}`"] + [cell(runs, k) for k in spec.columns]
    return "| " + " | ".join(cells) + " |"


def _setting_line(settings) -> str:
    last = settings.seed + settings.runs - 1
    return (f"{settings.runs:,} runs (seeds {settings.seed}–{last}), {settings.horizon_weeks} weeks, "
            f"`uncertainty={settings.uncertainty}`")


def _difference_line(label: str, a: pd.DataFrame, b: pd.DataFrame, keys: Iterable[str]) -> str:
    parts = []
    for k in keys:
        d = paired(a, b, k)
        fmt = METRICS[k].fmt
        parts.append(f"{METRICS[k].label} {_signed(d.diff, fmt)} ({_signed(d.lo, fmt)} to {_signed(d.hi, fmt)})")
    return f"- {label}: " + "; ".join(parts)


def _singles(p: Plan, spec: Sheet, runs_of: dict[str, pd.DataFrame], settings) -> list[str]:
    """The table of the sheet's single runs, the paired differences, and the grouped tables."""
    ref = p.singles[0].label
    out = [f"Each row is the `isf-sim` command of the same name above (result folder left out), "
           f"{_setting_line(settings)}: the command gives exactly these numbers (`isf-sim` prints some "
           f"of them, the rest are in its `runs.parquet`). In brackets: 95% intervals (Wilson for a "
           f"probability, normal for a mean).", ""]
    out += _table(["run", "command"] + [METRICS[k].label for k in spec.columns], [])
    out += [table_row(j, runs_of[j.label], spec) for j in p.singles] + [""]
    if len(p.singles) > 1:
        out += ["Differences, run by run on the same seeds (common random numbers), with 95% intervals:", ""]
        out += [_difference_line(f"`{j.label}` − `{ref}`", runs_of[ref], runs_of[j.label], spec.compare)
                for j in p.singles[1:]]
        out += [_difference_line(f"`{a}` − `{b}`", runs_of[b], runs_of[a], spec.compare) for a, b in spec.pairs]
        out.append("")
    for label, col, k in spec.groups:
        r = runs_of[label]
        values = sorted(r[col].dropna().unique())
        out += [f"`{label}`, {METRICS[k].label} by `{col}`:", ""]
        out += _table([col, "runs", METRICS[k].label],
                      [[f"`{v}`", f"{int((r[col] == v).sum()):,}", cell(r[r[col] == v], k)] for v in values]) + [""]
    return out


def _sweep(c: Command, swept: list[str], cells: list[Job], spec: Sheet, results: dict) -> list[str]:
    """A sweep's table: a grid of the first sweep metric for two swept keys, else one row a job."""
    settings = results[cells[0].overrides][1]
    shown = " ".join(a for a in c.args if not _key(a).startswith("hydra"))
    if len(swept) != 2:
        out = [f"`isf-sim {shown}`: {_setting_line(settings)} per job:", ""]
        header = [" ".join(swept) or "job"] + [METRICS[k].label for k in spec.sweep]
        return out + _table(header, [[j.label] + [cell(results[j.overrides][0], k) for k in spec.sweep]
                                     for j in cells]) + [""]
    k = spec.sweep[0]
    out = [f"`isf-sim {shown}`: {METRICS[k].label}; rows {swept[0]}, columns {swept[1]}; "
           f"{_setting_line(settings)} per cell:", ""]
    by_values = {tuple(ov.split("=", 1)[1] for ov in j.overrides if _key(ov) in swept): j for j in cells}
    rows = list(dict.fromkeys(v[0] for v in by_values))
    cols = list(dict.fromkeys(v[1] for v in by_values))
    table = [[r] + [cell(results[by_values[(r, cv)].overrides][0], k) for cv in cols] for r in rows]
    return out + _table([f"{swept[0]} \\ {swept[1]}"] + cols, table) + [""]


def build(p: Plan, results: dict) -> Rendered:
    """The numbers block of a planned sheet, from the runs of its commands, and the claims of
    its notes that these numbers do not support."""
    spec = SHEETS[p.path.name]
    out = [BEGIN, "<!-- generated by `python -m sim.teaching.exercises` from the commands above: do not edit by hand -->", ""]
    runs_of = {j.label: results[j.overrides][0] for j in p.singles}
    if p.singles:
        out += _singles(p, spec, runs_of, results[p.singles[0].overrides][1])
    for c, swept, cells in p.sweeps:
        out += _sweep(c, swept, cells, spec, results)
        runs_of.update({f"{_label(c.args)}[{j.label}]": results[j.overrides][0] for j in cells})
    for label, col, _k in spec.groups:
        r = runs_of[label]
        runs_of.update({f"{label}{{{col}={v}}}": r[r[col] == v] for v in r[col].dropna().unique()})
    ref = p.singles[0].label if p.singles else ""
    broken = [f"{p.path.name}: {why}" for why in (check_claim(c, runs_of, ref) for c in spec.claims) if why]
    games = []
    for c in p.plays:
        lines, game = _play(c)
        out += lines + [""]
        games.append(game)
    if games:
        broken += [f"{p.path.name}: {why}" for why in (check_play(c, games) for c in spec.play_claims) if why]
    out.append(END)
    return Rendered("\n".join(out), broken)


def _play(cmd: Command) -> tuple[list[str], tuple[dict, dict]]:
    """Play the command's game (the answers piped into it) and describe it against the model."""
    from sim.teaching import play
    from sim.config.compose import load
    from sim.model.model import ISFModel
    from sim.model.outcomes import outcome

    aid, seed, _runs, _answers, overrides = play.parse_args(list(cmd.args))
    params = load(overrides)[0]
    answers = answers_of(cmd.segments[0]) if len(cmd.segments) > 1 else iter(())
    human = play.Human(lambda: next(answers, None), io.StringIO(), echo=True)
    mine_model = play.play(params, aid, seed, human, io.StringIO())
    same_model = ISFModel(params, rng=seed, trace=True).run()
    mine, same = outcome(mine_model, seed), outcome(same_model, seed)
    for r, model in ((mine, mine_model), (same, same_model)):   # for check_play: week_funding_SAU ...
        r.update({f"week_{kind}_{actor}": w for w, kind, actor, *_ in model.events if kind == "funding"})

    def describe(r: dict, model) -> str:
        week = "no deployment" if r["week_deployed"] != r["week_deployed"] else f"deployed in week {int(r['week_deployed'])}"
        events = [f"{text} (week {w})" for w, kind, _a, _t, _v, text in model.events
                  if kind in ("veto_yielded", "funding", "collapse")]
        return (f"{r['configuration']}; {week}; Türkiye: {r['turkey_role']}; disarmament {r['disarmament']:.2f}; "
                f"{r['deaths']:,} deaths" + "".join(f"; {e}" for e in events))
    lines = [f"`{cmd.shell()}` (one run, point values):", "",
             f"- the player: {describe(mine, mine_model)}",
             f"- the model's own choices, same seed: {describe(same, same_model)}"]
    return lines, (mine, same)


def answers_of(producer: tuple[str, ...]):
    """The lines a `yes WORD`, `printf 'TEXT'` or `echo WORDS` in front of the pipe produces."""
    prog, *rest = producer
    if prog == "yes":
        word = " ".join(rest) or "y"
        while True:
            yield word
    if prog == "echo":
        yield " ".join(rest)
        return
    if prog == "printf":
        text = rest[0].replace("\\n", "\n") if rest else ""
        yield from text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
        return
    raise ValueError(f"cannot read answers from '{prog}': use yes, echo or printf")


def replace_block(text: str, block: str) -> str:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {BEGIN} ... {END} markers")
    return text[:start] + block + text[end + len(END):]


def sheets(names: Iterable[str] = ()) -> list[Path]:
    names = list(names)
    paths = [SHEET_DIR / n for n in SHEETS]
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) or p.stem == n for n in names)]
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.teaching.exercises", description=__doc__.splitlines()[0])
    ap.add_argument("sheets", nargs="*", help="sheet file names or prefixes (default: all)")
    ap.add_argument("--runs", type=int, help="replace the runs= of every command (default: the sheet's own)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a sheet's numbers are stale")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the runs (default 2)")
    args = ap.parse_args(argv)
    paths = sheets(args.sheets)
    if not paths:
        print(f"no sheet matches {' '.join(args.sheets)}; sheets: {', '.join(SHEETS)}", file=sys.stderr)
        return 2
    plans = [plan(p, args.runs) for p in paths]
    results = run_all([k for pl in plans for k in pl.keys], args.jobs)
    stale, broken = [], []
    for pl in plans:
        p = pl.path
        text = p.read_text()
        r = build(pl, results)
        broken += r.broken
        new = replace_block(text, r.block)
        if new != text:
            stale.append(p)
            if not args.check:
                p.write_text(new)
        state = ("stale" if args.check else "updated") if new != text else "up to date"
        print(f"{p.relative_to(ROOT)}: {state}")
    for b in broken:
        print(f"claim not supported: {b}", file=sys.stderr)
    if args.check and stale:
        print(f"stale: {', '.join(p.name for p in stale)} (run: python -m sim.teaching.exercises)", file=sys.stderr)
        return 1
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
