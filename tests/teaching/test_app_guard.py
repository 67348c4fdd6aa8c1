"""``isf-app`` serves its own user only: Host and Origin are checked before Solara (no other web
page can drive it, no DNS rebinding), and sessions are capped and freed soon after they close."""

from __future__ import annotations

import contextlib
import json
import os
import time
import urllib.error
import urllib.request
import uuid

import pytest

from helpers import app_server
from sim.teaching.app_guard import Addresses

IDLE = 2  # seconds: the idle timeout the server under test gets (isf-app's own is 60 s)
CAP = 4


def test_addresses_served():
    local = Addresses("127.0.0.1", 8765)
    for ok in ("127.0.0.1:8765", "localhost:8765", "LOCALHOST:8765"):
        assert local.allows(ok), ok
    for bad in ("evil.example", "evil.example:8765", "127.0.0.1:8766", "127.0.0.1", "localhost.evil:8765", ""):
        assert not local.allows(bad), bad
    assert Addresses("localhost", 80).allows("localhost") and Addresses("localhost", 80).allows("127.0.0.1:80")
    lan = Addresses("192.168.1.5", 9000)
    assert lan.allows("192.168.1.5:9000") and not lan.allows("localhost:9000") and not lan.allows("evil.example:9000")
    anywhere = Addresses("0.0.0.0", 9000, ("lab.example",))
    for ok in ("10.1.2.3:9000", "[fe80::1]:9000", "localhost:9000", "lab.example:9000"):
        assert anywhere.allows(ok), ok
    assert not anywhere.allows("evil.example:9000") and not anywhere.allows("10.1.2.3:9001")
    v6 = Addresses("::1", 9000)
    assert v6.allows("[::1]:9000") and v6.allows("localhost:9000") and not v6.allows("::1:9000")


@pytest.fixture(scope="module")
def port():
    pytest.importorskip("solara")
    env = {**os.environ, "SOLARA_KERNEL_CULL_TIMEOUT": f"{IDLE}s", "ISF_APP_MAX_SESSIONS": str(CAP)}
    with app_server(env=env) as port:
        yield port


def _get(port: int, path: str = "/", **headers) -> int:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _sessions(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/resourcez", timeout=10) as r:
        return json.load(r)["kernels"]["total"]


def _ws(port: int, origin: str | None = "self", kernel: str | None = None):
    from websockets.sync.client import connect

    url = f"ws://127.0.0.1:{port}/jupyter/api/kernels/{kernel or uuid.uuid4()}/channels?session_id={uuid.uuid4()}"
    origin = f"http://127.0.0.1:{port}" if origin == "self" else origin
    return connect(url, open_timeout=20, **({"origin": origin} if origin else {}))


def _refused(port: int, **kw) -> int:
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as exc:
        _ws(port, **kw).close()
    return exc.value.response.status_code


def _wait_sessions(port: int, n: int, within: float) -> None:
    deadline = time.time() + within
    while _sessions(port) != n:
        assert time.time() < deadline, f"{_sessions(port)} sessions live, not {n}"
        time.sleep(0.2)


def test_a_foreign_host_or_origin_gets_no_page(port):
    assert _get(port) == 200
    assert _get(port, Host=f"localhost:{port}") == 200
    assert _get(port, Host=f"127.0.0.1:{port}", Origin=f"http://127.0.0.1:{port}") == 200
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}"):  # DNS rebinding
        assert _get(port, Host=host) == 400, host
    assert _get(port, Origin="http://evil.example") == 403
    assert _get(port, Origin=f"http://localhost:{port}") == 403  # another origin than the page's
    assert _get(port, "/static/favicon.png", Host="evil.example") == 400  # assets too


def test_a_websocket_from_another_page_is_refused(port):
    assert _refused(port, origin="http://evil.example") == 403
    assert _refused(port, origin=f"http://evil.example:{port}") == 403
    assert _refused(port, origin=None) == 403  # browsers always say where they come from
    with _ws(port) as ws:  # the app's own page
        ws.ping().wait(10)
    _wait_sessions(port, 0, IDLE + 10)


def test_sessions_are_capped_and_freed_after_the_idle_timeout(port):
    _wait_sessions(port, 0, IDLE + 10)
    for _wave in range(2):
        with contextlib.ExitStack() as tabs:
            clients = [tabs.enter_context(_ws(port)) for _ in range(CAP)]
            _wait_sessions(port, CAP, 10)
            assert _refused(port) == 403  # one more session is refused ...
            assert _get(port) == 503  # ... and so is a new page, saying why
            kernel = clients[0].request.path.split("/")[4]
        with _ws(port, kernel=kernel):  # a closed tab's session can come back until it is freed
            pass
        _wait_sessions(port, 0, IDLE + 10)  # all freed within the idle timeout (not 24 h)
    assert _get(port) == 200
