"""Faults in one line: an OSError (a full disk, an I/O error, a read-only folder) at any stage of
a job or a sweep is one line naming the folder and the cause, exit 2, and the same command
afterwards finishes with the bytes of an uninterrupted run.

The fault is injected by the test alone: a small driver (below) replaces one writer of isf-sim
with one that raises on its n-th call, then runs isf-sim's own ``main()`` in that process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import ROOT

SWEEP = ["-m", "seed=range(0,60,20)", "runs=6", "horizon_weeks=10"]
SINGLE = ["runs=6", "horizon_weeks=10"]
DRIVER = """
import errno, importlib, os, sys
where, nth, code = sys.argv[1], int(sys.argv[2]), getattr(errno, sys.argv[3])
parts = where.split(".")  # a module's function, or a class's (omegaconf.OmegaConf.save)
for i in range(len(parts) - 1, 0, -1):
    try:
        module = importlib.import_module(".".join(parts[:i]))
        break
    except ImportError:
        continue
for part in parts[i:-1]:
    module = getattr(module, part)
name = parts[-1]
real, calls = getattr(module, name), [0]
def failing(*args, **kwargs):
    calls[0] += 1
    if calls[0] == nth:
        raise OSError(code, os.strerror(code))
    return real(*args, **kwargs)
setattr(module, name, failing)
sys.argv = ["isf-sim", *sys.argv[4:]]
from sim.cli import main
main()
"""


def faulty(cwd, where: str, nth: int, code: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", DRIVER, where, str(nth), code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def one_line(proc, *words: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("isf-sim: error: ") and all(w in line for w in words), line
    return line


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    from helpers import isf_sim

    root = tmp_path_factory.mktemp("whole")
    isf_sim(root, *SWEEP, f"hydra.sweep.dir={root / 'sw'}")
    isf_sim(root, *SINGLE, f"hydra.run.dir={root / 'job'}")
    return {"sweep": (root / "sw/runs.parquet").read_bytes(), "single": (root / "job/runs.parquet").read_bytes()}


@pytest.mark.parametrize(
    ("where", "nth", "code", "workers", "words"),  # nth: the call of ``where`` that fails
    [
        ("sim.sweep.stream.write_group", 2, "ENOSPC", "1", ["/sw/1", "No space left on device (ENOSPC)"]),
        ("sim.sweep.stream.write_group", 2, "ENOSPC", "2", ["/sw/1", "No space left on device (ENOSPC)"]),
        ("sim.sweep.stream.write_group", 3, "EIO", "2", ["/sw/2", "(EIO)"]),  # the last job: seen at the end
        ("sim.sweep.folders.atomic_write_text", 3, "EROFS", "1", ["/sw/", "(EROFS)"]),  # a job's config or manifest
        ("sim.sweep.callback.atomic_write_text", 1, "ENOSPC", "1", ["/sw", "(ENOSPC)"]),  # the sweep manifest
        ("sim.sweep.callback.atomic_write_text", 2, "ENOSPC", "1", ["/sw", "(ENOSPC)"]),  # ... completed
        ("sim.sweep.combine.open_new", 1, "EMFILE", "1", ["/sw/runs.parquet", "(EMFILE)"]),  # the combine
    ],
)
def test_a_fault_during_a_sweep_is_one_line_and_the_same_command_finishes(
    whole, tmp_path, where, nth, code, workers, words
):
    from helpers import isf_sim

    out = tmp_path / "sw"
    args = [*SWEEP, f"workers={workers}", f"hydra.sweep.dir={out}"]
    one_line(faulty(tmp_path, where, nth, code, *args), *words)
    if (out / "manifest.json").exists():
        assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert not list(out.rglob(".*.tmp-*")) and not (out / ".isf-sim.lock").exists()
    for job in out.iterdir() if out.exists() else ():
        if job.is_dir() and job.name.isdigit():  # no job folder is left without its table
            assert (job / "runs.parquet").is_file(), sorted(p.name for p in job.iterdir())
    isf_sim(tmp_path, *args)  # the same command
    assert (out / "runs.parquet").read_bytes() == whole["sweep"]


def test_a_vanished_sweep_folder_is_one_line(tmp_path):
    import shutil

    # the sweep folder removed while the sweep writes (after the first job): its folder is named
    out = tmp_path / "sw"
    driver = DRIVER.replace(
        "raise OSError(code, os.strerror(code))",
        f"import shutil; shutil.rmtree({str(out)!r}); raise OSError(code, os.strerror(code))",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PYTHONPATH"] = str(ROOT)
    inject = ["sim.sweep.stream.write_group", "2", "ENOENT"]
    proc = subprocess.run(
        [sys.executable, "-c", driver, *inject, *SWEEP, f"hydra.sweep.dir={out}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    one_line(proc, str(out), "(ENOENT)")
    shutil.rmtree(out, ignore_errors=True)


def test_a_full_disk_during_a_single_job_is_one_line_and_it_runs_again(whole, tmp_path):
    from helpers import isf_sim

    (tmp_path / "keep").touch()  # a job that failed removes its folder, and its parent if left empty
    out = tmp_path / "job"
    args = [*SINGLE, f"hydra.run.dir={out}"]
    one_line(faulty(tmp_path, "sim.sweep.stream.write_group", 1, "ENOSPC", *args), str(out), "(ENOSPC)")
    assert not (out / "manifest.json").exists() and not (out / ".isf-sim.lock").exists()
    isf_sim(tmp_path, *args)
    assert (out / "runs.parquet").read_bytes() == whole["single"]


@pytest.mark.parametrize("nth", [1, 3])  # .hydra/config.yaml, .hydra/overrides.yaml: before the job runs
def test_a_full_disk_when_the_hydra_copies_are_written_is_one_line(whole, tmp_path, nth):
    from helpers import isf_sim

    (tmp_path / "keep").touch()  # a job that failed removes its folder, and its parent if left empty
    out = tmp_path / "job"
    args = [*SINGLE, f"hydra.run.dir={out}"]
    proc = faulty(tmp_path, "sim.sweep.folders.atomic_write_bytes", nth, "ENOSPC", *args)
    one_line(proc, str(out), "(ENOSPC)")
    assert not out.exists() and not list(tmp_path.rglob(".*.tmp-*"))
    isf_sim(tmp_path, *args)  # the same command, with space again
    assert (out / "runs.parquet").read_bytes() == whole["single"]
    assert sorted(p.name for p in (out / ".hydra").iterdir()) == ["config.yaml", "hydra.yaml", "overrides.yaml"]


def test_a_read_only_folder_when_a_sweep_job_writes_its_hydra_copies_is_one_line(whole, tmp_path):
    from helpers import isf_sim

    out = tmp_path / "sw"  # Hydra's basic launcher: each job's .hydra/ (isf-sim's own launcher writes none)
    args = [*SWEEP, "hydra/launcher=basic", f"hydra.sweep.dir={out}"]
    # calls: the sweep manifest (1), job 0's three copies, config and manifest (2-6), job 1's first copy (7)
    one_line(faulty(tmp_path, "sim.sweep.folders.atomic_write_bytes", 7, "EROFS", *args), "/sw/1", "(EROFS)")
    assert not (out / "1").exists() and (out / "0" / "runs.parquet").is_file()
    isf_sim(tmp_path, *args)
    assert (out / "runs.parquet").read_bytes() == whole["sweep"]


def test_a_full_disk_when_the_sweep_writes_multirun_yaml_is_one_line(tmp_path):
    out = tmp_path / "sw"
    proc = faulty(tmp_path, "omegaconf.OmegaConf.save", 1, "ENOSPC", *SWEEP, f"hydra.sweep.dir={out}")
    one_line(proc, str(out), "(ENOSPC)")
    assert not (out / ".isf-sim.lock").exists()
