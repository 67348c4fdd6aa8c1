"""``python -m sim.exercises`` (or ``python -m sim.teaching.exercises``): write the numbers of the
instructor keys, check the claims their prose makes, and write classroom handouts.

    python -m sim.exercises                        # all sheets (a few minutes on two cores)
    python -m sim.exercises 03                     # the sheets whose file name starts with 03
    python -m sim.exercises --check                # exit 1, naming each stale key; writes nothing
    python -m sim.exercises --runs 100             # a quick draft (the blocks then say 100 runs)
    python -m sim.exercises --handouts DIR         # DIR/students: the handouts; DIR/instructor: the key
    python -m sim.exercises --handouts DIR --key KEYDIR     # ... the key in KEYDIR instead
    python -m sim.exercises --handouts DIR --keep-numbers   # ... with the keys' stored numbers
    python -m sim.exercises --case PATH            # the sheets' commands on another case (case=NAME|PATH too)

A sheet is a students' sheet ``NN_name.md`` (its commands in ```` ```bash ```` blocks) and an
instructor key ``NN_name.key.md`` (answers, notes, and the generated numbers). Exit 1 as well
when a claim of a sheet's ``.numbers.yaml`` is not supported by the numbers, so the prose cannot
drift away from the model — except in a draft whose ``--runs`` is below a sheet's own run count,
where a claim the numbers do not support is reported as "not checked at this run count" (too few
runs to tell; the intervals are wide), not as a false alarm. Exit 2 with one line for bad input
(an unknown sheet, an unreadable ``.numbers.yaml``, a handouts folder that cannot be written, a
key folder inside the students' folder). A bar on stderr (when it is a terminal) counts the jobs
and games as they finish.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.progress import bar
from sim.teaching.exercises.block import numbers_block
from sim.teaching.exercises.claims import SpecError
from sim.teaching.exercises.running import SheetRuns, own_runs, play_game, run_all, sheet_runs
from sim.teaching.exercises.sheets import ROOT, key_path, replace_block, sheet_paths
from sim.teaching.exercises.spec import NumbersSpec, load_spec, spec_path

PROG = "python -m sim.exercises"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"{PROG}: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    ap = _Parser(prog=PROG, description="Write and check the exercises' instructor numbers; write handouts.")
    ap.add_argument("sheets", nargs="*", help="sheet file names or prefixes (default: all)")
    ap.add_argument("--runs", type=int, help="replace the runs= of every command (default: the sheet's own)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a sheet's numbers are stale")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the runs (default 2)")
    ap.add_argument(
        "--handouts", metavar="DIR", type=Path, help="write the students' handouts (DIR/students) and the key"
    )
    ap.add_argument("--key", metavar="KEYDIR", type=Path, help="with --handouts: the key's folder (DIR/instructor)")
    ap.add_argument("--case", metavar="NAME|PATH", help="the case the sheets' commands run (default: the default case)")
    ap.add_argument("--keep-numbers", action="store_true", help="with --handouts: the keys' numbers as stored")
    return ap


def unsupported(sheet: SheetRuns, spec: NumbersSpec, results: dict, games: list) -> list[str]:
    """The sheet's claims that its numbers do not support, each with what the numbers say."""
    named = sheet.named(results)
    first = sheet.singles[0].label if sheet.singles else ""
    why = [c.check(named, first) for c in spec.claims]
    why += [c.check([(g.player, g.model) for g in games]) for c in spec.games]
    return [f"{sheet.path.name}: {w}" for w in why if w]


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    argv = [f"--case={a.split('=', 1)[1]}" if a.startswith("case=") else a for a in argv]  # case=NAME as isf-sim
    args = parser().parse_args(argv)
    if args.case is not None:
        from sim.config.compose import case_dir
        from sim.model.params import ConfigError

        try:
            case_dir(args.case)
        except ConfigError as exc:
            return _fail(str(exc))
    paths = sheet_paths(args.sheets)
    if not paths:
        names = ", ".join(p.name for p in sheet_paths())
        return _fail(f"no sheet matches {' '.join(args.sheets)}; sheets: {names}")
    if args.runs is not None and not 1 <= args.runs <= 100_000:
        return _fail(f"--runs {args.runs}: give a whole number from 1 to 100000")
    if args.handouts is not None and args.handouts.exists() and not args.handouts.is_dir():
        return _fail(f"--handouts {args.handouts}: not a directory")
    if args.keep_numbers and args.handouts is None:
        return _fail("--keep-numbers goes with --handouts DIR")
    if args.key is not None:
        from sim.teaching.exercises.handouts import folders, key_inside_students

        if args.handouts is None:
            return _fail("--key goes with --handouts DIR")
        if args.key.exists() and not args.key.is_dir():
            return _fail(f"--key {args.key}: not a directory")
        students = folders(args.handouts, args.key)[0]
        if key_inside_students(students, args.key):
            return _fail(f"--key {args.key}: in or around the students' folder {students}; the key must stay apart")
    try:
        specs = [load_spec(p) for p in paths]
    except SpecError as exc:
        return _fail(str(exc))
    if args.handouts is not None and args.keep_numbers:
        return _handouts(args.handouts, paths, None, args.key)
    sheets = [sheet_runs(p, args.runs, args.case) for p in paths]
    keys = [k for s in sheets for k in s.keys]
    total = len(set(keys)) + sum(len(s.plays) for s in sheets)
    with bar(sys.stderr.isatty(), total, f"{PROG}: the sheets' runs", unit="job") as tick:
        results = run_all(keys, args.jobs, tick)
        games_of = {s.path: [_played(c, tick) for c in s.plays] for s in sheets}
    stale, broken, unchecked, blocks = [], [], [], {}
    for sheet, spec in zip(sheets, specs):
        games = games_of[sheet.path]
        try:
            failed = unsupported(sheet, spec, results, games)
        except SpecError as exc:  # a claim on a game or a field the sheet does not have
            return _fail(f"{spec_path(sheet.path).name}: {exc}")
        own = own_runs(sheet.path)
        if failed and args.runs is not None and args.runs < own:  # a draft: too few runs to tell
            n = len(spec.claims) + len(spec.games)
            unchecked.append(
                f"{sheet.path.name}: {len(failed)} of {n} claims not checked at this run count (--runs "
                f"{args.runs} is below the sheet's own {own:,} runs); run without --runs to check them"
            )
        else:
            broken += failed
        blocks[sheet.path] = numbers_block(sheet, spec, results, games)
        if args.handouts is not None:
            continue
        key = key_path(sheet.path)
        text = key.read_text(encoding="utf-8")
        new = replace_block(text, blocks[sheet.path])
        if new != text:
            stale.append(key)
            if not args.check:
                key.write_text(new, encoding="utf-8")
        state = ("stale" if args.check else "updated") if new != text else "up to date"
        print(f"{key.relative_to(ROOT)}: {state}")
    for b in broken:
        print(f"claim not supported: {b}", file=sys.stderr)
    for u in unchecked:
        print(f"note: {u}", file=sys.stderr)
    if args.handouts is not None:
        code = _handouts(args.handouts, paths, blocks, args.key)
        return code or (1 if broken else 0)
    if args.check and stale:
        print(f"stale: {', '.join(p.name for p in stale)} (run: {PROG})", file=sys.stderr)
        return 1
    return 1 if broken else 0


def _played(cmd, tick):
    game = play_game(cmd)
    if tick:
        tick(1)
    return game


def _handouts(out: Path, paths: list[Path], blocks: dict | None, key: Path | None = None) -> int:
    from sim.teaching.exercises.handouts import folders, write_handouts

    try:
        written = write_handouts(out, paths, blocks, key)
    except OSError as exc:
        return _fail(f"--handouts {out}: cannot write there ({exc.strerror or exc})")
    for path in written:
        print(path)
    students, instructor = folders(out, key)
    print(f"hand out {students}/ (the sheets and the evidence); keep {instructor}/ (the key) to yourself")
    return 0
