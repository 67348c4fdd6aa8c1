"""What a sheet's instructor notes show and what their prose claims: the sheet's sibling file
``NN_name.numbers.yaml``, beside the prose it checks.

    table: [turkish_troops, deployed, week_deployed]   # the columns of the table of single runs
    differences: [turkish_troops, deployed, deaths]    # each run against the first, same seeds
    also_compare: {late_surge: strike_surge}           # more differences: run against run
    sweep: [turkish_troops]                            # each sweep's table (a two-key grid: the first)
    split: [{run: partial_turkey, by: turkey_role, outcome: saudi_money}]   # one run's rows by a column
    claims: [...]                                      # see sim.teaching.exercises.claims
    games: [...]

Outcomes are named as in the report (:func:`sim.teaching.exercises.measures.measure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.teaching.exercises.claims import GameClaim, RunClaim, SpecError
from sim.teaching.exercises.measures import Measure, measure

FIELDS = ("table", "differences", "also_compare", "sweep", "split", "claims", "games")


@dataclass(frozen=True)
class Split:
    """One run's rows grouped by a column's values, with an outcome per group."""

    run: str
    by: str
    outcome: Measure


@dataclass(frozen=True)
class NumbersSpec:
    """The tables of a sheet's numbers block and the claims its prose makes."""

    table: tuple[Measure, ...]
    differences: tuple[Measure, ...]
    also_compare: tuple[tuple[str, str], ...] = ()
    sweep: tuple[Measure, ...] = ()
    split: tuple[Split, ...] = ()
    claims: tuple[RunClaim, ...] = ()
    games: tuple[GameClaim, ...] = ()


def spec_path(sheet: Path) -> Path:
    """``01_veto_players.md`` -> ``01_veto_players.numbers.yaml``."""
    return sheet.with_suffix(".numbers.yaml")


def load_spec(sheet: Path) -> NumbersSpec:
    """Read and check the sheet's .numbers.yaml; :class:`SpecError` naming the file and the entry."""
    import yaml

    path = spec_path(sheet)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return _spec(data)
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path.name}: {str(exc).splitlines()[0]}") from None
    except (SpecError, KeyError, TypeError) as exc:
        raise SpecError(f"{path.name}: {exc}") from None


def _spec(data: dict[str, Any]) -> NumbersSpec:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise SpecError(f"unknown {', '.join(sorted(unknown))} (the fields are {', '.join(FIELDS)})")

    def measures(field: str) -> tuple[Measure, ...]:
        try:
            return tuple(measure(str(name)) for name in data.get(field) or ())
        except KeyError as exc:
            raise SpecError(f"{field}: unknown outcome {exc}") from None

    splits = tuple(Split(str(s["run"]), str(s["by"]), measure(str(s["outcome"]))) for s in data.get("split") or ())
    return NumbersSpec(
        table=measures("table"),
        differences=measures("differences"),
        also_compare=tuple((str(a), str(b)) for a, b in (data.get("also_compare") or {}).items()),
        sweep=measures("sweep") or (measure("deployed"),),
        split=splits,
        claims=tuple(RunClaim.parse(c) for c in data.get("claims") or ()),
        games=tuple(GameClaim.parse(c) for c in data.get("games") or ()),
    )
