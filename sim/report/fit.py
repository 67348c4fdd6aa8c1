"""Figures whose every text fits on the canvas: wrap what is too long, then grow the figure.

``fit(fig)`` draws the figure, re-wraps any title or axis label longer than the room it has,
and enlarges the figure until every drawn text (titles, labels, tick labels, legends, notes)
lies inside it. Every figure of the report passes through it before it is saved;
tests/report/test_report_fit.py checks the result on figures with very long labels.
"""

from __future__ import annotations

import re
import textwrap
import warnings

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

MAX_INCHES = 60.0  # a figure never grows beyond this (a label that long is wrapped first)
MIN_SIDE = 110  # pixels: the least width and height of a panel
MIN_ROOM = 260  # pixels: a title or axis label wraps to its panel's side, but never narrower than this


class _Wrapper(textwrap.TextWrapper):
    """A TextWrapper that may also break after a dot before a letter (``actors.<ID>.`` /
    ``resolve``) or after an underscore, so dotted keys wrap at their parts, not mid-word."""

    def _split(self, text):
        return [part for chunk in super()._split(text) for part in re.split(BREAKS, chunk) if part]


BREAKS = r"(?<=\.)(?=[A-Za-z])|(?<=_)"


def wrap(text, width: int = 28) -> str:
    """Wrap ``text`` at ``width`` characters per line (at spaces, dots of keys and underscores),
    breaking words longer than a line."""
    wrapper = _Wrapper(width, break_on_hyphens=False)
    lines = []
    for line in str(text).split("\n"):
        lines += wrapper.wrap(line) or [""]
    return "\n".join(lines)


def drawn_texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty Text artist the figure draws (a tick label only where its tick is
    inside the axis' view: matplotlib keeps, undrawn, the labels of ticks just outside it)."""
    ticks, drawn = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = (hi - lo) * 1e-9 + 1e-12
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                labels = {tick.label1, tick.label2}
                ticks |= labels
                if lo - eps <= tick.get_loc() <= hi + eps:
                    drawn |= labels
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or (t.axes is not None and not t.axes.get_visible()):
            continue
        if t in ticks and t not in drawn:
            continue
        out.append(t)
    return out


def overflow(fig: Figure, renderer) -> tuple[float, float, float, float]:
    """How far (pixels) the drawn texts reach beyond the canvas: left, bottom, right, top."""
    boxes = [t.get_window_extent(renderer) for t in drawn_texts(fig)]
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    u = Bbox.union(boxes)
    f = fig.bbox
    return (max(0.0, f.x0 - u.x0), max(0.0, f.y0 - u.y0), max(0.0, u.x1 - f.x1), max(0.0, u.y1 - f.y1))


def _rewrap(fig: Figure, renderer, originals: dict) -> bool:
    """Wrap titles and axis labels to the side of their axes (the figure's width for the
    suptitle), from their original text each time, so they unwrap as the figure grows; True if
    any changed."""
    changed = False
    pairs = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.get_window_extent(renderer)
        if ax.get_label() == "<colorbar>":  # its label runs along the colour bar, which may be short
            pairs.append((ax.yaxis.label, max(box.height, 0.8 * fig.bbox.height)))
            continue
        pairs += [(ax.title, max(box.width, MIN_ROOM)), (ax.xaxis.label, max(box.width, MIN_ROOM))]
        pairs += [(ax.yaxis.label, max(box.height, 0.8 * MIN_ROOM))]
    suptitle = getattr(fig, "_suptitle", None)  # matplotlib keeps the Text of fig.suptitle here
    if suptitle is not None:
        pairs.append((suptitle, 0.96 * fig.bbox.width))
    for text, room in pairs:
        before = text.get_text()
        if before.strip():
            changed |= _fit_text(text, room, originals.setdefault(text, before), renderer)
    return changed


def _length(text: Text, renderer) -> float:
    """The extent of a text along its reading direction (pixels)."""
    ext = text.get_window_extent(renderer)
    return ext.height if abs(text.get_rotation() % 180 - 90) < 1 else ext.width


def _fit_text(text: Text, room: float, original: str, renderer) -> bool:
    """Leave a text that fits; else wrap its original at fewer characters until it fits (or put
    the original back, if that fits now). True if the text changed."""
    before = text.get_text()
    if _length(text, renderer) <= room and (before == original or not _fits(text, original, room, renderer)):
        text.set_text(before)
        return False
    if _fits(text, original, room, renderer):
        return before != original
    width = max(len(line) for line in original.split("\n"))
    while width > 10:
        width = max(10, int(width * 0.9))
        text.set_text(wrap(original.replace("\n", " "), width))
        if _length(text, renderer) <= room:
            break
    return text.get_text() != before


def _fits(text: Text, candidate: str, room: float, renderer) -> bool:
    text.set_text(candidate)
    return _length(text, renderer) <= room


def crowding(fig: Figure, renderer) -> tuple[float, float]:
    """How much wider and taller (pixels) the figure must be for the tick labels of every panel to
    sit side by side without overlapping, and for no panel to shrink below MIN_SIDE."""
    grow_w = grow_h = 0.0
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>" or not ax.axison:
            continue
        box = ax.get_window_extent(renderer)
        xs = [t.get_window_extent(renderer).width for t in _drawn_ticklabels(ax.xaxis)]
        ys = [t.get_window_extent(renderer).height for t in _drawn_ticklabels(ax.yaxis)]
        grid = ax.get_subplotspec().get_gridspec() if ax.get_subplotspec() is not None else None
        cols, rows = (grid.ncols, grid.nrows) if grid is not None else (1, 1)
        grow_w = max(grow_w, (max(MIN_SIDE, 1.15 * sum(xs)) - box.width) * cols)
        grow_h = max(grow_h, (max(0.7 * MIN_SIDE, 1.15 * sum(ys)) - box.height) * rows)
    return (max(0.0, grow_w), max(0.0, grow_h))


def _drawn_ticklabels(axis) -> list[Text]:
    lo, hi = sorted(axis.get_view_interval())
    eps = (hi - lo) * 1e-9 + 1e-12
    out = []
    for tick in axis.get_major_ticks():
        if lo - eps <= tick.get_loc() <= hi + eps:
            out += [t for t in (tick.label1, tick.label2) if t.get_visible() and t.get_text().strip()]
    return out


def fit(fig: Figure, rounds: int = 16) -> Figure:
    """Wrap long titles and labels, then grow the figure until every drawn text is inside it and
    no tick labels overlap."""
    originals: dict = {}
    if fig.get_layout_engine() is None:  # the layout engine makes room for what the texts need
        fig.set_layout_engine("constrained")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="constrained_layout not applied")
        for _ in range(rounds):
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            if _rewrap(fig, renderer, originals):
                continue
            left, bottom, right, top = overflow(fig, renderer)
            crowd_w, crowd_h = crowding(fig, renderer)
            grow_w, grow_h = left + right + crowd_w, bottom + top + crowd_h
            if grow_w < 1 and grow_h < 1:
                break
            w, h = fig.get_size_inches()
            grow_w = (grow_w + 8 * (grow_w >= 1)) / fig.dpi  # a few pixels more than needed
            grow_h = (grow_h + 8 * (grow_h >= 1)) / fig.dpi
            fig.set_size_inches(min(MAX_INCHES, w + grow_w), min(MAX_INCHES, h + grow_h))
    return fig


def wrap_name(name: str, width: int = 30) -> str:
    """Wrap a dotted parameter name at its dots only (``actors.<ID>.armed_group.`` /
    ``disarm_rate``), a part longer than a line as :func:`wrap` does."""
    lines, line = [], ""
    for part in re.split(r"(?<=\.)", str(name)):
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    lines.append(line)
    return "\n".join(wrap(ln, width) for ln in lines if ln)
