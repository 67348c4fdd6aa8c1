"""The teaching page: its model wrapper and views, and the page itself in a real headless
browser (Debian's chromium driven by Playwright; skipped only when neither is installed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import app_server
from sim.config import load
from sim.model.outcomes import outcome
from sim.teaching import app_model as app
from sim.teaching import app_views
from sim.tools.figures import reset_until

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_page_model_with_untouched_levers_is_the_scenario():
    for scen in ("baseline", "us_presses_israel"):
        settings = app.default_settings(scen)
        m = app.TeachingModel(**settings).run(10)
        ref = app.ISFModel(load([f"scenario={scen}"])[0], rng=0).run(10)
        assert m.overrides == {} and outcome(m, 0) == outcome(ref, 0)
        assert app.changed_settings(m, settings) == []


def test_choosing_a_scenario_puts_its_values_on_the_sliders():
    settings = app.with_scenario(app.default_settings(), "us_presses_israel")
    assert settings["scenario_name"] == "us_presses_israel" and settings["us_pressure_isr"] == 0.9
    assert app.with_scenario(settings, "baseline")["us_pressure_isr"] == 0.25
    m = app.TeachingModel(**settings)
    assert m.overrides == {} and "US pressure on Israel 0.90" in app.config_markdown(m, settings)
    pending = {**settings, "us_pressure_isr": 0.5}
    assert app.changed_settings(m, pending) == ["us_pressure_isr"]
    assert "press Reset to apply them" in app.config_markdown(m, pending)


def test_levers_and_switches_reach_the_parameters():
    m = app.TeachingModel(
        us_pressure_isr=0.9,
        gulf_threshold=0.5,
        russia_support=0.1,
        hamas_disarmament=0.6,
        us_mandate=0.2,
        rule="nash",
        ground=False,
        money=False,
        p5_veto=False,
    )
    a, mech = m.params.actors, m.params.mechanisms
    assert a["USA"].pressure["ISR"] == 0.9 and a["USA"].position[1] == 0.2
    assert a["SAU"].funder.disarmament_threshold == a["ARE"].funder.disarmament_threshold == 0.5
    assert a["RUS"].council.support == 0.1 and a["HAMAS"].position[2] == 0.6
    assert mech.pressure.rule == "nash" and not mech.ground.enabled and not mech.money.enabled
    assert not mech.council.p5_veto and mech.council.enabled
    card = app.config_markdown(m)
    for text in (
        "actors.USA.pressure.ISR=0.9",
        "actors.RUS.council.support=0.1",
        "mechanisms.ground.enabled=false",
        "mechanisms.money.enabled=false",
        "mechanisms.council.p5_veto=false",
        "P5 veto off",
    ):
        assert text in card


def test_views_draw_after_some_weeks():
    m = app.TeachingModel(seed=3).run(8)
    frames = {d: app_views.positions_frame(m, d) for d in m.case.dimensions}
    assert all(len(f) == 9 for f in frames.values())
    assert {"ISR", "HAMAS", "USA"} <= set(frames["composition"].columns)
    assert {"RUS", "CHN", "UNSC"} <= set(frames["mandate"].columns) - set(frames["composition"].columns)
    assert frames["composition"]["ISR"].iloc[-1] == m.actors["ISR"].settled[0]
    assert {("USA", "ISR"), ("QAT", "HAMAS")} <= {(a, b) for a, b, _ in app.pressure_edges(m)}
    table = dict(app.council_table(m))
    assert list(table) == ["USA", "UNSC", "RUS", "CHN", "GBR", "FRA"] and table["USA"] == "yes"
    assert app.last_vote(m).startswith("week 2: the Council")
    for draw in app_views.FIGURES:
        assert draw(m).axes
    labels = [t.get_text() for t in app_views.draw_positions(m).axes[0].get_yticklabels()]
    assert labels[0] == "0 no Turkish troops in the force" and labels[-1] == "1 Turkish troops welcome"  # case.yaml
    assert "0 = opposed, 1 = in favour" in app_views.draw_positions(m).axes[0].get_ylabel()  # as in the report
    legend = app_views.draw_network(m).axes[0].get_legend()
    assert "veto holder (Israel)" in [t.get_text() for t in legend.get_texts()]


def test_a_vetoing_permanent_member_shows_in_the_council_table():
    m = app.TeachingModel(russia_support=0.05)
    assert dict(app.council_table(m))["RUS"] == "no (veto)"
    assert dict(app.council_table(app.TeachingModel(russia_support=0.05, p5_veto=False)))["RUS"] == "no"


def test_lines_that_coincide_stay_distinguishable():
    """RUS and CHN (and GBR and FRA) hold the same positions: each pair's lines must not hide one
    another (each its own colour, marker and a dash pattern that leaves gaps for the other)."""
    m = app.TeachingModel(seed=3).run(8)
    frame = app_views.positions_frame(m, "mandate")
    same = [(a, b) for a in frame.columns for b in frame.columns if a < b and frame[a].equals(frame[b])]
    assert same, "the default case has actors whose lines coincide (the case changed?)"
    fig = app_views.draw_positions(m)
    ax = fig.axes[list(m.case.dimensions).index("mandate")]
    lines = {ln.get_color(): ln for ln in ax.get_lines() if len(ln.get_ydata()) == len(frame)}
    colour = app_views.colours(m)
    for a, b in same:
        la, lb = lines[colour[a]], lines[colour[b]]
        assert colour[a] != colour[b] and la.get_marker() != lb.get_marker()
        assert la.get_markevery() != lb.get_markevery()  # markers at other weeks: none covers another
        assert la.is_dashed() and lb.is_dashed()
    groups = app_views.coinciding(frame)
    order = {x.aid: i for i, x in enumerate(m.actor_list)}
    for a, b in same:  # (offset, (on, off)): the same pattern, shifted, so the colours alternate
        (off_a, dash_a), (off_b, dash_b) = (
            app_views.line_style(m.actors[x], *groups[x], len(frame), order[x])["linestyle"] for x in (a, b)
        )
        assert dash_a == dash_b and dash_a[1] >= dash_a[0] and off_a != off_b


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("solara")
    with app_server() as port:
        yield f"http://127.0.0.1:{port}/"


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
            page = browser.new_page(viewport={"width": 1500, "height": 1750})
            page.goto(server)
            page.get_by_text("Week 0").first.wait_for(timeout=60_000)
            # Mesa's controls that confuse students are not on the page; sliders show their value
            for absent in ("Render Interval", "Use Threads", "Page 0"):
                assert page.get_by_text(absent).count() == 0, absent
            page.get_by_text("US pressure on Israel: 0.25").wait_for(timeout=5_000)
            # a Step moves the model one week: the card and the views follow
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 1 —").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 2 —").first.wait_for(timeout=30_000)
            # a slider changes the model (on Reset): US pressure on Israel 0.25 -> 0.45
            slider = page.locator(".lever-us_pressure_isr [role=slider]")
            slider.focus()
            for _ in range(4):
                slider.press("ArrowRight")
            page.get_by_text("US pressure on Israel: 0.45").wait_for(timeout=10_000)
            page.get_by_text("Settings changed (us_pressure_isr)").wait_for(timeout=10_000)
            reset_until(page, "actors.USA.pressure.ISR=0.45")
            page.get_by_text("Week 0 —").first.wait_for(timeout=30_000)
            page.get_by_text("US pressure on Israel 0.45").first.wait_for(timeout=5_000)
            # choosing a scenario puts its own values on the sliders, and Reset runs it
            page.locator(".v-select", has_text="Scenario").click()
            page.get_by_role("option", name="us_presses_israel").click()
            page.get_by_text("US pressure on Israel: 0.90").wait_for(timeout=10_000)
            # the label and the slider are two widgets, updated by two messages: wait for both
            sync_api.expect(slider).to_have_attribute("aria-valuenow", "0.9", timeout=10_000)
            reset_until(page, "scenario us_presses_israel")
            page.get_by_text("US pressure on Israel 0.90").first.wait_for(timeout=5_000)
            assert page.get_by_text("Settings changed").count() == 0
            for _ in range(3):
                page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 3 —").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            if os.environ.get("ISF_UPDATE_SCREENSHOT"):
                shutil.copy(shot, ROOT / "docs" / "img" / "app.png")
        finally:
            browser.close()


@pytest.mark.slow
def test_the_page_requests_nothing_missing_and_the_server_prints_no_warning(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("solara")
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    log, failed = tmp_path / "server.log", []
    with app_server(log=log) as port, sync_api.sync_playwright() as p:
        args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*args, "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
            page.on("requestfailed", lambda r: failed.append(("failed", r.url)))
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Week 0").first.wait_for(timeout=60_000)
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Week 1 —").first.wait_for(timeout=30_000)
            page.get_by_text("member").first.wait_for(timeout=5_000)  # the Council's table, as HTML
            page.wait_for_timeout(1500)
        finally:
            browser.close()
    assert not failed, failed  # e.g. /_solara/cdn/katex... (404) before the cards stopped using solara.Markdown
    printed = log.read_text()
    assert "serving on" in printed and "Warning" not in printed and "samesite" not in printed, printed


def test_the_sliders_come_from_the_case_file(tmp_path):
    import yaml

    from sim.config.compose import CONF_DIR

    assert app.sliders() == list(yaml.safe_load((CONF_DIR / "case.yaml").read_text())["case"]["sliders"])
    case = tmp_path / "gaza_copy"
    shutil.copytree(CONF_DIR, case)
    text = (case / "case.yaml").read_text()
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("china_support:")]
    (case / "case.yaml").write_text("\n".join(lines) + "\n")
    shown = app.sliders(str(case))
    assert len(shown) == len(app.sliders()) - 1 and "china_support" not in shown
    m = app.TeachingModel(**app.default_settings(case=str(case)))
    assert f"isf-sim case={case} scenario=baseline" in app.config_markdown(m)
    assert "isf-sim scenario=baseline" in app.config_markdown(app.TeachingModel())
