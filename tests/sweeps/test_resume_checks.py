"""Resumes that check: a job table that does not match its manifest (cut short, a bit flipped)
is run again, and the resumed sweep's table equals an uninterrupted sweep's, byte for byte."""

from __future__ import annotations

import hashlib
import json

ARGS = ["-m", "seed=range(0,60,20)", "runs=6", "horizon_weeks=10"]


def test_the_manifest_records_each_table(run, tmp_path):
    out = tmp_path / "sw"
    run(*ARGS, "weekly=true", f"hydra.sweep.dir={out}")
    man = json.loads((out / "0" / "manifest.json").read_text())
    for name in ("runs.parquet", "weekly.parquet"):
        rec = man["tables"][name]
        assert rec["sha256"] == hashlib.sha256((out / "0" / name).read_bytes()).hexdigest()
        assert rec["rows"] > 0
    assert man["tables"]["runs.parquet"]["rows"] == 6


def test_a_bit_flipped_or_cut_job_table_is_run_again_and_the_table_is_unchanged(run, tmp_path):
    run(*ARGS, f"hydra.sweep.dir={tmp_path / 'whole'}")
    whole = (tmp_path / "whole" / "runs.parquet").read_bytes()
    out = tmp_path / "half"
    run(*ARGS, f"hydra.sweep.dir={out}")
    # half-finished: job 2 never ran, the combined table was never written
    for f in (out / "2").iterdir():
        if f.is_file():
            f.unlink()
    (out / "runs.parquet").unlink()
    table = out / "1" / "runs.parquet"
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0x04  # one bit flipped
    table.write_bytes(bytes(data))
    cut = out / "0" / "runs.parquet"
    cut.write_bytes(cut.read_bytes()[:100])  # cut short
    proc = run(*ARGS, f"hydra.sweep.dir={out}")
    assert "job 1: runs.parquet does not match its manifest (sha256); running it again" in proc.stderr
    assert "job 0: runs.parquet does not match its manifest (sha256); running it again" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "already done" not in proc.stdout  # nothing was kept
    assert (out / "runs.parquet").read_bytes() == whole
    again = run(*ARGS, f"hydra.sweep.dir={out}")
    assert "3 jobs already done" in again.stdout and "running it again" not in again.stderr
    assert (out / "runs.parquet").read_bytes() == whole


def test_a_table_the_combine_cannot_read_is_named_in_one_line(run, tmp_path):
    out = tmp_path / "sw"
    run(*ARGS, f"hydra.sweep.dir={out}")
    table = out / "1" / "runs.parquet"
    table.write_bytes(b"not a parquet file")
    # a manifest that vouches for the broken table (so the resume keeps it): the combine must still
    # fail in one line that names the file, not with a traceback
    man = json.loads((out / "1" / "manifest.json").read_text())
    man["tables"]["runs.parquet"]["sha256"] = hashlib.sha256(table.read_bytes()).hexdigest()
    (out / "1" / "manifest.json").write_text(json.dumps(man))
    proc = run(*ARGS, f"hydra.sweep.dir={out}", check=False)
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("isf-sim: error: cannot read ") and str(table) in line, line


def test_a_manifest_without_table_checks_is_kept_if_its_table_reads(run, tmp_path):
    """Folders written before manifests recorded their tables still resume."""
    out = tmp_path / "sw"
    run(*ARGS, f"hydra.sweep.dir={out}")
    whole = (out / "runs.parquet").read_bytes()
    for i in range(3):
        man = json.loads((out / str(i) / "manifest.json").read_text())
        man.pop("tables")
        (out / str(i) / "manifest.json").write_text(json.dumps(man))
    (out / "2" / "runs.parquet").write_bytes(b"broken")
    proc = run(*ARGS, f"hydra.sweep.dir={out}")
    assert "job 2: runs.parquet cannot be read" in proc.stderr
    assert "2 jobs already done" in proc.stdout
    assert (out / "runs.parquet").read_bytes() == whole
