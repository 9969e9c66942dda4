"""The one door for purchase data: every crmlib function that takes transactions goes through here.

A transaction table has one row per purchase: who bought (customer id), when (date) and how much
(amount). ``validate_transactions`` checks it and returns a clean copy with the standard column
names ``customer_id``, ``date`` and ``amount``; anything it cannot use raises
:class:`crmlib.DataError` with a message that names the column, the problem and the first
offending rows, so that the reader knows what to fix.
"""

from __future__ import annotations

import warnings

import pandas as pd

from crmlib.contract import DataError, DataWarning, column_error, require_columns

STANDARD_COLUMNS = ("customer_id", "date", "amount")
RETURNS_POLICIES = ("error", "drop", "keep")


def _converted(transactions: pd.DataFrame, column: str, convert, problem: str, fix: str) -> pd.Series:
    """``transactions[column]`` converted by ``convert`` (``pd.to_datetime`` or ``pd.to_numeric``);
    a :class:`DataError` names the rows whose values it cannot convert (missing values stay missing)."""
    values = transactions[column]
    converted = convert(values, errors="coerce")
    bad = converted.isna() & values.notna()
    if bad.any():
        raise column_error(transactions, column, bad, problem, fix)
    return converted


def validate_transactions(
    transactions: pd.DataFrame,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    asof=None,
    returns: str = "error",
) -> pd.DataFrame:
    """Check a transaction table and return a clean copy with the standard column names.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    customer, date, amount : str
        Names of the customer-id, purchase-date and purchase-amount columns in ``transactions``.
    asof : date-like, optional
        The analysis date ("today"). A purchase after it is an error: it cannot have happened yet.
    returns : {"error", "drop", "keep"}
        What to do with rows whose amount is zero or negative (returns, refunds, free items):
        ``"error"`` raises (the default: nothing is lost silently), ``"drop"`` removes them and
        warns with their count (also kept in ``result.attrs["dropped_rows"]``), ``"keep"`` keeps
        them so that totals are net of returns.

    Returns
    -------
    DataFrame
        A copy with columns ``customer_id``, ``date`` (datetime64) and ``amount`` (float64) first,
        the other columns after them, and the original index.

    Raises
    ------
    crmlib.DataError
        For an empty table, a missing column, a missing customer id, a missing or unparsable date,
        a missing or non-numeric amount, a zero or negative amount (with ``returns="error"``), or a
        purchase after ``asof``. The message names the column, the problem and the first rows.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"cust": ["a", "b"], "day": ["2004-11-01", "2004-11-20"],
    ...                    "yuan": ["120.5", "80"]})
    >>> clean = validate_transactions(tx, customer="cust", date="day", amount="yuan")
    >>> clean.columns.tolist()
    ['customer_id', 'date', 'amount']
    >>> clean["amount"].tolist()
    [120.5, 80.0]
    >>> validate_transactions(tx.assign(yuan=["120.5", "free"]), "cust", "day", "yuan")
    Traceback (most recent call last):
    ...
    crmlib.contract.DataError: column 'yuan': amounts are not numbers in 1 row: row 1 ('free'). ...
    """
    require_columns(transactions, (customer, date, amount), "the transactions",
                    "name the customer, date and amount columns with customer=, date=, amount=")
    if returns not in RETURNS_POLICIES:
        raise DataError(f"returns must be one of {RETURNS_POLICIES}, got {returns!r}")
    if len(transactions) == 0:
        raise DataError("the transactions are empty: there is no purchase to analyse")

    ids = transactions[customer]
    if ids.isna().any():
        raise column_error(transactions, customer, ids.isna(), "customer ids are missing",
                           "Every purchase needs the customer who made it.")

    dates = transactions[date]
    retyped = False
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = _converted(transactions, date, pd.to_datetime, "dates cannot be read", "Write dates as YYYY-MM-DD.")
        retyped = True
    if dates.isna().any():
        raise column_error(transactions, date, dates.isna(), "dates are missing",
                           "Every purchase needs the date it was made.")

    amounts = transactions[amount]
    if not pd.api.types.is_numeric_dtype(amounts) or pd.api.types.is_bool_dtype(amounts):
        amounts = _converted(transactions, amount, pd.to_numeric, "amounts are not numbers",
                             "Write amounts as plain numbers, without currency signs.")
        retyped = True
    if amounts.dtype != "float64":
        amounts, retyped = amounts.astype("float64"), True
    if amounts.isna().any():
        raise column_error(transactions, amount, amounts.isna(), "amounts are missing",
                           "Every purchase needs an amount.")

    if asof is not None:
        asof = pd.Timestamp(asof)
        if dates.min() > asof:
            raise DataError(
                f"column {date!r}: asof {asof.date()} is before every purchase (the first is "
                f"{dates.min().date()}): choose an analysis date after the purchases"
            )
        if dates.max() > asof:
            raise column_error(transactions, date, dates > asof, f"purchases are after asof {asof.date()}",
                               "A purchase cannot happen after the analysis date: check the dates or asof.")

    clean = transactions.rename(columns={customer: "customer_id", date: "date", amount: "amount"})
    if retyped:
        clean = clean.assign(date=dates.to_numpy(), amount=amounts.to_numpy())
    others = [c for c in clean.columns if c not in STANDARD_COLUMNS]
    if list(clean.columns[:3]) != list(STANDARD_COLUMNS):
        clean = clean[list(STANDARD_COLUMNS) + others]

    nonpositive = clean["amount"] <= 0
    if nonpositive.any():
        if returns == "error":
            raise column_error(transactions, amount, nonpositive.to_numpy(),
                               "amounts are zero or negative (returns?)",
                               "Pass returns='drop' to leave them out or returns='keep' to net them.")
        if returns == "drop":
            n = int(nonpositive.sum())
            warnings.warn(
                f"dropped {n:,} of {len(clean):,} rows with a zero or negative amount (returns) "
                f"from column {amount!r}; pass returns='keep' to net them instead",
                DataWarning,
                stacklevel=2,
            )
            clean = clean.loc[~nonpositive.to_numpy()]
            clean.attrs["dropped_rows"] = {"returns": n}
    return clean
