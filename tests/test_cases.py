"""The engine is case-agnostic: a case is a folder (docs/cases.md), and the engine knows roles,
never a country.

- the synthetic case of tests/cases/mini (its own ids, two dimensions of its own, two drafts,
  its own words and outcomes) runs through isf-sim like Gaza;
- determinism, invariants and directions of effect hold on both cases;
- the Gaza case with every actor id renamed gives the same runs, column for column;
- roles several actors hold are kept apart; a role only one may hold is checked.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT, isf_sim
from sim.config import build, compose, lever_keys, override_keys, parameter_meta
from sim.config.compose import CONF_DIR, actor_ids
from sim.model.outcomes import ROLES_IN_FORCE
from sim.model.params import ConfigError
from sim.model.paths import with_values
from sim.model.run import Job, simulate

MINI = ROOT / "tests" / "cases" / "mini"
GAZA = CONF_DIR
CASES = {"mini": MINI, "gaza": GAZA}
ID_WORDS = r"\b({})\b"


def runs_of(conf: Path, *overrides: str, runs: int = 200, seed: int = 0, values: dict | None = None) -> pd.DataFrame:
    """The runs table of a case folder, on one core, as a job runs it (``values`` set and never sampled)."""
    raw = compose(list(overrides), conf)
    given = override_keys(overrides)  # set on the command line: held fixed, as isf-sim holds them
    params, settings = build(raw, given)
    fixed = lever_keys(raw) | given
    if values:
        params = with_values(params, values)
        fixed = fixed | frozenset(values)
    job = Job(params, seed=seed, runs=runs, uncertainty=settings.uncertainty, meta=parameter_meta(raw), fixed=fixed)
    return simulate(job, workers=1).runs


def copy_with_actor(tmp: Path, source: Path, old: str, new: str) -> Path:
    """A case folder copied to ``tmp``, with actor ``new`` added as a copy of ``old``."""
    conf = tmp / source.name
    shutil.copytree(source, conf)
    text = (conf / "actors" / f"{old}.yaml").read_text(encoding="utf-8")
    (conf / "actors" / f"{new}.yaml").write_text(
        text.replace(f"# @package actors.{old}", f"# @package actors.{new}", 1), encoding="utf-8"
    )
    config = conf / "config.yaml"
    ids = actor_ids(conf)
    config.write_text(
        config.read_text(encoding="utf-8").replace(f"[{', '.join(ids)}]", f"[{', '.join((*ids, new))}]", 1),
        encoding="utf-8",
    )
    assert actor_ids(conf)[-1] == new
    return conf


# ---------------------------------------------------------------- (a) the mini case through isf-sim
def test_the_mini_case_runs_through_isf_sim(tmp_path):
    isf_sim(tmp_path, f"case={MINI}", "runs=50", "seed=3", f"hydra.run.dir={tmp_path / 'out'}")
    df = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert len(df) == 50
    for col in ("role.CTA", "role.CTB", "control.HLD", "disarmament.ARM", "ctb_role", "demobilized", "held"):
        assert col in df.columns, col
    assert not any(c.startswith(("role.ISR", "role.TUR", "disarmament.HAMAS")) for c in df.columns)
    assert (df["ctb_role"] == df["role.CTB"]).all()
    assert (df["demobilized"] == df["disarmament.ARM"]).all() and (df["held"] == df["control.HLD"]).all()
    # the named columns are placed where case.yaml puts them
    cols = list(df.columns)
    assert cols.index("ctb_role") == cols.index("week_authorized") + 1
    assert cols.index("held") == cols.index("demobilized") + 1
    assert set(df["mandate"]) <= {"observe", "enforce"}


def test_the_mini_trace_speaks_the_mini_case(tmp_path):
    """The trace's words come from the case: its gate, its words; none of another case."""
    isf_sim(tmp_path, f"case={MINI}", "runs=5", "trace=true", f"hydra.run.dir={tmp_path / 'out'}")
    events = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert {"detainees_released", "stage_two"} & set(events["kind"])
    assert not {"remains_returned", "phase_two"} & set(events["kind"])
    text = " ".join(events["text"].astype(str))
    leaks = re.findall(r"(?i)gaza|hamas|israel|t[uü]rk|hostage|palestinian|ceasefire|phase two|cmcc|\bthe US\b", text)
    assert not leaks, sorted(set(leaks))
    timeline = pd.read_parquet(tmp_path / "out" / "timeline.parquet")
    assert {"demobilized", "held"} <= set(timeline.columns)


def test_a_sweep_of_the_mini_case(tmp_path):
    isf_sim(tmp_path, f"case={MINI}", "-m", "+experiment=holder_veto", "runs=5")
    [folder] = (tmp_path / "results" / "experiment" / "holder_veto").iterdir()
    df = pd.read_parquet(folder / "runs.parquet")
    assert len(df) == 9 * 5 and {"actors.HLD.resolve", "actors.SPN.pressure.HLD"} <= set(df.columns)
    by_resolve = df.groupby("actors.HLD.resolve")["veto_yielded"].mean()
    assert by_resolve.iloc[0] > by_resolve.iloc[-1]  # a softer holder yields more


def test_every_mechanism_does_something_in_the_mini_case():
    df = runs_of(MINI, runs=300, seed=0)
    assert 0.05 < df["veto_yielded"].mean() < 0.95  # a veto that can yield
    assert 0.05 < df["un_authorized"].mean() < 0.95  # a vote
    assert 0.05 < df["deployed"].mean() < 0.95  # commitments
    assert (df["role.CTB"] == "liaison").any() and (df["role.CTB"] == "troops").any()
    assert 0.05 < (df["funding_usd"] > 0).mean() < 0.95  # money
    assert 0.05 < df["ceasefire_collapsed"].mean() < 0.95  # a collapse
    assert (df["disarmament.ARM"] > 0).any() and (df["control.HLD"] < 0.6).any()  # disarmament, withdrawal


def test_the_mini_gate_holds_up_the_holders_withdrawal():
    """With the detainees never released (rate 0), the holder never withdraws below its start."""
    shut = runs_of(MINI, "uncertainty=fixed", runs=100, values={"actors.ARM.gate.rate": 0.0})
    open_ = runs_of(MINI, "uncertainty=fixed", runs=100, values={"actors.ARM.gate.outstanding": 0})
    assert shut["control.HLD"].mean() > open_["control.HLD"].mean() + 0.02


# ---------------------------------------------------------------- (b) determinism and invariants, both cases
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_seed_same_table(case):
    a = runs_of(CASES[case], runs=40, seed=11)
    b = runs_of(CASES[case], runs=40, seed=11)
    pd.testing.assert_frame_equal(a, b)
    c = runs_of(CASES[case], runs=40, seed=12)
    assert not a.drop(columns="seed").equals(c.drop(columns="seed"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_invariants_of_the_runs_table(case):
    df = runs_of(CASES[case], runs=300, seed=5)
    share_cols = [c for c in df.columns if c.startswith(("disarmament.", "control."))]
    assert share_cols
    for col in share_cols:
        assert df[col].between(0.0, 1.0).all(), col
    for col in (c for c in df.columns if c.startswith("role.")):
        assert set(df[col]) <= set(ROLES_IN_FORCE), col
    assert (df["troops"] >= 0).all() and (df["deaths"] >= 0).all() and (df["funding_usd"] >= 0).all()
    assert (df["deployed"] == df["week_deployed"].notna()).all()
    assert (df["un_authorized"] == df["week_authorized"].notna()).all()
    assert (df["ceasefire_collapsed"] == df["week_collapsed"].notna()).all()
    assert (~df["deployed_at_horizon"] | df["deployed"]).all()
    assert ((df["troops"] > 0) == (df["contributors"] != "")).all()
    for served, committed in zip(df["contributors"], df["committed"]):
        assert set(filter(None, served.split("+"))) <= set(filter(None, committed.split("+")))
    for col in (c for c in df.columns if c.startswith("role.")):
        serving = df["contributors"].map(lambda ids, aid=col[5:]: aid in ids.split("+"))
        assert (~serving | (df[col] == "troops")).all(), col  # serving at the end: it deployed


# ---------------------------------------------------------------- (c) directions of effect, common seeds
DIRECTIONS = {
    # case: (veto holder's resolve path, soft, hard), (funders' thresholds, low, high)
    "gaza": (("actors.ISR.resolve", 0.4, 1.6), (("actors.QAT.funder.disarmament_threshold",), 0.2, 0.9)),
    "mini": (("actors.HLD.resolve", 0.3, 2.0), (("actors.FND.funder.disarmament_threshold",), 0.2, 0.8)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_harder_veto_holder_yields_less(case):
    path, soft, hard = DIRECTIONS[case][0]
    lo = runs_of(CASES[case], runs=300, seed=7, values={path: soft})
    hi = runs_of(CASES[case], runs=300, seed=7, values={path: hard})
    assert lo["veto_yielded"].mean() > hi["veto_yielded"].mean() + 0.05


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_higher_disarmament_threshold_releases_less_money(case):
    paths, low, high = DIRECTIONS[case][1]
    lo = runs_of(CASES[case], runs=300, seed=7, values=dict.fromkeys(paths, low))
    hi = runs_of(CASES[case], runs=300, seed=7, values=dict.fromkeys(paths, high))
    assert (lo["funding_usd"] > 0).mean() > (hi["funding_usd"] > 0).mean() + 0.05


# ---------------------------------------------------------------- (d) renamed ids: the same runs
def renamed_case(tmp: Path) -> tuple[Path, dict[str, str]]:
    """The Gaza case copied with every actor id replaced (whole words, in every file and file name)."""
    ids = actor_ids(GAZA)
    assert len(ids) <= 26
    new = {aid: chr(ord("A") + i) * 3 for i, aid in enumerate(ids)}  # USA -> AAA, ISR -> BBB, ...
    assert not set(new.values()) & set(ids)
    pattern = re.compile(ID_WORDS.format("|".join(ids)))
    conf = tmp / "renamed"
    shutil.copytree(GAZA, conf)
    for path in sorted(conf.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for value in new.values():
                assert not re.search(rf"\b{value}\b", text), f"{value} already in {path}"
            path.write_text(pattern.sub(lambda m: new[m.group(0)], text), encoding="utf-8")
            if path.stem in new:
                path.rename(path.with_name(new[path.stem] + path.suffix))
    assert actor_ids(conf) == tuple(new[aid] for aid in ids)
    return conf, new


def back(value, pattern: re.Pattern | None = None, old: dict[str, str] | None = None):
    """A value of the renamed table in the original ids (``pattern`` finds the new ids, ``old``
    maps them back); id lists ('A+B') sorted, since renaming changes their order."""
    if not isinstance(value, str):
        return value
    text = pattern.sub(lambda m: old[m.group(0)], value) if pattern else value
    return " | ".join("+".join(sorted(part.split("+"))) for part in text.split(" | "))


def test_renaming_every_actor_id_changes_nothing(tmp_path):
    conf, new = renamed_case(tmp_path)
    old = {v: k for k, v in new.items()}
    args = ("uncertainty=fixed", "mechanisms.pressure.noise=0")
    original = runs_of(GAZA, *args, runs=100, seed=4)
    renamed = runs_of(conf, *args, runs=100, seed=4)
    pattern = re.compile(ID_WORDS.format("|".join(old)))
    renamed.columns = [pattern.sub(lambda m: old[m.group(0)], c) for c in renamed.columns]
    assert list(renamed.columns) == list(original.columns)
    for col in original.columns:
        a = original[col].map(back)
        b = renamed[col].map(lambda v: back(v, pattern, old))
        pd.testing.assert_series_equal(a, b, check_names=False, obj=col)
    assert original["deployed"].any() and not original["deployed"].all()  # the runs differ: a real comparison


def test_renaming_every_actor_id_changes_nothing_through_isf_sim(tmp_path):
    conf, new = renamed_case(tmp_path)
    isf_sim(tmp_path, f"case={conf}", "runs=10", "uncertainty=fixed", f"hydra.run.dir={tmp_path / 'out'}")
    df = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert f"role.{new['TUR']}" in df.columns and "role.TUR" not in df.columns
    assert "turkey_role" in df.columns  # the case's named columns keep their names


# ---------------------------------------------------------------- (e) roles held twice
def test_a_second_armed_group_does_not_replace_the_first(tmp_path):
    conf = copy_with_actor(tmp_path, MINI, "ARM", "ARB")
    df = runs_of(conf, runs=30, seed=1)
    assert {"disarmament.ARM", "disarmament.ARB"} <= set(df.columns)
    assert df["demobilized"].equals(df["disarmament.ARM"])


def test_a_second_territory_holder_gets_its_own_column(tmp_path):
    conf = copy_with_actor(tmp_path, MINI, "HLD", "HLE")
    df = runs_of(conf, runs=30, seed=1)
    assert {"control.HLD", "control.HLE"} <= set(df.columns)


def test_two_sponsors_are_a_one_line_error(tmp_path):
    conf = copy_with_actor(tmp_path, MINI, "SPN", "SPO")
    with pytest.raises(ConfigError, match=r"SPN\.yaml and .*SPO\.yaml both hold the sponsor role"):
        runs_of(conf, runs=2)
    proc = isf_sim(tmp_path, f"case={conf}", "runs=2", f"hydra.run.dir={tmp_path / 'out'}", check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("isf-sim: error:") and "sponsor" in lines[0], proc.stderr[-2000:]


def test_a_case_may_give_its_own_protocol(tmp_path):
    """case.yaml's protocol: the steps in the case's order; without money's steps no money moves."""
    case = tmp_path / "mini"
    shutil.copytree(MINI, case)
    text = (case / "case.yaml").read_text()
    steps = ["ground.violence", "pressure.apply", "vetoes.update", "council.settle_design", "council.vote",
             "sequencing.release", "commitments.contributors", "sequencing.advance"]  # fmt: skip
    (case / "case.yaml").write_text(text.replace("case:\n", f"case:\n  protocol: [{', '.join(steps)}]\n", 1))
    full = runs_of(MINI, runs=100)
    without = runs_of(case, runs=100)
    assert full.funding_usd.sum() > 0 and without.funding_usd.sum() == 0
    bad = text.replace("case:\n", "case:\n  protocol: [ground.violence, money.spend]\n", 1)
    (case / "case.yaml").write_text(bad)
    with pytest.raises(ConfigError, match="unknown step 'money.spend'"):
        runs_of(case, runs=1)
