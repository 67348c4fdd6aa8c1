"""The exercise sheets and their commands: which sheets there are (each a students' sheet
``NN_name.md`` with its commands in ```` ```bash ```` blocks, and an instructor key
``NN_name.key.md`` with the answers and the generated block between the markers), the command
lines, and the two substitutions the tests make to run every command cheaply (fewer runs,
trimmed sweeps), and the case a command runs (``case=`` on its line, or ``--case`` for all).

The sheets are shared by every case (``experiments/exercises/``); the experiments they name
(``+experiment=NAME``) are the case's (``conf/cases/<case>/experiments/``)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.config.compose import CONF_DIR, SHARED_EXPERIMENTS, case_dir, experiments_dir

ROOT = SHARED_EXPERIMENTS.parent
SHEET_DIR = SHARED_EXPERIMENTS / "exercises"  # the sheets, shared by every case
EXPERIMENT_DIR = experiments_dir(CONF_DIR)  # the default (Gaza) case's named sweeps
BEGIN, END = "<!-- numbers:begin -->", "<!-- numbers:end -->"
KEY_SUFFIX = ".key.md"
PROGRAMS = ("isf-sim", "isf-report", "isf-play", "python")


def sheet_paths(names: Iterable[str] = ()) -> list[Path]:
    """The students' sheets (``NN_name.md``, not their ``NN_name.key.md``), or those whose file
    name starts with one of ``names``."""
    names = list(names)
    paths = sorted(p for p in SHEET_DIR.glob("[0-9]*.md") if not p.name.endswith(KEY_SUFFIX))
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) or p.stem == n for n in names)]
    return paths


def key_path(sheet: Path) -> Path:
    """``01_veto_players.md`` -> ``01_veto_players.key.md``: the instructor key (answers, notes
    and the generated numbers) beside the students' sheet."""
    return sheet.with_suffix(KEY_SUFFIX)


def replace_block(text: str, block: str) -> str:
    """The sheet's text with the generated block between the markers replaced by ``block``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {BEGIN} ... {END} markers")
    return text[:start] + block + text[end + len(END) :]


# --------------------------------------------------------------------------- command lines


@dataclass(frozen=True)
class Command:
    """One command line of a sheet: pipeline segments, each a list of shell words."""

    segments: tuple[tuple[str, ...], ...]

    @property
    def program(self) -> str:
        return self.segments[-1][0]

    @property
    def args(self) -> tuple[str, ...]:
        return self.segments[-1][1:]

    @property
    def is_sweep(self) -> bool:
        return self.program == "isf-sim" and any(a in ("-m", "--multirun") for a in self.args)

    def shell(self) -> str:
        """The command as a shell line (pipes kept, words quoted where needed)."""
        return " | ".join(shlex.join(seg) for seg in self.segments)

    def replace_args(self, args: Iterable[str]) -> Command:
        return Command(self.segments[:-1] + ((self.program, *args),))


def commands(text: str) -> list[Command]:
    """Every command of every ```bash block, in order (continuations joined, comments dropped)."""
    out = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, flags=re.M | re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            segs, cur = [], []
            for w in words:
                if w == "|":
                    segs.append(tuple(cur))
                    cur = []
                else:
                    cur.append(w)
            segs.append(tuple(cur))
            out.append(Command(tuple(segs)))
    return out


def key_of(arg: str) -> str:
    """The key an override sets (``+x.y=1`` -> ``x.y``)."""
    return arg.split("=", 1)[0].lstrip("+~")


def answers_of(producer: tuple[str, ...]):
    """The lines a ``yes WORD``, ``printf 'TEXT'`` or ``echo WORDS`` in front of the pipe produces."""
    prog, *rest = producer
    if prog == "yes":
        word = " ".join(rest) or "y"
        while True:
            yield word
    if prog == "echo":
        yield " ".join(rest)
        return
    if prog == "printf":
        text = rest[0].replace("\\n", "\n") if rest else ""
        yield from text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
        return
    raise ValueError(f"cannot read answers from '{prog}': use yes, echo or printf")


# --------------------------------------------------------------------------- substitutions


def with_runs(cmd: Command, runs: int, only_fewer: bool = False) -> Command:
    """The command with its ``runs=N`` replaced by ``runs=<runs>`` (with ``only_fewer``, only
    where N is larger). Commands without ``runs=`` are kept as they are."""
    if cmd.program not in ("isf-sim", "isf-play"):
        return cmd

    def new(a: str) -> str:
        if key_of(a) != "runs" or (only_fewer and int(a.split("=", 1)[1]) <= runs):
            return a
        return f"runs={runs}"

    return cmd.replace_args(new(a) for a in cmd.args)


def case_of(args: Iterable[str]) -> str | None:
    """The ``case=`` of a command line (None: the default case)."""
    return next((a.split("=", 1)[1] for a in args if key_of(a) == "case" and "=" in a), None)


def with_case(cmd: Command, case: str | None) -> Command:
    """The command with ``case=<case>`` added (isf-sim and isf-play commands that name no case)."""
    if not case or cmd.program not in ("isf-sim", "isf-play") or case_of(cmd.args) is not None:
        return cmd
    return cmd.replace_args((f"case={case}", *cmd.args))


def experiment_sweep(name: str, case: str | None = None) -> dict[str, str]:
    """The sweep an experiment file of the case declares: key -> comma-separated values."""
    import yaml

    data = yaml.safe_load((experiments_dir(case_dir(case)) / f"{name}.yaml").read_text()) or {}
    params = ((data.get("hydra") or {}).get("sweeper") or {}).get("params") or {}
    return {str(k): str(v) for k, v in params.items()}


def experiment_overrides(cmd: Command) -> list[str]:
    """The sweep of the command's ``+experiment=`` as overrides, less the keys the command line
    sets itself (those replace the experiment's)."""
    given = {key_of(a) for a in cmd.args if "=" in a}
    return [
        f"{k}={v}"
        for a in cmd.args
        if a.startswith("+experiment=")
        for k, v in experiment_sweep(a.split("=", 1)[1], case_of(cmd.args)).items()
        if k not in given
    ]


def _split_values(value: str) -> list[str]:
    if "(" in value:  # range(...), glob(...): Hydra's sweep functions, kept as they are
        return [value]
    return [v.strip() for v in value.split(",")]


def trimmed(cmd: Command, keep: int = 2) -> Command:
    """A sweep cut down to its first ``keep`` values per swept key (an experiment's swept keys
    are put on the command line, trimmed, unless the command already sets them)."""
    if not cmd.is_sweep:
        return cmd
    out = []
    for a in [*cmd.args, *experiment_overrides(cmd)]:
        if "=" in a and not key_of(a).startswith("hydra") and "," in a.split("=", 1)[1]:
            k, v = a.split("=", 1)
            out.append(f"{k}={','.join(_split_values(v)[:keep])}")
        else:
            out.append(a)
    return cmd.replace_args(out)
