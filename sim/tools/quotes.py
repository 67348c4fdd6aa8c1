"""The numbers the docs quote, found by their markers and checked against docs/numbers.json.

A number about the model's behaviour or speed in README.md, docs/ or experiments/ is written
right after a marker that names its entry in docs/numbers.json (the file
``python -m sim.tools.numbers`` writes)::

    an ISF deploys in <!-- n:baseline.deployed -->48% of runs
    (<!-- n:baseline.deployed.rule_min -->44–<!-- n:baseline.deployed.rule_max -->53%)
    the bare loop runs at <!-- n:speed.bare_loop -->398 runs/s

The marker is an HTML comment, so the rendered page shows only the number. In a fenced code
block a comment would show, so a marker placed before the block points into it by an anchor
text and a count: ``<!-- n:NAME "P(deployed)" 2 -->`` is the second number after the first
``P(deployed)`` in the next fenced block.

A quote says how precisely it was rounded: ``48%`` is the entry's value to the nearest
percentage point, ``0.434`` to the nearest thousandth, ``1,039`` to the unit. A share is
quoted as a percentage (``48%``, or ``44–53%`` where the sign ends the range) or as a
fraction (``0.48``). An entry whose value is missing (a Kaplan–Meier median the curve never
reaches) is quoted as the words ``not reached``.

Why markers and not templates: the docs stay plain Markdown that reads and diffs as text,
anyone can quote a number by adding one comment, and the same markers let
``python -m sim.tools.numbers`` rewrite every quote in its own format when the model changes.
This module reads and rewrites; it runs nothing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = ROOT / "docs" / "numbers.json"

MARKER = re.compile(r'<!--\s*n:(?P<name>[\w.+\-]+)(?:\s+"(?P<anchor>[^"]+)"\s+(?P<nth>\d+))?\s*-->')
NUMBER = re.compile(r"(?P<sign>[+\-−]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<pct>\s?%)?")
NOT_REACHED = "not reached"
#: after a number, the rest of a range whose end carries the percent sign: 44–53%
RANGE_PCT = re.compile(r"\s*[–-]\s*(?:<!--[^>]*-->)?\s*\d+(?:\.\d+)?\s?%")
FENCE = re.compile(r"^\s*```.*$", re.M)
INLINE_CODE = re.compile(r"(?<!`)`[^`\n]+`(?!`)")


class QuoteError(ValueError):
    """A marker that points at no number (one line: the file, the line and what is wrong)."""


@dataclass(frozen=True)
class Quote:
    """One quoted number: where it is, the entry it quotes, and how it was written."""

    path: Path
    line: int
    name: str
    text: str  # as written, e.g. "48%", "1,039", "not reached"
    start: int  # its span in the file's text
    end: int
    value: float | None  # in the entry's own unit: "48%" -> 0.48
    decimals: int  # digits after the point, in the written scale
    percent: bool

    @property
    def where(self) -> str:
        return f"{_shown(self.path)}:{self.line}"

    @property
    def tolerance(self) -> float:
        """Half the last written digit: the rounding the quote admits, in the entry's unit."""
        half = 0.5 * 10.0**-self.decimals
        return half / 100 if self.percent else half


def doc_files(root: Path = ROOT) -> list[Path]:
    """Every Markdown file that may quote a number: README.md, docs/ and experiments/."""
    files = [root / "README.md", *sorted((root / "docs").rglob("*.md")), *sorted((root / "experiments").rglob("*.md"))]
    return [f for f in files if f.is_file()]


def find_quotes(path: Path, text: str | None = None) -> list[Quote]:
    """The quotes of one file, in order; a marker that points at no number raises QuoteError."""
    text = path.read_text(encoding="utf-8") if text is None else text
    quotes = []
    code = _code_spans(text)
    for m in MARKER.finditer(text):
        if any(a <= m.start() < b for a, b in code):
            continue  # a marker shown as an example (docs/architecture.md), not a quote
        if m.group("anchor"):
            quotes.append(_quote_in_block(path, text, m))
            continue
        if text.startswith(NOT_REACHED, m.end()):
            quotes.append(_quote(path, text, m.group("name"), m.end(), m.end() + len(NOT_REACHED), None))
            continue
        num = NUMBER.match(text, m.end())
        if not num:
            line = text.count("\n", 0, m.start()) + 1
            raise QuoteError(f"{_shown(path)}:{line}: marker n:{m.group('name')} is not followed by a number")
        quotes.append(_quote(path, text, m.group("name"), num.start(), num.end(), num))
    starts = [q.start for q in quotes]
    for q in quotes:
        if starts.count(q.start) > 1:
            raise QuoteError(f"{q.where}: two markers point at the same number {q.text}")
    return quotes


def _code_spans(text: str) -> list[tuple[int, int]]:
    """The spans of fenced blocks and of inline code, where a marker is an example."""
    fences = [f.start() for f in FENCE.finditer(text)]
    spans = [(a, b) for a, b in zip(fences[::2], fences[1::2], strict=False)]
    for m in INLINE_CODE.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            spans.append((m.start(), m.end()))
    return spans


def _quote_in_block(path: Path, text: str, m: re.Match) -> Quote:
    line = text.count("\n", 0, m.start()) + 1
    fences = [f for f in FENCE.finditer(text) if f.start() > m.end()]
    if len(fences) < 2:
        raise QuoteError(f"{_shown(path)}:{line}: marker n:{m.group('name')} has no fenced block after it")
    body_start, body_end = fences[0].end(), fences[1].start()
    at = text.find(m.group("anchor"), body_start, body_end)
    if at < 0:
        raise QuoteError(f"{_shown(path)}:{line}: the block after n:{m.group('name')} has no {m.group('anchor')!r}")
    nth = int(m.group("nth"))
    nums = list(NUMBER.finditer(text, at + len(m.group("anchor")), body_end))
    if not 1 <= nth <= len(nums):
        raise QuoteError(
            f"{_shown(path)}:{line}: n:{m.group('name')} asks for number {nth} after {m.group('anchor')!r}; "
            f"the block has {len(nums)}"
        )
    num = nums[nth - 1]
    return _quote(path, text, m.group("name"), num.start(), num.end(), num)


def _quote(path: Path, text: str, name: str, start: int, end: int, num: re.Match | None) -> Quote:
    line = text.count("\n", 0, start) + 1
    if num is None:
        return Quote(path, line, name, NOT_REACHED, start, end, None, 0, False)
    frac = num.group("frac") or ""
    percent = bool(num.group("pct")) or bool(RANGE_PCT.match(text, end))
    value = float(num.group("int").replace(",", "") + frac)
    value = -value if num.group("sign") in ("-", "−") else value
    decimals = len(frac) - 1 if frac else 0
    return Quote(path, line, name, num.group(0), start, end, value / 100 if percent else value, decimals, percent)


def all_quotes(root: Path = ROOT) -> list[Quote]:
    """Every quote of every doc file (QuoteError for the first broken marker)."""
    return [q for f in doc_files(root) for q in find_quotes(f)]


# --------------------------------------------------------------------------- the data file


def load_numbers(path: Path = NUMBERS) -> dict[str, dict]:
    """name -> entry (value, low, high, unit, what, command, runs, seed, date) of numbers.json."""
    return json.loads(path.read_text(encoding="utf-8"))["numbers"]


def drift(quotes: list[Quote], numbers: dict[str, dict]) -> list[str]:
    """One line for each quote that names no entry or differs from its value beyond its rounding."""
    problems = []
    for q in quotes:
        entry = numbers.get(q.name)
        if entry is None:
            problems.append(f"{q.where}: n:{q.name} is not in docs/numbers.json")
        elif not _close(q, entry.get("value")):
            says = render(q, entry["value"])
            problems.append(f"{q.where}: n:{q.name} quotes {q.text}; docs/numbers.json says {says}")
    return problems


def outside(quotes: list[Quote], numbers: dict[str, dict]) -> list[str]:
    """One line for each quote outside its entry's regenerated 95% interval (widened by the
    quote's rounding); an entry without an interval must equal the quote within its rounding.
    Entries absent from ``numbers`` (speeds, when only behaviour was regenerated) are skipped."""
    problems = []
    for q in quotes:
        entry = numbers.get(q.name)
        if entry is None:
            continue
        low, high = entry.get("low"), entry.get("high")
        if q.value is None or entry.get("value") is None or low is None or high is None:
            ok = _close(q, entry.get("value"))
        else:
            ok = low - q.tolerance - 1e-9 <= q.value <= high + q.tolerance + 1e-9
        if not ok:
            span = f" [95%: {render(q, low)} to {render(q, high)}]" if low is not None and high is not None else ""
            now = render(q, entry.get("value"))
            problems.append(f"{q.where}: n:{q.name} quotes {q.text}; regenerated: {now}{span}")
    return problems


def _close(q: Quote, value: float | None) -> bool:
    if q.value is None or value is None:
        return q.value is None and value is None
    return abs(q.value - value) <= q.tolerance + 1e-9


# --------------------------------------------------------------------------- rewriting


def render(q: Quote, value: float | None) -> str:
    """``value`` written the way ``q`` was: the same decimals, percent sign, grouping and sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_REACHED
    if q.text == NOT_REACHED:
        return f"{value:.0f}"
    shown = value * 100 if q.percent else value
    grouped = "," in q.text
    body = f"{abs(shown):,.{q.decimals}f}" if grouped else f"{abs(shown):.{q.decimals}f}"
    sign = ""
    if shown < 0 and float(body.replace(",", "")) != 0:
        sign = "−" if q.text.startswith("−") else "-"
    elif q.text.startswith("+"):
        sign = "+"
    pct = q.text[len(q.text.rstrip("% ")) :] if q.text.endswith("%") else ""
    return sign + body + pct


def rewrite(path: Path, numbers: dict[str, dict]) -> list[str]:
    """Rewrite every quote of ``path`` that drifted from numbers.json; one line per change."""
    text = path.read_text(encoding="utf-8")
    changes, out, last = [], [], 0
    for q in sorted(find_quotes(path, text), key=lambda q: q.start):  # block markers precede their block
        entry = numbers.get(q.name)
        if entry is None or _close(q, entry.get("value")):
            continue
        new = render(q, entry.get("value"))
        out += [text[last : q.start], new]
        last = q.end
        changes.append(f"{q.where}: n:{q.name} {q.text} -> {new}")
    if changes:
        out.append(text[last:])
        tmp = path.with_name(f".{path.name}.tmp")  # renamed into place: never half written
        tmp.write_text("".join(out), encoding="utf-8")
        tmp.replace(path)
    return changes


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
