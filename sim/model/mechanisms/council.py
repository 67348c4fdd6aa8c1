"""Mechanism 4 — agenda setting: the force's design, its mandate, and the Council vote.

The sponsor is a strategic agenda setter. It knows every actor's settled position (not the
week's shock, not how each elected seat differs from its bloc) and acts on forecasts:

* **Composition.** It seeks a design every veto holder accepts and will not force a vetoed
  contributor on them. While a veto stands, the sponsor forecasts where the holder's position on
  the veto's dimension settles under the pressure it now faces (the bargaining rule's own end
  point, :func:`sim.model.mechanisms.bargaining.end_point`). If that is past ``yield_at`` it
  waits for the veto to yield; if not, it declares the design final without the vetoed
  contributor at once. Contributors wait for the final design.
* **The draft.** The drafts are named points of the issue space (``case.yaml``: ``drafts``).
  The sponsor tables the draft it has circulated (``case.yaml``: ``circulated``; without one, the
  draft nearest its own settled position) from ``table_week``, as reported. It amends the terms
  only for a reason it states: before the first vote, a permanent member it forecasts will veto
  the text (its settled support below ``no_below``: then the draft nearest the circulated one
  that no permanent member is forecast to veto); after a failed vote, the vote itself (it then
  tables the draft nearest its own position that it expects to pass with ``sponsor.confidence``,
  or the likeliest). It does not trade the text for a force: what the troops will do is decided
  by the contributors' caveats (:mod:`sim.model.mechanisms.commitments`).
* **The vote.** A failed vote shows how each seat votes; the sponsor re-tables after
  ``retable_weeks``. A vote can fail through what the sponsor could not foresee: the week's
  shocks and each elected seat's own offset from its bloc.

A member's support for a draft is its ``council.support`` for the sponsor's force, less, on each
dimension the draft sets, its salience times how far the draft asks *more* than its position
there (one-sided: a draft weaker than a member would accept costs no support). The sponsor
supports its own draft. A member votes yes from ``yes_at``, no below ``no_below`` (a permanent
member's 'no' blocks the draft if ``p5_veto``), and abstains in between. Nine yes votes pass it
(UN Charter, Art. 27).

Switched off, there is no vote: the design is final at once, the mandate is the circulated
draft, and no contributor waits for a resolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.model import roles
from sim.model.declare import flag, num, share
from sim.model.mechanisms import bargaining

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.council.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    p5_veto: bool = flag("a permanent member's 'no' blocks the draft")
    table_week: int = num((0, 520), "week", "first week the sponsor can table the draft")
    retable_weeks: int = num((1, 52), "weeks", "weeks to revise and re-table after a failed vote")
    yes_at: float = share("support at which a member votes yes")
    no_below: float = share("support below which a member votes no")


@dataclass
class Agenda:
    """The sponsor's design and the Council (this mechanism)."""

    mandate: str  # the draft's mandate, and the adopted one once the Council passes it
    design_final: bool = False
    authorized: bool = False
    week_authorized: int | None = None
    votes_held: int = 0
    failed_votes: int = 0
    next_vote_week: int = 0
    seat_offsets: dict[str, list[float]] = field(default_factory=dict)  # member -> each seat's offset
    offsets_known: bool = False  # a failed vote has shown the sponsor how each seat votes
    week_tabled: int | None = None  # the first vote


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.council


def init(model: ISFModel) -> None:
    """The agenda at week 0: the sponsor's preferred draft, the first week it may table it, and how
    each elected seat differs from its bloc (drawn now, from the model's generator). Published:
    whether the Council votes at all (contributors that need a resolution read it)."""
    model.council_votes = pars(model).enabled
    model.agenda = Agenda(mandate=preferred_mandate(model), next_vote_week=pars(model).table_week)
    model.agenda.seat_offsets = {
        a.aid: [model.random.gauss(0.0, a.p.council.spread) if a.p.council.spread > 0 else 0.0
                for _ in range(a.p.council.seats)]
        for a in model.council_members
    }  # fmt: skip


VOTE = {1: "yes", 0: "abstain", -1: "no"}  # a seat's vote, in words
PASS_VOTES = 9


def tally(votes: list[int]) -> str:
    """A bloc's votes in words: '2 yes, 1 abstain, 0 no'."""
    return ", ".join(f"{votes.count(v)} {VOTE[v]}" for v in (1, 0, -1))


# --------------------------------------------------------------------------- the draft's terms
def support(model: ISFModel, m: Actor, mandate: str, seen: bool = True) -> float:
    """A member's support for a draft: its base support less, on each dimension the draft sets, its
    salience times how far the draft asks more than its position (one-sided: a weaker draft than
    it would accept costs nothing; who serves is not put to the vote). The sponsor supports its
    own draft."""
    if m is model.sponsor:
        return 1.0
    pos = m.shown if seen else m.settled
    sal = m.p.salience
    s = m.p.council.support - model.host_discount  # a weak host's request (sim.model.mechanisms.host; 0 without)
    for d, v in model.drafts[mandate]:
        if v > pos[d]:
            s -= sal[d] * (v - pos[d])
    return s


def preferred_mandate(model: ISFModel) -> str:
    """The draft on the table at week 0: the circulated one if the case names it, else the draft
    nearest the sponsor's settled position (of two as near, the later: the case lists drafts from
    the least to the most demanding). Without a sponsor, the last draft."""
    names = list(model.drafts)
    if model.case.circulated:
        return model.case.circulated
    if model.sponsor is None:
        return names[-1]
    own = model.sponsor.settled
    return min(reversed(names), key=lambda n: roles.distance(model.drafts[n], own))


# --------------------------------------------------------------------------- the sponsor's forecasts
def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def chance_of_passage(model: ISFModel, mandate: str) -> float:
    """The sponsor's forecast that a draft passes: on settled positions, with each elected seat's
    own offset unknown (normal, the bloc's spread) until a vote has shown it."""
    cfg = pars(model)
    known = model.agenda.offsets_known
    sure_yes, no_veto = 0, 1.0
    yes_dist = [1.0]  # probability of k yes votes among the uncertain seats
    for m in model.council_members:
        s, seat = support(model, m, mandate, seen=False), m.p.council
        veto_counts = seat.permanent and cfg.p5_veto
        if known or seat.spread <= 0:
            for off in model.agenda.seat_offsets[m.aid] if known else [0.0] * seat.seats:
                v = s + off
                if v >= cfg.yes_at:
                    sure_yes += 1
                elif veto_counts and v < cfg.no_below:
                    return 0.0
            continue
        p_yes = 1.0 - _phi((cfg.yes_at - s) / seat.spread)
        if veto_counts:
            no_veto *= (1.0 - _phi((cfg.no_below - s) / seat.spread)) ** seat.seats
        for _ in range(seat.seats):
            yes_dist = [a * (1.0 - p_yes) + b * p_yes for a, b in zip(yes_dist + [0.0], [0.0] + yes_dist)]
    need = max(0, PASS_VOTES - sure_yes)
    return sum(yes_dist[need:]) * no_veto


def passes(model: ISFModel, mandate: str) -> bool:
    confidence = model.sponsor.p.sponsor.confidence if model.sponsor else 0.5
    return chance_of_passage(model, mandate) >= confidence


def forecast_vetoes(model: ISFModel, mandate: str) -> list[str]:
    """The permanent members the sponsor expects to veto this draft (settled support, and each
    seat's offset once a vote has shown it, below ``no_below``); none without ``p5_veto``."""
    cfg = pars(model)
    if not cfg.p5_veto:
        return []
    out = []
    for m in model.council_members:
        if not m.p.council.permanent or m is model.sponsor:
            continue
        s = support(model, m, mandate, seen=False)
        offsets = model.agenda.seat_offsets[m.aid] if model.agenda.offsets_known else [0.0]
        if any(s + off < cfg.no_below for off in offsets):
            out.append(m.aid)
    return out


def _gap(model: ISFModel, a: str, b: str) -> float:
    """How far apart two drafts are, over the dimensions either sets."""
    pa, pb = model.draft_maps[a], model.draft_maps[b]
    return sum(abs(pa.get(d, 0.0) - pb.get(d, 0.0)) for d in set(pa) | set(pb))


def choose_mandate(model: ISFModel) -> tuple[str | None, str]:
    """The draft the sponsor tables now, and its reason for any change (``""``: none).

    Before the first vote: the draft on the table (the circulated one), unless a permanent member
    is forecast to veto it; then the draft nearest it with no forecast veto (none: the text as it
    is). After a failed vote: the draft nearest the sponsor's position that it expects to pass
    with ``sponsor.confidence``, else the one likeliest to pass."""
    a = model.agenda
    if model.sponsor is None or not pars(model).enabled:
        return a.mandate, ""
    names = list(model.drafts)
    if a.failed_votes == 0:
        reason = ""
        vetoes = forecast_vetoes(model, a.mandate)
        chosen = a.mandate
        if vetoes:
            clear = [n for n in sorted(names, key=lambda n: _gap(model, n, a.mandate)) if not forecast_vetoes(model, n)]
            if clear:
                chosen = clear[0]
                reason = f"forecast veto by {'+'.join(vetoes)}"
    else:
        own = model.sponsor.settled
        options = sorted(names, key=lambda n: roles.distance(model.drafts[n], own))
        chances = {n: chance_of_passage(model, n) for n in options}
        sure = [n for n in options if chances[n] >= model.sponsor.p.sponsor.confidence]
        chosen = sure[0] if sure else max(options, key=lambda n: chances[n])
        reason = "the failed vote" if chosen != a.mandate else ""
    picked = model.sponsor.policy.mandate(model, model.sponsor, chosen)
    return picked, (reason if picked == chosen else "its own choice")


# --------------------------------------------------------------------------- design and vote
def veto_expected_to_yield(model: ISFModel, holder: Actor) -> bool:
    """Where the holder's position on its veto's dimension settles under the pressure it faces now."""
    d = holder.veto_dim
    p = holder.pressure_in[d]
    if not model.pressure_on or p <= 0:
        end = holder.settled[d]
    else:
        goal = holder.goal[d]
        r = roles.effective_resolve(model, holder) * holder.p.salience[d]
        end = bargaining.end_point(model.bargaining_rule, holder.ideal[d], holder.settled[d], p, r, goal)
    return end >= model.yield_at


def settle_design(model: ISFModel) -> None:
    """The sponsor declares the force's design final when the composition dispute is settled,
    or when it forecasts that the veto will not yield."""
    a = model.agenda
    if a.design_final:
        return
    disputed = [c.aid for c in model.contributors if c.offer > 0 and not c.liaison and c.aid in model.barred]
    waiting = any(veto_expected_to_yield(model, h) for h in model.veto_holders
                  if any(h.vetoes.get(t) for t in disputed))  # fmt: skip
    rule = not pars(model).enabled or not disputed or not waiting
    if model.sponsor is not None and disputed:
        rule = model.sponsor.policy.design_final(model, model.sponsor, disputed, rule)
    if rule:
        a.design_final = True
        model.log("design_final", model.sponsor.aid if model.sponsor else "", "", float(model.week), without=disputed)


def member_votes(model: ISFModel) -> dict[str, list[int]]:
    cfg = pars(model)
    votes: dict[str, list[int]] = {}
    for m in model.council_members:
        base = support(model, m, model.agenda.mandate)
        vs = [1 if base + off >= cfg.yes_at else (-1 if base + off < cfg.no_below else 0)
              for off in model.agenda.seat_offsets[m.aid]]  # fmt: skip
        votes[m.aid] = [min(1, max(-1, int(v))) for v in m.policy.votes(model, m, vs)][: len(vs)]
    return votes


def blockers(model: ISFModel, votes: dict[str, list[int]]) -> list[str]:
    """Permanent members whose 'no' (-1) blocks the draft (when ``p5_veto``)."""
    if not pars(model).p5_veto:
        return []
    return [aid for aid, v in votes.items() if model.actors[aid].p.council.permanent and -1 in v]


def vote(model: ISFModel) -> None:
    """Choose the draft's terms; table it when the sponsor expects it to pass; hold the vote."""
    cfg = pars(model)
    a = model.agenda
    if not cfg.enabled or a.authorized or model.week < a.next_vote_week:
        return
    chosen, reason = choose_mandate(model)
    if chosen is None:  # the sponsor's policy holds the draft back (a player's choice)
        model.log("not_tabled", model.sponsor.aid if model.sponsor else "", model.council_id, float(model.week))
        return
    if chosen != a.mandate:
        a.mandate = chosen
        model.log("mandate_changed", model.sponsor.aid if model.sponsor else "", "", 0.0, mandate=chosen,
                  reason=reason)  # fmt: skip
    votes = member_votes(model)
    a.votes_held += 1
    if a.week_tabled is None:
        a.week_tabled = model.week
    yes = sum(v.count(1) for v in votes.values())
    blocked_by = blockers(model, votes)
    if model.tracing:
        model.log(
            "council_tabled",
            model.sponsor.aid if model.sponsor else "",
            model.council_id,
            float(yes),
            mandate=a.mandate,
        )
        for aid, vs in votes.items():
            model.log("vote", aid, "", sum(vs) / len(vs), votes=vs)
    if yes >= PASS_VOTES and not blocked_by:
        a.authorized = True
        if a.week_authorized is None:  # the first resolution (a new one after a lapse starts a new term)
            a.week_authorized = model.week
        model.log("resolution_passed", model.council_id, "", float(yes), mandate=a.mandate)
        return
    a.failed_votes += 1
    a.offsets_known = True
    a.next_vote_week = model.week + cfg.retable_weeks
    model.log("resolution_failed", model.council_id, "+".join(blocked_by), float(yes), blockers=blocked_by)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """This mechanism's columns: the draft on the table, whether and when it passed, failed votes."""
    a = model.agenda
    return {
        "mandate": a.mandate,
        "un_authorized": a.authorized,
        "week_authorized": float(a.week_authorized) if a.week_authorized is not None else math.nan,
        "failed_votes": int(a.failed_votes),
        "week_tabled": float(a.week_tabled) if a.week_tabled is not None else math.nan,
    }


# --------------------------------------------------------------------------- the trace's words
VOTE_WORD = {1: "votes yes", 0: "abstains", -1: "votes no"}


def _vote(actor: str, votes: list[int]) -> str:
    if len(votes) == 1:
        return f"{actor} {VOTE_WORD[votes[0]]}"
    return f"{actor}: {tally(votes)}"


def _sponsor(case) -> str:
    return case.words.get("sponsor", "the sponsor")


def _design_final(d: dict, case) -> str:
    if d["without"]:
        why = "without " + "+".join(d["without"]) + f": {_sponsor(case)} expects no change of mind"
    else:
        why = "no vetoed contributor left in the design"
    return f"the force's design is final ({why})"


SENTENCES = {
    "design_final": lambda a, t, v, d, c: _design_final(d, c),
    "not_tabled": lambda a, t, v, d, c: f"{_sponsor(c)} holds its draft back this week, and keeps lobbying",
    "mandate_changed": lambda a, t, v, d, c: (
        f"{_sponsor(c)} puts a {d['mandate']} mandate in its draft" + (f" ({d['reason']})" if d.get("reason") else "")
    ),
    "council_tabled": lambda a, t, v, d, c: f"{_sponsor(c)} tables its draft resolution ({d['mandate']} mandate)",
    "vote": lambda a, t, v, d, c: _vote(a, d["votes"]),
    "resolution_passed": lambda a, t, v, d, c: (
        f"the Council passes the resolution, {int(v)} votes in favour ({d['mandate']} mandate)"
    ),
    "resolution_failed": lambda a, t, v, d, c: (
        "the draft fails: "
        + (f"vetoed by {'+'.join(d['blockers'])}" if d["blockers"] else f"only {int(v)} votes in favour")
    ),
}
