"""How well a score ranks customers by what they do next, and how deep a mailing should go.

A *score* is any number that puts customers in order (P(alive), a BG/NBD forecast, a CLV, past
spend TM, an RFM cell's response rate, a response model's probability); an *outcome* is what each
customer then did (bought again or not, the amount spent in a holdout period, answered the mailing
or not). These measures do not care what the score means, only how it orders the customers, so
every score can be compared with every other on the same customers:

- :func:`ranking_auc` (排序AUC): the chance that a customer with the outcome scores higher than
  one without it; 0.5 is a coin flip, 1 a perfect ranking;
- :func:`gains_table` (累积增益表): the customers cut into groups from the highest scores down
  (deciles by default), with each group's outcome, rate, cumulative share of the outcome (the
  *gains*) and lift; :func:`crmlib.plots.gains_chart` and :func:`crmlib.plots.lift_chart` draw it;
- :func:`top_decile_lift` (前10%提升度): how many times the random rate the top 10 % reach;
- :func:`calibration_table` (校准): a probability's mean against the actual rate, group by
  group; :func:`crmlib.plots.calibration_plot` draws it;
- :func:`profit_curve` (利润曲线) and :func:`best_mailing_depth` (最优邮寄深度): the profit of
  contacting the top k customers, margin x responders - cost x contacted, for every k, and the
  k that makes the most; :func:`crmlib.plots.profit_curve_chart` draws it;
- :func:`holdout_table`: from transactions, each customer's RFM at the end of a calibration
  period and whether they bought in the holdout period after it: the data of a response model.

Chapter 9 uses the first two to compare the Quansheng reading, P(alive), the BG/NBD forecast, CLV
and TM on the CDNOW holdout; chapter 11 compares RFM cells, a logistic regression and BG/NBD as
response models and scores them for profit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.contract import DataError
from crmlib.rfm import rfm_table
from crmlib.transactions import validate_transactions

__all__ = ["ranking_auc", "gains_table", "top_decile_lift", "calibration_table", "profit_curve",
           "best_mailing_depth", "holdout_table"]


def _paired(score, outcome) -> tuple[pd.Series, pd.Series]:
    """``score`` and ``outcome`` as two float Series on one index, checked for numbers."""
    both_pandas = isinstance(score, pd.Series) and isinstance(outcome, pd.Series)
    score = score.copy() if isinstance(score, pd.Series) else pd.Series(np.asarray(score))
    outcome = outcome.copy() if isinstance(outcome, pd.Series) else pd.Series(np.asarray(outcome))
    if len(score) != len(outcome):
        raise DataError(f"score has {len(score):,} customers but outcome has {len(outcome):,}: give one of each "
                        f"per customer")
    if not both_pandas:
        outcome.index = score.index
    if both_pandas and not score.index.equals(outcome.index):
        missing = score.index.difference(outcome.index)
        if len(missing):
            raise DataError(f"outcome has no value for {len(missing):,} customers of score (first: "
                            f"{list(missing[:5])}): both Series need the same customers in their index")
        outcome = outcome.reindex(score.index)
    if len(score) == 0:
        raise DataError("score is empty: there are no customers to rank")
    for name, values in (("score", score), ("outcome", outcome)):
        if pd.api.types.is_bool_dtype(values.dtype):
            values = values.astype("float64")
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        bad = ~np.isfinite(numbers.to_numpy())
        if bad.any():
            raise DataError(f"{name} is missing or not a number for {int(bad.sum()):,} customers (first: "
                            f"{list(values.index[bad][:5])}): drop them or fill them in first")
        if name == "score":
            score = numbers
        else:
            outcome = numbers
    return score, outcome


def _group_labels(score: pd.Series, groups) -> pd.Index:
    """Group 1..groups of each customer, from the highest score down; tied scores share a group.

    The rank r of n customers (highest score first, ties at their average rank) falls in group
    ceil(r x groups / n).
    """
    n = len(score)
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or not 1 <= groups <= n:
        raise DataError(f"groups is the number of groups, a whole number from 1 to the {n:,} customers, "
                        f"got {groups!r}")
    rank = score.rank(ascending=False, method="average").to_numpy()
    return pd.Index(np.clip(np.ceil(rank * groups / n - 1e-9), 1, groups).astype("int64"), name="group")


def _check_amounts(outcome: pd.Series) -> float:
    """The total of an outcome of 0 or more (responses, amounts), which must not be zero."""
    if (outcome < 0).any():
        raise DataError(f"outcome is negative for {int((outcome < 0).sum()):,} customers: gains add up "
                        f"an outcome of 0 or more (a response, an amount spent)")
    total = float(outcome.sum())
    if total <= 0:
        raise DataError("the outcome adds up to zero: there is nothing for the ranking to find")
    return total


def _check_binary(outcome: pd.Series, fix: str) -> None:
    if not outcome.isin([0.0, 1.0]).all():
        raise DataError(f"outcome must be True/False or 1/0 (did the customer have the outcome?); {fix}")


def ranking_auc(score, outcome) -> float:
    """Chance that a customer with the outcome scores higher than a customer without it (ties half).

    AUC = (R1 - n1 (n1 + 1) / 2) / (n1 n0): R1 the sum of the ranks of the n1 customers with the
    outcome among all n1 + n0 customers (ties get their average rank), the Mann-Whitney form of
    the area under the ROC curve (Hanley & McNeil 1982). 0.5 is a ranking no better than chance,
    1.0 puts every customer with the outcome above every customer without it, below 0.5 ranks
    backwards.

    Parameters
    ----------
    score : Series or array
        Higher means "more likely to have the outcome".
    outcome : Series or array of bool or 0/1
        Whether each customer had the outcome (for example bought again in the holdout period).
        Two Series are matched by their index.

    Returns
    -------
    float

    Raises
    ------
    crmlib.DataError
        For different lengths or customers, missing values, an outcome that is not 0/1, or an
        outcome that every customer (or none) has.

    References
    ----------
    Hanley, J. A. & McNeil, B. J. (1982). The meaning and use of the area under a receiver
    operating characteristic (ROC) curve. *Radiology* 143(1), 29-36.

    Examples
    --------
    Of the four pairs (bought again, did not), the score puts the buyer higher in three:

    >>> ranking_auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
    0.75
    """
    score, outcome = _paired(score, outcome)
    _check_binary(outcome, "for an amount, compare rankings with gains_table instead")
    positive = outcome.to_numpy() == 1.0
    n1, n0 = int(positive.sum()), int((~positive).sum())
    if n1 == 0 or n0 == 0:
        raise DataError(f"the outcome is {'never' if n1 == 0 else 'always'} there ({n1:,} of {n1 + n0:,} "
                        f"customers): a ranking needs customers with and without it")
    ranks = score.rank(method="average").to_numpy()
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def gains_table(score, outcome, groups: int = 10) -> pd.DataFrame:
    """Customers cut into groups from the highest score down, with each group's outcome and lift.

    Customers are ranked by ``score`` (highest first; tied scores get their average rank) and
    the rank r of n customers falls in group ceil(r x groups / n): equal groups (deciles for
    ``groups=10``) except that tied customers stay together, so a large tie makes its group
    larger (and can leave another one empty, which is then not listed). Per group:

    - ``customers`` and ``outcome`` (the group's total outcome; with a True/False outcome, the
      number of customers who had it);
    - ``rate`` = outcome / customers;
    - ``customer_share`` = cumulative customers / all customers (the top groups' share);
    - ``gain`` = cumulative outcome / total outcome: the share of the outcome that the top
      groups bring (the *cumulative gains* curve, against ``customer_share``);
    - ``lift`` = rate / overall rate, and ``cumulative_lift`` = gain / customer_share: how many
      times better than picking customers at random (1.0).

    Parameters
    ----------
    score : Series or array
        Higher means "contact first".
    outcome : Series or array of numbers or bool
        What each customer then did: a 0/1 response or an amount (at least 0). Two Series are
        matched by their index.
    groups : int
        Number of groups (10: deciles, 20: ventiles, 100: percentiles).

    Returns
    -------
    DataFrame
        Indexed by ``group`` (1 = highest scores), columns as above.

    Raises
    ------
    crmlib.DataError
        For different lengths or customers, missing values, a negative outcome, an outcome that
        adds up to zero, or ``groups`` not a whole number between 1 and the number of customers.

    References
    ----------
    Blattberg, R. C., Kim, B.-D. & Neslin, S. A. (2008). *Database Marketing: Analyzing and
    Managing Customers*. Springer (gains and lift tables of predictive models).

    Examples
    --------
    Ten customers, five of whom answered a mailing; the score puts four of them in the top half:

    >>> score = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    >>> answered = [1, 1, 0, 1, 1, 0, 0, 1, 0, 0]
    >>> gains_table(score, answered, groups=2)
           customers  outcome  rate  customer_share  gain  lift  cumulative_lift
    group
    1              5      4.0   0.8             0.5   0.8   1.6              1.6
    2              5      1.0   0.2             1.0   1.0   0.4              1.0
    """
    score, outcome = _paired(score, outcome)
    n = len(score)
    total = _check_amounts(outcome)
    by_group = outcome.groupby(_group_labels(score, groups)).agg(["size", "sum"])
    table = pd.DataFrame({"customers": by_group["size"].astype("int64"), "outcome": by_group["sum"]})
    table["rate"] = table["outcome"] / table["customers"]
    table["customer_share"] = table["customers"].cumsum() / n
    table["gain"] = table["outcome"].cumsum() / total
    table["lift"] = table["rate"] / (total / n)
    table["cumulative_lift"] = table["gain"] / table["customer_share"]
    return table


# -- chapter 11: top-decile lift, calibration, the profit of a mailing ------------------------------

def _cumulative_outcome(score: pd.Series, outcome: pd.Series) -> np.ndarray:
    """Expected total outcome of the top k customers, k = 0..n, ties in a random order.

    Customers are sorted by score, highest first; inside a block of tied scores every order is
    equally likely, so each customer of the block counts the block's mean outcome. The result
    has n + 1 entries (k = 0 first) and is linear inside a tied block.
    """
    order = np.argsort(-score.to_numpy(), kind="stable")
    sorted_score = score.to_numpy()[order]
    sorted_outcome = outcome.to_numpy()[order]
    block = np.concatenate([[0], np.cumsum(sorted_score[1:] != sorted_score[:-1])])
    block_mean = np.bincount(block, weights=sorted_outcome) / np.bincount(block)
    # rounded to 10 decimals: a sum of block means such as 2,885.99999999994 reads as 2,886
    return np.round(np.concatenate([[0.0], np.cumsum(block_mean[block])]), 10)


def top_decile_lift(score, outcome, share: float = 0.10) -> float:
    """How many times the overall rate the customers with the top 10 % of scores reach.

    top-decile lift = (outcome of the top share s of customers / (s n)) / (total outcome / n)
    = gain(s) / s, where gain(s) is the share of the outcome the top s n customers bring. Tied
    scores at the cut are taken in a random order, so they count their block's mean outcome
    (and s n may be a fraction of a customer: the gains curve is linear between customers).
    Without ties and with n a multiple of 10 it is ``gains_table(...)["lift"]`` of group 1.
    1.0 is no better than picking customers at random.

    The measure of the churn-modelling tournament of Neslin et al. (2006), beside the Gini
    coefficient (= 2 x ranking AUC - 1).

    Parameters
    ----------
    score, outcome
        As in :func:`gains_table`: higher scores are contacted first; the outcome is a 0/1
        response or an amount of 0 or more, and two Series are matched by their index.
    share : float
        The top share of customers (0.10: the top decile; 0.05: the top 5 %).

    Returns
    -------
    float
        The lift of the top share: 1.0 for a random order (for a 0/1 outcome, at most 1 / the overall rate).

    Raises
    ------
    crmlib.DataError
        For a ``share`` not above 0 and at most 1, and for the score and outcome that
        :func:`gains_table` refuses (different customers, missing values, a negative outcome or
        one that adds up to zero).

    References
    ----------
    Neslin, S. A., Gupta, S., Kamakura, W., Lu, J. & Mason, C. H. (2006). Defection detection:
    measuring and understanding the predictive accuracy of customer churn models. *Journal of
    Marketing Research* 43(2), 204-211.

    Examples
    --------
    Twenty customers, five of whom bought again (a rate of 0.25); the two top-scored customers
    (the top 10 %) both did, a rate of 1.0, four times the overall rate:

    >>> score = list(range(20, 0, -1))
    >>> bought = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    >>> top_decile_lift(score, bought)
    4.0

    With every score tied, the top 10 % are a random tenth: lift 1.

    >>> top_decile_lift([7] * 20, bought)
    1.0
    """
    score, outcome = _paired(score, outcome)
    if isinstance(share, bool) or not isinstance(share, (int, float, np.number)) or not 0 < share <= 1:
        raise DataError(f"share is the top share of customers, above 0 and at most 1 (0.10 for the top decile), "
                        f"got {share!r}")
    total = _check_amounts(outcome)
    n = len(score)
    cumulative = _cumulative_outcome(score, outcome)
    top = np.interp(share * n, np.arange(n + 1), cumulative)
    return float(top / total / share)


def calibration_table(probability, outcome, groups: int = 10) -> pd.DataFrame:
    """A predicted probability against the actual rate, in groups from the highest prediction down.

    The customers are cut into groups as in :func:`gains_table` (deciles of the prediction by
    default; tied predictions stay together). Per group:

    - ``customers``;
    - ``predicted`` = the mean predicted probability of the group;
    - ``actual`` = the share of the group that had the outcome;
    - ``difference`` = actual - predicted (positive: the model is too low for the group).

    A model is *calibrated* (校准) when actual = predicted in every group: then its probabilities
    can be used as probabilities, for example to mail every customer whose expected margin
    p x margin exceeds the cost of a contact. A ranking can be good (a high ranking AUC) and its
    probabilities still wrong: ranking and calibration are different questions.

    Parameters
    ----------
    probability : Series or array of numbers from 0 to 1
        The model's probability of the outcome for each customer.
    outcome : Series or array of bool or 0/1
        Whether each customer had the outcome. Two Series are matched by their index.
    groups : int
        Number of groups (10: deciles).

    Returns
    -------
    DataFrame
        Indexed by ``group`` (1 = highest predictions), with ``customers``, ``predicted``,
        ``actual`` and ``difference``.

    Raises
    ------
    crmlib.DataError
        For different lengths or customers, missing values, a probability outside 0..1, an
        outcome that is not 0/1, or ``groups`` not a whole number from 1 to the number of customers.

    References
    ----------
    Blattberg, R. C., Kim, B.-D. & Neslin, S. A. (2008). *Database Marketing: Analyzing and
    Managing Customers*, chapters 10-11. Springer. Niculescu-Mizil, A. & Caruana, R. (2005).
    Predicting good probabilities with supervised learning. *Proceedings of ICML*, 625-632.

    Examples
    --------
    Eight customers; the model says 0.9 for the top four and 0.1 for the rest. In fact three of
    the top four bought (0.75) and one of the bottom four (0.25):

    >>> p = [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1]
    >>> bought = [1, 1, 1, 0, 0, 0, 1, 0]
    >>> calibration_table(p, bought, groups=2)
           customers  predicted  actual  difference
    group
    1              4        0.9    0.75       -0.15
    2              4        0.1    0.25        0.15
    """
    probability, outcome = _paired(probability, outcome)
    if ((probability < 0) | (probability > 1)).any():
        outside = int(((probability < 0) | (probability > 1)).sum())
        raise DataError(f"probability is outside 0..1 for {outside:,} customers: calibration compares a "
                        f"probability with a rate (for a count such as expected purchases, use gains_table)")
    _check_binary(outcome, "calibration compares a probability with the share who had the outcome")
    labels = _group_labels(probability, groups)
    frame = pd.DataFrame({"probability": probability.to_numpy(), "outcome": outcome.to_numpy()}, index=labels)
    by_group = frame.groupby(level="group")
    table = pd.DataFrame({"customers": by_group.size().astype("int64"),
                          "predicted": by_group["probability"].mean(),
                          "actual": by_group["outcome"].mean()})
    table["difference"] = table["actual"] - table["predicted"]
    return table


def _money(value, name: str, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value) \
            or value < 0 or (positive and value == 0):
        raise DataError(f"{name} must be a number {'above' if positive else 'of at least'} 0 (an amount of "
                        f"money per customer), got {value!r}")
    return float(value)


def profit_curve(score, outcome, cost_per_contact: float, margin_per_response: float) -> pd.DataFrame:
    """Profit of contacting the top k customers by score, for every k from 0 to all of them.

    profit(k) = margin_per_response x responders(k) - cost_per_contact x k,

    where responders(k) is the outcome of the k highest-scored customers (customers with tied
    scores are taken in a random order: each counts the mean outcome of its tied block, so the
    curve is a straight line across a block). Each extra contact adds margin x its response
    rate - cost: profit rises while the next customers respond at more than the **break-even
    rate** cost / margin, and falls after. The curve's peak is the profit-maximising mailing
    depth (:func:`best_mailing_depth`).

    With a 0/1 outcome (who responded) it is the profit the mailing made; with predicted
    probabilities as the outcome it is the profit a model *expects*. Note that it counts every
    responder as caused by the contact: whether they would have bought anyway is chapter 12's
    question (incrementality).

    Parameters
    ----------
    score : Series or array
        Higher means "contact first".
    outcome : Series or array of numbers or bool
        Responses per customer: 0/1, or a number of 0 or more (a probability, a count). Two
        Series are matched by their index.
    cost_per_contact : float
        Cost of contacting one customer (at least 0).
    margin_per_response : float
        Gross margin of one response, before the contact cost (above 0).

    Returns
    -------
    DataFrame
        Indexed by ``contacted`` = 0, 1, ..., n, with ``customer_share`` (contacted / n),
        ``responders``, ``cost``, ``margin`` and ``profit``.

    Raises
    ------
    crmlib.DataError
        For different lengths or customers, missing values, a negative outcome, a negative cost
        or a margin that is not above 0.

    References
    ----------
    Blattberg, R. C., Kim, B.-D. & Neslin, S. A. (2008). *Database Marketing*, chapter 10
    (the optimal mailing depth from a gains table). Provost, F. & Fawcett, T. (2013). *Data
    Science for Business*, chapter 8 (profit curves). O'Reilly.

    Examples
    --------
    Five customers ranked by a score, two of whom respond; a contact costs 2 and a response
    brings 10 of margin:

    >>> curve = profit_curve([0.9, 0.7, 0.5, 0.3, 0.1], [1, 0, 1, 0, 0], cost_per_contact=2,
    ...                      margin_per_response=10)
    >>> curve
               customer_share  responders  cost  margin  profit
    contacted
    0                     0.0         0.0   0.0     0.0     0.0
    1                     0.2         1.0   2.0    10.0     8.0
    2                     0.4         1.0   4.0    10.0     6.0
    3                     0.6         2.0   6.0    20.0    14.0
    4                     0.8         2.0   8.0    20.0    12.0
    5                     1.0         2.0  10.0    20.0    10.0
    """
    return _profit_curve(score, outcome, cost_per_contact, margin_per_response)[0]


def _profit_curve(score, outcome, cost_per_contact, margin_per_response) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`profit_curve`, and the scores from the highest down (for the cut-off of a depth)."""
    score, outcome = _paired(score, outcome)
    cost_per_contact = _money(cost_per_contact, "cost_per_contact", positive=False)
    margin_per_response = _money(margin_per_response, "margin_per_response", positive=True)
    if (outcome < 0).any():
        raise DataError(f"outcome is negative for {int((outcome < 0).sum()):,} customers: responses are "
                        f"0 or more (1/0, or a probability)")
    n = len(score)
    contacted = np.arange(n + 1)
    responders = _cumulative_outcome(score, outcome)
    curve = pd.DataFrame({"customer_share": contacted / n, "responders": responders,
                          "cost": cost_per_contact * contacted, "margin": margin_per_response * responders},
                         index=pd.Index(contacted, name="contacted"))
    curve["profit"] = curve["margin"] - curve["cost"]
    return curve, np.sort(score.to_numpy())[::-1]


def best_mailing_depth(score, outcome, cost_per_contact: float, margin_per_response: float,
                       max_contacts: int | None = None) -> pd.Series:
    """The number of top-scored customers to contact that makes the most profit, and that profit.

    The peak of :func:`profit_curve`: k* = argmax over k of margin x responders(k) - cost x k, for
    k from 0 to n (or to ``max_contacts``, the number a budget pays for: budget // cost). When
    several depths make the same profit the smallest is taken; when no depth makes a profit,
    k* = 0. Because tied customers count their block's mean outcome, the peak without a budget
    falls between two blocks: a tie (an RFM cell, a group of one-time buyers) is mailed whole or
    not at all.

    Parameters
    ----------
    score, outcome, cost_per_contact, margin_per_response
        As in :func:`profit_curve`.
    max_contacts : int, optional
        The most customers that may be contacted (a budget). None: no limit.

    Returns
    -------
    Series
        ``contacted`` (k*), ``customer_share`` (k* / n), ``responders``, ``response_rate``
        (responders / k*, 0 for k* = 0), ``cost``, ``margin``, ``profit``, and
        ``score_cutoff``, the score of the last customer contacted (NaN for k* = 0): contact
        every customer scoring at least that.

    Raises
    ------
    crmlib.DataError
        As :func:`profit_curve`, and for a ``max_contacts`` that is not a whole number of 0 or more.

    References
    ----------
    Blattberg, R. C., Kim, B.-D. & Neslin, S. A. (2008). *Database Marketing*, chapter 10.

    Examples
    --------
    The five customers of :func:`profit_curve`: the first three make 14, the most. With a budget
    for two contacts the best is the first one alone (8 beats 6):

    >>> score, responded = [0.9, 0.7, 0.5, 0.3, 0.1], [1, 0, 1, 0, 0]
    >>> best_mailing_depth(score, responded, cost_per_contact=2, margin_per_response=10)
    contacted          3.000000
    customer_share     0.600000
    responders         2.000000
    response_rate      0.666667
    cost               6.000000
    margin            20.000000
    profit            14.000000
    score_cutoff       0.500000
    Name: best mailing depth, dtype: float64
    >>> int(best_mailing_depth(score, responded, 2, 10, max_contacts=2)["contacted"])
    1
    """
    curve, ordered = _profit_curve(score, outcome, cost_per_contact, margin_per_response)
    n = len(curve) - 1
    if max_contacts is not None:
        if isinstance(max_contacts, bool) or not isinstance(max_contacts, (int, np.integer)) or max_contacts < 0:
            raise DataError(f"max_contacts is the most customers that may be contacted, a whole number of 0 or "
                            f"more (for a budget: budget // cost_per_contact), got {max_contacts!r}")
        curve = curve.iloc[: min(int(max_contacts), n) + 1]
    k = int(curve["profit"].to_numpy().argmax())
    best = curve.iloc[k]
    return pd.Series({
        "contacted": float(k),
        "customer_share": best["customer_share"],
        "responders": best["responders"],
        "response_rate": best["responders"] / k if k else 0.0,
        "cost": best["cost"],
        "margin": best["margin"],
        "profit": best["profit"],
        "score_cutoff": float(ordered[k - 1]) if k else float("nan"),
    }, name="best mailing depth")


def holdout_table(
    transactions: pd.DataFrame,
    calibration_end,
    holdout_end,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    returns: str = "error",
) -> pd.DataFrame:
    """Each customer's RFM at the end of a calibration period, and what they did in the holdout after it.

    The data of a response (or churn) model: what we knew about a customer on
    ``calibration_end`` (the features) beside whether they bought in the holdout period
    (``calibration_end``, ``holdout_end``] (the outcome). Purchases on one day are one purchase,
    as in :func:`crmlib.btyd.btyd_summary`, so ``frequency - 1`` is its ``x``. For every customer
    with a purchase on or before ``calibration_end``:

    - ``recency_days``, ``frequency`` (purchase days), ``monetary`` (total), ``avg_amount``,
      ``last_purchase``: :func:`crmlib.rfm.rfm_table` of the calibration period, as of
      ``calibration_end`` (all of it: no window);
    - ``tenure_days`` = calibration_end - first purchase day (the customer's age);
    - ``bought_again`` = at least one purchase day in the holdout period (the outcome; 1 - it is
      a non-contractual *churn*);
    - ``holdout_purchases`` (purchase days) and ``holdout_spend`` (total) in the holdout period.

    Purchases after ``holdout_end`` are not used. With ``returns="keep"`` a day whose amounts
    add up to zero or less still counts as a purchase day, as in ``btyd_summary``.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    calibration_end : date-like
        Last day of the calibration period (CDNOW: ``"1997-09-30"``, week 39).
    holdout_end : date-like
        Last day of the holdout period (CDNOW: ``"1998-06-30"``, week 78).
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (sorted), one row per customer of the calibration period.

    Raises
    ------
    crmlib.DataError
        For bad transactions, a ``holdout_end`` not after ``calibration_end``, or no purchase on or
        before ``calibration_end``.

    References
    ----------
    Blattberg, Kim & Neslin (2008), *Database Marketing*, chapter 10 (calibration and validation
    data); Hughes (1994) for R, F and M; Fader, Hardie & Lee (2005) for the CDNOW 39 + 39 weeks.

    Examples
    --------
    Customer 1 bought twice on 1 January (one purchase day) and on 12 February; customer 2 once
    in January and again in March, in the holdout; customer 3 only in the holdout, so is not a
    customer of the calibration period:

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3],
    ...                    "date": ["1997-01-01", "1997-01-01", "1997-02-12", "1997-01-08",
    ...                             "1997-03-10", "1997-03-12"],
    ...                    "amount": [10.0, 5.0, 30.0, 12.0, 8.0, 9.0]})
    >>> table = holdout_table(tx, calibration_end="1997-02-26", holdout_end="1997-03-31")
    >>> table[["recency_days", "frequency", "monetary", "tenure_days"]]
                 recency_days  frequency  monetary  tenure_days
    customer_id
    1                      14          2      45.0           56
    2                      49          1      12.0           49
    >>> table[["bought_again", "holdout_purchases", "holdout_spend"]]
                 bought_again  holdout_purchases  holdout_spend
    customer_id
    1                   False                  0            0.0
    2                    True                  1            8.0
    """
    clean = validate_transactions(transactions, customer, date, amount, returns=returns)
    calibration_end = pd.Timestamp(calibration_end).normalize()
    holdout_end = pd.Timestamp(holdout_end).normalize()
    if holdout_end <= calibration_end:
        raise DataError(f"holdout_end {holdout_end.date()} must be after calibration_end {calibration_end.date()}: "
                        f"the holdout period follows the calibration period")
    days = clean.assign(date=clean["date"].dt.normalize())
    days = days[days["date"] <= holdout_end].groupby(["customer_id", "date"], as_index=False)["amount"].sum()
    calibration = days[days["date"] <= calibration_end]
    if calibration.empty:
        raise DataError(f"column {date!r}: no purchase on or before calibration_end {calibration_end.date()} "
                        f"(the first purchase is {clean['date'].min().date()}): move calibration_end later")
    table = rfm_table(calibration, asof=calibration_end, window_days=None, returns="keep")
    first = calibration.groupby("customer_id")["date"].min()
    table["tenure_days"] = (calibration_end - first).dt.days
    holdout = days[days["date"] > calibration_end].groupby("customer_id")["amount"].agg(["size", "sum"])
    holdout = holdout.reindex(table.index)
    table["bought_again"] = holdout["size"].notna()
    table["holdout_purchases"] = holdout["size"].fillna(0).astype("int64")
    table["holdout_spend"] = holdout["sum"].fillna(0.0).astype("float64")
    return table
