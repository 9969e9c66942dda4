"""Purchase-cycle alerts: spotting valuable customers who have stopped buying (chapter 6).

The Quansheng case (全胜公司) of the course source: for each customer of the past 365 days,

- F = number of purchases in the window (采购次数), column ``frequency``
- P = 365 / F, the average purchase cycle in days (平均采购周期), column ``cycle_days``
- R = days from the last purchase D to today (最近一次购买距今天数), column ``recency_days``
- delta = P - R, column ``delta``

(The columns have words, as in :func:`crmlib.rfm.rfm_table`: in :func:`crmlib.rfm.rfm_scores` the
letters R, F and M are 1-5 scores, not days or counts.)

delta > 0: still inside the usual cycle (safe). delta = 0: on the line. delta < 0: overdue. How
far overdue matters: 4 days over a 46-day cycle is normal fluctuation (treat it like delta = 0);
26 days over a 17-day cycle means the customer has missed more than a whole cycle: high risk,
assign a sales representative at once.
"""

from __future__ import annotations

import pandas as pd

from crmlib.contract import DataError
from crmlib.rfm import rfm_table

ALERT_STATUSES = ("safe", "watch", "at risk", "high risk")
"""Alert statuses ordered from safe to high risk."""

STATUS_ACTIONS = {
    "safe": "inside the usual purchase cycle: no action",
    "watch": "on the line or a little over (normal fluctuation): keep an eye on the next order",
    "at risk": "overdue by a noticeable part of the cycle: ask the sales rep to call",
    "high risk": "has missed more than a whole cycle: assign a sales rep at once and find the cause",
}


def alert_status(delta, cycle_days, tolerance: float = 0.25) -> pd.Series:
    """Classify delta = P - R into the ordered statuses of :data:`ALERT_STATUSES`.

    ``cycle_days`` is the purchase cycle P. With overdue = max(0, -delta):

    - ``safe``: delta > 0
    - ``watch``: overdue <= tolerance x P (delta = 0 included: "on the line")
    - ``at risk``: tolerance x P < overdue <= P
    - ``high risk``: overdue > P (R > 2P: a whole cycle missed)

    Examples
    --------
    >>> alert_status([3.0, 0.0, -4.375, -8.0, -25.6], [20.0, 73.0, 45.625, 17.4, 17.4]).tolist()
    ['safe', 'watch', 'watch', 'at risk', 'high risk']
    """
    if not 0 <= tolerance <= 1:
        raise DataError(f"tolerance is a share of the cycle between 0 and 1, got {tolerance!r}")
    delta = pd.Series(delta, dtype="float64")
    cycle_days = pd.Series(cycle_days, dtype="float64", index=delta.index)
    overdue = (-delta).clip(lower=0)
    status = pd.Series("high risk", index=delta.index, dtype=object)
    status[overdue <= cycle_days] = "at risk"
    status[overdue <= tolerance * cycle_days] = "watch"
    status[delta > 0] = "safe"
    return pd.Series(pd.Categorical(status, categories=ALERT_STATUSES, ordered=True), index=delta.index)


ALERT_COLUMNS = ("frequency", "cycle_days", "recency_days", "delta", "overdue_days", "last_purchase", "status")
"""The columns of :func:`purchase_cycle_alerts`, in order; the case's F, P and R are ``frequency``,
``cycle_days`` and ``recency_days``."""


def purchase_cycle_alerts(
    transactions: pd.DataFrame,
    asof,
    window_days: int = 365,
    tolerance: float = 0.25,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    returns: str = "error",
) -> pd.DataFrame:
    """Per customer: F, P = window_days / F, R, delta = P - R, overdue days and an alert status.

    - ``frequency``: F, the number of purchases in the window (采购次数)
    - ``cycle_days``: P = window_days / F, the average purchase cycle in days (平均采购周期)
    - ``recency_days``: R, the days from the last purchase to ``asof`` (as in :func:`crmlib.rfm.rfm_table`)
    - ``delta`` = P - R: positive inside the usual cycle, negative when overdue
    - ``overdue_days`` = max(0, -delta)
    - ``last_purchase``: the date of the last purchase
    - ``status``: :func:`alert_status` of delta against P

    Source: the Quansheng case, course chapter 2 (案例分析: 用RFM保持有价值客户).

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    asof : date-like
        Today (the case uses 2004-11-27).
    window_days : int
        The statistics window (the case: the past 365 days).
    tolerance : float
        Overdue by at most this share of the cycle counts as normal fluctuation ("watch").
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, the columns of :data:`ALERT_COLUMNS` (``status`` an ordered
        categorical), sorted from the highest risk and the most overdue down.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["乙"] * 8,
    ...     "date": pd.date_range(end="2004-10-08", periods=8, freq="35D"), "amount": 1000.0})
    >>> alerts = purchase_cycle_alerts(tx, asof="2004-11-27")
    >>> alerts[["frequency", "cycle_days", "recency_days", "delta", "status"]]
                 frequency  cycle_days  recency_days  delta status
    customer_id
    乙                    8      45.625            50 -4.375  watch
    """
    table = rfm_table(transactions, asof, window_days=window_days, customer=customer, date=date, amount=amount,
                      returns=returns)
    alerts = pd.DataFrame(index=table.index)
    alerts["frequency"] = table["frequency"]
    alerts["cycle_days"] = window_days / table["frequency"]
    alerts["recency_days"] = table["recency_days"]
    alerts["delta"] = alerts["cycle_days"] - alerts["recency_days"]
    alerts["overdue_days"] = (-alerts["delta"]).clip(lower=0)
    alerts["last_purchase"] = table["last_purchase"]
    alerts["status"] = alert_status(alerts["delta"], alerts["cycle_days"], tolerance)
    return alerts.sort_values(["status", "overdue_days"], ascending=[False, False], kind="stable")
