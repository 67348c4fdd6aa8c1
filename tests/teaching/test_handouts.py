"""Classroom handouts (``python -m sim.exercises --handouts DIR``): one per sheet in Markdown and
HTML, without answers or instructor notes, at most two pages, in DIR/students; the instructor key
in its own folder (DIR/instructor or --key), never among the students' files; code that wraps
without breaking words; drafts with few runs that raise no false alarms, with progress."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.teaching.exercises import handouts, sheets
from sim.teaching.exercises.cli import main

SHEETS = sheets.sheet_paths()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("handouts")
    assert main(["--handouts", str(folder), "--keep-numbers"]) == 0
    return folder


@pytest.fixture(scope="module")
def out(written) -> Path:
    """The students' folder: what the teacher hands out."""
    return written / "students"


@pytest.fixture(scope="module")
def key_dir(written) -> Path:
    return written / "instructor"


def _key_sentences(sheet: Path) -> list[str]:
    """The key's answer prose, as sentences long enough to be recognisable."""
    key = sheets.key_path(sheet).read_text()
    answers = key[key.index("### Answers") + len("### Answers") :]
    words = " ".join(answers.split())
    sentences = re.split(r"(?<=[.:;?])\s", words)
    return [s for s in sentences if len(s.split()) >= 8 and not re.search(r"E\d\d|#", s)]  # E-ids become links


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_a_handout_is_the_students_sheet_only_and_at_most_two_pages(out, sheet):
    md = (out / sheet.name).read_text()
    html = (out / sheet.with_suffix(".html").name).read_text()
    assert handouts.word_count(md) <= handouts.MAX_WORDS, f"{sheet.name}: more than two pages"
    for text in (md, html.lower()):
        for word in ("instructor", "# answers", ">answers<", "numbers:begin", "do not edit by hand"):
            assert word not in text.lower(), f"{sheet.name}: '{word}' in a handout"
    plain = " ".join(md.split())
    leaked = [s for s in _key_sentences(sheet) if s in plain]
    assert not leaked, f"{sheet.name}: key text in the handout: {leaked[:1]}"
    assert sheets.commands(md) == sheets.commands(sheet.read_text()), "a handout keeps every command"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_code_in_the_html_is_the_sheets_code_word_for_word(out, sheet):
    import html as html_lib

    page = (out / sheet.with_suffix(".html").name).read_text()
    shown = [
        html_lib.unescape(re.sub(r"<[^>]+>", "", b))
        for b in re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", page, re.S)
    ]
    md = (out / sheet.name).read_text()
    assert shown == re.findall(r"^```\w*\n(.*?)^```", md, flags=re.M | re.S)  # what is copied runs


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_html_handouts_work_offline_and_link_the_evidence(out, sheet):
    html = (out / sheet.with_suffix(".html").name).read_text()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not re.search(r"<script|<link|src=|@import|https?://", html), "a handout loads nothing"
    assert "<h2>Learning goal</h2>" in html and "<pre><code" in html and "<li>" in html
    evidence = (out / "evidence.html").read_text()
    linked = set(re.findall(r'href="evidence\.html#(e\d\d)"', html))
    assert len(linked) >= 3
    for anchor in linked:
        assert f'id="{anchor}"' in evidence, f"{sheet.name} links evidence.html#{anchor}, which has no such entry"


def test_the_key_has_every_sheets_answers_and_numbers(key_dir):
    md = (key_dir / "instructor-key.md").read_text()
    html = (key_dir / "instructor-key.html").read_text()
    for sheet in SHEETS:
        key = sheets.key_path(sheet).read_text()
        first_row = next(ln for ln in key[key.index(sheets.BEGIN) :].splitlines() if ln.startswith("| `"))
        assert first_row in md, f"{sheet.name}: its numbers are not in the key"
        assert _key_sentences(sheet)[0] in " ".join(md.split())
    assert md.count("### Answers") >= len(SHEETS) or md.count("#### Answers") >= len(SHEETS)
    assert html.count("<table>") >= len(SHEETS) and "<!--" not in html
    assert not re.search(r"<script|https?://", html)
    linked = set(re.findall(r'href="evidence\.html#(e\d\d)"', html))
    evidence = (key_dir / "evidence.html").read_text()  # the key's own copy: its links work too
    assert linked and all(f'id="{a}"' in evidence for a in linked)


def test_the_students_folder_holds_no_answers(written, out, key_dir):
    assert sorted(p.name for p in written.iterdir()) == ["instructor", "students"]
    names = {p.name for p in out.iterdir()}
    assert names == {f"{s.stem}{ext}" for s in SHEETS for ext in (".md", ".html")} | {"evidence.md", "evidence.html"}
    for path in out.iterdir():
        text = path.read_text().lower()
        assert "instructor" not in text and "### answers" not in text, path.name
    assert {p.name for p in key_dir.iterdir()} == {
        "instructor-key.md",
        "instructor-key.html",
        "evidence.md",
        "evidence.html",
    }


def test_the_key_goes_where_key_says_and_never_among_the_sheets(tmp_path, capsys):
    assert main(["01", "--handouts", str(tmp_path / "h"), "--key", str(tmp_path / "mine"), "--keep-numbers"]) == 0
    assert (tmp_path / "mine" / "instructor-key.html").exists() and not (tmp_path / "h" / "instructor").exists()
    printed = capsys.readouterr().out
    assert f"keep {tmp_path / 'mine'}/ (the key) to yourself" in printed
    for key in (tmp_path / "x" / "students", tmp_path / "x" / "students" / "k", tmp_path / "x"):
        assert main(["01", "--handouts", str(tmp_path / "x"), "--key", str(key), "--keep-numbers"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "in or around the students' folder" in err, err
    assert not (tmp_path / "x").exists()  # refused before anything is written


def test_handouts_from_the_shim(tmp_path):
    target = tmp_path / "h"
    r = subprocess.run(
        [sys.executable, "-m", "sim.exercises", "01", "--handouts", str(target), "--keep-numbers"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert {p.name for p in (target / "students").iterdir()} >= {"01_veto_players.md", "01_veto_players.html"}
    assert (target / "instructor" / "instructor-key.html").exists()


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["--handouts", "{file}", "--keep-numbers"], "not a directory"),
        (["--keep-numbers"], "goes with --handouts"),
        (["nosuchsheet", "--handouts", "{dir}"], "no sheet matches"),
        (["--runs", "0", "--handouts", "{dir}"], "--runs 0"),
        (["--runs", "abc"], "invalid int value"),
        (["--key", "{dir}"], "--key goes with --handouts"),
        (["--handouts", "{dir}", "--key", "{file}", "--keep-numbers"], "--key"),
    ],
)
def test_bad_handout_requests_are_one_line(tmp_path, capsys, argv, word):
    afile = tmp_path / "file"
    afile.write_text("x")
    argv = [a.format(file=afile, dir=tmp_path / "out") for a in argv]
    with pytest.raises(SystemExit) if "abc" in argv else _nothing():
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("python -m sim.exercises: error: ") and word in err, err
    assert afile.read_text() == "x" and not (tmp_path / "out").exists()


def _nothing():
    import contextlib

    return contextlib.nullcontext()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_a_draft_below_the_sheets_run_count_raises_no_false_alarm_and_shows_progress(tmp_path, monkeypatch):
    from sim.teaching.exercises.running import own_runs

    sheet = SHEETS[0]
    assert own_runs(sheet) > 3
    err = _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    code = main([sheet.name[:2], "--runs", "3", "--handouts", str(tmp_path)])
    text = err.getvalue()
    assert code == 0, text
    assert "claim not supported" not in text
    assert f"{sheet.name}: " in text and "claims not checked at this run count (--runs 3 is below" in text
    assert "the sheets' runs" in text and "job" in text  # the progress bar, on a terminal
    assert "3 runs (seeds" in (tmp_path / "instructor" / "instructor-key.md").read_text()  # the draft's numbers


# every word of every code block that fits on a (continuation) line: its text's rectangles all on
# one line (a word broken across lines has rectangles at two heights); no block wider than its box
_SPLIT_WORDS = """() => {
  const split = [], wide = [];
  for (const pre of document.querySelectorAll('pre')) {
    const style = getComputedStyle(pre);
    const indent = 2 * parseFloat(getComputedStyle(pre.querySelector('code') || pre).fontSize);  // the hanging indent
    const room = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - indent;
    if (pre.scrollWidth > pre.clientWidth + 1) wide.push(pre.textContent.slice(0, 60));
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()];
        const tops = new Set(rects.map(r => Math.round(r.top)));
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        if (tops.size > 1 && width <= room) split.push(m[0]);
      }
    }
  }
  return {split, wide, blocks: document.querySelectorAll('pre').length};
}"""


@pytest.mark.slow
def test_code_in_the_handouts_wraps_between_words_in_a_browser(out, tmp_path):
    import os
    import shutil

    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    assert "break-all" not in handouts.CSS
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[*args, "--no-first-run"])
        try:
            # a narrow screen and an A4 page printed (the @media print rules), where lines wrap most
            for width, media in ((420, "screen"), (680, "print")):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.emulate_media(media=media)
                for sheet in SHEETS:
                    page.goto((out / sheet.with_suffix(".html").name).as_uri())
                    found = page.evaluate(_SPLIT_WORDS)
                    assert found["blocks"] >= 1
                    assert not found["split"], f"{sheet.name} at {width}px ({media}): words broken {found['split']}"
                    assert not found["wide"], f"{sheet.name} at {width}px ({media}): code wider than its box"
                if width == 420:
                    page.screenshot(path=str(tmp_path / "narrow.png"), full_page=True)
                page.close()
        finally:
            browser.close()
