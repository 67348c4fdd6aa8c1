"""isf-score and sim.forecasting.score: the scores against hand computations, on a small forecast
folder built by hand, and every unusable input as one line and exit code 2 with nothing written.

The outcomes here are invented: they test arithmetic, not the world."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import ROOT
from sim.forecasting.score import ScoreError, decomposition, score

IDS = ["alpha", "bravo", "charlie", "delta", "echo"]
P = [0.9, 0.2, 0.65, 0.35, 0.05]
STATUS_QUO = [0, 0, 1, 0, 0]
OUTCOME = [1, 0, 1, 0, 0]  # invented
MATCHING_RUNS = 7  # of RUNS: the first 7 runs answer every question as OUTCOME does
RUNS = 20

OUTCOMES_YAML = "".join(
    f'{q}: {{outcome: {o}, date: 2026-03-0{i + 1}, source: "invented for a test"}}\n'
    for i, (q, o) in enumerate(zip(IDS, OUTCOME))
)


def make_folder(path: Path) -> Path:
    """A forecast folder as isf-forecast writes one: forecast.csv, answers.parquet, registration.json."""
    path.mkdir(parents=True)
    pd.DataFrame(
        {
            "question": IDS,
            "text": [f"Will {q} happen?" for q in IDS],
            "p": P,
            "low": [max(0.0, p - 0.1) for p in P],
            "high": [min(1.0, p + 0.1) for p in P],
            "rule_low": 0,
            "rule_high": 1,
            "runs": RUNS,
            "status_quo": STATUS_QUO,
        }
    ).to_csv(path / "forecast.csv", index=False)
    answers = {"seed": np.arange(RUNS, dtype="int64")}
    for j, (q, o) in enumerate(zip(IDS, OUTCOME)):
        col = np.full(RUNS, bool(o))
        # each run after the matching ones gets exactly one question wrong (which one cycles)
        col[[r for r in range(MATCHING_RUNS, RUNS) if r % len(IDS) == j]] = not o
        answers[q] = col
    pd.DataFrame(answers).to_parquet(path / "answers.parquet")
    registration = {
        "case": "gaza",
        "cutoff": "2026-01-15",
        "commit": "0" * 40,
        "case_hash": "x",
        "questions_hash": "y",
        "command": "isf-forecast",
        "created": "2026-01-15T00:00:00",
    }
    (path / "registration.json").write_text(json.dumps(registration))
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    return make_folder(tmp_path / "forecast")


@pytest.fixture
def outcomes(tmp_path) -> Path:
    path = tmp_path / "outcomes.yaml"
    path.write_text(OUTCOMES_YAML)
    return path


def isf_score(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.forecasting.score_cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --------------------------------------------------------------------------- the numbers
def test_brier_is_the_mean_squared_error_read_from_forecast_csv(folder, outcomes):
    with open(folder / "forecast.csv", newline="") as f:
        p = {row["question"]: float(row["p"]) for row in csv.DictReader(f)}
    by_hand = sum((p[q] - o) ** 2 for q, o in zip(IDS, OUTCOME)) / len(IDS)
    result = score(folder, outcomes)
    assert result["n"] == 5
    assert result["brier"] == pytest.approx(by_hand, abs=1e-15)
    assert by_hand == pytest.approx(0.0595)
    assert [q["squared_error"] for q in result["questions"]] == pytest.approx(
        [(p[q] - o) ** 2 for q, o in zip(IDS, OUTCOME)]
    )
    log = sum(math.log(p[q] if o else 1 - p[q]) for q, o in zip(IDS, OUTCOME)) / len(IDS)
    assert result["log_score"] == pytest.approx(log)


def test_skill_against_the_three_references(folder, outcomes):
    result = score(folder, outcomes)
    obar = sum(OUTCOME) / len(OUTCOME)
    sq_brier = sum((s - o) ** 2 for s, o in zip(STATUS_QUO, OUTCOME)) / len(IDS)  # 0.2: alpha changed
    assert result["skill"]["coin"] == pytest.approx(1 - 0.0595 / 0.25)
    assert result["skill"]["status_quo"] == pytest.approx(1 - 0.0595 / sq_brier)
    assert result["skill"]["base_rate"] == pytest.approx(1 - 0.0595 / (obar * (1 - obar)))


def test_a_coin_has_no_skill_against_a_coin():
    forecast = pd.DataFrame({"question": IDS, "p": 0.5})
    outcomes = {q: {"outcome": o, "date": "2026-03-01"} for q, o in zip(IDS, OUTCOME)}
    result = score(forecast, outcomes)
    assert result["brier"] == 0.25
    assert result["skill"]["coin"] == 0
    assert result["world_share"] is None and result["skill"]["status_quo"] is None


def test_world_share_is_the_share_of_runs_matching_every_outcome(folder, outcomes):
    assert score(folder, outcomes)["world_share"] == pytest.approx(MATCHING_RUNS / RUNS)
    answers = pd.read_parquet(folder / "answers.parquet")
    by_hand = sum(all(row[q] == bool(o) for q, o in zip(IDS, OUTCOME)) for _, row in answers.iterrows()) / RUNS
    assert by_hand == MATCHING_RUNS / RUNS


def test_the_decomposition_adds_up_and_the_remainder_is_the_within_bin_spread():
    rng = np.random.default_rng(3)
    p = np.round(rng.uniform(0, 1, 60), 2)
    p[:6] = [0.0, 0.1, 0.3, 0.7, 0.99, 1.0]  # bin edges fall in the upper bin; 1.0 in the last
    o = (rng.uniform(0, 1, 60) < p).astype(float)
    d = decomposition(p, o)
    assert d["brier"] == pytest.approx(np.mean((p - o) ** 2))
    assert d["brier"] == pytest.approx(
        d["reliability"] - d["resolution"] + d["uncertainty"] + d["remainder"], abs=1e-15
    )
    assert sum(b["n"] for b in d["bins"]) == 60
    k = np.minimum((p * 10 + 1e-9).astype(int), 9)
    assert [b["n"] for b in d["bins"]] == [int((k == b).sum()) for b in range(10)]
    spread = 0.0
    for b in range(10):
        pk, ok = p[k == b], o[k == b]
        if len(pk):
            spread += np.sum((pk - pk.mean()) ** 2) - 2 * np.sum((pk - pk.mean()) * (ok - ok.mean()))
    assert d["remainder"] == pytest.approx(spread / 60, abs=1e-12)


def test_one_question_per_bin_leaves_no_remainder(folder, outcomes):
    result = score(folder, outcomes)
    assert result["remainder"] == pytest.approx(0, abs=1e-15)
    assert result["reliability"] == pytest.approx(result["brier"])


# --------------------------------------------------------------------------- the command
def test_the_command_writes_score_json_and_the_diagram(folder, outcomes):
    r = isf_score(folder, outcomes)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "charlie" in r.stdout and "Brier score 0.0595" in r.stdout and "world share 0.350" in r.stdout
    written = json.loads((folder / "score.json").read_text())
    assert written == json.loads(json.dumps(score(folder, outcomes)))
    for key in ("brier", "log_score", "reliability", "resolution", "uncertainty", "remainder", "world_share", "n"):
        assert key in written
    assert set(written["skill"]) == {"coin", "status_quo", "base_rate"}
    assert [q["question"] for q in written["questions"]] == IDS
    png = folder / "reliability.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert (folder / "reliability.svg").read_text().lstrip().startswith("<?xml")


def test_a_bare_csv_is_scored_the_same_with_what_it_lacks_not_available(tmp_path, folder, outcomes):
    bare = tmp_path / "mine.csv"
    bare.write_text("question,p\n" + "".join(f"{q},{p}\n" for q, p in zip(IDS, P)))
    r = isf_score(bare, outcomes)
    assert r.returncode == 0, r.stderr
    written = json.loads((tmp_path / "score" / "score.json").read_text())
    full = score(folder, outcomes)
    assert written["brier"] == pytest.approx(full["brier"])
    assert written["skill"]["coin"] == pytest.approx(full["skill"]["coin"])
    assert written["skill"]["status_quo"] is None and written["world_share"] is None
    assert (tmp_path / "score" / "reliability.png").is_file()
    assert "n/a" in r.stdout


def test_partial_scores_only_the_questions_with_outcomes(tmp_path, folder):
    some = tmp_path / "some.yaml"
    some.write_text("".join(OUTCOMES_YAML.splitlines(keepends=True)[:3]))
    out = tmp_path / "out"
    r = isf_score(folder, some, "--partial", "--out", out)
    assert r.returncode == 0, r.stderr
    written = json.loads((out / "score.json").read_text())
    assert written["n"] == 3 and written["unscored"] == ["delta", "echo"]
    assert written["brier"] == pytest.approx(sum((p - o) ** 2 for p, o in zip(P[:3], OUTCOME[:3])) / 3)
    assert not (folder / "score.json").exists()


def _case(name: str, tmp: Path, folder: Path) -> tuple[list, str]:
    """(arguments, a word the error must contain) for each unusable input."""
    yaml_of = {
        "unknown_id": OUTCOMES_YAML + "zulu: {outcome: 1, date: 2026-03-01}\n",
        "missing_outcome": "".join(OUTCOMES_YAML.splitlines(keepends=True)[1:]),
        "outcome_2": OUTCOMES_YAML.replace("alpha: {outcome: 1", "alpha: {outcome: 2"),
        "outcome_yes": OUTCOMES_YAML.replace("alpha: {outcome: 1", "alpha: {outcome: yes"),
        "outcome_none": OUTCOMES_YAML.replace("alpha: {outcome: 1, ", "alpha: {"),
        "bad_date": OUTCOMES_YAML.replace("2026-03-01", "2026-13-01"),
        "words_date": OUTCOMES_YAML.replace("2026-03-01", '"1 March 2026"'),
        "no_date": OUTCOMES_YAML.replace("date: 2026-03-01, ", ""),
        "not_yaml": "alpha: {outcome: 1\n  - [",
        "not_a_mapping": "- alpha\n- bravo\n",
        "unknown_key": OUTCOMES_YAML.replace("alpha: {outcome: 1", "alpha: {outcom: 1, outcome: 1"),
    }
    good = tmp / "good.yaml"
    good.write_text(OUTCOMES_YAML)
    if name in yaml_of:
        path = tmp / f"{name}.yaml"
        path.write_text(yaml_of[name])
        word = {"unknown_id": "zulu", "missing_outcome": "alpha"}.get(name, "alpha" if name != "not_yaml" else "YAML")
        return [folder, path], {"not_a_mapping": "mapping"}.get(name, word)
    csv_of = {
        "no_p": "question,prob\nalpha,0.5\n",
        "no_question": "id,p\nalpha,0.5\n",
        "p_above_1": "question,p\n" + "".join(f"{q},{1.2 if q == 'alpha' else 0.5}\n" for q in IDS),
        "p_negative": "question,p\n" + "".join(f"{q},{-0.1 if q == 'alpha' else 0.5}\n" for q in IDS),
        "p_word": "question,p\n" + "".join(f"{q},{'likely' if q == 'alpha' else 0.5}\n" for q in IDS),
        "p_empty": "question,p\n" + "".join(f"{q},{'' if q == 'alpha' else 0.5}\n" for q in IDS),
        "duplicate": "question,p\nalpha,0.5\n" + "".join(f"{q},0.5\n" for q in IDS),
        "empty_csv": "",
        "binary_csv": "\x00\xff\xfe garbage",
    }
    if name in csv_of:
        path = tmp / f"{name}.csv"
        path.write_bytes(csv_of[name].encode("latin-1"))
        word = {"no_p": "p", "no_question": "question", "empty_csv": "empty_csv.csv", "binary_csv": "binary_csv"}
        return [path, good], word.get(name, "alpha")
    if name == "missing_forecast":
        return [tmp / "nowhere", good], "nowhere"
    if name == "missing_outcomes":
        return [folder, tmp / "nothing.yaml"], "nothing.yaml"
    if name == "folder_without_forecast_csv":
        (tmp / "empty_folder").mkdir()
        return [tmp / "empty_folder", good], "forecast.csv"
    if name == "bad_parquet":
        (folder / "answers.parquet").write_text("not parquet")
        return [folder, good], "answers.parquet"
    if name == "out_is_a_file":
        (tmp / "a_file").write_text("")
        return [folder, good, "--out", tmp / "a_file"], "--out"
    raise AssertionError(name)


ERRORS = [
    *("unknown_id missing_outcome outcome_2 outcome_yes outcome_none bad_date words_date no_date").split(),
    *("not_yaml not_a_mapping unknown_key no_p no_question p_above_1 p_negative p_word p_empty").split(),
    *("duplicate empty_csv binary_csv missing_forecast missing_outcomes folder_without_forecast_csv").split(),
    "bad_parquet",
    "out_is_a_file",
]


@pytest.mark.parametrize("name", ERRORS)
def test_every_unusable_input_is_one_line_exit_2_and_nothing_written(tmp_path, name):
    folder = make_folder(tmp_path / "forecast")
    args, word = _case(name, tmp_path, folder)
    out = [] if "--out" in args else ["--out", tmp_path / "out"]
    r = isf_score(*args, *out)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("isf-score: error: ") and r.stderr.endswith("\n")
    assert r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert word in r.stderr
    assert not (tmp_path / "out").exists() and not (folder / "score.json").exists()
    assert not (tmp_path / "score").exists()


def test_an_unknown_id_lists_the_allowed_ones_and_a_missing_one_suggests_partial(folder, outcomes):
    with pytest.raises(ScoreError, match="zulu.*alpha, bravo, charlie, delta, echo"):
        score(folder, {"zulu": {"outcome": 1, "date": "2026-03-01"}})
    with pytest.raises(ScoreError, match="no outcome for question bravo, charlie, delta, echo.*--partial"):
        score(folder, {"alpha": {"outcome": 1, "date": "2026-03-01"}})


def test_usage_errors_are_one_line_too():
    r = isf_score()
    assert r.returncode == 2 and r.stderr.startswith("isf-score: error: ") and r.stderr.count("\n") == 1
    r = isf_score("--help")
    assert r.returncode == 0 and "--partial" in r.stdout
