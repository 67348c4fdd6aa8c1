"""The engine knows roles, never a country: no actor id of a shipped case and no case word in
the code of the engine and its tools (comments and docstrings aside), and no import cycle in sim/."""

from __future__ import annotations

import ast
import io
import re
import token
import tokenize
from pathlib import Path

import yaml

from helpers import ROOT

SIM = ROOT / "sim"
CHECKED = ("model", "report", "sweep", "config")  # the layers that must hold no case
CASE_WORDS = ("gaza", "israel", "israeli", "hamas", "turkey", "turkish", "türkiye", "turkiye", "saudi", "qatar",
              "hostage", "palestinian", "cmcc")  # fmt: skip


def shipped_ids() -> set[str]:
    """The actor ids of every shipped case (the defaults lists of conf/cases/*/config.yaml)."""
    ids: set[str] = set()
    for config in (ROOT / "conf" / "cases").glob("*/config.yaml"):
        for entry in yaml.safe_load(config.read_text(encoding="utf-8"))["defaults"]:
            if isinstance(entry, dict) and "actors" in entry:
                ids |= set(entry["actors"])
    return ids


def banned() -> tuple[re.Pattern, re.Pattern]:
    """What names a case: in any token, an id as a whole word (``"ISR"``, ``role_TUR``) or a case
    word in any letter case (``israeli_control``, ``"Türkiye's role"``); in a name, also an id in
    lower case (``hamas_consent``, ``isr``). Lower-case ids in text are words (``are``, ``fra``)."""
    ids = sorted(shipped_ids(), key=len, reverse=True)
    words = sorted(CASE_WORDS, key=len, reverse=True)
    anywhere = re.compile(rf"(?<![A-Za-z0-9])({'|'.join(ids)})(?![A-Za-z0-9])|(?i:({'|'.join(words)}))")
    in_names = re.compile(rf"(?<![A-Za-z0-9])({'|'.join(ids)})(?![A-Za-z0-9])", flags=re.IGNORECASE)
    return anywhere, in_names


def findings(path: Path, patterns: tuple[re.Pattern, re.Pattern]) -> list[str]:
    """``file:line: token`` for each NAME or STRING token that names a case; comments and
    docstrings (a string that is a whole statement) aside."""
    anywhere, in_names = patterns
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    out = []
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    layout = {token.NEWLINE, token.NL, token.INDENT, token.DEDENT, token.COMMENT, tokenize.ENCODING}
    previous = token.NEWLINE  # the last significant token before this one
    for i, tok in enumerate(tokens):
        if tok.type in layout:
            if tok.type == token.NEWLINE:
                previous = token.NEWLINE
            continue
        if tok.type == token.STRING and previous in (token.NEWLINE, token.INDENT, token.DEDENT):
            nxt = next((t for t in tokens[i + 1 :] if t.type not in (token.NL, token.COMMENT)), None)
            if nxt is None or nxt.type in (token.NEWLINE, token.ENDMARKER):
                previous = tok.type
                continue  # a docstring, or a string standing alone as a statement
        text = tok.string
        if tok.type in (token.NAME, token.STRING, getattr(token, "FSTRING_MIDDLE", -1)):
            hit = anywhere.search(text) or (in_names.search(text) if tok.type == token.NAME else None)
            if hit:
                out.append(f"{where}:{tok.start[0]}: {hit.group(0)!r} in {text[:60]!r}")
        previous = tok.type
    return out


def test_no_case_in_the_engine_and_its_tools():
    patterns = banned()
    assert {"ISR", "HAMAS", "TUR"} <= shipped_ids()
    found = [f for layer in CHECKED for p in sorted((SIM / layer).rglob("*.py")) for f in findings(p, patterns)]
    assert not found, "a case in the code (it belongs in conf/cases/<case>/):\n" + "\n".join(found)


def test_the_token_check_sees_what_it_should(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring about Hamas is fine."""\n'
        "# so is a comment on ISR\n"
        "def f(model):\n"
        '    """Israel, in a docstring."""\n'
        '    x = model.actors["ISR"]\n'
        "    y = isr_position(x)  # a comment on TUR\n"
        '    return hamas_consent(y), "they are fine", "FRANCE", f"{x} in Gaza"\n',
        encoding="utf-8",
    )
    hits = [f.split(": ", 1)[1] for f in findings(sample, banned())]
    assert [h.split(" in ")[0] for h in hits] == ["'ISR'", "'isr'", "'hamas'", "'Gaza'"]


# ---------------------------------------------------------------- import cycles
def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """sim module -> the sim modules it imports (at the top, inside functions, or under TYPE_CHECKING
    aside: those never run)."""
    modules = {module_name(p): p for p in SIM.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != name:
                    deps.add(t)
        graph[name] = deps
    return graph


def test_no_import_cycle_in_sim():
    graph = import_graph()
    assert "sim.model.model" in graph and "sim.model.roles" in graph["sim.model.model"]
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                # a package importing its own submodule (sim.config -> sim.config.compose) is no
                # cycle, whichever of the two the search met first
                cycle = path[path.index(dep) :] + [dep]
                top = min(cycle, key=len)
                if not all(b.startswith(top + ".") for a, b in zip(cycle, cycle[1:]) if a == top):
                    cycles.append(cycle)
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles in sim/:\n" + "\n".join(" -> ".join(c) for c in cycles)
