"""`isf-score FORECAST OUTCOMES.yaml`: score a forecast against what happened (score.json and a
reliability diagram, reliability.png and .svg)."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

DESCRIPTION = """Score a forecast against outcomes: Brier score with its decomposition
(reliability, resolution, uncertainty), log score, skill against a coin, the status quo
and the base rate, and the share of simulated runs that matched every outcome."""

EPILOG = """FORECAST is a folder written by isf-forecast (forecast.csv, answers.parquet,
registration.json) or a CSV file with columns question, p. OUTCOMES.yaml maps each
question id to {outcome: 0 or 1, date: YYYY-MM-DD, source: "..."}.

Writes score.json, reliability.png and reliability.svg into --out: by default the
forecast folder itself, or a folder score/ beside a CSV file."""


def printable(text) -> str:
    """``text`` with control characters (escape sequences, newlines, ...) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (``isf-score: error: ...``, exit 2)."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(2, f"isf-score: error: {printable(message)}\n")


def parser() -> Parser:
    p = Parser(
        prog="isf-score",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("forecast", type=Path, metavar="FORECAST", help="a forecast folder or a CSV file (question, p)")
    p.add_argument("outcomes", type=Path, metavar="OUTCOMES.yaml", help="question_id: {outcome, date, source}")
    p.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: see below)")
    p.add_argument(
        "--partial", action="store_true", help="score only the questions with outcomes (default: all need one)"
    )
    return p


def _fail(msg: str) -> int:
    print(f"isf-score: error: {printable(msg)}", file=sys.stderr)
    return 2


def _num(x, fmt: str = ".4f", signed: bool = False) -> str:
    if x is None:
        return "n/a"
    return format(x, ("+" if signed else "") + fmt)


def table(result: dict) -> str:
    """The per-question table: question, p, outcome, squared error, status quo."""
    rows = [(printable(q["question"]), q) for q in result["questions"]]
    width = max(len("question"), *(len(name) for name, _ in rows))
    lines = [f"{'question':<{width}}  {'p':>6}  {'outcome':>7}  {'sq. error':>9}  {'status quo':>10}"]
    for name, q in rows:
        sq = "n/a" if q["status_quo"] is None else str(q["status_quo"])
        lines.append(f"{name:<{width}}  {q['p']:>6.3f}  {q['outcome']:>7d}  {q['squared_error']:>9.4f}  {sq:>10}")
    return "\n".join(lines)


def summary(result: dict) -> str:
    s = result["skill"]
    rest = result["remainder"] if abs(result["remainder"]) >= 5e-13 else 0.0  # no "-0.0000" from rounding
    lines = [
        f"Brier score {result['brier']:.4f} over {result['n']} questions (0 is perfect; a coin scores 0.25)",
        f"  = reliability {result['reliability']:.4f} - resolution {result['resolution']:.4f}"
        f" + uncertainty {result['uncertainty']:.4f} + remainder {rest:+.4f}",
        f"log score {result['log_score']:.4f} (mean ln of the probability given to what happened; 0 is perfect)",
        f"skill (1 - Brier / Brier of the reference): coin {_num(s['coin'], '.3f', True)},"
        f" status quo {_num(s['status_quo'], '.3f', True)}, base rate {_num(s['base_rate'], '.3f', True)}",
        f"world share {_num(result['world_share'], '.3f')} (runs whose answers match every outcome)",
    ]
    if result["unscored"]:
        lines.append(f"not scored (no outcome, --partial): {', '.join(map(printable, result['unscored']))}")
    lines += [f"note: {printable(n)}" for n in result["notes"]]
    return "\n".join(lines)


def figure(result: dict, fmt: str) -> bytes:
    """The reliability diagram as PNG or SVG bytes (matplotlib's Agg canvas, no pyplot)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 6.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], ls="--", color="0.45", lw=1.2, label="perfectly reliable")
    obar = sum(q["outcome"] for q in result["questions"]) / result["n"]
    ax.axhline(obar, ls=":", color="tab:green", lw=1.2, label=f"base rate {obar:.2f}")
    used = [b for b in result["bins"] if b["n"]]
    top = max(b["n"] for b in used)
    xs, ys = [b["mean_p"] for b in used], [b["observed"] for b in used]
    ax.plot(xs, ys, color="tab:blue", lw=1.0, alpha=0.6)
    sizes = [60 + 340 * b["n"] / top for b in used]
    ax.scatter(
        xs, ys, s=sizes, color="tab:blue", alpha=0.8, zorder=3, edgecolor="white", label="a tenth of p (size: n)"
    )
    for b, size in zip(used, sizes):
        gap = size**0.5 / 2 + 8  # points from the marker's centre to the label's
        below = b["observed"] > 0.85
        ax.annotate(
            f"n={b['n']}",
            (b["mean_p"], b["observed"]),
            xytext=(0, -gap if below else gap),
            textcoords="offset points",
            ha="center",
            va="top" if below else "bottom",
            fontsize=10,
        )
    # each question's p, as a rug under the axis
    ps = [q["p"] for q in result["questions"]]
    ax.plot(ps, [-0.035] * result["n"], "|", color="0.3", ms=10, label="each question's p")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.06, 1.06)
    ax.set_xticks([i / 10 for i in range(11)])
    ax.set_yticks([i / 10 for i in range(11)])
    ax.grid(True, color="0.9", lw=0.8)
    ax.set_xlabel("forecast probability (mean within each tenth)", fontsize=11)
    ax.set_ylabel("observed frequency (share that happened)", fontsize=11)
    reg = result.get("registration") or {}
    about = f"{reg['case']} forecast, cutoff {reg.get('cutoff', '?')}" if reg.get("case") else "forecast"
    ax.set_title(
        f"Reliability: {printable(about)}\n{result['n']} questions, Brier {result['brier']:.3f}",
        fontsize=12,
    )
    ax.legend(loc="upper left", fontsize=9, frameon=False, markerscale=0.6)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Entry point of `isf-score`; returns the exit code (2 for unusable input)."""
    from sim.report.cli import guarded

    return guarded("isf-score", _main, argv)


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    from sim.forecasting.score import ScoreError, score

    if args.out is not None and args.out.exists() and not args.out.is_dir():
        return _fail(f"--out {args.out}: exists and is not a folder; give a folder for the score")
    try:
        result = score(args.forecast, args.outcomes, partial=args.partial)
    except ScoreError as exc:
        return _fail(str(exc))
    out = args.out or (args.forecast if args.forecast.is_dir() else args.forecast.parent / "score")
    files = {  # everything made before anything is written
        "score.json": (json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode(),
        "reliability.png": figure(result, "png"),
        "reliability.svg": figure(result, "svg"),
    }
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
    except OSError as exc:
        return _fail(f"cannot write to {out}: {exc.strerror or exc}")
    print(table(result))
    print()
    print(summary(result))
    print(f"wrote {', '.join(str(out / name) for name in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
