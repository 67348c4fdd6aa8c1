"""The audit's verdict on one parameter or lever: every outcome's paired effect, and what they say
(:mod:`sim.tools.audit` measures them)."""

from __future__ import annotations

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
