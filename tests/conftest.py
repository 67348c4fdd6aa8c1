"""Shared fixtures (the helpers they use are in tests/helpers/)."""

from __future__ import annotations

import pytest

from helpers import params_for, raw_config
from sim.config import parameter_meta


@pytest.fixture(scope="session")
def base_raw() -> dict:
    return raw_config()


@pytest.fixture(scope="session")
def base_params():
    return params_for()


@pytest.fixture(scope="session")
def base_meta(base_raw):
    return parameter_meta(base_raw)
