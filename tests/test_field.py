"""The field's habits (docs/api.md): ``make_model`` gives the Mesa model of one run of isf-sim,
``mesa.batch_run`` drives it through the public adapter ``BatchModel`` and gets the table isf-sim
gives, and ``to_ema`` hands a sampled runs table to the EMA workbench's analyses (PRIM, feature
scoring) as ``(experiments, outcomes)``."""

from __future__ import annotations

import warnings

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import BatchModel, make_model, simulate, to_ema
from sim.model.outcomes import outcome
from sim.model.params import ConfigError

WEEKS = 20  # short runs: what is checked is sameness, not the model's numbers


def _row(model, seed: int) -> pd.DataFrame:
    row = outcome(model, seed)
    row.update({f"param.{k}": float(v) for k, v in model.drawn.items()})
    return pd.DataFrame([row])


def test_make_model_is_run_seed_of_isf_sim():
    lever = {"actors.ISR.resolve": 0.4}
    model = make_model(scenario="us_presses_israel", overrides=lever, seed=7, horizon_weeks=WEEKS)
    assert isinstance(model, mesa.Model) and model.week == 0 and {"ISR", "USA"} <= set(model.actors)
    assert model.datacollector is None  # off unless asked: collecting costs more than the run
    assert model.drawn and "actors.ISR.resolve" not in model.drawn  # sampled, the override held
    model.run()
    table = simulate("us_presses_israel", runs=1, seed=7, overrides=lever, horizon_weeks=WEEKS)
    got = _row(model, 7)
    pd.testing.assert_frame_equal(got[table.columns], table, check_dtype=False)


def test_make_model_with_trace_collects_every_week():
    model = make_model(seed=3, trace=True, uncertainty="fixed", horizon_weeks=WEEKS)
    assert model.drawn == {}
    for _ in range(5):
        model.step()
    weeks = model.datacollector.get_model_vars_dataframe()
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(weeks) == 6 and {"deaths", "troops_deployed"} <= set(weeks.columns)
    assert set(agents["actor"]) == set(model.actors)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"overrides": {"actors.ISR.resolv": 0.4}}, "unknown key 'actors.ISR.resolv'"),
        ({"scenario": "nope"}, "scenario 'nope' does not exist"),
        ({"seed": -1}, "seed = -1"),
        ({"overrides": {"csv": True}}, "use isf-sim"),
    ],
)
def test_make_model_bad_input_is_the_one_line(kwargs, words):
    with pytest.raises(ConfigError) as err:
        make_model(**kwargs)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_mesa_batch_run_drives_the_model_and_gets_isf_sims_table():
    grid = {"scenario": ["baseline", "us_presses_israel"], "actors.ISR.resolve": [0.4, 1.2], "horizon_weeks": WEEKS}
    rows = mesa.batch_run(
        BatchModel, parameters=grid, rng=range(4), data_collection_period=-1, number_processes=1, display_progress=False
    )
    got = pd.DataFrame(rows)
    assert len(got) == 2 * 2 * 4 and (got["Step"] == WEEKS).all()  # the model stops itself at its horizon
    for (scenario, resolve), cell in got.groupby(["scenario", "actors.ISR.resolve"]):
        own = simulate(scenario, runs=4, seed=0, overrides={"actors.ISR.resolve": resolve}, horizon_weeks=WEEKS)
        cell = cell.sort_values("seed").reset_index(drop=True)
        pd.testing.assert_frame_equal(cell[own.columns], own, check_dtype=False)


@pytest.mark.slow
def test_batch_run_gives_the_same_rows_on_two_processes():
    def run(processes: int) -> pd.DataFrame:
        rows = mesa.batch_run(
            BatchModel,
            parameters={"uncertainty": "fixed", "horizon_weeks": WEEKS},
            rng=range(6),
            number_processes=processes,
            display_progress=False,
        )
        return pd.DataFrame(rows).drop(columns=["RunId"]).sort_values("seed").reset_index(drop=True)

    pd.testing.assert_frame_equal(run(1), run(2))


def test_batch_model_weekly_collects_the_models_own_datacollector():
    rows = mesa.batch_run(
        BatchModel,
        parameters={"collect": "weekly", "uncertainty": "fixed", "horizon_weeks": 6},
        rng=[2],
        data_collection_period=1,
        number_processes=1,
        display_progress=False,
    )
    got = pd.DataFrame(rows)
    assert sorted(got["Step"].unique()) == list(range(7))  # week 0 ... 6, every actor each week
    assert {"deaths", "actor", "position", "pressure"} <= set(got.columns)
    assert got.groupby("Step").size().nunique() == 1


@pytest.mark.parametrize(
    ("parameters", "kwargs", "words"),
    [
        ({"rng": [1]}, {}, "rng=[0, 1, ...]"),  # a seed in parameters reaches the model as None
        ({"collect": "never"}, {"rng": [0]}, "collect = 'never'; allowed: outcome, weekly"),
        ({"actors.ISR.resolv": 0.4}, {"rng": [0]}, "unknown key 'actors.ISR.resolv'"),
    ],
)
def test_batch_model_refuses_what_would_be_wrong_or_irreproducible(parameters, kwargs, words):
    with pytest.raises(ConfigError) as err:
        mesa.batch_run(BatchModel, parameters=parameters, number_processes=1, display_progress=False, **kwargs)
    assert words in str(err.value)


@pytest.fixture(scope="module")
def sampled() -> pd.DataFrame:
    return simulate(runs=120, seed=0, horizon_weeks=26, workers=1)


def test_to_ema_splits_a_sampled_table_into_experiments_and_outcomes(sampled):
    experiments, outcomes = to_ema(sampled)
    params = [c for c in sampled.columns if c.startswith("param.")]
    assert list(experiments.columns) == [c.removeprefix("param.") for c in params]
    assert len(experiments) == 120 and all(pd.api.types.is_float_dtype(t) for t in experiments.dtypes)
    assert outcomes["deployed"].dtype == bool and len(outcomes["deployed"]) == 120
    np.testing.assert_array_equal(outcomes["deaths"], sampled["deaths"].to_numpy())
    assert "configuration" not in outcomes and "seed" not in outcomes and "week_deployed" not in outcomes
    _, named = to_ema(sampled, outcomes=["week_deployed"])
    assert list(named) == ["week_deployed"]


def test_to_ema_refuses_a_table_without_sampled_parameters():
    with pytest.raises(ValueError, match="uncertainty='sample'"):
        to_ema(simulate(runs=3, seed=0, uncertainty="fixed", horizon_weeks=4))


@pytest.mark.slow
def test_emas_prim_and_feature_scoring_take_the_pair(sampled):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns on import about optional extras
        from ema_workbench.analysis import feature_scoring, prim

        experiments, outcomes = to_ema(sampled)
        box = prim.Prim(experiments, outcomes["deployed"]).find_box()
        box.inspect()  # the interactive steps the notebook shows
        box.select(len(box.peeling_trajectory) - 1)
        scores = feature_scoring.get_feature_scores_all(experiments, {"deaths": outcomes["deaths"]})
    assert len(box.peeling_trajectory) > 1 and box.peeling_trajectory["density"].iloc[-1] >= outcomes["deployed"].mean()
    assert set(scores.index) == set(experiments.columns)
