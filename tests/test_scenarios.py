"""Every scenario composes and runs; each lever moves outcomes the way its story says.

Comparisons use common random numbers (the same seeds, so the same sampled parameters and
the same weekly shocks wherever the lever does not intervene)."""

from __future__ import annotations

import pytest

from helpers import params_for
from helpers import run_scenario as run
from sim.config import scenarios
from sim.model.outcomes import columns

RUNS = 300


@pytest.fixture(scope="module")
def baseline():
    return run()


def test_the_six_levers_and_the_baseline_exist():
    assert {
        "baseline",
        "us_presses_israel",
        "turkey_liaison_only",
        "gulf_partial_disarmament",
        "credible_amnesty",
        "council_veto",
        "strike_surge",
    } <= set(scenarios())
    assert all(scenarios().values()), "every scenario needs a one-line summary"


@pytest.mark.parametrize("name", sorted(scenarios()))
def test_every_scenario_composes_and_runs(name):
    df = run(name, runs=5)
    cols = columns(params_for(f"scenario={name}"))  # every case's columns, the case's named ones, role.* ...
    assert list(df.columns[: len(cols)]) == list(cols)
    assert (df["scenario"] == name).all() and len(df) == 5


def test_baseline_is_uncertain_not_certain(baseline):
    """Observers give the plan a low chance (E09); the US wants it soon (E10) and tables the draft the
    region approved (E42), so a resolution is likely; a force on the ground is not certain, and
    one that deploys does not always stay."""
    for col in ("deployed", "ceasefire_collapsed"):
        assert 0.02 < baseline[col].mean() < 0.98, col
    assert baseline["un_authorized"].mean() > 0.9
    assert baseline["deployed_at_horizon"].mean() < baseline["deployed"].mean()
    assert (baseline["turkey_role"] == "troops").mean() < 0.2  # the red line mostly holds (E12, E20)
    # full disarmament is far off (E31, E36): Saudi money only in the worlds where money is worth
    # much to Hamas (money_value, the widest assumption that matters)
    assert baseline["funders"].str.contains("SAU").mean() < 0.15


def test_us_pressure_on_israel_opens_the_door_to_turkish_troops(baseline):
    df = run("us_presses_israel")
    assert df["veto_yielded"].mean() > baseline["veto_yielded"].mean() + 0.1
    assert (df["turkey_role"] == "troops").mean() > (baseline["turkey_role"] == "troops").mean() + 0.04


def test_more_us_pressure_never_lowers_the_chance_of_turkish_troops():
    chances = [
        (run(values={"actors.USA.pressure.ISR": p}, runs=200)["turkey_role"] == "troops").mean()
        for p in (0.1, 0.4, 0.7, 1.0)
    ]
    assert all(b >= a - 0.01 for a, b in zip(chances, chances[1:])), chances
    assert chances[-1] > chances[0]


def test_turkey_liaison_only_changes_little_when_the_us_goes_ahead_without_it(baseline):
    """The US forecasts that Israel's veto will not yield and settles the design without Türkiye
    at once (docs/model.md); giving up the troop offer then changes little under the default rule."""
    df = run("turkey_liaison_only")
    assert (df["turkey_role"] == "liaison").all()
    assert abs(df["deployed"].mean() - baseline["deployed"].mean()) < 0.06


def test_gulf_partial_disarmament_releases_gulf_money(baseline):
    df = run("gulf_partial_disarmament")
    # money follows Hamas's decision to disarm (E36), which is rare: a small but certain rise
    assert df["funders"].str.contains("SAU").mean() > baseline["funders"].str.contains("SAU").mean()
    assert df["funding_usd"].mean() > baseline["funding_usd"].mean()


def test_credible_amnesty_advances_disarmament(baseline):
    df = run("credible_amnesty")
    assert df["disarmament"].mean() > baseline["disarmament"].mean()


def test_council_veto_blocks_authorization_and_deployment(baseline):
    df = run("council_veto")
    assert df["un_authorized"].mean() < baseline["un_authorized"].mean() - 0.5
    assert df["deployed"].mean() < baseline["deployed"].mean()


def test_strike_surge_raises_deaths_and_collapse(baseline):
    df = run("strike_surge")
    assert df["deaths"].mean() > baseline["deaths"].mean()
    assert df["ceasefire_collapsed"].mean() > baseline["ceasefire_collapsed"].mean()


def test_switching_off_vetoes_lets_turkey_in(baseline):
    df = run(values={"mechanisms.vetoes.enabled": False})
    # without the veto Türkiye still needs Israel's restraint (E22) and Hamas's consent to its contingent
    assert (df["turkey_role"] == "troops").mean() > (baseline["turkey_role"] == "troops").mean() + 0.1
