"""A job's tables written as its runs arrive, so memory does not grow with the number of runs.

A job of 100,000 runs used to gather every row in this process (as Python objects, ~7 KB a
sampled run) before writing ``runs.parquet``. :func:`write_runs` takes the runs chunk by chunk,
in seed order (:func:`sim.model.run.chunks`), turns each into its piece of the table and lets the
chunk go: the table waits as Arrow columns (8 bytes a number) until a row group is full, and each
row group is written to the file as soon as it is. Memory holds one row group, about
:data:`GROUP_BYTES`, whatever the number of runs.

A row group has :func:`group_rows` rows: as many as fill :data:`GROUP_BYTES` at the table's
width, a multiple of :data:`ALIGN`. It depends on the columns only, never on the data or the
number of workers, so the same job gives the same bytes however it runs. A table of one row
group is byte for byte what the whole table written at once gives (``DataFrame.to_parquet`` with
pyarrow and zstd: the same schema and pandas metadata), because pyarrow encodes a column in
mini-batches of 1,024 values and the pieces are joined into blocks of :data:`ALIGN` rows, so its
mini-batches fall where they fall in one contiguous column (tested: the sha256 of the tables of
the same jobs before and after this module). A larger table has more row groups than pyarrow's
own split (1,048,576 rows) would give it: the same values, other bytes.

The weekly table (``weekly=true``) is still gathered whole: its categories are the union of all
the runs' (the file's dictionaries depend on every chunk); :mod:`sim.sweep.limits` bounds it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.model import weekly as weekly_table
from sim.model.params import ModelParams
from sim.model.run import concat, to_frame

GROUP_BYTES = 32 * 1024**2  # about what one row group holds in memory while it waits
ALIGN = 8 * 1024  # rows: pieces are joined into blocks of this size (a multiple of pyarrow's 1,024)
MAX_GROUP = 1024 * 1024  # pyarrow's own largest row group
STRING_WIDTH = 32  # bytes a text value is counted for (offset and a short label)
FRAME_VALUES = 250_000  # values of the runs' columns joined into one frame (~8 MB as Python floats)


def group_rows(schema: Any) -> int:
    """Rows of a row group for a table of this schema: :data:`GROUP_BYTES` at its width."""
    import pyarrow as pa

    width = 0
    for field in schema:
        t = field.type
        width += 1 if pa.types.is_boolean(t) else t.byte_width if pa.types.is_primitive(t) else STRING_WIDTH
    rows = GROUP_BYTES // max(1, width) // ALIGN * ALIGN
    return min(MAX_GROUP, max(ALIGN, rows))


class TableWriter:
    """``runs.parquet`` (or any table) written piece by piece to a new temporary file, renamed into
    place by :meth:`close`; :meth:`abort` removes the temporary file."""

    def __init__(self, path: Path) -> None:
        from sim.sweep.folders import _tmp, open_new

        self.path, self.tmp = path, _tmp(path)
        self.file = os.fdopen(open_new(self.tmp), "wb")
        self.writer: Any = None
        self.schema: Any = None
        self.group = 0
        self.staged: list[Any] = []  # pieces not yet joined into a block of ALIGN rows
        self.waiting: list[Any] = []  # blocks of ALIGN rows (or a multiple) not yet written
        self.n_staged = self.n_waiting = self.rows = 0

    def add(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        piece = pa.Table.from_pandas(df, preserve_index=False)
        if self.writer is None:
            self.schema, self.group = piece.schema, group_rows(piece.schema)
            self.writer = pq.ParquetWriter(self.file, piece.schema, compression="zstd")
        elif not piece.schema.equals(self.schema, check_metadata=True):
            raise RuntimeError(f"{self.path.name}: a chunk's columns differ from the first chunk's")  # a bug
        self.staged.append(piece)
        self.n_staged += piece.num_rows
        self.rows += piece.num_rows
        if self.n_staged >= ALIGN:
            self._block(self.n_staged // ALIGN * ALIGN)
        while self.n_waiting >= self.group:
            self._write(self.group)

    def _block(self, n: int) -> None:
        """Join the first ``n`` staged rows into one contiguous block (a copy of a few thousand rows)."""
        import pyarrow as pa

        staged = pa.concat_tables(self.staged).combine_chunks()
        self.waiting.append(staged.slice(0, n))
        self.n_waiting += n
        rest = staged.slice(n)
        self.staged = [rest] if rest.num_rows else []
        self.n_staged = rest.num_rows

    def _write(self, n: int) -> None:
        import pyarrow as pa

        table = pa.concat_tables(self.waiting)  # no copy: the blocks become chunks of its columns
        write_group(self.writer, table.slice(0, n))
        rest = table.slice(n)
        self.waiting = [rest] if rest.num_rows else []
        self.n_waiting = rest.num_rows

    def close(self) -> dict[str, Any]:
        """Write what waits, rename the file into place; return its check: rows and sha256."""
        from sim.sweep.folders import _replace, file_sha256

        if self.writer is None:
            raise RuntimeError(f"{self.path.name}: no rows to write")  # a job has at least one run
        if self.n_staged:
            self._block(self.n_staged)
        while self.n_waiting:
            self._write(min(self.group, self.n_waiting))
        self.writer.close()
        self.file.close()
        check = {"rows": self.rows, "sha256": file_sha256(self.tmp)}
        _replace(self.tmp, self.path)
        return check

    def abort(self) -> None:
        from sim.sweep.folders import _unlink_quietly

        try:
            if self.writer is not None:
                self.writer.close()
            self.file.close()
        except Exception:  # noqa: BLE001, S110 - the error being raised is the one to report
            pass
        _unlink_quietly(self.tmp)


def write_group(writer: Any, table: Any) -> None:
    """Write one row group (its own function: the fault tests make it fail)."""
    writer.write_table(table)


class CsvWriter:
    """``runs.csv`` written piece by piece (the header once): the text ``to_csv`` gives the whole table."""

    def __init__(self, path: Path) -> None:
        from sim.sweep.folders import _tmp, open_new

        self.path, self.tmp = path, _tmp(path)
        self.file = os.fdopen(open_new(self.tmp), "w", encoding="utf-8", newline="")
        self.header = True

    def add(self, df: pd.DataFrame) -> None:
        self.file.write(df.to_csv(index=False, header=self.header))
        self.header = False

    def close(self) -> None:
        from sim.sweep.folders import _replace

        self.file.close()
        _replace(self.tmp, self.path)

    def abort(self) -> None:
        from sim.sweep.folders import _unlink_quietly

        try:
            self.file.close()
        except OSError:
            pass
        _unlink_quietly(self.tmp)


def frames(parts: Iterable[dict[str, list]], params: ModelParams, weeks: list | None = None) -> Iterable[pd.DataFrame]:
    """The chunks' runs as pieces of the table, chunks joined until a piece holds about
    :data:`FRAME_VALUES` values: a frame costs ~1 ms whatever its size, so a small job's dozen
    chunks of a few runs each cost more as frames than as runs. The pieces' borders do not show
    in the file (:class:`TableWriter` joins them into blocks of :data:`ALIGN` rows). A chunk's
    weekly rows go to ``weeks`` (dropped without one)."""
    gathered: list[dict[str, list]] = []
    values = 0
    for part in parts:
        week = part.pop("_weekly", None)
        if week is not None and weeks is not None:
            weeks.append(week)
        gathered.append(part)
        values += len(part) * len(next(iter(part.values()), []))
        if values >= FRAME_VALUES:
            yield to_frame(concat(gathered), params)
            gathered, values = [], 0
    if gathered:
        yield to_frame(concat(gathered), params)


def write_runs(folder: Path, parts: Iterable[dict[str, list]], params: ModelParams, csv: bool = False) -> dict:
    """Write ``runs.parquet`` (and ``runs.csv``; ``weekly.parquet`` when the chunks carry weekly
    rows) from chunks in seed order; return the tables' checks for the manifest. Nothing
    half-written stays if a chunk or a write fails."""
    from sim.sweep.folders import RUNS, write_parquet

    folder.mkdir(parents=True, exist_ok=True)
    writers: list[Any] = [TableWriter(folder / RUNS)]
    try:
        if csv:
            writers.append(CsvWriter(folder / "runs.csv"))
        weeks: list = []
        for piece in frames(parts, params, weeks):
            for w in writers:
                w.add(piece)
        tables = {RUNS: writers[0].close()}
        for w in writers[1:]:
            w.close()
        writers = []
        if weeks:
            tables["weekly.parquet"] = write_parquet(folder / "weekly.parquet", weekly_table.concat(weeks))
        return tables
    finally:
        for w in writers:
            w.abort()
