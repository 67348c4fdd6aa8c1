"""Mechanism 12 — the mandate's term: a review, a renewal vote, and a lapse.

A resolution may authorise the force for a fixed term. With this mechanism on, the authorisation
the Council passes (:mod:`sim.model.mechanisms.council`) runs for ``term_weeks``:

* **the review** — ``review_week`` weeks after the resolution the Council reviews the mandate:
  from then until the renewal vote its members are lobbied again (pressure reaches them as it did
  before the first vote; :mod:`sim.model.mechanisms.pressure`), so their positions move;
* **the renewal vote** — at the term's end the Council votes again on the mandate in force, by
  the same machinery as the first vote (each seat's support from its positions as they then
  stand and the week's shock, its own offset, ``yes_at``/``no_below``, nine votes, a permanent
  member's veto if ``p5_veto``). Passed: a new term of ``term_weeks`` runs from that week, with
  its own review;
* **the lapse** — not renewed, the authorisation lapses: no resolution is in force, every
  contingent pulls out and every pledge ends (contributors that need a resolution pledge again
  only under a new one). The sponsor may table a new resolution after ``retable_weeks``, as after
  a failed vote; a new one starts a new term. A lapse is not a failed vote of the first kind
  (``failed_votes`` counts the votes that failed before a resolution).

Switched off (``enabled: false``), or without a ``mechanisms.term`` section, a resolution stays in
force to the horizon and nobody votes on a renewal. No random draw: the votes read the weekly
shocks and seat offsets the first vote reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import ConfigError, flag, num
from sim.model.mechanisms import council

if TYPE_CHECKING:
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.term.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    term_weeks: int = num((1, 520), "weeks", "weeks a resolution authorises the force for")
    review_week: int = num((0, 520), "weeks", "weeks after the resolution at which the Council reviews it")

    def __post_init__(self) -> None:
        if self.review_week > self.term_weeks:  # the one check across the two (each is checked alone first)
            raise ConfigError(
                f"mechanisms.term.review_week = {self.review_week} is after the term's end; allowed: 0 .. "
                f"mechanisms.term.term_weeks ({self.term_weeks})"
            )


OFF = Params(enabled=False, term_weeks=520, review_week=0)  # a case without a mechanisms.term section


@dataclass
class Term:
    """The mandate's term (this mechanism): when the one in force ends, what became of renewals."""

    ends: int | None = None  # the week of the renewal vote of the term in force (None: none in force)
    review: int | None = None  # the week of its review
    renewals: int = 0
    lapses: int = 0
    week_lapsed: int | None = None  # the first lapse


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.term


def init(model: ISFModel) -> None:
    """No term at week 0; published: whether the Council's members are lobbied for a renewal."""
    model.term = Term()
    model.renewal_open = False


def renew(model: ISFModel) -> None:
    """Start a term when a resolution has passed; review it; vote on its renewal at its end."""
    p = pars(model)
    if not p.enabled or not model.council_votes:
        return
    a, t = model.agenda, model.term
    if not a.authorized:
        return
    if t.ends is None:  # a resolution passed this week (council.vote runs just before)
        _start(model, model.week)
        return
    if model.week == t.review:
        model.renewal_open = True
        model.log("mandate_review", model.council_id, "", float(t.ends - model.week), mandate=a.mandate)
    if model.week < t.ends:
        return
    votes = council.member_votes(model)
    yes = sum(v.count(1) for v in votes.values())
    blocked_by = council.blockers(model, votes)
    model.renewal_open = False
    if model.tracing:
        for aid, vs in votes.items():
            model.log("vote", aid, "", sum(vs) / len(vs), votes=vs)
    if yes >= council.PASS_VOTES and not blocked_by:
        t.renewals += 1
        _start(model, model.week)
        model.log("mandate_renewed", model.council_id, "", float(yes), mandate=a.mandate, weeks=p.term_weeks)
        return
    _lapse(model, yes, blocked_by)


def _start(model: ISFModel, week: int) -> None:
    p, t = pars(model), model.term
    t.ends, t.review = week + p.term_weeks, week + p.review_week
    if p.review_week == 0:  # reviewed from the start: the renewal is lobbied for throughout
        model.renewal_open = True


def _lapse(model: ISFModel, yes: int, blocked_by: list[str]) -> None:
    """Not renewed: no resolution in force; every contingent pulls out and every pledge ends."""
    a, t = model.agenda, model.term
    a.authorized = False
    a.next_vote_week = model.week + council.pars(model).retable_weeks
    t.ends = t.review = None
    t.lapses += 1
    if t.week_lapsed is None:
        t.week_lapsed = model.week
    for c in model.contributors:
        c.committed = c.deployed = 0
        c.commit_week, c.caveats = None, {}
    model.log("mandate_lapsed", model.council_id, "+".join(blocked_by), float(yes), blockers=blocked_by)


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """No column of its own (the runs table keeps its columns): a lapse shows in
    ``deployed_at_horizon`` and the weekly table's ``authorized``."""
    return {}


SENTENCES = {
    "mandate_review": lambda a, t, v, d, c: (
        f"the Council reviews the {d['mandate']} mandate: {int(v)} weeks to the renewal vote, and the lobbying resumes"
    ),
    "mandate_renewed": lambda a, t, v, d, c: (
        f"the Council renews the mandate, {int(v)} votes in favour, for {d['weeks']} more weeks"
    ),
    "mandate_lapsed": lambda a, t, v, d, c: (
        "the mandate is not renewed ("
        + (f"vetoed by {'+'.join(d['blockers'])}" if d["blockers"] else f"only {int(v)} votes in favour")
        + "): the authorisation lapses and every contingent pulls out"
    ),
}
