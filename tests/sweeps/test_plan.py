"""The sweep's job expansion (sim.sweep.plan, on Hydra's public parser) equals Hydra's basic sweeper's."""

from __future__ import annotations

import pytest
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper  # the reference, in tests only
from hydra.core.override_parser.overrides_parser import OverridesParser

from sim.sweep.plan import expand, swept_keys


@pytest.mark.parametrize(
    "args",
    [
        ["scenario=baseline,us_presses_israel", "runs=10"],
        ["actors.USA.pressure.ISR=0.1,0.5,0.9", "actors.ISR.resolve=range(1,3)", "seed=7"],
        ["seed=range(0,100,25)", "runs=5", "+experiment=turkey_veto"],
        ["runs=1", "runs=2,3"],  # the last value of a key wins
    ],
)
def test_expansion_equals_the_basic_sweepers(args):
    parsed = OverridesParser.create().parse_overrides(args)
    reference = [list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]
    assert expand(args) == reference


def test_swept_keys_in_order():
    assert swept_keys(["runs=5", "seed=1,2", "scenario=a,b"]) == ["seed", "scenario"]
