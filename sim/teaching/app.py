"""``isf-app``: the teaching page — the model in a browser (Solara, on Mesa's model controller).

    isf-app                      # http://127.0.0.1:8765/ (this machine only)
    isf-app --port 8800
    isf-app --host 0.0.0.0       # reachable from other machines (a warning says so)
    isf-app case=PATH            # another case (a name under conf/cases/ or a case folder; --case too)
    isf-app --version

The page is served by ``solara run`` with its version check off, so it starts offline and sends
nothing anywhere, behind :mod:`sim.teaching.app_guard`: only requests addressed to the address
served (127.0.0.1:PORT or localhost:PORT by default) from pages of the app itself are answered
(no other web page can drive it, no DNS rebinding), at most ``ISF_APP_MAX_SESSIONS`` (20)
sessions live at once, and a closed tab's session is freed after ``SOLARA_KERNEL_CULL_TIMEOUT``
(60s). This module is the command only (it imports nothing heavy, so ``--version`` and bad
input answer at once); :mod:`sim.teaching.app_model` holds the model wrapper and the data
behind the views, :mod:`sim.teaching.app_views` the figures, :mod:`sim.teaching.app_page` the page.
Bad input (a port outside 1-65535 or already in use, a host that cannot be listened on, an
unknown argument, a case that does not exist) is one line ``isf-app: error: ...`` and exit code
2, before anything starts.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from pathlib import Path

from sim.teaching.tool import Parser, UsageError, error, version_line

PROG = "isf-app"
PAGE_FILE = Path(__file__).with_name("app_page.py")
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
CASE_ENV = "ISF_APP_CASE"  # the case reaches the page (sim.teaching.app_model.CASE_ENV) through it
# Solara sends nothing anywhere: no telemetry, and its asset proxy, which fetches what
# solara-assets lacks from a CDN (KaTeX, for math in Markdown, which the page does not use), is
# pointed at a closed port of this machine, so a missing asset is a 404 instead of a request out.
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_ASSETS_CDN": "http://127.0.0.1:1/offline/"}
# Solara warns (15 lines, on every page load) that it cannot set a samesite=none cookie over http
# on 127.0.0.1, and falls back to samesite=lax: the right cookie for a page that is never embedded
# in another site's frame. The warning says nothing the user can act on, so it is filtered out.
QUIET_WARNINGS = "ignore:Cookies with samesite=none require https:UserWarning"

# a session (Solara's virtual kernel) whose tab is closed is freed after this, not after Solara's
# 24 h; sessions beyond the cap are refused (see sim.teaching.app_guard)
SESSION_ENV = {"SOLARA_KERNEL_CULL_TIMEOUT": "60s", "ISF_APP_MAX_SESSIONS": "20"}


def port_number(text: str) -> int:
    """A TCP port: a whole number from 1 to 65535."""
    try:
        port = int(text.strip(), 10)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {text!r}: give a whole number from 1 to 65535 (default {DEFAULT_PORT})")
    return port


EPILOG = """examples:
  isf-app                      http://127.0.0.1:8765/ (this machine only)
  isf-app --port 8800
  isf-app --host 0.0.0.0       reachable from other machines (a warning says so)
  isf-app case=PATH            another case (a name under conf/cases/ or a case folder)

The page works offline and sends nothing anywhere. Bad input (a port outside 1-65535 or in use,
a host that cannot be listened on, an unknown argument or case) is one line 'isf-app: error: ...'
and exit code 2, before anything starts."""


def parser() -> Parser:
    """The command line; ``--help`` prints plain text (the module docstring is for developers)."""
    ap = Parser(
        prog=PROG,
        description="The teaching page: the model in a browser, step by step, with its levers and views.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--port", default=str(DEFAULT_PORT), help=f"port to listen on, 1-65535 (default {DEFAULT_PORT})")
    ap.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="interface to listen on (default 127.0.0.1: this machine only; any other makes the page reachable "
        "from other machines)",
    )
    ap.add_argument(
        "--case",
        default="",
        metavar="NAME|PATH",
        help="the case: a shipped case's name or a case folder (default: the default case)",
    )
    ap.add_argument("--version", action="store_true", help="print the version and exit")
    return ap


def check_case(value: str) -> str:
    """The case as the page gets it: "" for the default case, a name, or a folder's absolute path
    (the server may run elsewhere); a UsageError naming the cases when there is none such."""
    if not value:
        return ""
    from sim.config.compose import case_dir
    from sim.model.params import ConfigError

    try:
        path = case_dir(value)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return str(path) if "/" in value or value in (".", "..") else value


def check_listen(host: str, port: int) -> bool:
    """Raise :class:`UsageError` unless ``host:port`` can be listened on now (as the server will,
    with SO_REUSEADDR); True when the address is this machine's loopback only."""
    try:  # an address, not a name: no DNS lookup (the app sends nothing anywhere)
        ip = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    except ValueError:
        allowed = "an IP address of this machine (127.0.0.1, 0.0.0.0, ::) or localhost"
        raise UsageError(f"--host {host!r}: give {allowed}") from None
    infos = socket.getaddrinfo(str(ip), port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    family, kind, proto, _name, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(address)
            s.listen(1)
    except PermissionError:
        raise UsageError(f"cannot listen on {host}:{port}: permission denied (use a port from 1024 up)") from None
    except OSError as exc:
        why = "the port is in use (choose another with --port)" if exc.errno == 98 else exc.strerror or str(exc)
        raise UsageError(f"cannot listen on {host}:{port}: {why}") from None
    return ip.is_loopback


def main(argv: list[str] | None = None) -> int:
    """``isf-app [--port N] [--host H] [case=NAME|PATH] [--version]``: check the address and the
    case, then become the server."""
    argv = sys.argv[1:] if argv is None else list(argv)
    argv = [f"--{a}" if a.split("=")[0] in ("port", "host", "case") else a for a in argv]  # port=N works too
    try:
        args = parser().parse_args(argv)
        if args.version:
            print(version_line(PROG))
            return 0
        port = port_number(args.port)
        case = check_case(args.case)
        local = check_listen(args.host, port)
    except UsageError as exc:
        return error(PROG, exc)
    if not local:
        print(
            f"{PROG}: warning: listening on {args.host}: the page is reachable from other machines "
            f"(the default, 127.0.0.1, serves this machine only)",
            file=sys.stderr,
            flush=True,
        )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"{PROG}: serving on http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    cmd = [
        sys.executable,
        "-m",
        "sim.teaching.app_guard",  # solara run, behind the guard (Host, Origin, session cap)
        str(PAGE_FILE),
        "--host",
        args.host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # offline: no request to the package index at start
    ]
    env = {**SESSION_ENV, **os.environ, **OFFLINE_ENV, CASE_ENV: case}  # the environment may change SESSION_ENV
    env["PYTHONWARNINGS"] = ",".join(w for w in (os.environ.get("PYTHONWARNINGS"), QUIET_WARNINGS) if w)
    # become the server (no child left behind when this process is stopped)
    os.execve(sys.executable, cmd, env)
    return 0  # not reached
