"""The terms several mechanisms share, defined once: where each role meets the issue space.

The engine knows roles, never a country. The case declares the dimensions and the drafts; each
role names the dimension its mechanism reads (:mod:`sim.model.params`). :func:`bind` resolves
those names to indices when a model is built, and the functions below answer the questions two
or more mechanisms ask, so that no mechanism imports another for them:

- the force's place on a vetoed dimension (:func:`force_position`): 1 while a target of a veto
  on that dimension offers troops and no standing veto bars it, else 0;
- a draft's distance to a position, and the caveats a contributor attaches to its pledge under a
  draft (:func:`caveats`);
- the armed groups' consent to the force as designed, or to one contingent under its caveats
  (:func:`consent`, one-sided on what the force is asked to do);
- a pressed actor's effective resolve (:func:`effective_resolve`: an armed group's is lowered
  by a credible amnesty and stiffened by violence above the baseline);
- how much of the territory the force covers (:func:`coverage`), whether the gates of the next
  phase are open (:func:`gates_open`) and whether an actor's own, domestic gates are clear
  (:func:`own_gates_clear`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.case import GateWords
from sim.model.declare import ConfigError

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel

Draft = tuple[tuple[int, float], ...]  # (dimension index, value) for each dimension a draft sets


def bind(model: ISFModel) -> None:
    """Resolve the dimensions each role names, and the drafts, to indices: once per shape of the
    parameters (:func:`_shape`: the case and who holds which role on which dimension), which a
    sampled run shares with the fixed runs of its job (it draws numbers, not roles)."""
    last = _LAST_SHAPE  # fixed runs share one parameter object: its shape is worked out once
    if last[0] is not model.params:
        last[:] = [model.params, _shape(model)]
    shape = last[1]
    hit = _BOUND.get(shape)
    if hit is None or hit[0] is not model.case:
        if len(_BOUND) > 64:
            _BOUND.clear()
        hit = _BOUND[shape] = (model.case, _binding(model))
    per_actor, shared = hit[1]
    for a, (veto_dim, compliance_dim, restraint_dim) in zip(model.actor_list, per_actor):
        a.veto_dim, a.compliance_dim, a.restraint_dim = veto_dim, compliance_dim, restraint_dim
    model.__dict__.update(shared)
    holders = model.territory_holders  # the one number of the binding a sampled run may draw
    # None: the gates hold nothing up (no territory holder, or sequencing off)
    model.gate_tolerance = (
        min(h.p.territory.gate_tolerance for h in holders)
        if holders and model.params.mechanisms.sequencing.enabled
        else None
    )


_BOUND: dict[tuple, tuple] = {}
_LAST_SHAPE: list = [None, None]  # [the last parameter object bound, its shape]


def _shape(model: ISFModel) -> tuple:
    """What :func:`_binding` reads of the parameters besides the case: each actor's roles, and the
    dimensions and targets they name (a role's numbers are not read)."""
    return (id(model.case),) + tuple(
        (
            p.id,
            p.sponsor is None,
            p.contributor is None,
            p.force_funder is None,
            p.gate is None,
            (p.veto.dimension, tuple(p.veto.targets)) if p.veto else None,
            (p.armed_group.dimension,) if p.armed_group else None,
            (p.territory.restraint_on,) if p.territory else None,
            (p.council.permanent,) if p.council else None,
        )
        for p in (a.p for a in model.actor_list)
    )


def _binding(model: ISFModel) -> tuple[list[tuple[int, int, int]], dict]:
    case = model.case
    where = {name: i for i, name in enumerate(case.dimensions)}

    def index(actor: Actor, field: str, name: str) -> int:
        if name not in where:
            raise ConfigError(
                f"actors.{actor.aid}.{field} = {name!r} is not a dimension of the case; allowed: "
                f"{', '.join(case.dimensions)}"
            )
        return where[name]

    per_actor = []
    for a in model.actor_list:
        p = a.p
        per_actor.append((
            index(a, "veto.dimension", p.veto.dimension) if p.veto else -1,
            index(a, "armed_group.dimension", p.armed_group.dimension) if p.armed_group else -1,
            index(a, "territory.restraint_on", p.territory.restraint_on) if p.territory else -1,
        ))  # fmt: skip
    veto_dim = {a.aid: v for a, (v, _, _) in zip(model.actor_list, per_actor)}
    veto_dims = list(dict.fromkeys(veto_dim[h.aid] for h in model.veto_holders))
    # the dimensions of the force as designed: the drafts' (its mandate), then the vetoed ones
    draft_dims = list(dict.fromkeys(d for _, point in case.drafts for d, _ in point))
    elected = [m for m in model.council_members if not m.p.council.permanent and m is not model.sponsor]
    gate_words = [case.gates.get(h.aid) or GateWords() for h in model.gate_holders]
    holders = model.territory_holders
    shared = {
        "drafts": dict(case.drafts),  # name -> point, in the case's order
        "draft_maps": {name: dict(point) for name, point in case.drafts},  # name -> {dimension: value}
        "veto_dims": veto_dims,
        "force_dims": draft_dims + [d for d in veto_dims if d not in draft_dims],
        "vetoed_on": {
            d: [t for h in model.veto_holders if veto_dim[h.aid] == d for t in h.p.veto.targets] for d in veto_dims
        },  # fmt: skip
        "council_id": elected[0].aid if elected else "Council",  # who speaks for the Council in the trace
        "territory_id": holders[0].aid if holders else "",
        "armed_id": model.armed_groups[0].aid if model.armed_groups else "",
        "gate_words": gate_words,
        # a gate held by a contributor or a force funder binds only its holder (a domestic gate:
        # its constitutional steps, its legislature); the others hold up the next phase
        "own_gate": [h.p.contributor is not None or h.p.force_funder is not None for h in model.gate_holders],
        "gate_of": {h.aid: i for i, h in enumerate(model.gate_holders)},
        # the words of the contributors' and funders' conditions (the trace shows them)
        "gate_label": " and ".join(dict.fromkeys(w.label for w in gate_words)) or "gates",
        "consent_label": case.words.get("consent", "consent"),
        "situation_label": case.words.get("situation", "no collapse"),
    }
    return per_actor, shared


# --------------------------------------------------------------------------- the force and the drafts
def force_position(model: ISFModel, d: int) -> float:
    """The force's place on vetoed dimension ``d``: 1 with a target of a veto there in it."""
    for tid in model.vetoed_on[d]:
        t = model.actors[tid]
        if t.offer > 0 and not t.liaison and tid not in model.barred:
            return 1.0
    return 0.0


def distance(point: Draft, position) -> float:
    """A draft's distance to a position, over the dimensions the draft sets."""
    gap = 0.0
    for d, v in point:
        gap += abs(v - position[d])
    return gap


def caveats(c: Actor, point: Draft) -> dict[int, float]:
    """A contributor's national caveats under a draft: on each dimension the draft sets where it
    asks more than the contributor would choose by more than it is indifferent to (1 - salience),
    the contributor pledges to act only up to its own settled position there. Empty: it takes the
    draft as written. The caveats, not the draft's wording, decide what its troops will do."""
    sal, pos = c.p.salience, c.settled
    out: dict[int, float] = {}
    for d, v in point:
        if v - pos[d] > 1.0 - sal[d]:
            out[d] = pos[d]
    return out


def consent(model: ISFModel, draft: str | None = None, caveat: dict[int, float] | None = None) -> float:
    """The armed groups' consent to the force as designed (or under another ``draft``), as a
    contingent with ``caveat`` (dimension -> the most it will do there) would act: for each group,
    1 - the salience-weighted distance between the force's place and its settled position on the
    force's dimensions; the least consenting group's.

    On the draft's dimensions (what the force is asked to do) the distance is one-sided: a force
    asked to do more than the group accepts costs consent, a more limited one costs nothing (a
    group that would accept a more robust force does not reject a limited one). On the vetoed
    dimensions (who is in the force) any distance counts."""
    groups = model.armed_groups
    if not groups:
        return 1.0
    point = model.draft_maps[draft or model.agenda.mandate]
    place = []  # (dimension, the force's place there, one-sided?)
    for d in model.force_dims:
        if d in point:
            x = point[d]
            if caveat and d in caveat and caveat[d] < x:
                x = caveat[d]
            place.append((d, x, True))
        elif d in model.vetoed_on:
            place.append((d, force_position(model, d), False))
    out = 1.0
    for i, g in enumerate(groups):
        s, pos = g.p.salience, g.settled
        weight, gap = 0.0, 0.0
        for d, x, one_sided in place:
            weight += s[d]
            off = x - pos[d]
            gap += s[d] * (off if off > 0 else 0.0 if one_sided else -off)
        value = 1.0 if weight <= 0 else 1.0 - gap / weight
        out = value if i == 0 else min(out, value)
    return out


def effective_resolve(model: ISFModel, target: Actor) -> float:
    """A pressed actor's resolve; an armed group's is lowered by a credible amnesty and raised by
    violence above the baseline (``mechanisms.ground.strike_hardening``)."""
    r = target.p.resolve or 0.0
    g = target.p.armed_group
    if g is not None:
        r *= 1.0 - g.amnesty_weight * g.amnesty_credibility
        ground = model.params.mechanisms.ground
        if ground.enabled:
            excess = max(0.0, model.situation.violence_ratio - 1.0)
            r *= 1.0 + ground.strike_hardening * excess
    return r


# --------------------------------------------------------------------------- the ground and the gates
def restraint(model: ISFModel) -> float:
    """How far the territory holders have reined in their strikes: the least of their settled
    positions on their restraint dimensions (1 without a territory holder)."""
    out = 1.0
    for h in model.territory_holders:
        x = h.settled[h.restraint_dim]
        if x < out:
            out = x
    return out


def coverage(model: ISFModel) -> float:
    """Share of the authorized force's strength on the ground (police trained count beside it)."""
    cfg = model.params.mechanisms.sequencing
    troops = model.troops_deployed
    police = model.progress.police * cfg.police_weight if troops > 0 else 0.0
    return min(1.0, (troops + police) / cfg.target_troops)


def contest(model: ISFModel, spoiler: Actor, cover: float | None = None) -> float:
    """How hard the force contests a spoiler's ground: its coverage (``cover``, if already worked
    out) times the mandate in force's value on the spoiler's ``territory.restraint_on`` dimension
    (1 if the draft does not set it); 0 with no force in (:mod:`sim.model.mechanisms.spoiler`)."""
    x = coverage(model) if cover is None else cover
    if x <= 0:
        return 0.0
    return x * model.draft_maps[model.agenda.mandate].get(spoiler.restraint_dim, 1.0)


def spoiler_strikes(model: ISFModel, spoiler: Actor, cover: float | None = None) -> float:
    """A spoiler's strike intensity: its level, raised by its escalation against the force's contest."""
    t = spoiler.p.territory
    return t.strike_level * (1.0 + spoiler.p.spoiler.escalation * contest(model, spoiler, cover))


def gates_open(model: ISFModel) -> bool:
    """Every gate of the next phase open: its holder still holds no more than the territory
    holders tolerate (a holder's own, domestic gates are read by its own steps: :func:`own_gates_clear`)."""
    if model.gate_tolerance is None:
        return True
    tolerance = model.gate_tolerance
    for n, own in zip(model.progress.outstanding, model.own_gate):
        if n > tolerance and not own:
            return False
    return True


def own_gates_clear(model: ISFModel, actor: Actor) -> bool:
    """An actor's own, domestic gate is clear: it holds nothing more (True without one, or with
    the sequencing mechanism off)."""
    i = model.gate_of.get(actor.aid)
    if i is None or not model.own_gate[i] or not model.params.mechanisms.sequencing.enabled:
        return True
    return model.progress.outstanding[i] == 0
