"""The docs say what the code does: every scenario in the README, parameters table current."""

from __future__ import annotations

from helpers import ROOT
from sim.config import scenarios
from sim.tools import docs


def test_readme_lists_every_scenario_with_its_summary():
    readme = (ROOT / "README.md").read_text()
    for name, summary in scenarios().items():
        assert f"| `{name}` | {summary} |" in readme, name


def test_parameters_doc_is_up_to_date():
    assert (ROOT / "docs" / "parameters.md").read_text() == docs.render(), "run: python -m sim.tools.docs"


def test_readme_quickstart_has_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [ln.split("#")[0].strip() for ln in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
