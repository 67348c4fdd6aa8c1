"""Result folders are data, not links: a folder whose lock, manifest, tables or ``.hydra`` files
are symbolic links is refused with one line, and the file a link points to stays byte-identical."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import folders, lock

SINGLE = ["runs=4", "horizon_weeks=8"]
SWEEP = ["-m", "seed=0,5", "runs=4", "horizon_weeks=8"]
VICTIM = b"precious data the user can write\n"


def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_bytes(VICTIM)
    return path


def plant(folder: Path, name: str, target: Path) -> Path:
    link = folder / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def refused(proc, *words: str) -> str:
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("isf-sim: error: ") and "symbolic link" in line, line
    assert all(w in line for w in words), line
    return line


JOB_FILES = [".isf-sim.lock", "manifest.json", "runs.parquet", "config.yaml", ".hydra/config.yaml"]


@pytest.mark.parametrize("name", JOB_FILES)
def test_a_single_job_folder_with_a_link_is_refused_and_the_victim_kept(run, tmp_path, name):
    target = victim(tmp_path)
    out = tmp_path / "job"
    plant(out, name, target)
    refused(run(*SINGLE, f"hydra.run.dir={out}", check=False), name)
    assert target.read_bytes() == VICTIM
    assert (out / name).is_symlink()  # left as it was: the user decides


@pytest.mark.parametrize(
    "name", [".isf-sim.lock", "manifest.json", "runs.parquet", "multirun.yaml", "1/runs.parquet", "0/.hydra/hydra.yaml"]
)
def test_a_sweep_folder_with_a_link_is_refused_and_the_victim_kept(run, tmp_path, name):
    target = victim(tmp_path)
    out = tmp_path / "sw"
    plant(out, name, target)
    refused(run(*SWEEP, f"hydra.sweep.dir={out}", check=False), name)
    assert target.read_bytes() == VICTIM


def test_a_linked_job_folder_or_hydra_folder_is_refused(run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "runs.parquet").write_bytes(VICTIM)
    out = tmp_path / "sw"
    out.mkdir()
    (out / "0").symlink_to(elsewhere, target_is_directory=True)
    refused(run(*SWEEP, f"hydra.sweep.dir={out}", check=False), str(out / "0"))
    job = tmp_path / "job"
    job.mkdir()
    (job / ".hydra").symlink_to(elsewhere, target_is_directory=True)
    refused(run(*SINGLE, f"hydra.run.dir={job}", check=False), ".hydra")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["runs.parquet"]
    assert (elsewhere / "runs.parquet").read_bytes() == VICTIM


def test_a_folder_named_by_an_interpolation_is_checked_when_the_job_starts(run, tmp_path):
    """The command line cannot look inside ``${now:...}``: the job's claim of its folder does."""
    target = victim(tmp_path)
    out = tmp_path / "job" / time.strftime("%Y")
    plant(out, ".isf-sim.lock", target)
    proc = run(*SINGLE, f"hydra.run.dir={tmp_path / 'job'}/${{now:%Y}}", check=False)
    refused(proc, ".isf-sim.lock")
    assert target.read_bytes() == VICTIM


def test_a_finished_folder_without_links_still_resumes(run, tmp_path):
    out = tmp_path / "sw"
    run(*SWEEP, f"hydra.sweep.dir={out}")
    assert not lock.links_in(out)
    assert "2 jobs already done" in run(*SWEEP, f"hydra.sweep.dir={out}").stdout


def test_writes_replace_a_link_and_never_follow_it(tmp_path):
    target = victim(tmp_path)
    folder = tmp_path / "f"
    folder.mkdir()
    # the final name is a link: replaced by the new file
    plant(folder, "a.txt", target)
    folders.atomic_write_text(folder / "a.txt", "new\n")
    assert not (folder / "a.txt").is_symlink() and (folder / "a.txt").read_text() == "new\n"
    # the temporary name is pre-made as a link (this process's pid): not written through
    plant(folder, f".b.parquet.tmp-{os.getpid()}", target)
    check = folders.write_parquet(folder / "b.parquet", pd.DataFrame({"x": [1, 2, 3]}))
    assert check["rows"] == 3 and check["sha256"] == folders.file_sha256(folder / "b.parquet")
    plant(folder, f".c.txt.tmp-{os.getpid()}", target)
    folders.atomic_write_bytes(folder / "c.txt", b"c")
    assert target.read_bytes() == VICTIM
    assert not list(folder.glob(".*.tmp-*"))


def test_the_lock_is_never_opened_through_a_link(tmp_path):
    target = victim(tmp_path)
    folder = tmp_path / "f"
    folder.mkdir()
    plant(folder, lock.LOCK, target)
    with pytest.raises(lock.FolderRefused, match="symbolic link"):
        lock.claim(folder, "x" * 64, "run", "isf-sim")
    assert not lock.holds(folder)
    assert target.read_bytes() == VICTIM
