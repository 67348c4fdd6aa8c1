"""Composing configs from ``conf/`` outside ``@hydra.main`` (for checks, tests and the bench),
and turning composition failures into one-line :class:`~sim.model.params.ConfigError` messages.

This module and :mod:`sim.cli` are the only places that import Hydra.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sim.config.provenance import parameter_meta
from sim.config.validate import build
from sim.model.params import ConfigError, ModelParams, RunSettings


def _data_dir(name: str) -> Path:
    """``conf/`` or ``experiments/``: inside the package when installed from a wheel (package
    data, see pyproject.toml), else beside the package in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / name
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent.parent / name


CONF_DIR = _data_dir("conf")
EXPERIMENT_DIR = _data_dir("experiments")
ROOT = CONF_DIR.parent  # for error messages: paths are shown relative to it
_REGISTERED: set[Path] = set()


def register_experiments(folder: Path = EXPERIMENT_DIR) -> None:
    """Make every ``experiments/NAME.yaml`` the config ``experiment/NAME`` (``+experiment=NAME``).

    Hydra finds a config group in a folder named after it; the experiments live in
    ``experiments/`` (the layout of DESIGN.md), so they enter Hydra's search path through its
    ConfigStore, with the package their ``# @package`` header names. Idempotent.
    """
    folder = Path(folder).resolve()
    if folder in _REGISTERED or not folder.is_dir():
        return
    import yaml
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    for f in sorted(folder.glob("*.yaml")):
        try:
            text = f.read_text(encoding="utf-8")
            node = yaml.safe_load(text) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"experiment file {f.name} cannot be read: {str(exc).splitlines()[0]}") from None
        header = re.match(r"#\s*@package\s+(\S+)", text)
        store.store(group="experiment", name=f.stem, node=node, package=header.group(1) if header else "experiment")
    _REGISTERED.add(folder)


def scenarios(conf_dir: Path = CONF_DIR) -> dict[str, str]:
    """Scenario name -> one-line summary, read from conf/scenario/*.yaml."""
    import yaml

    out = {}
    for f in sorted((conf_dir / "scenario").glob("*.yaml")):
        try:
            data = yaml.safe_load(f.read_text()) or {}
            out[f.stem] = str((data.get("scenario") or {}).get("summary", ""))
        except yaml.YAMLError:
            out[f.stem] = "(unreadable file)"
    return out


def actor_ids(conf_dir: Path | str = CONF_DIR) -> tuple[str, ...]:
    """The actors of the defaults list of ``conf/config.yaml``, in order (no composing needed).

    Adding a country is adding ``conf/actors/<ID>.yaml`` and its id to that list (README).
    """
    import yaml

    defaults = (yaml.safe_load((Path(conf_dir) / "config.yaml").read_text(encoding="utf-8-sig")) or {}).get("defaults")
    for entry in defaults or []:
        if isinstance(entry, dict) and "actors" in entry:
            ids = entry["actors"]
            return tuple(str(a) for a in (ids if isinstance(ids, list) else [ids]))
    return ()


def _base_keys(cfg: dict, prefix: str = "") -> set[str]:
    keys = set()
    for k, v in cfg.items():
        p = f"{prefix}.{k}" if prefix else str(k)
        keys.add(p)
        if isinstance(v, dict):
            keys |= _base_keys(v, p)
    return keys


def check_override_keys(overrides: Iterable[str], base: dict, conf_dir: Path | str = CONF_DIR) -> None:
    """Reject unknown keys, unknown actor ids and unknown scenarios, naming what is allowed."""
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
                    raise ConfigError(f"scenario '{v}' does not exist; allowed: {', '.join(names)}")
            continue
        parts = key.split(".")
        if parts[0] == "actors" and len(parts) > 1 and parts[1] not in ids:
            raise ConfigError(f"unknown actor id '{parts[1]}' in '{key}'; allowed: {', '.join(ids)}")
        if key in keys:
            continue
        parent = ".".join(parts[:-1])
        siblings = (
            sorted(
                k.rsplit(".", 1)[-1]
                for k in keys
                if k.rsplit(".", 1)[0] == parent and "." in k and not k.endswith(".meta")
            )
            if parent
            else sorted(k for k in keys if "." not in k and k != "hydra")
        )
        if (
            parts[0] in ("actors", "mechanisms")
            and parent
            and parent not in keys
            and parts[-2] not in ("pressure", "leverage")
        ):
            raise ConfigError(f"unknown key '{key}': '{parent}' does not exist")
        if len(parts) >= 2 and parts[-2] in ("pressure", "leverage") and parts[-1] in ids:
            continue  # a new pressure/leverage link to a known actor
        if len(parts) >= 2 and parts[-2] in ("pressure", "leverage"):
            raise ConfigError(f"unknown actor id '{parts[-1]}' in '{key}'; allowed: {', '.join(ids)}")
        raise ConfigError(f"unknown key '{key}'; allowed{' in ' + parent if parent else ''}: {', '.join(siblings)}")


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


def _compose(conf_dir: Path, overrides: list[str], resolve: bool) -> dict:
    """Hydra's compose API on ``conf_dir`` -> a plain dict; failures become one line."""
    from hydra import compose as hcompose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    register_experiments()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
            try:
                return OmegaConf.to_container(hcompose(config_name="config", overrides=overrides), resolve=resolve)
            except Exception as exc:  # noqa: BLE001 - Hydra raises many kinds; all become one line
                raise ConfigError(_one_line(exc)) from None
    finally:
        GlobalHydra.instance().clear()


def compose(overrides: Iterable[str] = (), conf_dir: Path | str = CONF_DIR) -> dict:
    """Compose conf/ with overrides into a plain dict (no Hydra runtime needed).

    Composed once; only when an override adds or deletes keys (``+``/``~``), or composing fails,
    is the config without overrides composed too, to name the keys that exist.
    """
    overrides = [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    conf_dir = Path(conf_dir).resolve()
    if any(o.startswith(("+", "~")) for o in overrides):  # additions: check against the defaults first
        check_override_keys(overrides, _compose(conf_dir, [], resolve=False), conf_dir)
    try:
        cfg = _compose(conf_dir, overrides, resolve=True)
    except ConfigError:
        # say what is wrong in terms of the keys that exist, if that is the problem
        check_override_keys(overrides, _compose(conf_dir, [], resolve=False), conf_dir)
        raise
    check_override_keys(overrides, cfg, conf_dir)
    return cfg


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
