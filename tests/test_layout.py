"""The architecture, checked: the import rule between layers (docs/architecture.md), module
size, public Hydra APIs only, and every number declared once."""

from __future__ import annotations

import ast
import dataclasses
import tomllib
from pathlib import Path

import pytest

from helpers import ROOT, raw_config
from sim.model import params as schema

SIM = ROOT / "sim"

# layer -> the sim layers (and outside packages) it must not import
FORBIDDEN = {
    "model": {
        "sim.config",
        "sim.sweep",
        "sim.report",
        "sim.teaching",
        "sim.tools",
        "sim.cli",
        "sim.stats",
        "hydra",
        "omegaconf",
        "yaml",
        "pyarrow",
        "pathlib",
        "matplotlib",
    },
    "config": {"sim.sweep", "sim.report", "sim.teaching", "sim.tools", "sim.cli"},
    "stats": {"sim.model", "sim.config", "sim.sweep", "sim.report", "sim.teaching", "sim.tools", "sim.cli", "hydra"},
    "sweep": {"sim.report", "sim.teaching", "sim.tools", "sim.cli"},
    "report": {"sim.config", "sim.sweep", "sim.teaching", "sim.tools", "sim.cli", "hydra"},
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(SIM)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


ALLOWED = {"sim.config.places"}  # where the cases are (paths only): any layer may read it


def _hits(module: str, banned: set[str]) -> bool:
    if module in ALLOWED or module.startswith(tuple(f"{a}." for a in ALLOWED)):
        return False
    return any(module == b or module.startswith(b + ".") for b in banned)


SOURCES = sorted(p for p in SIM.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_import_rule_between_layers(path):
    banned = FORBIDDEN.get(layer_of(path), set())
    bad = sorted(m for m in imports(path) if _hits(m, banned))
    assert not bad, f"{path.relative_to(ROOT)} ({layer_of(path)} layer) imports {bad}: see docs/architecture.md"


def test_the_model_reads_and_writes_no_files():
    for path in (SIM / "model").rglob("*.py"):
        calls = {
            n.func.id
            for n in ast.walk(ast.parse(path.read_text()))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert "open" not in calls, f"{path.relative_to(ROOT)} opens a file"


MESA_CHECK = """
import sys
from sim.model.run import run_model
loaded = sorted(m for m in ("scipy", "networkx", "mesa.discrete_space", "mesa.batchrunner") if m in sys.modules)
import mesa
whole = [mesa.batch_run.__name__, mesa.discrete_space.__name__, mesa.experimental.devs.__name__]
whole.append(mesa.DataCollector.__name__)
from mesa.visualization.utils import update_counter
print(loaded, whole)
"""


def test_the_model_imports_only_mesas_core_and_mesa_stays_whole():
    """A job's processes import Mesa's Agent and Model, not its grids, networks and batch runner
    (SciPy, NetworkX: ~1.2 s of each process; sim/model/mesa_core.py); code that then asks for the
    rest of Mesa gets it, as after a plain ``import mesa``."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", MESA_CHECK], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[] ['batch_run', 'mesa.discrete_space', 'mesa.experimental.devs', 'DataCollector']"


def test_no_module_over_400_lines_and_no_private_hydra():
    for path in [*SOURCES, *(ROOT / "hydra_plugins").rglob("*.py")]:
        n = len(path.read_text(encoding="utf-8").splitlines())
        assert n <= 400, f"{path.relative_to(ROOT)} has {n} lines"
    for path in SOURCES:
        assert not any(m.startswith("hydra._internal") for m in imports(path)), f"{path} imports hydra._internal"


def test_every_package_is_listed_for_installation():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in SIM.rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(found - listed)}"


# --------------------------------------------------------------------------- numbers declared once
SCHEMAS = [*schema.ROLE_TYPES.values(), *schema.MECHANISM_TYPES.values()]


@pytest.mark.parametrize("cls", SCHEMAS, ids=lambda c: c.__name__)
def test_role_and_mechanism_numbers_live_only_in_conf(cls):
    for f in dataclasses.fields(cls):
        assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, (
            f"{cls.__name__}.{f.name} has a default in code: its value belongs in conf/ only"
        )
        if f.type in ("int", "float"):
            assert "domain" in f.metadata and f.metadata.get("unit"), f"{cls.__name__}.{f.name}: domain and unit"


def test_the_absent_defaults_are_not_restated_in_conf():
    """An actor's optional numbers default to 'absent' (capability 0: presses nobody; no
    position or resolve: nobody presses it). No actor file writes the default out again."""
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(schema.ActorParams)
        if f.name in ("capability", "position", "resolve")
    }
    for aid, actor in raw_config()["actors"].items():
        for key, default in defaults.items():
            assert key not in actor or actor[key] != default, f"conf/actors/{aid}.yaml restates {key}: {default}"


def test_every_conf_value_is_checked_against_a_declared_field(base_raw):
    """Each YAML number is a field of the schema (so it has a type, domain and unit)."""
    for aid, actor in base_raw["actors"].items():
        for role, cls in schema.ROLE_TYPES.items():
            if actor.get(role) is not None:
                assert set(actor[role]) == {f.name for f in dataclasses.fields(cls)}, f"actors.{aid}.{role}"
    for name, cls in schema.MECHANISM_TYPES.items():
        if name in schema.OPTIONAL_MECHANISMS and name not in base_raw["mechanisms"]:
            continue  # a case may leave an optional mechanism out: it is off
        section = {k for k in base_raw["mechanisms"][name] if k != "meta"}
        assert section == {f.name for f in dataclasses.fields(cls)}, f"mechanisms.{name}"
