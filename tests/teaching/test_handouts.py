"""Classroom handouts (``python -m sim.exercises --handouts DIR``): one per sheet in Markdown and
HTML, without answers or instructor notes, at most two pages; one instructor key with them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.teaching.exercises import handouts, sheets
from sim.teaching.exercises.cli import main

SHEETS = sheets.sheet_paths()


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("handouts")
    assert main(["--handouts", str(folder), "--keep-numbers"]) == 0
    return folder


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


def test_the_key_has_every_sheets_answers_and_numbers(out):
    md = (out / "instructor-key.md").read_text()
    html = (out / "instructor-key.html").read_text()
    for sheet in SHEETS:
        key = sheets.key_path(sheet).read_text()
        first_row = next(ln for ln in key[key.index(sheets.BEGIN) :].splitlines() if ln.startswith("| `"))
        assert first_row in md, f"{sheet.name}: its numbers are not in the key"
        assert _key_sentences(sheet)[0] in " ".join(md.split())
    assert md.count("### Answers") >= len(SHEETS) or md.count("#### Answers") >= len(SHEETS)
    assert html.count("<table>") >= len(SHEETS) and "<!--" not in html
    assert not re.search(r"<script|https?://", html)


def test_handouts_from_the_shim(tmp_path):
    target = tmp_path / "h"
    r = subprocess.run(
        [sys.executable, "-m", "sim.exercises", "01", "--handouts", str(target), "--keep-numbers"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert {p.name for p in target.iterdir()} >= {"01_veto_players.md", "01_veto_players.html", "instructor-key.html"}


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["--handouts", "{file}", "--keep-numbers"], "not a directory"),
        (["--keep-numbers"], "goes with --handouts"),
        (["nosuchsheet", "--handouts", "{dir}"], "no sheet matches"),
        (["--runs", "0", "--handouts", "{dir}"], "--runs 0"),
        (["--runs", "abc"], "invalid int value"),
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
