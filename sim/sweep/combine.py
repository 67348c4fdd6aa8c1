"""The combined tables of a sweep: every job's ``runs.parquet`` streamed into one at the sweep
root, and their ``weekly.parquet`` (``weekly=true``) joined the same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sim.sweep.folders import RUNS
from sim.sweep.plan import SweepPlan, job_values


def _column_type(values: list[Any]):
    import pyarrow as pa

    if all(isinstance(v, bool) for v in values):
        return pa.bool_(), values
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64(), values
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64(), [float(v) for v in values]
    return pa.string(), [str(v) for v in values]


def combine(sweep_dir: Path, p: SweepPlan, out_name: str = RUNS) -> int:
    """Stream every job's runs.parquet into one table at the sweep root; return its rows.

    Columns: ``job``, one per swept key (unless the job tables already hold it, as ``scenario``
    and ``seed`` do), then the job tables' columns (``param.*`` columns missing from some jobs
    are null there). Written to a temporary name and renamed.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = [sweep_dir / str(i) / RUNS for i in range(len(p.jobs))]
    schemas = [pq.read_schema(f) for f in files]
    own: dict[str, pa.DataType] = {}
    for s in schemas:
        for fld in s:
            own.setdefault(fld.name, fld.type)
    base = [n for n in own if not n.startswith("param.")]
    params = sorted(n for n in own if n.startswith("param."))
    extra = [k for k in p.swept if k not in own]
    typed = {k: _column_type([job_values(j, [k]).get(k) for j in p.jobs]) for k in extra}
    schema = pa.schema([("job", pa.int64())] + [(k, typed[k][0]) for k in extra] + [(n, own[n]) for n in base + params])
    tmp = sweep_dir / f".{out_name}.tmp-{os.getpid()}"
    rows = 0
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for i, f in enumerate(files):
                pf = pq.ParquetFile(f)
                for g in range(pf.num_row_groups):
                    t = pf.read_row_group(g)
                    n = t.num_rows
                    cols = [pa.array([i] * n, pa.int64())]
                    cols += [pa.array([typed[k][1][i]] * n, typed[k][0]) for k in extra]
                    cols += [t.column(c) if c in t.column_names else pa.nulls(n, own[c]) for c in base + params]
                    writer.write_table(pa.Table.from_arrays(cols, schema=schema))
                    rows += n
        os.replace(tmp, sweep_dir / out_name)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


WEEKLY = "weekly.parquet"


def combine_weekly(sweep_dir: Path, p: SweepPlan) -> int:
    """Every job's weekly.parquet -> one at the sweep root (``job`` first, then the jobs' columns,
    committed/deployed as one set of categories); nothing if the jobs wrote none. Returns its rows."""
    import pandas as pd

    from sim.model.weekly import concat
    from sim.sweep.folders import write_parquet

    files = [sweep_dir / str(i) / WEEKLY for i in range(len(p.jobs))]
    if not all(f.is_file() for f in files):
        return 0
    frames = []
    for i, f in enumerate(files):
        df = pd.read_parquet(f)
        df.insert(0, "job", pd.Series([i] * len(df), dtype="int64"))
        frames.append(df)
    table = concat(frames)
    write_parquet(sweep_dir / WEEKLY, table)
    return len(table)
