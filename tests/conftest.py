"""Shared fixtures (the helpers they use are in tests/helpers/)."""

from __future__ import annotations

import json
from pathlib import Path

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


def pytest_collection_modifyitems(session, config, items) -> None:
    """The longest modules first (seconds measured per module in tests/durations.json, written by
    tests/helpers/durations.py): the workers of ``pytest -n 2`` then finish together instead of
    one running the slow tail alone. A module's tests stay together, in their own order."""
    path = Path(__file__).with_name("durations.json")
    seconds = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        first.setdefault(item.nodeid.split("::")[0], i)

    def key(item) -> tuple[float, int]:
        module = item.nodeid.split("::")[0]
        return (-seconds.get(module, 0.0), first[module])

    items.sort(key=key)
