"""isf-forecast end to end, and the weekly table it reads: same command, same bytes; the
registration's hash follows the case folder; weekly=true leaves the runs table alone; a sweep's
weekly.parquet is its jobs' tables joined."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from helpers import ROOT, isf_sim
from sim.model.weekly import concat

GAZA = ROOT / "conf" / "cases" / "gaza"


def forecast(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.forecasting.run", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def test_same_command_and_seed_give_the_same_bytes(tmp_path):
    for name in ("a", "b"):
        p = forecast(tmp_path, "runs=30", "seed=4", f"out={tmp_path / name}")
        assert p.returncode == 0, p.stderr
    for f in ("forecast.csv", "answers.parquet"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    table = pd.read_csv(tmp_path / "a" / "forecast.csv")
    assert list(table.columns) == ["question", "text", "p", "low", "high", "rule_low", "rule_high", "runs",
                                   "status_quo"]  # fmt: skip
    asked = [ln.split(":", 1)[1].strip() for ln in (GAZA / "questions.yaml").read_text().splitlines()
             if ln.strip().startswith("- id:")]  # fmt: skip
    assert table.question.tolist() == asked  # every question of the case, one row each, in order
    assert ((table.low <= table.p) & (table.p <= table.high)).all()
    assert ((table.rule_low <= table.p) & (table.p <= table.rule_high)).all()
    answers = pd.read_parquet(tmp_path / "a" / "answers.parquet")
    assert len(answers) == 30 and list(answers.columns) == ["seed", *table.question]
    assert (answers.drop(columns="seed").mean().round(6).values == table.p.round(6).values).all()
    reg = json.loads((tmp_path / "a" / "registration.json").read_text())
    assert reg["case"] == "gaza" and reg["cutoff"] == "2025-11-07" and reg["command"].startswith("isf-forecast")


def test_the_registration_hash_changes_with_any_file_of_the_case(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(GAZA, case)
    hashes = []
    for step in range(2):
        out = tmp_path / f"f{step}"
        p = forecast(tmp_path, f"case={case}", "runs=5", f"out={out}")
        assert p.returncode == 0, p.stderr
        hashes.append(json.loads((out / "registration.json").read_text())["case_hash"])
        scen = case / "scenario" / "baseline.yaml"
        scen.write_text(scen.read_text() + "\n# an edit\n")
    assert hashes[0] != hashes[1]


def test_a_bad_setting_is_one_line(tmp_path):
    p = forecast(tmp_path, "runs=abc")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    p = forecast(tmp_path, "case=nosuch")
    assert p.returncode == 2 and "no such case" in p.stderr


def test_weekly_leaves_the_runs_table_alone_and_a_sweep_joins_the_jobs(tmp_path):
    isf_sim(tmp_path, "runs=25", "seed=2", f"hydra.run.dir={tmp_path / 'plain'}")
    isf_sim(tmp_path, "runs=25", "seed=2", "weekly=true", f"hydra.run.dir={tmp_path / 'weekly'}")
    plain = pd.read_parquet(tmp_path / "plain" / "runs.parquet")
    assert plain.equals(pd.read_parquet(tmp_path / "weekly" / "runs.parquet"))
    week = pd.read_parquet(tmp_path / "weekly" / "weekly.parquet")
    assert len(week) == 25 * 53 and set(week.week) == set(range(53))
    assert {"control.ISR", "disarmament.HAMAS", "funds_released_usd", "deaths"} <= set(week.columns)
    # at the horizon, the weekly table says what the runs table says
    last = week[week.week == 52].set_index("seed")
    assert (last.troops_deployed.values == plain.set_index("seed").troops.values).all()
    sweep = tmp_path / "sweep"
    isf_sim(tmp_path, "-m", "runs=10", "weekly=true", "scenario=baseline,strike_surge", f"hydra.sweep.dir={sweep}")
    joined = concat([pd.read_parquet(sweep / str(i) / "weekly.parquet") for i in range(2)])
    assert pd.read_parquet(sweep / "weekly.parquet").drop(columns="job").equals(joined)


def test_a_second_case_forecasts_its_own_questions(tmp_path):
    mini = ROOT / "tests" / "cases" / "mini"
    p = forecast(tmp_path, f"case={mini}", "runs=20", f"out={tmp_path / 'f'}")
    assert p.returncode == 0, p.stderr
    table = pd.read_csv(tmp_path / "f" / "forecast.csv")
    assert "ctb_committed_by_week_20" in set(table.question) and len(table) == 6
    assert "Gaza" not in p.stdout and "gaza" not in (tmp_path / "f" / "registration.json").read_text()
