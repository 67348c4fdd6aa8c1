"""Sweeps: the combined table, the sweep manifest, output layout, determinism, quiet output."""

from __future__ import annotations

import json

import pandas as pd
import pandas.testing as pdt

from helpers import combined


def test_scenario_sweep_writes_combined_table_manifest_and_job_folders(run, tmp_path):
    out = tmp_path / "sw"
    proc = run("-m", "scenario=baseline,credible_amnesty", "runs=15", "uncertainty=fixed", f"hydra.sweep.dir={out}")
    table = combined(out)
    assert len(table) == 30
    assert table.columns[0] == "job" and table["job"].dtype == "int64"
    assert table.groupby("job")["scenario"].first().tolist() == ["baseline", "credible_amnesty"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["swept"] == ["scenario"] and manifest["jobs"] == 2
    assert manifest["status"] == "complete" and manifest["command"].startswith("isf-sim -m ")
    for i in (0, 1):
        job = out / str(i)
        assert {"runs.parquet", "config.yaml", "manifest.json"} <= {p.name for p in job.iterdir()}
        pdt.assert_frame_equal(
            pd.read_parquet(job / "runs.parquet"),
            table[table["job"] == i].drop(columns="job").reset_index(drop=True),
            check_dtype=False,
        )
    # one summary, not a table per job; nothing written outside tmp_path's sweep folder
    assert proc.stdout.count("results:") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sw"]
    assert not list(out.rglob(".*.tmp-*"))


def test_swept_parameter_gets_a_typed_column_named_as_the_key(run, tmp_path):
    out = tmp_path / "sw"
    run("-m", "actors.ISR.resolve=0.8,1.6", "horizon_weeks=10", "runs=3", f"hydra.sweep.dir={out}")
    table = combined(out)
    assert table["actors.ISR.resolve"].dtype == "float64"
    assert table.groupby("job")["actors.ISR.resolve"].first().tolist() == [0.8, 1.6]
    assert json.loads((out / "manifest.json").read_text())["swept"] == ["actors.ISR.resolve"]
    # the swept parameter is held at its value, never sampled
    assert "param.actors.ISR.resolve" not in table.columns


def test_range_sweep_and_results_do_not_depend_on_workers(run, tmp_path):
    args = ["-m", "seed=range(0,40,20)", "runs=20", "horizon_weeks=20"]
    run(*args, "workers=1", f"hydra.sweep.dir={tmp_path / 'w1'}")
    run(*args, "workers=2", f"hydra.sweep.dir={tmp_path / 'w2'}")
    a, b = combined(tmp_path / "w1"), combined(tmp_path / "w2")
    pdt.assert_frame_equal(a, b)
    assert a["seed"].tolist() == list(range(40))


def test_sweep_equals_single_runs_with_the_same_seeds(run, tmp_path):
    run(
        "-m", "scenario=baseline,us_presses_israel", "runs=10", "horizon_weeks=20", f"hydra.sweep.dir={tmp_path / 'sw'}"
    )
    run("scenario=us_presses_israel", "runs=10", "horizon_weeks=20", f"hydra.run.dir={tmp_path / 'one'}")
    sweep = combined(tmp_path / "sw")
    one = pd.read_parquet(tmp_path / "one" / "runs.parquet")
    job1 = sweep[sweep["job"] == 1].reset_index(drop=True)
    pdt.assert_frame_equal(job1[list(one.columns)], one, check_dtype=False)
    # columns only the other scenario has (its sampled parameters) are empty here
    assert job1.drop(columns=["job", *one.columns]).isna().all().all()


def test_bad_sweep_value_fails_before_anything_is_written(run, tmp_path):
    proc = run("-m", "scenario=baseline,nope", "runs=5", f"hydra.sweep.dir={tmp_path / 'sw'}", check=False)
    assert proc.returncode == 2 and "nope" in proc.stderr
    assert not (tmp_path / "sw").exists()
