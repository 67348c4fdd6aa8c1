"""Reading result folders (single runs and sweeps), tolerant of missing optional files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


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
        h = self.manifest.get("horizon_weeks")
        return float(h) if h is not None else None

    @property
    def scenarios(self) -> list[str]:
        if self.runs is not None and "scenario" in self.runs:
            return [str(s) for s in pd.unique(self.runs["scenario"])]
        s = self.manifest.get("scenario")
        return [str(s)] if s else []


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
