"""The rule range: a job's seeds run again under every other admitted bargaining rule.

No article settles how positions move under pressure (:mod:`sim.model.mechanisms.bargaining`),
so a probability is shown with two ranges: its Monte Carlo interval (more runs narrow it) and
the range across the rules the case admits (:func:`~sim.model.mechanisms.bargaining.admitted`;
more runs do not narrow it). After a job has written its folder, :func:`add_to_folder` runs the
same seeds, with the same drawn parameters (common random numbers), under each admitted rule
other than the job's own and writes their runs to ``rules.parquet`` beside ``runs.parquet``
(which stays as it was): the same columns, one block of rows per rule in the order of
``admitted``, without the ``param.*`` columns (the same draws as in ``runs.parquet``). Readers
compute any outcome's share under each rule from it (:mod:`sim.report.table`, isf-report).

The job's ``manifest.json`` is then written again with ``rules.parquet`` among its tables (so a
resumed sweep checks it like the others) and a ``rule_range`` entry: the rules run, or why there
is no range. There is none for a traced job (a story, not an estimate), a sensitivity design,
a job whose command line fixes ``mechanisms.pressure.rule`` (or a sweep that sweeps it), and a
case that admits no other rule. The same command and seed give the same bytes, whatever the
number of workers.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from sim.sweep.folders import MANIFEST, atomic_write_text, read_manifest

RULES_FILE = "rules.parquet"
RULE_KEY = "mechanisms.pressure.rule"


def skip_reason(job, task_overrides: list[str], design=None) -> str | None:
    """Why this job gets no rule range (None: it gets one)."""

    if job.trace:
        return "a traced run tells one story"
    if design is not None:
        return "a sensitivity design"
    given = [o.lstrip("+~").partition("=")[0] for o in task_overrides]
    if RULE_KEY in given:
        return f"the rule is set on the command line: {RULE_KEY}"
    if not others(job.params):
        return "the case admits no other bargaining rule"
    return None


def others(params) -> tuple[str, ...]:
    """The admitted rules other than the job's own, in the order of ``admitted``."""
    from sim.model.mechanisms.bargaining import admitted

    own = params.mechanisms.pressure.rule
    return tuple(r for r in admitted(params) if r != own)


def rule_jobs(job) -> list:
    """The job under each other admitted rule (not traced, no weekly table), in the order of ``admitted``."""
    from sim.model.paths import with_values

    return [
        replace(job, params=with_values(job.params, {RULE_KEY: rule}), trace=False, weekly=False)
        for rule in others(job.params)
    ]


def _outcomes_only(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[[c for c in runs.columns if not c.startswith("param.")]]


def write_rules(path: Path, job, workers: int) -> dict:
    """``rules.parquet`` written as the runs arrive, chunk by chunk (:mod:`sim.sweep.stream`): memory
    holds a row group, not the rows, whatever the number of runs; returns the table's check."""
    from sim.model.run import chunks
    from sim.sweep.stream import TableWriter, frames

    writer = TableWriter(path)
    try:
        for rule_job in rule_jobs(job):
            for piece in frames(chunks(rule_job, workers=workers), rule_job.params):
                writer.add(_outcomes_only(piece))
        return writer.close()
    except BaseException:
        writer.abort()
        raise


def add_to_folder(folder: Path, job, task_overrides: list[str], workers: int, design=None) -> dict:
    """Run the other rules for the job written in ``folder`` and add ``rules.parquet`` to it
    (or only say in its manifest why not). Returns the manifest's ``rule_range`` entry."""
    reason = skip_reason(job, task_overrides, design)
    if reason is not None:
        entry = {"skipped": reason}
        _update_manifest(folder, entry, None)
        return entry
    t0 = time.perf_counter()
    check = write_rules(folder / RULES_FILE, job, workers)
    entry = {
        "own": job.params.mechanisms.pressure.rule,
        "rules": list(others(job.params)),
        "runs": check["rows"],
        "what": "the job's seeds under each other admitted rule (bargaining.admitted); param.* as in runs.parquet",
    }
    _update_manifest(folder, entry, check)
    entry["wall_time_s"] = time.perf_counter() - t0  # printed, not stored: the files keep the same bytes
    return entry


def read_rules(folder: Path, columns) -> pd.DataFrame:
    """The rule range's rows in ``folder``, only those of ``columns`` it has (what a printed table reads)."""
    import pyarrow.parquet as pq

    wanted = set(columns)
    names = [n for n in pq.read_schema(folder / RULES_FILE).names if n in wanted]
    return pd.read_parquet(folder / RULES_FILE, columns=names)


def _update_manifest(folder: Path, entry: dict, check: dict | None) -> None:
    manifest = read_manifest(folder)
    if manifest is None:  # pragma: no cover - the job has just written it
        return
    manifest["rule_range"] = entry
    if check is not None:
        manifest.setdefault("tables", {})[RULES_FILE] = check
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def for_job_folder(folder: Path, workers: int) -> dict:
    """:func:`add_to_folder` for a finished job folder of a sweep (its ``config.yaml`` and the
    overrides in its manifest make the job again); nothing if it already has its rule range."""
    from sim.config.fast_yaml import safe_load
    from sim.sweep.job import make_job

    manifest = read_manifest(folder) or {}
    if "rule_range" in manifest:
        return manifest["rule_range"]
    raw = safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
    overrides = [str(o) for o in manifest.get("overrides") or []]
    job, _, design = make_job(raw, overrides)
    return add_to_folder(folder, job, overrides, workers, design)
