"""Reading result folders (single runs and sweeps): every file read is checked
(:mod:`sim.report.schema`) before anything is reported; optional files may be absent."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.report.reading import NotAResultFolder, is_result, read_json, read_parquet, read_yaml, resolve, shown
from sim.report.schema import CONFIG_FIELDS, RUNS, check_column, check_settings, check_table

__all__ = ["NotAResultFolder", "ResultFolder", "load"]

#: Settings every job's manifest states explicitly (beside the overrides it was given).
EXPLICIT = ("scenario", "seed", "runs", "horizon_weeks", "uncertainty")
TRACES = ("events", "timeline", "positions")
_HORIZON = RUNS["horizon_weeks"]


@dataclass
class ResultFolder:
    path: Path
    manifest: dict
    runs: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    positions: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    trace_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    job: dict = field(default_factory=dict)  # a sweep's first job's manifest (a run's own manifest)
    configs: list[dict] = field(default_factory=list)  # multirun.yaml, config.yaml, .hydra/, first job's
    jobs: list[Path] = field(default_factory=list)  # a sweep's job folders
    incomplete: str = ""  # what a sweep that did not finish lacks (the jobs missing), "" if complete

    @property
    def kind(self) -> str:
        return self.manifest.get("kind", "sweep" if self.jobs else "run")

    @property
    def name(self) -> str:
        return self.path.name or str(self.path)

    @property
    def swept(self) -> list[str]:
        swept = self.manifest.get("swept") or []
        return [k for k in swept if self.runs is not None and k in self.runs.columns]

    @property
    def horizon(self) -> float | None:
        """The horizon in weeks (the longest, if the jobs of a sweep differ); None if unknown."""
        values = [float(v) for v in self.setting("horizon_weeks") if _number(v)]
        return max(values) if values else None

    def setting(self, key: str) -> list:
        """The distinct values of a run setting (``horizon_weeks``, ``uncertainty``, ...): from the
        manifest, else the runs table's column (a swept setting), else the (first) job's manifest
        or config.yaml (a sweep's manifest does not repeat them). Empty if nowhere."""
        own = self.manifest.get(key) if self.kind != "sweep" or key in ("horizon_weeks", "uncertainty") else None
        if own is not None:
            return [own]
        if self.runs is not None and key in self.runs.columns:
            return sorted(pd.unique(self.runs[key].dropna()).tolist(), key=str)
        # not swept, so every job of a sweep has the first job's value
        value = self.job.get(key)
        if value is None and key in CONFIG_FIELDS:
            value = next((c[key] for c in self.configs[::-1] if c.get(key) is not None), None)
        return [] if value is None else [value]

    @property
    def overrides(self) -> dict[str, str]:
        """The settings this folder was made with: the explicit ones of a job's manifest, then the
        overrides of its command line (a sweep's: ``key=a,b``), without Hydra's own."""
        out: dict[str, str] = {}
        given = self.manifest.get("overrides")
        if given is None and self.kind == "sweep":
            try:
                words = shlex.split(self.manifest.get("command", ""))
            except ValueError:  # unbalanced quotes: take the words as they are
                words = self.manifest.get("command", "").split()
            given = [w for w in words[1:] if "=" in w]
        for item in given or []:
            key, _, value = str(item).partition("=")
            key = key.lstrip("+~")
            if key and not key.startswith("hydra"):
                out[key] = value
        for key in EXPLICIT:
            if self.job.get(key) is not None:
                out.setdefault(key, str(self.job[key]))
        return out

    @property
    def report_outcome(self) -> str | None:
        """The outcome the experiment asks about: ``report: {outcome: NAME}`` in the manifest, the
        sweep's multirun.yaml or a job's config.yaml (None if none names one)."""
        for place in [self.manifest, *self.configs]:
            report = place.get("report")
            if isinstance(report, dict) and report.get("outcome"):
                return str(report["outcome"])
        return None

    @property
    def case(self) -> dict | None:
        """The case block (``case:``) of the folder's config.yaml (or multirun.yaml, or its first
        job's): the case whose outcomes and words the report uses. None if none says."""
        return next((c["case"] for c in self.configs if isinstance(c.get("case"), dict)), None)

    @property
    def scenarios(self) -> list[str]:
        if self.runs is not None and "scenario" in self.runs:
            return [str(s) for s in pd.unique(self.runs["scenario"].dropna())]
        s = self.manifest.get("scenario")
        return [str(s)] if s else []

    @property
    def usable(self) -> bool:
        """Whether the folder holds anything to report: runs, a traced run or sensitivity indices."""
        tables = (self.runs, self.timeline, self.positions, self.sensitivity)
        return any(t is not None and len(t) for t in tables)


def _number(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _job_dirs(path: Path) -> list[Path]:
    return sorted((p for p in path.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))


def _manifest(path: Path) -> dict:
    return check_settings(read_json(path), path) if path.is_file() else {}


def _config(path: Path) -> dict:
    return check_settings(read_yaml(path), path, CONFIG_FIELDS) if path.is_file() else {}


def load(path: str | Path) -> ResultFolder:
    """Read and check a result folder (a path holding results resolves to its latest run); raise
    NotAResultFolder with a one-line reason naming the file."""
    try:
        return _load(Path(path))
    except OSError as exc:  # a folder or file that cannot be listed or opened
        where = exc.filename or path
        raise NotAResultFolder(f"{where}: cannot be read ({(exc.strerror or type(exc).__name__).lower()})") from None
    except (ValueError, TypeError, RecursionError, MemoryError) as exc:  # content no check foresaw
        raise NotAResultFolder(f"{path}: cannot be read ({type(exc).__name__}: {shown(str(exc), 80)})") from None


def _load(given: Path) -> ResultFolder:
    if not given.exists():
        raise NotAResultFolder(f"{given}: does not exist; give a result folder written by isf-sim")
    path, note = resolve(given)
    if not path.is_dir():
        raise NotAResultFolder(f"{path}: not a folder; give a result folder written by isf-sim")
    if not is_result(path):
        raise NotAResultFolder(
            f"{path}: not a result folder (no manifest.json or runs.parquet); give a folder written by isf-sim"
        )
    folder = ResultFolder(path, _manifest(path / "manifest.json"), notes=[note] if note else [])
    folder.jobs = _job_dirs(path) if folder.manifest.get("kind", "sweep") == "sweep" else []
    first = folder.jobs[0] if folder.kind == "sweep" and folder.jobs else None
    folder.job = _manifest(first / "manifest.json") if first is not None else folder.manifest
    own = path / "config.yaml" if (path / "config.yaml").is_file() else path / ".hydra" / "config.yaml"  # the same
    places = [path / "multirun.yaml", own]
    folder.configs = [_config(p) for p in places + ([first / "config.yaml"] if first is not None else [])]
    folder.runs = _runs(folder, folder.horizon)
    horizon = folder.horizon  # from the manifests and configs, or the runs' own (swept) column
    if folder.runs is not None:
        folder.runs = check_table(folder.runs, "runs", _runs_file(folder), horizon, folder.case)
    if (path / "sensitivity.parquet").is_file():
        f = path / "sensitivity.parquet"
        folder.sensitivity = check_table(read_parquet(f), "sensitivity", f)
    trace_dir = path if any((path / f"{n}.parquet").is_file() for n in TRACES) else None
    if trace_dir is None and folder.kind == "sweep":
        trace_dir = next((j for j in folder.jobs if (j / "timeline.parquet").is_file()), None)
    if trace_dir is not None:
        folder.trace_path = trace_dir
        for name in TRACES:
            f = trace_dir / f"{name}.parquet"
            if f.is_file():
                setattr(folder, name, check_table(read_parquet(f), name, f, horizon, folder.case))
    folder.incomplete = _incomplete(folder)
    if not folder.usable:
        folder.notes.append(f"{path}: {_empty(folder)}")
    return folder


def _finished(job: Path) -> bool:
    return (job / "manifest.json").is_file() and (job / "runs.parquet").is_file()


def _incomplete(folder: ResultFolder) -> str:
    """For a sweep that did not finish (its manifest says ``running``, or a job it planned has no
    result): which jobs are missing and how many runs the report covers, in one sentence."""
    jobs, planned = folder.manifest.get("jobs"), folder.manifest.get("runs")
    if folder.kind != "sweep" or not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        return ""
    done = {int(j.name) for j in folder.jobs if _finished(j)}
    missing = [i for i in range(jobs) if i not in done]
    if not missing and folder.manifest.get("status", "complete") == "complete":
        return ""
    runs = len(folder.runs) if folder.runs is not None else 0
    if missing:
        listed = ", ".join(map(str, missing[:12])) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        what = f"{jobs - len(missing)} of {jobs} jobs finished (missing: job {listed})"
    else:
        what = f"all {jobs} jobs finished, but the sweep did not complete (no combined table)"
    of = f" of the {planned:,} planned" if isinstance(planned, int) and not isinstance(planned, bool) else ""
    again = (
        f"; run its command again to finish it: {folder.manifest['resume']}" if folder.manifest.get("resume") else ""
    )
    return f"{folder.name} is an incomplete sweep: {what}; this report covers {runs:,} runs{of}{again}"


def _runs_file(folder: ResultFolder) -> Path:
    own = folder.path / "runs.parquet"
    return own if own.is_file() else folder.path / "<job>" / "runs.parquet"


def _runs(folder: ResultFolder, horizon: float | None) -> pd.DataFrame | None:
    """The folder's runs table (a sweep without a combined table: its jobs' joined), with a swept
    horizon checked first, since the weeks of the other columns are checked against it."""
    path = folder.path
    if (path / "runs.parquet").is_file():
        runs = read_parquet(path / "runs.parquet")
        where = path / "runs.parquet"
    elif folder.kind == "sweep":
        frames = []
        for job in folder.jobs:
            if (job / "runs.parquet").is_file():
                f = job / "runs.parquet"
                runs = check_table(read_parquet(f), "runs", f, horizon, folder.case)
                job_column = pd.DataFrame({"job": int(job.name)}, index=runs.index)
                frames.append(pd.concat([runs, job_column], axis=1))  # one block added: no fragmented frame
        if not frames:
            return None
        runs = pd.concat(frames, ignore_index=True)
        where = path / "<job>" / "runs.parquet"
        folder.notes.append(f"{path}: no combined runs.parquet, joined {len(frames)} job folders")
    else:
        return None
    if "horizon_weeks" in runs.columns:
        runs["horizon_weeks"] = check_column(runs["horizon_weeks"], _HORIZON, f"{where}: column horizon_weeks", None)
    return runs


def _empty(folder: ResultFolder) -> str:
    if folder.runs is not None:
        return "its runs.parquet holds no runs"
    if folder.kind == "sweep":
        return "a sweep without results (no runs.parquet, and no job folder holds one)"
    return f"no runs.parquet and no traced run ({shown(folder.manifest.get('kind', 'no kind'))} manifest only)"
