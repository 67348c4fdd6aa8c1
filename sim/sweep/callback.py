"""Sweeps (`isf-sim -m ...`): one progress bar, resume, the combined table, the sweep manifest.

Hydra runs the sweep (its sweeper expands the overrides, its launcher runs the jobs: in this
process, in joblib workers, on SLURM through submitit, ...). This module only listens, through a
Hydra callback registered in ``conf/config.yaml`` (``hydra.callbacks.sweep``):

- ``on_multirun_start`` (in the process that runs ``isf-sim -m``): works out the job list the
  sweeper will run (:mod:`sim.sweep.plan`), writes ``manifest.json`` at the sweep root with
  ``status: running``, starts the in-process pipeline (:mod:`sim.sweep.pipeline`) when the
  launcher runs jobs here, and one progress bar for all the sweep's runs. The bar counts finished
  job folders on disk (so it works whatever the launcher) plus the runs of in-process jobs.
- each job (:func:`sim.sweep.job.run_job`) skips itself if its folder already holds a complete
  result of the same config: re-running the same command on the same ``hydra.sweep.dir`` resumes.
- ``on_multirun_end``: waits for the pipeline, streams every job's table into one
  ``runs.parquet`` at the sweep root (:mod:`sim.sweep.combine`), completes the manifest and, for
  sensitivity designs, writes ``sensitivity.parquet``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.model.params import ConfigError
from sim.model.run import auto_workers
from sim.sweep import guard, lock, pipeline, sensitivity
from sim.sweep.combine import combine, combine_csv, combine_weekly
from sim.sweep.folders import MANIFEST, RUNS, atomic_write_text, git_state, job_key, versions
from sim.sweep.job import discard, dump_config, fault_line, launcher_kind
from sim.sweep.pipeline import Pipeline
from sim.sweep.plan import SweepPlan, job_values, sweep_plan

try:
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover
    Callback = object  # type: ignore[misc,assignment]


def _write_manifest(path: Path, data: dict) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, default=str) + "\n")


def _command(cfg: Any, sweep_dir: Path | None = None, multirun: bool = True) -> str:
    import shlex

    from sim.sweep.folders import case_argument

    args = [*case_argument(), *cfg.hydra.overrides.task]
    hyd = [
        o
        for o in cfg.hydra.overrides.hydra
        if not o.startswith(("hydra.mode=", "hydra.sweep.dir=", "hydra.sweeper.prechecked="))
        or (not multirun and o.startswith("hydra.sweep.dir="))
    ]
    if sweep_dir is not None:
        hyd.append(f"hydra.sweep.dir={sweep_dir}")
    return "isf-sim " + ("-m " if multirun else "") + " ".join(shlex.quote(o) for o in args + hyd)


def _refuse(exc: ConfigError) -> None:
    """One line and exit 2 (Hydra turns an exception raised in a callback into a warning)."""
    print(f"isf-sim: error: {exc}", file=sys.stderr)
    sys.exit(2)


def sweep_identity(p: SweepPlan) -> str:
    """What makes a sweep this sweep: its expanded job list (each job's overrides, in order)."""
    import hashlib

    from sim.sweep.folders import case_argument

    return hashlib.sha256(json.dumps([*case_argument(), *p.jobs] if case_argument() else p.jobs).encode()).hexdigest()


def _stopped(signum: int) -> str:
    import signal

    return "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"


def _job_config(config: Any) -> dict:
    """The job's resolved config without its hydra node, as the task function receives it."""
    return {
        k: OmegaConf.to_container(config[k], resolve=True) if OmegaConf.is_config(config[k]) else config[k]
        for k in config
        if k != "hydra"
    }


class _Bar:
    """One tqdm bar for the whole sweep, fed by a thread that watches finished job folders."""

    def __init__(self, sweep_dir: Path, p: SweepPlan, pipe: Pipeline | None, enabled: bool):
        self.sweep_dir, self.plan, self.pipe = sweep_dir, p, pipe
        self.lock = pipe.lock if pipe is not None else threading.Lock()
        self.done: set[int] = set()
        self.stop = threading.Event()
        self.bar = None
        self.initial = self.poll()  # runs already done (resume): not made now, so not in the rate
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=sum(p.runs),
                initial=self.initial,
                unit="run",
                desc=f"isf-sim: {len(p.jobs)} jobs",
                dynamic_ncols=True,
                smoothing=0.05,
                file=sys.stderr,
            )
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def poll(self) -> int:
        with self.lock:
            for i in range(len(self.plan.jobs)):
                if (
                    i not in self.done
                    and (self.sweep_dir / str(i) / MANIFEST).is_file()
                    and (self.sweep_dir / str(i) / RUNS).is_file()
                ):
                    self.done.add(i)
            n = sum(self.plan.runs[i] for i in self.done) + sum(
                self.pipe.partial.values() if self.pipe is not None else ()
            )
        n = min(n, sum(self.plan.runs))
        if self.bar is not None and n > self.bar.n:
            self.bar.update(n - self.bar.n)  # through update(): the rate is runs made per second now
        return n

    def _loop(self) -> None:
        while not self.stop.wait(0.5):
            self.poll()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.poll()
        if self.bar is not None:
            self.bar.close()


class SweepCallback(Callback):
    """Registered in conf/config.yaml; Hydra instantiates it once per `isf-sim` process."""

    def __init__(self, progress: str = "auto") -> None:
        self.progress = progress
        self._bar: _Bar | None = None
        self._t0 = self._started = 0.0
        self._in_process = False
        self._plan: SweepPlan | None = None
        self._manifest: dict = {}

    def __getstate__(self) -> dict:
        # launchers (submitit, joblib) pickle Hydra's context, callbacks included: the bar and
        # its thread stay in the process that started the sweep
        return {
            "progress": self.progress,
            "_bar": None,
            "_t0": 0.0,
            "_started": 0.0,
            "_plan": None,
            "_manifest": {},
            "_in_process": False,
        }

    def on_run_start(self, config: Any, **kwargs: Any) -> None:
        """A single job: claim its folder (one writer, only this job's results in it) and stop
        quietly on Ctrl-C. Before Hydra writes anything there (``.hydra/``)."""
        from hydra.core.hydra_config import HydraConfig

        HydraConfig.instance().set_config(config)
        out = Path(str(config.hydra.run.dir))
        existed = out.exists()
        again = _command(config, multirun=False)
        try:
            key = job_key(dump_config(_job_config(config)))
            lock.claim(out, key, "run", again)
        except lock.FolderRefused as exc:
            _refuse(exc)
        except Exception:  # noqa: BLE001 - a bad config: the job itself reports it (one line, exit 2)
            return
        guard.on_stop(lambda: (lock.remove_own_temps(out), discard(out) if not existed else None))
        guard.install(lambda signum: f"isf-sim: {_stopped(signum)}; nothing was kept; run it again: {again}")

    def on_job_start(self, config: Any, **kwargs: Any) -> None:
        """Hydra's copies of the job's config (``.hydra/``), written as isf-sim writes files
        (Hydra's own writing is off: ``hydra.output_subdir: null``; see :mod:`sim.sweep.hydra_files`)."""
        from sim.sweep import hydra_files

        hydra_files.write(config)

    def on_run_end(self, config: Any, **kwargs: Any) -> None:
        lock.release()

    def on_multirun_start(self, config: Any, **kwargs: Any) -> None:
        self._t0, self._started = time.perf_counter(), time.time()
        sweep_dir = Path(config.hydra.sweep.dir)
        self._plan = p = sweep_plan(config, sensitivity.runs_of)
        identity = sweep_identity(p)
        resume = _command(config, sweep_dir)
        try:
            lock.claim(sweep_dir, identity, "sweep", resume, legacy=json.dumps([p.swept, len(p.jobs), sum(p.runs)]))
        except lock.FolderRefused as exc:
            _refuse(exc)
        for i in range(len(p.jobs)):  # temporary files of a killed writer
            lock.clean_temps(sweep_dir / str(i))
        guard.start_guard()  # worker processes, whichever launcher starts them, die with this one
        guard.on_stop(lambda: lock.remove_own_temps(sweep_dir, recursive=True))
        guard.install(lambda signum: f"isf-sim: {_stopped(signum)}; finished jobs are kept; resume with: {resume}")
        launcher = OmegaConf.to_container(config.hydra.launcher, resolve=False)
        self._manifest = {
            "kind": "sweep",
            "status": "running",
            "sweep_sha256": identity,
            "swept": p.swept,
            "jobs": len(p.jobs),
            "runs": sum(p.runs),
            "command": _command(config),
            "resume": resume,
            "rerun_row": "a row of runs.parquet re-runs with rerun_row in <job>/manifest.json",
            "job_folders": "<sweep dir>/<job number>/ (runs.parquet, config.yaml, manifest.json)",
            "combined": "runs.parquet: every job's rows, plus `job` and one column per swept key",
            "seeds": "every job uses seeds seed .. seed+runs-1 (common random numbers across jobs)",
            "launcher": launcher.get("_target_", ""),
            "design": sensitivity.describe(config),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "git": git_state(),
            "versions": versions(),
        }
        try:
            _write_manifest(sweep_dir / MANIFEST, self._manifest)
        except OSError as exc:
            lock.release(sweep_dir)
            _refuse(ConfigError(fault_line(exc, sweep_dir) or str(exc)))
        self._in_process = launcher_kind(launcher) == "in_process"
        pipe = None
        if self._in_process:  # jobs run one after another here: pipeline them through a warm pool
            pipe = pipeline.start(total_runs=sum(p.runs))
            guard.warm(auto_workers(sum(p.runs)))
        show = self.progress == "always" or (self.progress == "auto" and sys.stderr.isatty())
        self._bar = _Bar(sweep_dir, p, pipe, enabled=show)

    def _shows(self) -> bool:
        """Whether the sweep shows progress (on a terminal, or progress=always)."""
        return self._bar is not None and self._bar.bar is not None

    def on_job_end(self, config: Any, job_return: Any, **kwargs: Any) -> None:
        # Hydra keeps every job's JobReturn until the sweep ends, each with two copies of the
        # job's config (~1.3 MB as OmegaConf nodes): 100 jobs held ~130 MB. The job folder has
        # the config; nothing downstream reads these copies, so drop them: memory stays flat.
        if _is_sweep_job(config):
            job_return.cfg = None
            job_return.hydra_cfg = None

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        # Hydra turns an exception in a callback into a warning and exits 0: a sweep whose last
        # jobs or combined table failed must not look finished, so exit here, non-zero
        try:
            self._end(config)
        except Exception as exc:  # noqa: BLE001
            line = fault_line(exc, Path(str(config.hydra.sweep.dir)), resume=True)
            if line is not None:  # a fault of the folder (a full disk ...): one line, and it resumes
                print(f"isf-sim: error: {line}", file=sys.stderr)
                sys.exit(2)
            import traceback

            traceback.print_exc()
            print(f"isf-sim: error: the sweep did not complete: {exc}", file=sys.stderr)
            sys.exit(1)

    def _end(self, config: Any) -> None:
        if self._in_process:
            pipeline.stop()  # the last jobs' runs, written
        if self._bar is not None:
            self._bar.close()
        sweep_dir = Path(config.hydra.sweep.dir)
        p = self._plan or sweep_plan(config, sensitivity.runs_of)
        rows = combine(sweep_dir, p)
        csv = combine_csv(sweep_dir, p)
        weekly_rows = combine_weekly(sweep_dir, p)
        extra = sensitivity.analyse(config, sweep_dir, p.swept)
        if weekly_rows:
            extra["weekly_rows"] = weekly_rows
        if csv:
            extra["combined_csv"] = "runs.csv: runs.parquet as CSV"
        skipped = sum(1 for i in range(len(p.jobs)) if _older(sweep_dir / str(i) / MANIFEST, self._started))
        launcher = OmegaConf.to_container(config.hydra.launcher, resolve=False)
        extra["rule_range"], rule_note = rule_ranges(sweep_dir, p, launcher_kind(launcher), self._shows())
        self._manifest.update(
            {
                "status": "complete",
                "rows": rows,
                "jobs_resumed": skipped,
                "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "wall_time_s": round(time.perf_counter() - self._t0, 3),
                **extra,
            }
        )
        _write_manifest(sweep_dir / MANIFEST, self._manifest)
        lock.release(sweep_dir)
        summary(sweep_dir, p, rows, skipped, time.perf_counter() - self._t0, rule_note)


def _is_sweep_job(config: Any) -> bool:
    try:
        return str(config.hydra.mode) == "RunMode.MULTIRUN"
    except Exception:  # noqa: BLE001 - no hydra node: not a sweep job
        return False


def _older(path: Path, started: float) -> bool:
    """True for a job result written before this sweep started (kept on resume)."""
    try:
        return path.stat().st_mtime < started
    except OSError:
        return False


def rule_ranges(sweep_dir: Path, p: SweepPlan, kind: str, show: bool) -> tuple[dict, str]:
    """Each job's rule range (:mod:`sim.sweep.rules`), then their ``rules.parquet`` combined at the
    sweep root: (the sweep manifest's ``rule_range`` entry, the summary's line about it). A job
    that has its range already (a resumed sweep) keeps it. None when the sweep sweeps the rule,
    when a job fixes it or runs traced, or on a cluster (the jobs' runs would all be made again
    here, in the process that started the sweep)."""
    from sim.sweep import rules

    if rules.RULE_KEY in p.swept:
        why = "the sweep sweeps the rule"
    elif kind == "cluster":
        why = "the jobs ran on a cluster; fix the rule or sweep it there (mechanisms.pressure.rule=a,b,c)"
    else:
        why = ""
    if why:
        return {"skipped": why}, f"rule range: none ({why})"
    t0, made = time.perf_counter(), 0
    workers = auto_workers(sum(p.runs))
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=len(p.jobs), unit="job", desc="isf-sim: rule range", leave=False, file=sys.stderr)
    entries = []
    for i in range(len(p.jobs)):
        entry = rules.for_job_folder(sweep_dir / str(i), workers)
        if "wall_time_s" in entry:  # made now, not kept from a folder (a resumed sweep)
            made += entry["runs"]
        entries.append(entry)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    skipped = sorted({e["skipped"] for e in entries if "skipped" in e})
    if skipped:
        return {"skipped": "; ".join(skipped)}, f"rule range: none ({'; '.join(skipped)})"
    rows = combine(sweep_dir, p, rules.RULES_FILE, rules.RULES_FILE)
    names = ", ".join(entries[0]["rules"])
    cost = f"{made:,} more runs in {time.perf_counter() - t0:.1f} s" if made else "kept from the jobs' folders"
    note = (
        f"rule range: the same seeds under {names} ({cost}; rules.parquet); to skip it, fix the rule "
        "(mechanisms.pressure.rule=...)"
    )
    return {"rules": entries[0]["rules"], "rows": rows, "file": rules.RULES_FILE}, note


#: What prints the sweep's table of jobs (set by the command line, :mod:`sim.cli`: the report
#: layer's :func:`sim.report.table.print_sweep`, which knows the case's outcomes); None: none.
TABLE = None


def summary(sweep_dir: Path, p: SweepPlan, rows: int, skipped: int, wall: float, rule_note: str = "") -> None:
    """A few lines at the end of a sweep: what ran, a table of its jobs (up to 48, with
    intervals and the rule range), where it went and what to run next."""
    import os
    import shlex

    head = f"{len(p.jobs)} jobs, {rows:,} runs"
    if skipped:
        head += f" ({skipped} jobs already done, kept)"
    print(f"isf-sim: sweep over {', '.join(p.swept) or 'nothing'}: {head} in {wall:.1f} s")
    if TABLE is not None and len(p.jobs) <= 48:
        labels = [" ".join(f"{k}={v}" for k, v in job_values(j, p.swept).items()) for j in p.jobs]
        TABLE(sweep_dir, labels)
    elif TABLE is not None:
        print(f"  {len(p.jobs)} jobs: too many to list here; isf-report shows each")
    if rule_note:
        print(f"  {rule_note}")
    shown = os.path.relpath(sweep_dir) if not os.path.relpath(sweep_dir).startswith("..") else str(sweep_dir)
    print(f"results: {shown} (runs.parquet: all runs; one folder per job)")
    print(f"next: isf-report {shlex.quote(shown)}", flush=True)
