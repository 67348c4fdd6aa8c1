"""Fixed-seed baseline regression: the baseline's headline numbers for seed 0 and 100 runs.

If a change moves these on purpose (a recalibration, a new rule), update them in the same
commit and say why in its message; if it moves them by accident, this test catches it."""

from __future__ import annotations

import pytest

from tests.test_scenarios import run

EXPECTED = {
    # uncertainty: (deployed, authorized, collapsed, sum of week_deployed, deaths, turkey_role counts)
    "fixed": (92, 100, 13, 2153.0, 374078, {"liaison": 94, "none": 6}),
    "sample": (59, 91, 25, 1530.0, 555350, {"liaison": 81, "none": 15, "troops": 4}),
}


@pytest.mark.parametrize("uncertainty", sorted(EXPECTED))
def test_baseline_headline_numbers(uncertainty):
    df = run(runs=100, uncertainty=uncertainty, seed=0)
    got = (int(df.deployed.sum()), int(df.un_authorized.sum()), int(df.ceasefire_collapsed.sum()),
           float(df.week_deployed.fillna(0).sum()), int(df.deaths.sum()),
           {k: int(v) for k, v in df.turkey_role.value_counts().items()})
    assert got == EXPECTED[uncertainty]
