"""``isf-app`` serves its own user only: the guard in front of Solara's Starlette app.

A web page elsewhere must not drive the app (its websocket is the model's remote control), and a
name of the attacker's that resolves to this machine (DNS rebinding) must not reach it. So every
HTTP request and websocket handshake is checked before Solara sees it:

* ``Host`` must be an address the app serves: ``127.0.0.1:PORT`` and ``localhost:PORT`` by
  default; with ``--host H`` that host (for 0.0.0.0 or ``::``: the loopback names, this
  machine's name and any IP address, which no DNS answer can rebind); names in
  ``ISF_APP_HOSTS`` (comma-separated) too. Otherwise ``400``.
* ``Origin``, when sent, must be this same address (``http://`` + the ``Host``); a websocket
  must send it (browsers always do). Otherwise ``403`` (for a websocket: the handshake is refused).
* Sessions (Solara's virtual kernels, ~20 MB each) are capped: a new one beyond
  ``ISF_APP_MAX_SESSIONS`` (default :data:`MAX_SESSIONS`) is refused (page ``503``, websocket
  handshake refused) until one is freed; a session whose pages are gone is freed after
  ``SOLARA_KERNEL_CULL_TIMEOUT`` (set by ``isf-app``, default :data:`IDLE_TIMEOUT`, instead of
  Solara's 24 h), and its memory is handed back to the system. The code every session uses is
  loaded at start (:func:`preload`), so what a session adds is the session's alone.

``python -m sim.teaching.app_guard PAGE --host H --port N ...`` is ``solara run PAGE ...`` with
the guard in front (``isf-app`` starts it so).
"""

from __future__ import annotations

import ctypes
import gc
import ipaddress
import os
import socket
import sys
import threading
import time
from collections.abc import Callable

MAX_SESSIONS = 20
IDLE_TIMEOUT = "60s"
HOSTS_ENV, MAX_ENV = "ISF_APP_HOSTS", "ISF_APP_MAX_SESSIONS"
KERNEL_WS = "/jupyter/api/kernels/"  # Solara's websocket: /jupyter/api/kernels/{kernel_id}/channels
# requests that never open a session (assets, Solara's own API): not counted against the cap
NOT_A_PAGE = ("/static/", "/_solara/", "/jupyter/", "/readyz", "/resourcez", "/favicon")
LOOPBACK = ("127.0.0.1", "localhost")


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class Addresses:
    """The ``host:port`` values a request may name for an app listening on ``host:port``."""

    def __init__(self, host: str, port: int, extra: tuple[str, ...] = ()):
        self.port = port
        self.any_ip = False
        names = {n.strip().lower() for n in extra if n.strip()}
        try:
            ip = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
        except ValueError:
            ip = None
            names.add(host.lower())
        if ip is not None and ip.is_unspecified:  # 0.0.0.0 / :: : every address of this machine
            self.any_ip = True
            names |= {*LOOPBACK, socket.gethostname().lower()}
        elif ip is not None and ip.is_loopback:
            names |= {*LOOPBACK, _bracket(str(ip))}
        elif ip is not None:
            names.add(_bracket(str(ip)))
        self.names = frozenset(_bracket(n) for n in names)

    def allows(self, hostport: str) -> bool:
        """Whether a ``Host`` header value names this app."""
        hostport = hostport.strip().lower()
        name, sep, port = hostport.rpartition(":")
        if not sep or name.endswith(":") or (name.startswith("[") != name.endswith("]")):
            name, port = hostport, "80"  # no port given: http's default
        if port != str(self.port) or not name:
            return False
        return name in self.names or (self.any_ip and _is_ip(name))


def _headers(scope) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in scope.get("headers", ()):
        out.setdefault(k.decode("latin-1").lower(), []).append(v.decode("latin-1"))
    return out


def live_sessions() -> int:
    """Solara's live virtual kernels (a closed tab's stays until the idle timeout frees it)."""
    from solara.server import kernel_context

    return len(kernel_context.contexts)


def _kernel_id(path: str) -> str:
    return path[len(KERNEL_WS) :].split("/", 1)[0] if path.startswith(KERNEL_WS) else ""


class Guard:
    """ASGI middleware: refuse requests not addressed to this app, and sessions beyond the cap."""

    def __init__(
        self, app, addresses: Addresses, max_sessions: int = MAX_SESSIONS, live: Callable[[], int] | None = None
    ):
        self.app, self.addresses, self.max_sessions = app, addresses, max_sessions
        self.live = live or live_sessions

    def why_refused(self, scope) -> tuple[int, str] | None:
        headers = _headers(scope)
        hosts = headers.get("host", [])
        if len(hosts) != 1 or not self.addresses.allows(hosts[0]):
            return 400, "isf-app: this request is not addressed to this app (unknown Host)"
        origins = headers.get("origin", [])
        if scope["type"] == "websocket" and not origins:
            return 403, "isf-app: a websocket must say where it comes from (no Origin)"
        if origins and (len(origins) != 1 or origins[0].strip().lower() != f"http://{hosts[0].strip().lower()}"):
            return 403, "isf-app: requests from other web pages are refused (foreign Origin)"
        path = scope.get("path", "")
        if scope["type"] == "websocket":
            new_session = path.startswith(KERNEL_WS) and _kernel_id(path) not in _contexts()
        else:  # a page: its websocket will open a session
            new_session = scope.get("method") == "GET" and not path.startswith(NOT_A_PAGE)
        if new_session and self.max_sessions and self.live() >= self.max_sessions:
            idle = os.environ.get("SOLARA_KERNEL_CULL_TIMEOUT", IDLE_TIMEOUT)
            return 503, (
                f"isf-app: {self.max_sessions} sessions are open, the most it serves at once. Close a tab "
                f"of the app (a closed tab's session is freed after {idle}) and reload."
            )
        return None

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        refused = self.why_refused(scope)
        if refused is None:
            return await self.app(scope, receive, send)
        status, text = refused
        if scope["type"] == "websocket":
            message = await receive()  # websocket.connect; a close before accept refuses the handshake (403)
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 1008 if status != 503 else 1013, "reason": text[:120]})
            return None
        body = (text + "\n").encode()
        head = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        if status == 503:
            head.append((b"retry-after", b"30"))
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": body})
        return None


def _contexts():
    from solara.server import kernel_context

    return kernel_context.contexts


def _release_memory(period: float = 2.0) -> None:
    """After sessions are freed, collect their cycles and hand the freed heap back to the system
    (glibc keeps it otherwise, and the process's memory would never come down)."""
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        trim = None
    last = 0
    while True:
        time.sleep(period)
        now = live_sessions()
        if now < last:
            gc.collect()
            if trim is not None:
                trim(0)
        last = now


def preload() -> None:
    """Import what every session uses (Solara's widgets, Mesa's visualisation, the model, the
    page's helpers), and fill the caches they share (one model of the case built and stepped, one
    figure drawn), before the first session, not during it. Loaded code stays for the life of
    the process, as it should; loaded during a session it would look like that session's memory,
    and the server's memory after its sessions close would never come back to its start."""
    import importlib

    for name in (
        "solara",
        "mesa.visualization",
        "matplotlib.pyplot",
        "sim.model.model",
        "sim.teaching.app_model",
        "sim.teaching.app_views",
    ):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - a module the page does not need after all: it loads it itself
            continue
    try:  # the caches every session shares: the case's config and levers, a figure's fonts
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from sim.teaching import app_model

        app_model.TeachingModel(**app_model.default_settings()).step()
        figure = Figure()
        figure.text(0.5, 0.5, "isf-app")
        FigureCanvasAgg(figure).draw()
    except Exception:  # noqa: BLE001, S110 - a case the page will report itself; the warm-up is only a warm-up
        pass


def max_sessions() -> int:
    text = os.environ.get(MAX_ENV, "").strip()
    return int(text) if text.isdigit() else MAX_SESSIONS


def serve(argv: list[str]) -> None:
    """``solara run`` with the guard in front: ``argv`` is ``PAGE --host H --port N ...``."""
    host = argv[argv.index("--host") + 1] if "--host" in argv else "127.0.0.1"
    port = int(argv[argv.index("--port") + 1]) if "--port" in argv else 8765
    os.environ["SOLARA_APP"] = argv[0]  # read when Solara's server module is imported, just below
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", IDLE_TIMEOUT)
    import solara.__main__
    import solara.server.starlette as solara_app

    extra = tuple(os.environ.get(HOSTS_ENV, "").split(","))
    # uvicorn loads "solara.server.starlette:app" by name: it finds the guarded app there
    solara_app.app = Guard(solara_app.app, Addresses(host, port, extra), max_sessions())
    threading.Thread(target=_release_memory, name="isf-app-release-memory", daemon=True).start()
    preload()
    sys.argv = ["solara", "run", *argv]
    solara.__main__.main()


if __name__ == "__main__":
    serve(sys.argv[1:])
