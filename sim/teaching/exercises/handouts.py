"""Classroom handouts: ``python -m sim.exercises --handouts DIR``.

Two folders, so that sharing the students' folder never hands out the answers:

- ``DIR/students/``: for each exercise, the students' sheet (``NN_name.md``: goal, prediction,
  commands, what to look at, questions; no answers) as Markdown and as a self-contained HTML page
  (inline CSS, nothing loaded from the network, printable on two pages), and the evidence the
  sheets cite (``evidence.md``/``.html``, from docs/evidence.md) so that their E01-E50 links work
  offline;
- ``DIR/instructor/`` (or ``--key KEYDIR``): one instructor key (every sheet's answers, notes and
  numbers) as ``instructor-key.md`` and ``.html``, with its own copy of the evidence.

Code wraps at spaces and never inside a word: a command copied from a printed sheet must read as
it runs. Browsers also break lines after a hyphen (``--out`` as ``-`` and ``-out``), which CSS
alone cannot forbid, so each word of a code block is its own inline box (``<span class="w">``),
kept whole unless it is longer than a whole line (the copied text is unchanged).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sim.teaching.exercises.sheets import BEGIN, END, ROOT, key_path

EVIDENCE = ROOT / "docs" / "evidence.md"
KEY_NAME = "instructor-key"
STUDENTS, INSTRUCTOR = "students", "instructor"  # the two folders under DIR
LINK = re.compile(r"\]\((?:\.\./)*docs/evidence\.md(#[\w-]+)?\)")
EID = re.compile(r"(?<![\w\[#`])E(\d\d)\b(?![\]`])")
MAX_WORDS = 700  # two printed pages with the commands
CODE_BLOCK = re.compile(r"(<pre><code[^>]*>)(.*?)(</code></pre>)", re.S)  # markdown-it: escaped text, no tags
WORD = re.compile(r"\S+")

CSS = """
body { font: 11pt/1.4 Georgia, 'DejaVu Serif', serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 1.45em; margin-bottom: 0.3em; } h2 { font-size: 1.15em; margin: 1.1em 0 0.3em; }
h3 { font-size: 1.02em; margin: 1em 0 0.3em; }
code { font: 0.86em/1.3 'DejaVu Sans Mono', monospace; background: #f3f3f3; padding: 0 0.15em; }
pre { background: #f3f3f3; padding: 0.5em 0.7em; white-space: pre-wrap; }
pre .w { display: inline-block; max-width: 100%; overflow-wrap: anywhere; text-indent: 0; }
pre .ln { display: block; padding-left: 2em; text-indent: -2em; }
pre code { padding: 0; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
th, td { border: 1px solid #bbb; padding: 0.15em 0.45em; text-align: left; vertical-align: top; }
a { color: #0b4f8a; }
ul, ol { padding-left: 1.4em; } li { margin: 0.15em 0; }
@page { size: A4; margin: 1.6cm; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } a { color: inherit; text-decoration: none; } }
"""


def link_evidence(text: str) -> str:
    """Links to docs/evidence.md point to the copy beside the handout, and every bare E-id
    (``E31``) becomes a link to its entry there (``evidence.md#e31``)."""
    text = LINK.sub(lambda m: f"](evidence.md{m.group(1) or ''})", text)
    if not EVIDENCE.exists():
        return text
    return EID.sub(lambda m: f"[E{m.group(1)}](evidence.md#e{m.group(1)})", text)


def student_markdown(sheet: Path) -> str:
    """The students' sheet as handed out, its evidence ids linked to the evidence beside it."""
    return link_evidence(sheet.read_text(encoding="utf-8"))


def key_markdown(sheets: list[Path], blocks: dict[Path, str] | None = None) -> str:
    """Every sheet's instructor key in one document, with ``blocks`` (sheet -> a freshly generated
    numbers block) in place of the stored ones."""
    parts = [
        "# Instructor key to the exercises",
        "",
        "Answers, instructor notes and the numbers of every sheet. Not for students: their handouts "
        "are the sheets alone. The numbers come from the sheets' own commands (same seeds and runs).",
    ]
    for sheet in sheets:
        text = key_path(sheet).read_text(encoding="utf-8")
        if blocks and sheet in blocks:
            start, end = text.index(BEGIN), text.index(END) + len(END)
            text = text[:start] + blocks[sheet] + text[end:]
        parts += ["", "---", "", _demote(link_evidence(text))]
    return "\n".join(parts) + "\n"


def _demote(text: str) -> str:
    """A sheet's headings one level down (its title becomes a section of the key)."""
    return re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)


def to_html(markdown_text: str, title: str, trusted_html: bool = False) -> str:
    """A standalone HTML page: CommonMark with tables (markdown-it-py), inline CSS, no scripts,
    nothing fetched. Raw HTML in the text is escaped unless ``trusted_html`` (the evidence's own
    anchors); the numbers markers are dropped; links to ``.md`` siblings point to their ``.html``."""
    from markdown_it import MarkdownIt

    text = re.sub(r"<!--.*?-->\n?", "", markdown_text, flags=re.S)
    md = MarkdownIt("commonmark", {"html": trusted_html}).enable("table")
    body = md.render(text)
    body = re.sub(r'href="((?:evidence|\d\d_\w+|instructor-key)(?:\.key)?)\.md(#[\w-]+)?"', r'href="\1.html\2"', body)
    body = CODE_BLOCK.sub(lambda m: m.group(1) + _code_lines(m.group(2)) + m.group(3), body)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def _code_lines(code: str) -> str:
    """A code block's lines, each a block with a hanging indent (a wrapped command reads as one),
    its words kept whole (``<span class="w">``); the text, and so what is copied, is unchanged."""
    lines = code.removesuffix("\n").split("\n")
    return "".join(f'<span class="ln">{WORD.sub(r'<span class="w">\g<0></span>', ln)}\n</span>' for ln in lines)


def title_of(markdown_text: str) -> str:
    first = next((ln for ln in markdown_text.splitlines() if ln.startswith("# ")), "# Exercise")
    return first[2:].strip()


def word_count(markdown_text: str) -> int:
    return len(markdown_text.split())


def folders(out: Path, key_dir: Path | None = None) -> tuple[Path, Path]:
    """(the students' folder, the instructor's folder) for ``--handouts out [--key key_dir]``."""
    return out / STUDENTS, key_dir if key_dir is not None else out / INSTRUCTOR


def key_inside_students(students: Path, instructor: Path) -> bool:
    """Whether the key would land in (or above) the students' folder, and so be handed out with it."""
    s, k = students.resolve(), instructor.resolve()
    return k == s or k.is_relative_to(s) or s.is_relative_to(k)


def write_handouts(
    out: Path, sheets: list[Path], blocks: dict[Path, str] | None = None, key_dir: Path | None = None
) -> list[Path]:
    """Write the students' handouts and the evidence into ``out/students`` and the key (with its
    own copy of the evidence) into ``out/instructor`` or ``key_dir`` (created if needed); the
    paths written."""
    students, instructor = folders(out, key_dir)
    if key_inside_students(students, instructor):
        raise ValueError(f"the key's folder {instructor} and the students' {students} must be apart")
    written = []

    def write(folder: Path, name: str, text: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for sheet in sheets:
        text = student_markdown(sheet)
        write(students, sheet.name, text)
        write(students, sheet.with_suffix(".html").name, to_html(text, title_of(text)))
    key = key_markdown(sheets, blocks)
    write(instructor, f"{KEY_NAME}.md", key)
    write(instructor, f"{KEY_NAME}.html", to_html(key, "Instructor key to the exercises"))
    if EVIDENCE.exists():
        evidence = EVIDENCE.read_text(encoding="utf-8")
        page = to_html(evidence, title_of(evidence), trusted_html=True)
        for folder in (students, instructor):
            write(folder, "evidence.md", evidence)
            write(folder, "evidence.html", page)
    return written
