"""Every command in the fenced ```bash blocks of README.md and docs/*.md runs and exits 0, as a
user would type it: in a fresh working directory (results land there), with the venv's bin/
first on PATH, with ``runs=`` cut to at most 20 (5 per job in a sweep; added to an isf-sim
command that has none). A block that reads what an earlier line made (it calls isf-report) runs as a whole,
in order; every other command runs on its own, so pytest-xdist spreads them.

A command that differs from an earlier one only by its result folder (``hydra.run.dir``,
``hydra.sweep.dir``) runs once. Commands that cannot run here are listed in SKIP with the reason;
a listed command that no longer appears in the docs fails the test (no stale skips). New docs are
picked up as they come."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

MAX_RUNS = 20  # runs per job of a single run
MAX_SWEEP_RUNS = 5  # runs per job of a sweep (isf-sim -m): a sweep has up to 36 jobs
BIN = Path(sys.executable).parent

# a command (or a distinctive part of it) -> why a test cannot run it
SKIP = {
    "make run": "CI's own first step on a fresh clone (.ci/run): it sets up .venv and runs 300 runs",
    "make test": "CI's own: running the test suite from inside the test suite would recurse",
    "hydra/launcher=submitit_slurm": "needs a SLURM cluster and a shared file system",
    "dask scheduler": "serves forever, on a cluster's head node",
    "dask worker": "serves forever, and needs a running scheduler",
    "hydra.launcher.address=tcp://": "needs a running Dask scheduler on another machine",
}

# commands (or blocks) that fail today because of code or docs that are not this test's: the
# mark is strict, so the test fails once they pass and the mark must go
BROKEN: dict[str, str] = {}  # e.g. {"scenario=glob(*)": "isf-sim rejects glob() on a config group; being fixed"}


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(text: str) -> list[tuple[int, list[str]]]:
    """(line number, commands) of each ```bash block: continuations joined, comments dropped,
    each command in canonical shell form (shlex)."""
    out = []
    for m in re.finditer(r"^```bash\n(.*?)^```", text, flags=re.M | re.S):
        body = m.group(1).replace("\\\n", " ")
        commands = [shlex.join(shlex.split(line, comments=True)) for line in body.splitlines()]
        out.append((text[: m.start()].count("\n") + 1, [c for c in commands if c]))
    return out


def for_a_test(command: str) -> str:
    """The command with runs= cut to MAX_RUNS (runs=MAX_RUNS added to isf-sim if it has none)."""
    words = shlex.split(command)
    if words[:1] != ["isf-sim"] or any(w in ("--help", "-h", "--version") for w in words):
        return command
    most = MAX_SWEEP_RUNS if ("-m" in words or "--multirun" in words) else MAX_RUNS
    words = [f"runs={min(int(w[5:]), most)}" if re.fullmatch(r"runs=\d+", w) else w for w in words]
    if not any(w.startswith("runs=") for w in words):
        words.append(f"runs={most}")
    return shlex.join(words)


def _skip_reason(command: str) -> str | None:
    return next((why for key, why in SKIP.items() if key == command or key in command), None)


def _without_folder(command: str) -> str:
    """The command without the result folder it names: two commands that differ only there run
    the same job (the second, in docs/sweeps.md, shows resuming into a folder)."""
    return shlex.join(w for w in shlex.split(command) if not re.match(r"hydra\.(run|sweep)\.dir=", w))


def cases() -> list:
    params, seen = [], set()
    for path in doc_files():
        name = path.relative_to(ROOT)
        for line, commands in blocks(path.read_text()):
            runnable = [c for c in commands if not _skip_reason(c)]
            if any(c.startswith("isf-report") for c in runnable):
                groups = [runnable]  # a block that reads what its earlier lines made
            else:
                groups = [[c] for c in runnable]
            for group in groups:
                job = _without_folder(group[0]) if len(group) == 1 else None
                if job in seen:
                    continue  # the same job as an earlier command, into another folder: run once
                if job is not None:
                    seen.add(job)
                broken = next((why for key, why in BROKEN.items() if any(key in c for c in group)), None)
                marks = [pytest.mark.xfail(strict=True, reason=broken)] if broken else []
                label = f"{name}:{line}:{group[0][:60]}"
                params.append(pytest.param(group, id=label, marks=marks))
    return params


def all_commands() -> list[str]:
    return [c for path in doc_files() for _, commands in blocks(path.read_text()) for c in commands]


@pytest.mark.slow
@pytest.mark.parametrize("commands", cases())
def test_command_in_the_docs_runs(commands, tmp_path):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "MPLBACKEND": "Agg"}
    for command in map(for_a_test, commands):
        done = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"$ {command}\nexit {done.returncode}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, f"$ {command}\n{done.stderr[-2000:]}"


def test_every_skipped_or_broken_command_is_still_in_the_docs():
    commands = all_commands()
    for key in [*SKIP, *BROKEN]:
        assert any(key == c or key in c for c in commands), f"'{key}' is no longer in the docs: remove it here"


def test_the_docs_have_commands_to_run():
    assert len(cases()) >= 15
    assert {"make run", "make test"} <= set(all_commands())


def test_runs_are_cut_and_added():
    assert for_a_test("isf-sim scenario=x runs=1000 seed=7") == "isf-sim scenario=x runs=20 seed=7"
    assert for_a_test("isf-sim trace=true runs=1") == "isf-sim trace=true runs=1"
    assert for_a_test("isf-sim -m 'scenario=glob(*)'") == "isf-sim -m 'scenario=glob(*)' runs=5"
    assert for_a_test("isf-sim -m a=1,2 runs=500") == "isf-sim -m a=1,2 runs=5"
    assert for_a_test("isf-sim --help") == "isf-sim --help"
    assert for_a_test("isf-report results/x") == "isf-report results/x"


def test_blocks_join_continuations_and_drop_comments():
    text = "x\n```bash\n# a comment\nisf-sim -m a=1,2 \\\n    b=3   # why\n\nisf-sim --help\n```\n"
    assert blocks(text) == [(2, ["isf-sim -m a=1,2 b=3", "isf-sim --help"])]


def test_a_command_differing_only_by_its_folder_runs_once():
    assert _without_folder("isf-sim -m +experiment=x hydra.sweep.dir=results/a") == "isf-sim -m +experiment=x"
    assert _without_folder("isf-sim runs=3 hydra.run.dir=r") == "isf-sim runs=3"
    ids = [c.id for c in cases()]
    assert not [i for i in ids if "sweeps.md:65:" in i and "turkey_veto" in i], "run twice"
    assert [i for i in ids if "sweeps.md:9:isf-sim -m +experiment=turkey_veto" in i]
