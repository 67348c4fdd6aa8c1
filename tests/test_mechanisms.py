"""Each mechanism on its own: its rule, its direction, and its switch."""

from __future__ import annotations

import statistics

import pytest

from sim.model.mechanisms import bargaining, commitments, council, ground, pressure, sequencing, vetoes
from sim.model.model import ISFModel
from sim.model.paths import with_values


def model(params, seed=0, **values):
    return ISFModel(with_values(params, values) if values else params, rng=seed)


# ---------------------------------------------------------------- 1. pressure
def test_equilibrium_rule():
    assert bargaining.equilibrium(0.2, 0.0, 1.0) == 0.2
    assert bargaining.equilibrium(0.2, 1.0, 1.0) == pytest.approx(0.6)  # P = R: halfway to the demand
    assert bargaining.equilibrium(0.0, 3.0, 1.0) == pytest.approx(0.75)


def test_more_pressure_moves_israel_further(base_params):
    def pos(p):
        m = model(base_params, **{"actors.USA.pressure.ISR": p, "mechanisms.pressure.noise": 0.0})
        m.run(20)
        return m.israel.position

    assert pos(0.1) < pos(0.5) < pos(1.0)


def test_credible_amnesty_lowers_hamas_resolve(base_params):
    lo = model(base_params, **{"actors.HAMAS.armed_group.amnesty_credibility": 0.1})
    hi = model(base_params, **{"actors.HAMAS.armed_group.amnesty_credibility": 0.9})
    assert pressure.effective_resolve(hi, hi.hamas) < pressure.effective_resolve(lo, lo.hamas)


def test_pressure_off_freezes_positions(base_params):
    m = model(base_params, **{"mechanisms.pressure.enabled": False}).run(30)
    for a in m.pressed:
        assert a.position == a.ideal


# ---------------------------------------------------------------- 2. vetoes
def test_veto_yields_when_position_passes_threshold(base_params):
    m = model(base_params)
    m.israel.position = 0.9
    vetoes.update(m)
    assert not vetoes.blocked(m, m.actors["TUR"])


def test_veto_holds_below_threshold(base_params):
    m = model(base_params)
    m.israel.position = 0.3
    vetoes.update(m)
    assert vetoes.blocked(m, m.actors["TUR"])


def test_vetoes_off_blocks_nothing(base_params):
    m = model(base_params, **{"mechanisms.vetoes.enabled": False})
    assert not vetoes.blocked(m, m.actors["TUR"])
    assert vetoes.council_vetoed(m, {"RUS": [-1]}) == []


def test_p5_no_is_a_veto_elected_no_is_not(base_params):
    m = model(base_params)
    assert vetoes.council_vetoed(m, {"RUS": [-1], "UNSC": [-1] * 10, "GBR": [1]}) == ["RUS"]


# ---------------------------------------------------------------- 4. council
def test_council_passes_with_broad_support(base_params):
    m = model(base_params)
    for a in m.council_members:
        a.position = 0.95
    m.week = m.next_vote_week
    council.vote(m)
    assert m.authorized and m.week_authorized == m.week


def test_p5_veto_fails_the_draft_and_the_us_softens(base_params):
    m = model(base_params)
    for a in m.council_members:
        a.position = 0.95
    m.actors["RUS"].position = 0.0
    m.week = m.next_vote_week
    council.vote(m)
    assert not m.authorized and m.failed_votes == 1
    assert m.mandate == "borders"
    assert m.next_vote_week == m.week + base_params.mechanisms.council.retable_weeks


def test_council_off_no_vote_no_hold(base_params):
    m = model(base_params, **{"mechanisms.council.enabled": False}).run(10)
    assert not m.authorized and m.votes_held == 0 and m.design_final


def test_legitimacy_rises_with_a_resolution(base_params):
    m = model(base_params)
    before = council.legitimacy(m)
    m.authorized = True
    assert council.legitimacy(m) > before


# ---------------------------------------------------------------- 3. commitments
def test_contributor_waits_for_its_conditions(base_params):
    m = model(base_params)
    conds = commitments.conditions(m, m.actors["IDN"])
    assert not all(conds.values())
    assert not conds["design final"] and not conds["legitimacy"]


def test_funder_pays_only_past_its_threshold(base_params):
    m = model(base_params)
    sau = m.actors["SAU"]
    m.disarmament = 0.9
    commitments.funders(m)
    assert sau.released == 0
    m.disarmament = 0.96
    commitments.funders(m)
    assert sau.released == sau.p.funder.pledge_usd


def test_funder_withholds_while_an_excluded_actor_has_troops(base_params):
    m = model(base_params)
    m.disarmament = 1.0
    m.actors["TUR"].deployed = 1000
    commitments.funders(m)
    assert m.actors["SAU"].released == 0 and m.actors["ARE"].released == 0
    assert m.actors["QAT"].released > 0  # Qatar excludes nobody


def test_commitments_off_funders_pay_at_once(base_params):
    m = model(base_params, **{"mechanisms.commitments.enabled": False}).run(1)
    assert all(f.released > 0 for f in m.funders)


def test_a_vetoed_contributor_settles_for_liaison(base_params):
    m = model(base_params, **{"actors.TUR.contributor.liaison_after": 3}).run(6)
    assert m.actors["TUR"].liaison and m.actors["TUR"].offer == 0


# ---------------------------------------------------------------- 5. ground
def test_deaths_are_calibrated_to_the_ceasefire(base_params):
    m = model(
        base_params,
        **{
            "mechanisms.ground.collapse_hazard": 0.0,
            "mechanisms.pressure.enabled": False,
            "mechanisms.commitments.enabled": False,
            "mechanisms.vetoes.enabled": True,
        },
    )
    weeks = []
    for s in range(40):
        mm = model(m.params, seed=s)
        mm.run(4)
        weeks.append(mm.deaths_total / 4)
    per_day = statistics.mean(weeks) / 7
    assert 9.0 <= per_day <= 12.0


def test_ground_off_no_collapse_constant_deaths(base_params):
    m = model(base_params, **{"mechanisms.ground.enabled": False}).run(52)
    assert not m.collapsed
    assert m.deaths_total == 52 * round(7 * base_params.mechanisms.ground.deaths_per_day)


def test_a_surge_raises_deaths(base_params):
    surge = {
        "mechanisms.ground.surge_start": 1,
        "mechanisms.ground.surge_weeks": 6,
        "mechanisms.ground.surge_multiplier": 3.0,
    }
    calm = sum(model(base_params, s).run(6).deaths_total for s in range(20))
    hot = sum(model(base_params, s, **surge).run(6).deaths_total for s in range(20))
    assert hot > 2 * calm


def test_collapse_ends_the_force(base_params):
    m = model(base_params)
    m.actors["EGY"].committed = m.actors["EGY"].deployed = 1500
    ground.collapse(m)
    assert m.collapsed and m.troops_deployed == 0
    assert m.israeli_control >= base_params.mechanisms.ground.collapse_control


# ---------------------------------------------------------------- 6. sequencing
def test_phase_two_waits_for_hostage_remains(base_params):
    m = model(base_params)
    assert not sequencing.phase_two_open(m)
    m.remains_outstanding = 0
    assert sequencing.phase_two_open(m)


def test_israel_withdraws_only_as_the_isf_deploys(base_params):
    m = model(base_params)
    for _ in range(20):
        sequencing.advance(m)
    assert m.israeli_control == pytest.approx(0.5)
    m.actors["IDN"].deployed = 20000
    for _ in range(60):
        sequencing.advance(m)
    assert m.israeli_control == pytest.approx(m.israel.p.territory.floor, abs=0.01)


def test_sequencing_off_runs_steps_in_parallel(base_params):
    m = model(base_params, **{"mechanisms.sequencing.enabled": False})
    assert sequencing.phase_two_open(m)
    for _ in range(60):
        sequencing.advance(m)
    assert m.israeli_control < 0.2
