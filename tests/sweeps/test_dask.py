"""The Dask launcher (`hydra/launcher=dask`) against a real Dask cluster that this test starts on
127.0.0.1 — a scheduler and a worker process with two worker processes, as on a cluster's head and
compute nodes — and stops. Same seeds, same combined table as the basic launcher."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pandas.testing as pdt
import pytest

from helpers import combined, isf_sim

pytest.importorskip("distributed")

ARGS = ["-m", "scenario=baseline,us_presses_israel", "seed=0,30", "runs=30", "horizon_weeks=20"]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def dask_cluster(tmp_path):
    """tcp://127.0.0.1:PORT of a scheduler with 2 single-threaded workers; stopped afterwards."""
    from distributed import Client

    home = tmp_path / "cluster"  # the workers' working directory: not where isf-sim runs
    home.mkdir()
    info = home / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(info),
        ],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.time() + 60
        while not info.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert info.exists(), "the Dask scheduler did not start"
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                "--scheduler-file",
                str(info),
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
            ],
            cwd=home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)


@pytest.mark.slow
def test_dask_cluster_gives_the_same_results_as_the_basic_launcher(tmp_path, dask_cluster):
    work = tmp_path / "work"
    work.mkdir()
    isf_sim(work, *ARGS, "hydra.sweep.dir=basic")
    # a relative sweep folder: the jobs must write it where isf-sim runs, not in the workers' cwd
    proc = isf_sim(work, *ARGS, "hydra/launcher=dask", f"hydra.launcher.address={dask_cluster}", "hydra.sweep.dir=dask")
    assert "4 jobs, 120 runs" in proc.stdout
    pdt.assert_frame_equal(combined(work / "dask"), combined(work / "basic"))
    manifest = json.loads((work / "dask" / "manifest.json").read_text())
    assert manifest["launcher"].endswith("DaskLauncher") and manifest["status"] == "complete"
    # each job ran in one process on a worker (the cluster is the parallelism)
    assert {json.loads((work / "dask" / str(i) / "manifest.json").read_text())["workers"] for i in range(4)} == {1}
    assert not any((tmp_path / "cluster").glob("dask*/**/runs.parquet"))
    assert not (tmp_path / "cluster" / "dask").exists()


@pytest.mark.slow
def test_dask_without_an_address_runs_a_local_cluster(tmp_path):
    isf_sim(tmp_path, *ARGS, "hydra.sweep.dir=basic")
    isf_sim(tmp_path, *ARGS, "hydra/launcher=dask", "hydra.launcher.n_workers=2", "hydra.sweep.dir=local")
    pdt.assert_frame_equal(combined(tmp_path / "local"), combined(tmp_path / "basic"))
