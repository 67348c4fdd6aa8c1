"""A progress bar for the long calls a person waits on: ``simulate(..., progress=True)`` and
``python -m sim.exercises`` (isf-sim's own bars are in :mod:`sim.sweep`).

Why one helper: every long command should say how far it is (issue 21), in the same way — a
tqdm bar on stderr, so that stdout stays the result and a pipe or a notebook cell's output is not
filled with bar updates when nobody watches it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def bar(enabled: bool, total: int, desc: str, unit: str = "run") -> Iterator[Callable[[int], object] | None]:
    """A callback ``tick(n)`` that advances a bar of ``total`` steps on stderr, or None when not
    ``enabled`` (then nothing is imported or printed). The bar is left in place when done, so the
    terminal keeps the time it took."""
    if not enabled or total <= 0:
        yield None
        return
    from tqdm import tqdm  # text on stderr, in a terminal and in a notebook alike

    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True) as progress:
        yield progress.update
