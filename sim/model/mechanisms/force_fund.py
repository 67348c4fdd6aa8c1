"""Mechanism 9 — money for the force: pledges paid into a tracked fund over time.

The money mechanism (:mod:`sim.model.mechanisms.money`) is money for what comes *after* the force
— reconstruction, paid on the armed groups' disarmament. A force paid for by voluntary
contributions instead of a UN budget needs money *before* it can go in: its own fund. An actor
holding the ``force_funder`` role pledges ``pledge_usd`` to that fund and pays it in equal weekly
instalments over ``pay_weeks``, starting in the first week in which

* a Council resolution is in force, if its pledge waits for one (``needs_resolution``);
* its own gates are clear — a pledge that needs a legislature's appropriation is a **gate held
  by the funder** (its ``gate`` block: the steps still outstanding, cleared with weekly chance
  ``rate``; :mod:`sim.model.mechanisms.sequencing` releases it and keeps it off the next phase:
  a gate held by a contributor or a force funder binds only its holder);
* the situation has not collapsed (a collapse pauses the payments; they resume after it).

The fund's balance is what has been paid in (``model.fund.paid``). Contributors' condition
**the force's funding secured** holds once the balance reaches ``secured_at x need_usd`` (the
share of what the force needs that they want in hand before deploying; a deployment condition
registered in ``model.deploy_extra``, read by :mod:`sim.model.mechanisms.commitments`).

A case without force funders has no fund. Without a ``mechanisms.force_fund`` section, or switched
off (``enabled: false``), pledges are paid at once in week 1 and contributors do not wait for the
money.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.model.declare import flag, num, share
from sim.model.roles import own_gates_clear

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.force_fund.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    need_usd: float = num((0.0, 1e12), "USD", "what the force needs in its fund for its first year")
    secured_at: float = share("share of need_usd paid in before contributors deploy (0: they do not wait)")


@dataclass
class Fund:
    """The force's fund (this mechanism): what each force funder has paid in, and when the
    balance first reached the contributors' threshold."""

    paid: list[float] = field(default_factory=list)  # per force funder, in model.force_funders' order
    week_secured: int | None = None

    @property
    def balance(self) -> float:
        return math.fsum(self.paid)


OFF = Params(enabled=False, need_usd=0.0, secured_at=0.0)  # a case without a mechanisms.force_fund section


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.force_fund


def init(model: ISFModel) -> None:
    """The fund at week 0 (empty) and the contributors' condition, when the case has a fund."""
    model.force_funders = [a for a in model.actor_list if a.p.force_funder is not None]
    model.fund = Fund(paid=[0.0] * len(model.force_funders))
    p = pars(model)
    if p.enabled and model.force_funders and p.secured_at > 0:
        model.deploy_extra.append(("force's funding secured", lambda mdl, c: secured(mdl)))


def secured(model: ISFModel) -> bool:
    """The force's funding is secured: the fund holds ``secured_at`` of what the force needs."""
    p = pars(model)
    return model.fund.balance >= p.secured_at * p.need_usd


def holds(model: ISFModel, f: Actor) -> tuple[bool, bool, bool]:
    """Whether each of force funder ``f``'s conditions holds: resolution, its own gates, no collapse."""
    p = f.p.force_funder
    return (
        not (p.needs_resolution and model.council_votes) or model.agenda.authorized,
        own_gates_clear(model, f),
        not model.situation.collapsed,
    )


def pay(model: ISFModel) -> None:
    """Force funders pay this week's instalment when their conditions hold (switched off: all at once)."""
    p = pars(model)
    if not model.force_funders:
        return
    fund = model.fund
    for i, f in enumerate(model.force_funders):
        pledge = f.p.force_funder.pledge_usd
        if fund.paid[i] >= pledge:
            continue
        if not p.enabled:
            fund.paid[i] = pledge
            continue
        if not all(holds(model, f)):
            continue
        before = fund.paid[i]
        fund.paid[i] = min(pledge, before + pledge / f.p.force_funder.pay_weeks)
        if before == 0.0 or fund.paid[i] >= pledge:  # the trace tells the first and the last instalment
            model.log("fund_paid", f.aid, "", fund.paid[i], pledge=pledge)
    if fund.week_secured is None and p.need_usd > 0 and secured(model):
        fund.week_secured = model.week
        model.log("fund_secured", "", "", fund.balance)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns, for a case with force funders: the fund's balance at the end,
    whether its funding was ever secured, and the week it first was (NaN: never)."""
    if not model.force_funders:
        return {}
    week = model.fund.week_secured
    return {
        "fund_paid_usd": float(model.fund.balance),
        "fund_secured": week is not None,
        "week_fund_secured": math.nan if week is None else float(week),
    }


COLUMNS = {"fund_paid_usd": "float64", "fund_secured": "bool", "week_fund_secured": "float64"}  # with force funders


# --------------------------------------------------------------------------- the trace's words
SENTENCES = {
    "fund_paid": lambda a, t, v, d, c: (
        f"{a} has paid ${v / 1e6:,.0f}m of its ${d['pledge'] / 1e6:,.0f}m to the force's fund"
    ),
    "fund_secured": lambda a, t, v, d, c: f"the force's fund holds ${v / 1e6:,.0f}m: its funding is secured",
}
