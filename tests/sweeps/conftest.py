"""Fixtures of the sweep tests: run `isf-sim` in a subprocess, inside tmp_path only."""

from __future__ import annotations

import pytest

from helpers import isf_sim


@pytest.fixture
def run(tmp_path):
    def _run(*args: str, check: bool = True, **kw):
        return isf_sim(tmp_path, *args, check=check, **kw)

    return _run
