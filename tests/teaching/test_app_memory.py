"""isf-app gives its memory back: 30 sessions (browser tabs that load the page and its model)
opened and closed leave the server's memory within 50 MB of what it held when it started
(docs/reliability.md). Debian's Chromium, driven by Playwright, as in test_app.py."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request

import pytest

from helpers import app_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SESSIONS, AT_ONCE, SLACK_MB = 30, 5, 50
IDLE = 2  # seconds: the idle timeout of the server under test (isf-app's own is 60 s)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def server_pid(port: int) -> int:
    """The server's process: isf-app becomes it (exec), ``python -m sim.teaching.app_guard ... --port N``."""
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "sim.teaching.app_guard" in args and str(port) in args:
            return int(entry)
    raise AssertionError(f"no isf-app server on port {port}")


def sessions(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/resourcez", timeout=30) as r:
        return json.load(r)["kernels"]["total"]


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the server's memory in /proc")
def test_thirty_sessions_opened_and_closed_leave_memory_near_its_start():
    pytest.importorskip("solara")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    env = {**os.environ, "SOLARA_KERNEL_CULL_TIMEOUT": f"{IDLE}s"}
    with app_server(env=env) as port, sync_api.sync_playwright() as p:
        pid = server_pid(port)
        time.sleep(2)
        start = rss_mb(pid)
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        peak = start
        try:
            for _wave in range(SESSIONS // AT_ONCE):
                tabs = browser.new_context()
                for _ in range(AT_ONCE):
                    page = tabs.new_page()
                    page.goto(f"http://127.0.0.1:{port}/")
                    page.get_by_text("Week 0").first.wait_for(timeout=240_000)  # the model is built
                peak = max(peak, rss_mb(pid))
                tabs.close()
                deadline = time.time() + IDLE + 60
                while sessions(port) and time.time() < deadline:
                    time.sleep(0.5)
                assert sessions(port) == 0, "closed sessions were not freed"
        finally:
            browser.close()
        time.sleep(3 * IDLE)  # the guard collects and trims after the sessions go (sim.teaching.app_guard)
        end = rss_mb(pid)
        print(f"isf-app memory: {start:.0f} MB at start, {peak:.0f} MB at most, {end:.0f} MB after {SESSIONS} sessions")
        assert end - start <= SLACK_MB, (start, peak, end)
