"""Writing the report: PNG and SVG figures, summary.md and a self-contained report.html."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.report import analysis as an
from sim.report.build import Report

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
        item.figure.savefig(out / f"{item.name}.svg", format="svg")
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


def markdown_table(df: pd.DataFrame, index: bool = False) -> str:
    head, rows = _table_rows(df, index)
    esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(esc(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def html_table(df: pd.DataFrame, index: bool = False) -> str:
    head, rows = _table_rows(df, index)
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _config_table(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": t["group"],
            "configuration": t["configuration"],
            "runs": t["k"],
            "of": t["n"],
            "P": [f"{p:.3f}" for p in t["p"]],
            "95% interval (Wilson)": [f"[{lo:.3f}, {hi:.3f}]" for lo, hi in zip(t["lo"], t["hi"])],
        }
    )


def _display(name: str, t: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The form of a table shown to readers (and whether its index is meaningful)."""
    if name == "configurations":
        return _config_table(t), False
    if name.startswith("survival"):
        return None, False  # curves are long; the summary holds their medians
    if name == "heat map":
        return t, True
    if name == "differences":
        return comparison_table(t), False
    return t, False


def comparison_table(d: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": d["label"],
            "A": [an.format_number(v) for v in d["a"]],
            "B": [an.format_number(v) for v in d["b"]],
            "B − A": [an.format_number(v) for v in d["diff"]],
            "± (95%)": [an.format_number(v) for v in d["half"]],
            "interval excludes 0": ["yes" if c else "no" for c in d["clear"]],
        }
    )


def comparison_lines(report: Report, limit: int | None = None) -> list[str]:
    """One line per difference whose 95 % interval excludes zero (or a line saying none does).

    With ``limit``, at most that many lines per comparison (largest relative to their
    interval first) and a last line counting the others.
    """
    lines = []
    for a, b, d in report.comparisons:
        clear = d[d["clear"]]
        if not len(clear):
            lines.append(f"{a} → {b}: no difference beyond the 95 % intervals")
            continue
        if limit is not None and len(clear) > limit:
            strength = clear["diff"].abs() / clear["half"].where(clear["half"] > 0, 1e-12)
            shown = clear.loc[strength.sort_values(ascending=False, kind="stable").index[:limit]].sort_index()
        else:
            shown = clear
        lines += [f"{a} → {b}: {an.format_difference(r)}" for _, r in shown.iterrows()]
        if len(shown) < len(clear):
            lines.append(f"{a} → {b}: {len(clear) - len(shown)} more differences in summary.md")
    return lines


def _inputs(report: Report) -> pd.DataFrame:
    rows = []
    for f in report.folders:
        m = f.manifest
        rows.append(
            {
                "folder": str(f.path),
                "kind": f.kind,
                "scenarios": ", ".join(f.scenarios),
                "runs": 0 if f.runs is None else len(f.runs),
                "horizon (weeks)": m.get("horizon_weeks", "?"),
                "uncertainty": m.get("uncertainty", "?"),
                "command": m.get("command", ""),
            }
        )
    return pd.DataFrame(rows)


def summary_md(report: Report, made: set[str] = frozenset()) -> str:
    out = ["# ISF negotiation simulation — report", "", "## Inputs", "", markdown_table(_inputs(report)), ""]
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
        out += ["## Differences that matter", ""]
        out += [f"- {line}" for line in comparison_lines(report)] + [""]
    for item in report.items:
        out += [f"## {item.title}", ""]
        if item.skipped:
            out += [f"_Skipped: {item.skipped}._", ""]
            continue
        if item.name in made:
            out += [f"![{item.title}]({item.name}.png)", ""]
        if item.text:
            out += [item.text, ""]
        for name, t in item.tables.items():
            shown, index = _display(name, t)
            if shown is None:
                continue
            out += [f"**{name}**", "", markdown_table(shown, index), ""]
    return "\n".join(out)


def report_html(report: Report, pngs: dict[str, bytes]) -> str:
    e = html.escape
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>ISF simulation report</title>"
        f"<style>{CSS}</style></head><body><h1>ISF negotiation simulation — report</h1>",
        "<h2>Inputs</h2>",
        html_table(_inputs(report)),
    ]
    if report.outcomes is not None and len(report.outcomes):
        parts += [
            "<h2>Key outcomes per scenario</h2><p>Probabilities with 95 % Wilson intervals; medians of the "
            "Kaplan–Meier curves in weeks.</p>",
            html_table(report.outcomes),
        ]
    if report.comparisons:
        parts += ["<h2>Differences that matter</h2><ul>"]
        parts += [f"<li>{e(line)}</li>" for line in comparison_lines(report)] + ["</ul>"]
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


def write(report: Report, out: Path) -> list[Path]:
    pngs = save_figures(report, out)
    (out / "summary.md").write_text(summary_md(report, set(pngs)), encoding="utf-8")
    (out / "report.html").write_text(report_html(report, pngs), encoding="utf-8")
    return [out / "report.html", out / "summary.md"]
