"""The exercise sheets (experiments/exercises/): every command of every sheet runs, every sheet
has its sections and its generated numbers, and the numbers are those of the sheet's commands.

Each command runs in a fresh ``tmp_path`` as its working directory (the sheets name their result
folders relative to it, e.g. ``hydra.run.dir=results/ex1/baseline``). A command with a pipe
(answers piped into ``isf-play``) or a ``python -c`` line runs through bash, with the venv's
``bin`` first on PATH; the others run in this process through their console-script entry point
(``isf-sim`` -> ``sim.cli:main`` ...), which saves the ~1 s of imports a subprocess costs. Two
documented substitutions keep them cheap without skipping any (``sim.teaching.exercises.with_runs`` and
``sim.teaching.exercises.trimmed``):

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

from sim.teaching import exercises as ex

ROOT = Path(__file__).resolve().parents[2]
RUNS, SWEEP_RUNS = 40, 12
SHEET_DIR = ROOT / "experiments" / "exercises"
SHEETS = sorted(SHEET_DIR.glob("[0-9]*.md"))
SECTIONS = ("learning goal", "prediction", "commands", "what to look at", "discussion", "instructor notes")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _value(cmd: ex.Command, key: str) -> str | None:
    return next((a.split("=", 1)[1] for a in cmd.args if a.split("=", 1)[0] == key), None)


def _option(cmd: ex.Command, name: str) -> str | None:
    args = list(cmd.args)
    return args[args.index(name) + 1] if name in args else None


def _check_outputs(cmd: ex.Command, cwd: Path, stdout: str) -> None:
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


def test_there_are_at_least_five_sheets_with_an_index():
    assert len(SHEETS) >= 5
    assert {p.name for p in SHEETS} == set(ex.SHEETS)
    index = (SHEET_DIR / "README.md").read_text()
    for p in SHEETS:
        assert f"({p.name})" in index, f"README.md does not link {p.name}"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_sheet_has_its_sections_and_numbers(sheet):
    text = sheet.read_text()
    headings = [h.lower() for h in re.findall(r"^##+ (.+)$", text, flags=re.M)]
    for section in SECTIONS:
        assert any(section in h for h in headings), f"{sheet.name}: no '{section}' section"
    block = text[text.index(ex.BEGIN):text.index(ex.END)]
    assert block.count("\n| ") >= 3, f"{sheet.name}: empty numbers block (run: python -m sim.teaching.exercises)"
    notes = text[text.lower().index("## instructor notes"):]
    assert ex.BEGIN in notes, f"{sheet.name}: the numbers belong in the instructor notes"
    cmds = ex.commands(text)
    assert cmds and all(c.program in ex.PROGRAMS for c in cmds), sheet.name
    assert all(seg[0] in ("yes", "printf", "echo") for c in cmds for seg in c.segments[:-1]), sheet.name
    evidence = set(re.findall(r"\bE\d\d\b", text))
    assert len(evidence) >= 3, f"{sheet.name}: ground the questions in the articles (E01...E50)"
    assert all(1 <= int(e[1:]) <= 50 for e in evidence)


def shrink(cmd: ex.Command) -> ex.Command:
    """The documented substitutions: fewer runs, sweeps cut to two values a key."""
    sweep = cmd.program == "isf-sim" and "-m" in cmd.args
    return ex.trimmed(ex.with_runs(cmd, SWEEP_RUNS if sweep else RUNS, only_fewer=True))


def run(cmd: ex.Command, cwd: Path) -> tuple[int, str, str]:
    """Run one command in ``cwd``: (exit code, stdout, stderr)."""
    if len(cmd.segments) > 1 or cmd.program not in ENTRY:
        proc = subprocess.run(["bash", "-c", cmd.shell()], cwd=cwd, env=_env(), capture_output=True, text=True,
                              timeout=300)
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


ENTRY = {ep.name: ep for ep in metadata.entry_points(group="console_scripts")
         if ep.name in ("isf-sim", "isf-report", "isf-play")}


@pytest.mark.slow
@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_every_command_of_the_sheet_runs(sheet, tmp_path):
    assert set(ENTRY) == {"isf-sim", "isf-report", "isf-play"}, "install isf-sim (pip install -e .)"
    checked = set()
    for original in ex.commands(sheet.read_text()):
        cmd = shrink(original)
        code, stdout, stderr = run(cmd, tmp_path)
        assert code == 0, f"{sheet.name}: `{cmd.shell()}` failed ({code}):\n{stderr[-3000:]}"
        _check_outputs(cmd, tmp_path, stdout)
        kind = "sweep" if "-m" in cmd.args else "trace" if _value(cmd, "trace") == "true" else "single"
        if cmd.program == "isf-sim" and kind not in checked | {"trace"}:
            checked.add(kind)
            _same_as_the_numbers_script(cmd, tmp_path)


def _same_as_the_numbers_script(cmd: ex.Command, cwd: Path) -> None:
    """The numbers script (sim.teaching.exercises) gets the table this isf-sim command wrote: a single
    job's, or the first job's of a sweep (an experiment's sweep expanded as Hydra does)."""
    if "-m" in cmd.args:
        _swept, jobs = ex.sweep_jobs(cmd)
        mine, _ = ex.run_overrides(jobs[0])
        written = cwd / _value(cmd, "hydra.sweep.dir") / "0" / "runs.parquet"
    else:
        mine, _ = ex.run_overrides(ex.overrides_of(cmd.args))
        written = cwd / _value(cmd, "hydra.run.dir") / "runs.parquet"
    pd.testing.assert_frame_equal(mine, pd.read_parquet(written))


def test_substitutions_shrink_runs_and_sweeps_only():
    [a, b, c, d] = ex.commands(
        "```bash\nisf-sim scenario=baseline runs=500 hydra.run.dir=r/a\n"
        "isf-sim trace=true runs=1 seed=3 \\\n  hydra.run.dir=r/t   # a comment\n"
        "isf-sim -m +experiment=contributor_risk runs=500 hydra.sweep.dir=r/s\n"
        "printf '\\nlift\\nauto\\n' | isf-play actor=ISR seed=4\n```\n")
    assert ex.with_runs(a, 40).args == ("scenario=baseline", "runs=40", "hydra.run.dir=r/a")
    assert ex.with_runs(b, 40, only_fewer=True).args == b.args == ("trace=true", "runs=1", "seed=3", "hydra.run.dir=r/t")
    assert ex.trimmed(c).args[-2:] == ("mechanisms.ground.deaths_per_day=5,10.5",
                                       "actors.USA.sponsor.mandate=enforcement,borders")
    assert d.segments[0] == ("printf", "\\nlift\\nauto\\n") and d.program == "isf-play"
    assert list(ex.answers_of(d.segments[0])) == ["", "lift", "auto"]


def test_the_numbers_are_current():
    """The first row of every sheet's numbers (the baseline, shared by all sheets) is what the
    model gives now: a model change that moves the numbers makes this fail until
    `python -m sim.teaching.exercises` is run (which also re-checks the directions the notes claim)."""
    plans = [ex.plan(p) for p in SHEETS]
    results = ex.run_all([pl.singles[0].overrides for pl in plans], jobs=1)
    for pl in plans:
        first = pl.singles[0]
        row = ex.table_row(first, results[first.overrides][0], ex.SHEETS[pl.path.name])
        assert f"\n{row}\n" in pl.path.read_text(), f"{pl.path.name}: stale numbers, run `python -m sim.teaching.exercises`"
