"""The runs behind a sheet's numbers, made through the same code as the sheet's commands.

An ``isf-sim`` command (each job of a ``-m`` sweep too) is composed, validated and simulated as
:func:`sim.sweep.job.run_job` does it, without writing a folder; an ``isf-play`` command is played
with the answers piped into it, beside the model's own run on the same seed. Same overrides,
same seeds, same runs: the tables are those the commands write.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.teaching.exercises.sheets import (
    Command,
    answers_of,
    case_of,
    commands,
    experiment_overrides,
    key_of,
    with_case,
    with_runs,
)


@dataclass(frozen=True)
class SheetRun:
    """One isf-sim job of a sheet: its label and its overrides (as Hydra's task overrides)."""

    label: str
    overrides: tuple[str, ...]


@dataclass(frozen=True)
class SheetSweep:
    """An ``isf-sim -m`` command of a sheet: its swept keys and one SheetRun per job."""

    command: Command
    swept: list[str]
    cells: list[SheetRun]

    @property
    def label(self) -> str:
        return label_of(self.command.args)


@dataclass
class SheetRuns:
    """The commands of one sheet whose numbers the notes need."""

    path: Path
    singles: list[SheetRun]
    sweeps: list[SheetSweep]
    plays: list[Command]

    @property
    def keys(self) -> list[tuple[str, ...]]:
        """The overrides of every job, singles first."""
        return [j.overrides for j in self.singles] + [j.overrides for s in self.sweeps for j in s.cells]

    def named(self, results: dict) -> dict[str, pd.DataFrame]:
        """The runs tables by name: a single job by its folder, a sweep's job as ``folder[values]``."""
        named = {j.label: results[j.overrides][0] for j in self.singles}
        named.update({f"{s.label}[{j.label}]": results[j.overrides][0] for s in self.sweeps for j in s.cells})
        return named


def overrides_of(args: Iterable[str]) -> tuple[str, ...]:
    """The task overrides of an isf-sim command line (no flags, no hydra.* settings)."""
    return tuple(a for a in args if not a.startswith("-") and not key_of(a).startswith("hydra"))


def label_of(args: Iterable[str]) -> str:
    """A job's name: the last part of its result folder, else its overrides."""
    for a in args:
        if key_of(a) in ("hydra.run.dir", "hydra.sweep.dir"):
            return a.split("=", 1)[1].rstrip("/").rsplit("/", 1)[-1]
    return " ".join(overrides_of(args)) or "baseline"


def sweep_jobs(cmd: Command) -> tuple[list[str], list[list[str]]]:
    """(swept keys, each job's overrides) of an ``isf-sim -m`` command, as Hydra's basic
    sweeper expands it (an experiment's sweep first; command-line values replace it)."""
    from sim.sweep.plan import expand, swept_keys

    args = experiment_overrides(cmd) + list(overrides_of(cmd.args))
    return swept_keys(args), expand(args)


def sheet_runs(path: Path, runs: int | None = None, case: str | None = None) -> SheetRuns:
    """The isf-sim jobs (traced runs left out) and isf-play games of a sheet; with ``runs``, every
    ``runs=`` of its commands replaced; with ``case``, its commands run that case (unless they
    name one)."""
    cmds = [with_case(with_runs(c, runs) if runs else c, case) for c in commands(path.read_text(encoding="utf-8"))]
    singles, sweeps = [], []
    for c in cmds:
        if c.program != "isf-sim" or any(key_of(a) == "trace" and a.endswith("true") for a in c.args):
            continue
        if c.is_sweep:
            swept, jobs = sweep_jobs(c)
            cells = [SheetRun(" ".join(ov.split("=", 1)[1] for ov in j if key_of(ov) in swept), tuple(j)) for j in jobs]
            sweeps.append(SheetSweep(c, swept, cells))
        else:
            singles.append(SheetRun(label_of(c.args), overrides_of(c.args)))
    return SheetRuns(path, singles, sweeps, [c for c in cmds if c.program == "isf-play"])


def own_runs(path: Path) -> int:
    """The fewest runs any ``isf-sim`` command of the sheet makes as written (300, the config's
    default, where one gives no ``runs=``): the run count the key's claims were checked at."""
    counts = [
        next((int(a.split("=", 1)[1]) for a in c.args if key_of(a) == "runs"), 300)
        for c in commands(path.read_text(encoding="utf-8"))
        if c.program == "isf-sim" and not any(key_of(a) == "trace" and a.endswith("true") for a in c.args)
    ]
    return min(counts, default=300)


def run_overrides(overrides: Iterable[str], workers: int = 1) -> tuple[pd.DataFrame, object]:
    """The runs table ``isf-sim <overrides>`` writes, and its run settings: the job built as
    isf-sim builds it (:func:`sim.sweep.job.make_job`; traced commands are left out here)."""
    from sim.config import compose
    from sim.config.compose import case_dir
    from sim.model.run import simulate
    from sim.sweep.job import make_job

    case = case_of(overrides)  # case=NAME|PATH: the case folder, not an override
    overrides = [o for o in overrides if key_of(o) != "case"]
    job, settings, _design = make_job(compose(overrides, case_dir(case)), overrides)
    return simulate(job, workers=workers).runs, settings


def run_all(
    keys: Iterable[tuple[str, ...]], jobs: int = 2, progress: Callable[[int], object] | None = None
) -> dict[tuple[str, ...], tuple[pd.DataFrame, object]]:
    """:func:`run_overrides` for each set of overrides, ``jobs`` at a time (one process each);
    ``progress(1)`` is called as each finishes (in any order: the results are keyed, not ordered)."""
    keys = list(dict.fromkeys(keys))
    tick = progress or (lambda n: None)
    if jobs <= 1 or len(keys) < 2:
        out = {}
        for k in keys:
            out[k] = run_overrides(k)
            tick(1)
        return out
    from concurrent.futures import as_completed

    from joblib.externals.loky import get_reusable_executor

    pool = get_reusable_executor(max_workers=jobs, timeout=120)
    futures = {pool.submit(run_overrides, k): k for k in keys}
    done = {}
    for fut in as_completed(futures):
        done[futures[fut]] = fut.result()
        tick(1)
    return {k: done[k] for k in keys}


# --------------------------------------------------------------------------- isf-play games


@dataclass(frozen=True)
class Game:
    """One isf-play command played out: the player's run and the model's own run on its seed.

    ``player`` and ``model`` are outcome rows (the columns of runs.parquet, plus
    ``week_funding_<actor>``); the events are the runs' (week, kind, text) of note."""

    command: Command
    player: dict
    model: dict
    player_events: list[tuple[int, str, str]]
    model_events: list[tuple[int, str, str]]


NOTED_EVENTS = ("veto_yielded", "funding", "collapse")


def play_game(cmd: Command) -> Game:
    """Play the command's game with the answers piped into it, and the model's own run."""
    from sim.config import load
    from sim.config.compose import case_dir
    from sim.model.narrative import describe
    from sim.model.outcomes import outcome
    from sim.model.run import run_model
    from sim.teaching import play

    aid, seed, _runs, _answers, overrides = play.parse_args(list(cmd.args))
    params = load(overrides, case_dir(case_of(cmd.args)))[0]
    answers = answers_of(cmd.segments[0]) if len(cmd.segments) > 1 else iter(())
    human = play.Human(lambda: next(answers, None), io.StringIO(), echo=True)
    played = play.play(params, aid, seed, human, io.StringIO())
    own = run_model(params, seed, trace=True)
    rows, events = [], []
    for model in (played, own):
        row = outcome(model, seed)
        row.update({f"week_{kind}_{actor}": w for w, kind, actor, *_ in model.trace.events if kind == "funding"})
        rows.append(row)
        events.append([(w, kind, describe(kind, a, t, v, d, params.case)) for w, kind, a, t, v, d in model.trace.events
                       if kind in NOTED_EVENTS])  # fmt: skip
    return Game(cmd, rows[0], rows[1], events[0], events[1])
