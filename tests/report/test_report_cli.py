"""isf-report end to end on fake result folders (no model needed)."""

import json
import subprocess
import sys
from html import escape as html_escape
from pathlib import Path

import fake_results
import pandas as pd
import pytest

from sim.report.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ab_report(fake, tmp_path_factory):
    out = tmp_path_factory.mktemp("ab") / "rep"
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main([str(fake["baseline"]), str(fake["us_presses_israel"]), "--out", str(out)])
    return code, out, buf.getvalue()


def test_two_folders_report_and_comparison(ab_report):
    code, out, stdout = ab_report
    assert code == 0
    for name in ("configurations", "survival", "comparison"):
        assert (out / f"{name}.png").stat().st_size > 1000
        assert (out / f"{name}.svg").read_text().startswith("<?xml")
    lines = stdout.strip().splitlines()
    assert lines[0].startswith("report: ") and str(out / "report.html") in lines[0]
    assert lines[1] == "made: configurations, survival, comparison"
    assert "skipped heatmap: no sweep of two parameters" in lines
    assert len(lines) < 20
    # the folders ran on different seeds: independent intervals, and the output says so
    head = next(ln for ln in lines if "→" in ln)
    assert head.startswith("baseline seed=0 → us_presses_israel seed=1 (independent: the folders share no seeds): ")
    assert "hold at a false discovery rate of 5 % (Benjamini–Hochberg)" in head
    turkey = [ln for ln in lines if "P(Turkish troops)" in ln]
    assert turkey == ["  P(Turkish troops) 0.00 → 0.39, difference 0.39 ± 0.06 (q <0.001)"]
    summary = (out / "summary.md").read_text()
    assert "## Differences that matter" in summary and turkey[0].strip() in summary
    assert "Benjamini–Hochberg, FDR 5 %" in summary and "Wald interval" in summary
    assert "| baseline seed=0 | no force \\| UN |" in summary  # configuration table, '|' escaped
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3
    assert "src='http" not in html and "href=" not in html  # opens offline
    assert html_escape(turkey[0].strip()) in html


def test_configuration_probabilities_in_summary_match_the_data(fake, ab_report):
    _, out, _ = ab_report
    runs = pd.read_parquet(fake["baseline"] / "runs.parquet")
    p = (runs["configuration"] == "no force | UN").mean()
    row = f"| baseline seed=0 | no force \\| UN | {int(round(p * 300))} | 300 | {p:.3f} |"
    assert row in (out / "summary.md").read_text()


def test_every_figure_from_sweep_sampled_and_trace(fake, tmp_path, capsys):
    out = tmp_path / "rep"
    code = main(
        [
            str(fake["sweep"]),
            str(fake["sampled"]),
            str(fake["trace"]),
            "--out",
            str(out),
            "--outcome",
            "P(deployed without Türkiye)",
        ]
    )
    assert code == 0
    for name in ("configurations", "survival", "heatmap", "trace", "sensitivity", "prim", "comparison"):
        assert (out / f"{name}.png").exists(), name
    stdout = capsys.readouterr().out
    assert "skipped comparison-trace: too few runs to compare" in stdout
    summary = (out / "summary.md").read_text()
    sweep = "baseline USA.pressure.ISR=0.2,0.5,0.8 ISR.resolve=0.3,0.6,0.9 seed=0 runs=40 uncertainty=fixed"
    assert f"P(deployed without Türkiye) over the swept parameters ({sweep})" in summary
    assert "| actors.ISR.resolve | actors.USA.pressure.ISR = 0.2 |" in summary  # heat map table
    assert "veto_yielded" in summary  # key events of the trace
    trace = "baseline seed=3 runs=1 uncertainty=fixed"
    assert f"Left out (fewer than 10 runs): {trace}." in summary  # one traced run is not a population
    # the grid's 9 cells, pooled and labelled so (their intervals resample seeds)
    assert f"| {sweep} (pooled over 9 cells) | 360 |" in summary and f"| {trace} | 1 |" not in summary
    assert "independent: a folder has up to 9 runs per seed" in stdout  # a sweep against a job


def test_default_output_is_inside_the_first_folder(fake, tmp_path, capsys):
    import shutil

    run = shutil.copytree(fake["trace"], tmp_path / "trace")
    assert main([str(run)]) == 0
    assert (run / "report" / "report.html").exists() and (run / "report" / "trace.png").exists()
    out = capsys.readouterr().out
    assert "skipped configurations" not in out and "skipped prim: no sampled parameters" in out


def test_missing_figure_data_is_skipped_not_fatal(tmp_path, capsys):
    runs = fake_results.fake_runs("baseline", 60).drop(columns=["week_deployed", "week_authorized"])
    fake_results.write_run(tmp_path / "r", runs, "baseline")
    assert main([str(tmp_path / "r"), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "skipped survival: missing data" in out and "configurations" in out.splitlines()[1]


def test_sweep_without_combined_runs_joins_jobs(fake, tmp_path, capsys):
    import shutil

    sweep = shutil.copytree(fake["sweep"], tmp_path / "sweep")
    (sweep / "runs.parquet").unlink()
    assert main([str(sweep), "--out", str(tmp_path / "o")]) == 0
    assert "joined 9 job folders" in capsys.readouterr().out


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda p: None, ": not a result folder"),
        (lambda p: (p / "manifest.json").write_text("{not json"), "manifest.json: not valid JSON"),
        (lambda p: (p / "runs.parquet").write_text("nope"), "runs.parquet: not a readable parquet file"),
    ],
)
def test_not_a_result_folder_is_a_one_line_error(tmp_path, capsys, setup, message):
    setup(tmp_path)
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("isf-report: error: ") and message in err


def test_unknown_outcome_and_missing_path(fake, tmp_path, capsys):
    assert main([str(fake["baseline"]), "--outcome", "P(peace)"]) == 2
    assert "unknown outcome 'P(peace)'" in capsys.readouterr().err
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_command_exit_code_without_traceback(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "sim.report.cli", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_small_sampled_folder_and_one_parameter_sweep_are_skipped_with_reasons(tmp_path, capsys):
    small = fake_results.make_sampled(tmp_path / "small", n=20, sensitivity=False)
    sweep = fake_results.make_sweep(tmp_path / "sweep", n=5)
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["swept"] = ["actors.ISR.resolve"]
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    assert main([str(small), str(sweep), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "skipped prim: only 20 runs; scenario discovery needs at least 50" in out
    assert "skipped heatmap: no sweep of two parameters (swept: actors.ISR.resolve)" in out
