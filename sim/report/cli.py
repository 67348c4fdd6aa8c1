"""`isf-report DIR [DIR ...]`: figures, summary.md and report.html from result folders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EPILOG = """outcomes for --outcome: deployed, un_authorized, ceasefire_collapsed, turkish_troops,
deployed_without_turkey, funding_released, enforcement_mandate, turkish_liaison, veto_yielded,
border_mandate, gulf_money, saudi_money, qatari_money, their labels such as
"P(deployed without Türkiye)", or any boolean column of runs.parquet.

With two or more folders the first is the reference: each other folder is compared
with it. Folders run on the same seeds (isf-sim's default) are compared run by run
(paired intervals), others as independent samples; the output says which. The
differences listed hold at a false discovery rate of 5 % (Benjamini-Hochberg).

Folders are labelled by their scenario and the settings that differ between them
(e.g. "us_presses_israel ISR.resolve=0.4"); --label NAME=PATH names one yourself."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="isf-report",
        description="Write figures (PNG, SVG), summary.md and a self-contained report.html "
        "from isf-sim result folders.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dirs", nargs="+", metavar="DIR", help="result folder(s): a run or a sweep (multirun) folder")
    p.add_argument("--out", type=Path, help="output folder (default: FIRST_DIR/report)")
    p.add_argument(
        "--outcome",
        help="binary outcome for the heat map and scenario discovery (default: the one the experiment "
        "names in its config, report: {outcome: NAME}, else deployed)",
    )
    p.add_argument(
        "--top-k",
        type=int,
        default=6,
        metavar="K",
        help="configurations shown per scenario; the rest are grouped as 'other' (default: 6)",
    )
    p.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="K",
        help="parameters shown per outcome in the sensitivity figure (default: 10)",
    )
    p.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="call the folder PATH by NAME in tables, figures and comparisons (repeatable)",
    )
    p.add_argument("--csv", action="store_true", help="also write the report's tables as CSV files beside summary.md")
    p.add_argument("--seed", type=int, help="seed of the traced run to draw (default: the first)")
    p.add_argument(
        "--prim-threshold", type=float, default=0.8, metavar="D", help="minimum density of the PRIM box (default: 0.8)"
    )
    return p


def _fail(msg: str) -> int:
    print(f"isf-report: error: {msg}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of `isf-report`; returns the exit code (2 for unusable input)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and closed early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    # Imports after parsing so that --help and usage errors are instant.
    from sim.report import analysis as an
    from sim.report.build import Options, assemble
    from sim.report.folders import NotAResultFolder, load
    from sim.report.labels import parse_label
    from sim.report.render import comparison_lines, write

    try:
        folders = [load(d) for d in args.dirs]
    except NotAResultFolder as exc:
        return _fail(str(exc))
    if args.top_k < 1 or args.top < 1:
        return _fail("--top-k and --top must be at least 1")
    try:
        labels = dict(parse_label(text) for text in args.label)
    except ValueError as exc:
        return _fail(str(exc))
    given = {f.path.resolve() for f in folders}
    stray = [path for path in labels.values() if Path(path).resolve() not in given]
    if stray:
        return _fail(f"--label names {', '.join(stray)}, which is not among the folders given")
    columns = set().union(*(f.runs.columns for f in folders if f.runs is not None))
    outcome = None
    if args.outcome is not None:
        try:
            outcome = an.resolve_outcome(args.outcome, columns)
        except KeyError:
            return _fail(f"unknown outcome {args.outcome!r}; use one of {', '.join(an.OUTCOMES)} or a boolean column")
    out = args.out or folders[0].path / "report"
    opts = Options(outcome, args.top_k, args.seed, args.prim_threshold, args.top, labels)
    report = assemble(folders, opts)
    try:
        write(report, out, csv=args.csv)
    except OSError as exc:
        return _fail(f"cannot write the report to {out}: {exc.strerror or exc}")
    made = [i.name for i in report.items if i.figure is not None]
    csv = ", CSV tables" if args.csv else ""
    print(f"report: {out / 'report.html'} (and summary.md, PNG and SVG figures{csv})")
    print(f"made: {', '.join(made) if made else 'no figures'}")
    for item in report.items:
        if item.skipped:
            print(f"skipped {item.name}: {item.skipped}")
    for note in [n for f in folders for n in f.notes] + report.notes:
        print(f"note: {note}")
    for line in comparison_lines(report, limit=6):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
