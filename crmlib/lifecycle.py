"""The customer lifecycle (客户生命周期): stages, churn, average lifetime and lifecycle profit (chapter 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.contract import DataError
from crmlib.transactions import validate_transactions

LIFECYCLE_STAGES = (
    ("potential", "潜在客户期"),
    ("development", "客户开发期"),
    ("growth", "客户成长（维系）期"),
    ("maturity", "客户成熟期"),
    ("decline", "客户衰退期"),
    ("termination", "客户终止期"),
)
"""The six stages of a customer's lifecycle, in English and Chinese."""

RELATIONSHIP_PHASES = (
    ("exploration", "考察期"),
    ("formation", "形成期"),
    ("stability", "稳定期"),
    ("decline", "退化期"),
)
"""The four phases of the relationship over which the source hypothesises that customer profit is an inverted U."""

STAGE_PHASES = (
    ("potential", "exploration"),
    ("development", "exploration"),
    ("growth", "formation"),
    ("maturity", "stability"),
    ("decline", "decline"),
    ("termination", "decline"),
)
"""Each of the six lifecycle stages with the relationship phase it falls in (the course's mapping;
the source gives the two lists but not the link). The potential and development stages are spent
exploring (考察期): the firm invests to win the customer, who tries it out; growth is formation
(形成期); maturity is stability (稳定期); decline and termination, its end, are the decline phase
(退化期). The four phases follow Dwyer, Schurr & Oh (1987), "Developing buyer-seller
relationships", *Journal of Marketing* 51(2), 11-27 (awareness, exploration, expansion,
commitment, dissolution)."""


def churn_rate(lost: float, customers: float) -> float:
    """Churn rate (客户流失率) = customers lost in a period / customers.

    >>> churn_rate(20, 100)
    0.2
    """
    if customers <= 0:
        raise DataError(f"customers must be positive, got {customers!r}")
    if not 0 <= lost <= customers:
        raise DataError(f"lost customers must be between 0 and {customers!r}, got {lost!r}")
    return lost / customers


def retention_rate(lost: float, customers: float) -> float:
    """Retention rate (客户保留率) = 1 - churn rate.

    >>> retention_rate(40, 100)
    0.6
    """
    return 1 - churn_rate(lost, customers)


def average_lifetime(churn: float) -> float:
    """Average customer lifetime of a customer group (企业客户群体生命周期) = 1 / churn rate.

    Company A loses 20 % a year: 5 years. Company B loses 10 %: 10 years.

    >>> average_lifetime(0.2), average_lifetime(0.1)
    (5.0, 10.0)
    """
    if not 0 < churn <= 1:
        raise DataError(f"churn is a rate between 0 (exclusive) and 1, got {churn!r}")
    return float(1 / churn)


def replacements_needed(customers: float, churn: float) -> float:
    """New customers a firm must win each period just to stay level = customers x churn rate.

    >>> replacements_needed(100, 0.2), replacements_needed(100, 0.1)
    (20.0, 10.0)
    """
    if not 0 <= churn <= 1:
        raise DataError(f"churn is a rate between 0 and 1, got {churn!r}")
    return float(customers * churn)


def lifecycle_profit(
    base_profit: float,
    cost_savings: float = 0.0,
    referral_value: float = 0.0,
    acquisition_cost: float = 0.0,
    price_concessions: float = 0.0,
    referral_damage: float = 0.0,
) -> float:
    """Customer lifecycle profit (客户生命周期利润) = total profit - total investment.

    Total profit = base profit + cost savings + referral value; total investment = acquisition
    cost + price concessions + referral damage cost. Source: course chapter 2, 2.2.3.

    >>> lifecycle_profit(500, cost_savings=50, referral_value=80, acquisition_cost=200,
    ...                  price_concessions=30)
    400.0
    """
    gained = base_profit + cost_savings + referral_value
    invested = acquisition_cost + price_concessions + referral_damage
    return float(gained - invested)


def profit_curve(points_per_phase: int = 25) -> pd.DataFrame:
    """A stylised customer-profit curve over the four relationship phases (an inverted U).

    Profit is small and rises slowly in exploration, grows fast in formation, keeps growing more
    slowly to its peak in stability, and falls fast in decline. The four drivers behind it:
    transaction volume and willingness to pay rise, cost to serve falls, indirect benefit
    (referrals) grows. The numbers are illustrative (profit relative to the peak = 1). The source
    ranks only exploration < formation < stability and says profit falls fast in decline: how the
    decline phase's mean compares with formation's depends on how the curve is drawn, not on data.
    :func:`profit_by_tenure` measures the curve on real transactions.

    Returns
    -------
    DataFrame
        ``time`` (0..4, one unit a phase), ``phase`` and ``profit``.

    >>> curve = profit_curve()
    >>> curve.loc[curve["profit"].idxmax(), "phase"]
    'stability'
    >>> curve.groupby("phase", sort=False)["profit"].mean().round(2).to_dict()
    {'exploration': 0.04, 'formation': 0.39, 'stability': 0.92, 'decline': 0.62}
    """
    if points_per_phase < 2:
        raise DataError("points_per_phase must be at least 2")
    time = np.linspace(0, 4, 4 * points_per_phase, endpoint=False)
    stability = 0.75 + 0.25 * np.sin((time - 2) * np.pi / 1.5)  # peaks at 2.75
    end_of_stability = 0.75 + 0.25 * np.sin(np.pi / 1.5)
    profit = np.select(
        [time < 1, time < 2, time < 3],
        [0.12 * time**2, 0.12 + 0.63 * np.clip(time - 1, 0, None) ** 1.2, stability],
        default=end_of_stability - 0.9 * np.clip(time - 3, 0, None) ** 1.5,
    )
    phase = np.array([name for name, _ in RELATIONSHIP_PHASES])[np.minimum(time.astype(int), 3)]
    return pd.DataFrame({"time": time, "phase": phase, "profit": profit})


def profit_by_tenure(transactions: pd.DataFrame, margin: float, period_days: int = 91, cost_per_order: float = 0.0,
                     customer: str = "customer_id", date: str = "date", amount: str = "amount",
                     returns: str = "error") -> pd.DataFrame:
    """Profit per customer in each period of the relationship, for customers grouped by lifetime length.

    The empirical test of the inverted U (倒U型): does a customer's profit rise through the
    relationship and fall at its end? Each customer's **lifetime** is the time from their first to
    their last purchase, in whole periods of ``period_days`` (``lifetime_periods`` = 0 when every
    purchase falls in the first period); each purchase falls in **period** t = days since the
    customer's first purchase // ``period_days`` (0 = the period of the first purchase). A purchase
    earns ``margin`` x amount - ``cost_per_order``. For every lifetime group and every period
    t = 0 .. lifetime, the table gives the group's profit per customer: all the group's customers
    are, by definition, still customers in those periods.

    Read it with two cautions. Period 0 holds every customer's first purchase and the last period
    every customer's last purchase, so both ends of each line have a purchase by construction and
    the periods between may not. And lifetimes are cut by the end of the data: the longest group
    holds the customers still buying then.

    Source: the hypothesis of the course source (slide 30: profit smallest in exploration, larger
    in formation, largest in stability, falling fast in decline); the test follows Reinartz &
    Kumar (2000), "On the profitability of long-life customers in a noncontractual setting: an
    empirical investigation and implications for marketing", *Journal of Marketing* 64(4), 17-35,
    who found in a catalogue retailer's cohort that profits do not rise with the length of the
    relationship and that short-life customers can be as profitable as long-life ones.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    margin : float
        Share of each purchase amount kept as gross profit, between 0 and 1 (0.30 for 30 %).
    period_days : int
        Length of a period in days (91: quarters).
    cost_per_order : float
        Cost of serving one purchase (picking, packing, payment), subtracted from its margin.
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Indexed by (``lifetime_periods``, ``period``), columns ``customers`` (in the lifetime
        group), ``orders``, ``profit`` (the group's total in the period) and
        ``profit_per_customer``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-02-15", "2024-07-01", "2024-01-10",
    ...                             "2024-05-01", "2024-03-01"]),
    ...     "amount": [100.0, 50.0, 80.0, 60.0, 40.0, 30.0]})
    >>> profit_by_tenure(tx, margin=0.5, period_days=91)
                             customers  orders  profit  profit_per_customer
    lifetime_periods period
    0                0               1       1    15.0                 15.0
    1                0               1       1    30.0                 30.0
                     1               1       1    20.0                 20.0
    2                0               1       2    75.0                 75.0
                     1               1       0     0.0                  0.0
                     2               1       1    40.0                 40.0
    """
    if not 0 <= margin <= 1:
        raise DataError(f"margin is the share of each purchase kept as profit, between 0 and 1 (30 % = 0.30), "
                        f"got {margin!r}")
    if int(period_days) != period_days or period_days < 1:
        raise DataError(f"period_days must be a whole number of days of at least 1 (91 for quarters), "
                        f"got {period_days!r}")
    tx = validate_transactions(transactions, customer=customer, date=date, amount=amount, returns=returns)
    first = tx.groupby("customer_id")["date"].transform("min")
    last = tx.groupby("customer_id")["date"].transform("max")
    tx = tx.assign(
        period=((tx["date"] - first).dt.days // period_days).astype("int64"),
        lifetime_periods=((last - first).dt.days // period_days).astype("int64"),
        profit=margin * tx["amount"] - cost_per_order,
    )
    customers = tx.groupby("lifetime_periods")["customer_id"].nunique()
    grid = pd.MultiIndex.from_tuples(
        [(life, t) for life in customers.index for t in range(life + 1)], names=["lifetime_periods", "period"]
    )
    by_period = tx.groupby(["lifetime_periods", "period"]).agg(orders=("profit", "size"), profit=("profit", "sum"))
    table = by_period.reindex(grid, fill_value=0)
    table.insert(0, "customers", customers.reindex(grid.get_level_values("lifetime_periods")).to_numpy())
    table["orders"] = table["orders"].astype("int64")
    table["profit"] = table["profit"].astype("float64")
    table["profit_per_customer"] = table["profit"] / table["customers"]
    return table
