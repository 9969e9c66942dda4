"""crmlib.sql: the RFM query on DuckDB and Spark gives exactly crmlib.rfm's frames and errors.

Every comparison is ``pandas.testing.assert_frame_equal`` against ``crmlib.rfm.rfm_table`` /
``rfm_scores`` on the same transactions (same index, columns, dtypes, values), on CDNOW, on files
and database tables, and on hypothesis-generated frames with ties, windows and returns. Bad input
must raise the same ``DataError`` message as the pandas path.

The Spark tests share one local Spark session (about 10 s to start) and are kept few. Without
Java they skip with the reason, unless ``CRM_REQUIRE_SPARK=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import DataError, DataWarning, datasets, rfm, sql

ASOF = "1998-06-30"

# pyspark's own conversions to pandas (toPandas in the tests) warn about pandas 3
pytestmark = [pytest.mark.filterwarnings("ignore:PySpark does not yet fully support:FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    """Chapter 5's CDNOW purchases: the full file less its 80 free items."""
    purchases = datasets.load_cdnow_master()
    return purchases[purchases["amount"] > 0]


def pandas_scores(transactions, asof, window_days=None, bins=5, **columns):
    return rfm.rfm_scores(rfm.rfm_table(transactions, asof, window_days, **columns), bins=bins)


def assert_same(expected_call, sql_call):
    """The SQL call returns the pandas call's frame, or raises its DataError with the same message."""
    try:
        expected = expected_call()
    except DataError as error:
        with pytest.raises(DataError) as raised:
            sql_call()
        assert str(raised.value) == str(error)
        return
    pd.testing.assert_frame_equal(sql_call(), expected)


# ------------------------------------------------------------------------------------------------
# the query text


def test_the_query_is_printable_standard_sql_with_the_tie_rule():
    assert "RANK() OVER (ORDER BY recency_days DESC)" in sql.RFM_SQL
    assert "NTILE" not in sql.RFM_SQL
    assert sql.RFM_SQL.startswith(sql.RFM_TABLE_SQL.split("SELECT customer_id, recency_days")[0].rstrip())
    text = sql.rfm_query("2004-11-27", window_days=365, bins=5)
    assert "WHERE date <= TIMESTAMP '2004-11-27 00:00:00'" in text
    assert "AND date > TIMESTAMP '2003-11-28 00:00:00'" in text
    assert ":asof" not in text and ":bins" not in text and ":window_start" not in text
    assert "AND date >" not in sql.rfm_query("2004-11-27")  # all history


def test_importing_crmlib_loads_neither_duckdb_nor_spark():
    code = ("import sys, crmlib, crmlib.rfm, crmlib.sql, crmlib.datasets; "
            "print(sorted(m for m in ('duckdb', 'pyspark') if m in sys.modules))")  # pandas itself may load pyarrow
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------------------------------
# DuckDB: the same frames


def test_duckdb_gives_chapter_5s_cdnow_table_and_scores(cdnow):
    expected = rfm.rfm_table(cdnow, ASOF, window_days=None)
    table = sql.rfm_table(cdnow, ASOF)
    pd.testing.assert_frame_equal(table, expected)
    scores = sql.rfm_scores(cdnow, ASOF)
    pd.testing.assert_frame_equal(scores, rfm.rfm_scores(expected))
    # chapter 5's figures: 23,502 customers with a paid purchase, 11,843 one-time buyers all in F = 1,
    # no F = 2, 72 cells
    assert len(scores) == 23_502
    assert (scores["frequency"] == 1).sum() == 11_843
    assert sorted(scores["F"].unique()) == [1, 3, 4, 5]
    assert scores["cell"].nunique() == 72


@pytest.mark.parametrize("window_days", [30, 365, 90.5])
def test_duckdb_windows_on_cdnow(cdnow, window_days):
    pd.testing.assert_frame_equal(sql.rfm_scores(cdnow, ASOF, window_days, bins=3),
                                  pandas_scores(cdnow, ASOF, window_days, bins=3))


def test_files_folders_and_database_tables_give_the_frame_pandas_reads(cdnow, tmp_path):
    cdnow.to_parquet(tmp_path / "cdnow.parquet")
    cdnow.to_csv(tmp_path / "cdnow.csv", index=False)
    (tmp_path / "parts").mkdir()
    for i, start in enumerate(range(0, len(cdnow), 25_000)):
        cdnow.iloc[start:start + 25_000].to_parquet(tmp_path / "parts" / f"part-{i}.parquet")
    (tmp_path / "parts" / "_SUCCESS").write_text("")  # as Spark leaves it: not data
    cases = {
        "cdnow.parquet": pd.read_parquet(tmp_path / "cdnow.parquet"),
        "cdnow.csv": pd.read_csv(tmp_path / "cdnow.csv"),
        "parts": pd.read_parquet(tmp_path / "parts"),
    }
    for name, as_pandas_reads_it in cases.items():
        pd.testing.assert_frame_equal(sql.rfm_table(tmp_path / name, ASOF, 365),
                                      rfm.rfm_table(as_pandas_reads_it, ASOF, 365))
    database = tmp_path / "shop.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"CREATE TABLE sales AS SELECT * FROM read_parquet('{tmp_path / 'cdnow.parquet'}')")
        in_pandas = con.table("sales").df()
        pd.testing.assert_frame_equal(sql.rfm_scores("sales", ASOF, connection=con), pandas_scores(in_pandas, ASOF))
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0] == 0
    pd.testing.assert_frame_equal(sql.rfm_table("sales", ASOF, connection=database),
                                  rfm.rfm_table(in_pandas, ASOF, None))


def test_other_column_names_and_text_ids(cdnow):
    shop = cdnow.rename(columns={"customer_id": "client", "date": "day", "amount": "yuan"})
    shop = shop.assign(client="c" + shop["client"].astype(str), day=shop["day"].dt.strftime("%Y-%m-%d"))
    names = dict(customer="client", date="day", amount="yuan")
    pd.testing.assert_frame_equal(sql.rfm_scores(shop, ASOF, 365, **names), pandas_scores(shop, ASOF, 365, **names))


@st.composite
def purchases(draw, returns: bool = False, times: bool = False):
    """Small frames full of ties: few customers, few days, amounts in quarters (exact sums)."""
    n = draw(st.integers(1, 40))
    customers = draw(st.lists(st.integers(1, 8), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    hours = draw(st.lists(st.integers(0, 23), min_size=n, max_size=n)) if times else [0] * n
    low = -8 if returns else 1
    quarters = draw(st.lists(st.integers(low, 200), min_size=n, max_size=n))
    return pd.DataFrame({
        "customer_id": customers,
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D") + pd.to_timedelta(hours, unit="h"),
        "amount": np.array(quarters, dtype="float64") / 4,
    })


windows = st.one_of(st.none(), st.integers(1, 70), st.sampled_from([0.5, 7.25]))


@settings(max_examples=60, deadline=None)
@given(purchases(times=True), st.integers(0, 5), windows, st.integers(2, 9))
def test_duckdb_equals_pandas_on_generated_purchases(tx, days_after, window_days, bins):
    asof = tx["date"].max().normalize() + pd.Timedelta(days=days_after)
    assert_same(lambda: pandas_scores(tx, asof, window_days, bins), lambda: sql.rfm_scores(tx, asof, window_days, bins))


@settings(max_examples=40, deadline=None)
@given(purchases(returns=True), windows, st.sampled_from(["error", "drop", "keep"]))
def test_duckdb_equals_pandas_with_returns(tx, window_days, returns):
    asof = tx["date"].max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        assert_same(lambda: rfm.rfm_table(tx, asof, window_days, returns=returns),
                    lambda: sql.rfm_table(tx, asof, window_days, returns=returns))


# ------------------------------------------------------------------------------------------------
# bad input: the same messages, from a frame and from a file checked in SQL

GOOD = pd.DataFrame({
    "customer_id": [1, 2, 3, 1, 2, 3, 4],
    "date": pd.to_datetime(["2004-01-05", "2004-02-01", "2004-03-01", "2004-06-01", "2004-07-01",
                            "2004-08-01", "2004-09-01"]),
    "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0],
})
TEXT = GOOD.assign(date=GOOD["date"].dt.strftime("%Y-%m-%d"), amount=GOOD["amount"].astype(str))
BAD = {
    "a missing id": (GOOD.assign(customer_id=[1, None, 3, None, 2, 3, 4]), {}),
    "a missing date": (GOOD.assign(date=GOOD["date"].where(GOOD.index != 4)), {}),
    "unreadable dates": (TEXT.assign(date=["2004-01-05", "2004-13-45", "soon", "2004-06-01", "2004-07-01",
                                           "2004-08-01", "2004-09-01"]), {}),
    "amounts that are not numbers": (TEXT.assign(amount=["10", "$20", "30", "40", "free", "60", "70"]), {}),
    "a missing amount": (GOOD.assign(amount=[10.0, np.nan, 30.0, 40.0, 50.0, 60.0, 70.0]), {}),
    "returns": (GOOD.assign(amount=[10.0, -20.0, 30.0, 0.0, 50.0, -1.0, 70.0]), {}),
    "seven returns": (GOOD.assign(amount=-GOOD["amount"]), {}),
    "a future purchase": (GOOD, {"asof": "2004-08-15"}),
    "asof before every purchase": (GOOD, {"asof": "2003-12-31"}),
    "an empty window": (GOOD, {"asof": "2005-12-31", "window_days": 30}),
    "a negative window": (GOOD, {"window_days": -3}),
    "a missing column": (GOOD.rename(columns={"amount": "value"}), {}),
    "no rows": (GOOD.iloc[:0], {}),
    "a bad returns policy": (GOOD, {"returns": "ignore"}),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_gets_the_pandas_message_from_a_frame_and_from_files(case, tmp_path):
    frame, arguments = BAD[case]
    arguments = {"asof": "2004-12-31", **arguments}
    with pytest.raises(DataError) as pandas_error:
        rfm.rfm_table(frame, **arguments)
    message = str(pandas_error.value)
    with pytest.raises(DataError) as from_frame:
        sql.rfm_table(frame, **arguments)
    assert str(from_frame.value) == message
    frame.to_parquet(tmp_path / "sales.parquet")
    frame.to_csv(tmp_path / "sales.csv", index=False)
    for name, reader in (("sales.parquet", pd.read_parquet), ("sales.csv", pd.read_csv)):
        if len(frame) == 0 and name.endswith(".csv"):
            continue  # an empty CSV has no column types: pandas reads text, DuckDB guesses
        with pytest.raises(DataError) as as_read:
            rfm.rfm_table(reader(tmp_path / name), **arguments)
        with pytest.raises(DataError) as from_file:
            sql.rfm_table(tmp_path / name, **arguments)
        assert str(from_file.value) == str(as_read.value), name


def test_a_messages_row_list_stops_at_five_and_counts_the_rest(tmp_path):
    many = pd.DataFrame({"customer_id": range(12), "date": "2004-01-01", "amount": -1.0})
    many.to_parquet(tmp_path / "returns.parquet")
    expected = re.escape("in 12 rows: row 0 (-1.0), row 1 (-1.0), row 2 (-1.0), row 3 (-1.0), row 4 (-1.0) and 7 more.")
    with pytest.raises(DataError, match=expected):
        sql.rfm_table(tmp_path / "returns.parquet", "2004-12-31")


def test_dropping_returns_warns_as_pandas_does(tmp_path):
    frame = BAD["returns"][0]
    frame.to_parquet(tmp_path / "sales.parquet")
    with pytest.warns(DataWarning) as pandas_warning:
        expected = rfm.rfm_table(frame, "2004-12-31", None, returns="drop")
    for source in (frame, tmp_path / "sales.parquet"):
        with pytest.warns(DataWarning) as sql_warning:
            pd.testing.assert_frame_equal(sql.rfm_table(source, "2004-12-31", returns="drop"), expected)
        assert str(sql_warning[0].message) == str(pandas_warning[0].message)
        assert sql_warning[0].filename == __file__  # the warning points at the caller's line


def test_other_bad_arguments_are_named():
    with pytest.raises(DataError, match="bins must be a whole number from 2 to 9, got 12"):
        sql.rfm_scores(GOOD, "2004-12-31", bins=12)
    with pytest.raises(DataError, match="bins must be a whole number from 2 to 9, got 12"):
        rfm.rfm_scores(rfm.rfm_table(GOOD, "2004-12-31"), bins=12)
    with pytest.raises(DataError, match="there is no file or folder 'no/such/sales.parquet'"):
        sql.rfm_table("no/such/sales.parquet", "2004-12-31")
    with pytest.raises(DataError, match="got list"):
        sql.rfm_table([1, 2, 3], "2004-12-31")


# ------------------------------------------------------------------------------------------------
# Spark: the same query on a local Spark session


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test run; skip (or fail under CRM_REQUIRE_SPARK=1)
    without Java or pyspark."""
    try:
        session = sql.spark_session(cores=2)
    except (RuntimeError, ImportError) as problem:
        if os.environ.get("CRM_REQUIRE_SPARK") == "1":
            pytest.fail(f"CRM_REQUIRE_SPARK=1 but Spark cannot start: {problem}", pytrace=False)
        pytest.skip(f"Spark cannot start: {problem}")
    yield session
    session.stop()


spark_test = pytest.mark.xdist_group("spark")


@spark_test
def test_spark_gives_chapter_5s_cdnow_scores(spark, cdnow):
    scores = sql.rfm_scores(cdnow, ASOF, connection=spark)
    pd.testing.assert_frame_equal(scores, pandas_scores(cdnow, ASOF))
    assert len(scores) == 23_502 and scores["cell"].nunique() == 72


@spark_test
def test_spark_reads_parquet_and_checks_it_in_sql(spark, cdnow, tmp_path):
    cdnow.astype({"date": "datetime64[us]"}).to_parquet(tmp_path / "cdnow.parquet")  # Spark reads no ns
    sales = spark.read.parquet(str(tmp_path / "cdnow.parquet"))
    expected = rfm.rfm_table(sales.toPandas(), ASOF, 365)
    pd.testing.assert_frame_equal(sql.rfm_table(sales, ASOF, 365), expected)
    sales.createOrReplaceTempView("sales")
    pd.testing.assert_frame_equal(sql.rfm_table("sales", ASOF, 365, connection=spark), expected)
    with pytest.raises(DataError) as pandas_error:
        rfm.rfm_table(sales.toPandas(), "1998-03-31")
    with pytest.raises(DataError) as spark_error:
        sql.rfm_table(sales, "1998-03-31")
    assert str(spark_error.value) == str(pandas_error.value)
    assert [t.name for t in spark.catalog.listTables() if t.name.startswith("crmlib_")] == []


@spark_test
def test_spark_counts_days_on_the_calendar_across_a_daylight_saving_change(spark):
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")  # 2004-04-04: a 23-hour day
    try:
        tx = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2004-04-01", "2004-04-05"]),
                           "amount": [10.0, 20.0]})
        got = sql.rfm_table(spark.createDataFrame(tx), "2004-04-10")
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)
    assert got["recency_days"].tolist() == [9, 5]


@spark_test
@settings(max_examples=6, deadline=None)
@given(purchases(returns=True, times=True), windows, st.integers(2, 9))
def test_spark_equals_pandas_on_generated_purchases(spark, tx, window_days, bins):
    asof = tx["date"].max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        assert_same(lambda: pandas_scores(tx, asof, window_days, bins, returns="keep"),
                    lambda: sql.rfm_scores(tx, asof, window_days, bins, returns="keep", connection=spark))
