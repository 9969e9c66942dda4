"""RFM at scale: the RFM table as one SQL query, run on DuckDB or on Spark (chapter 13).

``crmlib.rfm`` computes the RFM table with pandas, in the memory of one machine. A sales table of
hundreds of millions of rows lives in a database or a data lake, and there the analysis is
written in SQL. This module holds that SQL, readable enough to teach from::

    import crmlib.sql
    print(crmlib.sql.RFM_SQL)

- :data:`RFM_TABLE_SQL`: recency, frequency and monetary value per customer (steps 1-2);
- :data:`RFM_SQL`: the same query with the R, F and M scores and the cell code (steps 3-5),
  scored with window functions under the tie rule of :func:`crmlib.rfm.quantile_scores`.

Both read a table ``transactions(customer_id, date, amount)`` and take their settings as named
parameters (``:asof``, ``:window_start``, ``:bins``); :func:`rfm_query` fills them in. The
query is standard SQL (``WITH``, ``GROUP BY``, ``RANK() OVER``, ``EXTRACT(DAY FROM interval)``)
and runs unchanged on **DuckDB** (an embedded database: no server, a ``pip install``) and on
**Spark SQL** (a cluster, or local mode on one machine).

:func:`rfm_table` and :func:`rfm_scores` run it on a pandas frame, a Parquet or CSV file or
folder, a table of a DuckDB database or a Spark DataFrame or table, and return exactly the frame
that :func:`crmlib.rfm.rfm_table` (and :func:`crmlib.rfm.rfm_scores`) returns for the same
transactions: same index, columns, dtypes and values, and the same :class:`crmlib.DataError`
messages for bad input.

DuckDB, pyarrow and pyspark come with the ``scale`` extra (``pip install "crmlib[scale]"``);
Spark also needs Java 17 or newer (Debian: ``apt-get install openjdk-17-jre-headless``).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.contract import SHOWN_ROWS, DataError, DataWarning, _label, _value
from crmlib.transactions import RETURNS_POLICIES, validate_transactions

__all__ = ["RFM_TABLE_SQL", "RFM_SQL", "rfm_query", "rfm_table", "rfm_scores", "spark_session"]

_STEPS = """\
WITH
-- 1. The purchases in the window: after window_start (= asof - window_days days),
--    up to and including asof.
in_window AS (
    SELECT customer_id, date, amount
    FROM transactions
    WHERE date <= :asof
      AND date > :window_start
),
-- 2. One row per customer: recency, frequency and monetary value.
rfm AS (
    SELECT customer_id,
           EXTRACT(DAY FROM :asof - MAX(date)) AS recency_days,  -- whole days since the last purchase
           COUNT(*)                            AS frequency,     -- purchases in the window
           SUM(amount)                         AS monetary,      -- total spent in the window
           SUM(amount) / COUNT(*)              AS avg_amount,    -- spent per purchase
           MAX(date)                           AS last_purchase
    FROM in_window
    GROUP BY customer_id
)"""

#: The RFM table in SQL: one row per customer who bought in the window, the columns of
#: :func:`crmlib.rfm.rfm_table`. Parameters ``:asof`` and ``:window_start`` (see :func:`rfm_query`).
RFM_TABLE_SQL = _STEPS + """
SELECT customer_id, recency_days, frequency, monetary, avg_amount, last_purchase
FROM rfm
ORDER BY customer_id
"""

#: The RFM table with its scores in SQL: :data:`RFM_TABLE_SQL` plus R, F, M (1..bins, higher =
#: better) and the cell code, as :func:`crmlib.rfm.rfm_scores`. Parameters ``:asof``,
#: ``:window_start`` and ``:bins``.
RFM_SQL = _STEPS + """,
-- 3. Every customer's position on R, F and M, worst first. RANK() gives tied customers the
--    same position, the lowest of their group: ties are never split.
ranked AS (
    SELECT rfm.*,
           RANK() OVER (ORDER BY recency_days DESC) AS r_rank,  -- the most days since = worst
           RANK() OVER (ORDER BY frequency)         AS f_rank,
           RANK() OVER (ORDER BY monetary)          AS m_rank,
           COUNT(*) OVER ()                         AS customers
    FROM rfm
),
-- 4. Scores 1..bins in equal-size groups: floor((position - 1) x bins / customers) + 1.
scored AS (
    SELECT ranked.*,
           CAST(FLOOR((r_rank - 1) * :bins / customers) AS INTEGER) + 1 AS R,
           CAST(FLOOR((f_rank - 1) * :bins / customers) AS INTEGER) + 1 AS F,
           CAST(FLOOR((m_rank - 1) * :bins / customers) AS INTEGER) + 1 AS M
    FROM ranked
)
-- 5. The table with its scores and the cell code, e.g. '532' = R 5, F 3, M 2.
SELECT customer_id, recency_days, frequency, monetary, avg_amount, last_purchase, R, F, M,
       CAST(R AS VARCHAR(1)) || CAST(F AS VARCHAR(1)) || CAST(M AS VARCHAR(1)) AS cell
FROM scored
ORDER BY customer_id
"""

SCORE_COLUMNS = ("R", "F", "M", "cell")


def _timestamp_literal(moment: pd.Timestamp) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M:%S.%f").removesuffix(".000000")
    return f"TIMESTAMP '{text}'"


def _check_bins(bins) -> None:
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or not 2 <= bins <= 9:
        raise DataError(f"bins must be a whole number from 2 to 9, got {bins!r}")


def _check_window(window_days) -> None:
    if window_days is not None and window_days <= 0:
        raise DataError(f"window_days must be a positive number of days, got {window_days}")


def rfm_query(asof, window_days: float | None = None, bins: int | None = None,
              table: str = "transactions") -> str:
    """The RFM query with its parameters filled in, ready to run on any SQL engine.

    ``:asof`` becomes a ``TIMESTAMP`` literal, ``:window_start`` the moment ``window_days``
    days before it (with ``window_days=None`` its line goes: all history is used), ``:bins``
    the number of score groups. Without ``bins`` it is :data:`RFM_TABLE_SQL` (the table only),
    with ``bins`` :data:`RFM_SQL` (the table and its scores). ``table`` names the transactions
    table, which must have the columns ``customer_id``, ``date`` (a timestamp) and ``amount``.

    The window is the same as :func:`crmlib.rfm.rfm_table`'s: ``asof - window_days < date <= asof``.

    Examples
    --------
    >>> print(rfm_query("2004-11-27", window_days=365, table="sales"))  # doctest: +ELLIPSIS
    WITH
    ...
        FROM sales
        WHERE date <= TIMESTAMP '2004-11-27 00:00:00'
          AND date > TIMESTAMP '2003-11-28 00:00:00'
    ...
    >>> "AND date >" in rfm_query("2004-11-27")  # window_days=None: all history
    False
    """
    asof = pd.Timestamp(asof)
    _check_window(window_days)
    if bins is not None:
        _check_bins(bins)
    query = RFM_TABLE_SQL if bins is None else RFM_SQL
    lines = query.splitlines(keepends=True)
    if window_days is None:
        query = "".join(line for line in lines if ":window_start" not in line)
    else:
        start = asof - pd.Timedelta(days=window_days)
        query = query.replace(":window_start", _timestamp_literal(start))
    query = query.replace(":asof", _timestamp_literal(asof))
    if bins is not None:
        query = query.replace(":bins", str(int(bins)))
    return re.sub(r"\bFROM transactions\b", f"FROM {table}", query)


# --------------------------------------------------------------------------------------------
# The messages of validate_transactions and rfm.rfm_table, for data checked in SQL (files,
# database tables, Spark): tests/test_sql.py checks that both paths give the same text.

_PROBLEMS = {
    "missing_ids": ("customer", "customer ids are missing", "Every purchase needs the customer who made it."),
    "unparsable_dates": ("date", "dates cannot be read", "Write dates as YYYY-MM-DD."),
    "missing_dates": ("date", "dates are missing", "Every purchase needs the date it was made."),
    "not_numbers": ("amount", "amounts are not numbers", "Write amounts as plain numbers, without currency signs."),
    "missing_amounts": ("amount", "amounts are missing", "Every purchase needs an amount."),
    "future": ("date", "purchases are after asof {asof}",
               "A purchase cannot happen after the analysis date: check the dates or asof."),
    "nonpositive": ("amount", "amounts are zero or negative (returns?)",
                    "Pass returns='drop' to leave them out or returns='keep' to net them."),
}


def _rows_text(count: int, rows: list[tuple]) -> str:
    """"3 rows: row 0 ('x'), row 7 (missing)": crmlib.contract.first_rows for rows found in SQL,
    where only the count and the first rows (position, value) come back, not a mask."""
    items = ", ".join(f"row {_label(label)} ({_value(value)})" for label, value in rows[:SHOWN_ROWS])
    more = f" and {count - SHOWN_ROWS:,} more" if count > SHOWN_ROWS else ""
    return f"{count:,} row{'s' if count != 1 else ''}: {items}{more}"


def _empty_window_error(date: str, window_days, asof: pd.Timestamp, last: pd.Timestamp) -> DataError:
    return DataError(
        f"column {date!r}: no purchase in the {window_days} days up to asof {asof.date()} "
        f"(the last purchase is {pd.Timestamp(last).date()}): widen window_days or move asof"
    )


# --------------------------------------------------------------------------------------------
# engines: the same SQL on DuckDB and on Spark


def _need(module: str):
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(
            f"crmlib.sql needs the package {module!r}: pip install \"crmlib[scale]\" "
            "(DuckDB, pyarrow and pyspark)"
        ) from error


class _DuckDB:
    """A DuckDB connection: ours (in memory, closed at the end) or the caller's (left open)."""

    name = "DuckDB"

    _database = None  # the in-memory database of calls without a connection, made once per process

    def __init__(self, connection=None):
        duckdb = _need("duckdb")
        self.own = connection is None or isinstance(connection, (str, Path))
        if connection is None:
            if _DuckDB._database is None:
                _DuckDB._database = duckdb.connect()
            connection = _DuckDB._database.cursor()  # a connection of its own: its views are its own
        elif isinstance(connection, (str, Path)):
            connection = duckdb.connect(str(connection), read_only=True)
        self.con = connection
        self.views: list[str] = []
        self.parquet = None  # the files' listing, when the source is Parquet

    def all_clear(self, types: dict, customer: str, date: str, amount: str, asof, returns: str):
        """Parquet files keep per row group the number of nulls and the smallest and largest
        value of every column. When those say that every check of validate_transactions passes
        (no nulls, typed dates and amounts, the last date not after asof, no amount <= 0 unless
        returns are kept, and a quick count finds no NaN), the checks need no pass over the
        data: return the last purchase date. Otherwise (or when a statistic is absent) None,
        and the data are checked row by row."""
        if self.parquet is None or _kind(types[date]) != "time" or _kind(types[amount]) != "number":
            return None
        stats = {
            name: (nulls, low, high, groups, with_stats)
            for name, nulls, low, high, groups, with_stats in self.rows(
                "SELECT path_in_schema, SUM(stats_null_count), MIN(stats_min_value), MAX(stats_max_value), "
                "COUNT(*), COUNT(stats_min_value) + COUNT(stats_null_count) - COUNT(*) "
                f"FROM parquet_metadata({self.parquet}) GROUP BY path_in_schema"
            )
        }
        try:
            (id_nulls, *_, id_groups, id_stats) = stats[customer]
            (date_nulls, first, last, date_groups, date_stats) = stats[date]
            (amount_nulls, lowest, _, amount_groups, amount_stats) = stats[amount]
            if (id_stats != id_groups or date_stats != date_groups or amount_stats != amount_groups
                    or id_nulls or date_nulls or amount_nulls or not date_groups):
                return None
            first, last, lowest = pd.Timestamp(first), pd.Timestamp(last), float(lowest)
        except (KeyError, ValueError, TypeError):
            return None
        if first > asof or last > asof or (lowest <= 0 and returns != "keep"):
            return None
        if types[amount].startswith(("DOUBLE", "FLOAT", "REAL")):
            # (a FILTER, not a WHERE: DuckDB skips row groups on min/max, which leave NaN out)
            (nan,) = self.rows(f"SELECT COUNT(*) FILTER (WHERE isnan({self.quote(amount)})) "
                               f"FROM read_parquet({self.parquet})")[0]
            if nan:
                return None
        return last

    def quote(self, name: str) -> str:
        return '"' + str(name).replace('"', '""') + '"'

    def view(self, sql: str) -> str:
        name = f"crmlib_{uuid.uuid4().hex[:12]}"
        self.con.execute(f"CREATE TEMPORARY VIEW {name} AS {sql}")
        self.views.append(name)
        return name

    def frame(self, frame: pd.DataFrame) -> str:
        name = f"crmlib_frame_{uuid.uuid4().hex[:12]}"
        self.con.register(name, frame)
        self.views.append(name)
        return name

    def file(self, path: Path, date: str) -> str:
        files = _files(path)
        listing = "[" + ", ".join(_sql_text(f) for f in files) + "]"
        if files[0].suffix.lower() in _PARQUET:
            self.parquet = listing
            return self.view(f"SELECT * FROM read_parquet({listing})")
        # pandas.read_csv leaves dates as text (parsed later by validate_transactions): so here
        columns = self.con.sql(f"SELECT * FROM read_csv({listing}) LIMIT 0").columns
        text = f", types = {{{_sql_text(date)}: 'VARCHAR'}}" if date in columns else ""
        return self.view(f"SELECT * FROM read_csv({listing}{text})")

    def table(self, name: str) -> str:
        return self.view(f"SELECT * FROM {name}")

    def columns(self, source: str) -> list[tuple[str, str]]:
        relation = self.con.sql(f"SELECT * FROM {source} LIMIT 0")
        return [(c, str(t).upper()) for c, t in zip(relation.columns, relation.types, strict=True)]

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def sample(self, source: str, rows: int) -> pd.DataFrame:
        return self.con.sql(f"SELECT * FROM {source} LIMIT {rows}").df()

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).to_arrow_table().to_pandas()  # through Arrow: the fewest copies

    def row_number(self) -> str:
        return "ROW_NUMBER() OVER ()"

    def close(self) -> None:
        for name in reversed(self.views):
            try:
                if name.startswith("crmlib_frame_"):
                    self.con.unregister(name)
                else:
                    self.con.execute(f"DROP VIEW IF EXISTS {name}")
            except Exception:  # noqa: BLE001 (a closed connection has nothing left to drop)
                pass
        if self.own:
            self.con.close()


class _Spark:
    """A Spark session given by the caller: temporary views only, dropped at the end."""

    name = "Spark"

    def __init__(self, session):
        self.spark = session
        self.views: list[str] = []

    def quote(self, name: str) -> str:
        return "`" + str(name).replace("`", "``") + "`"

    def _register(self, frame) -> str:
        name = f"crmlib_{uuid.uuid4().hex[:12]}"
        frame.createOrReplaceTempView(name)
        self.views.append(name)
        return name

    def view(self, sql: str) -> str:
        with _ntz(self.spark):
            return self._register(self.spark.sql(sql))

    def frame(self, frame: pd.DataFrame) -> str:
        from pyspark.sql import types

        kinds = {"customer_id": None, "date": types.TimestampNTZType(), "amount": types.DoubleType()}
        ids = frame["customer_id"]
        if pd.api.types.is_integer_dtype(ids):
            kinds["customer_id"] = types.LongType()
        elif pd.api.types.is_float_dtype(ids):
            kinds["customer_id"] = types.DoubleType()
        else:
            kinds["customer_id"] = types.StringType()
            frame = frame.assign(customer_id=ids.astype(str))
        schema = types.StructType([types.StructField(c, t, True) for c, t in kinds.items()])
        data = frame[list(kinds)].assign(date=frame["date"].astype("datetime64[us]"))
        with _quiet_pyspark():
            spark_frame = self.spark.createDataFrame(data, schema=schema)
        return self._register(spark_frame)

    def file(self, path: Path, date: str) -> str:
        files = [str(f) for f in _files(path)]
        reader = self.spark.read
        if Path(files[0]).suffix.lower() in _PARQUET:
            return self._register(reader.parquet(*files))
        frame = reader.csv(files, header=True, inferSchema=True)
        if date in frame.columns:  # dates stay text, as pandas.read_csv leaves them
            frame = frame.withColumn(date, frame[date].cast("string"))
        return self._register(frame)

    def table(self, name) -> str:
        return self._register(self.spark.table(name) if isinstance(name, str) else name)

    def columns(self, source: str) -> list[tuple[str, str]]:
        return [(f.name, f.dataType.simpleString().upper()) for f in self.spark.table(source).schema.fields]

    def rows(self, sql: str) -> list[tuple]:
        with _ntz(self.spark):
            return [tuple(row) for row in self.spark.sql(sql).collect()]

    def sample(self, source: str, rows: int) -> pd.DataFrame:
        with _quiet_pyspark():
            return self.spark.table(source).limit(rows).toPandas()

    def query(self, sql: str) -> pd.DataFrame:
        with _ntz(self.spark), _quiet_pyspark():
            return self.spark.sql(sql).toPandas()

    def row_number(self) -> str:
        return "ROW_NUMBER() OVER (ORDER BY monotonically_increasing_id())"

    def all_clear(self, *arguments):
        return None  # Spark: the checks always read the data

    def close(self) -> None:
        for name in self.views:
            self.spark.catalog.dropTempView(name)


class _quiet_pyspark(warnings.catch_warnings):
    """pyspark warns on every pandas conversion that it "does not yet fully support pandas 3", and
    pandas warns about the arguments pyspark passes it: silenced around our own calls only."""

    def __enter__(self):
        result = super().__enter__()
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        warnings.filterwarnings("ignore", module=r"pyspark\.")
        return result


class _ntz:
    """Spark reads ``TIMESTAMP`` as a moment in the session's time zone (TIMESTAMP_LTZ), where a
    day across a daylight-saving change lasts 23 or 25 hours. Around our queries it means a
    wall-clock date and time (TIMESTAMP_NTZ), as in pandas and DuckDB."""

    KEY = "spark.sql.timestampType"

    def __init__(self, spark):
        self.spark = spark

    def __enter__(self):
        self.before = self.spark.conf.get(self.KEY, None)
        self.spark.conf.set(self.KEY, "TIMESTAMP_NTZ")

    def __exit__(self, *exc):
        if self.before is None:
            self.spark.conf.unset(self.KEY)
        else:
            self.spark.conf.set(self.KEY, self.before)


_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".tsv", ".txt")


def _files(path: Path) -> list[Path]:
    """The data files of a file or folder: Parquet first, else CSV, in name order."""
    if path.is_file():
        if path.suffix.lower() not in _PARQUET + _CSV:
            raise DataError(f"{path} is neither a Parquet nor a CSV file (its name ends in {path.suffix!r})")
        return [path]
    for suffixes in (_PARQUET, _CSV):
        found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                       and not any(part.startswith(("_", ".")) for part in f.relative_to(path).parts))
        if found:
            return found
    raise DataError(f"folder {path} holds no Parquet or CSV file")


def _sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _is_spark_frame(value) -> bool:
    return type(value).__module__.startswith("pyspark.") and hasattr(value, "createOrReplaceTempView")


def _is_spark_session(value) -> bool:
    return type(value).__module__.startswith("pyspark.") and hasattr(value, "sql") and hasattr(value, "read")


# --------------------------------------------------------------------------------------------
# the source: a frame checked in pandas, or data checked in SQL


_TEXT = ("VARCHAR", "STRING", "CHAR", "TEXT")
_TIME = ("TIMESTAMP", "DATE")
_NUMBER = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT",
           "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "INTEGER", "LONG", "SHORT", "BYTE")


def _kind(sql_type: str) -> str:
    if sql_type.startswith(_TIME):
        return "time"
    if sql_type.startswith(_TEXT):
        return "text"
    if sql_type.startswith(_NUMBER):
        return "number"
    return "other"


class _Prepared:
    """The engine, the name of the standard view (customer_id, date, amount), and what the
    result's index and date column must look like in pandas."""

    def __init__(self, engine, view: str, id_dtype, date_dtype, last: pd.Timestamp | None):
        self.engine, self.view = engine, view
        self.id_dtype, self.date_dtype, self.last = id_dtype, date_dtype, last


def _from_frame(engine, frame: pd.DataFrame, customer, date, amount, asof, returns) -> _Prepared:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clean = validate_transactions(frame, customer, date, amount, asof=asof, returns=returns)
    for warning in caught:  # returns dropped: said at the caller's line (rfm_table <- _run <- _prepare <- here)
        warnings.warn(warning.message, warning.category, stacklevel=5)
    source = engine.frame(clean)
    # DuckDB reads datetime64 columns as timestamps of their own unit, and compares them with the
    # query's TIMESTAMP literals as they are: no cast of every row is needed.
    view = engine.view(f"SELECT customer_id, date, amount FROM {source}")
    last = clean["date"].max() if len(clean) else None
    return _Prepared(engine, view, clean["customer_id"].dtype, clean["date"].dtype, last)


def _check_in_sql(engine, source: str, customer: str, date: str, amount: str, asof: pd.Timestamp,
                  returns: str) -> _Prepared:
    """validate_transactions, in SQL: the same checks in the same order, with the same messages."""
    columns = dict(engine.columns(source))
    # validate_transactions on no rows but these columns: a missing column or a bad returns policy
    # gets its message; otherwise it stops at "the transactions are empty" (checked below, in SQL)
    try:
        validate_transactions(pd.DataFrame(columns=list(columns)), customer, date, amount, returns=returns)
    except DataError as error:
        if returns not in RETURNS_POLICIES or not {customer, date, amount} <= set(columns):
            raise
        empty = error
    q = engine.quote
    c, d, a = q(customer), q(date), q(amount)
    parsed_date = f"CAST({d} AS TIMESTAMP)" if _kind(columns[date]) == "time" else f"TRY_CAST({d} AS TIMESTAMP)"
    parsed_amount = f"CAST({a} AS DOUBLE)" if _kind(columns[amount]) == "number" else f"TRY_CAST({a} AS DOUBLE)"
    view = engine.view(
        f"SELECT {c} AS customer_id, {parsed_date} AS date, {parsed_amount} AS amount FROM {source}"
        + (f" WHERE {parsed_amount} > 0" if returns == "drop" else "")
    )
    id_dtype, date_dtype = _pandas_dtypes(engine, source, customer, date, amount)
    last = engine.all_clear(columns, customer, date, amount, asof, returns)
    if last is None:
        last = _check_rows(engine, source, customer, date, amount, asof, returns, parsed_date, parsed_amount,
                           empty)
    return _Prepared(engine, view, id_dtype, date_dtype, last)


def _check_rows(engine, source, customer, date, amount, asof, returns, parsed_date, parsed_amount, empty):
    """The checks of validate_transactions on every row, in one pass; the last kept purchase date."""
    c, d, a = engine.quote(customer), engine.quote(date), engine.quote(amount)
    at = _timestamp_literal(asof)
    conditions = {
        "missing_ids": f"{c} IS NULL",
        "unparsable_dates": f"{d} IS NOT NULL AND {parsed_date} IS NULL",
        "missing_dates": f"{parsed_date} IS NULL",
        "not_numbers": f"{a} IS NOT NULL AND {parsed_amount} IS NULL",
        "missing_amounts": f"({parsed_amount} IS NULL OR isnan({parsed_amount}))",
        "future": f"{parsed_date} > {at}",
        "nonpositive": f"{parsed_amount} <= 0",
    }
    counts = ",\n       ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {key}" for key, cond in conditions.items())
    kept = "" if returns != "drop" else f" AND {parsed_amount} > 0"
    (n, *found, first, last, last_kept) = engine.rows(
        f"SELECT COUNT(*) AS n,\n       {counts},\n       MIN({parsed_date}), MAX({parsed_date}),\n"
        f"       MAX(CASE WHEN {parsed_date} IS NOT NULL{kept} THEN {parsed_date} END)\nFROM {source}"
    )[0]
    found = dict(zip(conditions, (int(x or 0) for x in found), strict=True))
    if n == 0:
        raise empty
    for key in ("missing_ids", "unparsable_dates", "missing_dates", "not_numbers", "missing_amounts"):
        if found[key]:
            raise _sql_problem(engine, source, key, found[key], conditions[key], (customer, date, amount))
    if pd.Timestamp(first) > asof:
        raise DataError(
            f"column {date!r}: asof {asof.date()} is before every purchase (the first is "
            f"{pd.Timestamp(first).date()}): choose an analysis date after the purchases"
        )
    if found["future"]:
        raise _sql_problem(engine, source, "future", found["future"], conditions["future"],
                           (customer, date, amount), asof=asof.date())
    if found["nonpositive"]:
        if returns == "error":
            raise _sql_problem(engine, source, "nonpositive", found["nonpositive"], conditions["nonpositive"],
                               (customer, date, amount))
        if returns == "drop":
            warnings.warn(
                f"dropped {found['nonpositive']:,} of {n:,} rows with a zero or negative amount (returns) "
                f"from column {amount!r}; pass returns='keep' to net them instead",
                DataWarning,
                stacklevel=6,
            )
    return pd.Timestamp(last_kept) if last_kept is not None else None


def _sql_problem(engine, source, key, count, condition, names, **fill) -> DataError:
    role, what, fix = _PROBLEMS[key]
    column = dict(zip(("customer", "date", "amount"), names, strict=True))[role]
    rows = engine.rows(
        f"SELECT position, value FROM (\n"
        f"    SELECT {engine.row_number()} - 1 AS position, {engine.quote(column)} AS value, {condition} AS bad\n"
        f"    FROM {source}\n) AS numbered\nWHERE bad\nORDER BY position\nLIMIT {SHOWN_ROWS}"
    )
    shown = [(int(position), pd.Timestamp(value) if hasattr(value, "hour") else value) for position, value in rows]
    return DataError(f"column {column!r}: {what.format(**fill)} in {_rows_text(count, shown)}. {fix}")


def _pandas_dtypes(engine, source, customer, date, amount):
    """The dtypes of customer_id and date that pandas gives these transactions: the source read
    into pandas as its own reader would (a few rows), then validated."""
    try:
        sample = engine.sample(source, 5)
        clean = validate_transactions(sample, customer, date, amount, returns="keep")
        return clean["customer_id"].dtype, clean["date"].dtype
    except (DataError, ValueError, TypeError):
        return None, np.dtype("datetime64[us]")


def _file_dtypes(path: Path, customer: str, date: str, amount: str):
    """As _pandas_dtypes, for a file read by pandas itself (pandas.read_parquet, pandas.read_csv)."""
    first = _files(path)[0]
    try:
        if first.suffix.lower() in _PARQUET:
            import pyarrow.parquet as pq

            sample = next(pq.ParquetFile(first).iter_batches(batch_size=5)).to_pandas()
        else:
            sample = pd.read_csv(first, nrows=5)
        clean = validate_transactions(sample, customer, date, amount, returns="keep")
        return clean["customer_id"].dtype, clean["date"].dtype
    except (DataError, ValueError, TypeError, StopIteration):
        return None, np.dtype("datetime64[us]")


def _prepare(transactions, connection, customer, date, amount, asof, returns) -> _Prepared:
    if _is_spark_frame(transactions):
        engine = _Spark(transactions.sparkSession if connection is None else connection)
    elif _is_spark_session(connection):
        engine = _Spark(connection)
    else:
        engine = _DuckDB(connection)
    try:
        if isinstance(transactions, pd.DataFrame):
            return _from_frame(engine, transactions, customer, date, amount, asof, returns)
        if _is_spark_frame(transactions):
            source = engine.table(transactions)
            return _check_in_sql(engine, source, customer, date, amount, asof, returns)
        if isinstance(transactions, (str, Path)):
            path = Path(transactions)
            if path.exists():
                source = engine.file(path, date)
                prepared = _check_in_sql(engine, source, customer, date, amount, asof, returns)
                prepared.id_dtype, prepared.date_dtype = _file_dtypes(path, customer, date, amount)
                return prepared
            if connection is None:
                raise DataError(
                    f"there is no file or folder {str(transactions)!r}: give a pandas DataFrame, a Parquet "
                    "or CSV file or folder, or a table name with connection= (a DuckDB connection or "
                    "database file, or a Spark session)"
                )
            source = engine.table(str(transactions))
            return _check_in_sql(engine, source, customer, date, amount, asof, returns)
        raise DataError(
            f"transactions must be a pandas DataFrame, a Parquet or CSV file or folder, a table name "
            f"or a Spark DataFrame, got {type(transactions).__name__}"
        )
    except BaseException:
        engine.close()
        raise


def _run(transactions, asof, window_days, bins, customer, date, amount, returns, connection) -> pd.DataFrame:
    asof = pd.Timestamp(asof)
    prepared = _prepare(transactions, connection, customer, date, amount, asof, returns)
    try:
        _check_window(window_days)
        if bins is not None:
            _check_bins(bins)
        result = prepared.engine.query(rfm_query(asof, window_days, bins, table=prepared.view))
    finally:
        prepared.engine.close()
    if len(result) == 0 and window_days is not None and prepared.last is not None:
        raise _empty_window_error(date, window_days, asof, prepared.last)
    return _as_pandas_result(result, prepared, bins)


def _as_pandas_result(result: pd.DataFrame, prepared: _Prepared, bins) -> pd.DataFrame:
    """The engine's rows as crmlib.rfm's frame: customer_id index, the same columns and dtypes."""
    ids = result["customer_id"]
    if prepared.id_dtype is not None and ids.dtype != prepared.id_dtype:
        ids = ids.astype(prepared.id_dtype)
    table = pd.DataFrame(
        {
            "recency_days": result["recency_days"].astype("int64").to_numpy(),
            "frequency": result["frequency"].astype("int64").to_numpy(),
            "monetary": result["monetary"].astype("float64").to_numpy(),
            "avg_amount": result["avg_amount"].astype("float64").to_numpy(),
            "last_purchase": result["last_purchase"].astype(prepared.date_dtype).to_numpy(),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    if bins is not None:
        for letter in "RFM":
            table[letter] = result[letter].astype("int64").to_numpy()
        table["cell"] = table["R"].astype(str) + table["F"].astype(str) + table["M"].astype(str)
    if not table.index.is_monotonic_increasing:
        table = table.sort_index()
    return table


# --------------------------------------------------------------------------------------------
# the public functions


def rfm_table(
    transactions,
    asof,
    window_days: float | None = None,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    returns: str = "error",
    connection=None,
) -> pd.DataFrame:
    """The RFM table of :func:`crmlib.rfm.rfm_table`, computed in SQL by DuckDB or Spark.

    Runs :data:`RFM_TABLE_SQL` (see :func:`rfm_query`):

    - ``recency_days`` = whole days from the last purchase to ``asof`` (0 = bought on ``asof``)
    - ``frequency`` = purchases in the window, ``asof - window_days < date <= asof``
    - ``monetary`` = total amount in the window; ``avg_amount`` = monetary / frequency
    - ``last_purchase`` = date of the last purchase

    and returns exactly what ``crmlib.rfm.rfm_table(transactions, asof, window_days, ...)``
    returns for the same transactions (same index, columns, dtypes, values and errors). Source:
    Hughes (1994), *Strategic Database Marketing*; course chapters 5 and 13.

    Parameters
    ----------
    transactions : DataFrame, path, table name or Spark DataFrame
        One row per purchase: a pandas DataFrame (checked by
        :func:`crmlib.transactions.validate_transactions`, then queried by DuckDB without a
        copy); a Parquet or CSV file, or a folder of them (read by the engine, checked in SQL
        with the same messages; rows are numbered from 0 in file-name order, as pandas would);
        the name of a table in ``connection``; or a Spark DataFrame.
    asof : date-like
        The analysis date ("today").
    window_days : float or None
        Length of the period in days; ``None`` (the default here) takes all history.
    customer, date, amount : str
        Names of the customer-id, date and amount columns.
    returns : {"error", "drop", "keep"}
        Zero or negative amounts, as in :func:`~crmlib.transactions.validate_transactions`.
    connection : DuckDB connection, path of a DuckDB database, or SparkSession, optional
        Where the query runs. ``None``: a fresh in-memory DuckDB (or the Spark DataFrame's own
        session). A DuckDB database file is opened read-only. Only temporary views are created
        in it, and dropped at the end.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (sorted), one row per customer who bought in the window.

    Notes
    -----
    ``monetary`` is a sum of floating-point numbers: engines add in different orders, so totals
    can differ from pandas' in the last digit (about 1e-16 relative), well inside the tolerance
    of ``pandas.testing.assert_frame_equal``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlib import rfm
    >>> sales = pd.DataFrame({"customer_id": [7, 9, 7, 9, 8],
    ...                       "date": ["2024-01-05", "2024-03-15", "2024-12-30", "2024-12-31", "2023-06-01"],
    ...                       "amount": [20.0, 12.0, 35.5, 8.0, 99.0]})
    >>> table = rfm_table(sales, asof="2024-12-31", window_days=365)
    >>> table
                 recency_days  frequency  monetary  avg_amount last_purchase
    customer_id
    7                       1          2      55.5       27.75    2024-12-30
    9                       0          2      20.0       10.00    2024-12-31
    >>> table.equals(rfm.rfm_table(sales, "2024-12-31", 365))
    True
    """
    return _run(transactions, asof, window_days, None, customer, date, amount, returns, connection)


def rfm_scores(transactions, asof, window_days: float | None = None, bins: int = 5, customer: str = "customer_id",
               date: str = "date", amount: str = "amount", returns: str = "error", connection=None) -> pd.DataFrame:
    """The RFM table with its scores and cells, computed in SQL: :data:`RFM_SQL`.

    Equal to ``crmlib.rfm.rfm_scores(crmlib.rfm.rfm_table(transactions, asof, window_days), bins)``:
    the columns of :func:`rfm_table` plus ``R``, ``F``, ``M`` (1..bins, higher = better) and
    ``cell`` (e.g. ``"532"``). Each score is

        score = floor((rank - 1) x bins / n) + 1,   rank 1 = the worst value, n = customers

    with ``RANK()``: tied customers share the lowest position of their group, so ties are never
    split (the rule of :func:`crmlib.rfm.quantile_scores`). ``NTILE(bins)`` would split them.
    Parameters as in :func:`rfm_table`; ``bins`` from 2 to 9.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
    ...                    "date": ["2024-12-30", "2024-11-20", "2024-06-01", "2024-12-20", "2024-09-01"],
    ...                    "amount": [900.0, 150.0, 20.0, 400.0, 60.0]})
    >>> rfm_scores(tx, asof="2024-12-31")[["recency_days", "R", "F", "M", "cell"]]
                 recency_days  R  F  M cell
    customer_id
    a                       1  5  1  5  515
    b                      41  3  1  3  313
    c                     213  1  1  1  111
    d                      11  4  1  4  414
    e                     121  2  1  2  212
    """
    return _run(transactions, asof, window_days, bins, customer, date, amount, returns, connection)


def spark_session(cores: int = 2, memory: str = "2g"):
    """A Spark session in local mode on this machine, quiet, for the chapter and the tests.

    Local mode runs Spark's driver and executors in one Java process with ``cores`` threads:
    the same engine and the same SQL as on a cluster, without one. Settings: no web UI, no
    progress bars, logs at ERROR, ``2 x cores`` shuffle partitions (the default 200 is for
    clusters), Arrow for pandas conversions, and the session time zone UTC.

    Needs Java 17 or newer (Debian: ``apt-get install openjdk-17-jre-headless``) and pyspark
    (``pip install "crmlib[scale]"``); starting takes several seconds. Stop it with
    ``spark.stop()``. What the Java process prints (start-up notices, warnings) goes to the
    file ``crmlib-spark-<process id>.log`` in the temporary folder, not into the notebook.
    """
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise RuntimeError(
            "Spark needs Java 17 or newer, and there is no `java` on PATH and no JAVA_HOME: install it "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless; conda: conda install openjdk=17)"
        )
    _need("pyspark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no network interface needed
    builder = (
        SparkSession.builder.master(f"local[{int(cores)}]")
        .appName("crmlib")
        .config("spark.driver.memory", memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(2 * int(cores)))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
    )
    log = Path(tempfile.gettempdir()) / f"crmlib-spark-{os.getpid()}.log"
    with open(log, "ab") as sink, _quiet_pyspark():
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)  # the Java process started now inherits this standard error
        try:
            session = builder.getOrCreate()
        except Exception as error:
            raise RuntimeError(f"Spark did not start ({error}); Java's messages are in {log}") from error
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    session.sparkContext.setLogLevel("ERROR")
    return session
