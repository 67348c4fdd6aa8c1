"""Writing the report: PNG and SVG figures, summary.md and a self-contained report.html."""

from __future__ import annotations

import base64
import html
import io
import math
import os
import re
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.report import analysis as an
from sim.report.build import Report
from sim.report.compare import method
from sim.report.markup import md, md_alt, printable

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#111;line-height:1.45}
h1{font-size:1.6em} h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0} td,th{border:1px solid #ccc;padding:.2em .5em;
text-align:left} th{background:#f2f2f2} img{max-width:100%;height:auto} .note{color:#555;font-style:italic}
code{background:#f4f4f4;padding:0 .2em} .clear{font-weight:bold}
"""


def save_figures(report: Report, out: Path) -> dict[str, bytes]:
    """Write every made figure as PNG and SVG; return the PNG bytes by item name."""
    out.mkdir(parents=True, exist_ok=True)
    pngs = {}
    for item in report.items:
        if item.figure is None:
            continue
        buf = io.BytesIO()
        item.figure.savefig(buf, format="png")
        pngs[item.name] = buf.getvalue()
        (out / f"{item.name}.png").write_bytes(pngs[item.name])
        item.figure.savefig(out / f"{item.name}.svg", format="svg", metadata={"Date": None})
        plt.close(item.figure)
    return pngs


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        return an.format_number(v) if abs(v) >= 100 else f"{v:.3g}"
    return str(v)


def _table_rows(df: pd.DataFrame, index: bool) -> tuple[list[str], list[list[str]]]:
    d = df.reset_index() if index else df
    head = [str(c) for c in d.columns]
    rows = [[_fmt(v) for v in r] for r in d.itertuples(index=False)]
    return head, rows


def esc(text) -> str:
    """Text for report.html: HTML-escaped (quotes too), control characters shown escaped."""
    return html.escape(printable(text))


def markdown_table(df: pd.DataFrame, index: bool = False) -> str:
    head, rows = _table_rows(df, index)
    lines = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def html_table(df: pd.DataFrame, index: bool = False) -> str:
    head, rows = _table_rows(df, index)
    h = "".join(f"<th>{esc(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _config_table(t: pd.DataFrame) -> pd.DataFrame:
    """The configurations' table; a group pooling a grid's cells has a cluster-bootstrap interval
    (its label says "pooled over N cells"), the others Wilson's; the rule range where known."""
    out = pd.DataFrame(
        {
            "scenario": t["group"],
            "configuration": t["configuration"],
            "runs": t["k"],
            "of": t["n"],
            "P": [f"{p:.3f}" for p in t["p"]],
            "95% interval": [f"[{lo:.3f}, {hi:.3f}]" for lo, hi in zip(t["lo"], t["hi"])],
        }
    )
    if "rule_low" in t:
        out["across rules"] = ["" if pd.isna(a) else f"{a:.3f}–{b:.3f}" for a, b in zip(t["rule_low"], t["rule_high"])]
    return out


def _display(name: str, t: pd.DataFrame) -> tuple[pd.DataFrame | None, bool]:
    """The form of a table shown to readers (and whether its index is meaningful)."""
    if name == "configurations":
        return _config_table(t), False
    if name.startswith("survival"):
        return None, False  # curves are long; the summary holds their medians
    if name == "heat map":
        return heatmap_display(t), True
    if name == "differences":
        return comparison_table(t), False
    return t, False


def heatmap_display(cells: pd.DataFrame) -> pd.DataFrame:
    """Rows: the other swept keys and y; columns: x; cells ``P ± half (runs)``."""
    *facets, x, y = [c for c in cells.columns if c not in ("k", "n", "p", "lo", "hi", "half")]
    rows = [*facets, y]
    shown = cells.assign(cell=[f"{p:.2f} ± {h:.2f} ({n})" for p, h, n in zip(cells["p"], cells["half"], cells["n"])])
    table = shown.pivot_table(index=rows, columns=x, values="cell", aggfunc="first").sort_index()
    return table.rename(columns=lambda v: f"{x} = {v}")


def comparison_table(d: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": d["label"],
            "A": [an.format_number(v) for v in d["a"]],
            "B": [an.format_number(v) for v in d["b"]],
            "B − A": [an.format_number(v) for v in d["diff"]],
            "95% interval": [f"[{an.format_number(lo)}, {an.format_number(hi)}]" for lo, hi in zip(d["lo"], d["hi"])],
            "p": [_p(v) for v in d["p"]],
            "q (BH)": [_p(v) for v in d["q"]],
            "holds at FDR 5%": ["yes" if c else "no" for c in d["matters"]],
        }
    )


def _p(v: float) -> str:
    return "n/a" if not math.isfinite(v) else "<0.001" if v < 0.001 else f"{v:.3f}"


def comparison_head(c) -> str:
    n, k = len(c.diffs), int(c.diffs["matters"].sum())
    return (
        f"{c.a} → {c.b} ({c.pairing.note}): {k} of {n} differences hold at a false discovery rate of 5 % "
        "(Benjamini–Hochberg)"
    )


def comparison_lines(report: Report, limit: int | None = None) -> list[str]:
    """Per comparison, a line saying how it was made (paired or independent) and how many of its
    differences hold at a false discovery rate of 5 %, then one indented line per such difference.

    With ``limit``, at most that many differences per comparison (largest relative to their
    interval first) and a last line counting the others.
    """
    lines = []
    for c in report.comparisons:
        lines.append(comparison_head(c))
        hold = c.diffs[c.diffs["matters"]]
        if limit is not None and len(hold) > limit:
            strength = hold["diff"].abs() / hold["half"].where(hold["half"] > 0, 1e-12)
            shown = hold.loc[strength.sort_values(ascending=False, kind="stable").index[:limit]].sort_index()
        else:
            shown = hold
        lines += [f"  {an.format_difference(r)} (q {_p(r['q'])})" for _, r in shown.iterrows()]
        if len(shown) < len(hold):
            lines.append(f"  {len(hold) - len(shown)} more in summary.md")
    return lines


COMPARING = (
    "Each folder is compared with the first. Folders run on the same seeds are compared run by run "
    "(paired), others as independent samples. A difference is listed when it holds at a false discovery "
    "rate of 5 % (Benjamini–Hochberg, FDR 5 %, over all the outcome differences of a comparison, with "
    "p-values read off the same intervals); ± is half its 95 % interval (unadjusted), q its BH-adjusted "
    "p-value."
)


def _seeds(f) -> str:
    if f.runs is None or "seed" not in f.runs or not len(f.runs):
        return "n/a"
    lo, hi, n = f.runs["seed"].min(), f.runs["seed"].max(), f.runs["seed"].nunique()
    if lo == hi:
        return str(lo)
    return f"{lo}–{hi}" if hi - lo + 1 == n else f"{n} distinct, {lo}–{hi}"


def _values(values: list) -> str:
    return ", ".join(str(v) for v in values) if values else "not recorded"


def inputs(report: Report) -> pd.DataFrame:
    rows = []
    for f, label in zip(report.folders, report.labels or [f.name for f in report.folders]):
        rows.append(
            {
                "label": label,
                "folder": str(f.path),
                "kind": f.kind,
                "scenarios": ", ".join(f.scenarios),
                "runs": 0 if f.runs is None else len(f.runs),
                "seeds": _seeds(f),
                "horizon (weeks)": _values(f.setting("horizon_weeks")),
                "uncertainty": _values(f.setting("uncertainty")),
                "command": f.manifest.get("command", ""),
            }
        )
    return pd.DataFrame(rows)


def summary_md(report: Report, made: set[str] = frozenset()) -> str:
    """The report in Markdown; every text that comes from the folders passes through :func:`md`."""
    out = ["# isf-sim: negotiation simulation — report", "", "## Inputs", "", markdown_table(inputs(report)), ""]
    if report.outcomes is not None and len(report.outcomes):
        out += [
            "## Key outcomes per scenario",
            "",
            "Probabilities with 95 % Wilson intervals; medians of the Kaplan–Meier curves in weeks "
            "(n/a: fewer than half of the runs reached the event within the horizon).",
            "",
            markdown_table(report.outcomes),
            "",
        ]
    if report.comparisons:
        out += ["## Differences that matter", "", COMPARING, ""]
        for c in report.comparisons:
            lines = comparison_lines(Report([], None, [], None, [c]))
            out += [f"**{md(lines[0])}**", "", f"Intervals: {method(c.pairing)}.", ""]
            out += [f"- {md(line.strip())}" for line in lines[1:]] + [""]
    for note in report.notes:
        out += [f"_Note: {md(note)}._", ""]
    for item in report.items:
        out += [f"## {md(item.title)}", ""]
        if item.skipped:
            out += [f"_Skipped: {md(item.skipped)}._", ""]
            continue
        if item.name in made:
            out += [f"![{md_alt(item.title)}]({item.name}.png)", ""]
        if item.text:
            out += [md(item.text), ""]
        for name, t in item.tables.items():
            shown, index = _display(name, t)
            if shown is None:
                continue
            out += [f"**{md(name)}**", "", markdown_table(shown, index), ""]
    return "\n".join(out)


def report_html(report: Report, pngs: dict[str, bytes]) -> str:
    e = esc
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>isf-sim report</title>"
        f"<style>{CSS}</style></head><body><h1>isf-sim: negotiation simulation — report</h1>",
        "<h2>Inputs</h2>",
        html_table(inputs(report)),
    ]
    if report.outcomes is not None and len(report.outcomes):
        parts += [
            "<h2>Key outcomes per scenario</h2><p>Probabilities with 95 % Wilson intervals; medians of the "
            "Kaplan–Meier curves in weeks.</p>",
            html_table(report.outcomes),
        ]
    if report.comparisons:
        parts += ["<h2>Differences that matter</h2>", f"<p>{e(COMPARING)}</p>"]
        for c in report.comparisons:
            lines = comparison_lines(Report([], None, [], None, [c]))
            parts += [f"<p class='clear'>{e(lines[0])}</p>", f"<p>Intervals: {e(method(c.pairing))}.</p><ul>"]
            parts += [f"<li>{e(line.strip())}</li>" for line in lines[1:]] + ["</ul>"]
    parts += [f"<p class='note'>Note: {e(note)}.</p>" for note in report.notes]
    for item in report.items:
        parts.append(f"<h2 id='{e(item.name)}'>{e(item.title)}</h2>")
        if item.skipped:
            parts.append(f"<p class='note'>Skipped: {e(item.skipped)}.</p>")
            continue
        if item.name in pngs:
            b64 = base64.b64encode(pngs[item.name]).decode("ascii")
            parts.append(f"<img alt='{e(item.title)}' src='data:image/png;base64,{b64}'>")
        if item.text:
            parts.append(f"<p>{e(item.text)}</p>")
        for name, t in item.tables.items():
            shown, index = _display(name, t)
            if shown is not None:
                parts += [f"<h3>{e(name)}</h3>", html_table(shown, index)]
    parts.append("</body></html>")
    return "\n".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower() or "table"


def write_csv(report: Report, out: Path) -> list[Path]:
    """The report's tables as CSV files beside summary.md: inputs.csv, outcomes.csv and
    ``<figure>-<table>.csv`` for the tables of every figure (the data behind them, not their
    formatted form)."""
    tables = {"inputs": inputs(report)}
    if report.outcomes is not None and len(report.outcomes):
        tables["outcomes"] = report.outcomes
    for item in report.items:
        for name, t in item.tables.items():
            tables[f"{item.name}-{_slug(name)}"] = t
    paths = []
    for name, t in tables.items():
        path = out / f"{name}.csv"
        _no_formulas(t).to_csv(path, index=False)
        paths.append(path)
    return paths


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads such a text cell as a formula


def _no_formulas(t: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (a label from a folder name, say)
    get a leading apostrophe, as OWASP advises for CSV injection; numbers are left alone."""
    t = t.copy()
    for col in t.columns:
        if t[col].dtype == object or pd.api.types.is_string_dtype(t[col]):
            t[col] = t[col].map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    t.columns = [f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_START) else c for c in t.columns]
    return t


def write(report: Report, out: Path, csv: bool = False) -> list[Path]:
    """Write the report into ``out``: every file first into a temporary folder beside it, then
    moved in, so a report that fails half way leaves nothing behind (OSError says why)."""
    base = next(p for p in [out.parent, *out.parent.parents] if p.is_dir())
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=base))
    try:
        pngs = save_figures(report, tmp)
        (tmp / "summary.md").write_text(summary_md(report, set(pngs)), encoding="utf-8")
        (tmp / "report.html").write_text(report_html(report, pngs), encoding="utf-8")
        if csv:
            write_csv(report, tmp)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
            written.append(out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
