"""`python -m sim.tools.figures` (`make figures`): regenerate every image of README.md and docs/
from the model, by the commands printed under each image.

- ``configurations`` -> docs/img/report-configurations.png: a sweep of three scenarios, then
  isf-report's configurations figure;
- ``trace`` -> docs/img/report-trace.png: one traced baseline run (seed 3), then isf-report's
  trace figure; prints the run's story, which is the image's caption in README.md;
- ``app`` -> docs/img/app.png: isf-app in headless Chromium (Playwright, /usr/bin/chromium),
  scenario us_presses_israel chosen, Reset, three Steps.

The commands run in a temporary folder, with this Python's bin/ first on PATH: nothing is left in
the checkout but the images. ``python -m sim.tools.figures trace`` makes one image only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.config.compose import ROOT

PROG = "python -m sim.tools.figures"
IMG = ROOT / "docs" / "img"
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# name -> (the commands, as printed under the image, and the file they make)
FIGURES = {
    "configurations": (
        [
            "isf-sim -m scenario=baseline,us_presses_israel,credible_amnesty runs=1000 "
            "hydra.sweep.dir=results/figures/configurations",
            "isf-report results/figures/configurations",
        ],
        "results/figures/configurations/report/configurations.png",
    ),
    "trace": (
        [
            "isf-sim trace=true runs=1 seed=3 hydra.run.dir=results/figures/trace",
            "isf-report results/figures/trace",
        ],
        "results/figures/trace/report/trace.png",
    ),
    "app": ([], "app.png"),
}
TARGETS = {"configurations": "report-configurations.png", "trace": "report-trace.png", "app": "app.png"}


def environment() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def run(command: str, cwd: Path) -> None:
    print(f"$ {command}", flush=True)
    done = subprocess.run(shlex.split(command), cwd=cwd, env=environment(), stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"'{command}' exited with {done.returncode}")


# --------------------------------------------------------------------------- the trace's story
MANDATES = {"borders": "border-monitoring", "enforcement": "enforcement"}


def _weeks(weeks) -> str:
    weeks = [str(int(w)) for w in weeks]
    return "week " + weeks[0] if len(weeks) == 1 else "weeks " + ", ".join(weeks[:-1]) + " and " + weeks[-1]


def trace_caption(run_dir: Path) -> str:
    """What the traced run in ``run_dir`` shows, in one sentence (the README's caption)."""
    import pandas as pd

    row = pd.read_parquet(run_dir / "runs.parquet").iloc[0]
    events = pd.read_parquet(run_dir / "events.parquet")
    horizon = int(events["week"].max())
    parts = []
    if row["un_authorized"]:
        mandate = MANDATES.get(str(row["mandate"]), str(row["mandate"]))
        article = "an" if mandate[:1].lower() in "aeiou" else "a"
        parts.append(f"the Council passes {article} {mandate} resolution in week {int(row['week_authorized'])}")
    else:
        parts.append("no Council resolution passes")
    yielded = events[events["kind"] == "veto_yielded"]
    if row["veto_yielded"] and len(yielded):
        parts.append(f"Israel's veto on Turkish troops yields in week {int(yielded['week'].iloc[0])}")
    else:
        parts.append("Israel's veto on Turkish troops holds")
    liaison = events[events["kind"] == "liaison"]
    if len(liaison):
        parts.append(f"Türkiye settles for a CMCC liaison role in week {int(liaison['week'].iloc[0])}")
    for actor, commits in events[events["kind"] == "commit"].groupby("actor", sort=False):
        text = f"{actor} pledges troops in {_weeks(commits['week'])}"
        pulled = events[(events["kind"] == "withdraw") & (events["actor"] == actor)]
        if len(pulled):
            text += f" and its pledge lapses in {_weeks(pulled['week'])} as violence rises"
        parts.append(text)
    if row["ceasefire_collapsed"]:
        parts.append(f"the ceasefire collapses in week {int(row['week_collapsed'])}")
    if row["deployed"]:
        parts.append(f"the ISF deploys in week {int(row['week_deployed'])} ({row['contributors']})")
    else:
        parts.append(f"no ISF deploys within {horizon} weeks")
    return f"`{row['scenario']}`, seed {int(row['seed'])}: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- the app's screenshot
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_until(page, text: str) -> None:
    """Press Reset until the card shows ``text`` (a setting reaches the server asynchronously:
    a first Reset may race it). Shared with tests/teaching/test_app.py."""
    for attempt in range(5):
        page.wait_for_timeout(1000)
        page.get_by_role("button", name="Reset").click()
        try:
            page.get_by_text(text).first.wait_for(timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; retry the Reset
            if attempt == 4:
                raise


def screenshot_app(out: Path) -> None:
    """isf-app in headless Chromium: us_presses_israel, Reset, three Steps, the whole page."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RuntimeError("the app screenshot needs playwright: pip install -e '.[test]'") from exc
    if not os.path.exists(CHROMIUM):
        raise RuntimeError("the app screenshot needs chromium (apt-get install chromium)")
    port = _free_port()
    print(f"$ isf-app --port {port}  (driven by headless Chromium)", flush=True)
    server = subprocess.Popen(
        [str(BIN / "isf-app"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError("isf-app did not start") from None
                time.sleep(0.3)
        with sync_playwright() as p:
            args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
            try:
                page = browser.new_page(viewport={"width": 1500, "height": 1750})
                page.goto(f"http://127.0.0.1:{port}/")
                page.get_by_text("Week 0").first.wait_for(timeout=60_000)
                page.locator(".v-select", has_text="Scenario").click()
                page.get_by_role("option", name="us_presses_israel").click()
                reset_until(page, "scenario us_presses_israel")
                for week in (1, 2, 3):
                    page.get_by_role("button", name="Step").click()
                    page.get_by_text(f"Week {week} —").first.wait_for(timeout=30_000)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out), full_page=True)
            finally:
                browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the solara process it started
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --------------------------------------------------------------------------- command line
def make(name: str, work: Path, out_dir: Path) -> Path:
    commands, made = FIGURES[name]
    target = out_dir / TARGETS[name]
    if name == "app":
        screenshot_app(work / made)
    for command in commands:
        run(command, work)
    shutil.copyfile(work / made, target)
    print(f"wrote {target}", flush=True)
    if name == "trace":
        print(f"caption: {trace_caption(work / 'results/figures/trace')}", flush=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"images to make (default: all): {', '.join(FIGURES)}")
    parser.add_argument("--out", default=str(IMG), help="folder for the images (default: docs/img)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in FIGURES]
    if unknown:
        print(f"{PROG}: error: unknown image '{unknown[0]}'; allowed: {', '.join(FIGURES)}", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    if not out_dir.is_dir():
        print(f"{PROG}: error: --out {out_dir} is not a folder", file=sys.stderr)
        return 2
    failed = []
    with tempfile.TemporaryDirectory(prefix="isf-figures-") as tmp:
        for name in args.names or list(FIGURES):
            try:
                make(name, Path(tmp), out_dir)
            except RuntimeError as exc:
                print(f"{PROG}: {name}: {exc}", file=sys.stderr)
                failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
