"""Actors are data: adding a country is adding a file to the case's actors/ and its id to the
defaults list of its config.yaml, with no change to the code (docs/actors.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import isf_sim
from sim.config import actor_ids, build, compose
from sim.config.compose import CONF_DIR


def copied_conf(tmp: Path, source: str, new: str, name: str) -> Path:
    """The default case's folder copied to ``tmp``, with ``new`` added as a copy of actor ``source``."""
    conf = tmp / "case"
    shutil.copytree(CONF_DIR, conf)
    text = (conf / "actors" / f"{source}.yaml").read_text()
    lines = text.splitlines()
    assert lines[0] == f"# @package actors.{source}"
    lines[0] = f"# @package actors.{new}"
    lines = [f"name: {name}" if ln.startswith("name:") else ln for ln in lines]
    (conf / "actors" / f"{new}.yaml").write_text("\n".join(lines) + "\n")
    config = conf / "config.yaml"
    config.write_text(config.read_text().replace("GBR, FRA]", f"GBR, FRA, {new}]", 1))
    return conf


def test_the_actor_list_comes_from_the_defaults_list():
    assert actor_ids()[:3] == ("USA", "ISR", "TUR")
    assert tuple(compose([])["actors"]) == actor_ids()


def test_a_new_trainer_appears_in_runs_without_code(tmp_path):
    """The acceptance of issue 12: NOR, a copy of JOR, runs and appears in the results."""
    conf = copied_conf(tmp_path, "JOR", "NOR", "Norway")
    assert actor_ids(conf)[-1] == "NOR"
    proc = isf_sim(tmp_path, f"case={conf}", "runs=6", "trace=true", "seed=2")
    assert "error" not in proc.stderr
    traced = tmp_path / "results" / "baseline" / "trace"  # traced jobs have their own folder
    [folder] = [p for p in traced.iterdir() if p.name != "latest"]
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 6
    assert "param.actors.NOR.trainer.police_per_week" in runs.columns
    positions = pd.read_parquet(folder / "positions.parquet")
    assert "NOR" in set(positions["actor"])


def test_a_new_contributor_can_serve_in_the_force(tmp_path):
    """A copy of Indonesia under another id is offered, commits and serves like Indonesia."""
    conf = copied_conf(tmp_path, "IDN", "NOR", "Norway")
    model, settings = build(compose(["runs=1", "uncertainty=fixed"], conf))
    assert model.actors["NOR"].contributor == model.actors["IDN"].contributor
    from sim.model.run import Job, simulate

    runs = simulate(Job(model, seed=0, runs=60, uncertainty="fixed"), workers=1).runs
    served = runs["contributors"].fillna("").str.contains("NOR")
    assert served.mean() == pytest.approx(runs["contributors"].fillna("").str.contains("IDN").mean())
    assert served.any()


def test_an_unknown_id_still_gets_a_clear_error(tmp_path):
    proc = isf_sim(tmp_path, "actors.NOR.resolve=0.5", check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("isf-sim: error: unknown actor id 'NOR'")
    assert "USA" in proc.stderr and not (tmp_path / "results").exists()
