"""Killing isf-sim at random moments, then running the same command again.

Each trial starts a small sweep or a single job with two worker processes, sends SIGKILL (to the
main process only: what `kill -9 PID` does), SIGTERM (the main process) or SIGINT (the whole
process group: what Ctrl-C in a terminal does) after a random (seeded) delay, and checks:

- Ctrl-C and SIGTERM end with one line saying how to resume, exit 130 / 143, no traceback;
- no process the command started survives it (found by a marker in their environment);
- running the command again gives a runs.parquet byte-identical to an uninterrupted run;
- no temporary file and no lock file is left.
"""

from __future__ import annotations

import os
import random
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

SWEEP = ["-m", "seed=range(0,60,20)", "runs=20", "horizon_weeks=12", "workers=2"]
SINGLE = ["runs=60", "horizon_weeks=12", "workers=2"]
MARK = "ISF_KILL_TEST"
# every signal against both kinds, each at a random moment (docs/reliability.md: 6 of 6 held)
TRIALS = [(sig, kind) for kind in ("sweep", "single") for sig in ("SIGKILL", "SIGTERM", "SIGINT")]


def _env(marker: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    return {**env, "PYTHONHASHSEED": "0", MARK: marker}


def _start(args: list[str], cwd: Path, marker: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=_env(marker),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a command started from a shell
    )


def marked(marker: str) -> list[int]:
    """Processes whose environment carries this trial's marker."""
    needle = f"{MARK}={marker}".encode()
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                env = Path(f"/proc/{entry.name}/environ").read_bytes()
            except OSError:
                continue
            if needle in env.split(b"\0"):
                out.append(int(entry.name))
    return out


def no_survivors(marker: str, grace: float = 6.0) -> list[int]:
    deadline = time.time() + grace
    while (left := marked(marker)) and time.time() < deadline:
        time.sleep(0.1)
    return left


def args_for(kind: str, folder: Path) -> list[str]:
    return [*SWEEP, f"hydra.sweep.dir={folder}"] if kind == "sweep" else [*SINGLE, f"hydra.run.dir={folder}"]


def run_through(args: list[str], cwd: Path, marker: str) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, env=_env(marker), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc, time.perf_counter() - t0


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Uninterrupted runs: their tables and how long each took."""
    root = tmp_path_factory.mktemp("whole")
    out = {}
    for kind in ("sweep", "single"):
        _, wall = run_through(args_for(kind, root / kind), root, uuid.uuid4().hex)
        out[kind] = ((root / kind / "runs.parquet").read_bytes(), wall)
    return out


@pytest.mark.slow
def test_killed_at_random_moments_then_resumed(reference, tmp_path):
    rng = random.Random(20251107)
    for trial, (sig_name, kind) in enumerate(TRIALS):
        marker = uuid.uuid4().hex
        folder = tmp_path / f"{trial}-{kind}-{sig_name}"
        args = args_for(kind, folder)
        proc = _start(args, tmp_path, marker)
        time.sleep(rng.uniform(0.2, reference[kind][1]))
        armed = (folder / ".isf-sim.lock").exists() or (folder / "manifest.json").exists()
        sig = getattr(signal, sig_name)
        try:
            if sig_name == "SIGINT":
                os.killpg(proc.pid, sig)  # Ctrl-C: the terminal signals the whole foreground group
            else:
                os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass
        _, err = proc.communicate(timeout=120)
        where = f"trial {trial}: {sig_name} to a {kind} (rc {proc.returncode})"
        if proc.returncode not in (0, -sig) and armed and sig_name != "SIGKILL":
            assert proc.returncode == 128 + sig, where + err
            lines = err.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in err and "Fatal Python error" not in err, where + err
            assert ("resume with: isf-sim -m" if kind == "sweep" else "run it again: isf-sim") in lines[0], where
        assert not no_survivors(marker), f"{where}: processes outlived isf-sim"
        resumed, _ = run_through(args, tmp_path, marker)
        assert (folder / "runs.parquet").read_bytes() == reference[kind][0], where
        assert not list(folder.rglob(".*.tmp-*")), where
        assert not list(folder.rglob(".isf-sim.lock")), where
        assert not no_survivors(marker), f"{where}: processes outlived the resumed isf-sim"


@pytest.mark.slow
def test_ctrl_c_prints_the_command_that_resumes(reference, tmp_path):
    folder = tmp_path / "sw"
    proc = _start(args_for("sweep", folder), tmp_path, marker := uuid.uuid4().hex)
    deadline = time.time() + 120
    while not (folder / "0" / "manifest.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    [line] = err.strip().splitlines()
    assert line.startswith("isf-sim: interrupted; finished jobs are kept; resume with: isf-sim -m "), line
    assert not no_survivors(marker)
    cmd = shlex.split(line.split("resume with: ", 1)[1])
    resumed, _ = run_through(cmd[1:], tmp_path, marker)
    assert "jobs already done, kept" in resumed.stdout
    assert (folder / "runs.parquet").read_bytes() == reference["sweep"][0]
