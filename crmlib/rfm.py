"""RFM analysis (Hughes 1994): recency, frequency and monetary value per customer (chapter 5).

- R, **recency** (最近一次消费): days since the customer's last purchase; fewer is better.
- F, **frequency** (消费频率): number of purchases in the period; more is better.
- M, **monetary value** (消费金额): amount spent in the period; more is better.

Each is cut into ``bins`` equal groups (quintiles by default) scored 1..bins with 5 = best, and
the three scores make a cell code such as ``"532"`` (R group 5, F group 3, M group 2): 5 x 5 x 5 =
125 cells. A test mailing to every cell gives each cell's response rate and break-even index, and
the mailing goes only to the cells that pay.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.btyd import btyd_summary  # noqa: F401  (the repeat-buying summary of chapter 9 lives in crmlib.btyd)
from crmlib.contract import DataError, column_error, first_rows, require_columns
from crmlib.transactions import validate_transactions

RFM_COLUMNS = ("recency_days", "frequency", "monetary", "avg_amount", "last_purchase")


def rfm_table(
    transactions: pd.DataFrame,
    asof,
    window_days: int | None = 365,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    returns: str = "error",
) -> pd.DataFrame:
    """Recency, frequency and monetary value of every customer who bought in the window.

    The window is the ``window_days`` days up to and including ``asof``:
    ``asof - window_days < date <= asof`` (``window_days=None`` takes all history).

    - ``recency_days`` = (asof - last purchase) in whole days (0 = bought on ``asof``)
    - ``frequency`` = number of purchases (rows) in the window
    - ``monetary`` = total amount in the window (TM = M x F in the Quansheng case)
    - ``avg_amount`` = monetary / frequency (the case's M)
    - ``last_purchase`` = date of the last purchase

    Source: Hughes (1994), *Strategic Database Marketing*; course chapter 2, section on RFM.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    asof : date-like
        The analysis date ("today").
    window_days : int or None
        Length of the period; customers with no purchase in it are not in the table.
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (sorted), one row per customer who bought in the window.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2],
    ...                    "date": ["2004-10-01", "2004-11-20", "2004-06-01"],
    ...                    "amount": [100.0, 50.0, 30.0]})
    >>> rfm_table(tx, asof="2004-11-27")
                 recency_days  frequency  monetary  avg_amount last_purchase
    customer_id
    1                       7          2     150.0        75.0    2004-11-20
    2                     179          1      30.0        30.0    2004-06-01
    """
    clean = validate_transactions(transactions, customer, date, amount, asof=asof, returns=returns)
    asof = pd.Timestamp(asof)
    if window_days is not None:
        if window_days <= 0:
            raise DataError(f"window_days must be a positive number of days, got {window_days}")
        start = asof - pd.Timedelta(days=window_days)
        in_window = (clean["date"] > start).to_numpy()
        if not in_window.any():
            raise DataError(
                f"column {date!r}: no purchase in the {window_days} days up to asof {asof.date()} "
                f"(the last purchase is {clean['date'].max().date()}): widen window_days or move asof"
            )
        if not in_window.all():
            clean = clean.loc[in_window]
    by_customer = clean.groupby("customer_id", sort=True)
    last_purchase = by_customer["date"].max()
    frequency = by_customer.size()
    monetary = by_customer["amount"].sum()
    return pd.DataFrame({
        "recency_days": (asof - last_purchase).dt.days,
        "frequency": frequency,
        "monetary": monetary,
        "avg_amount": monetary / frequency,
        "last_purchase": last_purchase,
    })


def quantile_scores(values: pd.Series, bins: int = 5, higher_is_better: bool = True) -> pd.Series:
    """Score values 1..bins in equal-size groups, ``bins`` = the best group.

    score = floor((rank - 1) x bins / n) + 1, where rank 1 is the worst value.

    **Tie rule**: tied values are never split. A tied group takes the score of its lowest
    position (pandas ``rank(method="min")``), so identical customers always get the same score;
    with many ties some groups are larger and some scores may not occur at all.

    Examples
    --------
    >>> quantile_scores(pd.Series([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).tolist()
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    >>> quantile_scores(pd.Series([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    >>> quantile_scores(pd.Series([3, 10, 200]), bins=3, higher_is_better=False).tolist()
    [3, 2, 1]
    """
    if not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 9:
        raise DataError(f"bins must be a whole number from 2 to 9, got {bins!r}")
    values = pd.Series(values)
    if values.isna().any():
        raise DataError(f"values are missing for {first_rows(values.index, values.isna())}: "
                        "cannot score them (drop or fill them first)")
    ordered = values if higher_is_better else -values
    rank = ordered.rank(method="min").astype("int64")
    scores = (rank - 1) * bins // len(values) + 1
    return scores.astype("int64")


def rfm_scores(table: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Add the R, F and M scores (1..bins, higher = better) and the cell code to an RFM table.

    - ``R``: more recent (fewer ``recency_days``) scores higher
    - ``F``: more purchases score higher
    - ``M``: more money (``monetary``) scores higher
    - ``cell``: the three digits, e.g. ``"532"`` = R group 5, F group 3, M group 2

    Groups are equal-size quantiles (quintiles for ``bins=5``) with the tie rule of
    :func:`quantile_scores`: ties are never split. Source: Hughes (1994); course chapter 2.

    Examples
    --------
    >>> table = pd.DataFrame({"recency_days": [5, 40, 200, 10, 90],
    ...                       "frequency": [12, 3, 1, 8, 2],
    ...                       "monetary": [900.0, 150.0, 20.0, 400.0, 60.0]},
    ...                      index=pd.Index(["a", "b", "c", "d", "e"], name="customer_id"))
    >>> rfm_scores(table)[["R", "F", "M", "cell"]]
                 R  F  M cell
    customer_id
    a            5  5  5  555
    b            3  3  3  333
    c            1  1  1  111
    d            4  4  4  444
    e            2  2  2  222
    """
    require_columns(table, ("recency_days", "frequency", "monetary"), "the RFM table", "pass the output of rfm_table()")
    if len(table) == 0:
        raise DataError("the RFM table is empty: there are no customers to score")
    scored = table.copy()
    scored["R"] = quantile_scores(table["recency_days"], bins, higher_is_better=False)
    scored["F"] = quantile_scores(table["frequency"], bins)
    scored["M"] = quantile_scores(table["monetary"], bins)
    scored["cell"] = (
        scored["R"].astype(str) + scored["F"].astype(str) + scored["M"].astype(str)
    )
    return scored


def cell_count(bins: int = 5) -> int:
    """Number of RFM cells: bins ** 3 (5 x 5 x 5 = 125 for quintiles).

    >>> cell_count(5)
    125
    """
    return bins**3


def cell_response(
    scores: pd.DataFrame,
    responded,
    cost_per_contact: float,
    profit_per_response: float,
) -> pd.DataFrame:
    """Response rate and break-even index of every RFM cell in a test mailing.

    - break-even rate = cost per contact / net profit per response
    - break-even index = (response rate - break-even rate) / break-even rate x 100

    A positive index means the cell pays for its mailing: mail it (``mail`` is True). The index
    follows Hughes (1994); course chapter 2 ("盈亏投资回报指数").

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`rfm_scores` (needs the ``cell`` column).
    responded : str or Series of bool
        Whether each customer responded to the test: a column of ``scores`` or a Series with the
        same index.
    cost_per_contact, profit_per_response : float
        Cost of mailing one customer; net profit of one response (before the mailing cost).

    Examples
    --------
    >>> scores = pd.DataFrame({"cell": ["555", "555", "111", "111"],
    ...                        "responded": [True, False, False, False]})
    >>> result = cell_response(scores, "responded", cost_per_contact=1.0, profit_per_response=10.0)
    >>> result[["customers", "response_rate", "break_even_index", "mail"]]
          customers  response_rate  break_even_index   mail
    cell
    555           2            0.5             400.0   True
    111           2            0.0            -100.0  False
    """
    require_columns(scores, ["cell"], "the scores", "pass the output of rfm_scores()")
    if cost_per_contact <= 0 or profit_per_response <= 0:
        raise DataError("cost_per_contact and profit_per_response must both be positive")
    if isinstance(responded, str):
        require_columns(scores, [responded], "the scores",
                        "name the column of responses (True/False) or pass them as a Series")
        responded = scores[responded]
    responded = pd.Series(responded)
    if not responded.index.equals(scores.index):
        responded = responded.reindex(scores.index)
    if responded.isna().any():
        raise DataError(f"response is missing for {first_rows(scores.index, responded.isna(), noun='customer')}")
    frame = pd.DataFrame({"cell": scores["cell"].to_numpy(), "responded": responded.astype(bool).to_numpy()})
    per_cell = frame.groupby("cell", sort=False)["responded"].agg(customers="size", responses="sum")
    per_cell["response_rate"] = per_cell["responses"] / per_cell["customers"]
    break_even = cost_per_contact / profit_per_response
    per_cell["break_even_rate"] = break_even
    per_cell["break_even_index"] = (per_cell["response_rate"] - break_even) / break_even * 100
    per_cell["mail"] = per_cell["break_even_index"] > 0
    return per_cell.sort_values(["break_even_index", "cell"], ascending=[False, True])


# --------------------------------------------------------------------------------------------
# a simulated test mailing (chapter 5)

#: Default settings of the simulated test mailing: the response rate of cell 111 and how much
#: each step up in R, F and M raises the log-odds of a response, and the spread of the cells'
#: own effects (what RFM does not see: product fit, timing, competitors' offers).
MAILING_DEFAULTS = {
    "base_rate": 0.01,
    "recency_effect": 0.45,
    "frequency_effect": 0.30,
    "monetary_effect": 0.15,
    "cell_noise": 0.35,
}


def _score_arrays(scores: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    require_columns(scores, ("R", "F", "M"), "the scores", "pass the output of rfm_scores()")
    if len(scores) == 0:
        raise DataError("the scores are empty: there are no customers to mail")
    arrays = []
    for column in ("R", "F", "M"):
        values = pd.to_numeric(scores[column], errors="coerce")
        bad = values.isna() | (values % 1 != 0) | (values < 1) | (values > 9)
        if bad.any():
            raise column_error(scores, column, bad, "values are not whole scores from 1 to 9",
                               "Pass the output of rfm_scores().")
        arrays.append(values.to_numpy(dtype="int64"))
    return arrays[0], arrays[1], arrays[2]


def mailing_response_probability(
    scores: pd.DataFrame,
    seed: int = 0,
    base_rate: float = MAILING_DEFAULTS["base_rate"],
    recency_effect: float = MAILING_DEFAULTS["recency_effect"],
    frequency_effect: float = MAILING_DEFAULTS["frequency_effect"],
    monetary_effect: float = MAILING_DEFAULTS["monetary_effect"],
    cell_noise: float = MAILING_DEFAULTS["cell_noise"],
) -> pd.Series:
    """The true chance that each customer answers a test mailing, in a simulated market.

    A logistic model on the RFM scores with an effect of its own for every cell:

        logit p = logit(base_rate) + b_R (R - 1) + b_F (F - 1) + b_M (M - 1) + e_cell,
        e_cell ~ Normal(0, cell_noise)

    so response rises with recency, frequency and money on average, recency the most and money
    the least (Hughes 1994: "recency is the most powerful predictor"), but **not strictly**: a
    cell's own effect ``e_cell`` (product fit, timing, competitors' offers, everything RFM does
    not see) can lift a cell such as 552 above 555. That is why the course source says to test
    every cell before the campaign ("多数情况下……反馈越高, 但很多时候不是这样").

    The cell effects are the first 9 x 9 x 9 normal draws of ``numpy.random.default_rng(seed)``,
    indexed by (R, F, M): a cell has the same effect whatever customers are in it.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`rfm_scores` (needs ``R``, ``F`` and ``M``, whole numbers 1..9).
    seed : int
        Seed of the simulated market (the same seed, the same cell effects).
    base_rate : float
        Response probability of a customer in cell 111 before its cell effect (0 < rate < 1).
    recency_effect, frequency_effect, monetary_effect : float
        Rise of the log-odds of responding per score step of R, F and M.
    cell_noise : float
        Standard deviation of the cells' own effects on the log-odds (0 = strictly monotone).

    Returns
    -------
    Series
        ``response_probability`` per customer, indexed like ``scores``.

    Examples
    --------
    >>> cells = pd.DataFrame({"R": [1, 5, 5], "F": [1, 5, 5], "M": [1, 5, 2]},
    ...                      index=pd.Index(["111", "555", "552"], name="cell"))
    >>> mailing_response_probability(cells, cell_noise=0.0).round(4).tolist()
    [0.01, 0.2699, 0.1908]
    >>> mailing_response_probability(cells, seed=0).round(4).tolist()
    [0.0104, 0.2173, 0.3218]
    """
    if not 0 < base_rate < 1:
        raise DataError(f"base_rate is a probability between 0 and 1, got {base_rate!r}")
    if cell_noise < 0:
        raise DataError(f"cell_noise is a standard deviation and cannot be negative, got {cell_noise!r}")
    r, f, m = _score_arrays(scores)
    effects = np.random.default_rng(seed).normal(0.0, 1.0, size=(9, 9, 9)) * cell_noise
    logit = (
        np.log(base_rate / (1 - base_rate))
        + recency_effect * (r - 1)
        + frequency_effect * (f - 1)
        + monetary_effect * (m - 1)
        + effects[r - 1, f - 1, m - 1]
    )
    return pd.Series(1.0 / (1.0 + np.exp(-logit)), index=scores.index, name="response_probability")


def simulate_mailing_response(scores: pd.DataFrame, seed: int = 0, **settings) -> pd.Series:
    """Simulate a test mailing to every customer: who responds (True) and who does not.

    Each customer responds with the probability of :func:`mailing_response_probability` (same
    ``seed`` and ``settings``); the draws are uniform numbers of ``numpy.random.default_rng(seed)``
    taken after the cell effects, one per row in the order of ``scores``. With ``seed`` fixed the
    result is the same on every run, so a chapter and its exercise can quote its numbers.

    Feed the result to :func:`cell_response` to get each cell's response rate and break-even
    index, as after a real test mailing (Hughes 1994; course chapter 2, "在开展一个营销活动前对所有的
    单元进行测试").

    Examples
    --------
    >>> scores = pd.DataFrame({"R": [5] * 4 + [1] * 4, "F": [5] * 4 + [1] * 4,
    ...                        "M": [5] * 4 + [1] * 4})
    >>> simulate_mailing_response(scores, seed=0, base_rate=0.5).tolist()
    [True, True, True, True, False, False, True, False]
    """
    unknown = sorted(set(settings) - set(MAILING_DEFAULTS))
    if unknown:
        raise DataError(f"unknown setting {unknown[0]!r}: the settings are {', '.join(MAILING_DEFAULTS)}")
    probability = mailing_response_probability(scores, seed=seed, **settings)
    rng = np.random.default_rng(seed)
    rng.normal(0.0, 1.0, size=(9, 9, 9))  # the cell effects: skip them, as above
    draws = rng.random(len(probability))
    return pd.Series(draws < probability.to_numpy(), index=scores.index, name="responded")


def mailing_profit(cells: pd.DataFrame, cost_per_contact: float, profit_per_response: float) -> pd.DataFrame:
    """What the test mailing earned: every cell mailed, against only the cells with a positive index.

    For each plan: customers mailed, responses, response rate, mailing cost = customers x cost per
    contact, and net profit = responses x profit per response - mailing cost.

    Parameters
    ----------
    cells : DataFrame
        Output of :func:`cell_response` (``customers``, ``responses``, ``mail``).
    cost_per_contact, profit_per_response : float
        As given to :func:`cell_response`.

    Examples
    --------
    >>> scores = pd.DataFrame({"cell": ["555", "555", "111", "111"],
    ...                        "responded": [True, False, False, False]})
    >>> cells = cell_response(scores, "responded", cost_per_contact=1.0, profit_per_response=10.0)
    >>> plans = mailing_profit(cells, cost_per_contact=1.0, profit_per_response=10.0)
    >>> plans[["customers", "responses", "mailing_cost", "net_profit"]]
                          customers  responses  mailing_cost  net_profit
    plan
    every cell                    4          1           4.0         6.0
    positive-index cells          2          1           2.0         8.0
    """
    require_columns(cells, ("customers", "responses", "mail"), "the cells", "pass the output of cell_response()")
    if cost_per_contact <= 0 or profit_per_response <= 0:
        raise DataError("cost_per_contact and profit_per_response must both be positive")
    rows = {}
    for plan, chosen in (("every cell", cells), ("positive-index cells", cells[cells["mail"].astype(bool)])):
        customers = int(chosen["customers"].sum())
        responses = int(chosen["responses"].sum())
        cost = customers * cost_per_contact
        rows[plan] = {
            "customers": customers,
            "responses": responses,
            "response_rate": responses / customers if customers else 0.0,
            "mailing_cost": cost,
            "net_profit": responses * profit_per_response - cost,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "plan"
    return table
