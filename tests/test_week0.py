"""At week 0 the baseline reproduces the situation the articles describe (7 Nov 2025)."""

from __future__ import annotations

import pytest

from sim.model import roles
from sim.model.mechanisms import council, ground, money, vetoes
from sim.model.model import ISFModel

COMPOSITION, MANDATE, DISARMAMENT = 0, 1, 2  # the Gaza case's dimensions, in case.yaml's order


@pytest.fixture(scope="module")
def week0(base_params):
    return ISFModel(base_params, rng=1)


def test_the_dimensions_are_in_this_order(week0):
    assert week0.case.dimensions == ("composition", "mandate", "disarmament")
    assert [a.aid for a in week0.territory_holders] == ["ISR"] and [a.aid for a in week0.armed_groups] == ["HAMAS"]


def test_no_force_deployed_or_committed(week0):
    assert week0.troops_deployed == 0 and week0.troops_committed == 0
    assert week0.progress.week_deployed is None


def test_israel_holds_about_half_of_gaza(week0):  # E15
    assert week0.progress.control[0] == pytest.approx(0.5, abs=0.05)


def test_about_ten_to_eleven_deaths_a_day(week0):  # E44, E45
    assert 10.0 <= week0.situation.violence_4w / 7 <= 11.2
    assert 10.0 <= ground.mean_deaths(week0) / 7 <= 11.2


def test_turkey_is_vetoed(week0):  # E12
    assert vetoes.blocked(week0, week0.actors["TUR"])
    assert not any(vetoes.blocked(week0, week0.actors[c]) for c in ("EGY", "IDN", "AZE", "PAK"))


def test_gulf_money_is_withheld(week0):  # E31
    for fid in ("SAU", "ARE"):
        f = week0.actors[fid]
        assert f.released == 0
        assert not all(money.conditions(week0, f).values())
    assert week0.funding_usd == 0


def test_no_resolution_and_design_not_final(week0):  # E10, E35, E42
    assert not week0.agenda.authorized and week0.agenda.votes_held == 0
    assert not week0.agenda.design_final


def test_hamas_has_not_disarmed_and_remains_are_outstanding(week0):  # E36, E39
    assert week0.progress.disarmament == [0.0]
    assert week0.progress.outstanding == [9]
    assert week0.actors["HAMAS"].settled[DISARMAMENT] < 0.5


def test_the_issue_space_holds_the_articles_stances(week0):
    isr, hamas, usa = week0.actors["ISR"], week0.actors["HAMAS"], week0.sponsor
    assert isr.settled[COMPOSITION] < 0.3 < usa.settled[COMPOSITION]  # E12 red line vs E01
    assert hamas.settled[MANDATE] < 0.3 < usa.settled[MANDATE]  # E30 border monitoring vs E41
    # E30 and E36 both hold: Hamas would consent to a border-monitoring force, not to disarm
    assert roles.consent(week0, "borders") > 0.5 > roles.consent(week0, "enforcement")
    assert hamas.settled[DISARMAMENT] < 0.5


def test_the_draft_as_written_would_not_pass_yet(week0):  # E41, E42: an enforcement draft, talks just begun
    assert council.chance_of_passage(week0, "borders") > council.chance_of_passage(week0, "enforcement")
