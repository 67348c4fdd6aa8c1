"""Reading the files of a result folder without trusting them: size and depth limits on JSON and
YAML, every OS and parser error turned into one :class:`NotAResultFolder` line that names the file,
and a folder of results (``results/baseline``) resolved to its ``latest`` run.

Nothing here knows what a result folder holds (that is :mod:`sim.report.schema`); this module
only gets the bytes in, or says in one line why it could not.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

MAX_TEXT_BYTES = 8 * 1024 * 1024  # manifest.json, config.yaml, multirun.yaml: isf-sim's are a few kB
MAX_DEPTH = 64  # nesting of a JSON document (isf-sim's manifests nest 3 deep)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}")  # Hydra's run folder names


class NotAResultFolder(Exception):
    """A path or file that cannot be reported on; the message is one line naming it."""


def shown(value, limit: int = 60) -> str:
    """A value from a file as it may appear in a one-line message: control characters escaped,
    cut to ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _why(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def read_text(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A UTF-8 text file of at most ``limit`` bytes."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise NotAResultFolder(f"{path}: cannot be read ({_why(exc)})") from None
    if len(data) > limit:
        raise NotAResultFolder(f"{path}: larger than {limit // (1024 * 1024)} MB; isf-sim writes a few kB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotAResultFolder(f"{path}: not UTF-8 text (byte {exc.start}); expected the file isf-sim writes") from None


def depth(value, limit: int = MAX_DEPTH) -> int:
    """How deep lists and mappings nest in ``value`` (iterative; stops counting past ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            if d > limit:
                return d
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def read_json(path: Path) -> dict:
    """A JSON object (a mapping), at most MAX_TEXT_BYTES and MAX_DEPTH deep."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except RecursionError:
        raise NotAResultFolder(f"{path}: nested deeper than {MAX_DEPTH} levels; expected isf-sim's manifest") from None
    except ValueError as exc:
        raise NotAResultFolder(f"{path}: not valid JSON ({shown(str(exc), 80)})") from None
    if not isinstance(data, dict):
        raise NotAResultFolder(f"{path}: holds a JSON {type(data).__name__}, expected an object {{...}}")
    if depth(data) > MAX_DEPTH:
        raise NotAResultFolder(f"{path}: nested deeper than {MAX_DEPTH} levels; expected isf-sim's manifest")
    return data


def safe_load(text: str):
    """``yaml.safe_load`` through libyaml when it is there (the same safe loader, 10 times faster on
    a job's config.yaml, which holds the whole composed case)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def read_yaml(path: Path) -> dict:
    """A YAML mapping (safe loader: no Python objects), at most MAX_TEXT_BYTES. Aliases are
    allowed (Hydra writes none) but never expanded: callers read single typed values from it."""
    import yaml

    text = read_text(path)
    try:
        data = safe_load(text)
    except RecursionError:
        raise NotAResultFolder(f"{path}: nested too deep; expected the config isf-sim writes") from None
    except yaml.constructor.ConstructorError as exc:
        tag = re.search(r"tag '([^']*)'", str(exc.problem))
        what = f"the tag {shown(tag.group(1), 50)}" if tag else "a tag isf-report does not read"
        raise NotAResultFolder(f"{path}: holds {what}; expected plain YAML (text, numbers, lists, mappings)") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise NotAResultFolder(f"{path}: not valid YAML{at}; expected the config isf-sim writes") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NotAResultFolder(f"{path}: holds a YAML {type(data).__name__}, expected a mapping (key: value)")
    return data


def read_parquet(path: Path):
    """A parquet file as a DataFrame (pyarrow's errors, whatever their type, as one line)."""
    import pandas as pd

    try:
        return pd.read_parquet(path)
    except OSError as exc:
        if isinstance(exc, (PermissionError, IsADirectoryError, FileNotFoundError)):
            raise NotAResultFolder(f"{path}: cannot be read ({_why(exc)})") from None
        raise NotAResultFolder(f"{path}: not a readable parquet file (damaged or truncated?)") from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid, ArrowTypeError, ValueError, ...
        raise NotAResultFolder(f"{path}: not a readable parquet file ({type(exc).__name__})") from None


def is_result(path: Path) -> bool:
    return (path / "manifest.json").is_file() or (path / "runs.parquet").is_file()


def resolve(path: Path) -> tuple[Path, str]:
    """The result folder a path names, and a note when it is not the path itself.

    ``isf-sim`` writes ``results/<scenario>[/<overrides>]/<time>/`` and points
    ``<folder>/latest`` at the newest; ``results/baseline`` therefore means its ``latest`` run.
    A folder without ``latest`` that holds timestamped result folders (``results/multirun``)
    means the newest of them. Anything else is returned as it is."""
    if is_result(path) or not path.is_dir():
        return path, ""
    link = path / "latest"
    if is_result(link):
        target = Path(os.path.normpath(path / os.readlink(link))) if link.is_symlink() else link
        return target, f"{path} is a folder of runs: reporting its latest, {target}"
    try:
        stamped = sorted(p for p in path.iterdir() if TIMESTAMP.match(p.name) and is_result(p))
    except OSError:
        return path, ""
    if stamped:
        return stamped[-1], f"{path} is a folder of {len(stamped)} runs: reporting the newest, {stamped[-1]}"
    return path, ""
