"""Every evidence id leads somewhere: each id cited in conf/ and experiments/ (``sources:``) or
mentioned in the docs, the experiments and the README has an entry in docs/evidence.md, with an
anchor a link can reach (``evidence.md#e12``), and every entry names the article it comes from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, sources_in

EVIDENCE = ROOT / "docs" / "evidence.md"
ID = re.compile(r"\bE\d\d\b")
CASES = ROOT / "conf" / "cases"  # the shipped case folders, each with its evidence index


def entries(text: str) -> dict[str, str]:
    """Evidence id -> the text of its entry (from its heading to the next heading)."""
    parts = re.split(r"^### (E\d\d)\b", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _flat(text: str) -> str:
    return " ".join(text.split())


def articles(text: str) -> dict[str, str]:
    """Article key (000) -> how an entry cites it: 'publication, "title", date'."""
    found = re.findall(r'^- <a id="a(\d{3})"></a>\*\*\1\*\* — \*(.+?)\*, (".+?"), (.+?)\. ', text, flags=re.M | re.S)
    return {key: _flat(f"{publication}, {title}, {date}") for key, publication, title, date in found}


def anchors(text: str) -> set[str]:
    return set(re.findall(r'<a id="([\w-]+)"></a>', text))


def cited_ids() -> dict[str, set[str]]:
    """Id -> the files that cite it (sources: in YAML, any mention in docs, experiments, README)."""
    cited: dict[str, set[str]] = {}

    def add(ids, path: Path) -> None:
        for eid in ids:
            cited.setdefault(eid, set()).add(str(path.relative_to(ROOT)))

    for path in [*(ROOT / "conf").rglob("*.yaml"), *(ROOT / "experiments").rglob("*.yaml")]:
        add([s for s in sources_in(yaml.safe_load(path.read_text())) if ID.fullmatch(s)], path)  # Gaza's E-ids
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "experiments").rglob("*.md")]
    texts += [*(ROOT / "experiments").rglob("*.yaml"), *(ROOT / "conf").rglob("*.yaml"), *(ROOT / "conf").rglob("*.md")]
    for path in texts:
        add(ID.findall(path.read_text()), path)
    return cited


def unresolved(cited: dict[str, set[str]], text: str) -> dict[str, set[str]]:
    known = entries(text)
    return {eid: files for eid, files in cited.items() if eid not in known}


@pytest.fixture(scope="module")
def evidence() -> str:
    return EVIDENCE.read_text()


def test_every_cited_id_has_an_entry(evidence):
    cited = cited_ids()
    assert len(cited) > 40, "the scan found almost no ids: has the layout changed?"
    missing = unresolved(cited, evidence)
    assert not missing, f"ids without an entry in docs/evidence.md: {missing}"


def test_a_missing_id_is_caught(evidence):
    """The check above fails when an id has no entry: a made-up id, or an entry taken out."""
    xyz = {"E99": {"conf/cases/gaza/actors/XYZ.yaml"}}
    assert unresolved(xyz, evidence) == xyz
    without_e12 = re.sub(r"^### E12\b", "### (removed)", evidence, flags=re.M)
    assert "E12" in unresolved(cited_ids(), without_e12)


def test_sources_ids_are_found_in_yaml():
    doc = yaml.safe_load("a: {meta: {x: {sources: [E01, E02]}}}\nlevers: [{key: k, sources: [E03]}]")
    assert sorted(sources_in(doc)) == ["E01", "E02", "E03"]


def test_entries_are_e01_to_e50_each_with_an_anchor(evidence):
    ids = list(entries(evidence))
    assert ids == [f"E{i:02d}" for i in range(1, 51)]
    assert {eid.lower() for eid in ids} <= anchors(evidence), 'each entry needs <a id="eNN"></a>'


def test_every_entry_names_its_article_and_says_what_the_model_takes(evidence):
    known = articles(evidence)
    assert sorted(known) == ["000", "001", "002", "003", "004"]
    for eid, body in entries(evidence).items():
        line = re.search(r"^\*Articles?:\* (.+?)\n\n", body, flags=re.M | re.S)
        assert line, f"{eid}: no *Article:* line"
        keys = re.findall(r"\[(\d{3})\]\(#a\1\)", line.group(1))
        assert keys and set(keys) <= set(known), f"{eid}: cites no known article ({line.group(1)[:60]})"
        for key in keys:
            assert f"[{key}](#a{key}) {known[key]}" in _flat(line.group(1)), f"{eid}: article {key} misquoted"
        assert "**In the model:**" in body, f"{eid}: says nothing about what the model takes from it"
        assert "*Cited by:*" in body, f"{eid}: no Cited by line (python -m sim.tools.docs fills it)"


def test_nothing_after_7_november_2025(evidence):
    dates = re.findall(r"(\d{1,2}) (Oct|Nov|Dec) 2025", evidence)
    late = [d for d in dates if d[1] == "Dec" or (d[1] == "Nov" and int(d[0]) > 7)]
    assert not late, late


def test_links_to_evidence_entries_resolve(evidence):
    targets = anchors(evidence)
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *CASES.glob("*/evidence.md")]:
        for frag in re.findall(r"evidence\.md#([\w-]+)", path.read_text()):
            assert frag in targets, f"{path.relative_to(ROOT)} links to evidence.md#{frag}, which is not there"
    assert "(evidence.md#e12)" in (ROOT / "docs" / "parameters.md").read_text()


# Files that still point to the evidence outside the repository, with who is to change them.
OUTSIDE: dict[str, str] = {}  # files allowed to point outside the repository, with the reason


def test_no_pointer_to_evidence_outside_the_repository():
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "experiments").rglob("*.md")]
    files += [*(ROOT / "conf").rglob("*.yaml"), *(ROOT / "sim").rglob("*.py")]
    pointing = {str(p.relative_to(ROOT)) for p in files if "shared/evidence.md" in p.read_text()}
    assert pointing <= set(OUTSIDE), f"point these to docs/evidence.md: {sorted(pointing - set(OUTSIDE))}"
    fixed = set(OUTSIDE) - pointing
    assert not fixed, f"fixed, remove them from OUTSIDE in this test: {sorted(fixed)}"


def test_each_case_indexes_the_ids_it_cites():
    """A case folder's evidence.md (case.yaml: evidence) links every E-id its YAML cites to its
    entry (a case with evidence of its own, such as Haiti's H-ids, indexes it in its own words:
    tests/test_haiti.py)."""
    checked = 0
    for case in CASES.glob("*/case.yaml"):
        folder = case.parent
        index = (folder / "evidence.md").read_text()
        linked = set(re.findall(r"\]\(\.\./\.\./\.\./docs/evidence\.md#e(\d\d)\)", index))
        cited = {eid[1:] for f in folder.rglob("*.yaml") for eid in ID.findall(f.read_text())}
        checked += bool(cited)
        assert cited <= linked, f"{folder.name}/evidence.md lacks {sorted(cited - linked)}"
    assert checked, "no case cites an E-id: has the layout changed?"
