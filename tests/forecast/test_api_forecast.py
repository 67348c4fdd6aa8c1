"""The Python API's forecasts (docs/api.md): ``simulate(weekly=True)`` adds the weekly table and
leaves the runs table alone; ``forecast()`` is ``isf-forecast`` for the same seed; ``score()`` is
the Brier score by hand."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim import forecast, score, simulate
from sim.model.params import ConfigError


def test_simulate_weekly_adds_one_row_per_run_and_week():
    res = simulate(runs=4, seed=5, horizon_weeks=10, weekly=True)
    runs, weekly = res  # a named tuple
    assert type(res).__name__ == "Weekly" and res.weekly is weekly
    assert sorted(weekly["seed"].unique()) == [5, 6, 7, 8]
    assert not weekly.duplicated(["seed", "week"]).any()
    assert weekly.groupby("seed")["week"].agg(list).map(lambda w: sorted(w) == list(range(11))).all()
    assert len(weekly) == 4 * 11
    pd.testing.assert_frame_equal(runs, simulate(runs=4, seed=5, horizon_weeks=10))


def test_simulate_weekly_with_trace_returns_the_five_tables():
    res = simulate(runs=2, seed=1, horizon_weeks=4, uncertainty="fixed", trace=True, weekly=True)
    runs, events, timeline, positions, weekly = res
    assert type(res).__name__ == "TracedWeekly"
    assert len(weekly) == 2 * 5 and set(weekly["seed"]) == {1, 2}
    pd.testing.assert_frame_equal(runs, simulate(runs=2, seed=1, horizon_weeks=4, uncertainty="fixed"))


def test_forecast_via_the_api_is_the_command_line_forecast(tmp_path):
    cli = tmp_path / "cli"
    done = subprocess.run([sys.executable, "-m", "sim.forecasting.run", "runs=20", "seed=3", f"out={cli}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    res = forecast(runs=20, seed=3, out=tmp_path / "api")
    assert res.out == tmp_path / "api"
    for name in ("forecast.csv", "answers.parquet"):
        assert (tmp_path / "api" / name).read_bytes() == (cli / name).read_bytes(), name
    pd.testing.assert_frame_equal(pd.read_csv(cli / "forecast.csv"), pd.read_csv(tmp_path / "api" / "forecast.csv"))
    assert res.registration == json.loads((tmp_path / "api" / "registration.json").read_text())
    written = json.loads((cli / "registration.json").read_text())
    for key in ("case", "case_hash", "questions_hash", "runs", "seed", "rules", "cutoff"):
        assert res.registration[key] == written[key], key
    assert res.registration["command"].startswith("isf-forecast ") and "seed=3" in res.registration["command"]
    # without out=, nothing is written and the table is the same
    bare = forecast(runs=20, seed=3)
    assert bare.out is None and "command" not in bare.registration
    pd.testing.assert_frame_equal(bare.table, res.table)
    pd.testing.assert_frame_equal(bare.answers, res.answers)


def test_forecast_rejects_what_the_command_line_rejects(tmp_path):
    with pytest.raises(ConfigError, match="resolv"):
        forecast(runs=2, overrides={"actors.ISR.resolv": 0.4})
    with pytest.raises(ConfigError, match="out"):
        forecast(runs=2, overrides=[f"out={tmp_path}"])


def test_score_is_the_brier_score_by_hand():
    table = pd.DataFrame({"question": ["a", "b", "c"], "p": [0.9, 0.2, 0.6]})
    outcomes = {  # invented for the test
        "a": {"outcome": 1, "date": "2026-01-01", "source": "invented"},
        "b": {"outcome": 1, "date": "2026-01-02", "source": "invented"},
        "c": {"outcome": 0, "date": "2026-01-03", "source": "invented"},
    }
    result = score(table, outcomes)
    by_hand = ((0.9 - 1) ** 2 + (0.2 - 1) ** 2 + (0.6 - 0) ** 2) / 3
    assert result["n"] == 3 and result["brier"] == pytest.approx(by_hand)
    assert result["skill"]["coin"] == pytest.approx(1 - by_hand / 0.25)
    partial = score(table, {"a": outcomes["a"]}, partial=True)
    assert partial["brier"] == pytest.approx(0.01) and partial["unscored"] == ["b", "c"]


def test_sim_exports_forecast_and_score():
    import sim.forecasting.run  # the package of the forecast modules, apart from the API's function

    assert sim.forecast is forecast and callable(sim.forecast)
    assert sim.forecasting.run.PROG == "isf-forecast" and sim.forecast is forecast
    assert sim.score is score
    assert {"forecast", "score"} <= set(dir(sim)) and {"forecast", "score"} <= set(sim.__all__)
