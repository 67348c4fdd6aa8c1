"""isf-report reads what it is given with care: 0/1 columns are read as the booleans they are,
text from a received folder is escaped in summary.md, report.html and the terminal, a folder of
results means its latest run, and the command starts without its heavy libraries."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import fake_results
import numpy as np
import pytest

from sim.report import analysis as an
from sim.report.cli import main
from sim.report.folders import load

ROOT = Path(__file__).resolve().parents[2]


def run(argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_a_deployed_column_of_0_and_1_is_read_as_booleans(tmp_path):
    runs = fake_results.fake_runs("baseline", 50)
    runs["deployed"] = np.r_[np.ones(30, int), np.zeros(20, int)]  # true share 0.60
    folder = load(fake_results.write_run(tmp_path / "r", runs, "baseline"))
    assert folder.runs["deployed"].dtype == bool
    table = an.outcome_table(folder.runs.assign(group="g"))
    assert table.set_index("outcome").loc["deployed", "p"] == pytest.approx(0.60)


HOSTILE = "<script>alert(1)</script>"


def test_text_from_a_received_folder_is_escaped_everywhere(tmp_path):
    runs = fake_results.fake_runs("baseline", 40)
    runs["scenario"] = f"{HOSTILE}|pipe`tick`"
    runs["configuration"] = np.where(runs["deployed"], "<img src=x onerror=alert(2)> | UN", "no force | UN")
    folder = tmp_path / "<script>folder"
    fake_results.write_run(folder, runs, runs["scenario"][0], overrides=[f"actors.ISR.resolve={HOSTILE}"])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["command"] = f"isf-sim '{HOSTILE}' [x](javascript:alert(3)) \x1b[31mred"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "out"
    code, stdout, _ = run([folder, "--out", out, "--label", f"\x1b[2J{HOSTILE}={folder}"])
    assert code == 0
    summary, page = (out / "summary.md").read_text(), (out / "report.html").read_text()
    for text in (summary, page):
        assert "<script" not in text.lower() and "<img src=x" not in text.lower()
    assert "&lt;script>alert(1)&lt;/script>" in summary and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "](javascript" not in summary and "\x1b" not in summary + page + stdout
    # a table row keeps its columns: the pipes and backticks of the scenario name are escaped
    head = next(line for line in summary.splitlines() if line.startswith("| label |"))
    row = next(line for line in summary.splitlines() if "alert(1)" in line and line.startswith("| "))
    assert len(re.findall(r"(?<!\\)\|", row)) == len(re.findall(r"(?<!\\)\|", head))
    assert "\\|pipe\\`tick\\`" in summary


def _result(path: Path, n: int = 12) -> Path:
    return fake_results.write_run(path, fake_results.fake_runs("baseline", n), "baseline")


def test_a_folder_of_results_means_its_latest_run(tmp_path):
    scenario = tmp_path / "results" / "baseline"
    _result(scenario / "2026-11-20_10-00-00-000001")
    newest = _result(scenario / "2026-11-21_09-00-00-000002")
    older = _result(scenario / "2026-11-22_08-00-00-000003")  # newer name, but latest points elsewhere
    os.symlink(newest.name, scenario / "latest")
    folder = load(scenario)
    assert folder.path == newest and f"a folder of runs: reporting its latest, {newest}" in folder.notes[0]
    os.unlink(scenario / "latest")  # without the link: the newest timestamp
    assert load(scenario).path == older
    code, stdout, _ = run([scenario, "--out", tmp_path / "o", "--label", f"base={scenario}"])
    assert code == 0 and "note: " in stdout and "reporting the newest" in stdout
    assert "| base |" in (tmp_path / "o" / "summary.md").read_text()


def test_help_and_version_answer_without_the_heavy_libraries():
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sim.report.cli", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "usage: isf-report" in proc.stdout
    loaded = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert not loaded & {"pandas", "matplotlib", "numpy", "pyarrow", "ema_workbench"}, loaded
    proc = subprocess.run([sys.executable, "-m", "sim.report.cli", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == f"isf-report {version('isf-sim')}\n"


CHECK_IMPORTS = """
import contextlib, io, sys
from sim.report.cli import main
for folder, out in zip(sys.argv[1::2], sys.argv[2::2]):
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([folder, "--out", out]) == 0
    print(sorted(m for m in sys.modules if m.startswith("ema_workbench")))
"""


@pytest.mark.slow
def test_the_workbench_is_imported_only_for_prim_and_only_its_prim(tmp_path):
    fixed = _result(tmp_path / "fixed")
    sampled = fake_results.make_sampled(tmp_path / "sampled", n=60, sensitivity=False)
    argv = [str(fixed), str(tmp_path / "out-fixed"), str(sampled), str(tmp_path / "out-sampled")]
    proc = subprocess.run(
        [sys.executable, "-c", CHECK_IMPORTS, *argv], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    after_fixed, after_sampled = proc.stdout.strip().splitlines()
    assert after_fixed == "[]"  # no sampled parameters: no workbench at all
    assert "ema_workbench.analysis.prim" in after_sampled
    assert "ema_workbench.em_framework.evaluators" not in after_sampled  # not the whole package
    assert (tmp_path / "out-sampled" / "prim.png").exists()
