"""``isf-play``'s command line and answers, checked before anything is played: every bad input is
a :class:`~sim.teaching.tool.UsageError` with one line saying what is wrong and what is allowed.

    actor=ID          required: an actor of the case (Gaza: USA, ISR, TUR, HAMAS, ...)
    case=NAME|PATH    the case: a shipped case's name or the path of a case folder (default: the default case)
    seed=S            the game's seed, 0 to 2**32-1 (default 0)
    runs=N            the model's runs the debrief compares with, 1 to 100000 (default 200)
    answers=FILE      one answer per line (UTF-8 text, '#' lines skipped); else stdin
    key=value         a config override as for isf-sim (scenario=NAME, actors.ISR.resolve=0.8, ...)

Nothing here imports the model (``--version`` and ``--help`` answer at once).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sim.teaching.tool import UsageError

USAGE = "isf-play actor=ID [case=NAME|PATH] [scenario=NAME] [seed=S] [runs=N] [answers=FILE] [key=value ...]"
RUNS_DEFAULT, RUNS_MAX = 200, 100_000
ANSWERS_MAX_BYTES = 1_000_000  # an answers file is a few hundred short lines
LINE_MAX = 500  # characters in one answer
# what --help prints: plain text for the person at the terminal (the module docstrings are for
# developers and hold reST markup such as ``x`` and :mod:`y`)
HELP = f"""usage: {USAGE}

Take one actor's decisions, week by week; the other actors are simulated.

Each week you see where things stand and are asked only what your actor decides at that point:
whom to press and how hard, how far to concede under pressure, whether to hold or lift a veto,
whether to table the draft and with which mandate, how to vote, whether to aim for a funder's
condition, whether to commit troops or release money (only when your conditions hold). Enter
takes the agent's own choice; 'auto' lets the agent play the rest. At the end a debrief compares
your outcome with the model's own run on the same seed and with RUNS runs of the scenario.

  actor=ID        required: an actor of the case (in the default case: USA, ISR, TUR, HAMAS, ...)
  case=NAME|PATH  another case: a shipped case's name or a case folder
  scenario=NAME   a scenario of the case (isf-sim --help lists them)
  seed=S          the game's seed, 0 to 4294967295 (default 0)
  runs=N          the model's runs the debrief compares with, 1 to 100000 (default {RUNS_DEFAULT})
  answers=FILE    one answer per line (UTF-8 text, '#' lines skipped); else stdin
  key=value       a model setting as for isf-sim (actors.ISR.resolve=0.8, mechanisms.vetoes.enabled=false)

The game and the debrief's runs use every parameter's point value (uncertainty=fixed), so a game
is one clear story; the debrief also gives the share with the parameters drawn from their ranges
(isf-sim's default, the figures the README quotes).

examples:
  isf-play actor=USA
  isf-play actor=ISR scenario=us_presses_israel seed=4 runs=200
  isf-play actor=TUR answers=moves.txt
  yes hold | isf-play actor=HAMAS
  isf-play --version

Bad input is one line 'isf-play: error: ...' and exit code 2, before the game starts."""
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
CONFIG_KEYS = ("horizon_weeks", "actors", "mechanisms")  # config overrides isf-play passes on, besides seed/scenario
ALLOWED = ("actor", "case", "scenario", "seed", "runs", "answers", "horizon_weeks", "actors.ID.…", "mechanisms.…")
# run settings of isf-sim that a game does not take (it plays one run at the point values)
NOT_FOR_PLAY = {
    "trace": "a game always tells its story",
    "csv": "a game writes no files",
    "workers": "a game runs in one process",
    "uncertainty": "a game plays the point values (uncertainty=fixed)",
}


@dataclass
class PlayArgs:
    """What ``isf-play`` was asked to do."""

    actor: str = ""
    seed: int = 0
    runs: int = RUNS_DEFAULT
    answers: str | None = None
    case: str = ""  # case=... as given ("" for the default case)
    overrides: list[str] = field(default_factory=list)


def whole(key: str, text: str, lo: int, hi: int, what: str) -> int:
    """``text`` as a whole number in [lo, hi], else a UsageError naming the key and the bounds."""
    value = text.strip().replace("_", "")
    if not re.fullmatch(r"[+-]?[0-9]+", value) or not lo <= int(value) <= hi:
        raise UsageError(f"{key}={text!r}: give a whole number from {lo:,} to {hi:,} ({what})")
    return int(value)


def parse(argv: list[str]) -> PlayArgs:
    """The command line, checked word by word (the config overrides are checked by the config)."""
    out, seen = PlayArgs(), set()
    for word in argv:
        if word.startswith("-"):
            raise UsageError(f"unknown option {word!r}; usage: {USAGE} (or --help, --version)")
        key, eq, value = word.partition("=")
        if not eq or not key:
            raise UsageError(f"{word!r} is not key=value; usage: {USAGE}")
        if key in seen:
            raise UsageError(f"{key}= is given twice; give it once")
        seen.add(key)
        if key.startswith(("+", "~")) or key.split(".")[0] == "hydra":
            raise UsageError(f"{key}=: isf-play takes key=value settings of the model, not Hydra's; usage: {USAGE}")
        if key in NOT_FOR_PLAY:
            raise UsageError(f"{key}= is isf-sim's, not isf-play's: {NOT_FOR_PLAY[key]}")
        if key == "actor":
            if not NAME.fullmatch(value):
                raise UsageError(f"actor={value!r}: give an actor id such as actor=USA")
            out.actor = value
        elif key == "case":
            if not value.strip():
                raise UsageError("case=: give a case's name (e.g. case=gaza) or the path of a case folder")
            out.case = value
        elif key == "answers":
            if not value.strip():
                raise UsageError("answers=: give a file with one answer per line (or pipe the answers to stdin)")
            out.answers = value
        elif key == "runs":
            why = f"the model's runs the debrief compares with; default {RUNS_DEFAULT}"
            out.runs = whole("runs", value, 1, RUNS_MAX, why)
        elif key == "seed":
            out.seed = whole("seed", value, 0, 2**32 - 1, "the game's seed; default 0")
            out.overrides.append(f"seed={out.seed}")
        elif key == "scenario":
            if not NAME.fullmatch(value):
                raise UsageError(f"scenario={value!r}: a scenario is a name such as us_presses_israel")
            out.overrides.append(word)
        elif key.split(".")[0] in CONFIG_KEYS:
            out.overrides.append(word)
        else:
            raise UsageError(f"unknown key {key!r}; allowed: {', '.join(ALLOWED)}")
    if not out.actor:
        raise UsageError(f"give the actor you play: actor=ID; usage: {USAGE}")
    return out


def actor_of(given: str, actors) -> str:
    """The actor id as the config has it (``isr`` -> ``ISR``), else a UsageError listing them."""
    for aid in actors:
        if aid.upper() == given.upper():
            return aid
    raise UsageError(f"actor={given!r} is not an actor of the case; allowed: {', '.join(actors)}")


# --------------------------------------------------------------------------- answers


def answers_from_file(name: str) -> list[str]:
    """The answers in a file: UTF-8 text, one answer per line, ``#`` lines skipped; a UsageError
    for a missing file, a directory, binary or non-UTF-8 content, an overlong line, no answers."""
    path = Path(name)
    what = f"answers={name}"
    try:
        if path.is_dir():
            raise UsageError(f"{what} is a directory: give a text file with one answer per line")
        if path.stat().st_size > ANSWERS_MAX_BYTES:
            raise UsageError(f"{what} is larger than {ANSWERS_MAX_BYTES // 1_000_000} MB: one short answer per line")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{what}: no such file") from None
    except PermissionError:
        raise UsageError(f"{what}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"{what}: cannot read it ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} is not UTF-8 text (byte {data[exc.start]:#04x} at position {exc.start})") from None
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    answers = []
    for i, line in enumerate(lines, 1):
        check_answer(line, f"{what}, line {i}")
        if not line.lstrip().startswith("#"):
            answers.append(line)
    if not answers:
        raise UsageError(f"{what} holds no answers: one answer per line (an empty line takes the agent's choice)")
    return answers


def check_answer(line: str, where: str) -> None:
    if len(line) > LINE_MAX:
        raise UsageError(f"{where} is {len(line):,} characters long: one short answer per line (at most {LINE_MAX})")
    bad = next((c for c in line if (ord(c) < 32 and c != "\t") or ord(c) == 127), None)
    if bad is not None:
        raise UsageError(f"{where} holds the control character {bad!r}: answers are plain text, one per line")


def stdin_reader(stdin: TextIO | None) -> tuple[Callable[[], str | None], bool]:
    """A reader of the answers on stdin and whether to echo them (when they are not typed).

    Piped answers: the first is read now, so a closed or empty stdin is a UsageError before the
    game starts; a later line that cannot be read is one too. Typed answers: Ctrl-D lets the
    agent play on."""
    if stdin is None or getattr(stdin, "closed", False):
        raise UsageError("stdin is closed: type the answers, pipe them in (yes '' | isf-play ...) or give answers=FILE")
    try:
        typed = stdin.isatty()
    except (OSError, ValueError):
        typed = False

    def lines() -> Iterator[str]:
        n = 0
        while True:
            try:
                line = stdin.readline()
            except UnicodeDecodeError:
                raise UsageError(f"stdin, line {n + 1}: not UTF-8 text") from None
            except (OSError, ValueError) as exc:
                raise UsageError(f"stdin cannot be read ({exc})") from None
            if line == "":
                return
            n += 1
            line = line.rstrip("\n").rstrip("\r")
            if any("\ud800" <= c <= "\udfff" for c in line):  # undecodable bytes, escaped by Python
                raise UsageError(f"stdin, line {n}: not UTF-8 text")
            if not typed:
                check_answer(line, f"stdin, line {n}")
            yield line

    source = lines()
    if typed:
        return (lambda: next(source, None)), False
    first = next(source, None)
    if first is None:
        raise UsageError(
            "stdin ended before the first answer: type the answers, pipe them in (yes '' | isf-play ...) "
            "or give answers=FILE"
        )
    pending = [first]

    def read() -> str | None:
        return pending.pop() if pending else next(source, None)

    return read, True
