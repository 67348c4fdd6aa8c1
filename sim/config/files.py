"""The config files as data: checked before Hydra reads them, each error naming the file.

Hydra merges what it is given. A file with the wrong ``# @package`` header, an actor listed
twice or a scenario without a name would be merged silently into a config that runs but means
something else. A file that is not UTF-8, or a YAML "billion laughs", would stop every command
with a traceback or no bound on memory. :func:`check_tree` reads every file of ``conf/`` and
``experiments/`` once, with limits, and states the first problem in one line:

- a file is UTF-8 text without a byte-order mark, at most ``MAX_BYTES``, valid YAML without
  aliases (``*name``) or a key given twice in one mapping, and a mapping;
- ``conf/actors/ID.yaml`` starts with ``# @package actors.ID``, and its ID is an actor id;
- ``conf/scenario/NAME.yaml`` starts with ``# @package _global_`` and sets ``scenario.name:
  NAME``, a safe file name;
- the actors of the defaults list of ``conf/config.yaml`` are unique and each has its file;
- a role only one actor may hold (``sponsor``) is given in one actor file of the case, not two;
- no file sets ``hydra.callbacks`` or Hydra's logging (``hydra.job_logging``,
  ``hydra.hydra_logging``): those run code. Interpolations (``${...}``) are allowed only in
  the ``hydra:`` section (folder names), never in model values.

Values against their ranges and the schema's domains are checked after composing
(:mod:`sim.config.validate`, :mod:`sim.config.provenance`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sim.config.places import ROOT
from sim.model.params import ConfigError

MAX_BYTES = 1_000_000  # the largest config file in conf/ is ~10 kB
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # scenario names become folder names
ACTOR_ID = re.compile(r"[A-Z][A-Z0-9_]{1,15}")
SINGLE_ROLES = ("sponsor",)  # role blocks the engine takes from one actor (the first would win silently)
CODE_KEYS = ("callbacks", "job_logging", "hydra_logging")  # hydra.<key> that import and call code
INTERPOLATION = re.compile(r"\$\{")
# in hydra's section (folder names) only the time, Hydra's own keys, the scenario's name and the folder
# label may be interpolated; this matches any other interpolation
HYDRA_INTERPOLATION_REFUSED = re.compile(r"\$\{(?!now:|hydra[:.]|isf_label:|isf_case:|case\.name\}|scenario\.name\})")


def where(path: Path) -> str:
    """A file as the user knows it: relative to the checkout or install, else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT.resolve()))
    except ValueError:
        return str(path)


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> tuple[str, Any]:
    """(text, data) of one config file, within the limits above; errors name the file."""
    name = where(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{name}: {path.stat().st_size} bytes; allowed: config files up to {MAX_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{name} cannot be read: {exc.strerror or exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise ConfigError(
            f"{name} starts with a byte-order mark, which hides its '# @package' line; save it as UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{name} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); save it as UTF-8"
        ) from None
    try:
        for event in yaml.parse(text, Loader=_loader()):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise ConfigError(f"{name}, line {mark.line + 1}: YAML aliases (*name) are not allowed in config files")
        _duplicate_keys(name, yaml.compose(text, Loader=_loader()))
        node = yaml.load(text, Loader=_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"malformed YAML in {name}{line}: {problem}") from None
    if node is not None and not isinstance(node, dict):
        raise ConfigError(f"{name}: the file holds a {type(node).__name__}; allowed: a mapping of keys to values")
    return text, node or {}


def _duplicate_keys(name: str, node: Any) -> None:
    """A key given twice in one mapping: YAML's loader keeps the last silently, Hydra's refuses it
    with "while constructing a mapping"; here it is one line naming the file, the line and the key."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in n.value:
                key = str(k.value)
                if isinstance(k, yaml.ScalarNode) and key in seen:
                    raise ConfigError(
                        f"{name}, line {k.start_mark.line + 1}: the key '{key}' is given twice in the same mapping; "
                        "allowed: each key once"
                    )
                seen.add(key)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def header(text: str) -> str | None:
    """The package of a ``# @package X`` first line, if any."""
    first = text.split("\n", 1)[0]
    m = re.fullmatch(r"#\s*@package\s+(\S+)\s*", first)
    return m.group(1) if m else None


def interpolations(node: Any, path: str) -> list[str]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in interpolations(v, f"{path}.{k}" if path else str(k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in interpolations(v, f"{path}[{i}]")]
    return [f"{path} = {node!r}"] if isinstance(node, str) and INTERPOLATION.search(node) else []


def check_data(name: str, data: dict) -> None:
    """What no config file may do: run code through Hydra, or compute model values."""
    hydra = data.get("hydra")
    if isinstance(hydra, dict):
        for key in (*CODE_KEYS, "launcher", "sweeper"):
            if key in hydra and (key in CODE_KEYS or "_target_" in str(hydra[key])):
                raise ConfigError(f"{name} sets hydra.{key}, which runs code; allowed in files: hydra.run, hydra.sweep")
    bad = [p for p in interpolations(hydra or {}, "hydra") if HYDRA_INTERPOLATION_REFUSED.search(p)]
    if bad:
        allowed = "${now:...}, ${hydra:...}, ${scenario.name}"
        raise ConfigError(f"{name}: {bad[0]}; allowed in hydra's section: {allowed}")
    found = interpolations({k: v for k, v in data.items() if k != "hydra"}, "")
    if found:
        raise ConfigError(f"{name}: interpolation in {found[0]}; allowed: plain values (config files are data)")


def defaults_actors(name: str, data: dict) -> list[str]:
    for entry in data.get("defaults") or []:
        if isinstance(entry, dict) and "actors" in entry:
            ids = entry["actors"]
            if not isinstance(ids, list):
                raise ConfigError(f"{name}: the defaults entry 'actors' must be a list of actor ids")
            return [str(a) for a in ids]
    raise ConfigError(
        f"{name}: the defaults list has no 'actors: [...]' entry; allowed: the ids of the case's actors/*.yaml"
    )


@cache
def _check_tree(conf_dir: Path, experiment_dir: Path, stamp: tuple) -> None:
    config = conf_dir / "config.yaml"
    if not config.is_file():
        raise ConfigError(f"{where(conf_dir)} has no config.yaml; allowed: a case folder (docs/cases.md)")
    case = conf_dir / "case.yaml"
    if not case.is_file():
        raise ConfigError(f"{where(conf_dir)} has no case.yaml; allowed: a case folder (docs/cases.md)")
    text, data = read_yaml(case)
    if header(text) != "_global_" or not isinstance(data.get("case"), dict):
        raise ConfigError(f"{where(case)} must start with '# @package _global_' and hold a 'case:' mapping")
    check_data(where(case), data)
    _, main = read_yaml(config)
    ids = defaults_actors(where(config), main)
    seen: set[str] = set()
    for aid in ids:
        if aid in seen:
            raise ConfigError(f"{where(config)}: actor {aid} is listed twice in the defaults list")
        seen.add(aid)
        if not (conf_dir / "actors" / f"{aid}.yaml").is_file():
            raise ConfigError(
                f"{where(config)} lists actor {aid}, but {where(conf_dir / 'actors')}/{aid}.yaml does not exist"
            )
    holders: dict[str, list[Path]] = {role: [] for role in SINGLE_ROLES}
    for f in sorted((conf_dir / "actors").glob("*.yaml")):
        text, data = read_yaml(f)
        if not ACTOR_ID.fullmatch(f.stem):
            raise ConfigError(f"{where(f)}: '{f.stem}' is not an actor id; allowed: capital letters, e.g. NOR.yaml")
        if header(text) != f"actors.{f.stem}":
            raise ConfigError(f"{where(f)} must start with '# @package actors.{f.stem}' (the id is the file's name)")
        check_data(where(f), data)
        for role, files_with in holders.items():
            if f.stem in seen and data.get(role) is not None:
                files_with.append(f)
    for role, files_with in holders.items():
        if len(files_with) > 1:
            first, second = (where(f) for f in files_with[:2])
            raise ConfigError(
                f"{first} and {second} both hold the {role} role, which only one actor may hold; "
                f"allowed: a '{role}:' block in one actor file of the case"
            )
    for f in sorted((conf_dir / "scenario").glob("*.yaml")):
        check_scenario_file(f)
    for f in sorted(conf_dir.glob("hydra/*/*.yaml")):
        read_yaml(f)
    for f in sorted(experiment_dir.glob("*.yaml")) if experiment_dir.is_dir() else []:
        text, data = read_yaml(f)
        if header(text) != "_global_":
            raise ConfigError(f"{where(f)} must start with '# @package _global_'")
        check_data(where(f), data)


def check_scenario_file(f: Path) -> dict:
    text, data = read_yaml(f)
    if header(text) != "_global_":
        raise ConfigError(f"{where(f)} must start with '# @package _global_' (a scenario sets keys anywhere)")
    scen = data.get("scenario")
    name = scen.get("name") if isinstance(scen, dict) else None
    if name != f.stem:
        raise ConfigError(f"{where(f)}: scenario.name is {name!r}; allowed: {f.stem!r}, the file's name")
    if not SAFE_NAME.fullmatch(f.stem):
        raise ConfigError(f"{where(f)}: '{f.stem}' is not a safe scenario name; allowed: letters, digits, _ . -")
    check_data(where(f), data)
    return data


def check_tree(conf_dir: Path, experiment_dir: Path) -> None:
    """Check every config file once per process (again if a file changed)."""
    conf_dir, experiment_dir = Path(conf_dir).resolve(), Path(experiment_dir).resolve()
    files = [*conf_dir.rglob("*.yaml"), *experiment_dir.glob("*.yaml")] if conf_dir.is_dir() else []
    stamp = tuple(sorted((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    _check_tree(conf_dir, experiment_dir, stamp)
