"""Sweeps (`isf-sim -m ...`): one progress bar, resume, the combined table, the sweep manifest.

Hydra runs the sweep (its sweeper expands the overrides, its launcher runs the jobs: in this
process, in joblib workers, on SLURM through submitit, ...). This module only listens, through a
Hydra callback registered in ``conf/config.yaml`` (``hydra.callbacks.sweep``):

- ``on_multirun_start`` (in the process that runs ``isf-sim -m``): works out the job list the
  sweeper will run (the same expansion as Hydra's basic sweeper), writes ``manifest.json`` at the
  sweep root with ``status: running``, and starts one progress bar for all the sweep's runs. The
  bar counts finished job folders on disk (so it works whatever the launcher, as long as the sweep
  folder is visible from here) plus, when jobs run in this process, their runs as they finish.
- each job (:func:`sim.cli.run_job`) asks :func:`finished` whether its folder already holds a
  complete result of the same config, and skips it if so: re-running the same command on the same
  ``hydra.sweep.dir`` resumes an interrupted sweep.
- ``on_multirun_end``: streams every job's ``runs.parquet`` into one ``runs.parquet`` at the sweep
  root, row group by row group (memory stays flat however many jobs), with a ``job`` column and
  one column per swept key; then completes the manifest and, for sensitivity designs, writes
  ``sensitivity.parquet``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

MANIFEST = "manifest.json"
RUNS = "runs.parquet"


# --------------------------------------------------------------------------- job side
def job_key(config_yaml: str) -> str:
    """Identity of a job's result: the resolved config it ran (and the code version)."""
    from importlib import metadata

    try:
        version = metadata.version("isf-sim")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout without install
        version = "source"
    return hashlib.sha256(f"{version}\n{config_yaml}".encode()).hexdigest()


def finished(folder: Path, key: str) -> bool:
    """True if ``folder`` holds a complete job result for this config (manifest written last)."""
    manifest = folder / MANIFEST
    if not manifest.is_file() or not (folder / RUNS).is_file():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("kind") == "run" and data.get("config_sha256") == key


def clean_partial(folder: Path) -> None:
    """Remove temporary files a killed job left behind (``.name.tmp-PID``)."""
    if folder.is_dir():
        for f in folder.glob(".*.tmp-*"):
            f.unlink(missing_ok=True)


# The sweep running in this process (Hydra's basic launcher). Jobs hand their runs to a warm pool
# of worker processes and return at once; a writer thread waits for each job's runs, in order,
# and writes its folder. So while the workers simulate job k, this process composes job k+1
# (Hydra's per-job cost is ~0.5 s) instead of leaving both cores idle.
IN_FLIGHT = 2      # jobs submitted but not yet written, at most (bounds memory)


class _Active:
    def __init__(self, total_runs: int) -> None:
        import queue

        self.total_runs = total_runs
        self.lock = threading.Lock()
        self.partial: dict[str, int] = {}      # job folder -> runs finished, until it is written
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=IN_FLIGHT)
        self.writer = threading.Thread(target=self._write_loop, name="isf-sim-writer", daemon=True)
        self.writer.start()

    def add(self, key: str, n: int) -> None:
        with self.lock:
            self.partial[key] = self.partial.get(key, 0) + n

    def _write_loop(self) -> None:
        while True:
            task = self.queue.get()
            try:
                if task is None:
                    return
                if self.error is None:
                    task()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self.error = exc
            finally:
                self.queue.task_done()

    def defer(self, task: Callable[[], None]) -> None:
        self.raise_error()
        self.queue.put(task)

    def drain(self) -> None:
        self.queue.put(None)
        self.writer.join()
        self.raise_error()

    def raise_error(self) -> None:
        if self.error is not None:
            raise RuntimeError(f"a job of this sweep failed: {self.error!r}") from self.error


_ACTIVE: _Active | None = None


def progress_hook(key: str) -> Callable[[int], None] | None:
    """Where a job in this process reports finished runs (None outside an in-process sweep)."""
    if _ACTIVE is None:
        return None
    active = _ACTIVE
    return lambda n: active.add(key, n)


def defer(folder: Path, work: Callable[[], None]) -> bool:
    """Hand a job's remaining work (wait for its runs, write its folder) to the writer thread.

    Returns False outside an in-process sweep: the caller then does the work itself.
    """
    if _ACTIVE is None:
        return False
    active = _ACTIVE

    def task() -> None:
        work()
        with active.lock:   # written: the folder now counts as done, not as partial runs
            active.partial.pop(str(folder), None)

    active.defer(task)
    return True


def workers_for(runs: int, auto: Callable[[int], int], launcher: str = "") -> int:
    """Default worker processes for a job (``workers=auto``).

    - Hydra's basic launcher (jobs one after another in this process): the pool of all cores as
      soon as the whole sweep is large enough, even if each job is small;
    - launchers that run jobs side by side on this machine (joblib, Dask): 1 — the launcher
      already uses the cores;
    - anything else (one job per SLURM task, a single run): the cores this process may use.
    """
    if _ACTIVE is not None:
        return auto(max(runs, _ACTIVE.total_runs))
    if any(name in launcher for name in SIDE_BY_SIDE):
        return 1
    return auto(runs)


SIDE_BY_SIDE = ("hydra_joblib_launcher", "dask_launcher", "submitit_launcher.LocalLauncher")


# --------------------------------------------------------------------------- sweep plan
@dataclass
class Plan:
    swept: list[str]                 # keys with several values, in the sweeper's order
    jobs: list[list[str]]            # each job's overrides (key=value), in job-number order
    runs: list[int]                  # runs per job


def _value(text: str) -> Any:
    try:
        v = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return v if isinstance(v, (bool, int, float, str)) else text


def plan(cfg: Any, runs_of: Callable[[dict[str, str], Any], int] | None = None) -> Plan:
    """The jobs Hydra's basic sweeper will launch for this multirun config."""
    from collections import OrderedDict

    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = cfg.hydra.sweeper.get("params") or {}
    args = [f"{k}={v}" for k, v in params.items()] + list(cfg.hydra.overrides.task)
    gh = GlobalHydra.instance()
    parser = OverridesParser.create(config_loader=gh.config_loader() if gh.is_initialized() else None)
    parsed = parser.parse_overrides(args)
    last: OrderedDict[str, Any] = OrderedDict()
    for o in parsed:
        last[o.get_key_element()] = o
    swept = [o.key_or_group for o in last.values() if o.is_sweep_override()]
    jobs = BasicSweeper.split_arguments(parsed, None)[0]
    runs = []
    for job in jobs:
        values = {ov.split("=", 1)[0].lstrip("+~"): ov.split("=", 1)[1] for ov in job}
        runs.append(runs_of(values, cfg) if runs_of else int(_value(values.get("runs", str(cfg.runs)))))
    return Plan(swept, jobs, runs)


def job_values(job: list[str], keys: list[str]) -> dict[str, Any]:
    values = {ov.split("=", 1)[0].lstrip("+~"): ov.split("=", 1)[1] for ov in job}
    return {k: _value(values[k]) for k in keys if k in values}


# --------------------------------------------------------------------------- combined table
def _column_type(values: list[Any]):
    import pyarrow as pa

    if all(isinstance(v, bool) for v in values):
        return pa.bool_(), values
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64(), values
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64(), [float(v) for v in values]
    return pa.string(), [str(v) for v in values]


def combine(sweep_dir: Path, p: Plan, out_name: str = RUNS) -> int:
    """Stream every job's runs.parquet into one table at the sweep root; return its rows.

    Columns: ``job``, one per swept key (unless the job tables already hold it, as ``scenario``
    and ``seed`` do), then the job tables' columns (``param.*`` columns missing from some jobs
    are null there). Written to a temporary name and renamed.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = [sweep_dir / str(i) / RUNS for i in range(len(p.jobs))]
    schemas = [pq.read_schema(f) for f in files]
    own: dict[str, pa.DataType] = {}
    for s in schemas:
        for fld in s:
            own.setdefault(fld.name, fld.type)
    base = [n for n in own if not n.startswith("param.")]
    params = sorted(n for n in own if n.startswith("param."))
    extra = [k for k in p.swept if k not in own]
    typed = {k: _column_type([job_values(j, [k]).get(k) for j in p.jobs]) for k in extra}
    schema = pa.schema([("job", pa.int64())] + [(k, typed[k][0]) for k in extra]
                       + [(n, own[n]) for n in base + params])
    tmp = sweep_dir / f".{out_name}.tmp-{os.getpid()}"
    rows = 0
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for i, f in enumerate(files):
                pf = pq.ParquetFile(f)
                for g in range(pf.num_row_groups):
                    t = pf.read_row_group(g)
                    n = t.num_rows
                    cols = [pa.array([i] * n, pa.int64())]
                    cols += [pa.array([typed[k][1][i]] * n, typed[k][0]) for k in extra]
                    cols += [t.column(c) if c in t.column_names else pa.nulls(n, own[c]) for c in base + params]
                    writer.write_table(pa.Table.from_arrays(cols, schema=schema))
                    rows += n
        os.replace(tmp, sweep_dir / out_name)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


# --------------------------------------------------------------------------- the callback
def _write_manifest(path: Path, data: dict) -> None:
    from sim.results import atomic_write_text

    atomic_write_text(path, json.dumps(data, indent=2, default=str) + "\n")


def _command(cfg: Any, sweep_dir: Path | None = None) -> str:
    import shlex

    args = [o for o in cfg.hydra.overrides.task]
    hyd = [o for o in cfg.hydra.overrides.hydra if not o.startswith("hydra.mode=")
           and not o.startswith("hydra.sweep.dir=")]
    if sweep_dir is not None:
        hyd.append(f"hydra.sweep.dir={sweep_dir}")
    return "isf-sim -m " + " ".join(shlex.quote(o) for o in args + hyd)


class _Bar:
    """One tqdm bar for the whole sweep, fed by a thread that watches finished job folders."""

    def __init__(self, sweep_dir: Path, p: Plan, active: _Active, enabled: bool):
        self.sweep_dir, self.plan, self.active = sweep_dir, p, active
        self.done: set[int] = set()
        self.stop = threading.Event()
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=sum(p.runs), unit="run", desc=f"isf-sim: {len(p.jobs)} jobs",
                            dynamic_ncols=True, smoothing=0.05, file=sys.stderr)
        self.poll()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def poll(self) -> int:
        with self.active.lock:
            for i in range(len(self.plan.jobs)):
                if i not in self.done and (self.sweep_dir / str(i) / MANIFEST).is_file() \
                        and (self.sweep_dir / str(i) / RUNS).is_file():
                    self.done.add(i)
            n = sum(self.plan.runs[i] for i in self.done) + sum(self.active.partial.values())
        n = min(n, sum(self.plan.runs))
        if self.bar is not None and n != self.bar.n:
            self.bar.n = n
            self.bar.refresh()
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


try:
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover
    Callback = object  # type: ignore[misc,assignment]


class SweepCallback(Callback):
    """Registered in conf/config.yaml; Hydra instantiates it once per `isf-sim` process."""

    def __init__(self, progress: str = "auto") -> None:
        self.progress = progress
        self._bar: _Bar | None = None
        self._t0 = self._started = 0.0
        self._active: _Active | None = None
        self._plan: Plan | None = None
        self._manifest: dict = {}

    def __getstate__(self) -> dict:
        # launchers (submitit, joblib) pickle Hydra's context, callbacks included: the bar and
        # its thread stay in the process that started the sweep
        return {"progress": self.progress, "_bar": None, "_t0": 0.0, "_started": 0.0, "_plan": None,
                "_manifest": {}, "_active": None}

    def on_multirun_start(self, config: Any, **kwargs: Any) -> None:
        global _ACTIVE
        from sim import sensitivity

        self._t0, self._started = time.perf_counter(), time.time()
        sweep_dir = Path(config.hydra.sweep.dir)
        self._plan = p = plan(config, sensitivity.runs_of)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        from sim.results import git_state, versions

        launcher = str(config.hydra.launcher.get("_target_", ""))
        self._manifest = {
            "kind": "sweep",
            "status": "running",
            "swept": p.swept,
            "jobs": len(p.jobs),
            "runs": sum(p.runs),
            "command": _command(config),
            "resume": _command(config, sweep_dir),
            "job_folders": "<sweep dir>/<job number>/ (runs.parquet, config.yaml, manifest.json, .hydra/)",
            "combined": "runs.parquet: every job's rows, plus `job` and one column per swept key",
            "seeds": "every job uses seeds seed .. seed+runs-1 (common random numbers across jobs)",
            "launcher": launcher,
            "design": sensitivity.describe(config),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "git": git_state(Path(__file__).resolve().parent.parent),
            "versions": versions(),
        }
        _write_manifest(sweep_dir / MANIFEST, self._manifest)
        in_process = launcher.startswith("hydra._internal.core_plugins.basic_launcher")
        self._active = active = _Active(total_runs=sum(p.runs))
        if in_process:
            _ACTIVE = active
            from sim.run import auto_workers, warm_up

            if auto_workers(sum(p.runs)) > 1:
                warm_up(auto_workers(sum(p.runs)))
        show = self.progress == "always" or (self.progress == "auto" and sys.stderr.isatty())
        self._bar = _Bar(sweep_dir, p, active, enabled=show)

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
        from sim.params import ConfigError

        try:
            self._end(config)
        except ConfigError as exc:
            print(f"isf-sim: error: {exc}", file=sys.stderr)
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            print(f"isf-sim: error: the sweep did not complete: {exc}", file=sys.stderr)
            sys.exit(1)

    def _end(self, config: Any) -> None:
        global _ACTIVE
        from sim import sensitivity

        try:
            if self._active is not None:
                self._active.drain()    # the last jobs' runs, written
        finally:
            _ACTIVE = None
        if self._bar is not None:
            self._bar.close()
        sweep_dir = Path(config.hydra.sweep.dir)
        p = self._plan or plan(config, sensitivity.runs_of)
        rows = combine(sweep_dir, p)
        extra = sensitivity.analyse(config, sweep_dir, p.swept)
        skipped = sum(1 for i in range(len(p.jobs)) if _older(sweep_dir / str(i) / MANIFEST, self._started))
        self._manifest.update({"status": "complete", "rows": rows, "jobs_resumed": skipped,
                               "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                               "wall_time_s": round(time.perf_counter() - self._t0, 3), **extra})
        _write_manifest(sweep_dir / MANIFEST, self._manifest)
        summary(sweep_dir, p, rows, skipped, time.perf_counter() - self._t0)


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


def summary(sweep_dir: Path, p: Plan, rows: int, skipped: int, wall: float) -> None:
    """A few lines at the end of a sweep (never one per run or per job)."""
    import pyarrow.parquet as pq

    head = f"{len(p.jobs)} jobs, {rows:,} runs"
    if skipped:
        head += f" ({skipped} jobs already done, kept)"
    print(f"isf-sim: sweep over {', '.join(p.swept) or 'nothing'}: {head} in {wall:.1f} s")
    if p.swept and len(p.jobs) <= 24:
        t = pq.read_table(sweep_dir / RUNS, columns=["job", "deployed", "un_authorized"]).to_pandas()
        g = t.groupby("job")[["deployed", "un_authorized"]].mean()
        width = max(len(" ".join(f"{k}={v}" for k, v in job_values(j, p.swept).items())) for j in p.jobs)
        print(f"  {'job':>3}  {'swept values':<{width}}  P(deployed)  P(UN resolution)")
        for i, j in enumerate(p.jobs):
            label = " ".join(f"{k}={v}" for k, v in job_values(j, p.swept).items())
            print(f"  {i:>3}  {label:<{width}}  {g.loc[i, 'deployed']:>11.3f}  {g.loc[i, 'un_authorized']:>16.3f}")
    print(f"results: {sweep_dir} (runs.parquet: all runs; one folder per job)")
