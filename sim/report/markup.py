"""Text from result folders made safe to write: in Markdown (summary.md), in one-line terminal output.

Everything a folder supplies (scenario names, labels, overrides, commands, folder names, event
texts) reaches summary.md through :func:`md`, report.html through ``html.escape`` and the terminal
through :func:`printable`, so a ``<script>`` in a received manifest stays text everywhere.
"""

from __future__ import annotations

import re

_MD = {"\\": "\\\\", "`": "\\`", "|": "\\|", "\n": " ", "\r": " "}
_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # what could open an HTML tag, comment or autolink


def md(text) -> str:
    """``text`` as literal Markdown: backslashes, backticks and table pipes escaped, no line breaks,
    no HTML (``<`` before a letter, ``/``, ``!`` or ``?`` becomes ``&lt;``; ``<0.001`` stays),
    no inline link or image (``](`` becomes ``]\\(``)."""
    out = "".join(_MD.get(c, c) for c in printable(text, keep_newlines=True))
    return _TAG.sub("&lt;", out).replace("](", "]\\(")


def md_alt(text) -> str:
    """Text for the alt of a Markdown image: :func:`md` with its brackets escaped too."""
    return md(text).replace("[", "\\[").replace("]", "\\]")


def printable(text, keep_newlines: bool = False) -> str:
    """``text`` with control characters (escape sequences, carriage returns, ...) shown escaped."""
    keep = "\n" if keep_newlines else ""
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in str(text))
