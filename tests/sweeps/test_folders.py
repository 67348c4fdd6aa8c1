"""Result folders that cannot be corrupted: one writer at a time, only one job's or sweep's results
in a folder, temporary files of live writers left alone, and rerun_row re-running the very row."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import lock

SWEEP = ["-m", "seed=0,5", "runs=4", "horizon_weeks=8"]


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("isf-sim: error: ") and all(w in line for w in words), line
    return line


def test_another_sweep_or_job_into_a_sweep_folder_is_refused_and_changes_nothing(run, tmp_path):
    out = tmp_path / "sw"
    run(*SWEEP, f"hydra.sweep.dir={out}")
    before = snapshot(out)
    other = run("-m", "seed=0,5", "runs=6", "horizon_weeks=8", f"hydra.sweep.dir={out}", check=False)
    line = one_line_error(other, str(out), "holds another sweep", "resume it with")
    assert "runs=4" in line  # names the command that made it
    single = run("runs=4", "horizon_weeks=8", f"hydra.run.dir={out}", check=False)
    one_line_error(single, "holds another sweep")
    assert snapshot(out) == before
    again = run(*SWEEP, f"hydra.sweep.dir={out}")  # the same sweep resumes
    assert "2 jobs already done" in again.stdout


def test_another_job_into_a_job_folder_is_refused(run, tmp_path):
    out = tmp_path / "job"
    run("runs=4", "horizon_weeks=8", f"hydra.run.dir={out}")
    before = snapshot(out)
    one_line_error(run("runs=5", "horizon_weeks=8", f"hydra.run.dir={out}", check=False), "another job's results")
    one_line_error(run(*SWEEP, f"hydra.sweep.dir={out}", check=False), "another job's results")
    assert snapshot(out) == before
    run("runs=4", "horizon_weeks=8", f"hydra.run.dir={out}")  # the same job may run again
    assert snapshot(out)["runs.parquet"] == before["runs.parquet"]


@pytest.mark.slow
def test_a_second_writer_is_refused_while_the_first_runs_and_a_dead_ones_lock_is_taken_over(run, tmp_path):
    out = tmp_path / "sw"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    first = subprocess.Popen(
        [sys.executable, "-m", "sim", *SWEEP, f"hydra.sweep.dir={out}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while not (out / lock.LOCK).exists() and time.time() < deadline:
        time.sleep(0.02)
    os.kill(first.pid, signal.SIGSTOP)  # holds the folder, frozen: the second command starts meanwhile
    try:
        second = run(*SWEEP, f"hydra.sweep.dir={out}", check=False)
        one_line_error(second, f"is being written by process {first.pid} (started ", "wait for it or choose another")
    finally:
        os.kill(first.pid, signal.SIGKILL)  # dies holding the lock: its lock file stays behind
        os.kill(first.pid, signal.SIGCONT)
        first.wait()
    assert (out / lock.LOCK).exists()
    proc = run(*SWEEP, f"hydra.sweep.dir={out}")  # the stale lock is taken over
    assert "results:" in proc.stdout and not (out / lock.LOCK).exists()


def test_only_a_dead_writers_temporary_files_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.2)
        gone = tmp_path / f".runs.parquet.tmp-{int(dead.stdout)}"
        live = tmp_path / f".runs.parquet.tmp-{alive.pid}"
        reused = tmp_path / f".manifest.json.tmp-{alive.pid}"  # written before that process started
        for f in (gone, live, reused):
            f.write_bytes(b"half")
        os.utime(reused, (time.time() - 3600, time.time() - 3600))
        assert lock.clean_temps(tmp_path) == 2
        assert live.exists() and not gone.exists() and not reused.exists()
    finally:
        alive.kill()
        alive.wait()


# --------------------------------------------------------------------------- rerun_row
def rerun(run, folder: Path, row: pd.Series, tmp_path: Path) -> pd.DataFrame:
    man = json.loads((folder / "manifest.json").read_text())
    cmd = man["rerun_row"].format(seed=int(row["seed"]), point=int(row.get("point", -1)))
    out = tmp_path / f"again-{hashlib.sha256(cmd.encode()).hexdigest()[:8]}"
    run(*shlex.split(cmd)[1:], f"hydra.run.dir={out}")
    return pd.read_parquet(out / "runs.parquet")


def test_rerun_row_of_a_grid_sweep_job_gives_that_row(run, tmp_path):
    out = tmp_path / "sw"
    run("-m", "actors.ISR.resolve=0.6,1.4", "runs=4", "horizon_weeks=8", f"hydra.sweep.dir={out}")
    table = pd.read_parquet(out / "1" / "runs.parquet")
    again = rerun(run, out / "1", table.iloc[2], tmp_path)
    pd.testing.assert_frame_equal(again, table.iloc[[2]].reset_index(drop=True))
    whole = pd.read_parquet(out / "runs.parquet")  # the combined table's row is the job's row
    mine = whole[whole["job"] == 1].drop(columns=["job", "actors.ISR.resolve"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.iloc[[2]].reset_index(drop=True), again, check_dtype=False)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_rerun_row_of_a_design_job_gives_that_row_not_its_block(run, tmp_path, method):
    out = tmp_path / method
    run(
        f"+experiment=sensitivity_{method}",
        "design.samples=2",
        "design.blocks=90",
        "design.block=7",
        "runs=2",
        "horizon_weeks=6",
        f"hydra.run.dir={out}",
    )
    table = pd.read_parquet(out / "runs.parquet")
    assert table["point"].nunique() > 1  # the job ran several points
    row = table.iloc[-1]
    again = rerun(run, out, row, tmp_path)
    pd.testing.assert_frame_equal(again, table.iloc[[-1]].reset_index(drop=True))
