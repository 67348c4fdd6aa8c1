"""The table isf-sim prints after a job reads back only the columns it prints: the same table as
from the whole runs table, for each case (a large job must not hold its whole table to print it)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sim import api
from sim.model.run import Results
from sim.report.outcomes import registry
from sim.report.table import print_job, printed_columns


def _printed(runs: pd.DataFrame, case_block: dict, out: Path) -> str:
    settings = SimpleNamespace(scenario="baseline", horizon_weeks=52, uncertainty="sample", trace=False)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print_job(Results(runs), settings, out, 1.0, 1, case_block=case_block)
    return buf.getvalue()


@pytest.mark.parametrize("case", ["gaza", "haiti"])
def test_the_printed_columns_print_the_same_table(case, tmp_path):
    from sim.config import compose
    from sim.config.compose import case_dir

    block = compose([], case_dir(case))["case"]
    runs = api.simulate(runs=60, case=case, uncertainty="sample")
    cols = printed_columns(block, list(runs.columns))
    assert len(cols) < len(runs.columns) / 3 and not any(c.startswith("param.") for c in cols)
    assert _printed(runs[cols], block, tmp_path) == _printed(runs, block, tmp_path)


def test_an_outcome_reads_its_column_and_the_one_it_is_anded_with():
    reg = registry({"report": {"outcomes": {
        "a": {"column": "x", "equals": "y", "and": "deployed"},
        "b": {"funded_by": ["Q"], "and": "a"},
    }}})  # fmt: skip
    assert reg.reads("a") == ("x", "deployed")
    assert reg.reads("b") == ("funders", "x", "deployed")
    assert reg.reads("funding_released") == ("funding_usd",) and reg.reads("deployed") == ("deployed",)
