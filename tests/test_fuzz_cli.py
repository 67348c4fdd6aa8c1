"""Bad input to isf-sim, by the dozen: each is one line naming the problem, exit code 2, no
traceback, nothing written (docs/reliability.md). The command line runs in-process (``main()``
with ``sys.argv`` set) for speed; config-file cases run on a copied config folder through
``--config-path``; experiment files are checked by :func:`sim.config.files.check_tree`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from sim.cli import main
from sim.config import files
from sim.model.params import ConfigError

CASE = ROOT / "conf" / "cases" / "gaza"  # the shipped case folder, copied and broken below
LONG = "x" * 300


def run_main(monkeypatch, capsys, cwd: Path, args: list[str]) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["isf-sim", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    return exc.value.code, capsys.readouterr().err


def assert_one_line(code: int, err: str, fragment: str, cwd: Path) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("isf-sim: error: "), err
    assert "Traceback" not in err and "Exception" not in err, err
    assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert list(cwd.iterdir()) == [], "something was written"


# --------------------------------------------------------------------------- the command line
COMMAND_LINE = [
    # run settings
    (["runs=0"], "runs = 0 is out of range; allowed: an integer"),
    (["runs=-5"], "runs = -5 is out of range"),
    (["runs=abc"], "runs = 'abc' is not a number"),
    (["runs=1.5"], "runs = 1.5 is not an integer"),
    (["runs=true"], "runs = True is not a number"),
    (["runs=99999999999"], "runs = 99999999999 is out of range"),
    (["runs=["], "cannot read the override 'runs=['"),
    (["runs=５"], "cannot read the override 'runs=５'"),
    (["runs=${oc.env:"], "cannot read the override"),
    (["runs=${oc.env:HOME}"], "interpolation in runs"),
    (["seed=-1"], "seed = -1 is out of range"),
    (["seed=abc"], "seed = 'abc' is not a number"),
    (["seed=4294967296"], "seed"),
    (["horizon_weeks=0"], "horizon_weeks = 0 is out of range"),
    (["horizon_weeks=521"], "horizon_weeks = 521 is out of range"),
    (["horizon_weeks=abc"], "horizon_weeks = 'abc' is not a number"),
    (["uncertainty=maybe"], "uncertainty = 'maybe'; allowed: fixed, sample"),
    (["trace=yes"], "trace = 'yes' is not a boolean"),
    (["csv=2"], "csv = 2 is not a boolean"),
    (["workers=0"], "workers = 0 is out of range"),
    (["workers=abc"], "workers = 'abc' is not a number"),
    (["workers=513"], "workers = 513 is out of range"),
    # scenarios
    (["scenario=nope"], "scenario 'nope' does not exist; allowed: baseline"),
    (["scenario=../x"], "scenario '../x' does not exist"),
    (["scenario.name=../../x"], "scenario.name = '../../x'; allowed: a name of letters"),
    (["scenario.name="], "scenario.name"),
    (["scenario.name=" + LONG], "scenario.name"),
    (["scenario.levers=5"], "scenario.levers = 5; allowed: a list"),
    (["scenario.levers=[1]"], "scenario.levers[0] = 1"),
    (["scenario.summary=5"], "scenario.summary = 5; allowed: text"),
    # actors
    (["actors.XYZ.resolve=1"], "unknown actor id 'XYZ'"),
    (["actors.ISR.nope=1"], "unknown key 'actors.ISR.nope'"),
    (["actors.ISR.resolve=-1"], "actors.ISR.resolve = -1 is out of range"),
    (["actors.ISR.resolve=abc"], "actors.ISR.resolve = 'abc' is not a number"),
    (["actors.ISR.resolve=nan"], "actors.ISR.resolve is NaN"),
    (["actors.ISR.resolve=inf"], "actors.ISR.resolve = inf is out of range"),
    (["actors.ISR.position.composition=1.5"], "actors.ISR.position.composition = 1.5 is out of range"),
    (["actors.ISR.position.nope=0.5"], "actors.ISR.position.nope"),
    (["actors.QAT.pressure.ISR=0.5"], "QAT has no pressure on ISR"),
    (["+actors.QAT.pressure.XYZ=0.5"], "unknown actor id 'XYZ'"),
    (["+actors.QAT.pressure.ISR=0.5"], "actors.QAT.pressure.ISR needs actors.QAT.leverage.ISR"),
    (["actors.ISR.veto.targets=[XYZ]"], "unknown actor id 'XYZ'"),
    (["actors.ISR.veto.targets=5"], "actors.ISR.veto.targets = 5 is not a list of actor ids"),
    (["actors.ISR.name=5"], "actors.ISR.name"),
    # mechanisms
    (["mechanisms.nope.enabled=false"], "mechanisms.nope"),
    (["mechanisms.council.nope=1"], "unknown key 'mechanisms.council.nope'"),
    (["mechanisms.council.enabled=maybe"], "mechanisms.council.enabled = 'maybe' is not a boolean"),
    (["mechanisms.pressure.rule=magic"], "mechanisms.pressure.rule = 'magic'; allowed: default, compromise, nash"),
    (["mechanisms.council.no_below=0.9"], "no_below must not exceed"),
    (["mechanisms.pressure.noise=2"], "mechanisms.pressure.noise = 2 is out of range"),
    # not overrides
    (["nope=1"], "unknown key 'nope'"),
    (["justtext"], "cannot read the override 'justtext'"),
    (["=5"], "cannot read the override '=5'"),
    # Hydra's settings
    (["hydra.foo=1"], "hydra.foo: not a setting isf-sim takes"),
    (["hydra/launcher=nope"], "allowed hydra/launcher=basic"),
    (["hydra/sweeper=nope"], "allowed hydra/sweeper=basic"),
    (["hydra.launcher.nope=1"], "hydra.launcher.nope: the launcher has no such key"),
    (["hydra.launcher._target_=os.system"], "hydra.launcher._target_: not a setting"),
    (["+hydra.callbacks.x._target_=os.system"], "hydra.callbacks.x._target_: not a setting"),
    (["hydra.job_logging=default"], "hydra.job_logging: not a setting"),
    (["hydra.job.chdir=true"], "hydra.job.chdir: not a setting"),
    (["hydra.run.dir="], "hydra.run.dir is empty"),
    (["hydra.run.dir=" + LONG], "hydra.run.dir is too long"),
    (["hydra.run.dir=${oc.env:HOME}/x"], "allowed interpolations"),
    (["hydra.run.dir=/proc/nope/x"], "cannot make a folder in /proc"),
    (["hydra.run.dir=/dev/null/x"], "/dev/null is not a folder"),
    (["-m", "hydra.sweep.dir=/proc/nope/x", "runs=5,6"], "cannot make a folder in /proc"),
    # options
    (["--foo"], "unknown option --foo"),
    (["--experimental-rerun=config.pickle"], "--experimental-rerun is refused"),
    (["--experimental-rerun", "config.pickle"], "--experimental-rerun is refused"),
    (["--config-name=nope"], "--config-name nope: no such config"),
    (["--config-path=/nonexistent/conf"], "no config.yaml there"),
    (["--config-path"], "--config-path needs a value"),
    (["--cfg=everything"], "--cfg everything; allowed: job, hydra, all"),
    (["--multirun=3"], "--multirun takes no value"),
    # sweeps
    (["-m", "runs=range(1,0)"], "the sweep of 'runs' has no value"),
    (["-m", "runs=glob(*)"], "glob() chooses among the files of a config group"),
    (["-m", "scenario=nope,baseline"], "scenario 'nope' does not exist"),
    (["-m", "runs=10,0"], "runs = 0 is out of range"),
    (["-m", "runs=interval(1,2)"], "interval sweeps need an optimizing sweeper"),
    (["-m", "+experiment=nope"], "experiment"),
    (["-m", "+experiment=sensitivity_morris", "design.method=foo"], "design.method = 'foo'; allowed: morris, sobol"),
    (["-m", "+experiment=sensitivity_morris", "design.samples=abc"], "design.samples = 'abc' is not a number"),
    (["-m", "+experiment=sensitivity_morris", "design.block=9"], "design.block = 9; allowed: 0 .. 7"),
    (["-m", "+experiment=sensitivity_morris", "design.nope=1"], "design.nope"),
    (["-m", "+experiment=sensitivity_morris", "design.outcomes=[nope]"], "design.outcomes"),
    (["-m", "hydra.sweep.dir="], "hydra.sweep.dir is empty"),
    (["-m", "scenario=baseline,credible_amnesty", "hydra/launcher=nope"], "allowed hydra/launcher=basic"),
    # config groups set to null (Hydra: "Config group override must be a string or a list")
    (["scenario=null"], "scenario=null: scenario is a config group and takes a file's name, not null"),
    (["actors=null"], "actors=null: actors is a config group"),
    (["actors="], "actors=: actors is a config group"),
    (["+experiment=null"], "+experiment=null: experiment is a config group"),
    (["-m", "scenario=baseline,null"], "scenario=null: scenario is a config group"),
    # what one job may ask of the machine (sim/sweep/limits.py)
    (["trace=true", "runs=20", "horizon_weeks=520"], "trace=true with runs = 20 and horizon_weeks = 520"),
    (["trace=true", "runs=51"], "allowed: up to 2,600"),
    (["runs=10000000", "weekly=true"], "runs = 10000000 needs about"),
    (["-m", "seed=0,1", "runs=5000000", "weekly=true"], "allowed: up to"),
]


@pytest.mark.parametrize("args,fragment", COMMAND_LINE, ids=[" ".join(a)[:60] for a, _ in COMMAND_LINE])
def test_bad_command_line(tmp_path, monkeypatch, capsys, args, fragment):
    code, err = run_main(monkeypatch, capsys, tmp_path, args)
    assert_one_line(code, err, fragment, tmp_path)


def test_a_path_that_is_a_file_is_no_result_folder(tmp_path, monkeypatch, capsys):
    (tmp_path / "taken").write_text("")
    code, err = run_main(monkeypatch, capsys, tmp_path, ["hydra.run.dir=taken"])
    assert code == 2 and "exists and is not a folder" in err and len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- config files
def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def _write(path: Path, content: str | bytes) -> None:
    path.write_bytes(content if isinstance(content, bytes) else content.encode())


LAUGHS = "# @package actors.JOR\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
ISR_RESOLVE = "resolve: {range: [0.4, 1.6]"
FILES = {
    "actor not UTF-8": (lambda c: _write(c / "actors/JOR.yaml", b"# @package actors.JOR\nname: J\xe9r\n"), "not UTF-8"),
    "actor with BOM": (
        lambda c: _write(c / "actors/JOR.yaml", b"\xef\xbb\xbf" + (c / "actors/JOR.yaml").read_bytes()),
        "byte-order mark",
    ),
    "billion laughs": (lambda c: _write(c / "actors/JOR.yaml", LAUGHS), "YAML aliases (*name) are not allowed"),
    "YAML syntax": (
        lambda c: _write(c / "actors/JOR.yaml", "# @package actors.JOR\nname: [Jordan\n"),
        "malformed YAML",
    ),
    "a list, not a mapping": (lambda c: _write(c / "actors/JOR.yaml", "# @package actors.JOR\n- a\n"), "a mapping"),
    "wrong package header": (
        lambda c: _replace(c / "actors/JOR.yaml", "actors.JOR", "actors.ISR"),
        "# @package actors.JOR",
    ),
    "no package header": (lambda c: _replace(c / "actors/JOR.yaml", "# @package actors.JOR\n", ""), "must start with"),
    "lower-case actor file": (lambda c: shutil.copy(c / "actors/JOR.yaml", c / "actors/jor.yaml"), "not an actor id"),
    "actor listed twice": (lambda c: _replace(c / "config.yaml", "GBR, FRA]", "GBR, FRA, ISR]"), "ISR is listed twice"),
    "listed actor without a file": (
        lambda c: _replace(c / "config.yaml", "GBR, FRA]", "GBR, FRA, NOR]"),
        "NOR.yaml does not exist",
    ),
    "no actors in defaults": (
        lambda c: _replace(c / "config.yaml", "  - actors: [", "  - extra: ["),
        "no 'actors: [...]' entry",
    ),
    "value outside its own range": (
        lambda c: _replace(c / "actors/ISR.yaml", "resolve: 0.8", "resolve: 0.2"),
        "outside its own range",
    ),
    "infinite range": (
        lambda c: _replace(c / "actors/ISR.yaml", ISR_RESOLVE, "resolve: {range: [0.7, .inf]"),
        "malformed",
    ),
    "range outside the domain": (
        lambda c: _replace(c / "actors/ISR.yaml", ISR_RESOLVE, "resolve: {range: [-1.0, 1.6]"),
        "leaves the parameter's domain [0, 10]",
    ),
    "reversed range": (
        lambda c: _replace(c / "actors/ISR.yaml", ISR_RESOLVE, "resolve: {range: [1.6, 0.4]"),
        "malformed",
    ),
    "no provenance": (
        lambda c: _replace(c / "actors/ISR.yaml", 'sources: [E12, E20, E23], note: "no sign', 'note: "no sign'),
        "actors.ISR.resolve cites no evidence",
    ),
    "unknown key in an actor": (
        lambda c: _replace(c / "actors/ISR.yaml", "resolve: 0.8", "resolve: 0.8\nmood: 3"),
        "mood",
    ),
    "veto of an unknown actor": (
        lambda c: _replace(c / "actors/ISR.yaml", "targets: [TUR]", "targets: [XYZ]"),
        "'XYZ'",
    ),
    "actor file runs code": (
        lambda c: _replace(
            c / "actors/JOR.yaml", "name: Jordan", "name: Jordan\nhydra: {callbacks: {x: {_target_: os.system}}}"
        ),
        "sets hydra.callbacks, which runs code",
    ),
    "actor value from the environment": (
        lambda c: _replace(c / "actors/JOR.yaml", "name: Jordan", "name: ${oc.env:HOME}"),
        "interpolation in name",
    ),
    "file too large": (
        lambda c: _write(c / "actors/JOR.yaml", "# @package actors.JOR\n" + "#" * 1_100_000),
        "bytes; allowed",
    ),
    "scenario without package": (
        lambda c: _replace(c / "scenario/credible_amnesty.yaml", "# @package _global_\n", ""),
        "credible_amnesty.yaml must start with '# @package _global_'",
    ),
    "scenario without name": (
        lambda c: _replace(c / "scenario/credible_amnesty.yaml", "name: credible_amnesty", "title: x"),
        "scenario.name is None",
    ),
    "scenario named otherwise": (
        lambda c: _replace(c / "scenario/credible_amnesty.yaml", "name: credible_amnesty", "name: other"),
        "scenario.name is 'other'; allowed: 'credible_amnesty'",
    ),
    "scenario file not UTF-8": (
        lambda c: _write(c / "scenario/zz.yaml", b"\xff\xfe# @package _global_\n"),
        "zz.yaml is not UTF-8",
    ),
    "scenario with unsafe name": (
        lambda c: _write(c / "scenario/ x.yaml", "# @package _global_\nscenario: {name: ' x'}\n"),
        "not a safe scenario name",
    ),
    "a key twice in an actor": (
        lambda c: _replace(c / "actors/JOR.yaml", "name: Jordan", "name: Jordan\nname: Jordanie"),
        "JOR.yaml, line 4: the key 'name' is given twice in the same mapping",
    ),
    "a key twice in a flow mapping": (
        lambda c: _replace(c / "actors/ISR.yaml", "resolve: 0.8", "resolve: 0.8\nsalience: {mandate: 1, mandate: 2}"),
        "ISR.yaml, line",
    ),
    "a sponsor in two actor files": (
        lambda c: _replace(c / "actors/GBR.yaml", "name: ", "sponsor: {confidence: 0.5}\nname: "),
        "actors/GBR.yaml and ",
    ),
    "lever on no parameter": (
        lambda c: _replace(
            c / "scenario/us_presses_israel.yaml", "key: actors.USA.pressure.ISR", "key: actors.XYZ.foo"
        ),
        "actors.XYZ.foo' is not a parameter",
    ),
    "lever without evidence": (
        lambda c: _write(
            c / "scenario/us_presses_israel.yaml",
            "# @package _global_\nscenario:\n  name: us_presses_israel\n  levers:\n    - {key: actors.USA.pressure.ISR}\n",
        ),
        "scenario.levers[0] cites no evidence",
    ),
}
NEEDS_SCENARIO = {"lever on no parameter", "lever without evidence"}


@pytest.mark.parametrize("case", list(FILES))
def test_bad_config_file(tmp_path, monkeypatch, capsys, case):
    conf = tmp_path / "mycase"
    shutil.copytree(CASE, conf)
    make, fragment = FILES[case]
    make(conf)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    args = [f"--config-path={conf}", "runs=5"]
    if case in NEEDS_SCENARIO:
        args.append("scenario=us_presses_israel")
    code, err = run_main(monkeypatch, capsys, cwd, args)
    assert_one_line(code, err, fragment, cwd)


def test_help_survives_a_broken_scenario_file(tmp_path, monkeypatch, capsys):
    conf = tmp_path / "mycase"
    shutil.copytree(CASE, conf)
    _write(conf / "scenario/zz.yaml", b"\xff\xfe")
    from sim.config import scenarios

    assert scenarios(conf)["zz"].startswith("(unreadable file")


# --------------------------------------------------------------------------- experiment files
EXPERIMENTS = {
    "callbacks": (
        "hydra:\n  callbacks:\n    x: {_target_: shutil.copyfile}\n",
        "sets hydra.callbacks, which runs code",
    ),
    "logging": ("hydra:\n  job_logging: {version: 1}\n", "sets hydra.job_logging"),
    "launcher target": ("hydra:\n  launcher: {_target_: os.system}\n", "sets hydra.launcher"),
    "environment": ("runs: ${oc.env:HOME}\n", "interpolation in runs"),
    "no header": (None, "must start with '# @package _global_'"),
    "aliases": ("a: &a [1, 2]\nb: *a\n", "YAML aliases"),
    "environment in a folder": ("hydra:\n  sweep: {dir: '${oc.env:HOME}/x'}\n", "allowed in hydra's section"),
}


@pytest.mark.parametrize("case", list(EXPERIMENTS))
def test_bad_experiment_file(tmp_path, case):
    body, fragment = EXPERIMENTS[case]
    exp = tmp_path / "experiments"
    exp.mkdir()
    text = "runs: 5\n" if body is None else "# @package _global_\n" + body
    (exp / "bad.yaml").write_text(text)
    with pytest.raises(ConfigError) as err:
        files.check_tree(CASE, exp)
    assert fragment in str(err.value) and "bad.yaml" in str(err.value)
    assert "\n" not in str(err.value)


def test_the_shipped_files_pass():
    files.check_tree(CASE, CASE / "experiments")
