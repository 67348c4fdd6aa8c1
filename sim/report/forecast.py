"""isf-report on a forecast folder (``isf-forecast``'s forecast.csv and registration.json): a short
report of its questions, and of its score when ``isf-score`` has written one into the folder.

``report/summary.md`` and ``report/report.html``: what was forecast (the registration), one row
per question (p with its 95 % interval, the range across the bargaining rules, the status-quo
answer) and, with ``score.json``, the Brier score, its decomposition, the skill scores and the
per-question errors, with ``reliability.png`` embedded. Every text from the folder passes
through :func:`sim.report.markup.md` (summary.md) or :func:`sim.report.render.esc` (report.html).
"""

from __future__ import annotations

import base64
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.report.markup import md
from sim.report.reading import NotAResultFolder, read_json
from sim.report.render import CSS, esc, html_table, markdown_table

FILES = ("forecast.csv", "registration.json")
NEEDED = ("question", "p", "low", "high", "rule_low", "rule_high", "status_quo")
SHOWN = ("case", "title", "scenario", "runs", "seed", "uncertainty", "horizon_weeks", "cutoff", "rule", "rules",
         "commit", "created", "command", "case_hash", "questions_hash")  # fmt: skip


class NotAForecast(ValueError):
    """A forecast folder that cannot be read: one line saying why."""


def is_forecast(path: Path) -> bool:
    """A folder holding forecast.csv and registration.json (what isf-forecast writes)."""
    return path.is_dir() and all((path / f).is_file() for f in FILES)


@dataclass
class Folder:
    path: Path
    table: pd.DataFrame
    registration: dict
    score: dict | None
    diagram: bytes | None


def load(path: Path) -> Folder:
    try:
        table = pd.read_csv(path / "forecast.csv", dtype={"question": str, "text": str})
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise NotAForecast(f"{path / 'forecast.csv'}: cannot be read as a CSV file ({exc})") from None
    missing = [c for c in NEEDED if c not in table.columns]
    if missing:
        raise NotAForecast(f"{path / 'forecast.csv'}: no column {', '.join(missing)}; is it isf-forecast's?")
    registration = _json(path / "registration.json")
    score = _json(path / "score.json") if (path / "score.json").is_file() else None
    png = path / "reliability.png"
    diagram = png.read_bytes() if score is not None and png.is_file() else None
    return Folder(path, table, registration, score, diagram)


def _json(path: Path) -> dict:
    """A JSON object, read as the report reads every JSON file (sim.report.reading: size and depth limits)."""
    try:
        return read_json(path)
    except NotAResultFolder as exc:
        raise NotAForecast(str(exc)) from None


def _num(v, fmt: str = ".3f", signed: bool = False) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if math.isnan(x) else format(x, ("+" if signed else "") + fmt)


def questions(f: Folder) -> pd.DataFrame:
    t = f.table
    return pd.DataFrame(
        {
            "question": t["question"],
            "text": t["text"] if "text" in t else "",
            "p": [_num(p) for p in t["p"]],
            "95% interval (Wilson)": [f"[{_num(lo)}, {_num(hi)}]" for lo, hi in zip(t["low"], t["high"])],
            "rule range": [f"{_num(lo)}–{_num(hi)}" for lo, hi in zip(t["rule_low"], t["rule_high"])],
            "status quo": ["yes" if str(s).strip() in ("1", "True", "true") else "no" for s in t["status_quo"]],
        }
    )


def registration(f: Folder) -> pd.DataFrame:
    reg = f.registration
    rows = []
    for key in SHOWN:
        if key not in reg:
            continue
        value = reg[key]
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        if key.endswith("_hash") and isinstance(value, str):
            value = f"sha256 {value}"
        rows.append({"": key, "value": "n/a" if value is None else str(value)})
    return pd.DataFrame(rows, columns=["", "value"])


def score_lines(s: dict) -> list[str]:
    """The score's summary, one sentence each (as isf-score prints it, in short)."""
    skill = s.get("skill") or {}
    lines = [
        f"Brier score {_num(s.get('brier'), '.4f')} over {s.get('n')} questions (0 is perfect; a coin scores 0.25)",
        f"reliability {_num(s.get('reliability'), '.4f')}, resolution {_num(s.get('resolution'), '.4f')}, "
        f"uncertainty {_num(s.get('uncertainty'), '.4f')}",
        f"log score {_num(s.get('log_score'), '.4f')} (0 is perfect)",
        f"skill (1 − Brier / Brier of the reference): coin {_num(skill.get('coin'), '.3f', True)}, "
        f"status quo {_num(skill.get('status_quo'), '.3f', True)}, "
        f"base rate {_num(skill.get('base_rate'), '.3f', True)}",
        f"world share {_num(s.get('world_share'))} (runs whose answers match every outcome)",
    ]
    if s.get("unscored"):
        lines.append(f"not scored (no outcome): {', '.join(map(str, s['unscored']))}")
    lines += [f"note: {n}" for n in s.get("notes") or []]
    return lines


def scored(s: dict) -> pd.DataFrame:
    rows = [
        {
            "question": q.get("question"),
            "p": _num(q.get("p")),
            "outcome": q.get("outcome"),
            "squared error": _num(q.get("squared_error"), ".4f"),
            "date": q.get("date"),
            "source": q.get("source") or "",
        }
        for q in s.get("questions") or []
        if isinstance(q, dict)
    ]
    return pd.DataFrame(rows, columns=["question", "p", "outcome", "squared error", "date", "source"])


ABOUT = (
    "p: the share of runs answering yes under the configured bargaining rule, with its Monte Carlo 95 % "
    "Wilson interval; rule range: the lowest and highest p across the admitted rules (structural "
    "uncertainty, which more runs do not shrink); status quo: the answer if nothing changed from week 0."
)


def _title(f: Folder) -> str:
    reg = f.registration
    return f"Forecast — {reg.get('title') or reg.get('case') or f.path.name}"


def summary_md(f: Folder) -> str:
    out = [f"# {md(_title(f))}", "", "## Registration", "", markdown_table(registration(f)), ""]
    out += ["## Questions", "", md(ABOUT), "", markdown_table(questions(f)), ""]
    if f.score is not None:
        out += ["## Score", "", "_Scored by isf-score against the outcomes file it was given._", ""]
        out += [f"- {md(line)}" for line in score_lines(f.score)] + [""]
        if f.diagram is not None:
            out += ["![Reliability diagram](reliability.png)", ""]
        out += [markdown_table(scored(f.score)), ""]
    return "\n".join(out)


def report_html(f: Folder) -> str:
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(_title(f))}</title>"
        f"<style>{CSS}</style></head><body><h1>{esc(_title(f))}</h1>",
        "<h2>Registration</h2>",
        html_table(registration(f)),
        "<h2>Questions</h2>",
        f"<p>{esc(ABOUT)}</p>",
        html_table(questions(f)),
    ]
    if f.score is not None:
        parts += ["<h2>Score</h2>", "<p class='note'>Scored by isf-score against the outcomes file it was given.</p>"]
        parts += ["<ul>", *(f"<li>{esc(line)}</li>" for line in score_lines(f.score)), "</ul>"]
        if f.diagram is not None:
            b64 = base64.b64encode(f.diagram).decode("ascii")
            parts.append(f"<img alt='Reliability diagram' src='data:image/png;base64,{b64}'>")
        parts.append(html_table(scored(f.score)))
    parts.append("</body></html>")
    return "\n".join(parts)


def write(f: Folder, out: Path) -> list[Path]:
    """summary.md and report.html (and a copy of reliability.png, which summary.md shows) into
    ``out``: written beside it first, then moved in, so a failure leaves nothing half-written."""
    base = next(p for p in [out.parent, *out.parent.parents] if p.is_dir())
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=base))
    try:
        (tmp / "summary.md").write_text(summary_md(f), encoding="utf-8")
        (tmp / "report.html").write_text(report_html(f), encoding="utf-8")
        if f.diagram is not None:
            (tmp / "reliability.png").write_bytes(f.diagram)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in sorted(p.name for p in tmp.iterdir()):
            os.replace(tmp / name, out / name)
            written.append(out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
