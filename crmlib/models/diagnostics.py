"""Checking a fitted BG/NBD model against the data: the tables behind chapter 9's figures.

Each function returns a table with an ``actual`` and an ``expected`` column (the model's), and
:mod:`crmlib.plots` draws it:

======================================  ============================================  ==============================
table                                   compares, for the customers of a summary      drawn by ``crmlib.plots.``
======================================  ============================================  ==============================
:func:`purchase_count_table`            how many made 0, 1, 2, ... repeat purchases   ``period_transactions``
:func:`tracking_table`                  repeat purchases period by period             ``tracking_plot``
:func:`conditional_expectation_table`   holdout purchases by calibration purchases    ``conditional_expectation_plot``
:func:`p_alive_grid`                    (the model alone) P(alive) by x and t_x       ``p_alive_matrix``
======================================  ============================================  ==============================

These are the checks of Fader, Hardie & Lee (2005), "Counting your customers the easy way",
figures 1-3, and of lifetimes' plotting module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.btyd import DAYS_PER_UNIT
from crmlib.contract import DataError
from crmlib.transactions import validate_transactions

__all__ = ["purchase_count_table", "tracking_table", "conditional_expectation_table", "p_alive_grid"]


def _count_labels(max_count: int) -> pd.Index:
    if not isinstance(max_count, (int, np.integer)) or max_count < 1:
        raise DataError(f"max_count is the number of repeat purchases where the last group starts (7 for "
                        f"'7+'), a whole number of at least 1, got {max_count!r}")
    return pd.Index([*map(str, range(max_count)), f"{max_count}+"])


def _fitted(model, what: str):
    if not hasattr(model, "expected_purchases_new"):
        raise DataError(f"{what} needs a BG/NBD model (crmlib.models.BetaGeo), got {type(model).__name__}")
    model._check_fitted(what)
    return model


def purchase_count_table(model, summary, max_count: int = 7) -> pd.DataFrame:
    """How many customers made 0, 1, 2, ... repeat purchases in the calibration period, and the model's.

    expected(n) = sum over customers of P(X(T_i) = n) (:meth:`~crmlib.models.BetaGeo.probability_of_purchases`
    at each customer's age T_i); the last row, "max_count+", holds everyone else. Fader, Hardie &
    Lee (2005), figure 1.

    Returns
    -------
    DataFrame
        Indexed by ``repeat purchases`` ("0", "1", ..., "7+"): ``actual``, ``expected``.
        ``attrs["model"]`` names the model.

    Examples
    --------
    >>> from crmlib.models import BetaGeo
    >>> model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> customers = pd.DataFrame({"x": [0, 0, 1, 3], "t_x": [0.0, 0.0, 10.0, 30.0], "T": [38.0] * 4})
    >>> purchase_count_table(model, customers, max_count=2).round(2)
                      actual  expected
    repeat purchases
    0                      2      2.31
    1                      1      0.80
    2+                     1      0.90
    """
    model = _fitted(model, "purchase_count_table")
    labels = _count_labels(max_count)
    data = model._check(summary)
    x, T = data["x"].to_numpy(), data["T"].to_numpy()
    actual = np.bincount(np.minimum(x, max_count).astype("int64"), minlength=max_count + 1)
    expected = [float(np.sum(model.probability_of_purchases(T, n))) for n in range(max_count)]
    expected.append(len(x) - sum(expected))
    table = pd.DataFrame({"actual": actual, "expected": expected}, index=labels.rename("repeat purchases"))
    table.attrs["model"] = model.NAME
    return table


def conditional_expectation_table(model, summary, max_count: int = 7) -> pd.DataFrame:
    """Mean purchases in the holdout period by number of calibration purchases: actual and forecast.

    Customers are grouped by x (the last group "max_count+"); per group the mean of
    ``x_holdout`` against the mean of E[Y(T_holdout) | x, t_x, T]
    (:meth:`~crmlib.models.BetaGeo.expected_purchases`). Fader, Hardie & Lee (2005), figure 3.

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmlib.btyd.btyd_summary` with an ``observation_end``: columns ``x``, ``t_x``,
        ``T``, ``x_holdout`` and ``T_holdout``.

    Returns
    -------
    DataFrame
        Indexed by ``repeat purchases`` ("0", ..., "7+"): ``customers``, ``actual``, ``expected``.

    Examples
    --------
    >>> from crmlib.models import BetaGeo
    >>> model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> customers = pd.DataFrame({"x": [0, 0, 1, 3], "t_x": [0.0, 0.0, 10.0, 30.0], "T": [38.0] * 4,
    ...                           "x_holdout": [0, 1, 0, 2], "T_holdout": [39.0] * 4})
    >>> conditional_expectation_table(model, customers, max_count=2).round(2)
                      customers  actual  expected
    repeat purchases
    0                         2     0.5      0.20
    1                         1     0.0      0.43
    2+                        1     2.0      1.81
    """
    model = _fitted(model, "conditional_expectation_table")
    labels = _count_labels(max_count)
    missing = [c for c in ("x_holdout", "T_holdout") if c not in getattr(summary, "columns", [])]
    if missing:
        raise DataError(f"column {missing[0]!r} is missing: the summary needs a holdout period; build it with "
                        f"btyd_summary(transactions, calibration_end, observation_end)")
    forecast = model.expected_purchases(summary, summary["T_holdout"])
    group = np.minimum(summary["x"].to_numpy(), max_count).astype("int64")
    table = (pd.DataFrame({"actual": summary["x_holdout"].to_numpy(dtype="float64"),
                           "expected": forecast.to_numpy()})
             .groupby(group).agg(customers=("actual", "size"), actual=("actual", "mean"),
                                 expected=("expected", "mean"))
             .reindex(range(max_count + 1)))
    table.index = labels.rename("repeat purchases")
    table["customers"] = table["customers"].fillna(0).astype("int64")
    table.attrs["model"] = model.NAME
    return table


def tracking_table(transactions, model, calibration_end, observation_end, freq: str = "W",
                   customer: str = "customer_id", date: str = "date", amount: str = "amount",
                   returns: str = "error") -> pd.DataFrame:
    """Repeat purchases of a cohort period by period: actual, and expected by the model.

    Periods of ``freq`` (weeks or days) are counted from the cohort's first purchase day; the
    customers are those whose first purchase is on or before ``calibration_end`` (those of
    :func:`~crmlib.btyd.btyd_summary`), and a repeat purchase is a later purchase day of theirs.
    The expected cumulative repeat purchases at the end of period k add up each customer's
    E[X(t)] (:meth:`~crmlib.models.BetaGeo.expected_purchases_new`) at their age t, from their
    first purchase day to the last day of period k; the expected purchases of period k are its
    increase over period k - 1. Fader, Hardie & Lee (2005), figure 2 (weekly) and its cumulative
    form.

    Parameters
    ----------
    transactions : DataFrame
        Checked by :func:`crmlib.transactions.validate_transactions`, with ``customer``,
        ``date``, ``amount`` and ``returns`` (as for ``btyd_summary``: CDNOW needs
        ``returns="keep"`` to count its free items as purchases, as the papers do).
    model : crmlib.models.BetaGeo
        Fitted on the calibration period, in the time unit ``freq``.
    calibration_end, observation_end : date-like
        Last days of the calibration and holdout periods.
    freq : {"W", "D"}
        The time unit of the model and of the periods.

    Returns
    -------
    DataFrame
        Indexed by ``period`` (1, 2, ...): ``actual``, ``expected``. ``attrs`` hold
        ``calibration_periods`` (where the holdout starts), ``freq``, ``start`` (the first day)
        and ``model``. ``table.cumsum()`` gives the cumulative curves.

    Examples
    --------
    >>> from crmlib.models import BetaGeo
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2],
    ...                    "date": ["1997-01-01", "1997-01-09", "1997-01-20", "1997-01-03", "1997-01-25"],
    ...                    "amount": [10.0, 12.0, 8.0, 20.0, 15.0]})
    >>> model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> tracking_table(tx, model, "1997-01-14", "1997-01-28").round(3)
            actual  expected
    period
    1            0     0.077
    2            1     0.102
    3            1     0.096
    4            1     0.092
    """
    model = _fitted(model, "tracking_table")
    if freq not in DAYS_PER_UNIT:
        raise DataError(f"freq must be 'D' or 'W' (the time unit of the model), got {freq!r}")
    unit = int(DAYS_PER_UNIT[freq])
    calibration_end = pd.Timestamp(calibration_end).normalize()
    observation_end = pd.Timestamp(observation_end).normalize()
    if observation_end <= calibration_end:
        raise DataError(f"observation_end {observation_end.date()} must be after calibration_end "
                        f"{calibration_end.date()}: the holdout period follows the calibration period")
    tx = validate_transactions(transactions, customer=customer, date=date, amount=amount, returns=returns)
    days = pd.DataFrame({"customer_id": tx["customer_id"].to_numpy(),
                         "day": tx["date"].dt.normalize().to_numpy()}).drop_duplicates()
    days = days[days["day"] <= observation_end]
    first = days.groupby("customer_id")["day"].min()
    first = first[first <= calibration_end]
    if first.empty:
        raise DataError(f"column {date!r}: no first purchase on or before calibration_end {calibration_end.date()}")
    start = first.min()
    days = days[days["customer_id"].isin(first.index)]
    repeat_days = days.loc[days["day"] > days["customer_id"].map(first), "day"]

    n_periods = int(np.ceil(((observation_end - start).days + 1) / unit))
    periods = np.arange(1, n_periods + 1)
    actual = np.bincount(((repeat_days - start).dt.days // unit).to_numpy(), minlength=n_periods)[:n_periods]
    first_day = (first - start).dt.days.value_counts()  # customers per first-purchase day
    last_day = periods * unit - 1  # day number of the last day of each period
    age = np.clip(last_day[:, None] - first_day.index.to_numpy()[None, :], 0, None) / unit
    cumulative = (np.asarray(model.expected_purchases_new(age)) * first_day.to_numpy(dtype="float64")).sum(axis=1)
    table = pd.DataFrame({"actual": actual.astype("int64"), "expected": np.diff(cumulative, prepend=0.0)},
                         index=pd.Index(periods, name="period"))
    table.attrs.update(calibration_periods=((calibration_end - start).days + 1) / unit, freq=freq,
                       start=start, model=model.NAME)
    return table


def p_alive_grid(model, T: float, max_x: int = 14, points: int = 40) -> pd.DataFrame:
    """P(alive) of a customer aged ``T`` for x = 1..``max_x`` repeat purchases and t_x from T/points to T.

    (A customer with x = 0 has P(alive) = 1 in BG/NBD, whatever t_x: left out.) Lifetimes calls
    this the probability-alive matrix.

    Returns
    -------
    DataFrame
        Index ``x``, columns ``t_x`` (``points`` values), cells P(alive); ``attrs["T"]`` = T.

    Examples
    --------
    >>> from crmlib.models import BetaGeo
    >>> model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> p_alive_grid(model, T=39.0, max_x=3, points=3).round(2)
    t_x  13.0  26.0  39.0
    x
    1    0.50  0.66  0.75
    2    0.36  0.66  0.81
    3    0.22  0.64  0.85
    """
    model = _fitted(model, "p_alive_grid")
    if not T > 0:
        raise DataError(f"T is the customers' age, above 0, got {T!r}")
    if not isinstance(max_x, (int, np.integer)) or max_x < 1 or not isinstance(points, (int, np.integer)) \
            or points < 1:
        raise DataError(f"max_x and points are whole numbers of at least 1, got {max_x!r} and {points!r}")
    xs = np.arange(1, max_x + 1)
    t_x = np.linspace(T / points, T, points)
    grid = pd.DataFrame({"x": np.repeat(xs, points), "t_x": np.tile(t_x, max_x), "T": float(T)})
    values = model.p_alive(grid).to_numpy().reshape(max_x, points)
    table = pd.DataFrame(values, index=pd.Index(xs, name="x"), columns=pd.Index(t_x.round(6), name="t_x"))
    table.attrs["T"] = float(T)
    return table
