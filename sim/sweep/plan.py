"""A sweep's jobs: expanding ``key=a,b`` overrides into jobs, and checking them before launch.

This is the small module the Hydra sweeper plugin (``hydra_plugins/isf_sim/sweeper.py``) and
the command line share. The expansion is Hydra's basic sweeper's (the cartesian product of the
swept values, in the order the keys were given; ``tests/sweeps`` checks it against Hydra's own),
written here on Hydra's public override parser.
"""

from __future__ import annotations

import copy
import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from sim.config import build, override_keys
from sim.config.compose import check_override_keys
from sim.model.params import ConfigError

GROUPS = ("scenario", "experiment", "actors")  # config groups an override can choose from


def _parser(config_loader: Any = None):
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create(config_loader=config_loader)


def parse(args: Iterable[str], config_loader: Any = None) -> list:
    """Hydra's parsed overrides; a malformed one becomes one line naming it."""
    from sim.config.compose import check_syntax

    args = list(args)
    try:
        return _parser(config_loader).parse_overrides(args)
    except Exception as exc:  # noqa: BLE001 - Hydra's parser raises several kinds
        check_syntax(args)  # names the override that cannot be read
        raise ConfigError(str(exc).strip().splitlines()[0]) from None


def expand(
    args: Iterable[str], config_loader: Any = None, options: Callable[[str], list[str]] | None = None
) -> list[list[str]]:
    """Each job's overrides, as Hydra's basic sweeper expands ``args`` (last value of a key wins).

    ``options(group)``: the config names of a group (``scenario``, ``experiment``), for ``glob()``
    without Hydra's config loader. A sweep over no value is an error.
    """
    from hydra.core.override_parser.types import Glob

    final: OrderedDict[str, list[str]] = OrderedDict()
    for o in parse(args, config_loader):
        key = o.get_key_element()
        if o.is_sweep_override():
            if not o.is_discrete_sweep():
                raise ConfigError(
                    f"'{key}': interval sweeps need an optimizing sweeper; allowed: a,b,c, range() or glob()"
                )
            if isinstance(o.value(), Glob) and config_loader is None:
                names = options(o.key_or_group) if options else None
                if names is None:
                    raise ConfigError(
                        f"'{key}': glob() chooses among the files of a config group; allowed: scenario=glob(...), "
                        "+experiment=glob(...)"
                    )
                values = o.value().filter(names)
            else:
                values = list(o.sweep_string_iterator())
            if not values:
                raise ConfigError(f"the sweep of '{key}' has no value; allowed: one or more (range(1,0) is empty)")
            final[key] = [f"{key}={v}" for v in values]
        else:
            final[key] = [f"{key}={o.get_value_element_as_str()}"]
    return [list(job) for job in itertools.product(*final.values())]


def swept_keys(args: Iterable[str]) -> list[str]:
    """Keys with several values, in the sweeper's order."""
    last: OrderedDict[str, Any] = OrderedDict()
    for o in parse(args):
        last[o.get_key_element()] = o
    return [o.key_or_group for o in last.values() if o.is_sweep_override()]


@dataclass
class SweepPlan:
    swept: list[str]  # keys with several values, in the sweeper's order
    jobs: list[list[str]]  # each job's overrides (key=value), in job-number order
    runs: list[int]  # runs per job


def value(text: str) -> Any:
    """An override's value as YAML reads it (numbers, booleans), else the text."""
    try:
        v = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return v if isinstance(v, (bool, int, float, str)) else text


def job_values(job: Sequence[str], keys: Iterable[str]) -> dict[str, Any]:
    values = {ov.split("=", 1)[0].lstrip("+~"): ov.split("=", 1)[1] for ov in job}
    return {k: value(values[k]) for k in keys if k in values}


def _group_options(cfg: Any) -> Callable[[str], list[str] | None]:
    """The names of a config group's files, for ``glob()`` (the main config folder of this run)."""
    from pathlib import Path

    from sim.config import CONF_DIR

    conf = CONF_DIR
    for source in cfg.hydra.runtime.get("config_sources") or []:
        if source.get("provider") == "main" and str(source.get("path", "")).startswith("file://"):
            conf = Path(str(source["path"]).removeprefix("file://"))
    return group_options(conf)


def group_options(conf: Any) -> Callable[[str], list[str] | None]:
    """The names of a case's files in a config group (``scenario``, ``experiment``), for ``glob()``."""
    from sim.config import scenarios
    from sim.config.compose import experiments_dir

    def options(group: str) -> list[str] | None:
        if group == "scenario":
            return list(scenarios(conf))
        if group == "experiment":
            return sorted(p.stem for p in experiments_dir(conf).glob("*.yaml"))
        return None

    return options


def sweep_plan(cfg: Any, runs_of: Callable[[dict[str, str], Any], int] | None = None) -> SweepPlan:
    """The jobs the sweeper will launch for this multirun config (Hydra's composed ``cfg``)."""
    params = cfg.hydra.sweeper.get("params") or {}
    args = [f"{k}={v}" for k, v in params.items()] + list(cfg.hydra.overrides.task)
    jobs = expand(args, options=_group_options(cfg))
    runs = []
    for job in jobs:
        values = {ov.split("=", 1)[0].lstrip("+~"): ov.split("=", 1)[1] for ov in job}
        runs.append(runs_of(values, cfg) if runs_of else int(value(values.get("runs", str(cfg.runs)))))
    return SweepPlan(swept_keys(args), jobs, runs)


# --------------------------------------------------------------------------- checking jobs
def is_group(override: str) -> bool:
    key = override.split("=", 1)[0]
    return key.startswith(("+", "~")) or "/" in key or key in GROUPS


def split_job(overrides: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """(what must be composed — config-group choices and Hydra settings —, plain key=value
    overrides that can be applied to a composed config as values)."""
    composed = tuple(o for o in overrides if is_group(o) or o.lstrip("+~").startswith("hydra"))
    return composed, [o for o in overrides if o not in composed]


def set_path(raw: dict, key: str, val: Any) -> None:
    """Set ``raw[a][b][c] = val`` for the key 'a.b.c' (creating mappings on the way)."""
    *parents, leaf = key.split(".")
    node = raw
    for k in parents:
        node = node.setdefault(k, {})
    node[leaf] = val


def apply_values(raw: dict, values: Sequence[str]) -> dict:
    """A copy of a composed config with plain ``key=value`` overrides applied, typed by Hydra's parser."""
    out = copy.deepcopy(raw)
    for o in parse(values):
        set_path(out, o.key_or_group, o.value())
    return out


def check_config(overrides: Sequence[str], raw: dict) -> int:
    """Validate one job's composed config, and what it would ask of this machine
    (:mod:`sim.sweep.limits`); return its number of runs."""
    from sim.sweep import limits
    from sim.sweep.sensitivity import split_design

    design, model_raw = split_design(raw)
    params, settings = build(model_raw, override_keys(overrides))
    if design is None:  # a design's block is sized by its own checks (sim.sweep.sensitivity)
        limits.check_job(settings, params, limits.drawn(model_raw, overrides, settings))
    return settings.runs


def check_jobs(jobs: Sequence[Sequence[str]], compose_job: Callable[[list[str]], dict]) -> int:
    """Validate a sweep's jobs; return their total number of runs.

    Composing a job costs ~0.3 s (Hydra reads and merges ~30 YAML files), so the config is
    composed once per distinct choice of config groups (``scenario=``, ``+experiment=``) and each
    job's plain ``key=value`` overrides are applied to a copy of it.
    """
    composed: dict[tuple, dict] = {}
    total = 0
    for full in jobs:
        job = [o for o in full if not o.lstrip("+~").startswith("hydra")]
        groups, values = split_job(job)
        if groups not in composed:  # the first job of each group choice: composed in full
            composed[groups] = compose_job(list(full))
            total += check_config(job, composed[groups])
            continue
        check_override_keys(values, composed[groups])
        total += check_config(job, apply_values(composed[groups], values))
    return total
