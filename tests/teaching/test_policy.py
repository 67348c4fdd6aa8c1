"""Decision hooks (sim.model.policy): the default policy changes nothing; a policy's choices count."""

from __future__ import annotations

from sim.config import load
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.model.policy import Policy


def _run(params, seed, policies=None, weeks=None):
    m = ISFModel(params, rng=seed, trace=True)
    if policies:
        m.use_policies(policies)
    return m.run(weeks)


def test_the_agents_own_rule_as_a_policy_is_bit_identical():
    params, _, _ = load([])
    everyone = {aid: Policy() for aid in params.actors}
    for seed in range(4):
        a, b = _run(params, seed), _run(params, seed, everyone)
        assert outcome(a, seed) == outcome(b, seed)
        assert a.trace.events == b.trace.events


class LiftAtOnce(Policy):
    def lift_veto(self, model, actor, target, rule):
        return True


class NeverFund(Policy):
    def fund(self, model, actor, rule):
        return False


class PressHard(Policy):
    def efforts(self, model, actor, efforts):
        return {**efforts, "ISR": 1.0}


def test_a_veto_holder_can_lift_its_veto_in_week_one():
    params, _, _ = load([])
    m = _run(params, 0, {"ISR": LiftAtOnce()}, weeks=1)
    assert m.actors["ISR"].vetoes["TUR"] is False
    assert any(e[1] == "veto_yielded" and e[0] == 1 for e in m.trace.events)


def test_a_funder_can_withhold_money_its_conditions_allow():
    params, _, _ = load(["mechanisms.commitments.enabled=false"])  # funders pay at once
    m = _run(params, 0, {"QAT": NeverFund()}, weeks=3)
    assert m.actors["QAT"].released == 0 and m.actors["SAU"].released > 0


def test_chosen_efforts_raise_the_pressure_on_the_target():
    params, _, _ = load([])
    a = _run(params, 2, weeks=1)
    b = _run(params, 2, {"USA": PressHard()}, weeks=1)
    assert b.actors["ISR"].pressure_in[0] > a.actors["ISR"].pressure_in[0]  # composition
