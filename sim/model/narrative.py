"""The trace's prose: one sentence for each structured event the mechanisms record.

Mechanisms record events as data (``model.log(kind, actor, target, value, **data)``) and only
when tracing; this module is the one place that turns them into the words of
``events.parquet``'s ``text`` column and of ``isf-sim trace=true``. Nothing is formatted when a
run is not traced.
"""

from __future__ import annotations

from typing import Any

from sim.model.mechanisms.council import tally
from sim.model.params import DIMENSIONS

VOTE_WORD = {1: "votes yes", 0: "abstains", -1: "votes no"}


def _pressure(actor: str, target: str, value: float, d: dict[str, Any]) -> str:
    """Only the dimensions the target cares about (it takes the pressers' view on the others)."""
    moves = zip(DIMENSIONS, d["before"], d["after"], d["salience"])
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


SENTENCES = {
    "deaths": lambda a, t, v, d: (
        f"{int(v)} Palestinians killed this week (Israeli strikes at {d['strikes']:.0%} of the ceasefire's first weeks)"
    ),
    "collapse": lambda a, t, v, d: (
        "the ceasefire collapses: Israel resumes full-scale operations; contributors pull out"
    ),
    "recovery": lambda a, t, v, d: "the ceasefire is restored; the negotiation resumes where it stood",
    "offer_taken": lambda a, t, v, d: (
        f"{a} takes {t}'s offer: it now aims to disarm to {t}'s threshold {v:.2f}, which the money is worth "
        f"(prize {d['worth']:.2f} vs cost {d['cost']:.2f}); actual disarmament follows the force and the police"
    ),
    "offer_dropped": lambda a, t, v, d: (
        f"{a} no longer aims for {t}'s money (prize {d['worth']:.2f} vs cost {d['cost']:.2f})"
    ),
    "pressure": _pressure,
    "veto_yielded": lambda a, t, v, d: (
        f"{a} lifts its veto on {t} troops (settled composition position {v:.2f}"
        + (f" >= {d['yield_at']:.2f})" if d["by_rule"] else f" < {d['yield_at']:.2f}: its own choice)")
    ),
    "veto_held": lambda a, t, v, d: (
        f"{a}'s veto on {t} troops holds (settled composition position {v:.2f} < {d['yield_at']:.2f})"
    ),
    "design_final": lambda a, t, v, d: (
        "the force's design is final ("
        + (
            "without " + "+".join(d["without"]) + ": the US expects no change of mind"
            if d["without"]
            else "no vetoed contributor left in the design"
        )
        + ")"
    ),  # fmt: skip
    "not_tabled": lambda a, t, v, d: "the US holds its draft back: it expects no draft to pass yet, and keeps lobbying",
    "mandate_changed": lambda a, t, v, d: f"the US puts a {d['mandate']} mandate in its draft",
    "council_tabled": lambda a, t, v, d: f"the US tables its draft resolution ({d['mandate']} mandate)",
    "vote": lambda a, t, v, d: _vote(a, d["votes"]),
    "resolution_passed": lambda a, t, v, d: (
        f"the Council passes the resolution, {int(v)} votes in favour ({d['mandate']} mandate)"
    ),
    "resolution_failed": lambda a, t, v, d: (
        "the draft fails: "
        + (f"vetoed by {'+'.join(d['blockers'])}" if d["blockers"] else f"only {int(v)} votes in favour")
    ),
    "remains_returned": lambda a, t, v, d: f"HAMAS returns {int(v)} hostage remains ({d['still_held']} still held)",
    "phase_two": lambda a, t, v, d: "Israel's condition on hostage remains is met: phase two opens",
    "liaison": lambda a, t, v, d: f"{a} drops its troop offer and takes a CMCC liaison role",
    "commit": lambda a, t, v, d: f"{a} commits {int(v):,} troops (arriving in {d['lead_weeks']} weeks)",
    "withdraw": lambda a, t, v, d: (
        f"{a} pulls its {int(v):,} troops out of the force before deploying (violence {d['violence']:.0f}/week)"
    ),
    "deploy": lambda a, t, v, d: f"{int(v):,} {a} troops deploy inside Gaza",
    "condition": lambda a, t, v, d: _condition(a, d),
    "funding": lambda a, t, v, d: f"{a} releases ${v / 1e9:.1f} bn for reconstruction",
}


def describe(kind: str, actor: str, target: str, value: float, data: dict[str, Any]) -> str:
    """The sentence for one event."""
    say = SENTENCES.get(kind)
    return say(actor, target, value, data) if say else f"{kind}: {actor} {target} {value:g}"
