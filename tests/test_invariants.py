"""Invariants that must hold in every week of every run, whatever the parameters."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.mechanisms import money, vetoes
from sim.model.model import ISFModel
from sim.model.paths import sample, with_values

SWITCHES = ("pressure", "vetoes", "commitments", "money", "council", "ground", "sequencing")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**31),
    draw=st.integers(0, 2**31),
    off=st.sets(st.sampled_from(SWITCHES), max_size=3),
    pressure_isr=st.floats(0.0, 1.0),
    resolve_isr=st.floats(0.0, 3.0),
)
def test_invariants_hold_every_week(base_params, base_meta, seed, draw, off, pressure_isr, resolve_isr):
    params, _ = sample(base_params, base_meta, random.Random(draw))
    params = with_values(
        params,
        {
            "actors.USA.pressure.ISR": pressure_isr,
            "actors.ISR.resolve": resolve_isr,
            **{f"mechanisms.{m}.enabled": False for m in off},
        },
    )
    m = ISFModel(params, rng=seed)
    paid_before = {f.aid: False for f in m.funders}
    for _ in range(params.horizon_weeks):
        # conditions as they stand when funders decide (last stage of the week)
        m.step()
        for c in m.contributors:
            # troops never exceed what was committed, nor what was offered
            assert 0 <= c.deployed <= c.committed <= c.p.contributor.offer
            # no vetoed contributor deploys while its veto stands
            if vetoes.blocked(m, c):
                assert c.deployed == 0
        for f in m.funders:
            if f.released > 0 and not paid_before[f.aid]:
                # money flows only when its conditions hold (the week it is released)
                if params.mechanisms.commitments.enabled:
                    assert all(money.conditions(m, f).values()) or m.week == 0
                paid_before[f.aid] = True
        for share in (*m.progress.control, *m.progress.disarmament):
            assert 0.0 <= share <= 1.0
        for a in m.actor_list:
            assert all(0.0 <= x <= 1.0 for x in (*a.settled, *a.shown))
        assert m.troops_deployed >= 0 and m.situation.deaths_week >= 0
        if m.situation.collapsed:
            assert m.troops_deployed == 0
        if m.progress.week_deployed is not None:
            assert m.progress.week_deployed <= m.week
        # the Council passes at most once; a vote fails only if it was held
        assert m.agenda.failed_votes <= m.agenda.votes_held


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31), draw=st.integers(0, 2**31))
def test_outcome_row_is_consistent(base_params, base_meta, seed, draw):
    from sim.model.outcomes import outcome

    params, _ = sample(base_params, base_meta, random.Random(draw))
    row = outcome(ISFModel(params, rng=seed).run(), seed)
    assert row["deployed"] == (row["week_deployed"] == row["week_deployed"])  # not NaN
    assert row["un_authorized"] == (row["week_authorized"] == row["week_authorized"])
    assert set(filter(None, row["contributors"].split("+"))) <= set(filter(None, row["committed"].split("+")))
    assert (row["troops"] > 0) == bool(row["contributors"])
    if row["turkey_role"] == "troops":
        assert "TUR" in row["committed"]
    assert row["turkey_role"] == row["role.TUR"] and row["disarmament"] == row["disarmament.HAMAS"]
    assert 0 <= row["disarmament"] <= 1 and 0 <= row["israeli_control"] <= 1
    assert row["configuration"].startswith(row["contributors"] or "no force")
    assert row["deployed_at_horizon"] == (row["troops"] > 0)
    assert not row["deployed_at_horizon"] or row["deployed"]
    assert row["failed_votes"] >= 0 and row["rule"] == params.mechanisms.pressure.rule
