"""The teaching page: its model wrapper and views, and the page itself in a real headless
browser (Debian's chromium driven by Playwright; skipped only when neither is installed)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.config import load
from sim.model.outcomes import outcome
from sim.teaching import app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_page_model_with_untouched_levers_is_the_scenario():
    for scen in ("baseline", "us_presses_israel"):
        m = app.TeachingModel(scenario_name=scen, **app.baseline_levers()).run(10)
        ref = app.ISFModel(load([f"scenario={scen}"])[0], rng=0).run(10)
        assert outcome(m, 0) == outcome(ref, 0)


def test_levers_and_switches_reach_the_parameters():
    m = app.TeachingModel(us_pressure_isr=0.9, gulf_threshold=0.5, rule="nash", ground=False)
    a = m.params.actors
    assert a["USA"].pressure["ISR"] == 0.9
    assert a["SAU"].funder.disarmament_threshold == a["ARE"].funder.disarmament_threshold == 0.5
    assert m.params.mechanisms.pressure.rule == "nash" and not m.params.mechanisms.ground.enabled
    card = app.config_markdown(m)
    assert "actors.USA.pressure.ISR=0.9" in card and "mechanisms.ground.enabled=false" in card


def test_views_draw_after_some_weeks():
    m = app.TeachingModel(seed=3).run(8)
    assert len(app.positions_frame(m)) == 9
    assert {("USA", "ISR"), ("QAT", "HAMAS")} <= {(a, b) for a, b, _ in app.pressure_edges(m)}
    assert [r[0] for r in app.council_table(m)] == ["USA", "UNSC", "RUS", "CHN", "GBR", "FRA"]
    for draw in (app.draw_positions, app.draw_network, app.draw_troops, app.draw_deaths):
        assert draw(m).axes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("solara")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sim.teaching.app import main; main()", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert proc.poll() is None, "isf-app exited early"
            time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)  # the server and anything it started
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
def test_page_in_a_headless_browser(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1400})
            page.goto(server)
            page.get_by_text("Week 0").first.wait_for(timeout=60_000)
            # a Step moves the model one week: the card and the views follow
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 1 —").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 2 —").first.wait_for(timeout=30_000)
            # a slider changes the model (on Reset): US pressure on Israel 0.25 -> 0.45
            slider = page.locator(".v-input", has_text="US pressure on Israel").locator("[role=slider]")
            slider.focus()
            for _ in range(4):
                slider.press("ArrowRight")
            # the slider's value reaches the server asynchronously: wait until the browser shows
            # it, then Reset (again, if the first Reset raced the value) until the model has it
            for _ in range(50):
                if slider.get_attribute("aria-valuenow") in ("0.45", "0.45000000000000007"):
                    break
                page.wait_for_timeout(200)
            lever = page.get_by_text("actors.USA.pressure.ISR=0.45").first
            for attempt in range(5):
                page.wait_for_timeout(1000)
                page.get_by_role("button", name="Reset").click()
                try:
                    lever.wait_for(timeout=10_000)
                    break
                except Exception:  # noqa: BLE001 - playwright's TimeoutError; retry the Reset
                    if attempt == 4:
                        raise
            page.get_by_text("Week 0 —").first.wait_for(timeout=30_000)
            page.get_by_text("US pressure on Israel 0.45").first.wait_for(timeout=5_000)
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 1 —").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            if os.environ.get("ISF_UPDATE_SCREENSHOT"):
                shutil.copy(shot, ROOT / "docs" / "img" / "app.png")
        finally:
            browser.close()
