"""Each mechanism on its own: its rule, its direction, and its switch."""

from __future__ import annotations

import statistics

import pytest

from sim.model import roles
from sim.model.mechanisms import bargaining, commitments, council, ground, money, sequencing, vetoes
from sim.model.model import ISFModel
from sim.model.paths import with_values


def model(params, seed=0, **values):
    return ISFModel(with_values(params, values) if values else params, rng=seed)


def dim(params, name):
    return params.case.dim(name)


def isr(m):
    return m.actors["ISR"]


def hamas(m):
    return m.actors["HAMAS"]


COMPOSITION, MANDATE, DISARMAMENT, RESTRAINT = 0, 1, 2, 3  # the Gaza case's dimensions, in case.yaml's order


def test_the_gaza_dimensions_are_in_this_order(base_params):
    assert base_params.case.dimensions == ("composition", "mandate", "disarmament", "restraint")


# ---------------------------------------------------------------- 1. pressure
def test_equilibrium_rule():
    assert bargaining.equilibrium(0.2, 0.0, 1.0) == 0.2
    assert bargaining.equilibrium(0.2, 1.0, 1.0) == pytest.approx(0.6)  # P = R: halfway to the demand
    assert bargaining.equilibrium(0.0, 3.0, 1.0) == pytest.approx(0.75)
    assert bargaining.equilibrium(0.2, 1.0, 1.0, demand=0.6) == pytest.approx(0.4)  # toward the pressers' position


def test_more_pressure_moves_israel_further_on_composition_only(base_params):
    def pos(p):
        m = model(base_params, **{"actors.USA.pressure.ISR": p, "mechanisms.pressure.noise": 0.0})
        m.run(20)
        return isr(m).settled

    lo, mid, hi = pos(0.1), pos(0.5), pos(1.0)
    assert lo[COMPOSITION] < mid[COMPOSITION] < hi[COMPOSITION]
    assert hi[DISARMAMENT] == pytest.approx(lo[DISARMAMENT], abs=0.02)  # the US wants what Israel wants there


def test_an_actor_gives_way_where_it_does_not_care(base_params):
    """Resolve on a dimension scales with the target's salience there."""
    hi = model(base_params, **{"actors.ISR.salience.composition": 1.0, "mechanisms.pressure.noise": 0.0}).run(20)
    lo = model(base_params, **{"actors.ISR.salience.composition": 0.2, "mechanisms.pressure.noise": 0.0}).run(20)
    assert isr(lo).settled[COMPOSITION] > isr(hi).settled[COMPOSITION]


def test_credible_amnesty_lowers_hamas_resolve(base_params):
    lo = model(base_params, **{"actors.HAMAS.armed_group.amnesty_credibility": 0.1})
    hi = model(base_params, **{"actors.HAMAS.armed_group.amnesty_credibility": 0.9})
    assert roles.effective_resolve(hi, hamas(hi)) < roles.effective_resolve(lo, hamas(lo))


def test_pressure_off_freezes_positions(base_params):
    m = model(base_params, **{"mechanisms.pressure.enabled": False}).run(30)
    for a in m.pressed:
        assert tuple(a.settled) == a.ideal


def test_noise_moves_what_is_shown_not_where_actors_settle(base_params):
    quiet = model(base_params, **{"mechanisms.pressure.noise": 0.0}).run(10)
    noisy = model(base_params, **{"mechanisms.pressure.noise": 0.3}).run(10)
    assert isr(noisy).settled == pytest.approx(isr(quiet).settled)
    assert isr(noisy).shown != pytest.approx(isr(noisy).settled)


# ---------------------------------------------------------------- 2. vetoes
def test_veto_yields_when_the_settled_position_passes_threshold(base_params):
    m = model(base_params)
    isr(m).settled[COMPOSITION] = 0.9
    vetoes.update(m)
    assert not vetoes.blocked(m, m.actors["TUR"])


def test_a_shown_shock_does_not_lift_a_veto(base_params):
    m = model(base_params, **{"mechanisms.pressure.noise": 0.5})  # shocks far past yield_at, often
    for _ in range(30):
        m.step()
        assert isr(m).settled[COMPOSITION] < 0.5
    assert vetoes.blocked(m, m.actors["TUR"])


def test_looking_at_shown_positions_never_changes_a_run(base_params):
    from sim.model.outcomes import outcome

    quiet = model(base_params, 5).run()
    looked = model(base_params, 5)
    for _ in range(base_params.horizon_weeks):
        looked.step()
        _ = [a.shown for a in looked.actor_list]
    assert outcome(quiet, 5) == outcome(looked, 5)


def test_vetoes_off_blocks_nothing_and_leaves_the_p5_veto(base_params):
    m = model(base_params, **{"mechanisms.vetoes.enabled": False})
    assert not vetoes.blocked(m, m.actors["TUR"])
    assert council.blockers(m, {"RUS": [-1]}) == ["RUS"]


def test_p5_no_is_a_veto_elected_no_is_not(base_params):
    m = model(base_params)
    assert council.blockers(m, {"RUS": [-1], "UNSC": [-1] * 10, "GBR": [1]}) == ["RUS"]
    off = model(base_params, **{"mechanisms.council.p5_veto": False})
    assert council.blockers(off, {"RUS": [-1]}) == []


# ---------------------------------------------------------------- 4. agenda and Council
def tabling_week(params, **values):
    m = model(params, **values)
    m.week = m.agenda.next_vote_week
    council.vote(m)
    return m


def test_the_us_tables_the_circulated_draft_when_the_articles_say(base_params):  # E10, E41, E42
    m = tabling_week(base_params)
    assert m.agenda.votes_held == 1 and m.agenda.week_tabled == base_params.mechanisms.council.table_week
    assert m.agenda.mandate == "enforcement" == base_params.case.circulated


def test_a_forecast_veto_amends_the_draft_and_says_why(base_params):
    m = tabling_week(base_params, **{"actors.RUS.council.support": 0.3})  # no to 'all necessary measures'
    assert council.forecast_vetoes(model(base_params, **{"actors.RUS.council.support": 0.3}), "enforcement") == ["RUS"]
    assert m.agenda.votes_held == 1 and m.agenda.mandate == "borders"
    assert council.choose_mandate(model(base_params))[1] == ""  # no veto forecast: no amendment


def test_a_draft_every_text_of_which_is_vetoed_is_still_tabled(base_params):  # the council_veto scenario
    m = tabling_week(base_params, **{"actors.RUS.council.support": 0.0})
    assert m.agenda.votes_held == 1 and not m.agenda.authorized and m.agenda.failed_votes == 1


def test_support_falls_only_for_terms_a_member_dislikes(base_params):
    m = model(base_params)
    rus = m.actors["RUS"]
    rus.settled[MANDATE] = 0.5
    base = rus.p.council.support
    assert council.support(m, rus, "borders", seen=False) == base  # weaker than it would accept: no cost
    assert council.support(m, rus, "enforcement", seen=False) < base


def test_council_passes_with_broad_support(base_params):
    m = model(base_params)
    for a in m.council_members:
        a.shown[MANDATE] = a.settled[MANDATE] = dict(m.drafts["borders"])[MANDATE]
    m.week = m.agenda.next_vote_week
    council.vote(m)
    assert m.agenda.authorized and m.agenda.week_authorized == m.week and m.agenda.mandate == "borders"


def test_a_failed_vote_teaches_the_us_the_seats_votes(base_params):
    m = model(base_params)
    m.week = m.agenda.next_vote_week
    m.agenda.mandate = "borders"
    m.agenda.seat_offsets["UNSC"] = [-1.0] * 10  # every elected member votes no
    m.sponsor.policy = type("Insist", (type(m.sponsor.policy),), {"mandate": lambda self, *a: "borders"})()
    council.vote(m)
    assert not m.agenda.authorized and m.agenda.failed_votes == 1 and m.agenda.offsets_known
    assert council.chance_of_passage(m, "borders") == 0.0
    assert m.agenda.next_vote_week == m.week + base_params.mechanisms.council.retable_weeks


def test_after_a_failed_vote_the_us_tables_what_it_expects_to_pass(base_params):
    m = model(base_params)
    m.agenda.failed_votes, m.agenda.offsets_known = 1, True
    m.agenda.seat_offsets["UNSC"] = [0.0] * 10
    for member in m.council_members:
        member.settled[MANDATE] = 0.0  # everyone now balks at more than border monitoring
    chosen, reason = council.choose_mandate(m)
    assert chosen == "borders" and reason == "the failed vote"


def test_council_off_no_vote_no_hold(base_params):
    m = model(base_params, **{"mechanisms.council.enabled": False}).run(10)
    assert not m.agenda.authorized and m.agenda.votes_held == 0 and m.agenda.design_final


def test_the_us_waits_for_a_veto_it_expects_to_yield(base_params):
    soft = {"actors.ISR.resolve": 0.05, "actors.USA.pressure.ISR": 1.0}
    m = model(base_params, **soft)
    m.step()
    assert council.veto_expected_to_yield(m, isr(m))
    assert not m.agenda.design_final or not isr(m).vetoes["TUR"]  # it waits, or the veto has already gone
    hard = model(base_params, **{"actors.ISR.resolve": 10.0}).run(1)
    assert hard.agenda.design_final  # no yield in sight: the US goes ahead without Türkiye


# ---------------------------------------------------------------- 3. commitments
def test_contributor_waits_for_its_requirements(base_params):
    m = model(base_params)
    conds = commitments.conditions(m, m.actors["IDN"])
    assert not all(conds.values())
    assert not conds["design final"] and not conds["resolution"]


def test_a_contributor_pledges_under_a_robust_mandate_with_caveats(base_params):  # E33, E41
    m = model(base_params)
    idn = m.actors["IDN"]  # would stabilize, not fight (E33)
    assert roles.caveats(idn, m.drafts["borders"]) == {}
    assert roles.caveats(idn, m.drafts["enforcement"]) == {MANDATE: idn.settled[MANDATE]}


def test_caveats_decide_what_the_armed_group_faces(base_params):
    m = model(base_params)
    limited = roles.consent(m, "enforcement", caveat={MANDATE: 0.0})
    assert limited == pytest.approx(roles.consent(m, "borders")) and limited > roles.consent(m, "enforcement")


def test_consent_is_one_sided_on_what_the_force_is_asked_to_do(base_params):
    m = model(base_params)
    before = roles.consent(m, "borders")
    hamas(m).settled[MANDATE] = 0.8  # it would now accept a robust force
    assert roles.consent(m, "borders") == pytest.approx(before)  # so a limited one is no worse


def ready_to_deploy(params, **values):
    """A model in which IDN has pledged and its lead time has passed, and the pledge conditions hold."""
    m = model(params, **{"mechanisms.ground.collapse_hazard": 0.0, **values})
    m.agenda.design_final = m.agenda.authorized = True
    m.progress.outstanding[0] = 0
    m.situation.violence_4w = 0.0  # a quiet month
    m.agenda.mandate = "borders"  # a mandate the armed group accepts
    for c in m.contributors:
        c.committed, c.commit_week = c.offer, 0
    m.week = 30
    return m


def test_a_pledge_is_not_a_deployment(base_params):
    m = ready_to_deploy(base_params)
    m.agenda.mandate = "enforcement"  # 'all necessary measures' (E41), which IDN takes as written
    hamas(m).settled[COMPOSITION], hamas(m).settled[MANDATE] = 1.0, 0.0
    m.actors["IDN"].caveats = {}
    commitments.contributors(m)
    idn = m.actors["IDN"]
    assert idn.committed > 0 and idn.deployed == 0
    assert not commitments.conditions(m, idn)["Hamas consent"]
    idn.caveats = {MANDATE: 0.0}  # border monitoring only: now acceptable
    hamas(m).settled[COMPOSITION] = 0.0
    commitments.contributors(m)
    assert idn.deployed == idn.committed


def test_contributors_wait_for_restraint_where_they_ask_for_it(base_params):  # E22
    m = ready_to_deploy(base_params, **{"actors.IDN.contributor.min_restraint": 0.9})
    commitments.contributors(m)
    assert m.actors["IDN"].deployed == 0 and not commitments.conditions(m, m.actors["IDN"])["restraint"]
    isr(m).settled[RESTRAINT] = 0.95
    commitments.contributors(m)
    assert m.actors["IDN"].deployed > 0


def test_the_others_wait_for_the_lead_contributor(base_params):
    m = ready_to_deploy(base_params, **{"actors.EGY.contributor.lead": True})
    m.actors["EGY"].committed = 0  # the lead has not even pledged
    commitments.contributors(m)
    assert all(c.deployed == 0 for c in m.contributors if c.aid != "EGY")


def test_hamas_consents_more_to_a_limited_force(base_params):  # E30
    m = model(base_params)
    assert roles.consent(m, "borders") > roles.consent(m, "enforcement")


def test_a_vetoed_contributor_settles_for_liaison(base_params):
    m = model(base_params, **{"actors.TUR.contributor.liaison_after": 3}).run(6)
    assert m.actors["TUR"].liaison and m.actors["TUR"].offer == 0


# ---------------------------------------------------------------- 7. money
def test_funder_pays_only_past_its_threshold(base_params):
    m = model(base_params)
    sau = m.actors["SAU"]
    m.progress.decided[0] = True
    m.progress.disarmament[0] = 0.9
    money.release(m)
    assert sau.released == 0
    m.progress.disarmament[0] = 0.96
    money.release(m)
    assert sau.released == sau.p.funder.pledge_usd


def test_no_money_on_a_disarmament_condition_before_the_decision(base_params):  # E31, E36
    m = model(base_params)
    m.progress.disarmament[0] = 1.0  # what no run does: disarmament without a decision
    money.release(m)
    assert m.funding_usd == 0


def test_funder_withholds_while_an_excluded_actor_has_troops(base_params):
    m = model(base_params)
    m.progress.decided[0] = True
    m.progress.disarmament[0] = 1.0
    m.actors["TUR"].deployed = 1000
    money.release(m)
    assert m.actors["SAU"].released == 0 and m.actors["ARE"].released == 0
    assert m.actors["QAT"].released > 0  # Qatar excludes nobody


def test_commitments_off_funders_pay_at_once(base_params):
    m = model(base_params, **{"mechanisms.commitments.enabled": False}).run(1)
    assert all(f.released > 0 for f in m.funders)


def test_the_money_on_offer_pulls_smoothly(base_params):
    def pull(value):
        m = model(base_params, **{"actors.HAMAS.armed_group.money_value": value})
        money.weigh(m)
        return hamas(m).prize

    (w0, _), (w1, toward), (w2, _) = pull(0.0), pull(0.2), pull(0.4)
    assert w0 == 0.0 < w1 < w2 and w2 == pytest.approx(2 * w1)  # proportional: no cliff
    assert 0.5 <= toward <= 0.95  # toward the funders' thresholds (QAT 0.5, SAU and ARE 0.95)


def test_a_bigger_pledge_buys_more_disarmament(base_params):
    def disarmament(pledge):
        values = {"actors.SAU.funder.pledge_usd": pledge, "actors.ARE.funder.pledge_usd": pledge}
        return statistics.mean(hamas(model(base_params, s, **values).run(52)).settled[DISARMAMENT] for s in range(5))

    assert disarmament(4e10) > disarmament(1e9)


def test_money_backs_a_funders_pressure(base_params):
    m = model(base_params)
    assert money.backing(m, m.actors["SAU"]) == pytest.approx(1.0)
    big = model(base_params, **{"actors.SAU.funder.pledge_usd": 1e11})
    assert money.backing(big, big.actors["SAU"]) == money.MAX_BACKING
    off = model(base_params, **{"mechanisms.money.enabled": False, "actors.HAMAS.armed_group.money_value": 10.0})
    money.weigh(off)
    assert hamas(off).prize == (0.0, 0.0) and money.backing(off, off.actors["SAU"]) == 1.0


# ---------------------------------------------------------------- 5. ground
def test_deaths_are_calibrated_to_the_ceasefire(base_params):
    values = {"mechanisms.ground.collapse_hazard": 0.0, "mechanisms.pressure.enabled": False,
              "mechanisms.commitments.enabled": False}  # fmt: skip
    weeks = [model(base_params, s, **values).run(4).situation.deaths_total / 4 for s in range(40)]
    assert 9.0 <= statistics.mean(weeks) / 7 <= 12.0


def test_ground_off_no_collapse_constant_deaths(base_params):
    m = model(base_params, **{"mechanisms.ground.enabled": False}).run(52)
    assert not m.situation.ever_collapsed
    assert m.situation.deaths_total == 52 * round(7 * base_params.mechanisms.ground.deaths_per_day)


def test_a_surge_raises_deaths(base_params):
    surge = {"mechanisms.ground.surge_start": 1, "mechanisms.ground.surge_weeks": 6,
             "mechanisms.ground.surge_multiplier": 3.0}  # fmt: skip
    calm = sum(model(base_params, s).run(6).situation.deaths_total for s in range(20))
    hot = sum(model(base_params, s, **surge).run(6).situation.deaths_total for s in range(20))
    assert hot > 2 * calm


def test_collapse_ends_the_force(base_params):
    m = model(base_params)
    m.actors["EGY"].committed = m.actors["EGY"].deployed = 1500
    ground.collapse(m)
    assert m.situation.collapsed and m.troops_deployed == 0
    assert m.progress.control[0] >= base_params.mechanisms.ground.collapse_control


def test_a_collapse_can_end(base_params):
    m = model(base_params, **{"mechanisms.ground.recovery_rate": 1.0})
    ground.collapse(m)
    m.step()
    assert not m.situation.collapsed and m.situation.ever_collapsed
    never = model(base_params, **{"mechanisms.ground.recovery_rate": 0.0})
    ground.collapse(never)
    never.run(20)
    assert never.situation.collapsed


# ---------------------------------------------------------------- 6. sequencing
def test_phase_two_waits_for_hostage_remains(base_params):
    m = model(base_params)
    assert not roles.gates_open(m)
    m.progress.outstanding[0] = 0
    assert roles.gates_open(m)


def test_israel_withdraws_only_as_the_isf_deploys_and_hamas_disarms(base_params):  # E14, E15, E48
    m = model(base_params)
    for _ in range(20):
        sequencing.advance(m)
    assert m.progress.control[0] == pytest.approx(0.5)
    m.actors["IDN"].deployed = 20000
    for _ in range(80):
        sequencing.advance(m)
    t = isr(m).p.territory
    part = t.control - (t.control - t.floor) * t.withdraw_before_disarmament  # before any disarmament
    assert m.progress.control[0] == pytest.approx(part, abs=0.01)
    m.progress.disarmament[0] = 1.0
    m.progress.decided[0] = True
    hamas(m).settled[DISARMAMENT] = 1.0
    for _ in range(80):
        sequencing.advance(m)
    assert m.progress.control[0] == pytest.approx(t.floor, abs=0.01)


def test_no_withdrawal_without_a_force_even_after_a_collapse(base_params):
    m = model(base_params, **{"mechanisms.ground.recovery_rate": 1.0})
    ground.collapse(m)
    held = m.progress.control[0]
    m.situation.collapsed = False
    for _ in range(30):
        sequencing.advance(m)
    assert m.progress.control[0] == held


def test_disarmament_is_a_decision(base_params):  # E36
    m = model(base_params)
    m.actors["IDN"].deployed = 2000  # a force to hand weapons to
    hamas(m).settled[DISARMAMENT] = hamas(m).p.armed_group.decide_at - 0.05
    for _ in range(20):
        sequencing.advance(m)
    assert m.progress.disarmament[0] == 0.0 and not m.progress.decided[0]
    hamas(m).settled[DISARMAMENT] = hamas(m).p.armed_group.decide_at + 0.05
    sequencing.advance(m)
    assert m.progress.decided[0]
    for _ in range(20):
        sequencing.advance(m)
    assert 0.0 < m.progress.disarmament[0] <= hamas(m).settled[DISARMAMENT]


def test_sequencing_off_runs_steps_in_parallel(base_params):
    m = model(base_params, **{"mechanisms.sequencing.enabled": False})
    assert roles.gates_open(m)
    for _ in range(60):
        sequencing.advance(m)
    assert m.progress.control[0] < 0.2
