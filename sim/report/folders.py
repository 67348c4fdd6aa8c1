"""Reading result folders (single runs and sweeps), tolerant of missing optional files."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: Settings every job's manifest states explicitly (beside the overrides it was given).
EXPLICIT = ("scenario", "seed", "runs", "horizon_weeks", "uncertainty")


class NotAResultFolder(Exception):
    """The path is not a folder written by isf-sim."""


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

    @property
    def kind(self) -> str:
        return self.manifest.get("kind", "sweep" if _job_dirs(self.path) else "run")

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
        where = self.path if self.kind != "sweep" else next(iter(_job_dirs(self.path)), None)
        if where is None:
            return []
        value = _json(where / "manifest.json").get(key, _yaml(where / "config.yaml").get(key))
        return [] if value is None else [value]

    @property
    def overrides(self) -> dict[str, str]:
        """The settings this folder was made with: the explicit ones of a job's manifest, then the
        overrides of its command line (a sweep's: ``key=a,b``), without Hydra's own."""
        out: dict[str, str] = {}
        given = self.manifest.get("overrides")
        if given is None and self.kind == "sweep":
            given = [w for w in shlex.split(self.manifest.get("command", ""))[1:] if "=" in w]
        for item in given or []:
            key, _, value = str(item).partition("=")
            key = key.lstrip("+~")
            if key and not key.startswith("hydra"):
                out[key] = value
        job = self.manifest if self.kind != "sweep" else _first_job_manifest(self.path)
        for key in EXPLICIT:
            if job.get(key) is not None:
                out.setdefault(key, str(job[key]))
        return out

    @property
    def report_outcome(self) -> str | None:
        """The outcome the experiment asks about: ``report: {outcome: NAME}`` in the manifest, the
        sweep's multirun.yaml or a job's config.yaml (None if none names one)."""
        places = [self.manifest, _yaml(self.path / "multirun.yaml"), _yaml(self.path / "config.yaml")]
        places += [_yaml(self.path / ".hydra" / "config.yaml")]
        if self.kind == "sweep":
            places += [_yaml(d / "config.yaml") for d in _job_dirs(self.path)[:1]]
        for place in places:
            report = place.get("report")
            if isinstance(report, dict) and report.get("outcome"):
                return str(report["outcome"])
        return None

    @property
    def scenarios(self) -> list[str]:
        if self.runs is not None and "scenario" in self.runs:
            return [str(s) for s in pd.unique(self.runs["scenario"])]
        s = self.manifest.get("scenario")
        return [str(s)] if s else []


def _number(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _yaml(path: Path) -> dict:
    """A YAML file's top-level mapping ({} if absent or unreadable)."""
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _first_job_manifest(path: Path) -> dict:
    jobs = _job_dirs(path)
    return _json(jobs[0] / "manifest.json") if jobs else {}


def _job_dirs(path: Path) -> list[Path]:
    return sorted((p for p in path.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types
        raise NotAResultFolder(f"{path} cannot be read as parquet ({type(exc).__name__})") from None


def load(path: str | Path) -> ResultFolder:
    """Read a result folder; raise NotAResultFolder with a one-line reason."""
    path = Path(path)
    if not path.exists():
        raise NotAResultFolder(f"{path} does not exist")
    if not path.is_dir():
        raise NotAResultFolder(f"{path} is not a folder")
    manifest_file = path / "manifest.json"
    has_runs = (path / "runs.parquet").is_file()
    if not manifest_file.is_file() and not has_runs:
        raise NotAResultFolder(f"{path} is not a result folder (no manifest.json or runs.parquet)")
    manifest: dict = {}
    if manifest_file.is_file():
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise NotAResultFolder(f"{manifest_file} is not valid JSON") from None
        if not isinstance(manifest, dict):
            raise NotAResultFolder(f"{manifest_file} does not hold a JSON object")
    folder = ResultFolder(path, manifest)
    if has_runs:
        folder.runs = _read_parquet(path / "runs.parquet")
    elif folder.kind == "sweep":
        frames = []
        for job in _job_dirs(path):
            if (job / "runs.parquet").is_file():
                frames.append(_read_parquet(job / "runs.parquet").assign(job=int(job.name)))
        if frames:
            folder.runs = pd.concat(frames, ignore_index=True)
            folder.notes.append(f"{path}: no combined runs.parquet, joined {len(frames)} job folders")
    if (path / "sensitivity.parquet").is_file():
        folder.sensitivity = _read_parquet(path / "sensitivity.parquet")
    trace_dir = path if (path / "events.parquet").is_file() or (path / "timeline.parquet").is_file() else None
    if trace_dir is None and folder.kind == "sweep":
        trace_dir = next((j for j in _job_dirs(path) if (j / "timeline.parquet").is_file()), None)
    if trace_dir is not None:
        folder.trace_path = trace_dir
        for name in ("events", "timeline", "positions"):
            f = trace_dir / f"{name}.parquet"
            if f.is_file():
                setattr(folder, name, _read_parquet(f))
    return folder
