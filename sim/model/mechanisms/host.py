"""Mechanism 8 — the host government: its consent to the force and its legitimacy.

A force deploys on someone's territory. The actor holding the ``host`` role is the government
that asks for (or tolerates) the force; two numbers describe it, and others weigh them:

* ``consent`` — how far it asks for the force (1: it requested it);
* ``legitimacy`` — how far others accept that it speaks for the country (an unelected or
  contested government scores low).

Their product is the host's **backing** of the force: a request from a government nobody
recognises carries little. Two mechanisms read it:

* **the Council** — each member's support for a draft is lowered by
  ``council_weight x (1 - backing)``, the backing of the request as made at week 0
  (:mod:`sim.model.mechanisms.council` subtracts the published ``model.host_discount``): members
  hesitate to authorise a force a weak host asked for;
* **the contributors** — a contingent deploys only while the backing is at least ``min_backing``
  (a deployment condition registered in ``model.deploy_extra``, which
  :mod:`sim.model.mechanisms.commitments` reads). A collapse of the situation topples the host:
  its consent is void until a government is back.

**Written notification.** A draft can ask that the host notify the Council in writing of each
contributor before the authorisation applies to it. The host names the dimension on which a draft
asks for that (``host.notify_on``) and from which value (``host.notify_at``); under such a mandate
a contingent deploys only ``host.notify_weeks`` after it could otherwise have (the letter takes
time). So a case expresses an amendment of this kind as a draft, and the engine reads its cost.

A case without a host has none of this; without a ``mechanisms.host`` section, or switched off
(``enabled: false``), the host's role is read by nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.declare import flag, share

if TYPE_CHECKING:
    from sim.model.agents import Actor
    from sim.model.model import ISFModel


@dataclass(frozen=True, slots=True)
class Params:
    """This mechanism's parameters (``mechanisms.host.*``; values and provenance in the case's config.yaml)."""

    enabled: bool = flag()
    council_weight: float = share("support a Council member withholds from a force requested by a host with no backing")
    min_backing: float = share("the host's backing (consent x legitimacy) contributors need before deploying")


OFF = Params(enabled=False, council_weight=0.0, min_backing=0.0)  # a case without a mechanisms.host section


def pars(model: ISFModel) -> Params:
    """This mechanism's parameters."""
    return model.params.mechanisms.host


def active(model: ISFModel) -> bool:
    """On, and a host to read."""
    return pars(model).enabled and model.host is not None


def init(model: ISFModel) -> None:
    """Find the host; publish the Council's discount and register the contributors' conditions."""
    hosts = [a for a in model.actor_list if a.p.host is not None]
    model.host = hosts[0] if hosts else None
    model.host_discount = 0.0
    if not active(model):
        return
    h = model.host.p.host
    model.host_discount = pars(model).council_weight * (1.0 - h.consent * h.legitimacy)
    model.deploy_extra.append(("host's consent", lambda mdl, c: backing(mdl) >= pars(mdl).min_backing))
    model.notify_dim = model.case.dim(h.notify_on)
    model.deploy_extra.append(("written notification", notified))


def backing(model: ISFModel) -> float:
    """The host's backing of the force: consent x legitimacy (0 while the situation is collapsed)."""
    if model.situation.collapsed:
        return 0.0
    h = model.host.p.host
    return h.consent * h.legitimacy


def notification_needed(model: ISFModel) -> bool:
    """Does the mandate in force ask the host to notify each contributor in writing?"""
    point = model.draft_maps[model.agenda.mandate]
    return point.get(model.notify_dim, 0.0) >= model.host.p.host.notify_at


def notified(model: ISFModel, c: Actor) -> bool:
    """Has the host notified contributor ``c`` in writing (or is no notification asked)?"""
    if not notification_needed(model):
        return True
    return model.week >= c.commit_week + c.p.contributor.lead_weeks + model.host.p.host.notify_weeks


# --------------------------------------------------------------------------- outcome columns
def outcome(model: ISFModel) -> dict:
    """No column of its own: its effects show in the vote and the deployment columns."""
    return {}


SENTENCES: dict = {}
