"""Bargaining rules (mechanisms.pressure.rule): known answers on small cases, and the switch."""

from __future__ import annotations

import pytest

from sim.config import load
from sim.model.mechanisms import bargaining
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.model.params import ConfigError
from sim.model.paths import with_values


def test_default_rule_is_the_models_equilibrium():
    # ideal 0.2, P = R: the target settles halfway through its concession range
    assert bargaining.target("default", 0.2, 0.9, 1.0, 1.0) == pytest.approx(0.6)
    assert bargaining.equilibrium(0.2, 1.0, 1.0) == bargaining.equilibrium(0.2, 1.0, 1.0)
    assert bargaining.target("default", 0.3, 0.5, 0.0, 2.0) == 0.3  # nobody presses


def test_compromise_splits_the_difference_from_where_it_stands():
    # current 0.2, P = 1, R = 1: halfway to full concession, then halfway again
    assert bargaining.compromise(0.2, 1.0, 1.0) == pytest.approx(0.6)
    assert bargaining.compromise(0.6, 1.0, 1.0) == pytest.approx(0.8)
    # P = 1, R = 3: a quarter of the way
    assert bargaining.compromise(0.0, 1.0, 3.0) == pytest.approx(0.25)
    assert bargaining.compromise(0.4, 0.0, 3.0) == 0.4  # no pressure: stays


def test_nash_depends_on_the_difference_of_pressure_and_resolve():
    # s = (1 + P - R) / 2: P = 1, R = 0.5 -> 0.75 of the range from ideal 0
    assert bargaining.nash(0.0, 1.0, 0.5) == pytest.approx(0.75)
    assert bargaining.nash(0.2, 1.0, 1.0) == pytest.approx(0.6)  # P = R: the midpoint
    assert bargaining.nash(0.1, 0.2, 3.0) == pytest.approx(0.1)  # far below resolve: nothing
    assert bargaining.nash(0.1, 5.0, 1.0) == pytest.approx(1.0)  # far above: everything
    # the Nash product (s + R)(1 - s + P) is largest at the solution
    P, R = 0.8, 0.6
    s = bargaining.nash(0.0, P, R)
    best = max((i / 1000 for i in range(1001)), key=lambda x: (x + R) * (1 - x + P))
    assert s == pytest.approx(best, abs=1e-3)


@pytest.mark.parametrize("rule", bargaining.RULES)
def test_all_rules_pass_the_midpoint_exactly_when_pressure_beats_resolve(rule):
    for P, R in ((0.5, 1.0), (1.5, 1.0), (2.0, 3.0), (3.0, 2.0)):
        x = bargaining.target(rule, 0.0, 0.0, P, R)
        assert (x > 0.5) == (P > R), (rule, P, R, x)


def test_unknown_rule_is_a_config_error():
    with pytest.raises(ConfigError, match="allowed: default, compromise, nash"):
        load(["mechanisms.pressure.rule=haggle"])


def test_rule_key_reaches_the_model_and_changes_positions():
    params, _, _ = load(["mechanisms.pressure.rule=compromise"])
    assert params.mechanisms.pressure.rule == "compromise"
    base, _, _ = load([])
    assert base.mechanisms.pressure.rule == "default"
    no_money = {"mechanisms.money.enabled": False}
    a = ISFModel(with_values(base, no_money), rng=1).run(20)
    b = ISFModel(with_values(params, no_money), rng=1).run(20)
    nash = ISFModel(with_values(base, {**no_money, "mechanisms.pressure.rule": "nash"}), rng=1).run(20)
    composition, disarmament = base.case.dim("composition"), base.case.dim("disarmament")
    # under sustained pressure the compromise rule ratchets Israel further toward the US's demand
    assert b.actors["ISR"].settled[composition] > a.actors["ISR"].settled[composition]
    # Hamas's resolve on disarmament far exceeds the pressure on it: Nash concedes nothing
    hamas, nash_hamas = a.actors["HAMAS"], nash.actors["HAMAS"]
    assert nash_hamas.settled[disarmament] < hamas.settled[disarmament]
    assert nash_hamas.settled[disarmament] == pytest.approx(nash_hamas.ideal[disarmament])


def test_default_rule_is_bit_identical_to_no_rule_key():
    base, _, _ = load([])
    explicit = with_values(base, {"mechanisms.pressure.rule": "default"})
    for seed in range(5):
        assert outcome(ISFModel(base, rng=seed).run(), seed) == outcome(ISFModel(explicit, rng=seed).run(), seed)
