"""The host, force-fund, domestic-gate and lead-contributor mechanisms, on the synthetic case
tests/cases/mini_host (the mini case plus a host HST, a force funder FND whose pledge waits for its
legislature, and a lead contributor CTA with constitutional steps of its own).

Each test asserts a property a user relies on — a condition holds the deployment up, its switch
turns it off, the direction of an effect — never a model number."""

from __future__ import annotations

import math

import pytest

from helpers import ROOT
from sim.config import build, compose
from sim.model import roles, weekly
from sim.model.mechanisms import force_fund, host
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.model.paths import with_values

CASE = ROOT / "tests" / "cases" / "mini_host"
SEEDS = range(40)
QUIET: dict = {}  # the case as written (its weekly noise lets the elected seats split)


@pytest.fixture(scope="module")
def params():
    return build(compose([], CASE))[0]


def run(params, seed=0, weeks=None, **values):
    m = ISFModel(with_values(params, {**QUIET, **values}), rng=seed, trace=True)
    return m.run(weeks)


def deploy_weeks(params, **values) -> list[int]:
    """The week each seed's force deployed (the horizon + 1: never), all else equal."""
    out = []
    for seed in SEEDS:
        week = run(params, seed, **values).progress.week_deployed
        out.append(params.horizon_weeks + 1 if week is None else week)
    return out


def kinds(m) -> list[str]:
    return [e[1] for e in m.trace.events]


def test_the_case_runs_and_every_new_piece_is_on(params):
    m = run(params)
    assert m.host is not None and m.host.aid == "HST"
    assert [f.aid for f in m.force_funders] == ["FND"]
    assert m.lead.aid == "CTA"
    labels = [label for label, _ in m.deploy_extra]
    assert "host's consent" in labels and "force's funding secured" in labels and "CTA's approval" in labels


# ---------------------------------------------------------------- domestic gates
def test_a_contributors_own_gate_holds_only_its_own_deployment(params):
    """CTA's constitutional steps never open: CTA never deploys, and as the lead it holds the others
    back; the next phase (the territory holder's gates) does not wait for it."""
    m = run(params, **{"actors.CTA.gate.rate": 0.0})
    assert not m.actors["CTA"].ever_deployed
    assert m.progress.week_deployed is None
    assert not roles.own_gates_clear(m, m.actors["CTA"])
    assert roles.own_gates_clear(m, m.actors["CTB"])  # CTB holds no gate of its own


def test_a_domestic_gate_is_not_a_phase_gate(params):
    """A gate held by a contributor is left out of the next phase's gates (gates_open)."""
    m = ISFModel(with_values(params, {**QUIET, "actors.CTA.gate.rate": 0.0, "actors.ARM.gate.outstanding": 0}), rng=0)
    assert m.own_gate == [True, False, True]  # CTA (contributor), ARM (armed group), FND (force funder)
    assert roles.gates_open(m)


def test_the_gate_switch_turns_domestic_gates_off(params):
    """With sequencing off, a gate that never opens holds nobody up."""
    on = run(params, **{"actors.CTA.gate.rate": 0.0})
    off = run(params, **{"actors.CTA.gate.rate": 0.0, "mechanisms.sequencing.enabled": False})
    assert not on.actors["CTA"].ever_deployed
    assert off.actors["CTA"].ever_deployed


def test_slower_constitutional_steps_delay_the_deployment(params):
    fast = deploy_weeks(params, **{"actors.CTA.gate.rate": 0.9})
    slow = deploy_weeks(params, **{"actors.CTA.gate.rate": 0.05})
    assert sum(slow) > sum(fast)  # later on average, over the same seeds


# ---------------------------------------------------------------- the lead contributor
def test_nobody_deploys_before_the_lead(params):
    for seed in SEEDS:
        m = run(params, seed)
        first = {}
        for week, kind, actor, *_ in m.trace.events:
            if kind == "deploy":
                first.setdefault(actor, week)
        if first:
            assert min(first.values()) == first.get("CTA", math.inf), f"seed {seed}: {first}"


def test_without_a_lead_others_may_go_first(params):
    """Switched off (no lead named), CTB may deploy while CTA has not; with CTA leading it never does."""

    def ctb_alone(**values):
        n = 0
        for seed in SEEDS:
            m = run(params, seed, **{"actors.CTA.gate.rate": 0.0, **values})
            n += m.actors["CTB"].ever_deployed
        return n

    assert ctb_alone() == 0
    assert ctb_alone(**{"actors.CTA.contributor.lead": False}) > 0


# ---------------------------------------------------------------- money for the force
def test_the_fund_is_paid_in_over_time_after_the_appropriation(params):
    m = ISFModel(with_values(params, QUIET), rng=0, weekly=True)
    m.run()
    table = weekly.frame([(0, m.weekly)], m.params)
    paid = table["fund_paid_usd"].to_numpy()
    pledge = params.actors["FND"].force_funder.pledge_usd
    assert paid[0] == 0.0 and paid[-1] == pytest.approx(pledge)
    assert all(b >= a for a, b in zip(paid, paid[1:]))  # a fund only grows
    steps = sorted({round(b - a, 2) for a, b in zip(paid, paid[1:]) if b > a})
    assert steps == [round(pledge / params.actors["FND"].force_funder.pay_weeks, 2)]  # equal instalments


def test_a_pledge_that_waits_for_its_legislature_is_not_paid_without_it(params):
    m = run(params, **{"actors.FND.gate.rate": 0.0})
    assert m.fund.balance == 0.0
    assert m.progress.week_deployed is None  # the contributors wait for the force's funding
    row = outcome(m, 0)
    assert row["fund_paid_usd"] == 0.0 and not row["fund_secured"] and math.isnan(row["week_fund_secured"])


def test_the_fund_switch_pays_at_once_and_nobody_waits(params):
    off = run(params, weeks=1, **{"actors.FND.gate.rate": 0.0, "mechanisms.force_fund.enabled": False})
    assert off.fund.balance == params.actors["FND"].force_funder.pledge_usd
    assert "force's funding secured" not in [label for label, _ in off.deploy_extra]
    full = run(params, **{"actors.FND.gate.rate": 0.0, "mechanisms.force_fund.enabled": False})
    assert full.progress.week_deployed is not None


def test_wanting_more_money_in_hand_delays_the_deployment(params):
    slow_payer = {"actors.FND.force_funder.pay_weeks": 40}  # paid in over most of the horizon
    little = deploy_weeks(params, **slow_payer, **{"mechanisms.force_fund.secured_at": 0.1})
    most = deploy_weeks(params, **slow_payer, **{"mechanisms.force_fund.secured_at": 0.9})
    assert sum(most) > sum(little)


def test_reconstruction_money_is_separate_from_the_force_fund(params):
    """The funder's reconstruction pledge still waits for disarmament; its force pledge does not."""
    m = run(params)
    assert m.fund.balance > 0
    assert m.actors["FND"].released == 0.0 or all(m.progress.decided)


# ---------------------------------------------------------------- the host
def test_a_less_legitimate_host_costs_council_support(params):
    m_hi = ISFModel(with_values(params, {**QUIET, "actors.HST.host.legitimacy": 1.0}), rng=0)
    m_lo = ISFModel(with_values(params, {**QUIET, "actors.HST.host.legitimacy": 0.1}), rng=0)
    assert m_hi.host_discount == 0.0
    assert m_lo.host_discount > 0.0
    off = ISFModel(with_values(params, {**QUIET, "actors.HST.host.legitimacy": 0.1, "mechanisms.host.enabled": False}))
    assert off.host_discount == 0.0


def test_contributors_do_not_deploy_for_a_host_without_backing(params):
    none = run(params, **{"actors.HST.host.consent": 0.0})
    assert none.progress.week_deployed is None
    off = run(params, **{"actors.HST.host.consent": 0.0, "mechanisms.host.enabled": False})
    assert off.progress.week_deployed is not None


def test_a_draft_asking_for_written_notification_delays_each_contingent(params):
    """Under the enforcing draft (settlement 0.9 >= notify_at), each contingent waits for the host's
    letter; under a notify_at above every draft, it does not. The switch turns the wait off."""
    values = {"actors.HST.host.notify_weeks": 12}
    asked = deploy_weeks(params, **values, **{"actors.HST.host.notify_at": 0.1})
    never = deploy_weeks(params, **values, **{"actors.HST.host.notify_at": 1.0})
    assert sum(asked) > sum(never)
    off = {"actors.HST.host.notify_at": 0.1, "mechanisms.host.enabled": False}
    never_off = {"actors.HST.host.notify_at": 1.0, "mechanisms.host.enabled": False}
    assert deploy_weeks(params, **values, **off) == deploy_weeks(params, **values, **never_off)


def test_a_case_without_the_sections_has_them_off():
    """The mini case configures neither mechanism: both are off and nothing of theirs is read."""
    p = build(compose([], ROOT / "tests" / "cases" / "mini"))[0]
    assert p.mechanisms.host == host.OFF and p.mechanisms.force_fund == force_fund.OFF
    m = ISFModel(p, rng=0)
    assert m.deploy_extra == [] and m.host_discount == 0.0


# ---------------------------------------------------------------- determinism
def test_same_seed_same_run(params):
    a, b = run(params, 3), run(params, 3)
    assert a.trace.events == b.trace.events
    assert str(outcome(a, 3)) == str(outcome(b, 3))  # NaN prints alike
