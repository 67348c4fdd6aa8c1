"""Writing and reading result folders.

A job folder holds ``runs.parquet`` (one row per run), the resolved ``config.yaml``,
``manifest.json`` (versions, git commit, seeds, wall time, the command that re-runs it) and,
for traced runs, ``events.parquet``, ``timeline.parquet`` and ``positions.parquet``. Every file
is written to a temporary name and renamed, so none is ever left half-written. Nothing is
written through a symbolic link: a temporary file is created new (``O_CREAT | O_EXCL |
O_NOFOLLOW``) and renamed over the final name, which replaces a link there instead of following
it. A job's manifest records each table's rows and sha256, so a resume re-runs a job whose table
was cut short or changed (:func:`check_job`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shlex
import stat
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


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_new(path: Path) -> int:
    """Open a new file for writing that is really new: never an existing file, never through a
    symbolic link (``O_CREAT | O_EXCL | O_NOFOLLOW``). A leftover of this process's own name (a
    write that failed) is removed first; :func:`os.unlink` removes a link, not what it points to."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o644)
    except FileExistsError:
        os.unlink(path)
        return os.open(path, flags, 0o644)


def _replace(tmp: Path, path: Path) -> None:
    """Rename ``tmp`` onto ``path``: a symbolic link at ``path`` is replaced, never followed."""
    os.replace(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = _tmp(path)
    try:
        with os.fdopen(open_new(tmp), "wb") as f:
            f.write(data)
        _replace(tmp, path)
    finally:
        _unlink_quietly(tmp)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # the folder vanished or went read-only: the error being raised says so
        pass


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_parquet(path: Path, df: pd.DataFrame) -> dict[str, Any]:
    """Write ``df`` to ``path`` (a temporary file, then renamed); return its check: rows and sha256."""
    tmp = _tmp(path)
    try:
        with os.fdopen(open_new(tmp), "wb") as f:
            df.to_parquet(f, index=False, engine="pyarrow", compression="zstd")
        check = {"rows": len(df), "sha256": file_sha256(tmp)}
        _replace(tmp, path)
    finally:
        _unlink_quietly(tmp)
    return check


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read without following a symbolic link."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    """Write a job's folder; its manifest (written last) records each table's rows and sha256
    (``tables``), so a resume knows a table that was changed or cut short (:func:`check_job`)."""
    finish_job(folder, write_tables(folder, results, csv), config_yaml, manifest)


def write_tables(folder: Path, results: Results, csv: bool = False) -> dict[str, Any]:
    """Write a job's tables, whole (a traced job or a design; other jobs stream theirs:
    :mod:`sim.sweep.stream`); return each table's check (rows, sha256) for the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {RUNS: write_parquet(folder / RUNS, results.runs)}
    if csv:
        atomic_write_text(folder / "runs.csv", results.runs.to_csv(index=False))
    for name in ("events", "timeline", "positions", "weekly"):
        df = getattr(results, name)
        if df is not None:
            tables[f"{name}.parquet"] = write_parquet(folder / f"{name}.parquet", df)
    return tables


def finish_job(folder: Path, tables: dict[str, Any], config_yaml: str, manifest: dict) -> None:
    """A job folder's last two files, once its tables are written (by :func:`write_job`, or as the
    runs arrived: :func:`sim.sweep.stream.write_runs`): its config, then its manifest with each
    table's check, which makes the folder complete."""
    atomic_write_text(folder / "config.yaml", config_yaml)
    manifest = {**manifest, "tables": tables}
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def job_key(config_yaml: str) -> str:
    """Identity of a job's result: the resolved config it ran (and the code version)."""
    try:
        version = metadata.version("isf-sim")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout without install
        version = "source"
    return hashlib.sha256(f"{version}\n{config_yaml}".encode()).hexdigest()


def read_manifest(folder: Path) -> dict | None:
    """A folder's manifest.json as a dict; None if it is missing, a link, unreadable or not JSON."""
    try:
        fd = os.open(folder / MANIFEST, os.O_RDONLY | NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def check_job(folder: Path, key: str) -> tuple[bool, str]:
    """(finished, problem) for a job folder and the config it should hold.

    Finished: its manifest (written last) is this config's, and every table it records has the
    rows' sha256 the manifest gives (a table cut short or changed is not finished). ``problem``
    says why a folder that looks finished is not ("runs.parquet does not match its manifest
    (sha256)"); it is "" for a folder that simply holds no result of this config."""
    data = read_manifest(folder)
    if data is None or data.get("kind") != "run" or data.get("config_sha256") != key:
        return False, ""
    tables = data.get("tables")
    if not isinstance(tables, dict):  # written before manifests recorded their tables
        tables = {RUNS: {}}
    tables.setdefault(RUNS, {})
    for name, want in tables.items():
        path = folder / str(name)
        if not _regular(path):
            return False, f"{name} is missing"
        if isinstance(want, dict) and want.get("sha256"):
            try:
                ok = file_sha256(path) == want["sha256"]
            except OSError as exc:
                return False, f"{name} cannot be read ({exc.strerror or exc})"
            if not ok:
                return False, f"{name} does not match its manifest (sha256)"
        else:
            try:
                import pyarrow.parquet as pq

                pq.read_metadata(path)
            except Exception as exc:  # noqa: BLE001 - any unreadable file: run the job again
                return False, f"{name} cannot be read ({type(exc).__name__})"
    return True, ""


def finished(folder: Path, key: str) -> bool:
    """True if ``folder`` holds a complete, unchanged job result for this config (:func:`check_job`)."""
    return check_job(folder, key)[0]
