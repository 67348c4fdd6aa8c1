"""Hydra's settings on isf-sim's command line, and the result folders it may write: one line for
what is not allowed (a folder that cannot be made, a link where a file is written, a Hydra key
isf-sim does not take, code run from a file). Composing Hydra's own config is through
:mod:`sim.config.compose`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from sim.config import files
from sim.config.compose import _hydra, _one_line  # noqa: PLC2701 - the same Hydra session and wording
from sim.config.places import CONF_DIR
from sim.model.params import ConfigError

# what isf-sim and Hydra write in a result folder (a job's, a sweep's root, each job of a sweep)
WRITTEN = (
    ".isf-sim.lock",  # sim/sweep/lock.py
    "manifest.json",
    "runs.parquet",
    "runs.csv",
    "weekly.parquet",
    "events.parquet",
    "timeline.parquet",
    "positions.parquet",
    "sensitivity.parquet",
    "config.yaml",
    "multirun.yaml",
)
HYDRA_DIR = ".hydra"  # Hydra's config.yaml, hydra.yaml, overrides.yaml: any link in it is refused


def links_in(folder: Path) -> list[Path]:
    """Symbolic links where isf-sim or Hydra would write in ``folder``: the files in
    :data:`WRITTEN`, ``.hydra/`` and its files, and the same in each job folder (``0/``, ``1/``,
    ...) of a sweep. A write through one would change the file it points to."""
    folder = Path(folder)
    out: list[Path] = []

    def scan(d: Path, jobs: bool) -> None:
        try:
            entries = list(os.scandir(d))
        except OSError:
            return
        for e in entries:
            path = Path(e.path)
            if e.name in WRITTEN or e.name == HYDRA_DIR or (jobs and e.name.isdigit()):
                if e.is_symlink():
                    out.append(path)
                elif e.name == HYDRA_DIR and e.is_dir(follow_symlinks=False):
                    try:
                        out.extend(p for p in path.iterdir() if p.is_symlink())
                    except OSError:
                        pass
                elif jobs and e.name.isdigit() and e.is_dir(follow_symlinks=False):
                    scan(path, jobs=False)

    if folder.is_dir():
        scan(folder, jobs=True)
    return sorted(out)


DIR_KEYS = ("hydra.run.dir", "hydra.sweep.dir")
HYDRA_GROUPS = ("hydra/launcher", "hydra/sweeper")
HYDRA_PREFIXES = ("hydra.launcher.", "hydra.sweeper.")
HYDRA_ALLOWED = (
    "hydra.run.dir=DIR, hydra.sweep.dir=DIR, hydra/launcher=NAME, hydra.launcher.KEY=V, "
    "hydra/sweeper=NAME, hydra.sweeper.KEY=V"
)
PLUGIN_TARGETS = ("hydra_plugins.", "hydra._internal.core_plugins.")  # launchers and sweepers that may run


def check_dir(key: str, value: str) -> None:
    """A result folder given on the command line: a usable path."""
    if not value.strip():
        raise ConfigError(f"{key} is empty; allowed: a folder, e.g. {key}=results/mine")
    parts = [p for p in value.split("/") if p]
    longest = max(parts, key=lambda p: len(p.encode()), default="")
    if len(longest.encode()) > 255 or len(value.encode()) > 1024:
        raise ConfigError(f"{key} is too long; allowed: folder names up to 255 bytes, a path up to 1024")
    if files.HYDRA_INTERPOLATION_REFUSED.search(value):
        raise ConfigError(f"{key}={value}: allowed interpolations: ${{now:...}}, ${{hydra:...}}, ${{scenario.name}}")
    if "${" not in value and Path(value).exists() and not Path(value).is_dir():
        raise ConfigError(f"{key}={value}: exists and is not a folder")


def check_writable(key: str, value: str) -> None:
    """The folder ``value`` (up to its first interpolation) can be made: a probe folder is made
    and removed in its nearest existing ancestor, so nothing is left behind."""
    import os
    import tempfile

    path = Path(value.split("${", 1)[0] or ".").expanduser().absolute()
    ancestor = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    if not ancestor.is_dir():
        raise ConfigError(f"{key}={value}: {ancestor} is not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".isf-sim-probe-", dir=ancestor))
    except OSError as exc:
        raise ConfigError(f"{key}={value}: cannot make a folder in {ancestor} ({exc.strerror or exc})") from None
    if "${" not in value:
        check_no_links(key, value)


def check_no_links(key: str, value: str) -> None:
    """The folder ``value``, if it exists, holds no symbolic link where isf-sim or Hydra writes
    (its lock, manifest, tables, ``config.yaml``, ``.hydra/``, ``multirun.yaml``, also in a sweep's
    job folders): a write through the link would change the file it points to."""
    found = links_in(Path(value).expanduser())
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ConfigError(
            f"{key}={value}: {found[0]} is a symbolic link{more}; isf-sim writes no file through a link: "
            "remove it or choose another folder"
        )


def _hydra_node(conf_dir: Path, overrides: list[str]) -> dict:
    from hydra import compose as hcompose
    from hydra.errors import MissingConfigException
    from omegaconf import OmegaConf

    with _hydra(conf_dir):
        try:
            cfg = hcompose(config_name="config", overrides=overrides, return_hydra_config=True)
        except MissingConfigException as exc:
            group = next((o.split("=", 1)[0] for o in overrides if f"'{o.split('=', 1)[0]}/" in str(exc)), "")
            options = ", ".join(exc.options or []) if exc.options else "see --hydra-help"
            what = f"{group}=" if group else ""
            raise ConfigError(f"{_one_line(exc).rstrip('.')}; allowed {what}{options}") from None
        except Exception as exc:  # noqa: BLE001 - Hydra raises many kinds; all become one line
            raise ConfigError(_one_line(exc)) from None
        return OmegaConf.to_container(cfg.hydra, resolve=False)


_BASE_HYDRA: dict[Path, dict] = {}


def check_hydra(overrides: Iterable[str], conf_dir: Path | str = CONF_DIR) -> None:
    """The Hydra part of a job's command line and of the files it selects: only the settings
    isf-sim takes, and no code run from a file (``hydra.callbacks``, logging, plugin targets).

    ``overrides``: one job's overrides (no sweeps); the config groups they choose
    (``+experiment=``, ``scenario=``) are composed with Hydra's own config.
    """
    conf_dir = Path(conf_dir).resolve()
    overrides = list(overrides)
    hydra_ovs = [o for o in overrides if o.lstrip("+~").startswith("hydra")]
    for o in hydra_ovs:
        key, sep, value = o.partition("=")
        bare = key.lstrip("+~")
        if not sep:
            raise ConfigError(f"'{o}' is not an override; allowed: {HYDRA_ALLOWED}")
        if bare in DIR_KEYS:
            check_dir(bare, value)
            check_writable(bare, value)
        elif bare in HYDRA_GROUPS or (bare.startswith(HYDRA_PREFIXES) and not bare.endswith("_target_")):
            continue
        else:
            raise ConfigError(f"{bare}: not a setting isf-sim takes; allowed: {HYDRA_ALLOWED}")
    if not [o for o in hydra_ovs if o.split("=", 1)[0].lstrip("+~") not in DIR_KEYS]:
        return  # nothing of Hydra's chosen here; files cannot set code keys (files.check_data)
    groups = [o for o in overrides if "=" in o and o.split("=", 1)[0].lstrip("+~") in ("scenario", "experiment")]
    try:
        node = _hydra_node(conf_dir, groups + hydra_ovs)
    except ConfigError as exc:
        m = re.match(r"Could not override 'hydra\.(launcher|sweeper)\.([^'.]+)", str(exc))
        if not m:
            raise
        chosen = [o for o in hydra_ovs if o.split("=", 1)[0].lstrip("+~") in HYDRA_GROUPS]
        keys = sorted(k for k in _hydra_node(conf_dir, groups + chosen)[m.group(1)] if k != "_target_")
        raise ConfigError(
            f"hydra.{m.group(1)}.{m.group(2)}: the {m.group(1)} has no such key; allowed: {', '.join(keys)}"
        ) from None
    if conf_dir not in _BASE_HYDRA:
        _BASE_HYDRA[conf_dir] = _hydra_node(conf_dir, [])
    base = _BASE_HYDRA[conf_dir]
    for key in files.CODE_KEYS:
        if node.get(key) != base.get(key):
            raise ConfigError(f"hydra.{key} is changed; it runs code, so only isf-sim's own setting is allowed")
    for key in ("launcher", "sweeper"):
        target = str((node.get(key) or {}).get("_target_", ""))
        if not target.startswith(PLUGIN_TARGETS):
            raise ConfigError(f"hydra.{key}._target_ = {target!r}; allowed: a launcher or sweeper plugin of Hydra")
