"""Result folders a user can trust (issue 21): whole numbers stay whole, a traced run never
becomes a scenario's ``latest``, the results path is printed whole with the next command, every
folder isf-sim writes is read by isf-report, and each probability comes with its range across
the admitted bargaining rules (``rules.parquet``)."""

from __future__ import annotations

import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers import isf_sim
from sim.report.cli import main as isf_report


def next_command(stdout: str) -> list[str]:
    """The command isf-sim prints last (``next: isf-report PATH``), as words."""
    [line] = [x for x in stdout.splitlines() if x.startswith("next: ")]
    return shlex.split(line.removeprefix("next: "))


def one_line_exit_2(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("isf-sim: error: ") and "Traceback" not in proc.stderr
    return lines[0]


@pytest.mark.parametrize(
    "arg", ["runs=1e3", "runs=40.0", "horizon_weeks=5.2e1", "seed=1e1", "actors.EGY.contributor.offer=2e3"]
)
def test_a_whole_number_written_as_a_decimal_is_refused(tmp_path, arg):
    line = one_line_exit_2(isf_sim(tmp_path, arg, check=False))
    key, value = arg.split("=")
    assert f"{key} = " in line and "decimal number" in line and f"({key}={int(float(value))})" in line
    assert not list(tmp_path.iterdir())  # nothing written


def test_shell_completion_without_a_subcommand_is_one_line(tmp_path):
    line = one_line_exit_2(isf_sim(tmp_path, "--shell-completion", check=False))
    assert "install=SHELL" in line and "bash" in line
    ok = isf_sim(tmp_path, "--shell-completion", "install=bash")
    assert "complete" in ok.stdout and not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def baseline_then_trace(tmp_path_factory):
    """A 40-run baseline, then a traced run of the same scenario (as the README shows)."""
    cwd = tmp_path_factory.mktemp("latest")
    job = isf_sim(cwd, "runs=40", "seed=5")
    trace = isf_sim(cwd, "trace=true", "runs=1", "seed=3")
    return cwd, job, trace


def test_a_traced_run_never_becomes_the_scenarios_latest(baseline_then_trace, tmp_path):
    cwd, job, trace = baseline_then_trace
    latest = cwd / "results" / "baseline" / "latest"
    assert len(pd.read_parquet(latest / "runs.parquet")) == 40
    traced = cwd / "results" / "baseline" / "trace" / "latest"
    assert (traced / "events.parquet").is_file()
    assert next_command(trace.stdout)[1].startswith("results/baseline/trace/")
    # isf-report on the scenario after the traced run reports the 40 runs
    words = ["isf-report", str(cwd / "results" / "baseline"), "--out", str(tmp_path / "r")]
    assert isf_report(words[1:]) == 0
    summary = (tmp_path / "r" / "summary.md").read_text()
    assert "| 40 |" in summary and "trace" not in next_command(job.stdout)[1]


def test_the_results_path_is_whole_and_followed_by_the_next_command(baseline_then_trace):
    cwd, job, _ = baseline_then_trace
    lines = job.stdout.splitlines()
    results, following = lines[-2], lines[-1]
    shown = results.removeprefix("results: ")
    assert (cwd / shown / "runs.parquet").is_file()  # the whole path, on one line
    assert following == f"next: isf-report {shown}"


def test_the_table_shows_each_probability_with_its_rule_range(baseline_then_trace):
    cwd, job, trace = baseline_then_trace
    folder = cwd / "results" / "baseline" / "latest"
    runs, rules = pd.read_parquet(folder / "runs.parquet"), pd.read_parquet(folder / "rules.parquet")
    assert list(rules.columns) == [c for c in runs.columns if not c.startswith("param.")]
    # Gaza admits the default and nash rules (case.yaml: rules); the job runs default, so the
    # range adds nash on the same seeds
    assert sorted(set(rules["rule"])) == ["nash"] and len(rules) == len(runs)
    assert list(rules["seed"]) == list(runs["seed"])  # the same seeds
    assert "across rules" in job.stdout and "rule range: the same seeds under nash" in job.stdout
    for p, low, high in re.findall(r"= (\d\.\d+)  \[95%: [^\]]+\]  rules (\d\.\d+)–(\d\.\d+)", job.stdout):
        assert float(low) <= float(p) <= float(high)  # the job's own rule is inside its range
    assert not (cwd / "results" / "baseline" / "trace" / "latest" / "rules.parquet").exists()
    assert "rule range: none (a traced run" in trace.stdout


def test_the_rule_range_gives_the_same_bytes_whatever_the_workers(baseline_then_trace, tmp_path):
    cwd, _, _ = baseline_then_trace
    again = isf_sim(tmp_path, "runs=40", "seed=5", "workers=2", "hydra.run.dir=w2")
    assert again.returncode == 0
    first = cwd / "results" / "baseline" / "latest"
    for name in ("runs.parquet", "rules.parquet"):
        assert (tmp_path / "w2" / name).read_bytes() == (first / name).read_bytes(), name


def test_a_rule_fixed_on_the_command_line_has_no_range(tmp_path):
    proc = isf_sim(tmp_path, "runs=5", "mechanisms.pressure.rule=nash", "hydra.run.dir=out")
    assert "rule range: none (the rule is set on the command line" in proc.stdout
    assert not (tmp_path / "out" / "rules.parquet").exists() and "across rules" not in proc.stdout


def test_a_sweep_summary_has_intervals_the_experiments_outcome_and_one_csv(tmp_path):
    proc = isf_sim(
        tmp_path,
        "-m",
        "+experiment=turkey_veto",
        "actors.USA.pressure.ISR=0.1,0.9",
        "actors.ISR.resolve=0.5",
        "runs=8",
        "csv=true",
        "hydra.sweep.dir=sw",
    )
    out, sweep = proc.stdout, tmp_path / "sw"
    assert "P(Turkish troops)" in out  # turkey_veto.yaml: report: {outcome: turkish_troops}
    rows = [x for x in out.splitlines() if "actors.USA.pressure.ISR=" in x]
    assert len(rows) == 2 and all(len(re.findall(r"\d\.\d\d \[\d\.\d\d–\d\.\d\d\] rules", r)) == 3 for r in rows)
    assert out.splitlines()[-1] == "next: isf-report sw"
    csv, parquet = pd.read_csv(sweep / "runs.csv"), pd.read_parquet(sweep / "runs.parquet")
    assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet) == 16
    assert (csv["seed"] == parquet["seed"]).all() and (csv["job"] == parquet["job"]).all()
    rules = pd.read_parquet(sweep / "rules.parquet")
    assert set(rules["job"]) == {0, 1} and len(rules) == len(parquet)  # nash beside default, job by job


# --------------------------------------------------------------------------- the round trip
def _settings(rng: random.Random) -> list[str]:
    """A valid isf-sim command line, drawn: settings, a scenario, maybe a sweep or a trace."""
    args = [f"runs={rng.randint(2, 12)}", f"seed={rng.randint(0, 10**6)}", f"horizon_weeks={rng.randint(6, 40)}"]
    args += [f"uncertainty={rng.choice(['sample', 'fixed'])}", f"workers={rng.choice([1, 2])}"]
    args += rng.sample(["csv=true", "weekly=true", "scenario=us_presses_israel", "actors.ISR.resolve=0.7"], 2)
    kind = rng.choice(["job", "sweep", "trace"])
    if kind == "sweep":
        args = ["-m", *args, "seed=0,3"]
    elif kind == "trace":
        args = [a for a in args if not a.startswith("runs=")] + ["trace=true", "runs=1"]
    return args


def test_every_folder_isf_sim_writes_isf_report_reads(tmp_path):
    rng = random.Random(21)
    for i in range(4):
        args = _settings(rng)
        cwd = tmp_path / str(i)
        cwd.mkdir()
        proc = isf_sim(cwd, *args, check=False)
        assert proc.returncode == 0, f"isf-sim {' '.join(args)}: {proc.stderr[-2000:]}"
        words = next_command(proc.stdout)
        assert words[0] == "isf-report"
        here = Path.cwd()
        os.chdir(cwd)  # the printed path is relative to where isf-sim ran
        try:
            assert isf_report([*words[1:], "--out", str(cwd / "report")]) == 0, args
        finally:
            os.chdir(here)
        assert (cwd / "report" / "report.html").is_file(), args


# --------------------------------------------------------------------------- Ctrl-C as it ends
@pytest.mark.slow
def test_ctrl_c_as_a_sweep_ends_is_one_line_and_130(tmp_path):
    """A Ctrl-C once the sweep has printed its summary: either it has already exited (0), or it
    says so in one line and exits 130 (it was -2 and silent in the interpreter's teardown)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    for delay in (0.0, 0.05, 0.15):
        folder = tmp_path / f"sw{delay}"
        args = ["-m", "seed=0,20", "runs=20", "horizon_weeks=12", "workers=2", f"hydra.sweep.dir={folder}"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for line in proc.stdout:
            if line.startswith("next: "):
                break
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 130), (delay, proc.returncode, err)
        if proc.returncode == 130:
            [only] = err.strip().splitlines()
            assert only.startswith("isf-sim: interrupted"), only
        assert (folder / "runs.parquet").is_file()
