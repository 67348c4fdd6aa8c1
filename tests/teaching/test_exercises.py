"""The exercise sheets (experiments/exercises/): every command of every sheet runs, every sheet
has its sections and its generated numbers, and the numbers are those of the sheet's commands.

Each command runs in a fresh ``tmp_path`` as its working directory (the sheets name their result
folders relative to it, e.g. ``hydra.run.dir=results/ex1/baseline``). A command with a pipe
(answers piped into ``isf-play``) or a ``python -c`` line runs through bash, with the venv's
``bin`` first on PATH; the others run in this process through their console-script entry point
(``isf-sim`` -> ``sim.cli:main`` ...), which saves the ~1 s of imports a subprocess costs. Two
documented substitutions keep them cheap without skipping any (``sheets.with_runs`` and
``sheets.trimmed`` in ``sim.teaching.exercises``):

* ``runs=N`` becomes ``runs=40`` in a single job and ``runs=12`` per job in a sweep, when N is
  larger (40: enough for isf-report's comparisons, which need 30 runs a folder; a sweep's
  4 x 12 runs stay under the 50 that make isf-report run its slow scenario discovery);
* a sweep keeps the first two values of each swept key (an experiment's sweep too).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from sim.teaching.exercises import running, sheets
from sim.teaching.exercises.block import table_row
from sim.teaching.exercises.claims import GameClaim, RunClaim, SpecError
from sim.teaching.exercises.measures import measure
from sim.teaching.exercises.sheets import Command
from sim.teaching.exercises.spec import load_spec, spec_path

ROOT = Path(__file__).resolve().parents[2]
RUNS, SWEEP_RUNS = 40, 12
SHEET_DIR = ROOT / "experiments" / "exercises"
SHEETS = sheets.sheet_paths()  # the students' sheets; each has its instructor key NN_name.key.md
SECTIONS = ("learning goal", "prediction", "commands", "what to look at", "discussion")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _value(cmd: Command, key: str) -> str | None:
    return next((a.split("=", 1)[1] for a in cmd.args if a.split("=", 1)[0] == key), None)


def _option(cmd: Command, name: str) -> str | None:
    args = list(cmd.args)
    return args[args.index(name) + 1] if name in args else None


def _check_outputs(cmd: Command, cwd: Path, stdout: str) -> None:
    """What each kind of command must leave behind."""
    if cmd.program == "isf-sim":
        sweep = "-m" in cmd.args
        folder = _value(cmd, "hydra.sweep.dir" if sweep else "hydra.run.dir")
        assert folder, f"give the result folder explicitly (hydra.run.dir / hydra.sweep.dir): {cmd.shell()}"
        folder = cwd / folder
        assert (folder / "runs.parquet").exists() and (folder / "manifest.json").exists(), cmd.shell()
        manifest = json.loads((folder / "manifest.json").read_text())
        if sweep:
            assert manifest["status"] == "complete"
        else:
            assert len(pd.read_parquet(folder / "runs.parquet")) == int(_value(cmd, "runs") or 300)
    elif cmd.program == "isf-report":
        first = next(a for a in cmd.args if not a.startswith("-"))
        out = cwd / (_option(cmd, "--out") or f"{first}/report")
        assert (out / "report.html").exists() and (out / "summary.md").exists(), cmd.shell()
    elif cmd.program == "isf-play":
        assert "Debrief" in stdout, cmd.shell()


def test_there_are_at_least_five_sheets_with_an_index_and_their_claims():
    assert len(SHEETS) >= 5
    assert {spec_path(p) for p in SHEETS} == set(SHEET_DIR.glob("*.numbers.yaml")), "a sheet without its claims"
    assert {sheets.key_path(p) for p in SHEETS} == set(SHEET_DIR.glob("*.key.md")), "a sheet without its key"
    for p in SHEETS:
        spec = load_spec(p)
        assert spec.table and spec.claims, f"{p.name}: its .numbers.yaml shows no table or makes no claim"
    index = (SHEET_DIR / "README.md").read_text()
    for p in SHEETS:
        assert f"({p.name})" in index, f"README.md does not link {p.name}"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_sheet_has_its_sections_and_its_key_the_numbers(sheet):
    text = sheet.read_text()
    headings = [h.lower() for h in re.findall(r"^##+ (.+)$", text, flags=re.M)]
    for section in SECTIONS:
        assert any(section in h for h in headings), f"{sheet.name}: no '{section}' section"
    assert not any("instructor" in h or "answer" in h for h in headings), f"{sheet.name}: answers belong in the key"
    assert sheets.BEGIN not in text, f"{sheet.name}: the numbers belong in the key"
    key = sheets.key_path(sheet).read_text()
    assert "## instructor notes" in key.lower() and "### answers" in key.lower(), sheet.name
    block = key[key.index(sheets.BEGIN) : key.index(sheets.END)]
    assert block.count("\n| ") >= 3, f"{sheet.name}: empty numbers block (run: python -m sim.exercises)"
    assert not sheets.commands(key), f"{sheet.name}: the key runs no commands of its own; they are the sheet's"
    cmds = sheets.commands(text)
    assert cmds and all(c.program in sheets.PROGRAMS for c in cmds), sheet.name
    assert all(seg[0] in ("yes", "printf", "echo") for c in cmds for seg in c.segments[:-1]), sheet.name
    evidence = set(re.findall(r"\bE\d\d\b", text))
    assert len(evidence) >= 3, f"{sheet.name}: ground the questions in the articles (E01...E50)"
    assert all(1 <= int(e[1:]) <= 50 for e in evidence)
    assert "../../docs/evidence.md" in text and "shared/evidence" not in text + key


def shrink(cmd: Command) -> Command:
    """The documented substitutions: fewer runs, sweeps cut to two values a key."""
    sweep = cmd.program == "isf-sim" and "-m" in cmd.args
    return sheets.trimmed(sheets.with_runs(cmd, SWEEP_RUNS if sweep else RUNS, only_fewer=True))


def run(cmd: Command, cwd: Path) -> tuple[int, str, str]:
    """Run one command in ``cwd``: (exit code, stdout, stderr)."""
    if len(cmd.segments) > 1 or cmd.program not in ENTRY:
        proc = subprocess.run(
            ["bash", "-c", cmd.shell()], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300
        )
        return proc.returncode, proc.stdout, proc.stderr
    from hydra.core.global_hydra import GlobalHydra

    main = ENTRY[cmd.program].load()
    out, err = io.StringIO(), io.StringIO()
    argv, here = sys.argv, Path.cwd()
    sys.argv = [cmd.program, *cmd.args]
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main() or 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
        os.chdir(here)
        GlobalHydra.instance().clear()
    return code, out.getvalue(), err.getvalue()


ENTRY = {
    ep.name: ep
    for ep in metadata.entry_points(group="console_scripts")
    if ep.name in ("isf-sim", "isf-report", "isf-play")
}


@pytest.mark.slow
@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_every_command_of_the_sheet_runs(sheet, tmp_path):
    assert set(ENTRY) == {"isf-sim", "isf-report", "isf-play"}, "install isf-sim (pip install -e .)"
    checked = set()
    for original in sheets.commands(sheet.read_text()):
        cmd = shrink(original)
        code, stdout, stderr = run(cmd, tmp_path)
        assert code == 0, f"{sheet.name}: `{cmd.shell()}` failed ({code}):\n{stderr[-3000:]}"
        _check_outputs(cmd, tmp_path, stdout)
        kind = "sweep" if "-m" in cmd.args else "trace" if _value(cmd, "trace") == "true" else "single"
        if cmd.program == "isf-sim" and kind not in checked | {"trace"}:
            checked.add(kind)
            _same_as_the_numbers_script(cmd, tmp_path)


def _same_as_the_numbers_script(cmd: Command, cwd: Path) -> None:
    """The numbers script (sim.teaching.exercises) gets the table this isf-sim command wrote: a single
    job's, or the first job's of a sweep (an experiment's sweep expanded as Hydra does)."""
    if "-m" in cmd.args:
        _swept, jobs = running.sweep_jobs(cmd)
        mine, _ = running.run_overrides(jobs[0])
        written = cwd / _value(cmd, "hydra.sweep.dir") / "0" / "runs.parquet"
    else:
        mine, _ = running.run_overrides(running.overrides_of(cmd.args))
        written = cwd / _value(cmd, "hydra.run.dir") / "runs.parquet"
    pd.testing.assert_frame_equal(mine, pd.read_parquet(written))


def test_substitutions_shrink_runs_and_sweeps_only():
    [a, b, c, d] = sheets.commands(
        "```bash\nisf-sim scenario=baseline runs=500 hydra.run.dir=r/a\n"
        "isf-sim trace=true runs=1 seed=3 \\\n  hydra.run.dir=r/t   # a comment\n"
        "isf-sim -m +experiment=contributor_risk runs=500 hydra.sweep.dir=r/s\n"
        "printf '\\nlift\\nauto\\n' | isf-play actor=ISR seed=4\n```\n"
    )
    assert sheets.with_runs(a, 40).args == ("scenario=baseline", "runs=40", "hydra.run.dir=r/a")
    assert sheets.with_runs(b, 40, only_fewer=True).args == b.args
    assert b.args == ("trace=true", "runs=1", "seed=3", "hydra.run.dir=r/t")
    assert sheets.trimmed(c).args[-2:] == (
        "mechanisms.ground.deaths_per_day=5,10.5",
        "actors.USA.position.mandate=0.1,0.9",
    )
    assert d.segments[0] == ("printf", "\\nlift\\nauto\\n") and d.program == "isf-play"
    assert list(sheets.answers_of(d.segments[0])) == ["", "lift", "auto"]


def test_the_numbers_are_current():
    """The first row of every sheet's numbers (the baseline, shared by all sheets) is what the
    model gives now: a model change that moves the numbers makes this fail until
    `python -m sim.teaching.exercises` is run (which also re-checks the directions the notes claim)."""
    planned = [running.sheet_runs(p) for p in SHEETS]
    results = running.run_all([s.singles[0].overrides for s in planned], jobs=1)
    for s in planned:
        first = s.singles[0]
        row = table_row(first, results[first.overrides][0], load_spec(s.path))
        key = sheets.key_path(s.path)
        assert f"\n{row}\n" in key.read_text(), f"{key.name}: stale, run `python -m sim.exercises`"


def _paired_runs() -> dict[str, pd.DataFrame]:
    """Two arms on the same 200 seeds: P(deployed) 0.25 -> 0.50, deaths 100 lower on every seed."""
    seeds = list(range(200))
    base = pd.DataFrame(
        {
            "seed": seeds,
            "deployed": [i % 4 == 0 for i in seeds],
            "deaths": [1000 + i for i in seeds],
            "turkey_role": ["troops", "liaison"] * 100,
        }
    )
    more = base.assign(deployed=[i % 2 == 0 for i in seeds], deaths=base["deaths"] - 100)
    return {"base": base, "more": more, "same": base.copy()}


def test_run_claims_hold_or_say_what_the_numbers_give():
    runs = _paired_runs()

    def check(**claim):
        return RunClaim.parse(claim).check(runs, "base")

    assert check(run="more", outcome="deployed", goes="up") is None
    assert check(run="more", outcome="P(deployed)", goes="down").startswith("the notes say P(deployed) goes down")
    assert check(run="more", outcome="deaths", goes="down") is None
    assert check(run="same", outcome="deaths", goes="flat") is None
    assert check(run="base", outcome="deployed", goes="down", against="more") is None
    assert check(run="base", outcome="deployed", below=0.35) is None
    assert "is above 0.35" in check(run="base", outcome="deployed", above=0.35)
    assert check(run="base", where={"turkey_role": "troops"}, outcome="deployed", above=0.4) is None
    assert check(run="more", outcome="deployed", moves_more_than="same") is None
    assert check(run="more", outcome="deployed", moves_more_than="same", other_against="base") is None
    assert "against 'more'" in check(run="more", outcome="deaths", moves_more_than="base", other_against="more")
    assert "no run named 'nowhere'" in check(run="nowhere", outcome="deployed", goes="up")


@pytest.mark.parametrize(
    "claim",
    [
        {"run": "a", "outcome": "deployed"},  # no test
        {"run": "a", "outcome": "deployed", "goes": "up", "below": 0.5},  # two tests
        {"run": "a", "outcome": "deployed", "goes": "sideways"},
        {"run": "a", "outcome": "nonsense", "goes": "up"},
        {"run": "a", "outcome": "week_deployed", "below": 30},  # a median week has no interval here
        {"run": "a", "outcome": "deployed", "goes": "up", "where": {"turkey_role": "troops"}},
        {"run": "a", "outcome": "deployed", "goes": "up", "typo": 1},
        {"run": "a", "outcome": "deployed", "goes": "up", "other_against": "b"},  # only with moves_more_than
        "a goes up",
    ],
)
def test_malformed_claims_are_errors(claim):
    with pytest.raises(SpecError):
        RunClaim.parse(claim)


def test_exercise_measures_beyond_the_report():
    runs = pd.DataFrame({"seed": [0, 1, 2, 3], "week_deployed": [10.0, 20.0, 21.0, float("nan")]})
    by_20 = measure("deployed_by_week_20")
    assert by_20.label == "P(deployed by week 20)" and by_20.values(runs).tolist() == [True, True, False, False]
    assert measure("P(deployed by week 20)") == by_20
    assert measure("failed_votes").cell(pd.DataFrame({"failed_votes": [0, 0, 1, 0]})).startswith("0.25 (")


def test_game_claims_compare_player_and_model():
    nan = float("nan")
    games = [
        (
            {"deaths": 3000, "week_deployed": nan, "funders": "ARE+SAU"},
            {"deaths": 2000, "week_deployed": 20.0, "funders": ""},
        ),
        (
            {"deaths": 2500, "week_deployed": 13.0, "funders": ""},
            {"deaths": 2000, "week_deployed": 20.0, "funders": ""},
        ),
    ]

    def check(**claim):
        return GameClaim.parse(claim).check(games)

    assert check(player=1, outcome="deaths", above="model 1") is None
    assert check(player=1, outcome="week_deployed", above="player 2") is None  # never = later than any week
    assert check(player=1, outcome="funders", includes="SAU") is None
    assert check(model=1, outcome="funders", **{"is": ""}) is None
    assert check(player=2, outcome="deaths", below="player 1") is None
    assert "but it is 2500" in check(player=2, outcome="deaths", above="player 1")
    with pytest.raises(SpecError):
        check(player=3, outcome="deaths", above=0)
