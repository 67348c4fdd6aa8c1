"""A job's runs table written as the runs arrive (sim/sweep/stream.py): the bytes the whole table
written at once gives, whatever the pieces (one worker or two cut a job differently), and never
more than about one row group held in memory, however many runs."""

from __future__ import annotations

import hashlib
import io
import random

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.sweep import stream


def table(n: int, seed: int = 0) -> pd.DataFrame:
    """A runs-like table: numbers, flags, short words with few values, drawn parameters."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "seed": np.arange(n, dtype="int64"),
            "deployed": rng.uniform(size=n) < 0.5,
            "week_deployed": np.where(rng.uniform(size=n) < 0.5, rng.integers(1, 52, n), np.nan),
            "configuration": pd.array(rng.choice(["TUR+EGY | enforcement", "EGY | borders", "none"], n), "string"),
        }
    )
    for i in range(6):
        df[f"param.p{i}"] = rng.uniform(size=n)
    return df


def streamed(tmp_path, df: pd.DataFrame, sizes: list[int], name: str = "runs.parquet") -> bytes:
    writer = stream.TableWriter(tmp_path / name)
    start, held = 0, []
    for size in sizes:
        writer.add(df.iloc[start : start + size].reset_index(drop=True))
        start += size
        held.append(writer.n_staged + writer.n_waiting)
    assert start == len(df)
    writer.close()
    assert max(held) < writer.group + stream.ALIGN + max(sizes)  # one row group waits, never the table
    return (tmp_path / name).read_bytes()


def pieces(n: int, rng: random.Random, most: int = 500) -> list[int]:
    out = []
    while n > 0:
        out.append(min(n, rng.randint(1, most)))
        n -= out[-1]
    return out


@pytest.mark.parametrize("n", [1, 499, 8192, 20_000])
def test_a_table_of_one_row_group_has_the_bytes_of_the_whole_table(tmp_path, n):
    df = table(n)
    whole = io.BytesIO()
    df.to_parquet(whole, index=False, engine="pyarrow", compression="zstd")
    got = streamed(tmp_path, df, pieces(n, random.Random(n)))
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(whole.getvalue()).hexdigest()


def test_a_larger_table_has_the_same_values_and_the_same_bytes_however_it_is_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "GROUP_BYTES", 64 * 1024)  # small row groups: many of them, quickly
    n = 40_000
    df = table(n)
    one = streamed(tmp_path, df, pieces(n, random.Random(1)), "a.parquet")  # one worker's chunks
    two = streamed(tmp_path, df, pieces(n, random.Random(2), 40), "b.parquet")  # another cut
    assert one == two
    meta = pq.ParquetFile(tmp_path / "a.parquet").metadata
    assert meta.num_row_groups > 1 and meta.num_rows == n
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), df)


def test_a_failed_write_leaves_no_file(tmp_path):
    writer = stream.TableWriter(tmp_path / "runs.parquet")
    writer.add(table(10))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_the_rule_range_is_streamed_with_the_bytes_of_the_whole_table(tmp_path, monkeypatch):
    """rules.parquet (the same seeds under the other admitted rules) is written chunk by chunk,
    one rule after the other: the bytes of the whole table written at once, and the table holds
    only what a row group holds while it is written."""
    from dataclasses import replace

    from helpers import params_for
    from sim.model.paths import with_values
    from sim.model.run import Job, simulate
    from sim.sweep import rules

    job = Job(params_for(), seed=3, runs=60, uncertainty="fixed")
    held: list[int] = []
    add = stream.TableWriter.add

    def watched(self, df):
        add(self, df)
        held.append(self.n_staged + self.n_waiting)

    monkeypatch.setattr(stream.TableWriter, "add", watched)
    monkeypatch.setattr(stream, "FRAME_VALUES", 1)  # a piece per chunk: the writer takes several
    check = rules.write_rules(tmp_path / "rules.parquet", job, workers=1)
    frames = []
    for rule in rules.others(job.params):
        runs = simulate(replace(job, params=with_values(job.params, {rules.RULE_KEY: rule})), workers=1).runs
        frames.append(runs[[c for c in runs.columns if not c.startswith("param.")]])
    whole = io.BytesIO()
    pd.concat(frames, ignore_index=True).to_parquet(whole, index=False, engine="pyarrow", compression="zstd")
    assert (tmp_path / "rules.parquet").read_bytes() == whole.getvalue()
    assert check["rows"] == 60 * len(rules.others(job.params)) and len(held) > 1


def test_chunks_are_joined_into_pieces_of_about_frame_values_and_the_file_does_not_show_it(tmp_path, monkeypatch):
    """A sweep's small jobs come in a dozen chunks of a few runs: their runs become one piece of
    the table (a frame costs ~1 ms whatever its size), a larger job's several, and the file has
    the same bytes whatever the pieces."""
    from helpers import params_for
    from sim.model.run import Job, chunks

    job = Job(params_for(), seed=5, runs=240, uncertainty="sample")
    parts = list(chunks(job, workers=1))  # 50 runs a chunk: 5 chunks
    width = len(parts[0])
    assert len(parts) == 5 and width > 20

    def written(name: str, most: int) -> tuple[bytes, list[int]]:
        monkeypatch.setattr(stream, "FRAME_VALUES", most)
        sizes = [len(f) for f in stream.frames([dict(p) for p in parts], job.params)]
        stream.write_runs(tmp_path / name, [dict(p) for p in parts], job.params)
        return (tmp_path / name / "runs.parquet").read_bytes(), sizes

    one, sizes_one = written("a", 10**9)
    each, sizes_each = written("b", 1)
    two, sizes_two = written("c", 100 * width)  # two chunks' worth a piece
    assert sizes_one == [240] and sizes_each == [50] * 4 + [40] and sizes_two == [100, 100, 40]
    assert one == each == two


def test_a_small_job_goes_to_the_pool_in_one_chunk_a_worker_and_a_large_one_in_chunks_of_at_most_500():
    from sim.model.run import MIN_CHUNK, pool_chunks

    def sizes(runs, workers):
        cut = pool_chunks(range(7, 7 + runs), workers)
        assert [s for c in cut for s in c] == list(range(7, 7 + runs))  # every seed once, in order
        return [len(c) for c in cut]

    assert sizes(40, 2) == [20, 20]  # a sweep's small job: not 14 chunks of 3
    assert sizes(3, 2) == [2, 1]
    assert sizes(300, 2) == [MIN_CHUNK] * 12
    assert sizes(3000, 2) == [188] * 15 + [180]  # eight a worker
    assert sizes(100_000, 2) == [500] * 200
