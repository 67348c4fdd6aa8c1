"""isf-report comparing folders: paired on common seeds, labels from scenarios and overrides (never
the timestamped folder name), --label, and the tables as CSV."""

import io
import re
from contextlib import redirect_stdout

import fake_results
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from sim.report.build import Options, assemble
from sim.report.cli import main
from sim.report.folders import load
from sim.report.labels import folder_labels, parse_label
from sim.stats import paired_difference_of_proportions

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def run(*argv) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main([str(a) for a in argv])
    return code, buf.getvalue()


@pytest.fixture(scope="module")
def paired(fake, tmp_path_factory):
    out = tmp_path_factory.mktemp("paired") / "rep"
    code, stdout = run(fake["baseline"], fake["same_seeds"], "--out", out, "--csv")
    assert code == 0
    return out, stdout


def test_same_seeds_give_the_paired_interval_and_say_so(fake, paired):
    out, stdout = paired
    head = next(ln for ln in stdout.splitlines() if "→" in ln)
    assert head.startswith("baseline → us_presses_israel (paired on 300 common seeds): ")
    a = pd.read_parquet(fake["baseline"] / "runs.parquet").sort_values("seed")
    b = pd.read_parquet(fake["same_seeds"] / "runs.parquet").sort_values("seed")
    direct = paired_difference_of_proportions(a["deployed"].to_numpy(), b["deployed"].to_numpy())
    line = next(ln for ln in stdout.splitlines() if ln.strip().startswith("P(deployed) "))
    printed = float(re.search(r"± ([0-9.]+)", line).group(1))
    assert printed <= 1.2 * direct.half
    summary = (out / "summary.md").read_text()
    assert "paired on 300 common seeds" in summary and "Newcombe" in summary


def test_labels_carry_no_timestamp(fake, paired):
    out, stdout = paired
    assert not TIMESTAMP.search(stdout)
    summary = (out / "summary.md").read_text().replace(str(fake["same_seeds"]), "FOLDER")  # the path column
    assert not TIMESTAMP.search(summary)
    report = assemble([load(fake["baseline"]), load(fake["same_seeds"])], Options())
    assert report.labels == ["baseline", "us_presses_israel"]
    figures = [item.figure for item in report.items if item.figure is not None]
    assert len(figures) == 3
    texts = [t.get_text() for fig in figures for t in fig.findobj(Text)]
    assert any("us_presses_israel" in t for t in texts) and not any(TIMESTAMP.search(t) for t in texts)


def test_label_is_the_scenario_plus_the_overrides_that_differ(tmp_path):
    a = fake_results.make_run(tmp_path / "a", "us_presses_israel", 40, overrides=["runs=40", "seed=0"])
    b = fake_results.make_run(
        tmp_path / "2026-01-01_00-00-00-000000",
        "us_presses_israel",
        40,
        overrides=["runs=40", "seed=0", "actors.ISR.resolve=0.4", "mechanisms.ground.deaths_per_day=5"],
    )
    labels = folder_labels([load(a), load(b)])
    assert labels == ["us_presses_israel", "us_presses_israel ISR.resolve=0.4 ground.deaths_per_day=5"]
    assert folder_labels([load(b)]) == ["us_presses_israel"]  # alone, nothing differs
    assert folder_labels([load(a), load(a)]) == ["us_presses_israel (a) [1]", "us_presses_israel (a) [2]"]


def test_label_option_overrides(fake, tmp_path):
    code, stdout = run(
        fake["baseline"],
        fake["same_seeds"],
        "--out",
        tmp_path / "o",
        "--label",
        f"US presses Israel={fake['same_seeds']}",
    )
    assert code == 0 and "baseline → US presses Israel (paired on 300 common seeds)" in stdout
    assert parse_label("a=b=c") == ("a", "b=c")
    assert main([str(fake["baseline"]), "--label", f"x={tmp_path}"]) == 2  # not among the folders


def test_csv_tables_beside_the_summary(paired):
    out, stdout = paired
    assert "CSV tables" in stdout.splitlines()[0]
    diffs = pd.read_csv(out / "comparison-differences.csv")
    assert {"outcome", "diff", "lo", "hi", "p", "q", "matters"} <= set(diffs.columns)
    inputs = pd.read_csv(out / "inputs.csv")
    assert inputs["label"].tolist() == ["baseline", "us_presses_israel"]
    assert (out / "outcomes.csv").exists() and (out / "configurations-configurations.csv").exists()


def test_csv_cells_a_spreadsheet_would_run_are_defused(fake, tmp_path):
    """A label from a folder name or --label that starts like a formula is written as text."""
    out = tmp_path / "rep"
    evil = '=HYPERLINK("http://x.invalid","click")'
    code, _ = run(fake["baseline"], "--label", f"{evil}={fake['baseline']}", "--out", out, "--csv")
    assert code == 0
    for csv in out.glob("*.csv"):
        text = csv.read_text()
        assert "\n=" not in text and ",=" not in text and not text.startswith("="), csv.name
    assert pd.read_csv(out / "inputs.csv")["label"].tolist() == ["'" + evil]
