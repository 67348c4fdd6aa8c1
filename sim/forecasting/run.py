"""``isf-forecast``: a case's questions answered by the model, registered so it can be scored later.

``isf-forecast [case=NAME|PATH] [scenario=...] [runs=N] [seed=S] [key=value ...] [out=DIR]``
takes isf-sim's settings: the same composition and checks (Hydra's compose API on the case
folder, :func:`sim.config.compose.compose`, :func:`sim.sweep.plan.check_config`), so a wrong key,
value or actor id is the same one line. It runs the scenario ``runs`` times under each admitted
bargaining rule on the same seeds, with the weekly table (:mod:`sim.model.weekly`), answers every
question of the case (:mod:`sim.forecasting.questions`) in every run, and writes a forecast folder:

- ``forecast.csv`` — ``question, text, p, low, high, rule_low, rule_high, runs, status_quo``:
  the share of runs answering yes under the configured rule (its Monte Carlo 95% Wilson
  interval), the range of that share across the admitted rules (structural uncertainty), the
  runs per rule, and the status-quo answer;
- ``answers.parquet`` — one row per run (``seed``), one yes/no column per question (configured rule);
- ``registration.json`` — the case, its evidence cut-off, the git commit, SHA-256 hashes of the
  case folder and of its questions, the command and the time: a forecast made today can be
  scored next year (``isf-score``) and shown not to have been changed since.

The same command and seed give the same bytes of ``forecast.csv`` and ``answers.parquet``.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
import time
from pathlib import Path

import pandas as pd

from sim.model.params import ConfigError

PROG = "isf-forecast"
COLUMNS = ("question", "text", "p", "low", "high", "rule_low", "rule_high", "runs", "status_quo")


def folder_hash(folder: Path) -> str:
    """SHA-256 over every file of a folder: relative paths and bytes, in sorted order."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(folder)).encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


def forecast(case: str | Path | None = None, overrides: list[str] | None = None, workers: int | None = 1):
    """Run the forecast: (the forecast table, the answers, the registration record's content).

    ``overrides``: isf-sim's key=value settings (``scenario=``, ``runs=``, ``seed=``, ...)."""
    from sim.config.compose import case_dir, compose
    from sim.forecasting import questions as qs
    from sim.model import weekly as weekly_table
    from sim.model.run import simulate
    from sim.stats import wilson_interval
    from sim.sweep.job import make_job
    from sim.sweep.plan import check_config

    folder = case_dir(case)
    words = list(overrides or [])
    raw = compose(words, folder)
    check_config(words, raw)
    job, settings, design = make_job(raw, words)
    if design is not None:
        raise ConfigError("a sensitivity design is not a forecast; allowed: a scenario and its settings")
    if settings.trace:
        raise ConfigError("trace=true is not a forecast setting; allowed: trace=false")
    ids = tuple(job.params.actors)
    columns = list(weekly_table.columns(job.params))
    questions = qs.load(folder / "questions.yaml", columns, settings.horizon_weeks, ids)
    job.weekly = True
    configured = job.params.mechanisms.pressure.rule
    rules = rules_to_run(job.params)
    shares: dict[str, pd.Series] = {}
    answered = None
    for rule in rules:
        rule_job = _with_rule(job, rule)
        res = simulate(rule_job, workers=workers)
        table = qs.answers(questions, res.weekly)
        shares[rule] = table.drop(columns="seed").mean()
        if rule == configured:
            answered, weekly = table, res.weekly
    rows = []
    n = settings.runs
    for q in questions:
        k = int(answered[q.id].sum())
        low, high = wilson_interval(k, n)
        by_rule = [float(shares[r][q.id]) for r in rules]
        rows.append((q.id, q.text, k / n, low, high, min(by_rule), max(by_rule), n, int(qs.status_quo(q, weekly))))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    case_block = raw.get("case") or {}
    registration = {
        "case": case_block.get("name"),
        "title": case_block.get("title"),
        "week0": str(case_block.get("week0")),
        "cutoff": str(case_block.get("cutoff")),
        "case_folder": str(folder),
        "case_hash": folder_hash(folder),
        "questions_hash": hashlib.sha256((folder / "questions.yaml").read_bytes()).hexdigest(),
        "scenario": settings.scenario,
        "runs": n,
        "seed": settings.seed,
        "uncertainty": settings.uncertainty,
        "horizon_weeks": settings.horizon_weeks,
        "rules": list(rules),
        "rule": configured,
    }
    return table, answered, registration


def rules_to_run(params) -> tuple[str, ...]:
    """The configured rule first, then the other rules the case admits
    (:func:`sim.model.mechanisms.bargaining.admitted`): the range is across all of them."""
    from sim.model.mechanisms.bargaining import admitted

    configured = params.mechanisms.pressure.rule
    return (configured, *(r for r in admitted(params) if r != configured))


def _with_rule(job, rule: str):
    from dataclasses import replace

    from sim.model.paths import with_values

    return replace(job, params=with_values(job.params, {"mechanisms.pressure.rule": rule}))


def write(out: Path, table: pd.DataFrame, answered: pd.DataFrame, registration: dict, command: str) -> None:
    """The forecast folder (files written whole, then renamed: never half-written)."""
    from sim.sweep.folders import atomic_write_text, git_state, versions, write_parquet

    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "forecast.csv", table.to_csv(index=False, float_format="%.6g"))
    write_parquet(out / "answers.parquet", answered)
    record = {
        **registration,
        "commit": git_state().get("commit"),
        "versions": versions(),
        "command": command,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    atomic_write_text(out / "registration.json", json.dumps(record, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: ``isf-forecast [case=...] [key=value ...] [out=DIR]``."""
    argv = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.split("\n\n", 2)[1])
        return
    if "--version" in argv:
        from sim.cli import version

        print(f"{PROG} {version()}")
        return
    case, out, words = None, None, []
    try:
        for a in argv:
            if a.startswith("-"):
                raise ConfigError(f"unknown option {a}; allowed: --help, --version, key=value settings")
            key, eq, value = a.partition("=")
            if not eq:
                raise ConfigError(f"'{a}' is not a setting; allowed: key=value (case=, scenario=, runs=, seed=, out=)")
            if key == "case":
                case = value
            elif key == "out":
                out = Path(value)
            elif key.startswith(("hydra", "+experiment", "experiment")):
                raise ConfigError(f"{key}: not a forecast setting; allowed: case=, out=, and isf-sim's model settings")
            else:
                words.append(a)
        table, answered, registration = forecast(case, words, workers=None)
        if out is None:
            stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
            out = Path("forecasts") / str(registration["case"]) / registration["scenario"] / stamp
        from sim.config.hydra_settings import check_writable

        check_writable("out", str(out))
        command = " ".join([PROG, *(shlex.quote(a) for a in argv)])
        write(out, table, answered, registration, command)
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        sys.exit(2)
    _print(table, out, registration)


def _print(table: pd.DataFrame, out: Path, registration: dict) -> None:
    print(f"{registration['title']}: {len(table)} questions, {registration['runs']:,} runs per rule "
          f"(scenario {registration['scenario']}, evidence up to {registration['cutoff']})")  # fmt: skip
    width = max(len(q) for q in table["question"])
    for r in table.itertuples():
        print(f"  {r.question:<{width}}  p = {r.p:.3f}  [95%: {r.low:.3f}-{r.high:.3f}]  "
              f"rules {r.rule_low:.3f}-{r.rule_high:.3f}  status quo: {'yes' if r.status_quo else 'no'}")  # fmt: skip
    print(f"forecast: {out}")


if __name__ == "__main__":
    main()
