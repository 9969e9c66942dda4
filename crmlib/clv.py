"""Customer lifetime value (客户终生价值, CLV / LTV): discounting, PVIFA and the cohort table (chapter 3).

The four steps of the course: determine the customer's lifetime; compute each year's net profit;
discount each year's profit to today; add them up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlib.contract import DataError

TIMINGS = ("end", "start")


def _check_rate(discount_rate: float, name: str = "discount_rate") -> float:
    if not np.isfinite(discount_rate) or discount_rate <= -1:
        raise DataError(f"{name} must be a number above -1 (0.10 for 10 %), got {discount_rate!r}")
    if discount_rate > 1:
        raise DataError(f"{name} = {discount_rate!r} looks like a percentage: write 10 % as 0.10")
    return float(discount_rate)


def _check_years(years) -> int:
    """A lifetime in whole years; 5.0 (as ``lifecycle.average_lifetime`` returns) is accepted as 5."""
    whole = isinstance(years, (int, np.integer)) or (
        isinstance(years, (float, np.floating)) and float(years).is_integer()
    )
    if not whole or years < 1:
        raise DataError(f"years must be a whole number of at least 1, got {years!r}")
    return int(years)


def discount_factors(discount_rate: float, years: int, timing: str = "end") -> np.ndarray:
    """The numbers each year's profit is divided by to bring it to today: (1 + i)^t, i = ``discount_rate``.

    - ``timing="end"``: t = 1, 2, ..., years (profit at the end of each year; the course's
      single-customer formula V = sum (Q_t - C_t) / (1 + i)^t)
    - ``timing="start"``: t = 0, 1, ..., years - 1 (year 1 counts in full; Hughes' cohort table)

    Examples
    --------
    >>> discount_factors(0.10, 3).round(4).tolist()
    [1.1, 1.21, 1.331]
    >>> discount_factors(0.20, 3, timing="start").round(4).tolist()
    [1.0, 1.2, 1.44]
    """
    discount_rate = _check_rate(discount_rate)
    years = _check_years(years)
    if timing not in TIMINGS:
        raise DataError(f"timing must be 'end' or 'start', got {timing!r}")
    first = 1 if timing == "end" else 0
    return (1.0 + discount_rate) ** np.arange(first, first + years, dtype="float64")


def pvifa(discount_rate: float, years: int) -> float:
    """Present value interest factor of an annuity (年金现值系数): PVIFA(i, T) = (1 - (1 + i)^-T) / i.

    The value today of 1 received at the end of each of T years at the discount rate i
    (``discount_rate``); with i = 0 it is T.

    Examples
    --------
    >>> round(pvifa(0.10, 3), 4)
    2.4869
    >>> pvifa(0.0, 20)
    20.0
    """
    discount_rate = _check_rate(discount_rate)
    years = _check_years(years)
    if discount_rate == 0:
        return float(years)
    # 1 - (1 + i)^-T written with expm1 and log1p: exact even for a tiny i, where 1 + i rounds to 1
    return float(-np.expm1(-years * np.log1p(discount_rate)) / discount_rate)


def _per_year(values, years: int | None, name: str) -> np.ndarray:
    """A per-year array from a sequence, or from a number repeated ``years`` times."""
    if np.ndim(values) == 0:
        if years is None:
            raise DataError(f"{name} is a single number: say for how many years with years=")
        return np.full(_check_years(years), float(values))
    array = np.asarray(values, dtype="float64")
    if array.ndim != 1 or len(array) == 0:
        raise DataError(f"{name} must be a list with one number per year")
    if years is not None and len(array) != years:
        raise DataError(f"{name} has {len(array)} years but years={years}")
    if not np.isfinite(array).all():
        raise DataError(f"{name} has a missing or infinite value in year {int(np.argmin(np.isfinite(array))) + 1}")
    return array


def customer_lifetime_value(contributions, costs=0.0, discount_rate: float = 0.0, years: int | None = None) -> float:
    """Lifetime value of one customer: V = sum_{t=1..T} (Q_t - C_t) / (1 + i)^t.

    Q_t is the customer's contribution (profit) in year t, C_t what the firm invests in the
    customer in year t, i the discount rate (贴现率). Source: course chapter 2, section 2.2.4.

    Parameters
    ----------
    contributions, costs : float or list of float
        Per year; a single number is repeated for ``years`` years.
    discount_rate : float
        The discount rate i per year (0.08 for 8 %); 0 gives the undiscounted sum.
    years : int, optional
        Lifetime T in years; needed when both amounts are single numbers.

    Examples
    --------
    The source's example: 100 yuan profit a purchase, 2 purchases a month, 20 years:

    >>> customer_lifetime_value(100 * 2 * 12, years=20)
    48000.0
    >>> round(customer_lifetime_value(100 * 2 * 12, years=20, discount_rate=0.08), 2)
    23563.55
    """
    if years is None and np.ndim(contributions) == 0 and np.ndim(costs) != 0:
        years = len(costs)
    q = _per_year(contributions, years, "contributions")
    c = _per_year(costs, len(q), "costs")
    factors = discount_factors(discount_rate, len(q), timing="end")
    return float(np.sum((q - c) / factors))


def group_lifetime_value(annual_contribution: float, annual_cost: float, discount_rate: float, years: int) -> float:
    """Lifetime value of a customer group with level yearly amounts: V = (Q - C) x PVIFA(i, T).

    Source: course chapter 2, section 2.2.4 (企业客户群体终生价值).

    Examples
    --------
    >>> round(group_lifetime_value(2400, 0, 0.08, 20), 2)
    23563.55
    >>> group_lifetime_value(2400, 400, 0.0, 5)
    10000.0
    """
    return float((annual_contribution - annual_cost) * pvifa(discount_rate, years))


def expected_lifetime_value(margin: float, retention: float, discount_rate: float, years: int | None = None) -> float:
    """Expected lifetime value when the lifetime is uncertain: each year the customer stays with probability r.

    A customer brings margin m at the end of year 1 and, having stayed, at the end of each later
    year; after each year they stay with probability r (``retention``), so they are still a customer
    in year t with probability r^(t-1) and stay 1 / (1 - r) years on average. The expected
    discounted value is

        E[V] = sum_{t=1..T} m r^(t-1) / (1 + d)^t,    and with no horizon (T infinite)  m / (1 + d - r).

    This is what chapter 1's annuity over the *average* lifetime, m x PVIFA(d, 1 / (1 - r)),
    approximates, and it is smaller: a customer who leaves early loses more value than one who
    stays late adds, because late years are discounted more (PVIFA is concave in T). With m = 100,
    r = 0.8, d = 0.10: 333.33, not the 379.08 of five certain years.

    The same sum under the other timings: :func:`crmlib.clv.retention_clv` (chapter 10) counts
    the first year only if the customer is retained, m r / (1 + d - r) = r x this value, or pays
    the first margin now, m (1 + d) / (1 + d - r) = (1 + d) x this value. State which with the number.

    Source: the geometric (constant-retention) lifetime of Gupta & Lehmann (2003), "Customers as
    assets", *Journal of Interactive Marketing* 17(1), 9-24; Berger & Nasr (1998), "Customer lifetime
    value: marketing models and applications", *Journal of Interactive Marketing* 12(1), 17-30.

    Parameters
    ----------
    margin : float
        Profit per customer per year (after the cost of goods and of serving them; not revenue).
    retention : float
        Probability that a customer of this year is still a customer next year, 0 to 1 (excluded).
    discount_rate : float
        Discount rate per year (0.10 for 10 %).
    years : int, optional
        Horizon T in years; None sums to infinity.

    Examples
    --------
    >>> round(expected_lifetime_value(100, retention=0.8, discount_rate=0.10), 2)
    333.33
    >>> round(expected_lifetime_value(95, retention=0.9, discount_rate=0.10), 2)
    475.0
    >>> round(expected_lifetime_value(100, retention=0.8, discount_rate=0.10, years=5), 2)
    265.51
    >>> expected_lifetime_value(100, retention=1.0, discount_rate=0.0, years=3)  # no churn, no discounting
    300.0
    """
    discount_rate = _check_rate(discount_rate)
    if not np.isfinite(retention) or not 0 <= retention <= 1:
        raise DataError(f"retention is a rate between 0 and 1 (80 % = 0.80), got {retention!r}")
    if years is None:
        if 1.0 + discount_rate - retention <= 0:
            raise DataError(f"with retention {retention!r} and discount rate {discount_rate!r} the sum never "
                            "stops growing: give a horizon with years=")
        return float(margin / (1.0 + discount_rate - retention))
    t = np.arange(1, _check_years(years) + 1, dtype="float64")
    return float(np.sum(margin * retention ** (t - 1) / (1.0 + discount_rate) ** t))


def cohort_ltv_table(
    initial_customers: int,
    retention: Sequence[float],
    orders_per_customer: Sequence[float],
    average_order_value: Sequence[float],
    cost_of_sales_rate: Sequence[float],
    acquisition_cost: float,
    yearly_costs: Mapping[str, Sequence[float]] | None = None,
    referral_rate: float | Sequence[float] = 0.0,
    referral_incentive: float = 0.0,
    discount_rate: float = 0.0,
    risk_factor: float = 1.0,
    payment_delay_days: float = 0.0,
    price_reduction: float | Sequence[float] = 0.0,
) -> pd.DataFrame:
    """The cohort lifetime-value table (Hughes' layout): a cohort of new customers, year by year.

    For year t = 1..n (columns ``year 1``, ``year 2``, ...), every intermediate row is shown:

    - ``customers``: customers carried into the year (year 1: ``initial_customers``;
      later: last year's ``active_customers`` x last year's ``retention_rate``)
    - ``referral_rate``, ``referred_customers`` = customers x referral rate; referred customers
      join that year's base: ``active_customers`` = customers + referred customers
    - ``retention_rate``: share of this year's active customers still buying next year
    - ``orders_per_customer``, ``average_order_value`` (at list price), ``price_reduction``,
      ``revenue`` = active customers x orders x average order value x (1 - price reduction)
    - ``cost_of_sales_rate``, ``cost_of_sales`` = active customers x orders x average order value
      x rate: the rate applies to the orders at list price, so a price reduction lowers revenue
      but not the cost of the goods (with no reduction, cost of sales = revenue x rate)
    - ``acquisition_cost`` = initial customers x acquisition cost (year 1 only)
    - one ``<name>_cost`` row per yearly cost line = active customers x cost per customer
    - ``referral_incentive_cost`` = referred customers x incentive
    - ``total_costs``, ``profit`` = revenue - total costs
    - ``discount_factor`` = (1 + discount_rate x risk_factor)^(t - 1 + payment_delay_days / 365)
    - ``npv_profit`` = profit / discount factor, ``cumulative_npv``
    - ``ltv`` = cumulative NPV / initial customers (average LTV of a customer acquired in year 1)

    Source: Hughes, *Strategic Database Marketing*; course chapter 2, slides 34-38 (10,000 new
    customers, year-1 retention 60 %, cost of sales 70 %, acquisition 60, then 20 a year;
    LTV 66.08 at year 3; a loss of 12 on a customer lost after year 1). The source's table is lost;
    ``crmlib.datasets.load_cohort_ltv_inputs()`` gives inputs that reproduce both results.

    Parameters
    ----------
    initial_customers : int
        Size of the cohort acquired at the start of year 1.
    retention, orders_per_customer, average_order_value, cost_of_sales_rate : list of float
        One value per year; their common length is the number of years.
    acquisition_cost : float
        Acquisition cost per initial customer, spent in year 1.
    yearly_costs : dict of name -> list of float, optional
        Cost per active customer per year, any number of lines (marketing, service, database...).
    referral_rate : float or list of float
        Referred new customers per customer carried into the year.
    referral_incentive : float
        Cost per referred customer.
    discount_rate, risk_factor, payment_delay_days : float
        Discount factor (1 + discount_rate x risk_factor)^(t - 1 + payment_delay_days / 365).
    price_reduction : float or list of float
        Share taken off the price of every order in each year (a loyalty discount of 10 % is
        0.10). The goods cost what they cost: cost of sales stays at the rate times the orders at
        list price. (Lowering ``average_order_value`` instead would lower the cost of goods with
        the price, as if the supplier gave the same discount: it overstates the LTV.)

    Returns
    -------
    DataFrame
        Rows are the items above, columns the years.

    Examples
    --------
    >>> table = cohort_ltv_table(1000, retention=[0.5, 0.6], orders_per_customer=[1, 2],
    ...     average_order_value=[100, 100], cost_of_sales_rate=[0.6, 0.5], acquisition_cost=30,
    ...     yearly_costs={"marketing": [0, 10]}, discount_rate=0.10)
    >>> table.loc[["customers", "revenue", "total_costs", "profit", "ltv"]]
                   year 1    year 2
    customers      1000.0     500.0
    revenue      100000.0  100000.0
    total_costs   90000.0   55000.0
    profit        10000.0   45000.0
    ltv              10.0      50.9...

    A 10 % price reduction in year 2 costs 10 % of year 2's revenue; the cost of goods stays:

    >>> cut = cohort_ltv_table(1000, retention=[0.5, 0.6], orders_per_customer=[1, 2],
    ...     average_order_value=[100, 100], cost_of_sales_rate=[0.6, 0.5], acquisition_cost=30,
    ...     yearly_costs={"marketing": [0, 10]}, discount_rate=0.10, price_reduction=[0, 0.10])
    >>> cut.loc[["revenue", "cost_of_sales", "profit"], "year 2"].tolist()
    [90000.0, 50000.0, 35000.0]
    """
    n0 = float(initial_customers)
    if not np.isfinite(n0) or n0 <= 0:
        raise DataError(f"initial_customers must be a positive number, got {initial_customers!r}")
    rows = {
        "retention": _per_year(retention, None, "retention"),
        "orders_per_customer": _per_year(orders_per_customer, None, "orders_per_customer"),
        "average_order_value": _per_year(average_order_value, None, "average_order_value"),
        "cost_of_sales_rate": _per_year(cost_of_sales_rate, None, "cost_of_sales_rate"),
    }
    years = len(rows["retention"])
    for name, values in rows.items():
        if len(values) != years:
            raise DataError(
                f"{name} has {len(values)} years but retention has {years}: give one value per year"
            )
    for name in ("retention", "cost_of_sales_rate"):
        bad = np.flatnonzero((rows[name] < 0) | (rows[name] > 1))
        if bad.size:
            raise DataError(
                f"{name} in year {bad[0] + 1} is {float(rows[name][bad[0]])!r}: a rate is between 0 and 1 (60 % = 0.60)"
            )
    referral = _per_year(referral_rate, years, "referral_rate")
    reduction = _per_year(price_reduction, years, "price_reduction")
    bad = np.flatnonzero((reduction < 0) | (reduction >= 1))
    if bad.size:
        raise DataError(f"price_reduction in year {bad[0] + 1} is {float(reduction[bad[0]])!r}: "
                        "a share of the price between 0 and 1 (10 % off = 0.10)")
    if (referral < 0).any():
        raise DataError("referral_rate cannot be negative")
    cost_lines = {
        name: _per_year(values, years, f"yearly_costs[{name!r}]") for name, values in (yearly_costs or {}).items()
    }
    risk_rate = _check_rate(discount_rate) * float(risk_factor)

    customers = np.empty(years)
    customers[0] = n0
    referred = np.empty(years)
    active = np.empty(years)
    for t in range(years):
        if t > 0:
            customers[t] = active[t - 1] * rows["retention"][t - 1]
        referred[t] = customers[t] * referral[t]
        active[t] = customers[t] + referred[t]

    list_revenue = active * rows["orders_per_customer"] * rows["average_order_value"]
    revenue = list_revenue * (1.0 - reduction)
    cost_of_sales = list_revenue * rows["cost_of_sales_rate"]
    acquisition = np.zeros(years)
    acquisition[0] = n0 * acquisition_cost
    line_costs = {f"{name}_cost": active * per_customer for name, per_customer in cost_lines.items()}
    incentive = referred * referral_incentive
    total_costs = cost_of_sales + acquisition + sum(line_costs.values(), np.zeros(years)) + incentive
    profit = revenue - total_costs
    exponents = np.arange(years) + payment_delay_days / 365.0
    factor = (1.0 + risk_rate) ** exponents
    npv = profit / factor
    cumulative = np.cumsum(npv)

    table = {
        "customers": customers,
        "referral_rate": referral,
        "referred_customers": referred,
        "active_customers": active,
        "retention_rate": rows["retention"],
        "orders_per_customer": rows["orders_per_customer"],
        "average_order_value": rows["average_order_value"],
        "price_reduction": reduction,
        "revenue": revenue,
        "cost_of_sales_rate": rows["cost_of_sales_rate"],
        "cost_of_sales": cost_of_sales,
        "acquisition_cost": acquisition,
        **line_costs,
        "referral_incentive_cost": incentive,
        "total_costs": total_costs,
        "profit": profit,
        "discount_factor": factor,
        "npv_profit": npv,
        "cumulative_npv": cumulative,
        "ltv": cumulative / n0,
    }
    return pd.DataFrame(table, index=[f"year {t + 1}" for t in range(years)]).T


def ltv_by_year(table: pd.DataFrame) -> pd.Series:
    """The ``ltv`` row of a cohort table as a Series by year number (1, 2, 3, ...).

    >>> import crmlib.datasets
    >>> ltv_by_year(cohort_ltv_table(**crmlib.datasets.load_cohort_ltv_inputs())).round(2).tolist()
    [-12.0, 23.0, 66.08]
    """
    ltv = table.loc["ltv"]
    ltv.index = [int(str(label).split()[-1]) for label in ltv.index]
    ltv.index.name = "year"
    return ltv.astype("float64")


def retention_clv(margin, retention, discount_rate: float, timing: str = "end"):
    """Lifetime value of a customer who brings ``margin`` a period and stays with probability ``retention``.

    With margin m per period, retention rate r per period and discount rate d per period, summed
    over an infinite horizon (the chance of still being a customer after t periods is r^t):

    - ``timing="end"`` (the course's default): CLV = m r / (1 + d - r) = sum_{t>=1} m r^t / (1 + d)^t.
      The margins still to come, each received at the end of a period the customer was retained
      for: the value of a customer already in the base, whose current margin is counted. This is
      Gupta & Lehmann's formula; r / (1 + d - r) is their **margin multiple**.
    - ``timing="start"``: CLV = m (1 + d) / (1 + d - r) = sum_{t>=0} m r^t / (1 + d)^t. The first
      margin is paid now, for sure: the value of a customer being acquired, whose first period
      comes with the acquisition. It is always exactly m more than ``"end"``.

    Both are in use, often without saying which (Fader & Hardie 2012): state the convention with
    the number. The course uses ``"end"`` for the customers a firm already has (the base's value,
    :func:`crmlib.profitability.customer_equity`), because it counts only money not yet received,
    and ``"start"`` for a new customer set against what it cost to win them
    (:func:`crmlib.profitability.ltv_to_cac`). Margin, retention and discount rate must be per
    the same period (a month or a year), and the margin a profit, not revenue.

    Source: Gupta & Lehmann (2003), "Customers as assets", *Journal of Interactive Marketing*
    17(1), 9-24; Gupta & Lehmann (2005), *Managing Customers as Investments*, Wharton School
    Publishing; Fader & Hardie (2012), "Reconciling and clarifying CLV formulas", a note on
    brucehardie.com.

    Parameters
    ----------
    margin : float or array
        Profit per customer per period (a negative margin gives a negative CLV).
    retention : float or array
        Probability that a customer of this period is still a customer next period, 0 to 1.
    discount_rate : float
        Discount rate per period (0.10 for 10 %).
    timing : {"end", "start"}
        When each period's margin is received (see above).

    Returns
    -------
    float, or an array when ``margin`` or ``retention`` is an array.

    Examples
    --------
    >>> round(retention_clv(100, 0.8, 0.1), 2)
    266.67
    >>> round(retention_clv(100, 0.8, 0.1, timing="start"), 2)
    366.67
    >>> retention_clv(100, [0.5, 0.8, 0.9], 0.1).round(2).tolist()
    [83.33, 266.67, 450.0]
    """
    discount_rate = _check_rate(discount_rate)
    if timing not in TIMINGS:
        raise DataError(f"timing must be 'end' (margins at the end of each period retained) or 'start' "
                        f"(the first margin now), got {timing!r}")
    m = np.asarray(margin, dtype="float64")
    r = np.asarray(retention, dtype="float64")
    if not np.all(np.isfinite(m)):
        raise DataError(f"margin must be a number (profit per customer per period), got {margin!r}")
    if not np.all(np.isfinite(r)) or np.any(r < 0) or np.any(r > 1):
        hint = ": write 80 % as 0.80" if np.all(np.isfinite(r)) and np.any((r > 1) & (r <= 100)) else ""
        raise DataError(f"retention must be a rate between 0 and 1, got {retention!r}{hint}")
    if np.any(1 + discount_rate - r <= 0):
        raise DataError("retention 1 with a discount rate of 0 gives an infinite CLV: a customer who never leaves "
                        "is worth a finite amount only when the future is discounted")
    numerator = r if timing == "end" else 1.0 + discount_rate
    value = m * numerator / (1.0 + discount_rate - r)
    return float(value) if value.ndim == 0 else value
