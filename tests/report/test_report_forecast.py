"""isf-report on a forecast folder: the questions, the score and the reliability diagram, in
summary.md and report.html, with the folder's text escaped."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.report.cli import main

# invented outcomes, for the test only: not what happened
OUTCOMES = """\
resolution_by_week_4: {outcome: 0, date: 2025-12-05, source: "invented for the test"}
troops_by_week_26: {outcome: 1, date: 2026-05-08, source: "invented for the test"}
money_by_week_39: {outcome: 0, date: 2026-08-07, source: "invented for the test"}
"""


def _run(cwd: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    root = tmp_path_factory.mktemp("forecast")
    _run(root, "sim.forecasting.run", "runs=10", f"out={root / 'f'}")
    (root / "outcomes.yaml").write_text(OUTCOMES)
    _run(root, "sim.forecasting.score_cli", str(root / "f"), str(root / "outcomes.yaml"), "--partial")
    return root / "f"


def test_report_of_a_scored_forecast_holds_every_question_and_the_diagram(scored, capsys):
    assert main([str(scored)]) == 0
    assert "questions, with its score" in capsys.readouterr().out
    page = (scored / "report" / "report.html").read_text(encoding="utf-8")
    ids = pd.read_csv(scored / "forecast.csv")["question"].tolist()
    assert ids and all(q in page for q in ids)
    png = base64.b64encode((scored / "reliability.png").read_bytes()).decode("ascii")
    assert f"src='data:image/png;base64,{png}'" in page
    brier = json.loads((scored / "score.json").read_text())["brier"]
    assert f"Brier score {brier:.4f} over 3 questions" in page
    summary = (scored / "report" / "summary.md").read_text(encoding="utf-8")
    assert all(q in summary for q in ids) and "![Reliability diagram](reliability.png)" in summary
    assert (scored / "report" / "reliability.png").read_bytes() == (scored / "reliability.png").read_bytes()


def test_an_unscored_forecast_has_no_score_section(scored, tmp_path, capsys):
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("forecast.csv", "registration.json"):
        (bare / name).write_bytes((scored / name).read_bytes())
    assert main([str(bare), "--out", str(tmp_path / "out")]) == 0
    assert "not scored" in capsys.readouterr().out
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Score</h2>" not in page and "data:image/png" not in page


def test_text_from_the_folder_is_escaped(scored, tmp_path):
    evil = tmp_path / "evil"
    evil.mkdir()
    table = pd.read_csv(scored / "forecast.csv")
    table.loc[0, "text"] = "<script>alert(1)</script> | `x`"
    table.to_csv(evil / "forecast.csv", index=False)
    reg = json.loads((scored / "registration.json").read_text())
    reg["title"] = "<img src=x onerror=alert(1)>"
    (evil / "registration.json").write_text(json.dumps(reg))
    assert main([str(evil)]) == 0
    page = (evil / "report" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
    summary = (evil / "report" / "summary.md").read_text(encoding="utf-8")
    assert "<script>" not in summary and "\\|" in summary


def test_a_forecast_folder_goes_alone_and_must_be_readable(scored, tmp_path, capsys):
    assert main([str(scored), str(scored)]) == 2
    assert "one forecast folder" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "forecast.csv").write_text("question,p\na,0.5\n")
    (broken / "registration.json").write_text("{}")
    assert main([str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("isf-report: error:") and "no column" in err and len(err.strip().splitlines()) == 1
