"""What ``isf-play`` and ``isf-app`` share on the command line: ``--version`` without importing
the model, and bad input as one line ``TOOL: error: ...`` with exit code 2 (never a traceback)."""

from __future__ import annotations

import argparse
import sys


class UsageError(ValueError):
    """Bad input: the message says what is wrong and what is allowed (one line)."""


def version_line(prog: str) -> str:
    """``isf-app 0.1.0``: the installed project's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{prog} {version('isf-sim')}"
    except PackageNotFoundError:
        return f"{prog} (version unknown: isf-sim is not installed)"


def error(prog: str, message: object) -> int:
    """Print the one error line (the first line of ``message``) and return the exit code 2."""
    text = " ".join(str(message).split()) or "bad input"
    print(f"{prog}: error: {text}", file=sys.stderr, flush=True)
    return 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`UsageError` (one line, said by the caller)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_abbrev=False, **kwargs)

    def error(self, message: str):  # noqa: D401 - argparse's hook
        raise UsageError(f"{message} (see {self.prog} --help)")
