"""isf-report given bad input: every case ends with exactly one line `isf-report: error: ...` naming
the file or option at fault, exit code 2, no traceback and nothing written anywhere.

Each case builds a small result folder as isf-sim writes it (tests/report/fake_results.py) and
damages one thing: the folder, a file's bytes, a manifest or config field, a column's type or
range in a runs, trace or sensitivity table, or an option. The CLI runs in-process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os

import fake_results
import numpy as np
import pandas as pd
import pytest

from sim.report.cli import main

N = 40  # runs per fake folder: enough to be usable, small enough to write in milliseconds
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def run_folder(tmp, runs=None, **manifest):
    """A job folder (``tmp/run``) with ``runs`` (default: N fake runs) and manifest fields replaced."""
    path = fake_results.write_run(
        tmp / "run", fake_results.fake_runs("baseline", N) if runs is None else runs, "baseline"
    )
    if manifest:
        data = json.loads((path / "manifest.json").read_text())
        (path / "manifest.json").write_text(json.dumps({**data, **manifest}))
    return path


def with_runs(change):
    """A case whose runs table is the fake one changed by ``change(df)`` (returning the new df)."""

    def make(tmp):
        return [run_folder(tmp, change(fake_results.fake_runs("baseline", N)))]

    return make


def column(name, values):
    def change(df):
        df[name] = values(df) if callable(values) else values
        return df

    return with_runs(change)


def with_file(name, content: bytes | str):
    def make(tmp):
        path = run_folder(tmp)
        (path / name).write_bytes(content.encode() if isinstance(content, str) else content)
        return [path]

    return make


def with_manifest(**fields):
    return lambda tmp: [run_folder(tmp, **fields)]


def with_config(text: str):
    return with_file("config.yaml", text)


def with_trace(name, change):
    def make(tmp):
        path = fake_results.make_trace(tmp / "trace")
        df = change(pd.read_parquet(path / f"{name}.parquet"))
        df.to_parquet(path / f"{name}.parquet")
        return [path]

    return make


def with_sensitivity(change):
    def make(tmp):
        path = fake_results.make_sampled(tmp / "sampled", n=60)
        df = change(pd.read_parquet(path / "sensitivity.parquet"))
        df.to_parquet(path / "sensitivity.parquet")
        return [path]

    return make


def truncated(tmp):
    path = run_folder(tmp)
    data = (path / "runs.parquet").read_bytes()
    (path / "runs.parquet").write_bytes(data[: len(data) // 2])
    return [path]


def only_sweep_manifest(tmp):
    (tmp / "s").mkdir()
    (tmp / "s" / "manifest.json").write_text('{"kind": "sweep"}')
    return [tmp / "s"]


def sweep_with_a_bad_job(tmp):
    sweep = fake_results.make_sweep(tmp / "sweep", n=12)
    (sweep / "runs.parquet").unlink()
    runs = pd.read_parquet(sweep / "4" / "runs.parquet")
    runs.assign(deployed=np.where(runs["deployed"], "yes", "no")).to_parquet(sweep / "4" / "runs.parquet")
    return [sweep]


def sweep_with_bad_multirun(tmp):
    sweep = fake_results.make_sweep(tmp / "sweep", n=12)
    (sweep / "multirun.yaml").write_text("horizon_weeks: 0\n")
    return [sweep]


def empty_jobs_sweep(tmp):
    sweep = tmp / "sweep"
    for i in range(3):
        (sweep / str(i)).mkdir(parents=True)
    (sweep / "manifest.json").write_text('{"kind": "sweep", "swept": ["runs"]}')
    return [sweep]


def unreadable(name):
    def make(tmp):
        path = run_folder(tmp)
        (path / name).chmod(0)
        return [path]

    return make


def nested(depth: int) -> str:
    return '{"kind": "run", "x": ' + "[" * depth + "]" * depth + "}"


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)
yes_no = lambda df: np.where(df["deployed"], "yes", "no")  # noqa: E731

FOLDER_CASES = {
    # folders that are not (usable) result folders
    "missing folder": (lambda tmp: [tmp / "nowhere"], "nowhere: does not exist"),
    "a file, not a folder": (
        lambda tmp: [fake_results.write_run(tmp / "r", fake_results.fake_runs("b", 3), "b") / "manifest.json"],
        "not a folder",
    ),
    "empty folder": (lambda tmp: [tmp], "not a result folder"),
    "only {kind: sweep}": (only_sweep_manifest, "a sweep without results"),
    "only {kind: run}": (lambda tmp: [_only_manifest(tmp, '{"kind": "run"}')], "no runs.parquet"),
    "sweep whose jobs have no runs": (empty_jobs_sweep, "a sweep without results"),
    "runs.parquet with no rows": (with_runs(lambda df: df.iloc[:0]), "holds no runs"),
    # unreadable files
    "manifest not JSON": (with_file("manifest.json", "{not json"), "manifest.json: not valid JSON"),
    "manifest a JSON list": (with_file("manifest.json", "[1, 2]"), "manifest.json: holds a JSON list"),
    "manifest nested 100 deep": (with_file("manifest.json", nested(100)), "manifest.json: nested deeper"),
    "manifest nested 100000 deep": (with_file("manifest.json", nested(100_000)), "manifest.json: nested deeper"),
    "manifest of 9 MB": (
        with_file("manifest.json", b"{" + b" " * (9 * 1024 * 1024) + b"}"),
        "manifest.json: larger than",
    ),
    "manifest not UTF-8": (
        with_file("manifest.json", b'{"kind": "run", "scenario": "\xff\xfe"}'),
        "manifest.json: not UTF-8",
    ),
    "runs.parquet not parquet": (with_file("runs.parquet", "nope"), "runs.parquet: not a readable parquet"),
    "runs.parquet empty file": (with_file("runs.parquet", b""), "runs.parquet: not a readable parquet"),
    "runs.parquet truncated": (truncated, "runs.parquet: not a readable parquet"),
    "config.yaml not YAML": (with_config("a: [1, 2\nb: {"), "config.yaml: not valid YAML"),
    "config.yaml runs Python": (
        with_config("x: !!python/object/apply:os.system ['true']\n"),
        "config.yaml: holds the tag tag:yaml.org,2002:python/object/apply:os.system",
    ),
    "config.yaml a list": (with_config("- 1\n- 2\n"), "config.yaml: holds a YAML list"),
    "config.yaml alias bomb as report": (with_config(BOMB + "report: *i\n"), "config.yaml: report is"),
    "events.parquet not parquet": (
        lambda tmp: _damage_trace(tmp, "events.parquet"),
        "events.parquet: not a readable parquet",
    ),
    # manifest and config fields
    "manifest kind unknown": (with_manifest(kind="banana"), "manifest.json: kind is 'banana'"),
    "horizon_weeks 0": (with_manifest(horizon_weeks=0), "manifest.json: horizon_weeks is 0"),
    "horizon_weeks negative": (with_manifest(horizon_weeks=-3), "manifest.json: horizon_weeks is -3"),
    "horizon_weeks text": (with_manifest(horizon_weeks="52"), "manifest.json: horizon_weeks is '52'"),
    "horizon_weeks fraction": (with_manifest(horizon_weeks=52.5), "manifest.json: horizon_weeks is 52.5"),
    "horizon_weeks true": (with_manifest(horizon_weeks=True), "manifest.json: horizon_weeks is true"),
    "seed negative in manifest": (with_manifest(seed=-1), "manifest.json: seed is -1"),
    "overrides not a list": (with_manifest(overrides="a=b"), "manifest.json: overrides is 'a=b'"),
    "swept holds numbers": (with_manifest(swept=[1, 2]), "manifest.json: swept is"),
    "report outcome a number": (with_manifest(report={"outcome": 5}), "manifest.json: report is"),
    "uncertainty unknown": (with_manifest(uncertainty="maybe"), "manifest.json: uncertainty is 'maybe'"),
    "config horizon text": (with_config("horizon_weeks: abc\n"), "config.yaml: horizon_weeks is 'abc'"),
    "multirun horizon 0": (sweep_with_bad_multirun, "multirun.yaml: horizon_weeks is 0"),
    # runs tables
    "runs with only seed": (with_runs(lambda df: df[["seed"]]), "runs.parquet: no column deployed"),
    "deployed as yes/no": (column("deployed", yes_no), "column deployed holds '"),
    "deployed as 0.5": (column("deployed", 0.5), "column deployed holds 0.5"),
    "deployed as 2": (column("deployed", 2), "column deployed holds 2"),
    "seed missing": (column("seed", np.nan), "column seed has missing values"),
    "seed negative": (column("seed", -5), "column seed holds -5"),
    "seed text": (column("seed", "s1"), "column seed holds 's1'"),
    "week after the horizon": (
        column("week_deployed", 60.0),
        "column week_deployed holds 60; expected weeks from 0 to 52",
    ),
    "week negative": (column("week_authorized", -1.0), "column week_authorized holds -1"),
    "week infinite": (column("week_deployed", np.inf), "column week_deployed holds inf"),
    "disarmament 1.5": (column("disarmament", 1.5), "column disarmament holds 1.5"),
    "israeli_control text": (column("israeli_control", "half"), "column israeli_control holds 'half'"),
    "troops negative": (column("troops", -100), "column troops holds -100"),
    "troops fraction": (column("troops", 2.5), "column troops holds 2.5"),
    "mandate unknown": (column("mandate", "peacekeeping"), "column mandate holds 'peacekeeping'"),
    "turkey_role capitalised": (column("turkey_role", "Troops"), "column turkey_role holds 'Troops'"),
    "scenario a number": (column("scenario", 7), "column scenario holds 7"),
    "sampled parameter text": (
        column("param.actors.ISR.resolve", "high"),
        "column param.actors.ISR.resolve holds 'high'",
    ),
    "horizon_weeks column 0": (column("horizon_weeks", 0), "column horizon_weeks holds 0"),
    "a sweep job's deployed yes/no": (sweep_with_a_bad_job, "4/runs.parquet: column deployed holds"),
    # trace and sensitivity tables
    "timeline without week": (
        with_trace("timeline", lambda d: d.drop(columns="week")),
        "timeline.parquet: no column week",
    ),
    "position 2": (
        with_trace("positions", lambda d: d.assign(position=2.0)),
        "positions.parquet: column position holds 2",
    ),
    "event week text": (with_trace("events", lambda d: d.assign(week="w1")), "events.parquet: column week holds 'w1'"),
    "event week after horizon": (
        with_trace("events", lambda d: d.assign(week=99)),
        "events.parquet: column week holds 99",
    ),
    "sensitivity without outcome": (
        with_sensitivity(lambda d: d.drop(columns="outcome")),
        "sensitivity.parquet: no column outcome",
    ),
    "sensitivity ST text": (
        with_sensitivity(lambda d: d.assign(ST="big")),
        "sensitivity.parquet: column ST holds 'big'",
    ),
}


def _only_manifest(tmp, text):
    (tmp / "m").mkdir()
    (tmp / "m" / "manifest.json").write_text(text)
    return tmp / "m"


def _damage_trace(tmp, name):
    path = fake_results.make_trace(tmp / "trace")
    (path / name).write_text("PAR1 damaged")
    return [path]


OPTION_CASES = {
    "--prim-threshold 5": (["--prim-threshold", "5"], "--prim-threshold"),
    "--prim-threshold -1": (["--prim-threshold", "-1"], "--prim-threshold"),
    "--prim-threshold nan": (["--prim-threshold", "nan"], "--prim-threshold"),
    "--prim-threshold inf": (["--prim-threshold", "inf"], "--prim-threshold"),
    "--prim-threshold 0": (["--prim-threshold", "0"], "--prim-threshold"),
    "--prim-threshold 1": (["--prim-threshold", "1"], "--prim-threshold"),
    "--prim-threshold abc": (["--prim-threshold", "abc"], "--prim-threshold"),
    "--top 0": (["--top", "0"], "--top"),
    "--top -3": (["--top", "-3"], "--top"),
    "--top abc": (["--top", "abc"], "--top"),
    "--top-k 0": (["--top-k", "0"], "--top-k"),
    "--top-k huge": (["--top-k", "99999999999"], "--top-k"),
    "--seed -1": (["--seed", "-1"], "--seed"),
    "--seed x": (["--seed", "x"], "--seed"),
    "--outcome unknown": (["--outcome", "P(peace)"], "--outcome: unknown outcome 'P(peace)'"),
    "--outcome a count": (["--outcome", "troops"], "--outcome 'troops': column troops of run holds int64 values"),
    "--outcome a word": (["--outcome", "mandate"], "--outcome 'mandate': column mandate of run holds"),
    "--label without =": (["--label", "noequals"], "--label needs NAME=PATH"),
    "--label of another folder": (["--label", "x=/not/given"], "--label names /not/given"),
    "--out is a file": (["--out", "{file}"], "--out"),
    "unknown option": (["--frobnicate"], "unrecognized arguments: --frobnicate"),
}


def snapshot(root):
    return {(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if not p.is_symlink()}


def run_cli(argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, err.getvalue(), out.getvalue()


def assert_refused(code, err, names, before, after):
    assert code == 2, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("isf-report: error: ") and "Traceback" not in err
    assert names in err, err
    assert after == before, f"written: {sorted(after - before)}"


@pytest.mark.parametrize("case", list(FOLDER_CASES))
def test_a_bad_folder_or_file_is_one_line_naming_it(case, tmp_path):
    make, names = FOLDER_CASES[case]
    dirs = make(tmp_path)
    before = snapshot(tmp_path)
    assert_refused(*run_cli(dirs)[:2], names, before, snapshot(tmp_path))


@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_a_bad_option_is_one_line_naming_it(case, tmp_path):
    args, names = OPTION_CASES[case]
    folder = run_folder(tmp_path)
    (tmp_path / "a-file").write_text("x")
    args = [a.replace("{file}", str(tmp_path / "a-file")) for a in args]
    before = snapshot(tmp_path)
    assert_refused(*run_cli([folder, *args])[:2], names, before, snapshot(tmp_path))


def test_no_folder_and_a_second_bad_folder_are_refused(tmp_path):
    good = run_folder(tmp_path)
    before = snapshot(tmp_path)
    assert_refused(*run_cli([])[:2], "DIR", before, snapshot(tmp_path))
    assert_refused(*run_cli([good, tmp_path / "gone"])[:2], "gone: does not exist", before, snapshot(tmp_path))


@pytest.mark.skipif(ROOT_USER, reason="root reads files whatever their permissions")
@pytest.mark.parametrize("name", ["manifest.json", "runs.parquet", "config.yaml"])
def test_an_unreadable_file_is_one_line_naming_it(name, tmp_path):
    (folder,) = unreadable(name)(tmp_path)
    before = snapshot(tmp_path)
    try:
        assert_refused(*run_cli([folder])[:2], f"{name}: cannot be read", before, snapshot(tmp_path))
    finally:
        (folder / name).chmod(0o644)


def test_an_unwritable_output_is_one_line_and_leaves_nothing(tmp_path):
    folder = run_folder(tmp_path, fake_results.fake_runs("baseline", 12))
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder is needed")
    before = snapshot(tmp_path)
    assert_refused(*run_cli([folder, "--out", blocker / "report"])[:2], "--out", before, snapshot(tmp_path))
    assert not [p for p in tmp_path.rglob(".*tmp*")]


def test_the_cases_cover_at_least_forty_bad_inputs():
    assert len(FOLDER_CASES) + len(OPTION_CASES) >= 40


def test_an_incomplete_sweep_is_reported_as_such_with_its_missing_jobs(tmp_path):
    """A sweep stopped before its end (its manifest says running; job 4 of 9 has no result): the
    printed lines, summary.md and report.html say which jobs are missing and how many runs the
    report covers; nothing else is printed on stderr (no library warning before the report's line)."""
    import subprocess
    import sys

    sweep = fake_results.make_sweep(tmp_path / "sweep", n=N)
    (sweep / "runs.parquet").unlink()
    for name in ("runs.parquet", "manifest.json"):
        (sweep / "4" / name).unlink()
    manifest = json.loads((sweep / "manifest.json").read_text())
    resume = "isf-sim -m x=1,2 hydra.sweep.dir=sweep"
    manifest |= {"status": "running", "jobs": 9, "runs": 9 * N, "resume": resume}
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-m", "sim.report.cli", str(sweep), "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    said = f"8 of 9 jobs finished (missing: job 4); this report covers {8 * N:,} runs of the {9 * N:,} planned"
    assert said in proc.stdout and resume in proc.stdout, proc.stdout
    for page in ("summary.md", "report.html"):
        assert said in (tmp_path / "r" / page).read_text(), page


def test_a_complete_sweep_is_not_called_incomplete(tmp_path):
    sweep = fake_results.make_sweep(tmp_path / "sweep", n=N)
    manifest = json.loads((sweep / "manifest.json").read_text()) | {"status": "complete", "jobs": 9}
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    code, err, out = run_cli([sweep, "--out", tmp_path / "r"])
    assert code == 0 and "incomplete" not in out + (tmp_path / "r" / "summary.md").read_text(), err
