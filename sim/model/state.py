"""What the model itself keeps beside the mechanisms' state: the trace.

Each mechanism declares its own state in its module (``sim/model/mechanisms/<name>.py``:
council's ``Agenda``, ground's ``Situation``, sequencing's ``Progress``; money publishes on the actors),
builds it in its ``init(model)`` and writes only that (and its actors' state on the agents);
others read it. They are re-exported here for readers of the state as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.model.mechanisms.council import Agenda  # noqa: F401 - re-exported
from sim.model.mechanisms.ground import Situation  # noqa: F401 - re-exported
from sim.model.mechanisms.sequencing import Progress  # noqa: F401 - re-exported


@dataclass
class Trace:
    """What tracing remembers (only used when the model traces)."""

    events: list[tuple] = field(default_factory=list)  # (week, kind, actor, target, value, data)
    last_failed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # conditions failing, per actor
