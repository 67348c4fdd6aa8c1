"""One job: a scenario run ``runs`` times, written to its folder.

:func:`run_job` takes the composed config as a plain dict and knows nothing of Hydra: the
command line (:mod:`sim.cli`) and the launchers call it. A job in an in-process sweep hands its
runs to the sweep's pipeline (:mod:`sim.sweep.pipeline`) and returns at once.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from sim.config import build, lever_keys, override_keys, parameter_meta
from sim.model.params import ConfigError, RunSettings
from sim.model.run import Job, Pending, Results, auto_workers, chunks, simulate
from sim.sweep import guard, lock, pipeline, sensitivity, stream
from sim.sweep.folders import (
    MANIFEST,
    RUNS,
    check_job,
    command,
    finish_job,
    git_state,
    job_key,
    versions,
    write_tables,
)


class WriteFailed(ConfigError):
    """A job folder could not be written (a full disk, a read-only or vanished folder, ...)."""


RESUME = "finished jobs are kept; run the same command again to resume"


def describe_os_error(exc: OSError) -> str:
    """'No space left on device (ENOSPC)': the cause of an OSError, in a few words."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    text = exc.strerror or str(exc) or type(exc).__name__
    return f"{text} ({name})" if name else text


def fault_line(exc: BaseException, where: Path, resume: bool = False) -> str | None:
    """The one line an error of a job or a sweep becomes, if it is a fault of the folder (an
    OSError, or a ConfigError such as :class:`WriteFailed`), found along the exception's causes
    (the sweep's pipeline hands a job's error on inside a RuntimeError); None for anything else.
    ``resume``: say that the same command resumes (after a fault of the folder, not a bad config)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, ConfigError):
            return f"{e}; {RESUME}" if resume and isinstance(e, WriteFailed) else str(e)
        if isinstance(e, OSError):
            return f"cannot write {where}: {describe_os_error(e)}" + (f"; {RESUME}" if resume else "")
        e = e.__cause__ or e.__context__
    return None


def launcher_kind(launcher: Mapping[str, Any] | None) -> str:
    """How a launcher runs jobs, read from its config (``hydra.launcher``):

    - ``in_process``: one after another in this process (isf-sim's launcher says
      ``in_process: true``; Hydra's basic launcher has a config with nothing but its target);
    - ``cluster``: one job per allocation (submitit's SLURM launcher: a config with a partition);
    - ``side_by_side``: several jobs at once on this machine or on one-core workers (joblib's
      ``n_jobs``, submitit's local launcher, Dask).
    """
    keys = set(launcher or {}) - {"_target_"}
    if not keys or (launcher or {}).get("in_process"):
        return "in_process"
    if "partition" in keys:
        return "cluster"
    return "side_by_side"


def workers_for(runs: int, kind: str, sweep_runs: int | None = None) -> int:
    """Default worker processes for a job (``workers=auto``).

    In an in-process sweep, the pool of all cores as soon as the whole sweep is large enough,
    even if each job is small; under launchers that run jobs side by side, 1 (the launcher
    already uses the cores); otherwise (a single run, one job per SLURM task) the cores this
    process may use.
    """
    if sweep_runs is not None:
        return auto_workers(max(runs, sweep_runs))
    if kind == "side_by_side":
        return 1
    return auto_workers(runs)


def discard(folder: Path) -> None:
    """Remove a job folder that holds no results (nothing half-written stays behind). Only the
    job's own folder: a parent, even an empty one, may be the user's (``hydra.run.dir=mine/job``)."""
    if folder.exists() and not (folder / RUNS).exists():
        shutil.rmtree(folder, ignore_errors=True)


def dump_config(raw: dict) -> str:
    return yaml.dump(raw, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, allow_unicode=True)


@dataclass
class Finished:
    """A single job (not part of a sweep), written: what the command prints about it (``results``
    None: the runs were streamed to the folder, and the printed table reads what it prints from
    there, :func:`sim.report.table.read_printed`)."""

    results: Results | None
    settings: RunSettings
    folder: Path
    wall: float
    workers: int


def run_or_fail(
    raw: dict, out: Path, task_overrides: list[str], in_sweep: bool = False, launcher: Mapping[str, Any] | None = None
) -> Finished | None:
    """:func:`run_job`; a configuration error ends the command with one line and exit code 2,
    and a job that did not finish leaves no folder behind."""
    try:
        return run_job(raw, out, task_overrides, in_sweep=in_sweep, launcher=launcher)
    except Exception as exc:
        fail(exc, out, in_sweep)
    except BaseException:
        _discard_quietly(out)
        raise


def fail(exc: Exception, out: Path, in_sweep: bool) -> NoReturn:
    """End the command for a job that failed: its folder cleaned up (:func:`discard`), then one
    line and exit code 2 for a fault of the folder or a bad config (anything else is raised)."""
    _discard_quietly(out)
    line = fault_line(exc, out, resume=in_sweep)
    if line is None:
        raise exc
    if in_sweep:  # the jobs already handed to the pipeline: written, or their failure ignored
        try:
            pipeline.stop()
        except Exception:  # noqa: BLE001, S110 - the error being reported is the first one
            pass
    print(f"isf-sim: error: {line}", file=sys.stderr)
    sys.exit(2)


def _discard_quietly(folder: Path) -> None:
    try:
        discard(folder)
    except OSError:
        pass


def make_job(raw: dict, task_overrides: list[str]) -> tuple[Job, RunSettings, sensitivity.Design | None]:
    """A composed config (no ``hydra`` node) -> the replicates to run, the run settings and the
    sensitivity design, if any: what a job and :func:`sim.api.simulate` run, built one way."""
    design, model_raw = sensitivity.split_design(raw)
    params, settings = build(model_raw, override_keys(task_overrides))
    job = Job(
        params=params,
        seed=settings.seed,
        runs=settings.runs,
        uncertainty=settings.uncertainty,
        meta=parameter_meta(model_raw),
        fixed=frozenset(lever_keys(model_raw) | override_keys(task_overrides)),
        trace=settings.trace,
        weekly=settings.weekly,
    )
    return job, settings, design


def run_job(
    raw: dict, out: Path, task_overrides: list[str], in_sweep: bool = False, launcher: Mapping[str, Any] | None = None
) -> Finished | None:
    """Validate the composed config ``raw`` (no ``hydra`` node), run it, write ``out``.

    Returns what a single job's command prints (None for a job of a sweep, whose writing may
    still be under way in the sweep's pipeline)."""
    job, settings, design = make_job(raw, task_overrides)
    meta = job.meta
    pipe = pipeline.current() if in_sweep else None
    workers = settings.workers or workers_for(
        settings.runs, launcher_kind(launcher), pipe.total_runs if pipe is not None else None
    )
    points = None if design is None else sensitivity._n_points(design, sensitivity.problem(meta, job.fixed)["num_vars"])
    config_yaml = dump_config(raw)
    key = job_key(config_yaml)
    if in_sweep:  # resume: a finished job of the same config is kept, not re-run
        done, problem = check_job(out, key)
        if done:
            return None
        if problem:  # it looked finished: say so, and make it unfinished before running it again
            print(f"isf-sim: job {out.name}: {problem}; running it again", file=sys.stderr)
            (out / MANIFEST).unlink(missing_ok=True)
        lock.clean_temps(out)

    explicit = {
        "scenario": settings.scenario,
        "seed": settings.seed,
        "runs": settings.runs,
        "horizon_weeks": settings.horizon_weeks,
        "uncertainty": settings.uncertainty,
    }
    manifest = {
        "kind": "run",
        "scenario": settings.scenario,
        "seed": settings.seed,
        "runs": settings.runs,
        "seeds": {
            "first": settings.seed,
            "last": settings.seed + settings.runs - 1,
            "rule": "run i uses seed + i; the row's seed column re-runs that row alone",
        },
        "horizon_weeks": settings.horizon_weeks,
        "uncertainty": settings.uncertainty,
        "fixed_parameters": sorted(job.fixed),
        "trace": settings.trace,
        "workers": workers,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command(task_overrides, explicit),
        "rerun_row": rerun_row(task_overrides, explicit, points),
        "git": git_state(),
        "versions": versions(),
        "overrides": task_overrides,
        "config_sha256": key,
    }
    own_lock = not in_sweep and not lock.holds(out)  # isf-sim's callback claimed it already
    if own_lock:  # one writer per folder, and only this job's results in it
        lock.claim(out, key, "run", manifest["command"])
    try:
        return _run(job, design, out, pipe, workers, config_yaml, manifest, settings, in_sweep)
    finally:
        if own_lock:
            lock.release(out)


def _run(job, design, out, pipe, workers, config_yaml, manifest, settings, in_sweep) -> Finished | None:
    if design is not None or not job.trace:
        guard.warm(workers)  # the pool, with Ctrl-C kept from the workers, and its guard
    t0 = time.perf_counter()

    def written(write: Callable[[], dict]) -> float:
        """Write the job's tables (``write`` returns their checks), then its config and manifest."""
        try:
            tables = write()
            wall = time.perf_counter() - t0
            finish_job(out, tables, config_yaml, {**manifest, "wall_time_s": round(wall, 3)})
        except OSError as exc:  # a full disk, a vanished or read-only folder: nothing half-written stays
            _discard_quietly(out)
            raise WriteFailed(f"cannot write {out}: {describe_os_error(exc)}") from exc
        return wall

    def finish(results: Results) -> float:
        return written(lambda: write_tables(out, results, csv=settings.csv))

    def streamed(parts) -> float:  # the runs written as they arrive: memory does not grow with runs
        return written(lambda: stream.write_runs(out, parts, job.params, csv=settings.csv))

    progress = pipe.progress_hook(str(out)) if pipe is not None else None
    if design is not None:
        finish(
            Results(
                sensitivity.run_block(
                    design, job.params, job.meta, job.fixed, settings.seed, settings.runs, workers, progress
                )
            )
        )
    elif job.trace:  # a few runs (sim.sweep.limits caps them), kept whole for the story
        results = simulate(job, workers=workers, progress=progress)
        wall = finish(results)
        if not in_sweep:
            return Finished(results, settings, out, wall, workers)
    elif pipe is not None and workers > 1:
        # an in-process sweep: submit the runs and move on; the sweep's writer thread finishes
        pending = Pending(job, workers, progress)
        pipe.defer(out, lambda: streamed(pending.parts()))
    elif pipe is not None:
        streamed(chunks(job, workers=workers, progress=progress))
    else:
        wall = _streamed_with_progress(job, workers, streamed)
        if not in_sweep:  # a sweep prints one progress bar and one summary, not a table per job
            return Finished(None, settings, out, wall, workers)
    return None


def rerun_row(task_overrides: list[str], explicit: dict[str, Any], points: int | None = None) -> str:
    """The command that re-runs one row of this job's table: ``.format(seed=<row's seed>)``; for a
    sensitivity design of ``points`` points also ``point=<row's point>``: the design cut into one
    block per point, and that point's block (the same point values, the same seed)."""
    replace: dict[str, Any] = {**explicit, "runs": 1, "seed": "@SEED@"}
    if points is not None:
        replace |= {"design.blocks": points, "design.block": "@POINT@"}
    cmd = command(task_overrides, replace).replace("{", "{{").replace("}", "}}")
    return cmd.replace("@SEED@", "{seed}").replace("@POINT@", "{point}")


def _streamed_with_progress(job: Job, workers: int, streamed: Callable[[Iterable], float]) -> float:
    """A single job's runs, streamed to its folder, with a progress bar on a terminal for long jobs."""
    if job.runs < 2000 or not sys.stderr.isatty():
        return streamed(chunks(job, workers=workers))
    from tqdm import tqdm

    with tqdm(total=job.runs, unit="run", desc="isf-sim", leave=False) as bar:
        return streamed(chunks(job, workers=workers, progress=bar.update))
