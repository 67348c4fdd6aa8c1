"""The audit's verdict on one parameter or lever: every outcome's paired effect, and what they say
(:mod:`sim.tools.audit` measures them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.stats import Difference


@dataclass(frozen=True)
class Effect:
    """One outcome's paired difference and its standardized size (difference / pooled SD)."""

    outcome: str
    kind: str
    diff: Difference
    d: float
    identical: bool = False  # every run gave the same value in both arms


@dataclass(frozen=True)
class Row:
    """One audited parameter or lever: its two ends, every outcome's effect, and the verdict."""

    label: str
    low: str
    high: str
    effects: tuple[Effect, ...]
    inert: str | None = None  # the meta entry's `inert:` reason, if any
    lever: bool = False

    @property
    def moved(self) -> list[Effect]:
        """The outcomes whose interval excludes 0, largest standardized effect first."""
        return sorted((e for e in self.effects if e.diff.clear), key=lambda e: -abs(e.d))

    @property
    def top(self) -> Effect | None:
        """The largest standardized effect among the outcomes moved (among all if none is)."""
        return next(iter(self.moved), None) or max(self.effects, key=lambda e: abs(e.d), default=None)

    @property
    def identical(self) -> bool:
        """Every run of one arm gave the same outcomes as its pair: the change never reached them."""
        return all(e.identical for e in self.effects)

    @property
    def fails(self) -> bool:
        return not self.moved and not self.inert

    @property
    def verdict(self) -> str:
        moved = self.moved
        if moved:
            names = ", ".join(e.outcome for e in moved[:3]) + (f" (+{len(moved) - 3} more)" if len(moved) > 3 else "")
            return f"moves {names}" + (f" (but meta says inert: {self.inert})" if self.inert else "")
        if self.inert:
            return f"inert: {self.inert}"
        return "no detectable effect" + (" (every run identical)" if self.identical and self.effects else "")


# --------------------------------------------------------------------------- the table's cells
def _fmt(x: float, kind: str) -> str:
    if kind == "p":
        return f"{100 * x:+.1f} pp"
    return f"{x:+.3g}"


def _interval(e: Effect) -> str:
    if math.isnan(e.diff.lo):
        return f"{_fmt(e.diff.diff, e.kind)} [no interval]"
    lo, hi = (_fmt(v, e.kind).removesuffix(" pp") for v in (e.diff.lo, e.diff.hi))
    return f"{_fmt(e.diff.diff, e.kind)} [{lo}, {hi}]"


def channel_lines(rows: list[Row], comps: list) -> list[str]:
    """The decomposition of each scenario's effect by its channels: the effect on the channel's
    outcome with every channel on, with this one off in both arms, and the share that stays."""
    by_label = {r.label: r for r in rows}

    def effect(row: Row | None, outcome: str) -> Effect | None:
        return next((e for e in row.effects if e.outcome == outcome), None) if row else None

    lines = []
    for c in comps:
        ch = (c.meta or {}).get("channel")
        if not ch:
            continue
        whole, part = effect(by_label.get(c.meta["of"]), ch["outcome"]), effect(by_label.get(c.label), ch["outcome"])
        if whole is None or part is None:
            continue
        kept = part.diff.diff / whole.diff.diff if whole.diff.diff else math.nan
        lines.append(
            f"| {c.meta['of']} | {ch['name']} (held: "
            + ", ".join(f"`{k}={v}`" for k, v in ch["hold"].items())
            + f") | {ch['outcome']} | {_interval(whole)} | {_interval(part)} | "
            + (f"{kept:.0%}" if math.isfinite(kept) else "—")
            + f" | {ch['why']} |"
        )
    if not lines:
        return []
    head = "| lever | channel switched off in both arms | outcome | effect | effect without it | share kept | why |"
    return ["", "## Each lever's channels", "",
            "Each scenario's effect, and the same comparison with one of its channels switched off in both arms"
            " (its file's `scenario.channels`): the share kept is what goes through the lever's other channels.",
            "", head, "|" + "|".join(" --- " for _ in range(7)) + "|", *lines]  # fmt: skip
