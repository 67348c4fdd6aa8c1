"""Stopping a sweep and running the same command again: kept jobs, re-run jobs, same table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas.testing as pdt
import pytest

from helpers import combined

ARGS = ["-m", "actors.ISR.resolve=0.6,1.0,1.4,1.8", "runs=12", "horizon_weeks=20"]


def test_rerun_keeps_finished_jobs_and_redoes_unfinished_ones(run, tmp_path):
    out = tmp_path / "sw"
    run(*ARGS, f"hydra.sweep.dir={out}")
    full = combined(out)
    kept = (out / "0" / "runs.parquet").stat().st_mtime_ns
    # job 2 "died" before its manifest was written, leaving a temporary file behind;
    # job 3 never started; the combined table was never written
    (out / "2" / "manifest.json").unlink()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (out / "2" / f".runs.parquet.tmp-{int(dead.stdout)}").write_bytes(b"half")  # its writer is dead
    for f in (out / "3").iterdir():
        if f.is_file():
            f.unlink()
    (out / "runs.parquet").unlink()
    proc = run(*ARGS, f"hydra.sweep.dir={out}")
    assert "2 jobs already done" in proc.stdout
    assert (out / "0" / "runs.parquet").stat().st_mtime_ns == kept
    assert not list(out.rglob(".*.tmp-*"))
    pdt.assert_frame_equal(combined(out), full)
    assert json.loads((out / "manifest.json").read_text())["jobs_resumed"] == 2


def test_a_changed_config_is_not_mistaken_for_a_finished_job(run, tmp_path):
    out = tmp_path / "sw"
    run("-m", "seed=0,5", "runs=5", "horizon_weeks=10", f"hydra.sweep.dir={out}")
    man = json.loads((out / "1" / "manifest.json").read_text())  # job 1 ran another config (or version)
    (out / "1" / "manifest.json").write_text(json.dumps({**man, "config_sha256": "0" * 64}))
    proc = run("-m", "seed=0,5", "runs=5", "horizon_weeks=10", f"hydra.sweep.dir={out}")
    assert "1 jobs already done" in proc.stdout
    assert json.loads((out / "1" / "manifest.json").read_text())["config_sha256"] == man["config_sha256"]


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])  # 2: jobs pipelined through the warm pool
def test_kill_9_then_resume_equals_an_uninterrupted_sweep(run, tmp_path, workers):
    args = ["-m", "seed=range(0,120,20)", "runs=20", "horizon_weeks=30", f"workers={workers}"]
    run(*args, f"hydra.sweep.dir={tmp_path / 'whole'}")
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *args, f"hydra.sweep.dir={out}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while not (out / "1" / "manifest.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "runs.parquet").exists()
    run(*args, f"hydra.sweep.dir={out}")
    pdt.assert_frame_equal(combined(out), combined(tmp_path / "whole"))
