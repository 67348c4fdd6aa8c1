"""`python -m sim.audit`: the verdict on synthetic paired data, the exit status, a real lever that
moves, and a table that does not depend on the number of workers."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import params_for, raw_config
from sim.config import lever_keys, parameter_meta
from sim.tools import audit

N = 400


def arms(shift: float = 0.0, seed: int = 1) -> tuple[dict, dict]:
    """Two arms of N paired runs; the second has its deaths shifted by shift SDs and, if shift > 0, a few
    more deployments."""
    rng = np.random.default_rng(seed)
    deaths = rng.normal(1000, 200, N)
    deployed = rng.random(N) < 0.4
    low = {"mean deaths": deaths, "P(deployed)": deployed}
    high = {"mean deaths": deaths + shift * 200, "P(deployed)": deployed | (rng.random(N) < shift / 3)}
    return low, high


def test_identical_arms_have_no_detectable_effect():
    row = audit.assess("actors.X.unread", *arms(0.0))
    assert not row.moved and row.fails
    assert row.verdict == "no detectable effect (every run identical)" and row.identical
    assert all(e.diff.diff == 0 and not e.diff.clear for e in row.effects)
    assert "add `inert: why`" in audit.failure_line(row)


def test_a_shifted_arm_moves_its_outcomes():
    row = audit.assess("actors.X.read", *arms(0.3))
    assert [e.outcome for e in row.moved] == ["mean deaths", "P(deployed)"]  # largest standardized effect first
    assert row.verdict == "moves mean deaths, P(deployed)" and not row.fails
    low, _ = arms(0.3)
    assert row.top.outcome == "mean deaths" and row.top.d == pytest.approx(60 / np.std(low["mean deaths"]))


def test_an_inert_reason_excuses_no_effect_for_a_parameter_and_a_lever():
    row = audit.assess("actors.X.unread", *arms(0.0), meta={"range": [0, 1], "inert": "read only by v3"})
    assert not row.fails and row.verdict == "inert: read only by v3"
    lever = audit.assess("scenario=x", *arms(0.0), meta={"inert": "the US goes ahead without it"}, lever=True)
    assert not lever.fails and lever.verdict == "inert: the US goes ahead without it"
    silent = audit.assess("scenario=y", *arms(0.0), meta=None, lever=True)
    assert silent.fails and silent.verdict.startswith("no detectable effect")
    moved = audit.assess("actors.X.read", *arms(0.3), meta={"inert": "thought unread"})
    assert not moved.fails and "but meta says inert" in moved.verdict


def test_outcomes_are_read_from_the_columns_the_table_has():
    import pandas as pd

    runs = pd.DataFrame({"deployed": [True, False], "turkey_role": ["troops", "none"], "funding_usd": [0.0, 5.0]})
    values = audit.outcome_values(runs)  # the default case's (Gaza's): every case's, then its own
    assert set(values) == {"P(deployed)", "P(Turkish troops)", "P(deployed without Türkiye)", "P(any money released)"}
    assert values["P(Turkish troops)"].tolist() == [True, False]
    assert values["P(deployed without Türkiye)"].tolist() == [False, False]
    assert values["P(any money released)"].tolist() == [False, True]


def test_a_case_audits_its_own_outcomes_and_no_other_cases():
    from sim.config import compose
    from sim.config.compose import case_dir

    haiti = [o.label for o in audit.outcomes(compose([], case_dir("haiti"))["case"])]
    assert "P(China's amendments in the mandate)" in haiti and "mean gang control of Port-au-Prince" in haiti
    assert not any("Turk" in label or "Israel" in label for label in haiti)
    assert "P(Turkish troops)" in [o.label for o in audit.outcomes()]
    assert len(set(haiti)) == len(haiti)  # an outcome every case has is not counted twice


def test_every_ranged_parameter_and_every_scenario_is_audited():
    raw = raw_config()
    meta = parameter_meta(raw)
    comps = audit.comparisons()
    ranged = sorted(p for p, m in meta.items() if m["range"][0] < m["range"][1])
    assert [c.label for c in comps if not c.lever] == ranged
    levers = [c for c in comps if c.lever]
    assert levers and all(c.a.fixed == c.b.fixed for c in levers)
    for c in levers:
        scenario = c.label.split(" without ")[0]  # a channel check holds its scenario's levers too
        assert lever_keys(raw_config(scenario)) <= c.b.fixed
        if " without " in c.label:  # and its channel, at the same value in both arms
            held = c.meta["channel"]["hold"]
            assert set(held) <= c.a.fixed and set(held) <= c.b.fixed
    for c in comps[:5]:  # the audited parameter is held in both arms, at the two ends of its range
        assert c.label in c.a.fixed and c.a.fixed == c.b.fixed


def _fake(meta: dict | None) -> list[audit.Comparison]:
    """A parameter the model never reads: both arms are the baseline itself."""
    params, raw = params_for(), raw_config()
    arm = audit.Arm(params, parameter_meta(raw), lever_keys(raw))
    return [audit.Comparison("actors.FAKE.unread", arm, arm, ("0", "1"), meta, False)]


def test_exit_status_1_names_a_parameter_without_effect(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(audit, "comparisons", lambda only=None, case=None: _fake({"range": [0, 1], "value": 0.5}))
    out = tmp_path / "audit.md"
    assert audit.main(["--runs", "10", "--workers", "1", "--only", "FAKE", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "actors.FAKE.unread: no detectable effect; add `inert: why` to its meta or fix the mechanism" in printed
    assert "## No detectable effect" in out.read_text()


def test_exit_status_0_when_the_meta_says_why(monkeypatch, capsys):
    monkeypatch.setattr(audit, "comparisons", lambda only=None, case=None: _fake({"inert": "kept for model v3"}))
    assert audit.main(["--runs", "10", "--workers", "1", "--only", "FAKE"]) == 0
    assert "inert: kept for model v3" in capsys.readouterr().out


def test_a_lever_that_matters_is_detected(tmp_path):
    """Egypt's troop offer (E29, E33): the size of a contingent that deploys in most worlds moves the
    troops on the ground (model v3: force generation, not the Council, decides the headline)."""
    out = tmp_path / "audit.md"
    audit.main(["--only", "actors.EGY.contributor.offer", "--runs", "40", "--workers", "1", "--out", str(out)])
    text = out.read_text()
    assert "| actors.EGY.contributor.offer |" in text and "| moves mean troops" in text
    assert "Generated by `python -m sim.audit --runs 40 --only 'actors.EGY.contributor.offer'`" in text


def test_the_table_does_not_depend_on_the_number_of_workers(tmp_path):
    only = "actors.TUR.contributor"
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    audit.main(["--only", only, "--runs", "20", "--workers", "1", "--out", str(one)])
    audit.main(["--only", only, "--runs", "20", "--workers", "2", "--out", str(two)])
    assert one.read_text() == two.read_text()
    assert one.read_text().count("| actors.TUR.contributor.") >= 2


def test_the_audit_takes_a_case(tmp_path, capsys):
    from sim.config.compose import CONF_DIR

    assert [c.label for c in audit.comparisons("resolve", "gaza")] == [c.label for c in audit.comparisons("resolve")]
    assert [c.label for c in audit.comparisons("resolve", str(CONF_DIR))]
    assert audit.parse(["case=gaza"]).case == "gaza"
    assert audit.main(["case=nosuchcase"]) == 2 and "no such case" in capsys.readouterr().err
