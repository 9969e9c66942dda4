"""Customer profitability and the value of the customer base (客户盈利能力与客户资产, chapter 10).

Revenue is not profit. A customer's **profit** is the gross margin on what they buy minus what it
costs to serve them (服务成本): handling every order, keeping the account, answering calls.
Ranked by profit, customers draw the **whale curve** (鲸鱼曲线): the most profitable make more
than all the profit, and the least profitable give part of it back. Looking forward, a customer's
value is the discounted margin they will bring while they stay (``crmlib.clv.retention_clv``),
and the value of the whole base, today's customers and those still to be won, is **customer
equity** (客户资产).

- :func:`cost_to_serve`, :func:`customer_profit`: profit per customer from transactions, a gross
  margin and the costs of an activity-based costing (per order, per customer);
- :func:`whale_curve`, :func:`whale_summary`: cumulative profit against customers ranked by profit
  (Kaplan & Narayanan 2001); :func:`crmlib.plots.whale_chart` draws it;
- :func:`loyalty_profit_segments`: Reinartz & Kumar's (2002) four kinds of customer by loyalty and
  profit ("loyal is not profitable");
- :func:`ltv_to_cac`, :func:`customer_equity`: a customer's value against what it cost to win, and
  the value of a customer base (Gupta, Lehmann & Stuart 2004);
- :func:`acquisition_cohorts`, :func:`cohort_table`, :func:`cohort_retention`: customers grouped by
  the period of their first purchase (获客群组), followed period by period; the C3 chart
  (customer cohort chart, :func:`crmlib.plots.c3_chart`) stacks their revenue.

An **order** is everything one customer buys on one day (one shipment): CDNOW, for example,
records some orders as several rows on the same day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv import _check_rate, retention_clv
from crmlib.contract import DataError, first_rows, require_columns
from crmlib.transactions import validate_transactions

__all__ = [
    "cost_to_serve",
    "customer_profit",
    "whale_curve",
    "whale_summary",
    "loyalty_profit_segments",
    "ltv_to_cac",
    "customer_equity",
    "acquisition_cohorts",
    "cohort_table",
    "cohort_retention",
]

PROFIT_COLUMNS = ("orders", "revenue", "gross_profit", "cost_to_serve", "profit")
"""The columns of :func:`customer_profit`, in order."""

LOYALTY_SEGMENTS = ("true friends", "butterflies", "barnacles", "strangers")
"""Reinartz & Kumar's (2002) four kinds of customer: long and profitable, short and profitable,
long and unprofitable, short and unprofitable."""

COHORT_VALUES = ("revenue", "customers", "orders")
COHORT_FREQS = ("D", "W", "M", "Q", "Y")


# --------------------------------------------------------------------------------------------
# profit per customer
# --------------------------------------------------------------------------------------------


def _orders(transactions, customer, date, amount, returns) -> pd.DataFrame:
    """One row per order (a customer's purchases on one day): ``customer_id``, ``date``, ``amount``."""
    clean = validate_transactions(transactions, customer, date, amount, returns=returns)
    day = clean["date"].dt.normalize()
    return clean.groupby([clean["customer_id"], day.rename("date")], sort=True)["amount"].sum().reset_index()


def _non_negative(value, name: str, example: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DataError(f"{name} must be a number ({example}), got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise DataError(f"{name} must be a number of at least 0 ({example}), got {value!r}")
    return float(value)


def _costs(order_cost, customer_cost) -> tuple[float, float]:
    return (_non_negative(order_cost, "order_cost", "the cost of handling one order, e.g. 6.0"),
            _non_negative(customer_cost, "customer_cost", "the cost of keeping one customer's account, e.g. 5.0"))


def cost_to_serve(
    transactions: pd.DataFrame,
    order_cost: float = 0.0,
    customer_cost: float = 0.0,
    customer: str = "customer_id", date: str = "date", amount: str = "amount", returns: str = "error",
) -> pd.Series:
    """What it costs to serve each customer: cost to serve = order_cost x orders + customer_cost.

    Activity-based costing (作业成本法) traces costs to the activities that cause them: every
    order is picked, packed and billed (a cost per order), every account is kept, mailed and
    looked after (a cost per customer), whatever the customer buys. Two customers with the same
    revenue can cost very different amounts to serve: one order of 100 or ten orders of 10.
    Source: Kaplan & Narayanan (2001), "Measuring and managing customer profitability", *Journal
    of Cost Management* 15(5), 5-15; Kaplan & Cooper (1998), *Cost & Effect*.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`. An
        order is one customer's purchases on one day; a return kept with ``returns="keep"`` is
        handled too, so its day counts as an order.
    order_cost : float
        Cost of handling one order (money per order).
    customer_cost : float
        Cost of keeping one customer over the whole period of the data (money per customer).
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    Series
        ``cost_to_serve`` per customer (float64), indexed by ``customer_id`` in ascending order.

    Examples
    --------
    Customer "a" orders twice (two rows on 1 March are one order), "b" once:

    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": ["2024-03-01", "2024-03-01", "2024-04-02", "2024-03-05"],
    ...                    "amount": [20.0, 15.0, 40.0, 90.0]})
    >>> cost_to_serve(tx, order_cost=6.0, customer_cost=5.0).to_dict()
    {'a': 17.0, 'b': 11.0}
    """
    order_cost, customer_cost = _costs(order_cost, customer_cost)
    orders = _orders(transactions, customer, date, amount, returns).groupby("customer_id").size()
    return (order_cost * orders + customer_cost).astype("float64").rename("cost_to_serve")


def customer_profit(
    transactions: pd.DataFrame,
    margin: float,
    order_cost: float = 0.0,
    customer_cost: float = 0.0,
    customer: str = "customer_id", date: str = "date", amount: str = "amount", returns: str = "error",
) -> pd.DataFrame:
    """Each customer's profit: gross margin on their revenue minus the cost to serve them.

    - ``orders``: number of orders (a customer's purchases on one day are one order)
    - ``revenue``: total amount
    - ``gross_profit`` = margin x revenue (毛利)
    - ``cost_to_serve`` = order_cost x orders + customer_cost (:func:`cost_to_serve`)
    - ``profit`` = gross_profit - cost_to_serve (客户利润)

    Source: Kaplan & Narayanan (2001), "Measuring and managing customer profitability", *Journal
    of Cost Management* 15(5), 5-15.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    margin : float
        Gross margin as a share of revenue, between 0 and 1 (30 % = 0.30).
    order_cost, customer_cost : float
        Cost per order and per customer, as in :func:`cost_to_serve`.
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Columns :data:`PROFIT_COLUMNS`, one row per customer indexed by ``customer_id`` in
        ascending order.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": ["2024-03-01", "2024-03-01", "2024-04-02", "2024-03-05"],
    ...                    "amount": [20.0, 15.0, 40.0, 90.0]})
    >>> customer_profit(tx, margin=0.30, order_cost=6.0, customer_cost=5.0)
                 orders  revenue  gross_profit  cost_to_serve  profit
    customer_id
    a                 2     75.0          22.5           17.0     5.5
    b                 1     90.0          27.0           11.0    16.0
    """
    if isinstance(margin, bool) or not isinstance(margin, (int, float, np.integer, np.floating)) \
            or not np.isfinite(margin):
        raise DataError(f"margin must be a number between 0 and 1 (30 % = 0.30), got {margin!r}")
    if not 0 <= margin <= 1:
        hint = ": write 30 % as 0.30" if 1 < margin <= 100 else ""
        raise DataError(f"margin is a share of revenue between 0 and 1, got {margin!r}{hint}")
    order_cost, customer_cost = _costs(order_cost, customer_cost)
    by_customer = _orders(transactions, customer, date, amount, returns).groupby("customer_id")["amount"]
    table = pd.DataFrame({"orders": by_customer.size().astype("int64"),
                          "revenue": by_customer.sum().astype("float64")})
    table["gross_profit"] = float(margin) * table["revenue"]
    table["cost_to_serve"] = order_cost * table["orders"] + customer_cost
    table["profit"] = table["gross_profit"] - table["cost_to_serve"]
    return table


# --------------------------------------------------------------------------------------------
# the whale curve
# --------------------------------------------------------------------------------------------


def _profits(profit) -> pd.Series:
    """Profit per customer as a float Series: a Series, or the ``profit`` column of a table."""
    if isinstance(profit, pd.DataFrame):
        require_columns(profit, ["profit"], "the profit table",
                        "pass the output of crmlib.profitability.customer_profit() or a Series of profits")
        profit = profit["profit"]
    profit = pd.Series(profit)
    if len(profit) == 0:
        raise DataError("profit is empty: there are no customers to rank")
    if not pd.api.types.is_numeric_dtype(profit) or pd.api.types.is_bool_dtype(profit):
        raise DataError(f"profit must be numbers (money per customer), got dtype {profit.dtype}")
    profit = profit.astype("float64")
    missing = ~np.isfinite(profit.to_numpy())
    if missing.any():
        raise DataError(f"profit is missing or infinite for {first_rows(profit.index, missing, noun='customer')}: "
                        f"fill it in or drop those customers")
    return profit


def whale_curve(profit) -> pd.DataFrame:
    """Customers ranked from the most to the least profitable, with their cumulative profit.

    - ``profit``: the customer's profit; ``rank``: 1 = most profitable
    - ``customer_share`` = rank / n, the share of customers up to this one
    - ``cumulative_profit``: profit of the customers up to this one
    - ``profit_share`` = cumulative profit / total profit

    Drawn against ``customer_share``, ``profit_share`` is the **whale curve** (鲸鱼曲线): it rises
    above 100 % while the profitable customers are added, peaks where the last profitable one is
    added (the hump of the whale), and sinks back to 100 % as the unprofitable customers give
    part of the profit back. Kaplan & Narayanan (2001) report that the most profitable 20 % of
    customers typically make 150-300 % of a firm's profit. Equal profits are ranked in the order
    of their customer ids.

    Source: Kaplan & Narayanan (2001), "Measuring and managing customer profitability", *Journal
    of Cost Management* 15(5), 5-15; Cooper & Kaplan (1991), "Profit priorities from
    activity-based costing", *Harvard Business Review* 69(3), 130-135.

    Parameters
    ----------
    profit : Series or DataFrame
        Profit per customer, indexed by customer; or the output of :func:`customer_profit`.
        The total must be above zero (the shares are shares of it).

    Returns
    -------
    DataFrame
        Columns ``profit``, ``rank``, ``customer_share``, ``cumulative_profit``, ``profit_share``,
        one row per customer from the most profitable down, indexed by customer.

    Examples
    --------
    >>> whale_curve(pd.Series({"a": 30.0, "b": -10.0, "c": 5.0, "d": 80.0}))
       profit  rank  customer_share  cumulative_profit  profit_share
    d    80.0     1            0.25               80.0      0.761905
    a    30.0     2            0.50              110.0      1.047619
    c     5.0     3            0.75              115.0      1.095238
    b   -10.0     4            1.00              105.0      1.000000
    """
    profit = _profits(profit)
    total = float(profit.sum())
    if total <= 0:
        raise DataError(f"the customers' total profit is {total:,.2f}: a whale curve shows cumulative profit as a "
                        f"share of a total above zero (check the margin and the costs)")
    ranked = profit.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    n = len(ranked)
    cumulative = ranked.cumsum()
    return pd.DataFrame({
        "profit": ranked,
        "rank": np.arange(1, n + 1),
        "customer_share": np.arange(1, n + 1) / n,
        "cumulative_profit": cumulative,
        "profit_share": cumulative / total,
    })


def whale_summary(profit, top: float = 0.2) -> pd.Series:
    """The whale curve's key figures, in the words of Kaplan & Narayanan (2001).

    - ``customers``; ``total_profit``
    - ``profitable_customers`` (profit > 0) and ``profitable_share`` (of all customers)
    - ``peak_profit_share``: the hump, the profit of the profitable customers as a share of total
      profit (1.5 = 150 %: they make one and a half times what the firm keeps)
    - ``unprofitable_customers`` (profit < 0) and ``unprofitable_share``
    - ``profit_destroyed``: what the unprofitable customers lose, as a positive amount (the
      peak's profit minus the total)
    - ``top_share``: ``top``; ``top_profit_share``: the share of total profit made by the
      round(top x n) most profitable customers

    Parameters
    ----------
    profit : Series or DataFrame
        As for :func:`whale_curve`.
    top : float
        Share of customers for ``top_profit_share`` (0.2: the top 20 %).

    Examples
    --------
    >>> whale_summary(pd.Series({"a": 30.0, "b": -10.0, "c": 5.0, "d": 80.0}), top=0.25)
    customers                   4.000000
    total_profit              105.000000
    profitable_customers        3.000000
    profitable_share            0.750000
    peak_profit_share           1.095238
    unprofitable_customers      1.000000
    unprofitable_share          0.250000
    profit_destroyed           10.000000
    top_share                   0.250000
    top_profit_share            0.761905
    dtype: float64
    """
    if isinstance(top, bool) or not isinstance(top, (int, float)) or not 0 < top <= 1:
        raise DataError(f"top is a share of customers above 0 and at most 1 (20 % = 0.2), got {top!r}")
    curve = whale_curve(profit)
    n = len(curve)
    total = float(curve["profit"].sum())
    gains = curve["profit"].clip(lower=0).sum()
    losses = -curve["profit"].clip(upper=0).sum()
    k = max(1, int(round(top * n)))
    return pd.Series({
        "customers": float(n),
        "total_profit": total,
        "profitable_customers": float((curve["profit"] > 0).sum()),
        "profitable_share": float((curve["profit"] > 0).mean()),
        "peak_profit_share": float(gains / total),
        "unprofitable_customers": float((curve["profit"] < 0).sum()),
        "unprofitable_share": float((curve["profit"] < 0).mean()),
        "profit_destroyed": float(losses),
        "top_share": float(top),
        "top_profit_share": float(curve["profit_share"].iloc[k - 1]),
    })


def loyalty_profit_segments(profit, loyalty, profit_cut: float | None = None,
                            loyalty_cut: float | None = None) -> pd.Series:
    """Reinartz & Kumar's four kinds of customer, by loyalty (how long they buy) and profit.

    ============  ===============  ================
    profit        short-term       long-term
    ============  ===============  ================
    high          butterflies      true friends
    low           strangers        barnacles
    ============  ===============  ================

    A customer is long-term when ``loyalty`` > ``loyalty_cut`` and high-profit when ``profit`` >
    ``profit_cut``; both cuts default to the median, so that each side holds about half of the
    customers. Reinartz & Kumar found many long-term customers who are not profitable (the
    barnacles: they buy small and cost much to serve) and many profitable short-term ones (the
    butterflies): "loyal is not profitable", so loyalty spending should follow profit, not
    tenure.

    Source: Reinartz & Kumar (2002), "The mismanagement of customer loyalty", *Harvard Business
    Review* 80(7), 86-94; Reinartz & Kumar (2000), *Journal of Marketing* 64(4), 17-35.

    Parameters
    ----------
    profit, loyalty : Series
        Per customer, on the same index: profit, and a measure of loyalty such as the months
        between the first and the last purchase or the number of orders.
    profit_cut, loyalty_cut : float, optional
        The cuts; the medians when not given.

    Returns
    -------
    Series
        Categorical with the categories :data:`LOYALTY_SEGMENTS`, named ``segment``.

    Examples
    --------
    >>> profit = pd.Series({"a": 50.0, "b": 40.0, "c": -5.0, "d": 2.0})
    >>> months = pd.Series({"a": 12, "b": 1, "c": 15, "d": 0})
    >>> loyalty_profit_segments(profit, months, profit_cut=10, loyalty_cut=6).tolist()
    ['true friends', 'butterflies', 'barnacles', 'strangers']
    """
    profit = _profits(profit)
    loyalty = pd.Series(loyalty)
    if not pd.api.types.is_numeric_dtype(loyalty) or pd.api.types.is_bool_dtype(loyalty):
        raise DataError(f"loyalty must be numbers (months, orders ...), got dtype {loyalty.dtype}")
    missing = profit.index.difference(loyalty.index)
    if len(missing) or len(loyalty) != len(profit):
        raise DataError(f"profit and loyalty need the same customers in their index: {len(profit):,} customers "
                        f"have a profit, {len(loyalty):,} a loyalty, {len(missing):,} only a profit")
    loyalty = loyalty.reindex(profit.index).astype("float64")
    if loyalty.isna().any():
        raise DataError(f"loyalty is missing for {first_rows(loyalty.index, loyalty.isna(), noun='customer')}")
    profit_cut = float(profit.median()) if profit_cut is None else float(profit_cut)
    loyalty_cut = float(loyalty.median()) if loyalty_cut is None else float(loyalty_cut)
    high, long = profit > profit_cut, loyalty > loyalty_cut
    labels = np.select([high & long, high & ~long, ~high & long], LOYALTY_SEGMENTS[:3], LOYALTY_SEGMENTS[3])
    return pd.Series(pd.Categorical(labels, categories=LOYALTY_SEGMENTS), index=profit.index, name="segment")


# --------------------------------------------------------------------------------------------
# the value of customers and of the base
# --------------------------------------------------------------------------------------------


def ltv_to_cac(ltv, acquisition_cost):
    """Lifetime value to customer acquisition cost: LTV / CAC (客户终生价值与获客成本之比).

    Above 1 a new customer pays back what it cost to win them; practitioners of subscription
    businesses aim for about 3 (a rule of thumb, not a law: Skok 2013, "SaaS metrics 2.0",
    forEntrepreneurs). The LTV must be a profit (margin, not revenue) of a *new* customer,
    counted from acquisition: :func:`crmlib.clv.retention_clv` with ``timing="start"`` when the
    first period's margin comes with the acquisition.

    Parameters
    ----------
    ltv : float or Series
        Lifetime value (profit) of a newly acquired customer.
    acquisition_cost : float or Series
        What it costs to acquire one customer (above zero).

    Examples
    --------
    >>> ltv_to_cac(180.0, 60.0)
    3.0
    >>> ltv_to_cac(pd.Series({"basic": 45.0, "family": 240.0}), 60.0).tolist()
    [0.75, 4.0]
    """
    cost = np.asarray(acquisition_cost, dtype="float64")
    if not np.all(np.isfinite(cost)) or np.any(cost <= 0):
        raise DataError(f"acquisition_cost must be above zero (money spent to win one customer), "
                        f"got {acquisition_cost!r}")
    ratio = ltv / acquisition_cost
    return float(ratio) if np.ndim(ratio) == 0 else ratio


def customer_equity(
    customers: float,
    margin: float,
    retention: float,
    discount_rate: float,
    new_customers: float = 0.0,
    acquisition_cost: float = 0.0,
) -> pd.Series:
    """The value of a customer base: today's customers plus those the firm will go on acquiring.

    With a margin m per customer per period, retention r and discount rate d per period:

    - ``current_customers`` = N x m r / (1 + d - r): the N customers of today, whose margin of the
      current period is already counted (:func:`crmlib.clv.retention_clv`, ``timing="end"``);
    - ``future_customers`` = n x (m (1 + d) / (1 + d - r) - c) / d: n new customers acquired at the
      end of every period from now on, each paying the first margin at once
      (``timing="start"``) and costing c to acquire; the cohort of period t is discounted by
      (1 + d)^t and the sum over t = 1, 2, ... is the division by d;
    - ``customer_equity`` (客户资产) = their sum.

    Source: Gupta, Lehmann & Stuart (2004), "Valuing customers", *Journal of Marketing Research*
    41(1), 7-18 (their equation 2 with constant margin, retention, acquisitions and acquisition
    cost); Rust, Lemon & Zeithaml (2004), "Return on marketing: using customer equity to focus
    marketing strategy", *Journal of Marketing* 68(1), 109-127.

    Parameters
    ----------
    customers : float
        Customers today, N.
    margin, retention, discount_rate : float
        Per period, as in :func:`crmlib.clv.retention_clv`.
    new_customers : float
        New customers acquired per period, n (0: the current base only).
    acquisition_cost : float
        Cost of acquiring one new customer, c.

    Returns
    -------
    Series
        ``current_customers``, ``future_customers`` and ``customer_equity``.

    Examples
    --------
    1,000 customers with a margin of 100 a year, 80 % retention, 10 % discount rate, and 200 new
    customers a year at 150 each:

    >>> customer_equity(1000, 100, 0.8, 0.1, new_customers=200, acquisition_cost=150).round(2)
    current_customers    266666.67
    future_customers     433333.33
    customer_equity      700000.00
    dtype: float64
    """
    n_now = _non_negative(customers, "customers", "the number of customers today")
    n_new = _non_negative(new_customers, "new_customers", "new customers acquired per period")
    cost = _non_negative(acquisition_cost, "acquisition_cost", "money spent to win one customer")
    current = n_now * retention_clv(margin, retention, discount_rate)
    if n_new > 0:
        if _check_rate(discount_rate) <= 0:
            raise DataError("with new_customers above zero the discount rate must be above zero: acquisitions "
                            "that go on for ever are worth an infinite amount undiscounted")
        future = n_new * (retention_clv(margin, retention, discount_rate, timing="start") - cost) / discount_rate
    else:
        future = 0.0
    return pd.Series({"current_customers": current, "future_customers": future,
                      "customer_equity": current + future}, dtype="float64")


# --------------------------------------------------------------------------------------------
# acquisition cohorts
# --------------------------------------------------------------------------------------------


def _check_freq(freq: str, name: str = "freq") -> str:
    if freq not in COHORT_FREQS:
        raise DataError(f"{name} must be one of {COHORT_FREQS} (days, weeks, months, quarters, years), got {freq!r}")
    return freq


def acquisition_cohorts(
    transactions: pd.DataFrame,
    freq: str = "M",
    customer: str = "customer_id", date: str = "date", amount: str = "amount", returns: str = "error",
) -> pd.Series:
    """Each customer's acquisition cohort (获客群组): the period of their first purchase.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    freq : {"D", "W", "M", "Q", "Y"}
        Length of a cohort's period: a day, week, month, quarter or year.
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    Series
        ``cohort`` (a pandas Period) per customer, indexed by ``customer_id`` in ascending order.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 1, 3],
    ...                    "date": ["1997-01-20", "1997-02-03", "1997-03-01", "1997-03-15"],
    ...                    "amount": [12.0, 30.0, 8.0, 20.0]})
    >>> acquisition_cohorts(tx).astype(str).to_dict()
    {1: '1997-01', 2: '1997-02', 3: '1997-03'}
    """
    freq = _check_freq(freq)
    clean = validate_transactions(transactions, customer, date, amount, returns=returns)
    first = clean.groupby("customer_id", sort=True)["date"].min()
    return first.dt.to_period(freq).rename("cohort")


def cohort_table(
    transactions: pd.DataFrame,
    freq: str = "M",
    value: str = "revenue",
    by: str = "period",
    cohort_freq: str | None = None,
    customer: str = "customer_id", date: str = "date", amount: str = "amount", returns: str = "error",
) -> pd.DataFrame:
    """Acquisition cohorts followed period by period: one row per cohort, one column per period.

    The cells are the cohort's ``value`` in the period:

    - ``"revenue"``: total amount bought;
    - ``"customers"``: customers who bought (active customers);
    - ``"orders"``: orders (a customer's purchases on one day are one order).

    With ``by="period"`` the columns are calendar periods (the first to the last period of the
    data); a cohort has 0 before it was acquired. Stacked, the rows give the **C3 chart**
    (customer cohort chart, :func:`crmlib.plots.c3_chart`): how much of each period's revenue
    comes from the customers won in each earlier period (McCarthy & Fader 2018).

    With ``by="age"`` the columns are the customer's age in periods: 0 is the period of their
    first purchase, 1 the next period, and so on, counted for each customer from their own first
    purchase. A cell that the data does not reach yet (not all the cohort's customers can be
    that old by the last period of the data) is NaN, not 0. With ``value="customers"`` the age-0
    column is the size of the cohort, and each row divided by it is the cohort's **retention
    curve** (:func:`cohort_retention`).

    Source: McCarthy & Fader (2018), "Customer-based corporate valuation for publicly traded
    non-subscription firms", *Journal of Marketing Research* 55(5), 617-635 (the C3, "customer
    cohort chart", also called a layer-cake chart).

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    freq : {"D", "W", "M", "Q", "Y"}
        Length of a period (the columns).
    value : {"revenue", "customers", "orders"}
        What each cell holds.
    by : {"period", "age"}
        Columns are calendar periods or ages.
    cohort_freq : {"D", "W", "M", "Q", "Y"}, optional
        Length of a cohort's period (the rows), e.g. ``"Y"`` for yearly cohorts followed month by
        month; ``freq`` when not given. It cannot be shorter than ``freq``.
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Index ``cohort`` (Periods of ``cohort_freq``); columns ``period`` (Periods of ``freq``) or
        ``age`` (0, 1, 2, ...). Revenue is float64; counts are float64 too because of the NaN of
        ``by="age"`` (whole numbers with ``by="period"``).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 1, 3, 2],
    ...                    "date": ["1997-01-20", "1997-02-03", "1997-02-25", "1997-03-15", "1997-03-20"],
    ...                    "amount": [12.0, 30.0, 8.0, 20.0, 10.0]})
    >>> cohort_table(tx)
    period   1997-01  1997-02  1997-03
    cohort
    1997-01     12.0      8.0      0.0
    1997-02      0.0     30.0     10.0
    1997-03      0.0      0.0     20.0
    >>> cohort_table(tx, value="customers", by="age")
    age        0    1    2
    cohort
    1997-01  1.0  1.0  0.0
    1997-02  1.0  1.0  NaN
    1997-03  1.0  NaN  NaN
    """
    freq = _check_freq(freq)
    cohort_freq = _check_freq(freq if cohort_freq is None else cohort_freq, "cohort_freq")
    if value not in COHORT_VALUES:
        raise DataError(f"value must be one of {COHORT_VALUES}, got {value!r}")
    if by not in ("period", "age"):
        raise DataError(f"by must be 'period' (calendar periods) or 'age' (periods since the first purchase), "
                        f"got {by!r}")
    if COHORT_FREQS.index(cohort_freq) < COHORT_FREQS.index(freq) or (freq == "W" and cohort_freq != "W"):
        raise DataError(f"cohort_freq {cohort_freq!r} must be freq {freq!r} or a longer period made of whole "
                        f"{freq!r} periods (weeks do not add up to months)")
    orders = _orders(transactions, customer, date, amount, returns)
    period = orders["date"].dt.to_period(freq)
    first_date = orders.groupby("customer_id")["date"].transform("min")
    first_period = first_date.dt.to_period(freq)
    orders = orders.assign(cohort=first_date.dt.to_period(cohort_freq), period=period,
                           age=_ordinal(period) - _ordinal(first_period))
    column = "period" if by == "period" else "age"
    grouped = orders.groupby(["cohort", column])
    if value == "revenue":
        cells = grouped["amount"].sum()
    elif value == "customers":
        cells = grouped["customer_id"].nunique()
    else:
        cells = grouped.size()
    table = cells.unstack(column).astype("float64")
    if by == "period":
        periods = pd.period_range(period.min(), period.max(), freq=freq, name="period")
        return table.reindex(columns=periods).fillna(0.0)
    # last period of each cohort, in freq periods: the youngest customer's first possible period
    cohorts = table.index
    last_start = _ordinal((cohorts.to_timestamp(how="end")).to_period(freq))
    oldest_observed = _ordinal(period).max() - last_start
    ages = np.arange(int(_ordinal(period).max() - _ordinal(first_period).min()) + 1)
    table = table.reindex(columns=pd.Index(ages, name="age")).fillna(0.0)
    unseen = ages[None, :] > np.asarray(oldest_observed)[:, None]
    return table.mask(unseen)


def _ordinal(periods) -> np.ndarray:
    """Period numbers that count in whole periods (a month after 1997-01 is 1997-02: one more)."""
    index = pd.PeriodIndex(periods)
    return np.asarray(index.asi8, dtype="int64")


def cohort_retention(customers_by_age: pd.DataFrame) -> pd.Series:
    """The share of customers still active a period later, by age, pooled over the cohorts.

    r_a = sum over cohorts of active(c, a) / sum over the same cohorts of active(c, a - 1), over
    the cohorts that the data follows to age a. In a subscription (a contractual setting) a
    customer who stops does not come back, so r_a is the retention rate (客户保留率) at age a; in
    a non-contractual setting (CDNOW) customers skip periods and come back, and r_a is only the
    ratio of active customers.

    Parameters
    ----------
    customers_by_age : DataFrame
        :func:`cohort_table` with ``value="customers"`` and ``by="age"``.

    Returns
    -------
    Series
        ``retention`` by ``age`` 1, 2, ... (NaN where no cohort reaches the age or none was left).

    Examples
    --------
    >>> table = pd.DataFrame([[100.0, 80.0, 64.0], [200.0, 150.0, None]],
    ...                      columns=pd.Index([0, 1, 2], name="age"))
    >>> cohort_retention(table).round(4).tolist()
    [0.7667, 0.8]
    """
    if not isinstance(customers_by_age, pd.DataFrame) or customers_by_age.shape[1] < 2 \
            or list(customers_by_age.columns[:2]) != [0, 1]:
        raise DataError("customers_by_age must have the columns 0, 1, 2, ... (ages): pass "
                        "crmlib.profitability.cohort_table(..., value='customers', by='age')")
    counts = customers_by_age.astype("float64")
    ages = list(counts.columns[1:])
    rates = {}
    for age in ages:
        followed = counts[age].notna()
        before = counts.loc[followed, age - 1].sum()
        rates[age] = counts.loc[followed, age].sum() / before if before > 0 else np.nan
    return pd.Series(rates, name="retention", dtype="float64").rename_axis("age")
