"""One writer per result folder, and only the folder's own job or sweep in it.

A job or sweep that writes a folder first *claims* it (:func:`claim`):

- it takes an exclusive ``flock`` on ``<folder>/.isf-sim.lock`` (the kernel drops the lock when
  the process dies, however it dies, so a stale lock — its process gone — is simply taken over);
  a second writer gets one line naming the process that holds it;
- it compares the folder's *identity* with its own: a sweep's is the hash of its expanded job
  list (``sweep_sha256`` in the sweep manifest), a single job's the hash of its resolved config
  (``config_sha256``, as :func:`sim.sweep.folders.job_key`). The identity is read from the
  folder's ``manifest.json`` or, for a writer that was killed before writing one, from its lock
  file. Another job or sweep is refused; the same one resumes.

The lock file holds the writer's pid, start time, identity and command (JSON). It is removed when
the writer ends normally (:func:`release`, also at exit); a killed writer leaves it, and that is
how the next writer learns what the folder was being used for.

A folder with a symbolic link where isf-sim or Hydra writes (:func:`links_in`: the lock, the
manifest, the tables, ``config.yaml``, ``.hydra/``, ``multirun.yaml``, in the folder or in a
sweep's job folders) is refused with one line: a write through the link would change the file it
points to. The lock file itself is opened with ``O_NOFOLLOW``.

Temporary files (``.NAME.tmp-PID``) belong to the process in their name: :func:`writer_alive`
says whether it still runs (the pid exists and started before the file was last written, so a
reused pid does not count), and :func:`clean_temps` removes only those of dead writers.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import time
from pathlib import Path

from sim.model.params import ConfigError

LOCK = ".isf-sim.lock"
MANIFEST = "manifest.json"
_held: dict[Path, int] = {}  # folder (resolved) -> open fd of its lock file, held by this process


class FolderRefused(ConfigError):
    """Another writer holds the folder, or it holds another job's or sweep's results."""


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
from sim.config.hydra_settings import HYDRA_DIR, WRITTEN, links_in  # noqa: E402, F401 - what is written where


def refuse_links(folder: Path) -> None:
    """:class:`FolderRefused` (one line) if ``folder`` holds a link where a file is written."""
    found = links_in(folder)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise FolderRefused(
            f"{found[0]} is a symbolic link{more}; isf-sim writes no file through a link: "
            "remove it or choose another folder"
        )


def _read_json(path: Path) -> dict:
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), or None if it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return 0.0
        return 0.0  # alive, start unknown (no /proc): count it as started long ago
    return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")


def writer_alive(pid: int, written: float) -> bool:
    """True if process ``pid`` runs and already ran when its file was last written at ``written``."""
    if pid == os.getpid():
        return True
    started = _started(pid)
    return started is not None and started <= written + 1.0


def clean_temps(folder: Path) -> int:
    """Remove ``.NAME.tmp-PID`` files in ``folder`` whose writer is dead; return how many."""
    removed = 0
    if not folder.is_dir():
        return 0
    for f in folder.glob(".*.tmp-*"):
        try:
            pid = int(f.name.rsplit("-", 1)[1])
            written = f.lstat().st_mtime
        except (ValueError, OSError):
            continue
        if pid != os.getpid() and not writer_alive(pid, written):
            f.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_own_temps(folder: Path, recursive: bool = False) -> None:
    """Remove this process's temporary files (when it is being stopped)."""
    if folder.is_dir():
        for f in (folder.rglob if recursive else folder.glob)(f".*.tmp-{os.getpid()}"):
            f.unlink(missing_ok=True)


def _holder(path: Path) -> str:
    info = _read_json(path)
    pid, started = info.get("pid", "?"), info.get("started", "at an unknown time")
    return f"process {pid} (started {started})"


def _lock(folder: Path, record: dict) -> int:
    """Take the folder's lock (retrying if the file was replaced while we opened it)."""
    path = folder / LOCK
    for _ in range(20):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | NOFOLLOW, 0o644)
        except OSError as exc:
            if path.is_symlink():
                raise FolderRefused(
                    f"{path} is a symbolic link; isf-sim writes no file through a link: "
                    "remove it or choose another folder"
                ) from None
            raise FolderRefused(f"cannot write {folder}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FolderRefused(
                f"{folder} is being written by {_holder(path)}; wait for it or choose another folder"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.lstat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder removed the file as we opened it: lock the new one
    raise FolderRefused(f"{folder}: could not take its lock; choose another folder")


def _identity(folder: Path, stale: dict) -> tuple[str | None, str, str]:
    """(identity, kind, command) of what the folder holds, from its manifest or a stale lock."""
    man = _read_json(folder / MANIFEST)
    if man.get("kind") == "sweep":
        ident = man.get("sweep_sha256") or json.dumps([man.get("swept"), man.get("jobs"), man.get("runs")])
        return ident, "sweep", str(man.get("resume") or man.get("command") or "")
    if man.get("kind") == "run":
        return man.get("config_sha256"), "run", str(man.get("command") or "")
    if stale.get("identity"):
        return stale["identity"], str(stale.get("kind", "")), str(stale.get("command", ""))
    return None, "", ""


def claim(folder: Path, identity: str, kind: str, command: str, legacy: str | None = None) -> None:
    """Lock ``folder`` for this process and check that it holds nothing but this job or sweep.

    ``kind`` is "run" or "sweep"; ``legacy`` is the identity a sweep manifest written before
    ``sweep_sha256`` existed would give (its swept keys, jobs and runs). Raises
    :class:`FolderRefused` (one line) if another process writes the folder or it holds another
    job's or sweep's results."""
    folder = Path(folder)
    key = folder.resolve()
    if key in _held:
        return
    refuse_links(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderRefused(f"cannot make {folder}: {exc.strerror or exc}") from None
    fd = _lock(folder, {})
    stale: dict = {}
    try:
        stale = _read_json(folder / LOCK)
        theirs, their_kind, their_command = _identity(folder, stale)
        if theirs is not None and theirs not in (identity, legacy):
            what = "another sweep" if their_kind == "sweep" else "another job's results"
            hint = f" ({their_command})" if their_command else ""
            then = "resume it with that command, or choose" if their_kind == "sweep" else "choose"
            raise FolderRefused(f"{folder} holds {what}{hint}; {then} another folder")
        record = {
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "kind": kind,
            "identity": identity,
            "command": command,
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        except OSError as exc:
            raise FolderRefused(f"cannot write {folder}: {exc.strerror or exc}") from None
    except BaseException:
        if not stale:  # the lock file was made just now, by this refused writer: leave no trace
            try:
                (folder / LOCK).unlink(missing_ok=True)
            except OSError:
                pass
        os.close(fd)
        raise
    _held[key] = fd
    clean_temps(folder)


def holds(folder: Path) -> bool:
    return Path(folder).resolve() in _held


def release(folder: Path | None = None) -> None:
    """Remove the lock file of ``folder`` (every folder this process holds if None) and unlock."""
    keys = [Path(folder).resolve()] if folder is not None else list(_held)
    for key in keys:
        fd = _held.pop(key, None)
        if fd is None:
            continue
        try:
            (key / LOCK).unlink(missing_ok=True)
        except OSError:
            pass
        os.close(fd)


def held() -> list[Path]:
    return list(_held)


atexit.register(release)
