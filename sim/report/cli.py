"""`isf-report DIR [DIR ...]`: figures, summary.md and report.html from result folders (or, for
one forecast folder written by isf-forecast, its short report: :mod:`sim.report.forecast`)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from sim.report.markup import printable

EPILOG = """outcomes for --outcome: those every case has (deployed, deployed_at_horizon,
un_authorized, ceasefire_collapsed, funding_released), the named outcomes of the folder's case
(its case.yaml: report.outcomes), their labels such as "P(UN authorized)", or any boolean column
of runs.parquet.

With two or more folders the first is the reference: each other folder is compared
with it. Folders run on the same seeds (isf-sim's default) are compared run by run
(paired intervals), others as independent samples; the output says which. The
differences listed hold at a false discovery rate of 5 % (Benjamini-Hochberg).

Folders are labelled by their scenario and the settings that differ between them
(e.g. "SCENARIO <ID>.resolve=0.4"); --label NAME=PATH names one yourself.

A forecast folder (isf-forecast's forecast.csv and registration.json) gets a short
report of its own: its questions, and its score if isf-score wrote one into it."""


MAX_COUNT = 10_000  # --top, --top-k: more rows than any figure can show


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (``isf-report: error: ...``, exit 2)."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(2, f"isf-report: error: {printable(message)}\n")


def _whole(text: str, low: int, high: float, allowed: str, outside: str) -> int:
    """A whole number in [low, high] (argparse names the option in its error)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; {allowed}") from None
    if not low <= n <= high:
        raise argparse.ArgumentTypeError(f"{n} {outside}; {allowed}")
    return n


def count(text: str) -> int:
    """A whole number from 1 to MAX_COUNT."""
    return _whole(text, 1, MAX_COUNT, f"give 1 to {MAX_COUNT}", "is out of range")


def seed(text: str) -> int:
    return _whole(text, 0, math.inf, "give a run's seed (0 or more)", "is negative")


def density(text: str) -> float:
    """A share strictly between 0 and 1 (finite)."""
    try:
        d = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give a share between 0 and 1, e.g. 0.8") from None
    if not math.isfinite(d) or not 0 < d < 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1 (both excluded); give e.g. 0.8")
    return d


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="isf-report",
        description="Write figures (PNG, SVG), summary.md and a self-contained report.html "
        "from isf-sim result folders.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "dirs",
        nargs="+",
        metavar="DIR",
        help="result folder(s): a run or a sweep (multirun) folder; a folder of results such as "
        "results/baseline means its latest run; or one forecast folder (isf-forecast)",
    )
    p.add_argument("--version", action=Version, help="print isf-report's version and exit")
    p.add_argument("--out", type=Path, help="output folder (default: FIRST_DIR/report)")
    p.add_argument(
        "--outcome",
        help="binary outcome for the heat map and scenario discovery (default: the one the experiment "
        "names in its config, report: {outcome: NAME}, else deployed)",
    )
    p.add_argument(
        "--top-k",
        type=count,
        default=6,
        metavar="K",
        help="configurations shown per scenario; the rest are grouped as 'other' (default: 6)",
    )
    p.add_argument(
        "--top",
        type=count,
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
    p.add_argument("--seed", type=seed, help="seed of the traced run to draw (default: the first)")
    p.add_argument(
        "--prim-threshold",
        type=density,
        default=0.8,
        metavar="D",
        help="minimum density of the PRIM box, between 0 and 1 (default: 0.8)",
    )
    return p


class Version(argparse.Action):
    """``--version``: the installed project's version (looked up only when asked)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("isf-sim")
        except PackageNotFoundError:  # a source checkout that was never installed
            text = "unknown (not installed)"
        print(f"isf-report {text}")
        parser.exit(0)


def _fail(msg: str) -> int:
    print(f"isf-report: error: {printable(msg)}", file=sys.stderr)
    return 2


def guarded(prog: str, body, argv: list[str] | None) -> int:
    """Run a command's ``body(argv)``: output piped into `head` and closed early is no error, and
    Ctrl-C is one line (exit 130). isf-report and isf-score share it."""
    try:
        return body(argv)
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; nothing written", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    """Entry point of `isf-report`; returns the exit code (2 for unusable input)."""
    return guarded("isf-report", _main, argv)


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    # Imports after parsing so that --help, --version and usage errors are instant.
    from sim.report import analysis as an
    from sim.report.build import Options, assemble
    from sim.report.folders import NotAResultFolder, load
    from sim.report.labels import parse_label
    from sim.report.render import comparison_lines, write

    try:
        labels = dict(parse_label(text) for text in args.label)
    except ValueError as exc:
        return _fail(str(exc))
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        return _fail(f"--out {args.out}: exists and is not a folder; give a folder for the report")
    from sim.report import forecast

    if any(forecast.is_forecast(Path(d)) for d in args.dirs):
        return _forecast(args, forecast)
    try:
        folders = [load(d) for d in args.dirs]
    except NotAResultFolder as exc:
        return _fail(str(exc))
    if not any(f.usable for f in folders):
        return _fail(next(n for n in folders[0].notes[::-1]) + "; nothing to report")
    # a label may name a folder as given (results/baseline) or as read (its latest run)
    given = {Path(d).resolve(): str(f.path) for d, f in zip(args.dirs, folders)}
    given |= {f.path.resolve(): str(f.path) for f in folders}
    stray = [path for path in labels.values() if Path(path).resolve() not in given]
    if stray:
        return _fail(f"--label names {', '.join(stray)}, which is not among the folders given")
    labels = {name: given[Path(path).resolve()] for name, path in labels.items()}
    try:  # the outcomes and their words are those of the (first) folder's case
        an.activate(folders[0].case)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return _fail(f"{folders[0].path}: its config.yaml's case block cannot be read ({exc})")
    columns = set().union(*(f.runs.columns for f in folders if f.runs is not None))
    outcome = None
    if args.outcome is not None:
        try:
            outcome = an.resolve_outcome(args.outcome, columns)
        except KeyError:
            return _fail(
                f"--outcome: unknown outcome {args.outcome!r}; use one of {', '.join(an.OUTCOMES)} or a boolean column"
            )
        not_yes_no = _not_yes_no(an, outcome, folders)
        if not_yes_no:
            return _fail(
                f"--outcome {args.outcome!r}: {not_yes_no}, not yes/no; allowed: one of {', '.join(an.OUTCOMES)} "
                "or a true/false column"
            )
    out = args.out or folders[0].path / "report"
    opts = Options(outcome, args.top_k, args.seed, args.prim_threshold, args.top, labels)
    report = assemble(folders, opts)
    if not any(i.figure is not None for i in report.items) and (report.outcomes is None or not len(report.outcomes)):
        why = "; ".join(f"{i.name}: {i.skipped}" for i in report.items if i.skipped)
        return _fail(f"{folders[0].path}: nothing to report ({why})")
    try:
        write(report, out, csv=args.csv)
    except OSError as exc:
        return _fail(f"--out {out}: cannot write the report ({(exc.strerror or type(exc).__name__).lower()})")
    _print(report, folders, out, args.csv, comparison_lines)
    return 0


def _not_yes_no(an, outcome: str, folders) -> str:
    """Why ``outcome`` is not a yes/no outcome of the folders' runs ("" if it is one): a named
    outcome, or a true/false column. The heat map and scenario discovery need one; a count such as
    ``troops`` would otherwise be skipped without a word (or read as yes/no where it is 0 or 1)."""
    if outcome in an.OUTCOMES or outcome in an.active().outcomes:
        return ""
    for f in folders:
        if f.runs is None or outcome not in f.runs.columns:
            continue
        col = f.runs[outcome]
        if col.dtype == bool or str(col.dtype) == "boolean":
            continue
        import pandas as pd

        shown = ", ".join(str(v) for v in sorted(pd.unique(col.dropna()), key=str)[:3])
        return f"column {outcome} of {f.name} holds {col.dtype} values ({shown}{', ...' if shown else ''})"
    return ""


def _forecast(args, forecast) -> int:
    """The report of one forecast folder (the other options do not apply to it)."""
    if len(args.dirs) > 1:
        return _fail(f"{', '.join(args.dirs)}: give one forecast folder on its own (forecasts are not compared)")
    path = Path(args.dirs[0])
    try:
        folder = forecast.load(path)
    except forecast.NotAForecast as exc:
        return _fail(str(exc))
    out = args.out or path / "report"
    try:
        forecast.write(folder, out)
    except OSError as exc:
        return _fail(f"--out {out}: cannot write the report ({(exc.strerror or type(exc).__name__).lower()})")
    scored = "with its score" if folder.score is not None else "not scored (no score.json: run isf-score)"
    print(printable(f"report: {out / 'report.html'} (and summary.md): {len(folder.table)} questions, {scored}"))
    return 0


def _print(report, folders, out: Path, csv: bool, comparison_lines) -> None:
    """What was made, skipped and compared, one line each (text from the folders made printable)."""
    made = [i.name for i in report.items if i.figure is not None]
    lines = [f"report: {out / 'report.html'} (and summary.md, PNG and SVG figures{', CSV tables' if csv else ''})"]
    lines.append(f"made: {', '.join(made) if made else 'no figures'}")
    lines += [f"skipped {item.name}: {item.skipped}" for item in report.items if item.skipped]
    lines += [f"note: {note}" for note in [n for f in folders for n in f.notes] + report.notes]
    lines += comparison_lines(report, limit=6)
    for line in lines:
        print(printable(line))


if __name__ == "__main__":
    sys.exit(main())
