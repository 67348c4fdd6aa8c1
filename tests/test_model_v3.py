"""Model version 3's acceptance checks (issue 19), on the baseline as an analyst would measure
them: 2,000 sampled runs with the weekly table (``python -m sim.tools.drivers`` prints the same
figures; docs/model.md quotes them)."""

from __future__ import annotations

import pytest

from sim.tools.drivers import report


@pytest.fixture(scope="module")
def figures():
    return report(None, 2000, 0)


pytestmark = pytest.mark.slow


def test_the_sponsor_tables_the_draft_when_the_articles_say(figures):  # E10, E42
    assert figures["tabled_by_week_6"]["p"] >= 0.9


def test_the_councils_unreported_numbers_do_not_decide_deployment(figures):
    d = figures["drivers_of_deployed"]
    assert d["r2_all"] > 0 and d["council_share"] < 0.5


def test_no_withdrawal_without_a_force(figures):  # E14, E15, E48
    assert figures["checks"]["withdrawal_without_force_runs"] == 0


def test_no_money_before_the_decision_to_disarm(figures):  # E31, E36
    assert figures["checks"]["money_before_decision_runs"] == 0


def test_disarmament_needs_a_decision_and_a_force(figures):  # E36
    assert figures["checks"]["disarmed_half_by_week8_without_force"]["p"] <= 0.02


def test_a_pledge_under_caveats_can_become_a_deployment_or_not(figures):
    assert figures["pledged_with_caveats"]["p"] > 0.05
    assert figures["caveated_contingent_deployed"]["p"] > 0.0
    assert figures["pledged_never_deployed"]["p"] > 0.0
