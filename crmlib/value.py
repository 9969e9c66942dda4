"""Customer value: delivered value, the 20/80 rule, value tiers and the customer pyramid (chapters 1 and 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.contract import DataError, first_rows

TIER_SHARES = (0.01, 0.04, 0.15, 0.80)
"""Shares of customers in the top / high / mid / low tiers (the Quansheng case: 1 %, 4 %, 15 %, 80 %)."""

TIERS = ("top", "high", "mid", "low")
PYRAMID = ("diamond", "gold", "brass", "lead")
"""The customer pyramid (客户金字塔): diamond 钻石, gold 黄金, brass 黄铜, lead 重铅."""

PYRAMID_CHINESE = {"diamond": "钻石", "gold": "黄金", "brass": "黄铜", "lead": "重铅"}

TIER_MOVES = {
    "diamond": ("strengthen", "extend", "loyalty care"),
    "gold": ("move up", "extend", "care"),
    "brass": ("move up", "maintain", "cut benefits"),
    "lead": ("move up", "cut benefits"),
}
"""What to do with each tier of the pyramid (course source, value segmentation)."""


def delivered_value(total_customer_value: float, total_customer_cost: float) -> float:
    """Customer delivered value (让渡价值) = total customer value - total customer cost.

    Total value: product, service, personnel and image value the customer receives; total cost:
    money, time, energy and effort the customer spends. Source: course chapter 2, 2.1.5.

    >>> delivered_value(1200, 900)
    300
    """
    return total_customer_value - total_customer_cost


def simple_ltv(average_annual_spend: float, loyal_years: float) -> float:
    """The essay's simple lifetime value: LTV = average annual spend x expected loyal years.

    >>> simple_ltv(2400, 20)
    48000
    """
    return average_annual_spend * loyal_years


def share_of_wallet(our_spend: float, category_spend: float) -> float:
    """Share of wallet (钱包份额) = what the customer spends with us / their total spend in the category.

    The essay's example: a customer spends 1,000 a year on the category; our 100 is 10 %.

    >>> share_of_wallet(100, 1000)
    0.1
    """
    if category_spend <= 0:
        raise DataError(f"category_spend must be positive, got {category_spend!r}")
    if our_spend < 0 or our_spend > category_spend:
        raise DataError(
            f"our_spend {our_spend!r} must be between 0 and the category spend {category_spend!r}"
        )
    return our_spend / category_spend


def _values(values, name: str = "values") -> pd.Series:
    values = pd.Series(values)
    if len(values) == 0:
        raise DataError(f"{name} are empty: there are no customers")
    if not pd.api.types.is_numeric_dtype(values):
        raise DataError(f"{name} must be numbers, got dtype {values.dtype}")
    if values.isna().any():
        raise DataError(f"{name}: no value for {first_rows(values.index, values.isna(), noun='customer')}")
    return values


def _ranked(values: pd.Series) -> pd.Series:
    """Values sorted from the largest down; equal values in the order of their customer ids."""
    return values.sort_index(kind="stable").sort_values(ascending=False, kind="stable")


def pareto_table(values) -> pd.DataFrame:
    """Customers ranked by value with cumulative shares: the data of a Pareto (20/80) curve.

    Columns: ``value``, ``rank`` (1 = most valuable), ``customer_share`` (cumulative share of
    customers) and ``value_share`` (cumulative share of total value).

    >>> pareto_table(pd.Series({"a": 10.0, "b": 60.0, "c": 30.0}))
       value  rank  customer_share  value_share
    b   60.0     1        0.333333          0.6
    c   30.0     2        0.666667          0.9
    a   10.0     3        1.000000          1.0
    """
    ranked = _ranked(_values(values)).astype("float64")
    total = ranked.sum()
    if total <= 0:
        raise DataError("the values add up to zero or less: there is no value to share out")
    n = len(ranked)
    return pd.DataFrame(
        {
            "value": ranked,
            "rank": np.arange(1, n + 1),
            "customer_share": np.arange(1, n + 1) / n,
            "value_share": ranked.cumsum() / total,
        }
    )


def pareto_share(values, top: float = 0.2) -> float:
    """Share of total value that comes from the top ``top`` share of customers (the 20/80 rule).

    The top group is the first round(top x n) customers by value.

    >>> pareto_share(pd.Series([50, 20, 10, 10, 5, 5, 0, 0, 0, 0]), top=0.2)
    0.7
    """
    if not 0 < top <= 1:
        raise DataError(f"top is a share of customers between 0 and 1, got {top!r}")
    table = pareto_table(values)
    k = max(1, int(round(top * len(table))))
    return float(table["value_share"].iloc[k - 1])


def tier_sizes(n_customers: int, shares=TIER_SHARES) -> list[int]:
    """How many customers fall in each tier: cut points at round(cumulative share x n).

    >>> tier_sizes(1000)
    [10, 40, 150, 800]
    """
    shares = np.asarray(shares, dtype="float64")
    if shares.ndim != 1 or len(shares) == 0 or (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise DataError(f"shares must be positive and add up to 1 (e.g. {TIER_SHARES}), got {tuple(shares)}")
    cuts = np.rint(np.cumsum(shares) * n_customers).astype(int)
    cuts[-1] = n_customers
    return np.diff(np.concatenate([[0], cuts])).tolist()


def value_tiers(values, shares=TIER_SHARES, labels=TIERS) -> pd.DataFrame:
    """Split customers into value tiers by rank: top 1 %, high 4 %, mid 15 %, low 80 % by default.

    Customers are ranked by value (largest first; equal values in customer-id order) and cut at
    the cumulative shares (:func:`tier_sizes`). With four tiers each also gets its place in the
    customer pyramid: diamond, gold, brass, lead.

    Source: the Quansheng case (TM sorted descending: top 1 % ~ 10, next 4 % ~ 40, next 15 % ~ 150,
    the remaining 800) and the customer pyramid of the course's value-segmentation essay.

    Returns
    -------
    DataFrame
        Indexed like ``values`` in rank order: ``value``, ``rank``, ``tier`` (ordered
        categorical, best first) and, for four tiers, ``pyramid``.

    Examples
    --------
    >>> tiers = value_tiers(pd.Series(range(1000, 0, -1)))
    >>> tiers["tier"].value_counts(sort=False).tolist()
    [10, 40, 150, 800]
    >>> tiers["pyramid"].iloc[[0, 10, 50, 200]].tolist()
    ['diamond', 'gold', 'brass', 'lead']
    """
    labels = tuple(labels)
    if len(labels) != len(shares):
        raise DataError(f"{len(shares)} shares but {len(labels)} labels: give one label per tier")
    ranked = _ranked(_values(values))
    sizes = tier_sizes(len(ranked), shares)
    tiers = pd.DataFrame({"value": ranked, "rank": np.arange(1, len(ranked) + 1)})
    tiers["tier"] = pd.Categorical(np.repeat(labels, sizes), categories=labels, ordered=True)
    if len(labels) == len(PYRAMID):
        tiers["pyramid"] = pd.Categorical(np.repeat(PYRAMID, sizes), categories=PYRAMID, ordered=True)
    return tiers
