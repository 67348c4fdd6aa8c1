"""Mechanism 4 — agenda setting and the Council vote.

The sponsor (the US) sets the agenda in two ways:

* **the force's design.** It seeks a composition both Israel and Türkiye accept (E03) and will
  not force troops on Israel (E04). The design is final — and contributors, who "all wait for
  the final design" (E35), can decide — once no vetoed contributor still offers troops (the
  veto yielded, or the contributor settled for liaison), or once ``max_hold_weeks`` have passed
  and the US goes ahead without the vetoed contributor.
* **the Council draft.** It tables the draft at ``table_week`` (E10, E42). Each member votes
  yes if its support is at least ``yes_at``, no below ``no_below``, and abstains in between;
  support is its position minus its ``enforcement_penalty`` while the draft says "all
  necessary measures" (E41). The ten elected seats each differ from the bloc's position by a
  random offset. The draft passes with 9 yes votes and no P5 veto (see
  :func:`sim.model.mechanisms.vetoes.council_vetoed`). After a failure the US revises and re-tables
  after ``retable_weeks``; after ``soften_after`` failures it softens the mandate to border
  monitoring and limited missions (E30).

A resolution adds ``un_legitimacy`` to the force's legitimacy (E43).

Switched off, there is no vote and no hold: the design is final at once and contributors do
not ask for legitimacy (the force goes ahead on a US-led basis, E06).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import policy
from sim.model.mechanisms import vetoes

if TYPE_CHECKING:
    from sim.model.model import ISFModel

VOTE = {1: "yes", 0: "abstain", -1: "no"}  # a seat's vote, in words
VOTE_WORD = {1: "votes yes", 0: "abstains", -1: "votes no"}


def tally(votes: list[int]) -> str:
    """A bloc's votes in words: '2 yes, 1 abstain, 0 no'."""
    return ", ".join(f"{votes.count(v)} {VOTE[v]}" for v in (1, 0, -1))


PASS_VOTES = 9


def legitimacy(model: ISFModel) -> float:
    cfg = model.params.mechanisms.council
    return min(1.0, cfg.base_legitimacy + (cfg.un_legitimacy if model.authorized else 0.0))


def settle_design(model: ISFModel) -> None:
    """The sponsor declares the force's design final when the composition dispute is settled."""
    if model.design_final:
        return
    cfg = model.params.mechanisms.council
    disputed = [c.aid for c in model.contributors if c.offer > 0 and not c.liaison and vetoes.blocked(model, c)]
    hold = model.sponsor.p.sponsor.max_hold_weeks if model.sponsor else 0
    final = not cfg.enabled or not disputed or model.week >= hold
    pol = policy.of(model, model.sponsor) if model.sponsor else None
    if pol is not None and cfg.enabled and disputed:
        final = bool(pol.design_final(model, model.sponsor, disputed, final))
    if final:
        model.design_final = True
        why = (
            ("without " + "+".join(disputed) + f" after {model.week} weeks of holding out")
            if disputed
            else "no vetoed contributor left in the design"
        )
        model.log(
            "design_final",
            model.sponsor.aid if model.sponsor else "",
            "",
            float(model.week),
            f"the force's design is final ({why})",
        )


def member_votes(model: ISFModel) -> dict[str, list[int]]:
    cfg = model.params.mechanisms.council
    enforcement = model.mandate == "enforcement"
    votes: dict[str, list[int]] = {}
    for m in model.council_members:
        seat = m.p.council
        base = (m.position if m.position is not None else 1.0) - (seat.enforcement_penalty if enforcement else 0.0)
        vs = []
        for off in model.seat_offsets[m.aid]:
            s = base + off
            vs.append(1 if s >= cfg.yes_at else (-1 if s < cfg.no_below else 0))
        pol = policy.of(model, m)
        if pol is not None:
            vs = [min(1, max(-1, int(v))) for v in pol.votes(model, m, vs)][: len(vs)]
        votes[m.aid] = vs
    return votes


def vote(model: ISFModel) -> None:
    """Table the draft when due and hold the vote."""
    cfg = model.params.mechanisms.council
    if not cfg.enabled or model.authorized or model.week < model.next_vote_week:
        return
    pol = policy.of(model, model.sponsor) if model.sponsor else None
    if pol is not None:
        chosen = pol.mandate(model, model.sponsor, model.mandate)
        if chosen in ("enforcement", "borders") and chosen != model.mandate:
            model.mandate = chosen
            model.log("mandate_changed", model.sponsor.aid, "", 0.0, f"the US puts a {chosen} mandate in its draft")
    if model.votes_held == 0:
        model.log(
            "council_tabled",
            model.sponsor.aid if model.sponsor else "",
            "UNSC",
            float(model.week),
            f"the US tables its draft resolution ({model.mandate} mandate)",
        )
    votes = member_votes(model)
    model.votes_held += 1
    yes = sum(v.count(1) for v in votes.values())
    blockers = vetoes.council_vetoed(model, votes)
    if model.tracing:
        for aid, vs in votes.items():
            if len(vs) == 1:
                text = f"{aid} {VOTE_WORD[vs[0]]}"
            else:
                text = f"{aid}: {tally(vs)}"
            model.log("vote", aid, "", sum(vs) / len(vs), text)
    if yes >= PASS_VOTES and not blockers:
        model.authorized = True
        model.week_authorized = model.week
        model.log(
            "resolution_passed",
            "UNSC",
            "",
            float(yes),
            f"the Council passes the resolution, {yes} votes in favour ({model.mandate} mandate)",
        )
        return
    why = f"vetoed by {'+'.join(blockers)}" if blockers else f"only {yes} votes in favour"
    model.failed_votes += 1
    model.next_vote_week = model.week + cfg.retable_weeks
    model.log("resolution_failed", "UNSC", "+".join(blockers), float(yes), f"the draft fails: {why}")
    if model.failed_votes >= cfg.soften_after and model.mandate == "enforcement":
        model.mandate = "borders"
        model.log(
            "mandate_softened",
            model.sponsor.aid if model.sponsor else "",
            "",
            0.0,
            "the US softens the mandate to border monitoring and limited missions",
        )
