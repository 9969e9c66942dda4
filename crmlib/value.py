"""Customer value: delivered value, the 20/80 rule, size tiers and the profitability pyramid (chapters 1, 3, 4, 6).

Two different ideas live here and must not be confused:

- **size tiers** (:func:`value_tiers`): customers ranked by what they bought and cut at fixed
  shares of the customer count, by default the Quansheng case's top 1 % / high 4 % / mid 15 % /
  low 80 % (顶端 / 高端 / 中端 / 低端客户). They say how big a customer is, not whether the firm
  makes money on them.
- the **customer pyramid** (客户金字塔, :func:`profitability_pyramid`): customers by
  *profitability*, after Zeithaml, Rust & Lemon (2001). Lead (重铅) customers are those with a
  **negative** lifetime value (the course source, slides 40-41): the firm loses money on them.
  Diamond (钻石), gold (黄金) and brass (黄铜) split the profitable ones.

A low-tier customer is not a lead customer: at CDNOW the bottom 80 % by spending made 32 % of it.

References
----------
Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: creating and serving
profitable customers. *California Management Review* 43(4), 118-142.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.contract import DataError, first_rows

TIER_SHARES = (0.01, 0.04, 0.15, 0.80)
"""Shares of customers in the top / high / mid / low size tiers (the Quansheng case: 1 %, 4 %, 15 %, 80 %)."""

TIERS = ("top", "high", "mid", "low")
"""The size tiers of the Quansheng case, largest customers first."""

TIER_CHINESE = {"top": "顶端客户", "high": "高端客户", "mid": "中端客户", "low": "低端客户"}

PYRAMID = ("diamond", "gold", "brass", "lead")
"""The customer pyramid (客户金字塔) by profitability: diamond 钻石, gold 黄金, brass 黄铜, lead 重铅."""

PYRAMID_CHINESE = {"diamond": "钻石", "gold": "黄金", "brass": "黄铜", "lead": "重铅"}

PYRAMID_SHARES = (0.10, 0.30, 0.60)
"""Default shares of the *profitable* customers in diamond / gold / brass (a convention of this
course: Zeithaml, Rust & Lemon (2001) fix no shares). Lead is not a share: it is every customer
whose lifetime value is negative."""

PYRAMID_MOVES = {
    "diamond": ("strengthen", "extend", "loyalty care"),
    "gold": ("move up", "extend", "care"),
    "brass": ("move up", "maintain", "cut benefits"),
    "lead": ("move up", "cut benefits"),
}
"""What to do with each level of the pyramid ("make the customer pyramid move", 让客户金字塔动起来:
course source, slide 41). The moves presuppose the profitability pyramid: "cut benefits" is advice
for customers the firm loses money on, not for every small customer."""


def delivered_value(total_customer_value: float, total_customer_cost: float) -> float:
    """Customer delivered value (让渡价值) = total customer value - total customer cost.

    Total value: product, service, personnel and image value the customer receives; total cost:
    money, time, energy and effort the customer spends. Source: course chapter 2, 2.1.5.

    >>> delivered_value(1200, 900)
    300
    """
    return total_customer_value - total_customer_cost


def simple_ltv(average_annual_spend: float, loyal_years: float, margin: float) -> float:
    """The essay's simple lifetime value, on profit: LTV = average annual spend x margin x expected loyal years.

    The value-segmentation essay writes LTV = average annual spend x expected loyal years
    (客户每年的平均支出乘以该客户作为忠诚客户的预期年限). Spend is revenue, not value: the firm keeps
    only its margin on it, so the margin is a required argument (``margin=1`` gives the essay's
    revenue figure, which is not a value). Undiscounted; see :func:`crmlib.clv.customer_lifetime_value`
    for discounting and :func:`crmlib.clv.expected_lifetime_value` for uncertain loyalty.

    Parameters
    ----------
    average_annual_spend : float
        What the customer spends with the firm in a year (revenue).
    loyal_years : float
        How many years the customer is expected to stay.
    margin : float
        Share of the spend the firm keeps as profit, between 0 and 1 (0.30 for a 30 % gross margin).

    Examples
    --------
    A customer who spends 8,000 yuan a year at a 30 % margin brings 2,400 yuan of profit a year,
    the source's 100 yuan a purchase x 2 purchases a month x 12; over 20 years:

    >>> simple_ltv(8000, 20, margin=0.30)
    48000.0
    """
    if not 0 <= margin <= 1:
        raise DataError(f"margin is the share of spend kept as profit, between 0 and 1 (30 % = 0.30), got {margin!r}")
    return float(average_annual_spend * margin * loyal_years)


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
    """Split customers into size tiers by rank: top 1 %, high 4 %, mid 15 %, low 80 % by default.

    Customers are ranked by value (largest first; equal values in customer-id order) and cut at
    the cumulative shares (:func:`tier_sizes`). The tiers say how *big* a customer is in what was
    measured (the Quansheng case ranks by total purchases TM); they are not the profitability
    pyramid (:func:`profitability_pyramid`), whose lead level holds the customers with a negative
    lifetime value.

    Source: the Quansheng case (course source, slide 75: TM sorted descending; the first 1 %,
    about 10, are top customers 顶端客户, the next 4 %, about 40, high-end 高端客户, the next 15 %,
    about 150, mid-range 中端客户, the remaining 800 low-end 低端客户).

    Returns
    -------
    DataFrame
        Indexed like ``values`` in rank order: ``value``, ``rank`` and ``tier`` (ordered
        categorical, best first).

    Examples
    --------
    >>> tiers = value_tiers(pd.Series(range(1000, 0, -1)))
    >>> tiers["tier"].value_counts(sort=False).to_dict()
    {'top': 10, 'high': 40, 'mid': 150, 'low': 800}
    """
    labels = tuple(labels)
    if len(labels) != len(shares):
        raise DataError(f"{len(shares)} shares but {len(labels)} labels: give one label per tier")
    ranked = _ranked(_values(values))
    sizes = tier_sizes(len(ranked), shares)
    tiers = pd.DataFrame({"value": ranked, "rank": np.arange(1, len(ranked) + 1)})
    tiers["tier"] = pd.Categorical(np.repeat(labels, sizes), categories=labels, ordered=True)
    return tiers


def profitability_pyramid(ltv, shares=PYRAMID_SHARES) -> pd.DataFrame:
    """The customer pyramid (客户金字塔) by profitability: lead = negative lifetime value, the rest by rank.

    - **lead** (重铅): every customer whose ``ltv`` is below zero, the customers the firm loses
      money on (course source, slide 40: 负生命周期价值 = 重铅客户);
    - the others (``ltv`` >= 0) are ranked from the most profitable down and cut at ``shares``
      of *their* number into **diamond** (钻石), **gold** (黄金) and **brass** (黄铜), as
      :func:`tier_sizes` cuts (equal values in customer-id order).

    ``ltv`` must be a profit figure (lifetime value or profit per customer, after product and
    service costs), never sales: ranking by spend gives size tiers (:func:`value_tiers`), and no
    spend is negative. The idea and the levels are Zeithaml, Rust & Lemon's (2001) customer
    pyramid (their platinum, gold, iron and lead); the shares of the profitable levels are a
    convention (:data:`PYRAMID_SHARES`), the lead level is not.

    Parameters
    ----------
    ltv : Series
        Lifetime value or profit per customer, indexed by customer.
    shares : three floats adding up to 1
        Shares of the profitable customers in diamond, gold and brass.

    Returns
    -------
    DataFrame
        Indexed like ``ltv`` in rank order (most profitable first): ``value``, ``rank`` and
        ``pyramid`` (ordered categorical diamond, gold, brass, lead).

    Examples
    --------
    >>> ltv = pd.Series([250.0, 120.0, 40.0, 35.0, 10.0, 0.0, -5.0, -30.0, 60.0, 15.0],
    ...                 index=list("abcdefghij"))
    >>> pyramid = profitability_pyramid(ltv)
    >>> pyramid["pyramid"].value_counts(sort=False).to_dict()
    {'diamond': 1, 'gold': 2, 'brass': 5, 'lead': 2}
    >>> pyramid.loc[["g", "h"], "pyramid"].tolist()
    ['lead', 'lead']
    """
    shares = tuple(shares)
    if len(shares) != 3:
        raise DataError(f"shares are the shares of the profitable customers in diamond, gold and brass: "
                        f"give three numbers adding up to 1, got {shares!r}")
    ranked = _ranked(_values(ltv, name="ltv"))
    profitable = int((ranked >= 0).sum())
    sizes = [*tier_sizes(profitable, shares), len(ranked) - profitable] if profitable else [0, 0, 0, len(ranked)]
    pyramid = pd.DataFrame({"value": ranked, "rank": np.arange(1, len(ranked) + 1)})
    pyramid["pyramid"] = pd.Categorical(np.repeat(PYRAMID, sizes), categories=PYRAMID, ordered=True)
    return pyramid
