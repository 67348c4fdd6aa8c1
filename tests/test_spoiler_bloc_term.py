"""The spoiler, contributor-bloc and mandate-term mechanisms (issue 20), on the synthetic case
tests/cases/mini_spoiler (mini_host with its armed group ARM a spoiler that holds ground, a
contributor bloc BLC of ten members, and a mandate term of 20 weeks reviewed at 15).

Each test asserts a property a user relies on — a piece does what it says, its switch turns it
off, the direction of an effect, a bad value is a one-line error — never a model number."""

from __future__ import annotations

from dataclasses import replace
from statistics import mean

import pytest

from helpers import ROOT
from sim.config import build, compose
from sim.model import roles, weekly
from sim.model.declare import ConfigError
from sim.model.mechanisms import blocs, ground, spoiler, term
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.model.paths import with_values
from sim.model.policy import Policy

CASE = ROOT / "tests" / "cases" / "mini_spoiler"
SEEDS = range(30)


@pytest.fixture(scope="module")
def raw():
    return compose([], CASE)


@pytest.fixture(scope="module")
def params(raw):
    return build(raw)[0]


def run(params, seed=0, weeks=None, **values):
    return ISFModel(with_values(params, values), rng=seed, trace=True).run(weeks)


def events(m, *kinds) -> list[tuple[int, str, str]]:
    return [(w, k, a) for w, k, a, *_ in m.trace.events if k in kinds]


def test_the_case_runs_and_every_new_piece_is_on(params):
    m = run(params, weeks=1)
    assert [a.aid for a in m.spoilers] == ["ARM"] and m.actors["ARM"].spoiling
    assert m.actors["BLC"].members <= 10
    assert params.mechanisms.term.enabled


# ---------------------------------------------------------------- the spoiler
def test_a_spoiler_does_not_bargain(params):
    """Pressed by the sponsor and two mediators, its positions stay where they were; switched off,
    the same pressure moves it."""
    on = run(params, 3)
    assert on.actors["ARM"].settled == list(on.actors["ARM"].ideal)
    assert not any(on.progress.decided)  # it never comes to disarm
    off = run(params, 3, **{"mechanisms.spoiler.enabled": False})
    assert off.actors["ARM"].settled != list(off.actors["ARM"].ideal)
    assert off.spoilers == [] and not off.actors["ARM"].spoiling


def test_a_spoiler_escalates_against_a_force_and_not_without_one(params):
    """No force in: its strikes are its level. A force in: they rise, more with more escalation
    and under a mandate that contests its ground harder."""
    m = ISFModel(params, rng=0)
    arm = m.actors["ARM"]
    level = arm.p.territory.strike_level
    assert roles.spoiler_strikes(m, arm) == level
    m.actors["CTA"].deployed = 2500  # a force on the ground
    m.agenda.mandate = "enforce"
    enforce = roles.spoiler_strikes(m, arm)
    m.agenda.mandate = "observe"
    observe = roles.spoiler_strikes(m, arm)
    assert enforce > observe > level
    calmer = ISFModel(with_values(params, {"actors.ARM.spoiler.escalation": 0.0}), rng=0)
    calmer.actors["CTA"].deployed = 2500
    assert roles.spoiler_strikes(calmer, calmer.actors["ARM"]) == level
    assert ground.strike_factor(m) > ground.strike_factor(calmer)


def test_more_escalation_kills_more_over_the_same_seeds(params):
    def deaths(e):
        return mean(run(params, s, **{"actors.ARM.spoiler.escalation": e}).situation.deaths_total for s in SEEDS)

    assert deaths(3.0) > deaths(0.0)


def test_a_force_takes_back_a_spoilers_ground_without_its_disarmament(params):
    """Where a force deployed, the spoiler (which never disarms) ends with less ground than it held;
    with nobody offering troops it never loses any."""
    i = [h.id for h in params_holders(params)].index("ARM")
    control0 = params.actors["ARM"].territory.control
    lost = []
    for seed in SEEDS:
        m = run(params, seed)
        if m.troops_deployed > 0 and not m.situation.ever_collapsed:  # a collapse hands it ground
            lost.append(control0 - m.progress.control[i])
    assert lost and min(lost) > 0
    nobody = {f"actors.{c}.contributor.offer": 0 for c in ("CTA", "CTB", "BLC")}
    for seed in range(5):
        m = run(params, seed, **nobody)
        assert m.progress.control[i] >= control0


def params_holders(params):
    return [a for a in params.actors.values() if a.territory is not None]


def test_a_spoiler_needs_territory_and_a_valid_escalation(raw):
    arm = {k: v for k, v in raw["actors"]["ARM"].items() if k != "territory"}
    with pytest.raises(ConfigError, match=r"^actors\.ARM\.spoiler needs actors\.ARM\.territory"):
        build({**raw, "actors": {**raw["actors"], "ARM": arm}})
    arm = {**raw["actors"]["ARM"], "spoiler": {"escalation": 12.0}}
    with pytest.raises(ConfigError, match=r"actors\.ARM\.spoiler\.escalation = 12 is out of range"):
        build({**raw, "actors": {**raw["actors"], "ARM": arm}})
    arm = {**raw["actors"]["ARM"], "spoiler": {"escalate": 1.0}}
    with pytest.raises(ConfigError, match=r"unknown key 'actors\.ARM\.spoiler\.escalate'"):
        build({**raw, "actors": {**raw["actors"], "ARM": arm}})


# ---------------------------------------------------------------- contributor blocs
def test_a_blocs_offer_scales_with_the_members_that_come(params):
    offer, members = params.actors["BLC"].contributor.offer, params.actors["BLC"].bloc.members
    came = []
    for seed in SEEDS:
        m = ISFModel(params, rng=seed)
        c = m.actors["BLC"]
        assert 0 <= c.members <= members
        assert c.offer == round(offer * c.members / members)
        came.append(c.members)
    assert len(set(came)) > 1  # the members decide run by run
    assert abs(mean(came) - members * params.actors["BLC"].bloc.follow_through) < 1.5


def test_follow_through_at_its_ends(params):
    none = run(params, 0, **{"actors.BLC.bloc.follow_through": 0.0})
    assert none.actors["BLC"].offer == 0 and not none.actors["BLC"].ever_committed
    every = ISFModel(with_values(params, {"actors.BLC.bloc.follow_through": 1.0}), rng=0)
    assert every.actors["BLC"].offer == params.actors["BLC"].contributor.offer


def test_the_bloc_switch_sends_every_member(params):
    off = ISFModel(with_values(params, {"mechanisms.blocs.enabled": False}), rng=0)
    assert off.actors["BLC"].offer == params.actors["BLC"].contributor.offer
    assert off.actors["BLC"].members == params.actors["BLC"].bloc.members


def test_the_members_draw_moves_no_other_random_stream(params):
    """The bloc's draw has a stream of its own: other draws (the Council seats' offsets, drawn
    from the model's generator at week 0) are the same whatever the bloc does."""
    a = ISFModel(with_values(params, {"actors.BLC.bloc.follow_through": 0.1}), rng=5)
    b = ISFModel(with_values(params, {"actors.BLC.bloc.follow_through": 0.9}), rng=5)
    c = ISFModel(with_values(params, {"mechanisms.blocs.enabled": False}), rng=5)
    assert a.agenda.seat_offsets == b.agenda.seat_offsets == c.agenda.seat_offsets
    assert a.rng.random() == b.rng.random() == c.rng.random()
    assert blocs.members_that_come(5, "BLC", 10, 0.5) == blocs.members_that_come(5, "BLC", 10, 0.5)


def test_a_bloc_needs_a_contributor_and_valid_numbers(raw):
    fnd = {**raw["actors"]["FND"], "bloc": {"members": 3, "follow_through": 0.5}}
    given = frozenset({"actors.FND.bloc.members", "actors.FND.bloc.follow_through"})  # as on the command line
    with pytest.raises(ConfigError, match=r"^actors\.FND\.bloc needs actors\.FND\.contributor"):
        build({**raw, "actors": {**raw["actors"], "FND": fnd}}, exempt=given)
    for value, key in ((0, "members"), (1.5, "follow_through")):
        blc = {**raw["actors"]["BLC"], "bloc": {**raw["actors"]["BLC"]["bloc"], key: value}}
        with pytest.raises(ConfigError, match=rf"actors\.BLC\.bloc\.{key} = .* out of range"):
            build({**raw, "actors": {**raw["actors"], "BLC": blc}})


# ---------------------------------------------------------------- the mandate's term
def test_the_council_reviews_and_votes_on_renewal_at_the_terms_end(params):
    p = params.mechanisms.term
    for seed in range(10):
        m = run(params, seed)
        passed = m.agenda.week_authorized
        if passed is None or passed + p.term_weeks > params.horizon_weeks:
            continue
        first_review = [w for w, *_ in events(m, "mandate_review")][0]
        first_vote = [w for w, *_ in events(m, "mandate_renewed", "mandate_lapsed")][0]
        assert first_review == passed + p.review_week
        assert first_vote == passed + p.term_weeks


class NoAtRenewal(Policy):
    """A permanent member that votes for the force, then against its renewal."""

    def votes(self, model, actor, rule):
        return [-1] * len(rule) if model.agenda.authorized else rule


def test_a_mandate_not_renewed_lapses_and_the_force_withdraws(params):
    quiet = with_values(params, {"mechanisms.ground.collapse_hazard": 0.0, "mechanisms.term.term_weeks": 30})
    for seed in SEEDS:
        m = ISFModel(quiet, rng=seed, trace=True, weekly=True)
        m.use_policies({"PMB": NoAtRenewal()})
        m.run()
        lapses = events(m, "mandate_lapsed")
        if not lapses or m.progress.week_deployed is None or m.progress.week_deployed >= lapses[0][0]:
            continue
        week = lapses[0][0]
        table = weekly.frame([(seed, m.weekly)], m.params)
        at = table[table.week == week].iloc[0]
        assert not at["authorized"] and at["troops_deployed"] == 0 and at["troops_committed"] == 0
        assert table[table.week == week - 1].iloc[0]["troops_deployed"] > 0
        assert m.term.week_lapsed == week and outcome(m, seed)["un_authorized"]  # a resolution did pass
        return
    pytest.fail("no seed deployed a force before its mandate lapsed")


def test_the_review_reopens_the_lobbying_of_the_council(params):
    """Between the review and the renewal vote pressure moves the elected members again; after
    the first vote and before the review it does not."""
    m = ISFModel(params, rng=2)
    seen = {}
    for _ in range(params.horizon_weeks):
        was_authorized, was_open = m.agenda.authorized, m.renewal_open  # pressure comes before the week's votes
        m.step()
        if was_authorized:
            seen.setdefault(was_open, []).append(sum(m.actors["ELC"].pressure_in))
    assert max(seen[False]) == 0.0 and max(seen[True]) > 0.0


def test_the_term_switch_keeps_the_authorisation_to_the_horizon(params):
    off = run(params, 0, **{"mechanisms.term.enabled": False})
    assert not events(off, "mandate_review", "mandate_renewed", "mandate_lapsed")
    assert off.agenda.authorized == (off.agenda.week_authorized is not None)


def test_a_case_without_the_sections_has_them_off():
    p = build(compose([], ROOT / "tests" / "cases" / "mini_host"))[0]
    assert p.mechanisms.spoiler == spoiler.OFF and p.mechanisms.blocs == blocs.OFF and p.mechanisms.term == term.OFF
    assert not p.mechanisms.term.enabled


def test_a_review_after_the_terms_end_is_a_one_line_error(raw):
    mech = {**raw["mechanisms"], "term": {**raw["mechanisms"]["term"], "review_week": 25}}
    given = frozenset({"mechanisms.term.review_week"})  # as on the command line: no range of its own to check
    with pytest.raises(ConfigError, match=r"^mechanisms\.term\.review_week = 25 is after the term's end"):
        build({**raw, "mechanisms": mech}, exempt=given)
    mech = {**raw["mechanisms"], "term": {**raw["mechanisms"]["term"], "term_weeks": "a year"}}
    with pytest.raises(ConfigError, match=r"^mechanisms\.term\.term_weeks = .* is not a number"):
        build({**raw, "mechanisms": mech})


# ---------------------------------------------------------------- determinism
def test_same_seed_same_run(params):
    a, b = run(params, 4), run(params, 4)
    assert a.trace.events == b.trace.events
    assert str(outcome(a, 4)) == str(outcome(b, 4))


def test_the_runs_table_keeps_its_columns(params):
    """No column of their own: the case's table has the columns its roles give, as before."""
    base = build(compose([], ROOT / "tests" / "cases" / "mini_host"))[0]
    row = outcome(run(params, 1), 1)
    plain = outcome(run(replace(base), 1), 1)
    assert set(row) - set(plain) == {"role.BLC", "control.ARM"}  # the new actor's and the new holder's only
