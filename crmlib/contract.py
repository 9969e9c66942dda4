"""What crmlib promises about bad input, in one place: its errors, its warning, and the checks
that many modules share (required columns, naming the first offending rows).

- :class:`DataError`: input data or an argument crmlib cannot use; the message names the column
  or argument, the problem, the first offending rows and how to fix it.
- :class:`DataWarning`: rows were dropped on purpose (for example returns); says how many and why.
- :class:`NotFittedError`: a model was used before ``fit`` (not a data problem).
- :func:`require_columns`: a table has the columns a function needs, or a :class:`DataError`
  names the first missing one, the columns there are and what to pass instead.
- :func:`first_rows`: "2 rows: row 1 ('¥250'), row 3 ('sixty')", the offending rows a message
  names (the first :data:`SHOWN_ROWS`, then how many more).
- :func:`column_error`: the :class:`DataError` for bad values in one column, in the words
  "column 'amount': amounts are not numbers in 2 rows: row 1 ('¥250'), row 3 ('sixty'). <fix>".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

SHOWN_ROWS = 5
"""How many offending rows a message lists before it says "and N more"."""


class DataError(ValueError):
    """Input data that crmlib cannot use, with a message that says how to fix it.

    The message names the column, the problem and the first offending rows, for example::

        column 'amount': amounts are not numbers in 2 rows: row 1 ('¥250'), row 3 ('sixty')

    It is a ``ValueError``, so code that already catches ``ValueError`` keeps working.
    """


class DataWarning(UserWarning):
    """Rows were dropped on purpose (for example returns); the message says how many and why."""


class NotFittedError(ValueError, AttributeError):
    """A model was asked for predictions before it was fitted: call ``fit`` (or ``from_params``) first.

    Like scikit-learn's ``NotFittedError`` it is both a ``ValueError`` and an ``AttributeError``;
    it is not a :class:`DataError`, because nothing is wrong with the data.
    """


def require_columns(frame, columns: Iterable, what: str, fix: str) -> None:
    """Check that ``frame`` is a DataFrame with every one of ``columns``; else raise :class:`DataError`.

    The message names the first missing column, the columns ``frame`` has, and ``fix``::

        column '<first missing>' is missing from <what> (columns: [...]): <fix>

    and for anything but a DataFrame ``<what> must be a pandas DataFrame, got <type>``.

    Parameters
    ----------
    frame : DataFrame
        The table to check.
    columns : iterable of str
        The columns needed, in the order they are reported.
    what : str
        The table in the reader's words: "the transactions", "the RFM table", "the survey".
    fix : str
        What to do about it, e.g. "pass the output of crmlib.rfm.rfm_table()".

    Examples
    --------
    >>> table = pd.DataFrame({"monetary": [90.0]})
    >>> require_columns(table, ["monetary"], "the RFM table", "pass the output of rfm_table()")
    >>> require_columns(table, ["recency_days", "frequency"], "the RFM table", "pass the output of rfm_table()")
    Traceback (most recent call last):
    ...
    crmlib.contract.DataError: column 'recency_days' is missing from the RFM table (columns: ['monetary']): pass ...
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataError(f"column {missing[0]!r} is missing from {what} (columns: {list(frame.columns)}): {fix}")


def _label(label) -> str:
    return repr(label) if isinstance(label, str) else str(label)


def _value(value) -> str:
    return "missing" if pd.api.types.is_scalar(value) and pd.isna(value) else repr(value)


def first_rows(labels, mask, values=None, noun: str = "row") -> str:
    """How many entries ``mask`` marks, and the first :data:`SHOWN_ROWS` of them by label.

    - without ``values``: ``"3 customers: 17, 42, 99"`` (labels; text labels in quotes)
    - with ``values``: ``"2 rows: row 1 ('¥250'), row 3 ('sixty')"`` (each label with its value;
      a missing value is shown as ``missing``)

    and ``" and N more"`` after the first five. Messages put it after "in" or "for":
    "dates are missing in 2 rows: ...", "t_x is negative for 1 customer: 'bob'".

    Parameters
    ----------
    labels : Index or sequence
        The label of every entry (normally ``frame.index``).
    mask : array-like of bool
        True for the offending entries; the same length as ``labels``.
    values : Series or sequence, optional
        The offending column, the same length as ``labels``: its values are shown beside the labels.
    noun : str
        What an entry is: "row", "customer", "period" ...; an "s" is added for more than one.

    Examples
    --------
    >>> first_rows(pd.Index([17, 42, 99, 5]), [True, True, True, False], noun="customer")
    '3 customers: 17, 42, 99'
    >>> first_rows(pd.RangeIndex(4), [False, True, False, True], values=["10", "¥250", "3", None])
    "2 rows: row 1 ('¥250'), row 3 (missing)"
    >>> first_rows(list("abcdefg"), [True] * 7)
    "7 rows: 'a', 'b', 'c', 'd', 'e' and 2 more"
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    shown = positions[:SHOWN_ROWS]
    names = [_label(label) for label in pd.Index(labels)[shown].tolist()]
    if values is not None:
        shown_values = pd.Series(values).iloc[shown].tolist()
        names = [f"{noun} {name} ({_value(value)})" for name, value in zip(names, shown_values, strict=True)]
    more = f" and {len(positions) - SHOWN_ROWS:,} more" if len(positions) > SHOWN_ROWS else ""
    return f"{len(positions):,} {noun}{'s' if len(positions) != 1 else ''}: {', '.join(names)}{more}"


def column_error(frame: pd.DataFrame, column, mask, problem: str, fix: str = "") -> DataError:
    """The :class:`DataError` for bad values in one column of ``frame``, naming the rows and their values.

    ``column '<column>': <problem> in <first_rows>. <fix>``, where the rows are those ``mask``
    marks, shown with their values in ``frame[column]``. Raise what it returns:
    ``raise column_error(...)``.

    Examples
    --------
    >>> tx = pd.DataFrame({"amount": ["100", "¥250", "80", "sixty"]})
    >>> bad = pd.to_numeric(tx["amount"], errors="coerce").isna()
    >>> print(column_error(tx, "amount", bad, "amounts are not numbers", "Write amounts as plain numbers."))
    column 'amount': amounts are not numbers in 2 rows: row 1 ('¥250'), row 3 ('sixty'). Write amounts as plain numbers.
    """
    rows = first_rows(frame.index, mask, frame[column])
    return DataError(f"column {column!r}: {problem} in {rows}." + (f" {fix}" if fix else ""))
