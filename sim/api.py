"""The Python API: ``from sim import simulate, compare, forecast, score`` (docs/api.md).

- :func:`simulate` runs one scenario ``runs`` times and returns the runs table — the same
  columns and values ``isf-sim scenario=... runs=... seed=...`` writes to ``runs.parquet`` —
  with the command line's validation, but without Hydra's run: no working directory, no
  ``outputs/`` or ``results/``, no ``.hydra``, no logging set up, no file written
  (``weekly=True``: with the weekly table too, :class:`Weekly`).
- :func:`compare` takes two runs tables and returns the differences b − a of their outcomes,
  paired on common seeds (common random numbers) when every run has its match.
- :func:`forecast` answers a case's questions as ``isf-forecast`` does (:mod:`sim.forecasting.run`)
  and writes the forecast folder only when given ``out=``; :func:`score` is
  :func:`sim.forecasting.score.score` (``isf-score`` without its files).

This module sits at the top of the layers, beside :mod:`sim.cli`. It computes nothing itself:
composing and validating come from :mod:`sim.config` and :mod:`sim.sweep.plan` (what the command
line's check calls), building and running a job from the public functions :func:`sim.sweep.job.run_job`
uses, and every interval from :mod:`sim.report.compare` and :mod:`sim.stats`.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from sim.config import compose
from sim.config.compose import case_dir
from sim.config.hydra_settings import check_writable
from sim.forecasting import run as forecast_run
from sim.forecasting.score import ScoreError, score
from sim.model.params import ConfigError
from sim.model.run import simulate as run_job_replicates
from sim.progress import bar
from sim.report import compare as report_compare
from sim.report.outcomes import WEEKS, Registry, registry, use
from sim.sweep.job import launcher_kind, make_job, workers_for
from sim.sweep.plan import check_config

__all__ = ["ConfigError", "Forecast", "ScoreError", "Traced", "TracedWeekly", "Weekly"]
__all__ += ["compare", "forecast", "overrides_list", "score", "simulate"]


class Traced(NamedTuple):
    """What ``simulate(..., trace=True)`` returns: the runs table and the weekly traces, the
    tables ``isf-sim trace=true`` writes (runs, events, timeline, positions ``.parquet``).

    - ``runs``: one row per run (as without trace);
    - ``events``: one row per event (seed, week, kind, actor, target, value, text);
    - ``timeline``: one row per run and week (seed, week, deaths, troops, authorization, ...);
    - ``positions``: one row per run, week and actor (seed, week, actor, position per dimension,
      pressure, committed, deployed).

    A named tuple: ``res.events`` or ``runs, events, timeline, positions = res``.
    """

    runs: pd.DataFrame
    events: pd.DataFrame
    timeline: pd.DataFrame
    positions: pd.DataFrame


class Weekly(NamedTuple):
    """What ``simulate(..., weekly=True)`` returns: the runs table and the weekly table, the tables
    ``isf-sim weekly=true`` writes (runs.parquet, weekly.parquet).

    - ``runs``: one row per run (the same table as without weekly);
    - ``weekly``: one row per run and week 0 ... horizon (:mod:`sim.model.weekly`: seed, week,
      authorized, failed_votes, committed, deployed, troops, funds, control, disarmament, ...).

    A named tuple: ``res.weekly`` or ``runs, weekly = res``.
    """

    runs: pd.DataFrame
    weekly: pd.DataFrame


class TracedWeekly(NamedTuple):
    """What ``simulate(..., trace=True, weekly=True)`` returns: :class:`Traced`'s four tables and
    the weekly table last (``runs, events, timeline, positions, weekly = res``)."""

    runs: pd.DataFrame
    events: pd.DataFrame
    timeline: pd.DataFrame
    positions: pd.DataFrame
    weekly: pd.DataFrame


# --------------------------------------------------------------------------- simulate


def _text(value: Any) -> str:
    """A Python value as the command line writes it (``True`` -> ``true``, lists -> ``[a,b]``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool) or type(value).__name__ == "bool_":  # numpy's bool too
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_text(v) for v in value) + "]"
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return str(int(value))
    if isinstance(value, float) or hasattr(value, "dtype"):
        v = float(value)
        return "nan" if math.isnan(v) else repr(v)
    return str(value)


def overrides_list(overrides: Mapping[str, Any] | Iterable[str] | None) -> list[str]:
    """``{"actors.<ID>.resolve": 0.4}`` or ``["actors.<ID>.resolve=0.4"]`` -> the command line's
    ``key=value`` words."""
    if overrides is None:
        return []
    if isinstance(overrides, str):
        raise ConfigError(f"overrides = {overrides!r} is a string; allowed: a dict {{key: value}} or key=value list")
    if isinstance(overrides, Mapping):
        return [f"{k}={_text(v)}" for k, v in overrides.items()]
    words = [str(o) for o in overrides]
    for w in words:
        if "=" not in w:
            raise ConfigError(f"'{w}' is not an override; allowed: key=value (e.g. actors.<ID>.resolve=0.4)")
    return words


def _command_line(
    scenario, runs, seed, overrides, uncertainty, horizon_weeks, workers, trace, weekly=False, caller="simulate()"
) -> list[str]:
    """The overrides ``isf-sim`` would be given for these arguments (None: the config's default)."""
    settings = {
        "scenario": scenario,
        "runs": runs,
        "seed": seed,
        "uncertainty": uncertainty,
        "horizon_weeks": horizon_weeks,
        "workers": workers,
        "trace": True if trace else None,
        "weekly": True if weekly else None,
    }
    words = [f"{k}={_text(v)}" for k, v in settings.items() if v is not None]
    for w in overrides_list(overrides):
        key = w.split("=", 1)[0].lstrip("+~")
        if key.startswith("hydra"):
            raise ConfigError(f"'{w}': {caller} runs no Hydra job; allowed: run settings, actors.*, mechanisms.*")
        if key.split(".")[0] in ("csv", "design"):
            raise ConfigError(f"'{w}': {caller} writes no files and runs no sensitivity design; use isf-sim")
        words.append(w)
    return words


def simulate(
    scenario: str = "baseline",
    runs: int | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    *,
    uncertainty: str | None = None,
    horizon_weeks: int | None = None,
    workers: int | str | None = None,
    trace: bool = False,
    weekly: bool = False,
    config_dir: str | Path | None = None,
    case: str | Path | None = None,
    progress: bool = False,
) -> pd.DataFrame | Traced | Weekly | TracedWeekly:
    """Run a scenario ``runs`` times; return its runs table (with ``trace=True``, a :class:`Traced`;
    with ``weekly=True``, a :class:`Weekly`; with both, a :class:`TracedWeekly`).

    The same as ``isf-sim scenario=SCENARIO runs=RUNS seed=SEED KEY=VALUE ...`` without writing
    anything: the same config (the default case's folder; ``case``: a shipped case's name or the
    path of a case folder, like ``case=``; or ``config_dir`` like ``--config-path``), the same
    validation, the same seeds (run i uses ``seed + i``) and the same table as its runs.parquet.

    ``runs``, ``seed``, ``uncertainty`` ("sample" or "fixed"), ``horizon_weeks`` and ``workers``
    (a number or "auto") left at None take the config's defaults (300, 0, sample, 52, auto).
    ``overrides``: ``{"actors.<ID>.resolve": 0.4}`` or ``["actors.<ID>.resolve=0.4"]``; each key is
    held at its value (never sampled), as on the command line. ``weekly=True`` adds the weekly
    table (one row per run and week, what forecast questions read), as ``isf-sim weekly=true``;
    the runs table is the same with or without it. ``progress=True``: a bar on stderr.

    Raises :class:`sim.model.params.ConfigError` (a ``ValueError``) with the one-line message
    ``isf-sim`` prints for the same bad key, value or scenario.
    """
    words = _command_line(scenario, runs, seed, overrides, uncertainty, horizon_weeks, workers, trace, weekly)
    if case is not None and config_dir is not None:
        raise ConfigError("simulate(): give case= or config_dir=, not both (both name the case's folder)")
    raw = compose(words, case_dir(case) if config_dir is None else Path(config_dir))
    check_config(words, raw)  # what isf-sim checks before anything runs
    job, settings, design = make_job(raw, words)  # the job as isf-sim builds it
    if design is not None:
        raise ConfigError("a sensitivity design (design:) runs as a sweep; use isf-sim -m +experiment=...")
    n_workers = settings.workers or workers_for(settings.runs, launcher_kind(None))
    with bar(progress and not trace, settings.runs, f"simulate('{settings.scenario}')") as tick:
        results = run_job_replicates(job, workers=n_workers, progress=tick)
    if trace and weekly:
        return TracedWeekly(results.runs, results.events, results.timeline, results.positions, results.weekly)
    if trace:
        return Traced(results.runs, results.events, results.timeline, results.positions)
    if weekly:
        return Weekly(results.runs, results.weekly)
    return results.runs


# --------------------------------------------------------------------------- compare

COMPARE_COLUMNS = (
    *("outcome", "label", "kind", "a", "b", "diff", "lo", "hi"),
    *("n_a", "n_b", "n_pairs", "paired", "method"),
)
_METHODS = {
    (True, "proportion"): "Newcombe paired (method 10)",
    (True, "mean"): "paired t",
    (False, "proportion"): "Wald (independent)",
    (False, "mean"): "Welch (independent)",
}


def _table(x: Any, name: str) -> pd.DataFrame:
    if isinstance(x, (Traced, Weekly, TracedWeekly)):
        return x.runs
    if isinstance(x, pd.DataFrame):
        return x
    if isinstance(x, (str, Path)):
        path = Path(x)
        return pd.read_parquet(path / "runs.parquet" if path.is_dir() else path)
    raise TypeError(
        f"compare: {name} is a {type(x).__name__}; allowed: a runs table, what simulate() returns "
        "or a runs.parquet path"
    )


def _split_outcomes(
    outcomes: Iterable[str], a: pd.DataFrame, b: pd.DataFrame, reg: Registry
) -> tuple[list[str], list[str], dict]:
    """Named outcomes (of the case's registry ``reg``) -> (their keys in that order, binary
    outcomes compared as proportions, columns compared by their means)."""
    order: list[str] = []
    props: list[str] = []
    means: dict[str, tuple[str, str]] = {}
    columns = [c for c in a.columns if c in b.columns]
    for name in [outcomes] if isinstance(outcomes, str) else outcomes:
        try:
            key = reg.resolve(name, columns)
        except KeyError:
            allowed = ", ".join([*reg.outcomes, *reg.means])
            raise ValueError(f"unknown outcome '{name}'; allowed: {allowed}, or a column of both tables") from None
        if key in WEEKS:
            raise ValueError(
                f"'{name}' is a time to an event (NaN: it never happened), not a mean to compare; "
                "compare whether it happened instead (e.g. 'deployed', 'un_authorized')"
            )
        if key in order:
            continue
        order.append(key)
        if key in reg.means:
            means[key] = reg.means[key]
            continue
        try:
            reg.series(a, key), reg.series(b, key)
            props.append(key)
        except KeyError:
            if key in columns and pd.api.types.is_numeric_dtype(a[key]) and pd.api.types.is_numeric_dtype(b[key]):
                means[key] = (f"mean {key}", "")
            else:
                raise ValueError(f"outcome '{name}' cannot be computed from both tables") from None
    return order, props, means


def _case_block(case: str | Path | None) -> dict | None:
    """The case block of a case folder (None: the default case)."""
    if case is None:
        return None
    from sim.config.files import read_yaml

    _, raw = read_yaml(case_dir(case) / "case.yaml")
    raw = raw if isinstance(raw, dict) else {}
    return raw.get("case", raw)


def compare(
    a: Any,
    b: Any,
    outcomes: Iterable[str] | str | None = None,
    paired: bool | None = None,
    *,
    case: str | Path | None = None,
) -> pd.DataFrame:
    """The differences b − a of each outcome between two runs tables, with 95 % intervals.

    ``a``, ``b``: runs tables (from :func:`simulate`, or ``pd.read_parquet("…/runs.parquet")``;
    a path to a runs.parquet or its folder, or a :class:`Traced`, also do).
    ``outcomes``: names (``"deployed"``, ``"P(UN authorized)"``, ``"troops"``, the case's named
    outcomes, any boolean or numeric column); None: every reported proportion and mean both tables
    hold. ``case``: the case whose named outcomes these are (a name or a case folder's path; None:
    the default case).
    ``paired``: None (default) pairs the runs by seed when every run of each table has exactly one
    match in the other (common random numbers) and falls back to independent intervals otherwise;
    True raises a ``ValueError`` if they cannot be paired; False always uses independent intervals.

    One row per outcome: outcome, label, kind ("proportion"/"mean"), a and b (the two estimates),
    diff (the estimate of b − a), lo and hi (its 95 % interval), n_a and n_b (runs), n_pairs (runs
    matched by seed, 0 if not paired), paired (bool) and method: "Newcombe paired (method 10)" or
    "paired t" when paired, "Wald (independent)" or "Welch (independent)" when not. The sentence
    saying how the runs were matched is in ``table.attrs["pairing"]``.
    """
    ta, tb = _table(a, "a"), _table(b, "b")
    reg = registry(_case_block(case))
    pair = report_compare.pairing(ta, tb)
    if paired and not pair.paired:
        raise ValueError(f"the runs cannot be paired by seed ({pair.note.replace('folder', 'table')})")
    note = pair.note
    if paired is False and pair.paired:  # independent on purpose: the comparison must not see the seeds
        ta, tb = ta.drop(columns="seed"), tb.drop(columns="seed")
        note = "independent (paired=False), although the runs share their seeds"
    if outcomes is None:
        order, props, means = None, list(reg.reported), dict(reg.means)
    else:
        order, props, means = _split_outcomes(outcomes, ta, tb, reg)
    with use(reg):
        table, used = report_compare.compare(ta, tb, keys=props, means=means)
    if order is not None:  # in the order asked for
        table = table.set_index("outcome").loc[order].reset_index()
    table["n_a"], table["n_b"] = len(ta), len(tb)
    table["n_pairs"] = used.n if used.paired else 0
    table["paired"] = used.paired
    table["method"] = [_METHODS[(used.paired, kind)] for kind in table["kind"]]
    out = table[list(COMPARE_COLUMNS)].reset_index(drop=True)
    out.attrs["pairing"] = note.replace("folder", "table")
    return out


# --------------------------------------------------------------------------- forecast and score


class Forecast(NamedTuple):
    """What :func:`forecast` returns: the content of an ``isf-forecast`` folder.

    - ``table``: forecast.csv's frame, one row per question (question, text, p, low, high,
      rule_low, rule_high, runs, status_quo);
    - ``answers``: answers.parquet's frame, one row per run (seed) and a yes/no column per question;
    - ``registration``: registration.json's content (as written when ``out`` was given; without
      ``out``, everything but the commit, versions, command and time, which only writing adds);
    - ``out``: the folder written, or None.
    """

    table: pd.DataFrame
    answers: pd.DataFrame
    registration: dict
    out: Path | None


def forecast(
    case: str | Path | None = None,
    scenario: str = "baseline",
    runs: int = 300,
    seed: int = 0,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    out: str | Path | None = None,
) -> Forecast:
    """Answer the case's questions (its ``questions.yaml``) as ``isf-forecast`` does; a :class:`Forecast`.

    The same as ``isf-forecast case=CASE scenario=SCENARIO runs=RUNS seed=SEED KEY=VALUE ... out=OUT``:
    the same composition and checks, the scenario run ``runs`` times under each admitted bargaining
    rule on the same seeds, the same table (forecast.csv) and answers (answers.parquet) for the same
    seed. ``case``: a shipped case's name or a case folder's path (None: the default case).
    ``overrides``: as for :func:`simulate`. Nothing is written unless ``out`` names a folder; then
    the forecast folder is written there (:func:`sim.forecasting.run.write`), with the equivalent
    ``isf-forecast`` command in its registration.

    Raises :class:`sim.model.params.ConfigError` with the one line ``isf-forecast`` prints.
    """
    words = _command_line(scenario, runs, seed, overrides, None, None, None, False, caller="forecast()")
    for w in words:
        key = w.split("=", 1)[0].lstrip("+~")
        if key in ("case", "out", "trace", "weekly"):
            raise ConfigError(
                f"'{w}': not an override of forecast(); allowed: case= and out= as arguments, model settings"
            )
    table, answers, registration = forecast_run.forecast(case, words, workers=None)
    if out is None:
        return Forecast(table, answers, registration, None)
    out = Path(out)
    check_writable("out", str(out))
    argv = ([f"case={case}"] if case is not None else []) + words + [f"out={out}"]
    forecast_run.write(out, table, answers, registration, " ".join([forecast_run.PROG, *map(shlex.quote, argv)]))
    written = json.loads((out / "registration.json").read_text(encoding="utf-8"))
    return Forecast(table, answers, written, out)
