"""Shared fixtures: the composed default config, typed parameters, and helpers."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.config import compose
from sim.config import build, parameter_meta

ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=None)
def _compose_cached(overrides: tuple[str, ...]) -> dict:
    return compose(list(overrides))


def raw_config(*overrides: str) -> dict:
    """Composed config as a plain dict (cached; callers must not mutate it)."""
    return _compose_cached(tuple(overrides))


def params_for(*overrides: str):
    return build(raw_config(*overrides))[0]


@pytest.fixture(scope="session")
def base_raw() -> dict:
    return raw_config()


@pytest.fixture(scope="session")
def base_params():
    return params_for()


@pytest.fixture(scope="session")
def base_meta(base_raw):
    return parameter_meta(base_raw)


def isf_sim(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the isf-sim command as a user would, in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)
