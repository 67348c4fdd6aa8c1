"""The benchmark measures what it says: the same runs, the same outcomes, whichever way they run."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from sim.config import load
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.tools import bench


def test_batch_run_adapter_gives_the_model_s_own_outcomes():
    params, _, _ = load(["uncertainty=fixed", "horizon_weeks=20"])
    _, rows = bench.batch_run(params, 6, 1)
    got = pd.DataFrame(sorted(rows, key=lambda r: r["RunId"]))
    own = pd.DataFrame([outcome(ISFModel(params, rng=s).run(), s) for s in range(6)])
    pd.testing.assert_frame_equal(got[list(own.columns)], own, check_dtype=False)


@pytest.mark.slow
def test_bench_command_runs_end_to_end():
    proc = subprocess.run(
        [sys.executable, "-m", "sim.tools.bench", "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for line in ("bare model loop", "uncertainty=fixed", "uncertainty=sample", "outcome once", "every week",
                 "sampled / fixed", "/ model time", "2 workers / 1 worker", "peak memory of that job", "grid of 36",
                 "isf-sim --help"):  # fmt: skip
        assert line in proc.stdout, line


def test_startup_bench_times_every_command_s_help_and_version():
    times = bench.startup(repeats=1)
    assert set(times) == {(tool, flag) for tool in bench.TOOLS for flag in ("--help", "--version")}
    assert all(t > 0 for t in times.values())  # measured, not asserted fast: speed is the bench's to report
