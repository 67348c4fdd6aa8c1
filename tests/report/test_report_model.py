"""isf-report on real runs of the model, as a user makes them: two scenarios on the same 200 seeds
(in Hydra's timestamped folders) are compared run by run, and a third on other seeds is not."""

import re
import subprocess
import sys

import pandas as pd
import pytest

from helpers import isf_sim
from sim.stats import paired_difference_of_proportions

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}")


def isf_report(cwd, *args) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sim.report.cli", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("model")
    isf_sim(cwd, "runs=200", "seed=0")
    isf_sim(cwd, "runs=200", "seed=0", "scenario=us_presses_israel")
    isf_sim(cwd, "runs=200", "seed=5000", "scenario=us_presses_israel", "hydra.run.dir=other_seeds")
    (a,) = (p for p in (cwd / "results" / "baseline").iterdir() if p.name != "latest")
    (b,) = (p for p in (cwd / "results" / "us_presses_israel").iterdir() if p.name != "latest")
    assert TIMESTAMP.search(a.name) and TIMESTAMP.search(b.name)
    return cwd, a, b, cwd / "other_seeds"


def test_common_seeds_give_the_paired_interval(folders):
    cwd, a, b, _ = folders
    stdout = isf_report(cwd, a, b, "--out", cwd / "ab", "--csv")
    assert "baseline → us_presses_israel (paired on 200 common seeds)" in stdout
    assert not TIMESTAMP.search(stdout), stdout  # labels, not timestamps
    ra = pd.read_parquet(a / "runs.parquet").sort_values("seed")
    rb = pd.read_parquet(b / "runs.parquet").sort_values("seed")
    direct = paired_difference_of_proportions(ra["deployed"].to_numpy(), rb["deployed"].to_numpy())
    diffs = pd.read_csv(cwd / "ab" / "comparison-differences.csv").set_index("outcome")
    assert diffs.loc["deployed", "hi"] - diffs.loc["deployed", "lo"] <= 1.2 * (direct.hi - direct.lo)
    printed = [ln for ln in stdout.splitlines() if ln.strip().startswith("P(deployed) ")]
    if printed:  # listed when it holds at a false discovery rate of 5 % (the ± is rounded to 0.01)
        assert float(re.search(r"± ([0-9.]+)", printed[0]).group(1)) <= 1.2 * direct.half + 0.005


def test_other_seeds_are_compared_as_independent_samples(folders):
    cwd, a, _, other = folders
    stdout = isf_report(cwd, a, other, "--out", cwd / "ac")
    assert "baseline seed=0 → us_presses_israel seed=5000 (independent: the folders share no seeds)" in stdout
