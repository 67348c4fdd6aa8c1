"""The trace's prose: one sentence for each structured event the mechanisms record.

Mechanisms record events as data (``model.log(kind, actor, target, value, **data)``) and only
when tracing; this module is the one place that turns them into the words of
``events.parquet``'s ``text`` column and of ``isf-sim trace=true``. Nothing is formatted when a
run is not traced.

The sentences here are the engine's, in the words of roles; a case gives its own for any event
kind (``case.yaml``: ``words.sentences``, and ``gates`` for what its gates hold), as templates
with ``{actor}``, ``{target}``, ``{value}``, ``{money}`` (the value as ``$4.0 bn``) and the
event's own fields.
"""

from __future__ import annotations

from typing import Any

from sim.model.mechanisms.council import tally
from sim.model.params import Case

VOTE_WORD = {1: "votes yes", 0: "abstains", -1: "votes no"}
GENERIC = Case(name="", dimensions=(), drafts=())


def _pressure(actor: str, target: str, value: float, d: dict[str, Any], case: Case) -> str:
    """Only the dimensions the target cares about (it takes the pressers' view on the others)."""
    moves = zip(case.dimensions, d["before"], d["after"], d["salience"])
    moved = [f"{dim} {b:.2f} -> {a:.2f}" for dim, b, a, s in moves if s > 0 and abs(a - b) >= 0.005]
    head = f"{', '.join(d['pressers'])} press {actor} (pressure {value:.2f} vs resolve {d['resolve']:.2f}): "
    return head + (", ".join(moved) if moved else "it holds its ground")


def _vote(actor: str, votes: list[int]) -> str:
    if len(votes) == 1:
        return f"{actor} {VOTE_WORD[votes[0]]}"
    return f"{actor}: {tally(votes)}"


def _condition(actor: str, d: dict[str, Any]) -> str:
    failed, held = d["failed"], d["held"]
    if not failed:
        return f"{actor}: all its conditions hold ({', '.join(held)})"
    return f"{actor} will not {d['verb']} yet: {', '.join(failed)} not met" + (
        f" ({', '.join(held)} met)" if held else ""
    )


def _sponsor(case: Case) -> str:
    return case.words.get("sponsor", "the sponsor")


def _design_final(d: dict[str, Any], case: Case) -> str:
    if d["without"]:
        why = "without " + "+".join(d["without"]) + f": {_sponsor(case)} expects no change of mind"
    else:
        why = "no vetoed contributor left in the design"
    return f"the force's design is final ({why})"


def _veto(a: str, t: str, v: float, d: dict[str, Any]) -> str:
    dim = d.get("dimension", "")
    head = f"{a} lifts its veto on {t} troops (settled {dim} position {v:.2f}"
    return head + (f" >= {d['yield_at']:.2f})" if d["by_rule"] else f" < {d['yield_at']:.2f}: its own choice)")


# the engine's own sentences: kind -> (actor, target, value, data, case) -> text
SENTENCES = {
    "deaths": lambda a, t, v, d, c: f"{int(v)} killed this week (strikes at {d['strikes']:.0%} of week 0)",
    "collapse": lambda a, t, v, d, c: "the situation collapses: full-scale fighting resumes; contributors pull out",
    "recovery": lambda a, t, v, d, c: "the collapse is reversed; the negotiation resumes where it stood",
    "offer_taken": lambda a, t, v, d, c: (
        f"{a} takes {t}'s offer: it now aims to disarm to {t}'s threshold {v:.2f}, which the money is worth "
        f"(prize {d['worth']:.2f} vs cost {d['cost']:.2f}); actual disarmament follows the force and the police"
    ),
    "offer_dropped": lambda a, t, v, d, c: (
        f"{a} no longer aims for {t}'s money (prize {d['worth']:.2f} vs cost {d['cost']:.2f})"
    ),
    "pressure": _pressure,
    "veto_yielded": lambda a, t, v, d, c: _veto(a, t, v, d),
    "veto_held": lambda a, t, v, d, c: (
        f"{a}'s veto on {t} troops holds (settled {d.get('dimension', '')} position {v:.2f} < {d['yield_at']:.2f})"
    ),
    "design_final": lambda a, t, v, d, c: _design_final(d, c),
    "not_tabled": lambda a, t, v, d, c: (
        f"{_sponsor(c)} holds its draft back: it expects no draft to pass yet, and keeps lobbying"
    ),
    "mandate_changed": lambda a, t, v, d, c: f"{_sponsor(c)} puts a {d['mandate']} mandate in its draft",
    "council_tabled": lambda a, t, v, d, c: f"{_sponsor(c)} tables its draft resolution ({d['mandate']} mandate)",
    "vote": lambda a, t, v, d, c: _vote(a, d["votes"]),
    "resolution_passed": lambda a, t, v, d, c: (
        f"the Council passes the resolution, {int(v)} votes in favour ({d['mandate']} mandate)"
    ),
    "resolution_failed": lambda a, t, v, d, c: (
        "the draft fails: "
        + (f"vetoed by {'+'.join(d['blockers'])}" if d["blockers"] else f"only {int(v)} votes in favour")
    ),
    "liaison": lambda a, t, v, d, c: f"{a} drops its troop offer and takes a liaison role",
    "commit": lambda a, t, v, d, c: f"{a} commits {int(v):,} troops (arriving in {d['lead_weeks']} weeks)",
    "withdraw": lambda a, t, v, d, c: (
        f"{a} pulls its {int(v):,} troops out of the force before deploying (violence {d['violence']:.0f}/week)"
    ),
    "deploy": lambda a, t, v, d, c: f"{int(v):,} {a} troops deploy",
    "condition": lambda a, t, v, d, c: _condition(a, d),
    "funding": lambda a, t, v, d, c: f"{a} releases ${v / 1e9:.1f} bn",
}


def _templates(case: Case) -> dict[str, str]:
    """The case's own sentences by event kind (its words, then its gates')."""
    out = dict(case.sentences)
    for w in case.gates.values():
        out.setdefault(w.released_kind, w.released)
        out.setdefault(w.opened_kind, w.opened)
    return out


def describe(kind: str, actor: str, target: str, value: float, data: dict[str, Any], case: Case = GENERIC) -> str:
    """The sentence for one event, in the case's words where it has them."""
    template = _templates(case).get(kind)
    if template is not None:
        return template.format(actor=actor, target=target, value=value, money=f"${value / 1e9:.1f} bn", **data)
    say = SENTENCES.get(kind)
    return say(actor, target, value, data, case) if say else f"{kind}: {actor} {target} {value:g}"
