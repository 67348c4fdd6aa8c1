"""The trace's prose: one sentence for each structured event the mechanisms record.

Mechanisms record events as data (``model.log(kind, actor, target, value, **data)``) and only
when tracing; each mechanism module holds the sentences of its own events (its ``SENTENCES``:
kind -> (actor, target, value, data, case) -> text). This module gathers them and is the one
place that turns events into the words of ``events.parquet``'s ``text`` column and of
``isf-sim trace=true``. Nothing is formatted when a run is not traced.

The sentences are the engine's, in the words of roles; a case gives its own for any event kind
(``case.yaml``: ``words.sentences``, and ``gates`` for what its gates hold), as templates with
``{actor}``, ``{target}``, ``{value}``, ``{money}`` (the value as ``$4.0 bn``) and the event's
own fields.
"""

from __future__ import annotations

from typing import Any

from sim.model.case import Case
from sim.model.mechanisms import (
    blocs,
    commitments,
    council,
    force_fund,
    ground,
    money,
    pressure,
    sequencing,
    term,
    vetoes,
)

GENERIC = Case(name="", dimensions=(), drafts=())


def _condition(actor: str, d: dict[str, Any]) -> str:
    """The model's own event: which of an actor's conditions hold (contributors', funders')."""
    failed, held = d["failed"], d["held"]
    if not failed:
        return f"{actor}: all its conditions hold ({', '.join(held)})"
    return f"{actor} will not {d['verb']} yet: {', '.join(failed)} not met" + (
        f" ({', '.join(held)} met)" if held else ""
    )


SENTENCES = {
    **ground.SENTENCES,
    **money.SENTENCES,
    **pressure.SENTENCES,
    **vetoes.SENTENCES,
    **council.SENTENCES,
    **sequencing.SENTENCES,
    **commitments.SENTENCES,
    **force_fund.SENTENCES,
    **blocs.SENTENCES,
    **term.SENTENCES,
    "condition": lambda a, t, v, d, c: _condition(a, d),
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
