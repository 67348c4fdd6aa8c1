"""Writing and reading result folders.

A job folder holds ``runs.parquet`` (one row per run), the resolved ``config.yaml``,
``manifest.json`` (versions, git commit, seeds, wall time, the command that re-runs it) and,
for traced runs, ``events.parquet``, ``timeline.parquet`` and ``positions.parquet``. Every file
is written to a temporary name and renamed, so none is ever left half-written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shlex
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.model.run import Results

MANIFEST = "manifest.json"
RUNS = "runs.parquet"
SOURCE = Path(__file__).resolve().parent.parent.parent  # the checkout (for the git commit), if any
PACKAGES = ("isf-sim", "mesa", "hydra-core", "omegaconf", "numpy", "pandas", "pyarrow", "joblib")


def _tmp(path: Path) -> Path:
    """The temporary name a file is written under before it is renamed (the writer's pid in it)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = _tmp(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_parquet(path: Path, df: pd.DataFrame) -> None:
    tmp = _tmp(path)
    try:
        df.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


@functools.lru_cache(maxsize=4)
def git_state(where: Path = SOURCE) -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, timeout=10
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": dirty if commit else None}


UNNAMED = ("scenario", "seed", "runs", "workers", "trace", "csv")  # keys that do not name a result folder
MAX_LABEL = 120


def folder_label(overrides: list[str]) -> str:
    """The name a job's overrides give its folder: 'ISR.resolve=0.4,vetoes.enabled=false' ('' for none).

    The scenario already names the folder above it; seeds, run counts and workers do not change
    what was asked. ``actors.`` and ``mechanisms.`` are dropped; a long label keeps its start and a
    hash of the whole, so different overrides never share a folder name."""
    parts = []
    for ov in overrides:
        key, _, value = ov.lstrip("+~").partition("=")
        if key in UNNAMED or key.startswith("hydra"):
            continue
        short = key.removeprefix("actors.").removeprefix("mechanisms.")
        parts.append(f"{short}={value}".replace("/", "_").replace(" ", ""))
    label = ",".join(sorted(parts))
    if len(label) > MAX_LABEL:
        label = label[: MAX_LABEL - 13] + "..." + hashlib.sha256(label.encode()).hexdigest()[:10]
    return label


def link_latest(folder: Path) -> None:
    """Point ``<folder's parent>/latest`` at this folder (atomically; a link, never a copy)."""
    link = folder.parent / "latest"
    if link.exists() and not link.is_symlink():
        return  # a real folder called latest (hydra.run.dir=results/x/latest): leave it alone
    tmp = folder.parent / f".latest.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(folder.name, target_is_directory=True)
    os.replace(tmp, link)


def case_argument() -> list[str]:
    """``case=...`` as the command line gave it (``[]`` for the default case): isf-sim passes it
    to its jobs, and to launchers' worker processes, through ``ISF_SIM_CASE``."""
    import os

    case = os.environ.get("ISF_SIM_CASE", "")
    return [f"case={case}"] if case else []


def command(overrides: list[str], replace: dict[str, Any] | None = None) -> str:
    """The isf-sim command line for these overrides, with some keys replaced or added."""
    replace = dict(replace or {})
    out = case_argument()
    for ov in overrides:
        key = ov.split("=", 1)[0]
        if key in replace:
            out.append(f"{key}={replace.pop(key)}")
        elif not key.startswith("hydra"):
            out.append(ov)
    out += [f"{k}={v}" for k, v in replace.items()]
    return "isf-sim " + " ".join(shlex.quote(o) for o in out)


def write_job(folder: Path, results: Results, config_yaml: str, manifest: dict, csv: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(folder / "runs.parquet", results.runs)
    if csv:
        atomic_write_text(folder / "runs.csv", results.runs.to_csv(index=False))
    for name in ("events", "timeline", "positions", "weekly"):
        df = getattr(results, name)
        if df is not None:
            write_parquet(folder / f"{name}.parquet", df)
    atomic_write_text(folder / "config.yaml", config_yaml)
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")


def job_key(config_yaml: str) -> str:
    """Identity of a job's result: the resolved config it ran (and the code version)."""
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
