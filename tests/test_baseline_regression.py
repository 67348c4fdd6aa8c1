"""Fixed-seed baseline regression: the baseline's headline numbers for seed 0 and 100 runs.

If a change moves these on purpose (a recalibration, a new rule), update them in the same
commit and say why in its message; if it moves them by accident, this test catches it."""

from __future__ import annotations

import pytest

from helpers import run_scenario as run

EXPECTED = {
    # uncertainty: (deployed, authorized, collapsed, sum of week_deployed, deaths, turkey_role counts)
    "fixed": (94, 100, 15, 2196.0, 366910, {"liaison": 97, "none": 3}),
    "sample": (59, 91, 24, 1473.0, 522669, {"liaison": 79, "none": 14, "troops": 7}),
}


@pytest.mark.parametrize("uncertainty", sorted(EXPECTED))
def test_baseline_headline_numbers(uncertainty):
    df = run(runs=100, uncertainty=uncertainty, seed=0)
    got = (
        int(df.deployed.sum()),
        int(df.un_authorized.sum()),
        int(df.ceasefire_collapsed.sum()),
        float(df.week_deployed.fillna(0).sum()),
        int(df.deaths.sum()),
        {k: int(v) for k, v in df.turkey_role.value_counts().items()},
    )
    assert got == EXPECTED[uncertainty]
