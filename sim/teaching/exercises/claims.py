"""The claims a sheet's prose makes about its numbers, read from the sheet's ``.numbers.yaml``
and checked against the runs.

A claim about the ``isf-sim`` runs (``claims:``) names a run, an outcome and one test:

    {run: us_presses_israel, outcome: deaths, goes: down}            # against the sheet's first run
    {run: partial_turkey, outcome: gulf_money, goes: down, against: partial}
    {run: baseline, outcome: turkish_troops, below: 0.15}            # the whole 95% interval
    {run: partial_turkey, where: {turkey_role: liaison}, outcome: saudi_money, above: 0.3}
    {run: mediators_silent, outcome: disarmament, moves_more_than: credible_amnesty}
    {run: credible_amnesty, outcome: disarmament, moves_more_than: amnesty_no_money, other_against: no_money}

``goes`` is ``up``, ``down`` or ``flat``: the paired difference from the reference run (same seeds)
has its 95% interval above zero, below zero, or around zero; for a median week, the medians
differ that way (``up`` = later). ``moves_more_than``: the run's difference from the reference is
larger, in absolute value, than the other run's (from ``other_against``, if given). A run is
named by its result folder (``hydra.run.dir=results/ex1/baseline`` -> ``baseline``), a cell of a
sweep by the sweep's folder and the cell's values (``grid[0.5 1.2]``).

A claim about the ``isf-play`` games (``games:``) compares one field of a game's outcome row (a
column of runs.parquet, or ``week_funding_SAU``: the week an actor released money) for the player
of game N (the sheet's N-th ``isf-play`` command) or the model's own run with the same seed:

    {player: 1, outcome: deaths, above: model 1}
    {player: 2, outcome: turkey_role, is: troops}
    {player: 1, outcome: funders, includes: SAU}
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.teaching.exercises.measures import Measure, measure


class SpecError(ValueError):
    """A sheet's .numbers.yaml that cannot be read: says which entry and why."""


def _fields(entry: Any, required: set[str], tests: set[str], optional: set[str]) -> dict:
    """The claim, once it has every required field, exactly one of the tests and nothing unknown."""
    if not isinstance(entry, dict):
        raise SpecError(f"{entry!r}: a claim is a mapping such as {{run: NAME, outcome: NAME, goes: up}}")
    unknown = set(entry) - required - tests - optional
    if unknown:
        raise SpecError(f"{entry}: unknown {', '.join(sorted(unknown))}")
    missing = required - set(entry)
    if missing:
        raise SpecError(f"{entry}: missing {', '.join(sorted(missing))}")
    if len(tests & set(entry)) != 1:
        raise SpecError(f"{entry}: give exactly one of {', '.join(sorted(tests))}")
    return entry


def _measure(entry: dict) -> Measure:
    try:
        return measure(str(entry["outcome"]))
    except KeyError:
        raise SpecError(f"{entry}: unknown outcome {entry['outcome']!r}") from None


# --------------------------------------------------------------------------- the isf-sim runs


@dataclass(frozen=True)
class RunClaim:
    """A direction, a bound or a comparison the notes state about the runs of the sheet."""

    run: str
    outcome: Measure
    test: str  # goes, below, above or moves_more_than
    value: Any  # up/down/flat, a bound, or the other run
    against: str | None = None  # the reference run (default: the sheet's first run)
    where: tuple[tuple[str, Any], ...] = ()  # only the runs with these column values
    other_against: str | None = None  # moves_more_than: the other run's reference (default: the same)

    @classmethod
    def parse(cls, entry: Any) -> RunClaim:
        tests, optional = {"goes", "below", "above", "moves_more_than"}, {"against", "where", "other_against"}
        e = _fields(entry, {"run", "outcome"}, tests, optional)
        test = next(t for t in ("goes", "below", "above", "moves_more_than") if t in e)
        m = _measure(e)
        if test == "goes" and e["goes"] not in ("up", "down", "flat"):
            raise SpecError(f"{entry}: goes is up, down or flat")
        if test in ("below", "above") and (m.kind == "week" or not isinstance(e[test], (int, float))):
            raise SpecError(f"{entry}: {test} needs a number and a probability or a mean")
        if "where" in e and test not in ("below", "above"):
            raise SpecError(f"{entry}: where goes with below or above (a subset has no paired runs)")
        if test == "moves_more_than" and m.kind == "week":
            raise SpecError(f"{entry}: moves_more_than needs a probability or a mean")
        if "other_against" in e and test != "moves_more_than":
            raise SpecError(f"{entry}: other_against goes with moves_more_than")
        where = tuple((e.get("where") or {}).items())
        return cls(str(e["run"]), m, test, e[test], e.get("against"), where, e.get("other_against"))

    def check(self, runs_of: dict[str, pd.DataFrame], first: str) -> str | None:
        """None if the numbers support the claim, else what they say instead."""
        ref = self.against or first
        other_ref = self.other_against or ref
        others = [self.value, other_ref] if self.test == "moves_more_than" else []
        missing = [n for n in (self.run, ref, *others) if n not in runs_of]
        if missing:
            return f"no run named {', '.join(repr(n) for n in missing)} for the claim on {self.outcome.key}"
        m, runs = self.outcome, runs_of[self.run]
        if self.test in ("below", "above"):
            for col, wanted in self.where:
                runs = runs[runs[col] == wanted]
            value, lo, hi = m.estimate(runs)
            holds = hi < self.value if self.test == "below" else lo > self.value
            if holds:
                return None
            where = "".join(f" with {col}={wanted}" for col, wanted in self.where)
            return (
                f"the notes say {m.label} is {self.test} {self.value} in '{self.run}'{where}, but it is "
                f"{value:.3f} ({lo:.3f} to {hi:.3f})"
            )
        if self.test == "moves_more_than":
            a, b = m.paired(runs_of[ref], runs), m.paired(runs_of[other_ref], runs_of[self.value])
            if abs(a.diff) > abs(b.diff):
                return None
            return (
                f"the notes say {m.label} moves more in '{self.run}' ({a.diff:+.3f} against '{ref}') than in "
                f"'{self.value}' ({b.diff:+.3f} against '{other_ref}')"
            )
        if m.kind == "week":
            x, y = m.median(runs), m.median(runs_of[ref])
            if {"up": x > y, "down": x < y, "flat": x == y}[self.value]:
                return None
            return f"the notes say {m.label} goes {self.value} in '{self.run}' against '{ref}', but it is {x} vs {y}"
        d = m.paired(runs_of[ref], runs)
        if {"up": d.lo > 0, "down": d.hi < 0, "flat": d.lo <= 0 <= d.hi}[self.value]:
            return None
        return (
            f"the notes say {m.label} goes {self.value} in '{self.run}' against '{ref}', but the difference "
            f"is {d.diff:+.3f} ({d.lo:+.3f} to {d.hi:+.3f})"
        )


# --------------------------------------------------------------------------- the isf-play games

_SIDE = re.compile(r"(player|model) (\d+)")
_TESTS = {
    "above": lambda a, b: a > b,
    "below": lambda a, b: a < b,
    "is": lambda a, b: a == b,
    "is_not": lambda a, b: a != b,
    "includes": lambda a, b: str(b) in str(a).split("+"),
}


@dataclass(frozen=True)
class GameClaim:
    """A comparison the notes state about one game: the player's or the model's own run."""

    side: tuple[str, int]  # ("player", 1) or ("model", 1): game numbers count from 1
    field: str
    test: str  # a key of _TESTS
    value: Any  # a literal, or another side as ("model", 1)

    @classmethod
    def parse(cls, entry: Any) -> GameClaim:
        if isinstance(entry, dict) and "player" in entry and "model" in entry:
            raise SpecError(f"{entry}: give player or model, not both")
        side = "model" if isinstance(entry, dict) and "model" in entry else "player"
        e = _fields(entry, {side, "outcome"}, set(_TESTS), set())
        test = next(t for t in _TESTS if t in e)
        value = e[test]
        m = _SIDE.fullmatch(value) if isinstance(value, str) else None
        return cls((side, int(e[side])), str(e["outcome"]), test, (m.group(1), int(m.group(2))) if m else value)

    def check(self, games: list[tuple[dict, dict]]) -> str | None:
        """None if the games support the claim, else what they give instead (``games``: each
        game's (player's row, model's row))."""

        def of(side: tuple[str, int]) -> Any:
            kind, n = side
            if not 1 <= n <= len(games):
                raise SpecError(f"there is no game {n}: the sheet has {len(games)} isf-play command(s)")
            row = games[n - 1][0 if kind == "player" else 1]
            if self.field not in row:
                raise SpecError(f"the game's outcome has no {self.field!r}")
            v = row[self.field]
            return math.inf if isinstance(v, float) and math.isnan(v) else v  # never = later than all

        left = of(self.side)
        right = of(self.value) if isinstance(self.value, tuple) else self.value
        if _TESTS[self.test](left, right):
            return None
        who = " ".join(map(str, self.side))
        return f"the notes say {self.field} of {who} {self.test.replace('_', ' ')} {right!r}, but it is {left!r}"
