"""Benchmark: the RFM table in SQL (crmlib.sql on DuckDB) against crmlib.rfm.rfm_table (pandas).

Targets (issue 16), on this 2-core machine:

- in memory, side by side in one run (interleaved, median of several runs): 1,000,000 and
  10,000,000 transactions; at 10M the DuckDB path takes at most 0.5x the time of
  ``rfm.rfm_table``. Both return the same frame (checked with ``assert_frame_equal``).
- 100,000,000 transactions from Parquet: the RFM table in under 20 s and under 4 GB peak
  memory. Each 100M run is a fresh child process that imports crmlib, runs one call and
  reports its wall time and its peak resident memory (``getrusage``'s ``ru_maxrss``: the
  whole process, Python, pandas and DuckDB included, not only what the call allocated).

Data: ``datasets.make_transactions(n, seed=42)`` in memory; the 100M table is
``datasets.write_transactions_parquet(folder, 10_000_000, seed=13)``, written once (about 1.5
minutes, 1 GB on disk, one million customers at a time) to ``bench/results/sales-100m/``,
which git ignores. The analysis: ``asof="2024-12-31"``, ``window_days=365``.

Run: ``.venv/bin/python bench/bench_sql.py`` (``--skip-100m`` for the in-memory part only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from crmlib import datasets, rfm, sql

REPEATS = 7
ASOF, WINDOW = "2024-12-31", 365
HERE = Path(__file__).resolve().parent
BIG = HERE / "results" / "sales-100m"


def seconds(function, *args, **kwargs) -> tuple[float, float]:
    """Wall time and CPU time (all threads of this process) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    function(*args, **kwargs)
    return time.perf_counter() - start, time.process_time() - cpu


def side_by_side(n_customers: int) -> None:
    tx = datasets.make_transactions(n_customers, seed=42)
    print(f"{len(tx):,} transactions of {tx['customer_id'].nunique():,} customers, in memory")
    expected = rfm.rfm_table(tx, ASOF, WINDOW)
    pd.testing.assert_frame_equal(sql.rfm_table(tx, ASOF, WINDOW), expected)  # also the warm-up
    pandas_times, duckdb_times = [], []
    for _ in range(REPEATS):  # interleaved, so that machine noise hits both alike
        pandas_times.append(seconds(rfm.rfm_table, tx, ASOF, WINDOW))
        duckdb_times.append(seconds(sql.rfm_table, tx, ASOF, WINDOW))
    p, d = (statistics.median(t for t, _ in times) for times in (pandas_times, duckdb_times))
    pc, dc = (statistics.median(c for _, c in times) for times in (pandas_times, duckdb_times))
    print(f"  rfm.rfm_table (pandas): median {p:.3f} s wall, {pc:.3f} s CPU over {REPEATS} runs {_runs(pandas_times)}")
    print(f"  sql.rfm_table (DuckDB): median {d:.3f} s wall, {dc:.3f} s CPU over {REPEATS} runs {_runs(duckdb_times)}")
    print(f"  ratio DuckDB / pandas: {d / p:.2f}x wall (target at 10M: <= 0.5x), {dc / pc:.2f}x CPU; same frame: yes; "
          f"load average {os.getloadavg()[0]:.1f}")


def _runs(times) -> str:
    return "(wall " + ", ".join(f"{t:.2f}" for t, _ in times) + ")"


def child(function: str, folder: str) -> None:
    """One call in a fresh process: print its time and the process's peak memory as JSON."""
    call = sql.rfm_table if function == "rfm_table" else sql.rfm_scores
    start = time.perf_counter()
    result = call(folder, ASOF, WINDOW)
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": elapsed, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "peak_bytes": usage.ru_maxrss * 1024,  # Linux: kilobytes
                      "customers": len(result)}))


def from_parquet() -> None:
    if not any(BIG.glob("part-*.parquet")):
        print(f"writing 10,000,000 customers (about 100M transactions) to {BIG} ...", flush=True)
        start = time.perf_counter()
        datasets.write_transactions_parquet(BIG, n_customers=10_000_000, seed=13)
        print(f"  written in {time.perf_counter() - start:.0f} s")
    import duckdb

    rows = duckdb.execute(f"SELECT count(*) FROM read_parquet('{BIG}/*.parquet')").fetchone()[0]
    size = sum(f.stat().st_size for f in BIG.glob("*.parquet"))
    print(f"{rows:,} transactions from Parquet ({len(list(BIG.glob('*.parquet')))} files, {size / 1e9:.2f} GB)")
    for function in ("rfm_table", "rfm_table", "rfm_scores"):
        out = subprocess.run([sys.executable, __file__, "--child", function, str(BIG)],
                             capture_output=True, text=True, check=True).stdout
        report = json.loads(out.strip().splitlines()[-1])
        print(f"  sql.{function}: {report['seconds']:.1f} s wall, {report['cpu_seconds']:.1f} s CPU (whole process), "
              f"peak memory {report['peak_bytes'] / 1e9:.2f} GB (process RSS), {report['customers']:,} customers, "
              f"load average {os.getloadavg()[0]:.1f}"
              + ("  (targets: < 20 s, < 4 GB)" if function == "rfm_table" else ""))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-100m", action="store_true", help="skip the 100,000,000-transaction run")
    parser.add_argument("--child", nargs=2, metavar=("FUNCTION", "FOLDER"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
    else:
        side_by_side(100_000)
        side_by_side(1_000_000)
        if not arguments.skip_100m:
            from_parquet()
