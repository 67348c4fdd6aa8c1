"""Composing a case's config outside ``@hydra.main`` (for checks, tests and the bench), finding
cases, and turning composition failures into one-line :class:`~sim.model.params.ConfigError`
messages.

A case is a folder (docs/cases.md): ``conf/cases/<name>/`` for a shipped case, any folder with a
``config.yaml`` and a ``case.yaml`` for ``case=PATH``. Hydra composes the case folder as its
config directory; ``conf/`` itself (the shared ``settings.yaml`` and Hydra's launchers and
sweepers) joins the search path through ``hydra_plugins/isf_sim/searchpath.py``.

This module and :mod:`sim.cli` are the only places that import Hydra.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.config import files
from sim.config.places import (  # noqa: F401 - re-exported: where the cases and the shared configs are
    CASES_DIR,
    CONF_DIR,
    DEFAULT_CASE,
    EXPERIMENT_DIR,
    ROOT,
    SHARED_DIR,
    SHARED_EXPERIMENTS,
)
from sim.config.provenance import parameter_meta
from sim.config.validate import build, did_you_mean
from sim.model.params import ConfigError, ModelParams, RunSettings

_REGISTERED: list[Path | None] = [None]


def shipped_cases() -> list[str]:
    """The names of the shipped cases (folders of ``conf/cases/``)."""
    return sorted(p.name for p in CASES_DIR.iterdir() if (p / "case.yaml").is_file()) if CASES_DIR.is_dir() else []


def case_dir(case: str | Path | None = None) -> Path:
    """The folder of a case: a shipped case's name (``gaza``), or a path (a value with a ``/``,
    or a Path) to a case folder anywhere. None: the default case."""
    if case is None or case == "":
        return CONF_DIR
    text = str(case)
    if isinstance(case, Path) or "/" in text or text in (".", ".."):
        path = Path(text).expanduser().resolve()
        if not (path / "config.yaml").is_file() or not (path / "case.yaml").is_file():
            raise ConfigError(
                f"case={text}: not a case folder (it needs config.yaml and case.yaml); allowed: "
                f"{', '.join(shipped_cases())} or the path of a case folder (docs/cases.md)"
            )
        return path
    if text not in shipped_cases():
        raise ConfigError(
            f"case={text}: no such case; allowed: {', '.join(shipped_cases())} or a path to a case folder"
        )
    return CASES_DIR / text


def latest_results(case: str | Path | None = None, scenario: str = "baseline") -> str:
    """Where isf-sim's newest single job of a case's scenario is linked: ``results/[<case>/]<scenario>/latest``
    (the default case has no ``<case>/`` level; conf/settings.yaml's hydra.run.dir)."""
    name = files.read_yaml(case_dir(case) / "case.yaml")[1]["case"]["name"]
    return f"results/{'' if name == DEFAULT_CASE else name + '/'}{scenario}/latest"


def experiments_dir(conf_dir: Path | str = CONF_DIR) -> Path:
    """A case's named sweeps: ``experiments/`` in its folder."""
    return Path(conf_dir) / "experiments"


def register_experiments(folder: Path | None = None) -> None:
    """Make every ``<case>/experiments/NAME.yaml`` the config ``experiment/NAME`` (``+experiment=NAME``).

    Hydra finds a config group in a folder named after it; a case's experiments live in its
    ``experiments/`` folder (the layout of DESIGN.md), so they enter Hydra's search path through
    its ConfigStore, with the package their ``# @package`` header names. One case's at a time:
    registering another case's replaces them.
    """
    folder = Path(folder).resolve() if folder is not None else EXPERIMENT_DIR.resolve()
    if _REGISTERED[0] == folder:
        return
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    store.repo.pop("experiment", None)
    if folder.is_dir():
        for f in sorted(folder.glob("*.yaml")):
            text, node = files.read_yaml(f)
            store.store(group="experiment", name=f.stem, node=node, package=files.header(text) or "experiment")
    _REGISTERED[0] = folder


def scenarios(conf_dir: Path = CONF_DIR) -> dict[str, str]:
    """Scenario name -> one-line summary, read from the case's scenario/*.yaml."""
    out = {}
    for f in sorted((Path(conf_dir) / "scenario").glob("*.yaml")):
        try:
            scen = files.read_yaml(f)[1].get("scenario")
            out[f.stem] = str(scen.get("summary", "")) if isinstance(scen, dict) else ""
        except ConfigError:
            out[f.stem] = "(unreadable file: isf-sim says why)"
    return out


def actor_ids(conf_dir: Path | str = CONF_DIR) -> tuple[str, ...]:
    """The actors of the defaults list of the case's ``config.yaml``, in order (no composing needed).

    Adding a country is adding ``actors/<ID>.yaml`` to the case folder and its id to that list (README).
    """
    config = Path(conf_dir) / "config.yaml"
    return tuple(files.defaults_actors(files.where(config), files.read_yaml(config)[1]))


def _base_keys(cfg: dict, prefix: str = "") -> set[str]:
    keys = set()
    for k, v in cfg.items():
        p = f"{prefix}.{k}" if prefix else str(k)
        keys.add(p)
        if isinstance(v, dict):
            keys |= _base_keys(v, p)
    return keys


def _children(keys: set[str], parent: str) -> list[str]:
    """The keys directly under ``parent`` ("" for the top level), without ``meta``."""
    if not parent:
        return sorted(k for k in keys if "." not in k and k != "hydra")
    return sorted(
        k.rsplit(".", 1)[-1] for k in keys if "." in k and k.rsplit(".", 1)[0] == parent and not k.endswith(".meta")
    )


def check_override_keys(
    overrides: Iterable[str], base: dict, conf_dir: Path | str = CONF_DIR, adding: bool = False
) -> None:
    """Reject unknown keys, unknown actor ids and unknown scenarios, naming what is allowed (and
    the likely intended word, :func:`sim.config.validate.did_you_mean`). ``adding``: ``base`` is
    the config without the ``+key=value`` overrides, so a ``+`` on a key that exists is refused
    with the fix (Hydra would say "Could not append to config")."""
    keys = _base_keys(base)
    ids = list(base.get("actors") or {})  # the actors of the defaults list
    conf_dir = Path(conf_dir)
    for ov in overrides:
        if "=" not in ov:
            raise ConfigError(f"'{ov}' is not an override; allowed: key=value (e.g. runs=500)")
        key = ov.split("=", 1)[0].lstrip("+~")
        value = ov.split("=", 1)[1]
        if key.startswith("hydra") or key.startswith("experiment") or "@" in key:
            continue
        if key == "scenario":
            names = scenarios(conf_dir)
            for v in _sweep_values(value):
                if v not in names:
                    hint = did_you_mean(v, names)
                    raise ConfigError(f"scenario '{v}' does not exist{hint}; allowed: {', '.join(names)}")
            continue
        parts = key.split(".")
        if parts[0] == "actors" and len(parts) > 1 and parts[1] not in ids:
            hint = did_you_mean(parts[1], ids)
            raise ConfigError(f"unknown actor id '{parts[1]}' in '{key}'{hint}; allowed: {', '.join(ids)}")
        if key in keys:
            if adding and ov.startswith("+") and not ov.startswith("++"):
                raise ConfigError(
                    f"'{ov}': {key} exists already, so there is nothing to add; to set it, drop the '+': {key}={value}"
                )
            continue
        parent = ".".join(parts[:-1])
        if (
            parts[0] in ("actors", "mechanisms")
            and parent
            and parent not in keys
            and parts[-2] not in ("pressure", "leverage")
        ):
            k = next(i for i in range(1, len(parts)) if ".".join(parts[: i + 1]) not in keys)
            where, there = parts[k], ".".join(parts[:k])
            allowed = _children(keys, there)
            raise ConfigError(
                f"unknown key '{key}': no '{where}' in {there}{did_you_mean(where, allowed)}; "
                f"allowed there: {', '.join(allowed)}"
            )
        if len(parts) == 4 and parts[-2] in ("pressure", "leverage") and parts[-1] in ids:
            if ov.startswith("+"):
                continue  # a new pressure/leverage link to a known actor
            also = f" and +actors.{parts[1]}.leverage.{parts[3]}=V" if parts[2] == "pressure" else ""
            raise ConfigError(
                f"{parts[1]} has no {parts[2]} on {parts[3]} (actors/{parts[1]}.yaml in the case folder); "
                f"to add the link: +{key}={value}{also}"
            )
        if len(parts) >= 2 and parts[-2] in ("pressure", "leverage"):
            hint = did_you_mean(parts[-1], ids)
            raise ConfigError(f"unknown actor id '{parts[-1]}' in '{key}'{hint}; allowed: {', '.join(ids)}")
        siblings = _children(keys, parent)
        hint = did_you_mean(parts[-1], siblings)
        raise ConfigError(
            f"unknown key '{key}'{hint}; allowed{' in ' + parent if parent else ''}: {', '.join(siblings)}"
        )


def check_syntax(overrides: Iterable[str]) -> None:
    """Each override readable by Hydra's parser; the one that is not is named, without parser jargon."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    for o in overrides:
        try:
            if not o.split("=", 1)[0].lstrip("+~"):
                raise ValueError("no key")
            parser.parse_overrides([o])
        except Exception:  # noqa: BLE001 - the parser raises several kinds
            raise ConfigError(
                f"cannot read the override {o!r}; allowed: key=value with a number, true/false or a word "
                "(e.g. runs=500, scenario=baseline; quote text with spaces or symbols: key='a b')"
            ) from None


NULLS = ("null", "~", "Null", "NULL", "")


def check_group_values(overrides: Iterable[str], conf_dir: Path) -> None:
    """A config group (``scenario``, ``experiment``, ``actors``) given ``null`` or nothing names the
    override and what the group takes, instead of Hydra's "Config group override must be a string
    or a list" (a sweep's values are checked one by one, so ``scenario=null,baseline`` too)."""
    for ov in overrides:
        key, _, value = ov.partition("=")
        group = key.lstrip("+~")
        if group not in ("scenario", "experiment", "actors") or not any(v in NULLS for v in _sweep_values(value)):
            continue
        if group == "actors":
            raise ConfigError(
                f"{ov}: actors is a config group (the actors of the case's config.yaml) and cannot be null; "
                "allowed: leave it out, or change one actor with actors.ID.KEY=VALUE"
            )
        names = (
            scenarios(conf_dir)
            if group == "scenario"
            else sorted(p.stem for p in experiments_dir(conf_dir).glob("*.yaml"))
        )
        raise ConfigError(
            f"{ov}: {group} is a config group and takes a file's name, not null or nothing; allowed: {', '.join(names)}"
        )


def _sweep_values(value: str) -> list[str]:
    return [v.strip() for v in value.split(",")] if "," in value and "(" not in value else [value.strip()]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    yaml_markers = ("while parsing", "while scanning", "mapping values", "expected")
    for ln in lines:
        if any(marker in ln for marker in yaml_markers):
            m = re.search(r'in "([^"]+)", line (\d+)', text)
            if not m:
                return f"malformed YAML in a config file: {ln}"
            path = Path(m.group(1))
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            return f"malformed YAML in {where}, line {m.group(2)}: {ln}"
    return lines[0] if lines else type(exc).__name__


@contextmanager
def _hydra(conf_dir: Path) -> Iterator[None]:
    """Hydra's compose API initialised on ``conf_dir`` (experiments registered), and cleared after."""
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_experiments(experiments_dir(conf_dir))
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
            yield
    finally:
        GlobalHydra.instance().clear()


def _compose(conf_dir: Path, overrides: list[str]) -> dict:
    """Hydra's compose API on ``conf_dir`` -> a plain dict; failures become one line."""
    from hydra import compose as hcompose
    from omegaconf import OmegaConf

    from sim.config.fast_yaml import install

    install()  # the case's files parsed by libyaml (sim/config/fast_yaml.py)
    with _hydra(conf_dir):
        try:
            raw = OmegaConf.to_container(hcompose(config_name="config", overrides=overrides), resolve=False)
        except Exception as exc:  # noqa: BLE001 - Hydra raises many kinds; all become one line
            raise ConfigError(_one_line(exc)) from None
    return _plain(raw)


def _plain(raw: dict) -> dict:
    """``raw``, if none of its values is an interpolation (``${oc.env:...}`` and the like: values
    are data, never computed)."""
    found = files.interpolations(raw, "")
    if found:
        raise ConfigError(f"interpolation in {found[0]}; allowed: plain values (no ${{...}} in model settings)")
    return raw


def _base(conf_dir: Path, groups: list[str]) -> dict:
    """The config of these group choices (scenario, experiment) without other overrides, or of none."""
    try:
        return _compose(conf_dir, [o for o in groups if "," not in o])
    except ConfigError:
        return _compose(conf_dir, [])


def compose(overrides: Iterable[str] = (), conf_dir: Path | str = CONF_DIR) -> dict:
    """Compose conf/ with overrides into a plain dict (no Hydra runtime needed).

    Composed once; only when an override adds or deletes keys (``+``/``~``), or composing fails,
    is the config without overrides composed too, to name the keys that exist.
    """
    overrides, conf_dir = before_compose(overrides, conf_dir)
    groups = [o for o in overrides if o.split("=", 1)[0].lstrip("+~") in ("scenario", "experiment")]
    added = [o for o in overrides if o.startswith(("+", "~"))]
    if added:  # additions: check against the config without them first
        check_override_keys(added, _base(conf_dir, groups), conf_dir, adding=True)
    try:
        cfg = _compose(conf_dir, overrides)
    except ConfigError:
        # say what is wrong in terms of the keys that exist, if that is the problem
        check_override_keys(overrides, _base(conf_dir, groups), conf_dir)
        raise
    check_override_keys(overrides, cfg, conf_dir)
    return cfg


def before_compose(overrides: Iterable[str], conf_dir: Path | str = CONF_DIR) -> tuple[list[str], Path]:
    """What :func:`compose` checks before composing: the case's files, the overrides' syntax and
    their config groups' values. Returns the model's overrides (no ``hydra.*``) and the folder."""
    overrides = [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    conf_dir = Path(conf_dir).resolve()
    files.check_tree(conf_dir, experiments_dir(conf_dir))  # every file readable, as data (once per process)
    check_syntax(overrides)
    check_group_values(overrides, conf_dir)
    return overrides, conf_dir


def after_compose(raw: dict, overrides: Iterable[str], conf_dir: Path | str = CONF_DIR) -> dict:
    """What :func:`compose` checks of a config composed elsewhere (Hydra's own run of a job,
    :mod:`sim.sweep.precheck`), ``raw`` without its ``hydra`` node: the same checks, the same lines,
    for overrides that add or delete no key (a ``+``/``~`` override is checked by composing)."""
    check_override_keys(overrides, _plain(raw), conf_dir)
    return raw


def load(overrides: Iterable[str] = (), conf_dir: Path | str = CONF_DIR) -> tuple[ModelParams, RunSettings, dict]:
    """Compose and validate: (model parameters, run settings, parameter meta)."""
    raw = compose(overrides, conf_dir)
    model, settings = build(raw)
    return model, settings, parameter_meta(raw)


def lever_keys(raw: dict) -> frozenset[str]:
    """Parameter paths the scenario sets on purpose (never sampled)."""
    scen = raw.get("scenario") or {}
    return frozenset(lv["key"] for lv in (scen.get("levers") or []) if isinstance(lv, dict) and "key" in lv)


def override_keys(overrides: Iterable[str]) -> frozenset[str]:
    return frozenset(o.split("=", 1)[0].lstrip("+~") for o in overrides if "=" in o)
