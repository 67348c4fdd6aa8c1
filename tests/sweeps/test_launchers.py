"""The same sweep through other Hydra launchers gives the same combined table (same seeds)."""

from __future__ import annotations

import json

import pandas.testing as pdt
import pytest

from helpers import combined

ARGS = ["-m", "scenario=baseline,credible_amnesty", "runs=8", "horizon_weeks=15"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "launcher",
    [
        ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=10", "hydra.launcher.cpus_per_task=1"],
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    ],
)
def test_other_launchers_match_the_basic_launcher(run, tmp_path, launcher):
    run(*ARGS, f"hydra.sweep.dir={tmp_path / 'basic'}")
    run(*ARGS, *launcher, f"hydra.sweep.dir={tmp_path / 'other'}")
    pdt.assert_frame_equal(combined(tmp_path / "other"), combined(tmp_path / "basic"))
    manifest = json.loads((tmp_path / "other" / "manifest.json").read_text())
    assert manifest["launcher"] != json.loads((tmp_path / "basic" / "manifest.json").read_text())["launcher"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic", "other"]
