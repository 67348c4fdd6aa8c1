"""The docs say what the code does: every scenario in the README, the generated docs current
(docs/parameters.md and the Cited by lines of docs/evidence.md), every image made by
`make figures` with its command under it and a caption that tells what it shows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT
from sim.config import scenarios
from sim.tools import docs, figures


def test_readme_lists_every_scenario_with_its_summary():
    readme = (ROOT / "README.md").read_text()
    for name, summary in scenarios().items():
        assert f"| `{name}` | {summary} |" in readme, name


def test_parameters_doc_is_up_to_date():
    assert (ROOT / "docs" / "parameters.md").read_text() == docs.render(), "run: python -m sim.tools.docs"


def test_evidence_doc_cited_by_lines_are_up_to_date():
    text = (ROOT / "docs" / "evidence.md").read_text()
    assert text == docs.render_evidence(text), "run: python -m sim.tools.docs"


def test_readme_quickstart_has_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [ln.split("#")[0].strip() for ln in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


# --------------------------------------------------------------------------- images
def _images() -> list[tuple[Path, str]]:
    """(document, image link) for every image in README.md and docs/*.md."""
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [(doc, link) for doc in docs for link in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", doc.read_text())]


def test_every_image_in_the_docs_is_made_by_make_figures():
    images = _images()
    assert len(images) >= 3
    for doc, link in images:
        made = figures.TARGETS.values()
        assert Path(link).name in made, f"{doc.name}: {link} is not made by python -m sim.tools.figures"


def test_every_image_link_resolves():
    broken = [f"{doc.relative_to(ROOT)}: {link}" for doc, link in _images() if not (doc.parent / link).is_file()]
    assert not broken, f"image links that lead nowhere: {broken}"


def test_the_readme_shows_the_commands_that_make_each_figure():
    readme = (ROOT / "README.md").read_text()
    for name, (commands, _) in figures.FIGURES.items():
        for command in commands:
            assert f"\n{command}\n" in readme, f"{name}: '{command}' is not under its image in README.md"
    assert "python -m sim.tools.figures app" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert "figures:" in makefile and "-m sim.tools.figures" in makefile


@pytest.mark.slow
def test_the_trace_caption_tells_the_story_of_the_run_shown(tmp_path):
    """The caption under report-trace.png is what the run drawn there does (not a story from an
    earlier model version): the same command, read by sim.tools.figures.trace_caption."""
    command = figures.FIGURES["trace"][0][0]
    env = {**os.environ, "PATH": f"{figures.BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(shlex.split(command), cwd=tmp_path, env=env, check=True, capture_output=True)
    caption = figures.trace_caption(tmp_path / "results" / "figures" / "trace")
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"*{caption}*" in readme, f"README's caption under report-trace.png should read: *{caption}*"


def test_license_and_citation_agree_with_pyproject():
    import tomllib

    import yaml

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["version"] == project["version"]
    assert citation["license"] == "MIT" and "MIT" in str(project["license"])
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()
