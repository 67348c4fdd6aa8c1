"""A job's tables written as its runs arrive, so memory does not grow with the number of runs.

A job of 100,000 runs used to gather every row in this process (as Python objects, ~7 KB a
sampled run) before writing ``runs.parquet``. :func:`write_job_chunks` takes the runs chunk by
chunk, in seed order (:func:`sim.model.run.chunks`), turns each into its piece of the table and
lets the chunk go: the table waits as Arrow columns (8 bytes a number) until a row group is full,
and each row group is written to the file as soon as it is.

The file's bytes are those the whole table written at once gives (``DataFrame.to_parquet`` with
pyarrow, zstd): the same schema and pandas metadata, and row groups of pyarrow's default size
(:data:`ROW_GROUP`), which is how pyarrow splits a whole table too; pyarrow encodes a column made
of pieces as it encodes the same column in one piece (tested: the sha256 of the tables of the
same jobs before and after this module). So memory is bounded by one row group, whatever the
number of runs (:mod:`sim.sweep.limits` says what that costs and refuses what the machine cannot
hold).

The weekly table (``weekly=true``) is still gathered whole: its categories are the union of all
the runs' (the file's dictionary depends on every chunk), and :mod:`sim.sweep.limits` caps it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.model import weekly as weekly_table
from sim.model.params import ModelParams
from sim.model.run import to_frame

ROW_GROUP = 1024 * 1024  # pyarrow's default largest row group: the rows a whole table's groups hold


class TableWriter:
    """``runs.parquet`` (or any table) written piece by piece to a new temporary file, renamed into
    place by :meth:`close`; :meth:`abort` removes the temporary file."""

    def __init__(self, path: Path) -> None:
        from sim.sweep.folders import _tmp, open_new

        self.path, self.tmp = path, _tmp(path)
        self.file = os.fdopen(open_new(self.tmp), "wb")
        self.writer: Any = None
        self.schema: Any = None
        self.waiting: list[Any] = []  # Arrow tables not yet written (fewer than ROW_GROUP rows)
        self.held = self.rows = 0

    def add(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        piece = pa.Table.from_pandas(df, preserve_index=False)
        if self.writer is None:
            self.schema = piece.schema
            self.writer = pq.ParquetWriter(self.file, piece.schema, compression="zstd")
        elif not piece.schema.equals(self.schema, check_metadata=True):
            raise RuntimeError(f"{self.path.name}: a chunk's columns differ from the first chunk's")  # a bug
        self.waiting.append(piece)
        self.held += piece.num_rows
        self.rows += piece.num_rows
        while self.held >= ROW_GROUP:
            self._write(ROW_GROUP)

    def _write(self, n: int) -> None:
        import pyarrow as pa

        table = pa.concat_tables(self.waiting)  # no copy: the pieces become chunks of its columns
        write_group(self.writer, table.slice(0, n))
        rest = table.slice(n)
        self.waiting = [rest] if rest.num_rows else []
        self.held = rest.num_rows

    def close(self) -> dict[str, Any]:
        """Write what waits, rename the file into place; return its check: rows and sha256."""
        from sim.sweep.folders import _replace, file_sha256

        if self.writer is None:
            raise RuntimeError(f"{self.path.name}: no rows to write")  # a job has at least one run
        if self.held:
            self._write(self.held)
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
        weeks = []
        for part in parts:
            week = part.pop("_weekly", None)
            if week is not None:
                weeks.append(week)
            piece = to_frame(part, params)
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
