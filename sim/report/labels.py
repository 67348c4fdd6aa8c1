"""What each folder is called in the report: its scenario and the settings that set it apart from
the other folders compared (``SCENARIO <ID>.resolve=0.4``), never a timestamp unless
nothing else tells the folders apart. ``--label NAME=PATH`` overrides them."""

from __future__ import annotations

from pathlib import Path

from sim.report.folders import ResultFolder
from sim.report.markup import printable

PREFIXES = ("actors.", "mechanisms.")  # dropped from keys in labels: <ID>.resolve, ground.deaths_per_day


def short_key(key: str) -> str:
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return key.removeprefix(prefix)
    return key


def head(folder: ResultFolder) -> str:
    """The folder's scenario, if it has exactly one."""
    return folder.scenarios[0] if len(folder.scenarios) == 1 else ""


def folder_labels(folders: list[ResultFolder], given: dict[str, str] | None = None) -> list[str]:
    """One label per folder: the scenario, then every setting whose value is not the same in all
    folders (``key=value``, ``actors.``/``mechanisms.`` dropped). ``given`` maps a folder path
    to the label the user chose. Labels that still coincide get the folder name."""
    settings = [f.overrides for f in folders]
    keys = [k for s in settings for k in s]
    keys = list(dict.fromkeys(keys))
    differ = {k for k in keys if len({s.get(k) for s in settings}) > 1}
    labels = []
    for f, s in zip(folders, settings):
        words = [head(f)] if head(f) else []
        words += [f"{short_key(k)}={s[k]}" for k in s if k in differ and not (k == "scenario" and head(f))]
        labels.append(" ".join(words) or f.name)
    chosen = _given(folders, given or {})
    labels = [printable(chosen.get(i, label)) for i, label in enumerate(labels)]
    return _unique(labels, folders, chosen)


def _given(folders: list[ResultFolder], given: dict[str, str]) -> dict[int, str]:
    out = {}
    for name, path in given.items():
        target = Path(path).resolve()
        for i, f in enumerate(folders):
            if f.path.resolve() == target:
                out[i] = name
    return out


def _unique(labels: list[str], folders: list[ResultFolder], chosen: dict[int, str]) -> list[str]:
    counts = {label: labels.count(label) for label in labels}
    out = [
        label if counts[label] == 1 or i in chosen or label == f.name else f"{label} ({f.name})"
        for i, (label, f) in enumerate(zip(labels, folders))
    ]
    if len(set(out)) < len(out):
        out = [f"{label} [{i + 1}]" for i, label in enumerate(out)]
    return out


def parse_label(text: str) -> tuple[str, str]:
    """``NAME=PATH`` -> (NAME, PATH); ValueError if there is no '='. Either side may hold '=': the
    split taken is the one whose right side exists (else the first '=')."""
    splits = [(text[:i], text[i + 1 :]) for i, c in enumerate(text) if c == "="]
    splits = [(name, path) for name, path in splits if name and path]
    if not splits:
        raise ValueError(f"--label needs NAME=PATH, not {text!r}")
    return next(((n, p) for n, p in splits if Path(p).exists()), splits[0])


def group_labels(folders: list[ResultFolder], labels: list[str]) -> list[dict[str, str]]:
    """The label of each scenario of each folder in the per-scenario figures: the folder's label
    when it holds one scenario, else the scenario (with the folder's label where it repeats)."""
    seen: dict[str, int] = {}
    for f in folders:
        for s in f.scenarios:
            seen[s] = seen.get(s, 0) + 1
    out = []
    for f, label in zip(folders, labels):
        if len(f.scenarios) == 1:
            out.append({f.scenarios[0]: label})
        else:
            out.append({s: printable(s if seen[s] == 1 else f"{s} ({label})") for s in f.scenarios})
    return out
