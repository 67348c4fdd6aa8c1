"""Helpers for the sweep tests: run `isf-sim` in a subprocess, inside tmp_path only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))


def isf_sim(cwd: Path, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"isf-sim {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


def combined(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs.parquet")


@pytest.fixture
def run(tmp_path):
    def _run(*args: str, **kw):
        return isf_sim(tmp_path, *args, **kw)
    return _run
