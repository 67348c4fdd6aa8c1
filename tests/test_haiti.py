"""The Haiti case (conf/cases/haiti): it runs through isf-sim with its own words, every number has
its provenance (H-ids of its evidence index, or an assumption), every H-id cited is indexed, its
dates are the cut-off's, its questions load and isf-forecast answers them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from helpers import ROOT, isf_sim, sources_in
from sim.config import build, compose, parameter_meta
from sim.config.provenance import numeric_leaves
from sim.forecasting import questions
from sim.model import weekly

CASE = ROOT / "conf" / "cases" / "haiti"
PAGE = ROOT / "docs" / "cases" / "haiti.md"
HID = re.compile(r"\bH\d\d\b")
OTHER_CASE = re.compile(r"(?i)gaza|israel|\bhamas\b|t[uü]rk|hostage|palestinian|cmcc")  # "Bahamas" is this case's


@pytest.fixture(scope="module")
def raw() -> dict:
    return compose([], CASE)


@pytest.fixture(scope="module")
def index() -> dict[str, str]:
    """H-id -> its line in the case's evidence index."""
    text = (CASE / "evidence.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^- \*\*(H\d\d)\*\* (.+)$", text, flags=re.M))


def test_the_case_runs_through_isf_sim_with_its_own_headline(tmp_path):
    proc = isf_sim(tmp_path, "case=haiti", "runs=40", "seed=1", f"hydra.run.dir={tmp_path / 'out'}")
    out = proc.stdout
    for label in ("Council authorises the mission", "Kenyan police deployed in Haiti", "government falls to the gangs"):
        assert label in out, label
    assert not OTHER_CASE.findall(out), sorted(set(OTHER_CASE.findall(out)))
    assert (tmp_path / "out" / "runs.parquet").is_file()


def test_the_case_file_is_dated_at_the_cut_off(raw):
    case = yaml.safe_load((CASE / "case.yaml").read_text(encoding="utf-8"))["case"]
    assert case["name"] == "haiti"
    assert str(case["week0"]) == "2023-10-01" and str(case["cutoff"]) == "2023-10-01"
    assert raw["horizon_weeks"] >= 104


def test_the_evidence_index_holds_h01_to_h49_each_with_a_tag_and_a_page(index):
    assert list(index) == [f"H{i:02d}" for i in range(1, 50)]
    for hid, line in index.items():
        assert re.match(r"\[(H|M|L)[^\]]*\] ", line), f"{hid}: no confidence tag"
        assert "<http" in line or "a reading of H" in line, f"{hid}: no page address"


def test_every_number_has_sources_in_the_index_or_an_assumption(raw, index):
    meta = parameter_meta(raw)
    leaves = [f"actors.{aid}.{rel}" for aid, a in raw["actors"].items() for rel, _ in numeric_leaves(a)]
    leaves += [f"mechanisms.{m}.{rel}" for m, body in raw["mechanisms"].items() for rel, _ in numeric_leaves(body)]
    missing = [path for path in leaves if path not in meta]
    assert not missing, f"numbers without a meta entry: {missing}"
    for path, entry in meta.items():
        lo, hi = entry["range"]
        assert lo <= entry["value"] <= hi, f"{path}: value outside its range"
        cited = [str(s) for s in entry.get("sources") or []]
        assert cited or entry.get("assumption"), f"{path}: neither sources nor an assumption"
        assert all(HID.fullmatch(s) for s in cited), f"{path}: sources {cited} are not H-ids"
        assert set(cited) <= set(index), f"{path}: {sorted(set(cited) - set(index))} not in evidence.md"


def test_every_lever_and_question_cites_the_index_or_an_assumption(index):
    for path in sorted((CASE / "scenario").glob("*.yaml")):
        for lever in yaml.safe_load(path.read_text(encoding="utf-8"))["scenario"]["levers"]:
            assert lever.get("sources") or lever.get("assumption"), f"{path.name}: {lever['key']}"
    assert len(list((CASE / "scenario").glob("*.yaml"))) >= 4  # the baseline and at least three more


def test_every_h_id_cited_is_in_the_index(index):
    cited: dict[str, set[str]] = {}
    files = [*CASE.rglob("*.yaml"), PAGE]
    for path in files:
        text = path.read_text(encoding="utf-8")
        ids = set(HID.findall(text))
        if path.suffix == ".yaml":
            ids |= set(sources_in(yaml.safe_load(text)))
        for hid in ids:
            cited.setdefault(hid, set()).add(path.name)
    assert len(cited) > 30, "almost no H-ids found: has the layout changed?"
    unknown = {hid: names for hid, names in cited.items() if hid not in index}
    assert not unknown, unknown


def test_no_other_case_in_the_folder():
    for path in [*CASE.rglob("*"), PAGE]:
        if path.is_file():
            found = OTHER_CASE.findall(path.read_text(encoding="utf-8"))
            assert not found, f"{path.relative_to(ROOT)}: {sorted(set(found))}"


def test_the_questions_load(raw):
    params, _ = build(raw)
    ids = tuple(params.actors)
    qs = questions.load(CASE / "questions.yaml", list(weekly.columns(params)), params.horizon_weeks, ids)
    assert len(qs) >= 8
    assert {"KEN", "GANGS"} <= {q.member for q in qs} | {q.column.split(".")[-1] for q in qs}


def test_isf_forecast_answers_the_questions(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PYTHONHASHSEED"] = "0"
    out = tmp_path / "forecast"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.forecasting.run", "case=haiti", "runs=20", "seed=2", f"out={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "resolution_by_week_2" in proc.stdout and "kenya_deployed_by_week_52" in proc.stdout
    assert not OTHER_CASE.findall(proc.stdout)
    assert any(out.iterdir())


# ---------------------------------------------------------------- the engine's pieces this case uses
def test_the_case_uses_the_host_the_force_fund_and_domestic_gates(raw):
    """Henry's government is the host; the US $100m is a force-fund pledge waiting for Congress (a
    gate the US holds); Kenya's constitutional steps bind Kenya's own deployment, not a phase."""
    from sim.model import roles
    from sim.model.model import ISFModel

    params, _ = build(raw)
    assert params.mechanisms.host.enabled and params.mechanisms.force_fund.enabled
    m = ISFModel(params, rng=0)
    assert m.host.aid == "HTI" and [f.aid for f in m.force_funders][:1] == ["USA"]
    assert m.lead.aid == "KEN"
    own = dict(zip((g.aid for g in m.gate_holders), m.own_gate))
    assert own == {"USA": True, "KEN": True}
    assert roles.gates_open(m)  # no gate of this case holds up the next phase
    labels = [label for label, _ in m.deploy_extra]
    assert "force's funding secured" in labels and "Kenyan approval" in labels


def test_no_money_enters_the_fund_before_the_council_authorises(raw):
    """The weekly table: the fund's balance grows only once a resolution is in force (the US
    pledge waits for one and for Congress), not at once as in the first version of the case."""
    from sim.model.model import ISFModel

    params, _ = build(raw)
    for seed in range(5):
        m = ISFModel(params, rng=seed, weekly=True).run()
        table = weekly.frame([(seed, m.weekly)], params)
        paid = table["fund_paid_usd"] > 0
        first = paid.idxmax() if paid.any() else None
        if first is not None:
            assert table["authorized"].iloc[: first + 1].any(), f"seed {seed}: paid before any resolution"


def test_the_case_uses_the_spoiler_the_bloc_and_the_mandate_term(raw):
    """The gangs are a spoiler (they do not bargain; their ground is contested on the mandate's
    robustness); the seven other willing states of H20 are one bloc; the draft's 12 months with a
    review at nine (H47) are the mandate's term, renewed or not by a vote at its end."""
    from sim.model.model import ISFModel

    params, _ = build(raw)
    mech = params.mechanisms
    assert mech.spoiler.enabled and mech.blocs.enabled and mech.term.enabled
    assert (mech.term.term_weeks, mech.term.review_week) == (52, 39)
    gangs = params.actors["GANGS"]
    assert gangs.spoiler is not None and gangs.territory.restraint_on == "robustness"
    assert params.actors["WILLING"].bloc.members == 7
    for seed in range(3):
        m = ISFModel(params, rng=seed, trace=True).run()
        g = m.actors["GANGS"]
        assert g.spoiling and g.settled == list(g.ideal)  # pressed by the US, it does not move
        assert 0 <= m.actors["WILLING"].members <= 7
        passed = m.agenda.week_authorized
        if passed is not None and passed + 52 <= params.horizon_weeks:
            votes = [w for w, k, *_ in m.trace.events if k in ("mandate_renewed", "mandate_lapsed")]
            assert votes and votes[0] == passed + 52
