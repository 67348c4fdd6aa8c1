"""``python -m sim.teaching.exercises``: write the numbers of the sheets' instructor notes and
check the claims their prose makes.

    python -m sim.teaching.exercises               # all sheets (about a minute on two cores)
    python -m sim.teaching.exercises 03            # the sheets whose file name starts with 03
    python -m sim.teaching.exercises --check       # exit 1, naming each stale sheet; writes nothing
    python -m sim.teaching.exercises --runs 100    # a quick draft (the blocks then say 100 runs)

Exit 1 as well when a claim of a sheet's ``.numbers.yaml`` is not supported by the numbers, so
the prose cannot drift away from the model; exit 2 for an unknown sheet or an unreadable
``.numbers.yaml``.
"""

from __future__ import annotations

import argparse
import sys

from sim.teaching.exercises.block import numbers_block
from sim.teaching.exercises.claims import SpecError
from sim.teaching.exercises.running import SheetRuns, play_game, run_all, sheet_runs
from sim.teaching.exercises.sheets import ROOT, replace_block, sheet_paths
from sim.teaching.exercises.spec import NumbersSpec, load_spec, spec_path


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m sim.teaching.exercises",
        description="Write and check the numbers of the exercises' instructor notes.",
    )
    ap.add_argument("sheets", nargs="*", help="sheet file names or prefixes (default: all)")
    ap.add_argument("--runs", type=int, help="replace the runs= of every command (default: the sheet's own)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a sheet's numbers are stale")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the runs (default 2)")
    return ap


def unsupported(sheet: SheetRuns, spec: NumbersSpec, results: dict, games: list) -> list[str]:
    """The sheet's claims that its numbers do not support, each with what the numbers say."""
    named = sheet.named(results)
    first = sheet.singles[0].label if sheet.singles else ""
    why = [c.check(named, first) for c in spec.claims]
    why += [c.check([(g.player, g.model) for g in games]) for c in spec.games]
    return [f"{sheet.path.name}: {w}" for w in why if w]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    paths = sheet_paths(args.sheets)
    if not paths:
        print(
            f"no sheet matches {' '.join(args.sheets)}; sheets: {', '.join(p.name for p in sheet_paths())}",
            file=sys.stderr,
        )
        return 2
    try:
        specs = [load_spec(p) for p in paths]
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sheets = [sheet_runs(p, args.runs) for p in paths]
    results = run_all([k for s in sheets for k in s.keys], args.jobs)
    stale, broken = [], []
    for sheet, spec in zip(sheets, specs):
        games = [play_game(c) for c in sheet.plays]
        try:
            broken += unsupported(sheet, spec, results, games)
        except SpecError as exc:  # a claim on a game or a field the sheet does not have
            print(f"error: {spec_path(sheet.path).name}: {exc}", file=sys.stderr)
            return 2
        text = sheet.path.read_text()
        new = replace_block(text, numbers_block(sheet, spec, results, games))
        if new != text:
            stale.append(sheet.path)
            if not args.check:
                sheet.path.write_text(new)
        state = ("stale" if args.check else "updated") if new != text else "up to date"
        print(f"{sheet.path.relative_to(ROOT)}: {state}")
    for b in broken:
        print(f"claim not supported: {b}", file=sys.stderr)
    if args.check and stale:
        print(f"stale: {', '.join(p.name for p in stale)} (run: python -m sim.teaching.exercises)", file=sys.stderr)
        return 1
    return 1 if broken else 0
