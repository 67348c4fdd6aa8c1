"""The configuration layer: from ``conf/`` (and the command line) to typed parameters.

- :mod:`sim.config.compose` — Hydra's compose API on ``conf/``, experiments, one-line errors;
- :mod:`sim.config.validate` — the composed dict against the schema (:mod:`sim.model.params`);
- :mod:`sim.config.provenance` — every number's range and sources or assumption.

Importing this package does not import Hydra (only composing does).
"""

from sim.config.compose import (
    CONF_DIR,
    EXPERIMENT_DIR,
    actor_ids,
    compose,
    lever_keys,
    load,
    override_keys,
    scenarios,
)
from sim.config.provenance import parameter_meta
from sim.config.validate import build
from sim.model.params import ConfigError

__all__ = [
    "CONF_DIR",
    "EXPERIMENT_DIR",
    "actor_ids",
    "ConfigError",
    "build",
    "compose",
    "lever_keys",
    "load",
    "override_keys",
    "parameter_meta",
    "scenarios",
]
