"""The course's data: loaders for every file in ``datasets/`` and two synthetic generators.

===============================  =========================================  ==========================
file                             loader                                     what it is
===============================  =========================================  ==========================
``CDNOW_master.txt``             :func:`load_cdnow_master`                  real: 23,570 CD buyers
``CDNOW_sample.txt``             :func:`load_cdnow_sample`                  real: 1/10 sample of them
``donations.csv``                :func:`load_donations`                     real: repeat donations
``cohort_ltv_inputs.json``       :func:`load_cohort_ltv_inputs`             the cohort LTV table's inputs
``quansheng_transactions.csv``   :func:`load_quansheng`                     synthetic: the Quansheng case
``sbg_retention.csv``            :func:`load_sbg_retention`                 published: sBG retention
``satisfaction_survey.csv``      :func:`load_satisfaction_survey`           synthetic: chapter 8 survey
(generated on demand)            :func:`make_transactions`                  synthetic retail purchases
(written on demand)              :func:`write_transactions_parquet`         the same, as Parquet files
(generated on demand)            :func:`make_subscriptions`                 synthetic subscription boxes
(generated on demand)            :func:`make_retention_campaign`            synthetic retention test
===============================  =========================================  ==========================

The files ship inside the package as ``crmlib.data`` (the folder ``datasets/`` of the course),
so every loader works from any working directory (the autograder runs a submission inside
``autograded/<student>/<assignment>/``) and from an installed wheel. Each file's data card
(source, licence, columns, how it was made) is ``datasets/README.md``.

Dates are ``datetime64[ns]`` at day resolution, money is ``float64``, ids and counts are
``int64`` unless a loader says otherwise.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.contract import DataError

__all__ = [
    "data_file",
    "load_cdnow_master",
    "load_cdnow_sample",
    "load_donations",
    "load_cohort_ltv_inputs",
    "load_quansheng",
    "load_sbg_retention",
    "load_satisfaction_survey",
    "make_transactions",
    "write_transactions_parquet",
    "make_retention_campaign",
    "make_quansheng",
    "make_subscriptions",
    "write_quansheng",
    "QUANSHENG_TODAY",
    "QUANSHENG_FIRMS",
    "SUBSCRIPTION_PLANS",
]

_DATE = "datetime64[ns]"


def data_file(name: str):
    """The shipped data file ``name`` as an :mod:`importlib.resources` Traversable.

    Use it to read a file's raw text (``data_file(name).read_text()``) or open it
    (``data_file(name).open("rb")``); it works from any working directory and from a wheel.

    Examples
    --------
    >>> data_file("donations.csv").read_text().splitlines()[0]
    'frequency,recency,periods,weights'
    """
    path = resources.files("crmlib.data") / name
    if not path.is_file():
        raise FileNotFoundError(f"crmlib ships no data file {name!r}: see datasets/README.md for the list")
    return path


# --------------------------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------------------------


def _read_cdnow(name: str, names: list[str], header) -> pd.DataFrame:
    with data_file(name).open("rb") as handle:
        dtypes = {name: ("float64" if name == "amount" else "int64") for name in names}
        raw = pd.read_csv(handle, sep=r"\s+", header=header, names=names, dtype=dtypes)
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d").astype(_DATE)
    return raw


def load_cdnow_master() -> pd.DataFrame:
    """Every purchase of the CDNOW cohort: 23,570 customers, 1997-01-01 to 1998-06-30.

    The customers made their first purchase at the CDNOW online music store in the first quarter
    of 1997 and were followed to the end of June 1998 (Fader, Hardie & Lee 2005). One row per
    purchase record; a customer can have several rows on one day.

    Returns
    -------
    DataFrame
        69,659 rows with columns

        - ``customer_id`` (int64): the customer, 1..23,570
        - ``date`` (datetime64[ns]): day of the purchase
        - ``cds`` (int64): number of CDs bought
        - ``amount`` (float64): dollars spent; 80 rows are 0.00 (free items), which
          :func:`crmlib.transactions.validate_transactions` rejects unless ``returns="drop"`` or
          ``"keep"``

    Examples
    --------
    >>> master = load_cdnow_master()
    >>> master.shape, master["customer_id"].nunique()
    ((69659, 4), 23570)
    >>> master.head(3)
       customer_id       date  cds  amount
    0            1 1997-01-01    1   11.77
    1            2 1997-01-12    1   12.00
    2            2 1997-01-12    5   77.00
    """
    return _read_cdnow("CDNOW_master.txt", ["customer_id", "date", "cds", "amount"], header=0)


def load_cdnow_sample() -> pd.DataFrame:
    """The 1/10 sample of the CDNOW cohort used by Fader, Hardie & Lee (2005): 2,357 customers.

    The papers calibrate on the first 39 weeks (1997-01-01 .. 1997-09-30) and hold out the next
    39 weeks (to 1998-06-30).

    Returns
    -------
    DataFrame
        6,919 rows with columns

        - ``customer_id`` (int64): the sample's own customer id, 1..2,357
        - ``date`` (datetime64[ns]): day of the purchase
        - ``cds`` (int64): number of CDs bought
        - ``amount`` (float64): dollars spent (8 rows are 0.00)
        - ``master_id`` (int64): the same customer's ``customer_id`` in :func:`load_cdnow_master`

    Examples
    --------
    >>> sample = load_cdnow_sample()
    >>> sample.shape, sample["customer_id"].nunique()
    ((6919, 5), 2357)
    >>> sample.head(2)
       customer_id       date  cds  amount  master_id
    0            1 1997-01-01    2   29.33          4
    1            1 1997-01-18    2   29.73          4
    """
    raw = _read_cdnow("CDNOW_sample.txt", ["master_id", "customer_id", "date", "cds", "amount"], header=None)
    return raw[["customer_id", "date", "cds", "amount", "master_id"]]


def load_donations() -> pd.DataFrame:
    """Repeat donations of 11,104 first-time supporters of a non-profit, 1995-2001.

    Each row is one repeat pattern over 6 annual opportunities after the first donation, and how
    many donors showed it (Fader, Hardie & Shang 2010): the input of a discrete-time BG/BB model.

    Returns
    -------
    DataFrame
        22 rows, all int64: ``frequency`` (repeat donations, 0..6), ``recency`` (the opportunity
        of the last repeat donation, 0 = none), ``periods`` (opportunities observed, always 6),
        ``weights`` (number of donors with that pattern; they add up to 11,104).

    Examples
    --------
    >>> donations = load_donations()
    >>> donations.shape, int(donations["weights"].sum())
    ((22, 4), 11104)
    >>> donations.head(2)
       frequency  recency  periods  weights
    0          0        0        6     3464
    1          1        1        6     1091
    """
    with data_file("donations.csv").open("rb") as handle:
        return pd.read_csv(handle, dtype="int64")


def load_cohort_ltv_inputs() -> dict:
    """Keyword arguments of :func:`crmlib.clv.cohort_ltv_table` for the course's cohort table.

    Read from ``cohort_ltv_inputs.json`` without its ``"about"`` note; lists stay lists. The
    inputs are a documented reconstruction (the source's table image is lost) that reproduces its
    published results: LTV 66.08 at the end of year 3 and -12 (a loss) after year 1.

    Returns
    -------
    dict
        ``initial_customers``, ``retention``, ``orders_per_customer``, ``average_order_value``,
        ``cost_of_sales_rate``, ``acquisition_cost``, ``yearly_costs`` (name -> list),
        ``referral_rate``, ``referral_incentive``, ``discount_rate``, ``risk_factor``,
        ``payment_delay_days``.

    Examples
    --------
    >>> inputs = load_cohort_ltv_inputs()
    >>> inputs["initial_customers"], inputs["retention"], inputs["acquisition_cost"]
    (10000, [0.6, 0.8, 0.85], 60.0)
    """
    inputs = json.loads(data_file("cohort_ltv_inputs.json").read_text(encoding="utf-8"))
    inputs.pop("about", None)
    return inputs


def load_sbg_retention() -> pd.DataFrame:
    """Customers still active in two cohorts of 1,000, years 0..12 (Fader & Hardie 2007).

    The worked example of the shifted-beta-geometric retention model ("How to project customer
    retention", *Journal of Interactive Marketing* 21(1)): a "regular" and a "high end" cohort of
    a subscription business. The paper fits years 0..7 and checks the projection on years 8..12.

    Returns
    -------
    DataFrame
        13 rows indexed by ``year`` (int64, 0..12), columns ``regular`` and ``high_end`` (int64,
        customers still active at the end of the year).

    Examples
    --------
    >>> survivors = load_sbg_retention()
    >>> survivors.loc[7].tolist()
    [241, 491]
    """
    with data_file("sbg_retention.csv").open("rb") as handle:
        return pd.read_csv(handle, dtype="int64").set_index("year")


# --------------------------------------------------------------------------------------------
# synthetic retail transactions
# --------------------------------------------------------------------------------------------

# Relative purchase intensity by calendar month (mean 1): a November build-up, a December peak.
_MONTH_WEIGHTS = np.array([0.85, 0.80, 0.95, 0.95, 1.00, 0.95, 0.90, 0.95, 1.00, 1.05, 1.20, 1.60])


def make_transactions(
    n_customers: int = 1000,
    seed: int = 0,
    start="2023-01-01",
    end="2024-12-31",
) -> pd.DataFrame:
    """Synthetic retail transactions with the heterogeneity of real customer bases.

    Every customer

    - makes a first purchase on a day drawn uniformly from ``start`` .. ``end``;
    - stays active for an exponential lifetime (mean 18 months) and then stops buying for good
      (churn), unless the period ends first;
    - buys again at a personal rate drawn from a gamma distribution (shape 0.55: many light
      buyers, a few heavy ones), so the number of repeat purchases while active is Poisson;
    - buys more in some months than others: repeat purchases follow monthly weights (November
      1.2, December 1.6 times an average month);
    - spends around a personal level drawn from a lognormal distribution (median 35), each
      purchase scattered around it (lognormal, sigma 0.4), rounded to cents, at least 1.00.

    With the default two-year span a customer makes about 10 purchases on average; several in
    ten buy only once, and the top 20 % of customers by spend bring most of the revenue. The
    work is vectorised NumPy: a million customers (about ten million rows) take a few seconds.

    Parameters
    ----------
    n_customers : int
        Number of customers, with ids 1..n_customers; every one buys at least once.
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same frame.
    start, end : date-like
        First and last day of the period (both included).

    Returns
    -------
    DataFrame
        Columns ``customer_id`` (int64), ``date`` (datetime64[ns], whole days) and ``amount``
        (float64, 2 decimals, > 0), sorted by date then customer, with a RangeIndex.

    Examples
    --------
    >>> tx = make_transactions(n_customers=100, seed=1)
    >>> tx.columns.tolist(), tx["customer_id"].nunique()
    (['customer_id', 'date', 'amount'], 100)
    >>> bool(tx["date"].is_monotonic_increasing), bool((tx["amount"] > 0).all())
    (True, True)
    """
    n_customers = int(n_customers)
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    first_day = np.datetime64(pd.Timestamp(start).date(), "D")
    last_day = np.datetime64(pd.Timestamp(end).date(), "D")
    n_days = int((last_day - first_day).astype(int)) + 1
    if n_days < 1:
        raise ValueError(f"end ({end}) must not be before start ({start})")
    rng = np.random.default_rng(seed)

    # Seasonal weight of every day and its running total: the "seasonal clock" of the period.
    days = first_day + np.arange(n_days)
    months = days.astype("datetime64[M]").astype(int) % 12
    clock = np.concatenate(([0.0], np.cumsum(_MONTH_WEIGHTS[months])))

    # Customers: first purchase, end of activity (churn or end of period), rate, spend level.
    acquired = rng.integers(0, n_days, size=n_customers)
    lifetime = rng.exponential(548.0, size=n_customers)
    active_end = np.minimum(acquired + 1 + np.floor(lifetime).astype(np.int64), n_days)
    rate = rng.gamma(0.55, 0.064, size=n_customers)
    level = rng.lognormal(np.log(35.0), 0.9, size=n_customers)

    lo = clock[acquired]
    width = clock[active_end] - lo
    repeats = rng.poisson(rate * width)
    counts = 1 + repeats
    n_rows = int(counts.sum())

    # Rows in customer order: the first purchase, then the repeats at seasonal-clock times.
    customer = np.repeat(np.arange(n_customers, dtype=np.int64), counts)
    first_row = np.cumsum(counts) - counts
    ticks = np.repeat(lo, counts) + rng.random(n_rows) * np.repeat(width, counts)
    day = np.searchsorted(clock, ticks, side="right") - 1
    day = np.minimum(day, np.repeat(active_end - 1, counts))
    day[first_row] = acquired
    amount = np.repeat(level, counts) * rng.lognormal(0.0, 0.4, size=n_rows)
    amount = np.maximum(np.round(amount, 2), 1.0)

    # Sort by date then customer: a stable sort on the day keeps the customer order within a day.
    day_type = np.int16 if n_days < np.iinfo(np.int16).max else np.int64
    order = np.argsort(day.astype(day_type), kind="stable")
    return pd.DataFrame(
        {
            "customer_id": customer[order] + 1,
            "date": (first_day + day[order]).astype(_DATE),
            "amount": amount[order],
        }
    )


# --------------------------------------------------------------------------------------------
# synthetic subscription cohorts (chapter 10)
# --------------------------------------------------------------------------------------------

#: The two plans of :func:`make_subscriptions`, its true parameters: the monthly price of a box,
#: the monthly retention rate (the chance that a subscriber of this month takes next month's box
#: too) and the plan's share of new subscribers. Expected lifetimes are 1 / (1 - retention): 5
#: boxes on the basic plan, 12.5 on the family plan.
SUBSCRIPTION_PLANS = pd.DataFrame(
    {"plan": ["basic", "family"], "price": [39.0, 69.0], "retention": [0.80, 0.92], "share": [0.6, 0.4]}
)


def make_subscriptions(
    seed: int = 2019,
    start="2019-01",
    months: int = 60,
    new_customers: float = 100.0,
    growth: float = 0.04,
    growth_months: int = 36,
) -> pd.DataFrame:
    """Five years of a meal-kit subscription service (synthetic): one row per box delivered.

    A contractual business: a customer who cancels is gone for good, so retention is observed.
    The true parameters:

    - **acquisition**: the number of new subscribers in month k = 0, 1, ... is Poisson with mean
      ``new_customers`` x (1 + ``growth``)^min(k, ``growth_months`` - 1): 100 in the first month,
      growing 4 % a month for three years, then flat at about 395 a month;
    - **plans** (:data:`SUBSCRIPTION_PLANS`): 60 % choose the basic box (39.00 a month), 40 % the
      family box (69.00 a month);
    - **retention**: after each box a subscriber takes the next month's box with probability 0.80
      (basic) or 0.92 (family), independently, so the number of boxes is geometric;
    - **dates**: the first box on a sign-up day drawn from days 1-28 of the sign-up month, every
      later box on the same day of the following months, until the subscriber cancels or the
      data ends (the last month of the ``months``); subscribers still active then are censored.

    Generated on demand in well under a second (no file is stored): the same arguments give the
    same frame. Its data card is in ``datasets/README.md``.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    start : period-like
        The first month.
    months : int
        Number of months of data.
    new_customers, growth, growth_months
        The acquisition process above.

    Returns
    -------
    DataFrame
        ``customer_id`` (int64, 1, 2, ... in order of sign-up), ``date`` (datetime64[ns]),
        ``amount`` (float64, the box's price) and ``plan`` (str: basic / family), sorted by date
        then customer.

    Examples
    --------
    >>> boxes = make_subscriptions()
    >>> boxes.shape, boxes["customer_id"].nunique()
    ((109398, 4), 17119)
    >>> boxes.groupby("plan")["amount"].first().to_dict()
    {'basic': 39.0, 'family': 69.0}
    """
    months = int(months)
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    rng = np.random.default_rng(seed)
    month = np.arange(months)
    expected = new_customers * (1.0 + growth) ** np.minimum(month, max(growth_months - 1, 0))
    signups = rng.poisson(expected)
    n = int(signups.sum())
    signup_month = np.repeat(month, signups)
    signup_day = rng.integers(1, 29, size=n)
    order = np.lexsort((signup_day, signup_month))  # ids in order of sign-up; a day's order is random
    signup_month, signup_day = signup_month[order], signup_day[order]
    plan = rng.choice(len(SUBSCRIPTION_PLANS), size=n, p=SUBSCRIPTION_PLANS["share"].to_numpy())
    boxes = rng.geometric(1.0 - SUBSCRIPTION_PLANS["retention"].to_numpy()[plan])
    boxes = np.minimum(boxes, months - signup_month)

    who = np.repeat(np.arange(n), boxes)
    first_row = np.cumsum(boxes) - boxes
    box_month = signup_month[who] + np.arange(who.size) - np.repeat(first_row, boxes)
    first_month = np.datetime64(pd.Period(start, "M").start_time.date(), "M")
    day = (first_month + box_month).astype("datetime64[D]") + (signup_day[who] - 1)
    frame = pd.DataFrame({
        "customer_id": who.astype(np.int64) + 1,
        "date": day.astype(_DATE),
        "amount": SUBSCRIPTION_PLANS["price"].to_numpy()[plan][who],
        "plan": SUBSCRIPTION_PLANS["plan"].to_numpy()[plan][who],
    })
    return frame.sort_values(["date", "customer_id"], ignore_index=True, kind="stable")


# --------------------------------------------------------------------------------------------
# the Quansheng case (全胜公司)
# --------------------------------------------------------------------------------------------

#: "Today" of the Quansheng case: the analysis date, 2004-11-27. Every purchase in the case file
#: lies in the 365 days up to it: 2003-11-27 < date <= 2004-11-27.
QUANSHENG_TODAY = pd.Timestamp("2004-11-27")

#: The seven firms of the case (slides 78-80) as built into the file: ``rank`` is the firm's
#: place by total purchases TM (11-50 high-end, 51-200 mid-range), ``F`` its purchases in the
#: 365 days to :data:`QUANSHENG_TODAY`, ``R`` the days since its last purchase. With
#: P = 365 / F and delta = P - R: 甲, 戊, 庚 are safe (delta > 0), 丁 is on the line (delta = 0),
#: 乙 is 4 days over a 46-day cycle, 丙 and 己 are 26 and 22 days over a 17-day cycle.
QUANSHENG_FIRMS = pd.DataFrame(
    {
        "customer_name": ["甲", "乙", "丙", "丁", "戊", "己", "庚"],
        "industry": ["food processing", "pharmaceutical", "coatings", "detergents",
                     "food processing", "textiles", "cosmetics"],
        "rank": [14, 27, 38, 66, 21, 83, 120],
        "F": [26, 8, 21, 5, 10, 21, 15],
        "R": [6, 50, 43, 73, 12, 39, 4],
    }
)

_QS_INDUSTRIES = {
    "food processing": 0.22, "coatings": 0.12, "pharmaceutical": 0.10, "detergents": 0.10,
    "textiles": 0.10, "plastics": 0.10, "cosmetics": 0.07, "water treatment": 0.07,
    "paper": 0.07, "agriculture": 0.05,
}
_QS_CUSTOMERS = 1000
_QS_LAST = 364  # the earliest purchase is 364 days before today (2003-11-28)
_QS_CSV = {"index": False, "float_format": "%.2f", "date_format": "%Y-%m-%d", "lineterminator": "\n"}


def _qs_totals(rng) -> np.ndarray:
    """Total purchases TM in cents by rank, strictly decreasing: 5 beverage makers on top, then a
    Zipf-like tail (TM ~ rank^-0.95), with 40-48 million yuan in all."""
    beverage = np.array([5.2e6, 4.3e6, 3.6e6, 2.9e6, 2.4e6]) * rng.lognormal(0.0, 0.05, 5)
    ranks = np.arange(6, _QS_CUSTOMERS + 1)
    tail = 3.9e6 * ranks ** -0.95 * rng.lognormal(0.0, 0.12, ranks.size)
    yuan = np.concatenate([np.sort(beverage)[::-1], np.sort(tail)[::-1]])
    totals = np.round(yuan * 100).astype(np.int64)
    for i in range(1, totals.size):  # distinct totals, at least a yuan apart: ranks are never tied
        totals[i] = min(totals[i], totals[i - 1] - 100)
    return totals


def _qs_days(rng, cycle: float, recency: int, jitter: float) -> np.ndarray:
    """Days before today of a customer's purchases: the last one ``recency`` days ago, the earlier
    ones every ``cycle`` days (jittered) back to the start of the year; distinct, newest first."""
    steps = np.arange(1, int(_QS_LAST // cycle) + 2)
    days = recency + np.round(steps * cycle + rng.uniform(-jitter, jitter, steps.size) * cycle)
    days = days[(days > recency) & (days <= _QS_LAST)]
    return np.unique(np.concatenate(([recency], days))).astype(np.int64)


def _qs_named_days(rng, purchases: int, recency: int) -> np.ndarray:
    """Exactly ``purchases`` distinct days, the last ``recency`` days ago, the others spaced at the
    firm's cycle 365 / F (squeezed if the year is too short for it), each moved by at most a day."""
    spacing = min(365.0 / purchases, (_QS_LAST - 2 - recency) / max(purchases - 1, 1))
    steps = np.arange(1, purchases)
    days = recency + np.round(steps * spacing) + rng.integers(-1, 2, steps.size)
    return np.concatenate(([recency], days)).astype(np.int64)


def _qs_split(rng, total_cents: int, n: int, sigma: float) -> np.ndarray:
    """Split a total (in cents) into ``n`` positive purchase amounts (cents) that add up exactly."""
    weights = rng.lognormal(0.0, sigma, n)
    cents = np.floor(total_cents * weights / weights.sum()).astype(np.int64)
    cents[np.argmax(cents)] += total_cents - cents.sum()
    return cents


def make_quansheng(seed: int = 2004) -> pd.DataFrame:
    """The Quansheng case (全胜公司) as a transaction file: one year of a chemical trader's sales.

    The course source (chapter 2, slides 75-80) describes a small chemical-trading firm with
    annual sales of over 40 million yuan, a few top customers (local plants of beverage makers)
    and about 1,000 other customers, and reads seven firms, 甲 to 庚, with the purchase-cycle
    rule delta = P - R (P = 365 / F) on 2004-11-27. Its data is not published: this function
    builds a file with exactly those facts.

    - 1,000 customers, ids ``C0001`` .. ``C1000`` in random order of size; all their purchases in
      the 365 days up to 2004-11-27 (2003-11-28 .. 2004-11-27), at most one a day per customer.
    - Total sales 40-48 million yuan. Ranked by total purchases TM, the top 10 include the 5
      beverage makers (``industry == "beverage"``, ranks 1-5, weekly deliveries of millions a
      year); the tiers by count are 10 top / 40 high-end / 150 mid-range / 800 low-end.
    - The seven case firms (``customer_name`` 甲 .. 庚) sit in the high-end and mid-range tiers
      with the F and R of :data:`QUANSHENG_FIRMS`, their purchases spaced about one cycle apart.
    - The other customers come from ten industries and buy at their own cycles, with some
      jitter: most are on time, some a little late, some well past their cycle, a few lapsed.
      Buying cycles are shorter for bigger customers (beverage makers weekly, high-end every
      10-45 days, low-end 1-12 purchases a year).

    The shipped ``quansheng_transactions.csv`` is ``write_quansheng`` of ``make_quansheng(2004)``,
    byte for byte (a test rebuilds it).

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    DataFrame
        Columns ``customer_id`` (str, "C0001"), ``customer_name`` (str: 甲 .. 庚 for the case
        firms, "客户0001" for the others), ``industry`` (str), ``date`` (datetime64[ns]) and
        ``amount`` (float64, yuan with 2 decimals, > 0), sorted by date then customer id.

    Examples
    --------
    >>> qs = make_quansheng()
    >>> qs["customer_id"].nunique(), round(float(qs["amount"].sum()) / 1e6, 1)
    (1000, 44.3)
    """
    rng = np.random.default_rng(seed)
    totals = _qs_totals(rng)
    n = _QS_CUSTOMERS
    ids = rng.permutation(n) + 1  # the customer number at each rank
    rank = np.arange(1, n + 1)

    names = [f"客户{i:04d}" for i in ids]
    industry = rng.choice(list(_QS_INDUSTRIES), size=n, p=list(_QS_INDUSTRIES.values())).tolist()
    industry[:5] = ["beverage"] * 5
    named = dict(zip(QUANSHENG_FIRMS["rank"], QUANSHENG_FIRMS.itertuples(index=False), strict=True))
    for r, firm in named.items():
        names[r - 1] = firm.customer_name
        industry[r - 1] = firm.industry

    # Purchases per year by tier, and how late each customer is now (in cycles past due).
    target = np.where(rank <= 5, rng.integers(48, 53, n),
             np.where(rank <= 10, rng.integers(24, 49, n),
             np.where(rank <= 50, rng.integers(8, 37, n),
             np.where(rank <= 200, rng.integers(4, 25, n), np.minimum(1 + rng.poisson(2.5, n), 12)))))
    state = rng.random(n)
    late = np.where(state < 0.78, rng.uniform(0.0, 0.95, n),          # on time
           np.where(state < 0.90, rng.uniform(1.0, 1.3, n),           # a little late
           np.where(state < 0.96, rng.uniform(1.3, 2.0, n),           # well past the cycle
                    rng.uniform(2.0, 4.0, n))))                        # lapsed
    late[:10] = rng.uniform(0.0, 0.6, 10)  # top accounts are looked after by the executives

    frames = []
    for i in range(n):
        cycle = 365.0 / target[i]
        if rank[i] in named:
            firm = named[rank[i]]
            days = _qs_named_days(rng, firm.F, firm.R)
        else:
            recency = int(min(np.floor(late[i] * cycle), _QS_LAST))
            days = _qs_days(rng, cycle, recency, jitter=0.1 if rank[i] <= 10 else 0.25)
        cents = _qs_split(rng, int(totals[i]), days.size, sigma=0.15 if rank[i] <= 10 else 0.35)
        frames.append((np.full(days.size, i), days, cents))

    who = np.concatenate([f[0] for f in frames])
    days_before = np.concatenate([f[1] for f in frames])
    cents = np.concatenate([f[2] for f in frames])
    customer_id = np.array([f"C{i:04d}" for i in ids], dtype=object)[who]
    tx = pd.DataFrame(
        {
            "customer_id": customer_id.tolist(),
            "customer_name": np.array(names, dtype=object)[who].tolist(),
            "industry": np.array(industry, dtype=object)[who].tolist(),
            "date": (np.datetime64(QUANSHENG_TODAY.date(), "D") - days_before).astype(_DATE),
            "amount": cents / 100.0,
        }
    )
    return tx.sort_values(["date", "customer_id"], ignore_index=True)


def write_quansheng(path, seed: int = 2004) -> Path:
    """Write ``make_quansheng(seed)`` as CSV to ``path`` (UTF-8, ``%.2f`` amounts, ISO dates).

    This is how ``datasets/quansheng_transactions.csv`` is made: ``python -m crmlib.datasets
    quansheng datasets/quansheng_transactions.csv`` rebuilds it byte for byte.
    """
    path = Path(path)
    make_quansheng(seed).to_csv(path, encoding="utf-8", **_QS_CSV)
    return path


def load_quansheng() -> pd.DataFrame:
    """The Quansheng case transactions (全胜公司, chapter 6): 1,000 customers, 2003-11-28 .. 2004-11-27.

    See :func:`make_quansheng` for what is in it; analyse it with today = :data:`QUANSHENG_TODAY`
    and a 365-day window.

    Returns
    -------
    DataFrame
        ``customer_id`` (str), ``customer_name`` (str), ``industry`` (str), ``date``
        (datetime64[ns]), ``amount`` (float64, yuan), sorted by date then customer id.

    Examples
    --------
    >>> qs = load_quansheng()
    >>> qs.columns.tolist()
    ['customer_id', 'customer_name', 'industry', 'date', 'amount']
    >>> last = qs[qs["customer_name"] == "丙"]["date"].max()
    >>> (QUANSHENG_TODAY - last).days, int((qs["customer_name"] == "丙").sum())
    (43, 21)
    """
    with data_file("quansheng_transactions.csv").open("rb") as handle:
        tx = pd.read_csv(handle, encoding="utf-8", parse_dates=["date"])
    tx["date"] = tx["date"].astype(_DATE)
    tx["amount"] = tx["amount"].astype("float64")
    return tx



def load_satisfaction_survey() -> pd.DataFrame:
    """The satisfaction-trap survey (客户满意陷阱, chapter 8): 2,000 customers, synthetic.

    Expectations met, satisfaction score and repurchase a year later, made by
    :func:`crmlib.satisfaction.make_satisfaction_survey` (seed 2024), which documents the
    generating model; the data card is in ``datasets/README.md``.

    Returns
    -------
    DataFrame
        ``customer_id`` (int64), ``stage`` (str: exploration / formation / stability / decline),
        ``competition`` (str: high / low), ``basic_met``, ``potential_met``, ``satisfaction``
        (int64 scores 1-5) and ``repurchased`` (bool).

    Examples
    --------
    >>> survey = load_satisfaction_survey()
    >>> survey.shape, int(survey["repurchased"].sum())
    ((2000, 7), 1002)
    >>> survey.columns.tolist()
    ['customer_id', 'stage', 'competition', 'basic_met', 'potential_met', 'satisfaction', 'repurchased']
    """
    dtypes = {"customer_id": "int64", "basic_met": "int64", "potential_met": "int64",
              "satisfaction": "int64", "repurchased": "bool"}
    with data_file("satisfaction_survey.csv").open("rb") as handle:
        return pd.read_csv(handle, encoding="utf-8", dtype=dtypes)

def write_transactions_parquet(
    folder,
    n_customers: int,
    seed: int = 0,
    customers_per_file: int = 1_000_000,
    start="2023-01-01",
    end="2024-12-31",
) -> Path:
    """Write a large synthetic sales table as Parquet files, one file of customers at a time.

    File ``k`` (``part-00000.parquet``, ``part-00001.parquet``, ...) holds
    :func:`make_transactions` for up to ``customers_per_file`` customers, drawn with the seed
    ``SeedSequence([seed, k])``, their ids shifted to ``k * customers_per_file + 1``,
    ``k * customers_per_file + 2``, ...: so the table has ids ``1..n_customers``, about ten
    purchases per customer (10 million customers give about 100 million rows), and memory holds
    one file's frame at a time (about 250 MB for a million customers). The same arguments write
    the same files. Dates are stored in microseconds (``datetime64[us]``), which every Parquet
    reader takes, Spark included (Spark rejects nanoseconds). Needs pyarrow (``crmlib[scale]``).

    Parameters
    ----------
    folder : path
        Created if missing; existing ``part-*.parquet`` files in it are replaced.
    n_customers : int
        Number of customers in the whole table.
    seed : int
        Seed of the whole table.
    customers_per_file : int
        Customers per file: the unit of work and of memory.
    start, end : date-like
        The period, as in :func:`make_transactions`.

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_transactions_parquet(tempfile.mkdtemp(), n_customers=250, customers_per_file=100)
    >>> sorted(f.name for f in folder.iterdir())
    ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']
    >>> table = pd.read_parquet(folder)
    >>> int(table["customer_id"].min()), int(table["customer_id"].max()), str(table["date"].dtype)
    (1, 250, 'datetime64[us]')
    """
    n_customers, per_file = int(n_customers), int(customers_per_file)
    if n_customers < 1 or per_file < 1:
        raise ValueError(f"n_customers and customers_per_file must be at least 1, got {n_customers}, {per_file}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.parquet"):
        old.unlink()
    for k, first in enumerate(range(0, n_customers, per_file)):
        file_seed = int(np.random.SeedSequence([seed, k]).generate_state(1)[0])
        part = make_transactions(min(per_file, n_customers - first), seed=file_seed, start=start, end=end)
        part["customer_id"] += first
        part["date"] = part["date"].astype("datetime64[us]")
        part.to_parquet(folder / f"part-{k:05d}.parquet", index=False)
    return folder


# --------------------------------------------------------------------------------------------
# a retention campaign with a control group (chapter 12)
# --------------------------------------------------------------------------------------------


def make_retention_campaign(n_customers: int = 20000, seed: int = 2018, offer_share: float = 0.5) -> pd.DataFrame:
    """A randomised retention campaign whose true effects are known: who leaves, with and without the offer.

    A subscription business (a phone or broadband contract) sends a retention offer to a random
    half of its customers and watches who leaves in the following year. Because the data are
    generated, every customer's **true churn probability without and with the offer** is known
    too, which no real campaign can tell: chapter 12 compares its estimates with this truth.

    What is observed of each customer:

    - ``tenure_months``: months as a customer, 1 + the whole part of an exponential with mean 26,
      at most 120;
    - ``monthly_margin``: yuan of margin a month, lognormal with median 40 and sigma 0.45;
    - ``support_calls``: calls to customer service in the last 90 days, Poisson with a
      gamma-distributed mean (shape 0.5, scale 1.4): most customers never call, a few call often;
    - ``usage_change``: the change of monthly usage over the last three months (-0.30: fell by
      30 %), normal with mean 0 and sd 0.22, cut to -0.9 .. 0.9 and rounded to 2 decimals;
    - ``price_increase``: the customer's price went up at the last renewal (one in four).

    Why customers leave: four independent reasons, each a chance to leave within the year,
    computed from the columns above (as rounded):

    - service problems: 1 - 0.8 ** support_calls;
    - needing the service less: min(1.2 × max(0, -usage_change - 0.15), 0.9);
    - price: 1 - (1 - 0.25 × price_increase) × (1 - 0.10 × new), new = tenure_months <= 12
      (new customers still compare prices);
    - anything else (moving, a death in the family): 0.02;

    so ``churn_prob_no_offer`` = 1 - the product of the chances to stay, (1 - reason) over the
    four reasons. **The offer (a discount) works only on the price reason**: it removes 70 % of
    it. A customer who leaves for the other reasons cannot be saved by it, however high their
    risk. And for **settled customers** (more than 36 months, no price increase, no support
    call) the contact itself adds a 0.03 chance of leaving: it reminds them that they can (the
    "sleeping dogs" of uplift modelling; Ascarza, Iyengar & Schleicher 2016 measured such a
    backfire in a field experiment). So ``churn_prob_offer`` = 1 - (1 - service) (1 - usage)
    (1 - 0.3 × price) (1 - 0.02) (1 - 0.03 × settled), and the true uplift of the offer on
    staying is ``churn_prob_no_offer - churn_prob_offer``: positive for customers with a price
    reason (more for those with few other reasons), negative for settled customers, exactly zero
    for everyone else.

    The test: ``round(n_customers × offer_share)`` customers, chosen at random, get the offer
    (``offer``); each customer draws one uniform number u and ``churned`` is u < the probability
    of the group they are in. (The same u would decide the other group's outcome: the customer's
    fate is fixed either way, which makes the four kinds of customers of uplift modelling exact.)

    With the defaults (20,000 customers, seed 2018): 24.3 % of the control group and 19.6 % of
    the offer group churn; the true average uplift is 5.2 points (52.2 % of the customers have a
    positive uplift, 12.2 % a negative one, 35.6 % none); of the 2,346 customers more likely to
    leave than to stay without the offer (``churn_prob_no_offer`` >= 0.5), 27.2 % have a true
    uplift of exactly zero. ``tests/test_uplift.py`` pins these numbers.

    Parameters
    ----------
    n_customers : int
        Number of customers, ids 1..n_customers, at least 2.
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same frame. The course
        uses 2018, the year of Ascarza's "Retention futility".
    offer_share : float
        The share of customers who get the offer, between 0 and 1.

    Returns
    -------
    DataFrame
        One row per customer: ``customer_id`` (int64), ``tenure_months`` (int64),
        ``monthly_margin`` (float64, yuan, 2 decimals), ``support_calls`` (int64),
        ``usage_change`` (float64, 2 decimals), ``price_increase`` (bool), ``offer`` (bool),
        ``churned`` (bool), and the truth: ``churn_prob_no_offer`` and ``churn_prob_offer``
        (float64).

    Raises
    ------
    crmlib.DataError
        For fewer than 2 customers or an offer share outside 0..1.

    References
    ----------
    Ascarza, E. (2018). Retention futility: Targeting high-risk customers might be ineffective.
    *Journal of Marketing Research* 55(1), 80-98.

    Ascarza, E., Iyengar, R. & Schleicher, M. (2016). The perils of proactive churn prevention
    using plan recommendations: Evidence from a field experiment. *Journal of Marketing
    Research* 53(1), 46-60.

    Examples
    --------
    >>> campaign = make_retention_campaign(1000, seed=1)
    >>> campaign.shape, int(campaign["offer"].sum())
    ((1000, 10), 500)
    >>> uplift = campaign["churn_prob_no_offer"] - campaign["churn_prob_offer"]
    >>> bool((uplift[~campaign["price_increase"] & (campaign["tenure_months"] > 12)] <= 0).all())
    True
    """
    try:
        n_customers = int(n_customers)
        offer_share = float(offer_share)
    except (TypeError, ValueError):
        raise DataError(f"n_customers must be a whole number and offer_share a number, got {n_customers!r} and "
                        f"{offer_share!r}") from None
    if n_customers < 2:
        raise DataError(f"n_customers must be at least 2 (a test needs an offer and a control group), got "
                        f"{n_customers}")
    if not 0.0 < offer_share < 1.0:
        raise DataError(f"offer_share must be a share between 0 and 1 (0.5 for half), got {offer_share!r}")
    n = n_customers
    rng = np.random.default_rng(seed)
    tenure = np.minimum(1 + np.floor(rng.exponential(26.0, n)), 120).astype(np.int64)
    margin = np.round(rng.lognormal(np.log(40.0), 0.45, n), 2)
    calls = rng.poisson(rng.gamma(0.5, 1.4, n)).astype(np.int64)
    usage = np.round(np.clip(rng.normal(0.0, 0.22, n), -0.9, 0.9), 2)
    price = rng.random(n) < 0.25

    service = 1 - 0.8**calls
    needs_less = np.minimum(1.2 * np.maximum(0.0, -usage - 0.15), 0.9)
    price_reason = 1 - (1 - 0.25 * price) * (1 - 0.10 * (tenure <= 12))
    settled = (tenure > 36) & ~price & (calls == 0)
    stay_other = (1 - service) * (1 - needs_less) * (1 - 0.02)
    churn_no_offer = 1 - stay_other * (1 - price_reason)
    churn_offer = 1 - stay_other * (1 - 0.3 * price_reason) * (1 - 0.03 * settled)

    offer = np.zeros(n, dtype=bool)
    offer[rng.permutation(n)[: round(n * offer_share)]] = True
    luck = rng.random(n)
    churned = luck < np.where(offer, churn_offer, churn_no_offer)
    return pd.DataFrame({
        "customer_id": np.arange(1, n + 1, dtype=np.int64),
        "tenure_months": tenure,
        "monthly_margin": margin,
        "support_calls": calls,
        "usage_change": usage,
        "price_increase": price,
        "offer": offer,
        "churned": churned,
        "churn_prob_no_offer": churn_no_offer,
        "churn_prob_offer": churn_offer,
    })


def main(argv=None) -> int:
    """``python -m crmlib.datasets quansheng PATH``: write the Quansheng case file to PATH."""
    parser = argparse.ArgumentParser(prog="python -m crmlib.datasets", description=main.__doc__)
    parser.add_argument("dataset", choices=["quansheng"])
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=2004)
    args = parser.parse_args(argv)
    print(write_quansheng(args.path, seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
