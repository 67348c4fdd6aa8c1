"""The isf-sim command as a user runs it: result folders, re-runs, traces, clear errors."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT, isf_sim
from sim.config import scenarios

CASE = ROOT / "conf" / "cases" / "gaza"  # the shipped case folder


def result_dirs(cwd: Path) -> list[Path]:
    return sorted(p.parent for p in (cwd / "results").rglob("manifest.json")) if (cwd / "results").exists() else []


@pytest.fixture(scope="module")
def one_job(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("job")
    proc = isf_sim(cwd, *["runs=40", "seed=11", "scenario=credible_amnesty", "actors.ISR.resolve=0.8"], check=False)
    assert proc.returncode == 0, proc.stderr
    [folder] = result_dirs(cwd)
    return cwd, folder, proc


def test_a_job_prints_the_table_and_where_results_went(one_job):
    _, folder, proc = one_job
    out = proc.stdout
    assert "configurations that emerged in 40 runs" in out
    assert "95% interval" in out
    for phrase in ("P(Council resolution passed)", "P(ceasefire collapsed)", "median week of deployment"):
        assert phrase in out
    shown = folder.relative_to(one_job[0])  # whole, on its own line, then the next command
    assert f"\nresults: {shown}\nnext: isf-report {shown}\n" in out


def test_a_job_folder_holds_runs_config_and_manifest(one_job):
    _, folder, _ = one_job
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 40 and list(runs["seed"]) == list(range(11, 51))
    assert any(c.startswith("param.") for c in runs.columns)  # uncertainty=sample (default)
    assert "param.actors.ISR.resolve" not in runs.columns  # overridden: held fixed
    cfg = (folder / "config.yaml").read_text()
    assert "resolve: 0.8" in cfg and "name: credible_amnesty" in cfg
    man = json.loads((folder / "manifest.json").read_text())
    for key in ("versions", "git", "seeds", "wall_time_s", "command", "rerun_row"):
        assert key in man
    assert man["versions"]["mesa"].startswith("3.5")
    assert "actors.ISR.resolve=0.8" in man["command"] and "seed=11" in man["command"]


def test_the_manifest_command_reproduces_the_bytes(one_job, tmp_path):
    _, folder, _ = one_job
    man = json.loads((folder / "manifest.json").read_text())
    args = shlex.split(man["command"])[1:]
    proc = isf_sim(tmp_path, *args, check=False)
    assert proc.returncode == 0, proc.stderr
    [again] = result_dirs(tmp_path)
    assert (again / "runs.parquet").read_bytes() == (folder / "runs.parquet").read_bytes()


def test_a_rows_seed_reruns_that_row(one_job, tmp_path):
    _, folder, _ = one_job
    runs = pd.read_parquet(folder / "runs.parquet")
    row = runs.iloc[[17]].reset_index(drop=True)
    man = json.loads((folder / "manifest.json").read_text())
    cmd = man["rerun_row"].format(seed=int(row.loc[0, "seed"]))
    proc = isf_sim(tmp_path, *shlex.split(cmd)[1:], check=False)
    assert proc.returncode == 0, proc.stderr
    [again] = result_dirs(tmp_path)
    pd.testing.assert_frame_equal(pd.read_parquet(again / "runs.parquet"), row)


def test_trace_tells_the_story_and_writes_events(tmp_path):
    proc = isf_sim(tmp_path, *["trace=true", "runs=1", "seed=3"], check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Week 1 —" in out and "Week 52 —" in out
    assert "veto on TUR" in out and "press HAMAS" in out and "votes" in out and "killed" in out
    [folder] = result_dirs(tmp_path)
    ev = pd.read_parquet(folder / "events.parquet")
    assert {"seed", "week", "kind", "actor", "target", "value", "text"} <= set(ev.columns)
    assert {"pressure", "vote", "deaths"} <= set(ev["kind"])
    assert (ev["seed"] == 3).all()
    tl = pd.read_parquet(folder / "timeline.parquet")
    assert list(tl["week"]) == list(range(53))
    pos = pd.read_parquet(folder / "positions.parquet")
    assert set(pos["actor"]) >= {"ISR", "HAMAS", "TUR"}


def test_help_lists_every_scenario():
    from sim.cli import help_text

    text = help_text()
    for name, summary in scenarios().items():
        assert name in text and summary in text


BAD = [
    (["sed=1"], "unknown key 'sed'"),
    (["runs=abc"], "runs = 'abc' is not a number"),
    (["horizon_weeks=0"], "horizon_weeks = 0 is out of range"),
    (["actors.ISR.resolve=1.7e3"], "actors.ISR.resolve = 1700 is out of range"),
    (["actors.ISR.resolve=high"], "actors.ISR.resolve = 'high' is not a number"),
    (["actors.XYZ.resolve=0.4"], "unknown actor id 'XYZ'"),
    (["actors.ISR.resolv=0.4"], "unknown key 'actors.ISR.resolv'"),
    (["actors.USA.pressure.XYZ=0.4"], "unknown actor id 'XYZ'"),
    (["scenario=nope"], "scenario 'nope' does not exist; allowed: baseline"),
    (["uncertainty=maybe"], "allowed: fixed, sample"),
    (["mechanisms.vetoes.enabled=maybe"], "is not a boolean"),
    (["mechanisms.warp.enabled=true"], "unknown key 'mechanisms.warp"),
    (["+foo=1"], "unknown key 'foo'"),
]


@pytest.mark.parametrize("args, message", BAD)
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, args, message):
    proc = isf_sim(tmp_path, *args, check=False)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("isf-sim: error: ") and message in err, err
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("resolve: [1.2\n", "malformed YAML"),
        ("resolve: very high\n", "actors.ISR.resolve = 'very high' is not a number"),
    ],
)
def test_a_malformed_actor_file_is_reported(tmp_path, breakage, message):
    conf = tmp_path / "mycase"
    shutil.copytree(CASE, conf)
    isr = conf / "actors" / "ISR.yaml"
    isr.write_text(isr.read_text().replace("resolve: 0.8\n", breakage))
    proc = isf_sim(tmp_path, *[f"--config-path={conf}", "runs=5"], check=False)
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "results").exists()


def test_a_result_folder_is_named_by_its_scenario_and_overrides(tmp_path):
    proc = isf_sim(tmp_path, "runs=5", "scenario=us_presses_israel", "actors.ISR.resolve=0.4", "seed=3", check=False)
    assert proc.returncode == 0, proc.stderr
    named = tmp_path / "results" / "us_presses_israel" / "ISR.resolve=0.4"
    runs = [p for p in named.iterdir() if p.name != "latest"]
    assert len(runs) == 1 and (runs[0] / "runs.parquet").is_file()
    assert (named / "latest").is_symlink() and (named / "latest").resolve() == runs[0].resolve()
    plain = isf_sim(tmp_path, "runs=5", check=False)
    assert plain.returncode == 0 and (tmp_path / "results" / "baseline" / "latest" / "runs.parquet").is_file()


def test_csv_true_writes_runs_csv_beside_the_parquet(tmp_path):
    proc = isf_sim(tmp_path, "runs=4", "csv=true", "hydra.run.dir=out", check=False)
    assert proc.returncode == 0, proc.stderr
    csv = pd.read_csv(tmp_path / "out" / "runs.csv")
    parquet = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert list(csv.columns) == list(parquet.columns) and len(csv) == 4
    assert (csv["seed"] == parquet["seed"]).all()


def test_trace_of_several_runs_tells_each_story(tmp_path):
    proc = isf_sim(tmp_path, "trace=true", "runs=2", "seed=3", "hydra.run.dir=out", check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Run with seed 3" in proc.stdout and "Run with seed 4" in proc.stdout


# --------------------------------------------------------------------------- case=
def test_an_unknown_case_is_refused_in_one_line_naming_the_cases(tmp_path):
    proc = isf_sim(tmp_path, "case=nosuch", "runs=5", check=False)
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("isf-sim: error: "), err
    assert "nosuch" in err and "gaza" in err, err
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "results").exists()


@pytest.fixture(scope="module")
def copied_case(tmp_path_factory):
    """isf-sim on a copy of the Gaza case folder (case=PATH) and without case=, same seed."""
    base = tmp_path_factory.mktemp("case")
    folder = base / "mycase"
    shutil.copytree(CASE, folder)
    args = ["runs=8", "seed=5", "workers=1"]
    with_case = isf_sim(base, f"case={folder}", *args, check=False)
    assert with_case.returncode == 0, with_case.stderr
    (base / "plain").mkdir()
    plain = isf_sim(base / "plain", *args, check=False)
    assert plain.returncode == 0, plain.stderr
    [a] = result_dirs(base)
    [b] = result_dirs(base / "plain")
    return folder, a, b


def test_a_copied_case_folder_writes_the_same_runs(copied_case):
    _, a, b = copied_case
    pd.testing.assert_frame_equal(pd.read_parquet(a / "runs.parquet"), pd.read_parquet(b / "runs.parquet"))


def test_the_manifest_of_a_case_path_run_names_the_case(copied_case):
    folder, a, _ = copied_case
    command = json.loads((a / "manifest.json").read_text())["command"]
    assert f"case={folder}" in shlex.split(command), command


def test_a_command_never_inherits_the_case_of_an_earlier_one(tmp_path, monkeypatch):
    """isf-sim passes ``case=`` to its jobs through ISF_SIM_CASE; a command without ``case=`` clears
    it, so a variable left by an earlier command (one run in-process, as the exercises run them) never
    makes a Gaza job's re-run commands name another case."""
    monkeypatch.setenv("ISF_SIM_CASE", "haiti")
    isf_sim(tmp_path, "runs=2", "hydra.run.dir=out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "case=" not in manifest["rerun_row"] and "case=" not in manifest["command"]
    assert "ISR" in (tmp_path / "out" / "config.yaml").read_text()  # Gaza's actors


def test_a_single_jobs_pool_starts_as_soon_as_its_command_line_is_checked(monkeypatch):
    """The pool a single job will use starts as soon as its config has passed the checks: as many
    workers as the job's ``workers=`` (or ``auto`` for its runs); none for a value the checks
    would have refused."""
    from sim.model.run import auto_workers
    from sim.sweep import guard

    started: list[int] = []
    monkeypatch.setattr(guard, "warm", started.append)
    guard.warm_single(1000, [])
    guard.warm_single(1000, ["runs=1000", "workers=1"])
    guard.warm_single(50, ["workers=auto"])
    guard.warm_single(50, ["workers=3", "workers=2"])  # the last one counts, as in Hydra
    guard.warm_single(50, ["workers=many"])
    assert started == [auto_workers(1000), 1, auto_workers(50), 2]


def test_the_pool_is_started_only_for_a_job_that_passed_its_checks(tmp_path, monkeypatch):
    """Bad input never starts worker processes; a good single job asks for its pool with the runs
    it asks for."""
    import sys

    from sim import cli
    from sim.sweep import guard

    asked: list[tuple[int, list[str]]] = []
    monkeypatch.setattr(guard, "warm_single", lambda runs, overrides: asked.append((runs, list(overrides))))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["isf-sim", "runs=12", "actors.ISR.resolv=0.4"])
    with pytest.raises(SystemExit) as bad:
        cli.main()
    assert bad.value.code == 2 and asked == []
    monkeypatch.setattr(sys, "argv", ["isf-sim", "runs=12", "horizon_weeks=2", "workers=2", "hydra.run.dir=one"])
    cli.main()
    assert asked == [(12, ["runs=12", "horizon_weeks=2", "workers=2", "hydra.run.dir=one"])]
    assert (tmp_path / "one" / "runs.parquet").exists()


def test_a_single_job_is_composed_once_and_hydra_is_left_as_it_was(tmp_path, monkeypatch):
    """isf-sim checks a single job on the config Hydra composes to run it (sim/sweep/precheck.py):
    one composition, not one to check and one to run; after the command, and after a command
    that failed its checks, Hydra composes as it always did."""
    import sys

    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.hydra import Hydra

    from sim import cli

    original, loads = Hydra.compose_config, []
    load = ConfigLoaderImpl.load_configuration
    monkeypatch.setattr(
        ConfigLoaderImpl, "load_configuration", lambda self, *a, **k: loads.append(1) or load(self, *a, **k)
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["isf-sim", "runs=3", "horizon_weeks=2", "hydra.run.dir=one"])
    cli.main()
    assert len(loads) == 1 and (tmp_path / "one" / "runs.parquet").exists()
    assert Hydra.compose_config is original
    monkeypatch.setattr(sys, "argv", ["isf-sim", "runs=0", "hydra.run.dir=two"])
    with pytest.raises(SystemExit) as bad:
        cli.main()
    assert bad.value.code == 2 and not (tmp_path / "two").exists()
    assert Hydra.compose_config is original


@pytest.mark.parametrize("case", ["gaza", "haiti"])
def test_hydras_copies_of_a_job_config_are_omegaconfs_yaml(case, tmp_path, monkeypatch):
    """isf-sim writes Hydra's three copies of a job's config (.hydra/) on libyaml's emitter with
    OmegaConf's representers (sim/sweep/hydra_files.py): the text is OmegaConf.to_yaml's, as Hydra
    would have written it, character for character."""
    import sys

    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    from sim import cli
    from sim.sweep import hydra_files

    seen = []
    monkeypatch.setattr(hydra_files, "save", lambda folder, config: seen.append(config))
    monkeypatch.chdir(tmp_path)
    args = ["runs=2", "horizon_weeks=2", "weekly=true", "hydra.run.dir=one", f"case={case}"]
    monkeypatch.setattr(sys, "argv", ["isf-sim", *args, "actors.ISR.resolve=0.5" if case == "gaza" else "seed=3"])
    try:
        cli.main()
    finally:
        GlobalHydra.instance().clear()
    [config] = seen
    task = OmegaConf.create({k: config[k] for k in config if k != "hydra"})
    assert hydra_files.texts(config) == {
        "config.yaml": OmegaConf.to_yaml(task),
        "hydra.yaml": OmegaConf.to_yaml(OmegaConf.create({"hydra": config.hydra})),
        "overrides.yaml": OmegaConf.to_yaml(config.hydra.overrides.task),
    }
    assert "Türkiye" in hydra_files.texts(config)["config.yaml"] or case == "haiti"
    # strings YAML would read as something else are quoted as OmegaConf quotes them
    odd = OmegaConf.create({"a": ["1e3", "yes", "on", "0x1F", "1_000", ".inf", "null", "~", "Türkiye: — x"],
                            "hydra": {"overrides": {"task": ["x='1'"]}}})  # fmt: skip
    assert hydra_files.texts(odd)["config.yaml"] == OmegaConf.to_yaml(OmegaConf.create({"a": odd.a}))
