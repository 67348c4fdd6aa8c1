"""The Python API (docs/api.md): ``simulate`` gives the table ``isf-sim`` writes, without side
effects, validated as the command line validates; ``compare`` pairs runs on common seeds."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from importlib import metadata

import pandas as pd
import pytest

from helpers import ROOT, isf_sim
from sim import compare, simulate
from sim.model.params import ConfigError


def _only(folder, name: str):
    found = sorted(folder.rglob(name))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.slow
def test_simulate_returns_the_table_isf_sim_writes(tmp_path):
    isf_sim(tmp_path, "scenario=us_presses_israel", "runs=12", "seed=3", "actors.ISR.resolve=0.4")
    written = _only(tmp_path / "results", "runs.parquet")
    runs = simulate("us_presses_israel", runs=12, seed=3, overrides={"actors.ISR.resolve": 0.4})
    pd.testing.assert_frame_equal(runs, pd.read_parquet(written))
    assert list(runs["seed"]) == list(range(3, 15)) and "param.actors.ISR.resolve" not in runs  # held, not sampled
    # and compare reads the folder: the same runs, no difference anywhere
    same = compare(written.parent, runs, outcomes=["deployed", "disarmament"])
    assert (same["diff"] == 0).all() and same["paired"].all() and (same["n_pairs"] == 12).all()


@pytest.mark.slow
def test_trace_returns_the_tables_isf_sim_trace_writes(tmp_path):
    isf_sim(tmp_path, "trace=true", "runs=2", "seed=3", "horizon_weeks=12", "uncertainty=fixed")
    res = simulate(runs=2, seed=3, horizon_weeks=12, uncertainty="fixed", trace=True)
    runs, events, timeline, positions = res  # a named tuple
    assert res.runs is runs and res.events is events
    for name in ("runs", "events", "timeline", "positions"):
        pd.testing.assert_frame_equal(getattr(res, name), pd.read_parquet(_only(tmp_path, f"{name}.parquet")))
    assert set(events["seed"]) <= {3, 4} and events["text"].str.len().gt(0).all()
    weeks = timeline.groupby("seed")["week"].agg(["min", "max", "size"])
    assert weeks.to_dict("list") == {"min": [0, 0], "max": [12, 12], "size": [13, 13]}
    per_week = positions.groupby(["seed", "week"]).size()
    assert per_week.nunique() == 1 and per_week.iloc[0] == positions["actor"].nunique() > 10
    assert {"ISR", "USA", "HAMAS"} <= set(positions["actor"])


def test_simulate_has_no_side_effects(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from hydra.core.global_hydra import GlobalHydra

    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("hydra").handlers[:])
    runs = simulate("baseline", runs=3, seed=1, overrides={"mechanisms.vetoes.enabled": False})
    assert len(runs) == 3
    assert list(tmp_path.iterdir()) == []  # no results/, outputs/, .hydra, log file
    assert (list(root.handlers), root.level, logging.getLogger("hydra").handlers[:]) == before
    assert not GlobalHydra.instance().is_initialized()
    import os

    assert os.getcwd() == str(tmp_path)


@pytest.mark.slow
def test_same_seed_same_frame_whatever_the_workers():
    one = simulate("credible_amnesty", runs=10, seed=4, workers=1)
    again = simulate("credible_amnesty", runs=10, seed=4, workers=1)
    two = simulate("credible_amnesty", runs=10, seed=4, workers=2)
    pd.testing.assert_frame_equal(one, again)
    pd.testing.assert_frame_equal(one, two)
    other = simulate("credible_amnesty", runs=10, seed=5, workers=1)
    assert not one.drop(columns="seed").equals(other.drop(columns="seed"))


def test_overrides_as_a_dict_or_as_command_line_words():
    as_dict = simulate(runs=3, uncertainty="fixed", overrides={"mechanisms.vetoes.enabled": False, "seed": 9})
    as_words = simulate(runs=3, uncertainty="fixed", overrides=["mechanisms.vetoes.enabled=false", "seed=9"])
    pd.testing.assert_frame_equal(as_dict, as_words)
    assert list(as_dict["seed"]) == [9, 10, 11]
    assert not as_dict["veto_yielded"].any()  # no veto to lift


BAD = [
    (dict(overrides={"actors.ISR.resolv": 0.4}), ["actors.ISR.resolv=0.4"]),
    (dict(overrides={"actors.ISR.resolve": 1700.0}), ["actors.ISR.resolve=1700.0"]),
    (dict(scenario="nope"), ["scenario=nope"]),
]


@pytest.mark.slow
@pytest.mark.parametrize("kwargs, argv", BAD, ids=[a[0] for _, a in BAD])
def test_bad_input_raises_the_command_lines_one_line_message(tmp_path, kwargs, argv):
    with pytest.raises(ConfigError) as exc:
        simulate(**{"runs": 2, **kwargs})
    message = str(exc.value)
    assert isinstance(exc.value, ValueError) and "\n" not in message
    proc = isf_sim(tmp_path, *argv, "runs=2", check=False)
    assert proc.returncode == 2 and proc.stderr.strip() == f"isf-sim: error: {message}"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(overrides={"actors.XYZ.resolve": 0.4}), "unknown actor id 'XYZ'"),
        (dict(uncertainty="maybe"), "allowed: fixed, sample"),
        (dict(overrides={"csv": True}), "writes no files"),
        (dict(overrides=["hydra.run.dir=x"]), "runs no Hydra job"),
        (dict(overrides="actors.ISR.resolve=0.4"), "is a string"),
        (dict(overrides=["actors.ISR.resolve"]), "is not an override"),
    ],
)
def test_bad_input_and_what_only_the_command_line_does_are_refused_in_one_line(kwargs, message):
    with pytest.raises(ConfigError, match=message) as exc:
        simulate(runs=2, **kwargs)
    assert "\n" not in str(exc.value)


@pytest.fixture(scope="module")
def amnesty():
    """baseline and credible_amnesty on the same 60 seeds (common random numbers)."""
    return simulate("baseline", runs=60, seed=0), simulate("credible_amnesty", runs=60, seed=0)


@pytest.mark.slow
def test_a_paired_comparison_is_narrower_than_an_unpaired_one(amnesty):
    base, lever = amnesty
    paired = compare(base, lever).set_index("outcome")
    unpaired = compare(base, lever, paired=False).set_index("outcome")
    assert paired["paired"].all() and (paired["n_pairs"] == 60).all() and not unpaired["paired"].any()
    # a credible amnesty raises Hamas's mean disarmament (docs/audit.md): the paired interval shows it
    d = paired.loc["disarmament"]
    assert d["method"] == "paired t" and 0 < d["lo"] < d["diff"] < d["hi"]
    assert d["diff"] == pytest.approx(lever["disarmament"].mean() - base["disarmament"].mean())
    u = unpaired.loc["disarmament"]
    assert u["method"] == "Welch (independent)" and u["diff"] == pytest.approx(d["diff"])
    assert d["hi"] - d["lo"] < 0.7 * (u["hi"] - u["lo"])
    assert paired.loc["deployed", "method"] == "Newcombe paired (method 10)"
    assert unpaired.loc["deployed", "method"] == "Wald (independent)"


@pytest.mark.slow
def test_runs_on_other_seeds_are_compared_unpaired_and_say_so(amnesty):
    base, _ = amnesty
    other = simulate("credible_amnesty", runs=40, seed=1000)
    table = compare(base, other, outcomes=["disarmament", "P(UN authorized)"])
    assert list(table["outcome"]) == ["disarmament", "un_authorized"]  # in the order asked for
    assert not table["paired"].any() and (table["n_pairs"] == 0).all()
    assert list(table[["n_a", "n_b"]].iloc[0]) == [60, 40]
    assert "share no seeds" in table.attrs["pairing"]
    with pytest.raises(ValueError, match="cannot be paired"):
        compare(base, other, paired=True)
    with pytest.raises(ValueError, match="unknown outcome 'nonsense'"):
        compare(base, base, outcomes=["nonsense"])


def test_import_sim_stays_light_and_knows_its_version():
    code = (
        "import sys, sim; heavy = {'pandas', 'numpy', 'hydra', 'omegaconf', 'mesa', 'yaml', 'sim.api'}; "
        "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    import sim

    assert sim.__version__ == metadata.version("isf-sim")
    assert {"simulate", "compare", "__version__"} <= set(dir(sim))
    with pytest.raises(AttributeError):
        sim.no_such_thing  # noqa: B018


@pytest.mark.slow
def test_the_python_examples_in_docs_api_run(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), {})
    out = capsys.readouterr().out
    assert "unknown key 'actors.ISR.resolv'" in out and "paired on 100 common seeds" in out
    assert "paired t" in out and "Welch (independent)" in out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_config_dir_is_checked_as_isf_sim_checks_it(tmp_path):
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "conf" / "cases" / "gaza", conf)
    isr = conf / "actors" / "ISR.yaml"
    isr.write_text(isr.read_text().replace("# @package actors.ISR", "# @package actors.XXX", 1))
    with pytest.raises(ConfigError) as exc:
        simulate(runs=2, config_dir=conf)
    assert "ISR.yaml must start with '# @package actors.ISR'" in str(exc.value)
    proc = isf_sim(tmp_path, f"--config-path={conf}", "runs=2", check=False)
    assert proc.returncode == 2 and proc.stderr.strip() == f"isf-sim: error: {exc.value}"


def test_a_case_is_named_or_given_as_a_folder_and_gives_the_same_runs(tmp_path):
    copy = tmp_path / "mycase"
    shutil.copytree(ROOT / "conf" / "cases" / "gaza", copy)
    kw = dict(runs=4, seed=5, uncertainty="fixed", horizon_weeks=12)
    default = simulate(**kw)
    pd.testing.assert_frame_equal(simulate(**kw, case=copy), default)
    pd.testing.assert_frame_equal(simulate(**kw, case=str(copy)), default)
    pd.testing.assert_frame_equal(simulate(**kw, case="gaza"), default)
    with pytest.raises(ConfigError, match="no such case"):
        simulate(**kw, case="nowhere")
    with pytest.raises(ConfigError, match="not both"):
        simulate(**kw, case=copy, config_dir=copy)
    diff = compare(default, default, case=copy)
    assert diff.equals(compare(default, default))


@pytest.mark.slow
def test_the_python_example_in_the_readme_runs(tmp_path, monkeypatch):
    [block] = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    block = block.replace("runs=1000", "runs=60")  # the same lines, fewer runs
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block + "\ndiff = compare(base, pressed)\n", "README.md", "exec"), scope)
    assert len(scope["base"]) == 60 and list(scope["base"]["seed"]) == list(scope["pressed"]["seed"])
    assert "param.actors.USA.pressure.ISR" not in scope["pressed"]  # held fixed, not drawn
    assert {"outcome", "diff", "lo", "hi", "paired"} <= set(scope["diff"].columns)
    assert scope["diff"]["paired"].all()
    assert list(tmp_path.iterdir()) == []


def test_simulate_shows_progress_only_when_asked(capsys):
    quiet = simulate(runs=6, seed=0, horizon_weeks=4)
    assert capsys.readouterr().err == ""
    loud = simulate(runs=6, seed=0, horizon_weeks=4, progress=True)
    err = capsys.readouterr().err
    assert "simulate('baseline')" in err and "6/6" in err
    pd.testing.assert_frame_equal(quiet, loud)  # the bar changes nothing else
