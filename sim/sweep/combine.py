"""The combined tables of a sweep: every job's ``runs.parquet`` streamed into one at the sweep
root (and, when the jobs wrote CSV, one ``runs.csv`` beside it), their ``rules.parquet`` (the
rule range, :mod:`sim.sweep.rules`) and their ``weekly.parquet`` (``weekly=true``) joined the
same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sim.model.params import ConfigError
from sim.sweep.folders import RUNS, open_new
from sim.sweep.plan import SweepPlan, job_values


class CombineFailed(ConfigError):
    """A job's table cannot be read, or the combined table cannot be written: one line naming the file."""


def _cannot_read(path: Path, exc: BaseException) -> CombineFailed:
    if isinstance(exc, OSError):
        from sim.sweep.job import describe_os_error

        why = describe_os_error(exc)
    else:
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return CombineFailed(f"cannot read {path} ({why}); run the same command again: it runs that job again")


def _cannot_write(path: Path, exc: OSError) -> CombineFailed:
    from sim.sweep.job import RESUME, describe_os_error

    return CombineFailed(f"cannot write {path}: {describe_os_error(exc)}; {RESUME}")


def _column_type(values: list[Any]):
    import pyarrow as pa

    if all(isinstance(v, bool) for v in values):
        return pa.bool_(), values
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64(), values
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64(), [float(v) for v in values]
    return pa.string(), [str(v) for v in values]


def combine(sweep_dir: Path, p: SweepPlan, out_name: str = RUNS, in_name: str = RUNS) -> int:
    """Stream every job's ``in_name`` (runs.parquet) into one table at the sweep root; return its rows.

    Columns: ``job``, one per swept key (unless the job tables already hold it, as ``scenario``
    and ``seed`` do), then the job tables' columns (``param.*`` columns missing from some jobs
    are null there). Written to a temporary name and renamed.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = [sweep_dir / str(i) / in_name for i in range(len(p.jobs))]
    schemas = []
    for f in files:
        try:
            schemas.append(pq.read_schema(f))
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors are many: all become one line
            raise _cannot_read(f, exc) from exc
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
    reading, job_file = tmp, files[0]  # the file an error is about: being read, or the one written
    try:
        with os.fdopen(open_new(tmp), "wb") as sink, pq.ParquetWriter(sink, schema, compression="zstd") as writer:
            for i, f in enumerate(files):
                reading = job_file = f
                pf = pq.ParquetFile(f)
                for g in range(pf.num_row_groups):
                    reading = f
                    t = pf.read_row_group(g)
                    reading = tmp
                    n = t.num_rows
                    cols = [pa.array([i] * n, pa.int64())]
                    cols += [pa.array([typed[k][1][i]] * n, typed[k][0]) for k in extra]
                    cols += [t.column(c) if c in t.column_names else pa.nulls(n, own[c]) for c in base + params]
                    writer.write_table(pa.Table.from_arrays(cols, schema=schema))
                    rows += n
                reading = tmp
        os.replace(tmp, sweep_dir / out_name)
    except OSError as exc:
        if reading == tmp:
            raise _cannot_write(sweep_dir / out_name, exc) from exc
        raise _cannot_read(reading, exc) from exc
    except Exception as exc:  # noqa: BLE001 - a job table pyarrow cannot decode or combine
        raise _cannot_read(job_file, exc) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return rows


CSV = "runs.csv"


def combine_csv(sweep_dir: Path, p: SweepPlan) -> bool:
    """One ``runs.csv`` at the sweep root, the combined ``runs.parquet`` row for row (written as the
    jobs write theirs, with pandas), when every job wrote a ``runs.csv`` (``csv=true``); read and
    written one row group at a time. Returns whether it was written."""
    import pyarrow.parquet as pq

    if not all((sweep_dir / str(i) / CSV).is_file() for i in range(len(p.jobs))):
        return False
    source, out = sweep_dir / RUNS, sweep_dir / CSV
    tmp = sweep_dir / f".{CSV}.tmp-{os.getpid()}"
    try:
        pf = pq.ParquetFile(source)
        with os.fdopen(open_new(tmp), "w", encoding="utf-8", newline="") as sink:
            for g in range(pf.num_row_groups):
                pf.read_row_group(g).to_pandas().to_csv(sink, index=False, header=g == 0)
        os.replace(tmp, out)
    except OSError as exc:
        raise _cannot_write(out, exc) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return True


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
        try:
            df = pd.read_parquet(f)
        except Exception as exc:  # noqa: BLE001
            raise _cannot_read(f, exc) from exc
        df.insert(0, "job", pd.Series([i] * len(df), dtype="int64"))
        frames.append(df)
    table = concat(frames)
    try:
        write_parquet(sweep_dir / WEEKLY, table)
    except OSError as exc:
        raise _cannot_write(sweep_dir / WEEKLY, exc) from exc
    return len(table)
