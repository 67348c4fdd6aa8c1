"""Every experiment file composes, validates and runs briefly (so none rots)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from helpers import EXPERIMENTS, ROOT, combined
from sim.config import build, compose
from sim.sweep.sensitivity import COLUMNS, split_design

EXPERIMENT_DIR = ROOT / "conf" / "cases" / "gaza" / "experiments"  # the Gaza case's named sweeps


def _sweeper_params(name: str) -> dict:
    return yaml.safe_load((EXPERIMENT_DIR / f"{name}.yaml").read_text())["hydra"]["sweeper"]["params"]


def test_there_are_experiments_and_each_states_its_question():
    assert {"turkey_veto", "gulf_conditions", "council", "contributor_risk", "sensitivity_morris"} <= set(EXPERIMENTS)
    for name in EXPERIMENTS:
        text = (EXPERIMENT_DIR / f"{name}.yaml").read_text()
        assert text.startswith("# @package _global_\n# Question:"), name


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_composes_and_validates(name):
    raw = compose([f"+experiment={name}"])
    design, model = split_design(raw)
    build(model)
    for key in _sweeper_params(name):
        if not key.startswith("design."):
            raw = compose([f"+experiment={name}", f"{key}={str(_sweeper_params(name)[key]).split(',')[0]}"])
            build(split_design(raw)[1], frozenset([key]))


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_runs_briefly(run, tmp_path, name):
    """One or two cells of each grid (command-line values replace the file's sweep)."""
    params = _sweeper_params(name)
    out = tmp_path / "sw"
    if "design.block" in params:
        args = ["design.samples=2", "design.blocks=2", "design.block=0,1", "runs=1", "horizon_weeks=12"]
    else:
        first, *rest = params
        args = [f"{first}={','.join(str(params[first]).split(',')[:2])}"]
        args += [f"{k}={str(params[k]).split(',')[0]}" for k in rest] + ["runs=3", "horizon_weeks=12"]
    run("-m", f"+experiment={name}", *args, f"hydra.sweep.dir={out}")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["status"] == "complete"
    table = combined(out)
    if "design.block" in params:
        sens = pd.read_parquet(out / "sensitivity.parquet")
        assert list(sens.columns) == list(COLUMNS) and len(sens) > 0
        assert manifest["swept"] == ["design.block"]
        assert table["point"].nunique() == manifest["design_points"]
    else:
        assert manifest["swept"] == [first] and table[first].nunique() == 2


def test_sensitivity_swept_with_another_key_gets_indices_per_value(run, tmp_path):
    out = tmp_path / "sw"
    run(
        "-m",
        "+experiment=sensitivity_morris",
        "scenario=baseline,us_presses_israel",
        "design.samples=2",
        "design.blocks=1",
        "design.block=0",
        "runs=1",
        "horizon_weeks=12",
        f"hydra.sweep.dir={out}",
    )
    sens = pd.read_parquet(out / "sensitivity.parquet")
    assert list(sens.columns) == ["scenario", *COLUMNS]
    assert set(sens["scenario"]) == {"baseline", "us_presses_israel"}
    # the scenario's levers are fixed, so they are not among its design's parameters
    levers = {"actors.USA.pressure.ISR"}
    assert levers & set(sens.loc[sens["scenario"] == "baseline", "parameter"])
    assert not levers & set(sens.loc[sens["scenario"] == "us_presses_israel", "parameter"])


def test_a_sensitivity_sweep_missing_blocks_fails_loudly(run, tmp_path):
    out = tmp_path / "sw"
    proc = run(
        "-m",
        "+experiment=sensitivity_morris",
        "design.samples=2",
        "design.blocks=2",
        "design.block=0",
        "runs=1",
        "horizon_weeks=8",
        f"hydra.sweep.dir={out}",
        check=False,
    )
    assert proc.returncode == 2
    assert "run every design.block" in proc.stderr.strip().splitlines()[-1]
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
