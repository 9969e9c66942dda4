"""How well a score ranks customers by what they do next: the ranking AUC and the gains table.

A *score* is any number that puts customers in order (P(alive), a BG/NBD forecast, a CLV, past
spend TM, an RFM cell, a response model's probability); an *outcome* is what each customer then
did (bought again or not, the amount spent in a holdout period, answered the mailing or not).
These measures do not care what the score means, only how it orders the customers, so every
score can be compared with every other on the same customers:

- :func:`ranking_auc` (排序AUC): the chance that a customer with the outcome scores higher than
  one without it; 0.5 is a coin flip, 1 a perfect ranking;
- :func:`gains_table` (累积增益表): the customers cut into groups from the highest scores down
  (deciles by default), with each group's outcome, rate, cumulative share of the outcome (the
  *gains*) and lift; :func:`crmlib.plots.gains_chart` draws it.

Chapter 9 uses them to compare the Quansheng reading, P(alive), the BG/NBD forecast, CLV and TM
on the CDNOW holdout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.contract import DataError

__all__ = ["ranking_auc", "gains_table"]


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
    if not outcome.isin([0.0, 1.0]).all():
        raise DataError("outcome must be True/False or 1/0 (did the customer have the outcome?); for an "
                        "amount, compare rankings with gains_table instead")
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
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or not 1 <= groups <= n:
        raise DataError(f"groups is the number of groups, a whole number from 1 to the {n:,} customers, "
                        f"got {groups!r}")
    if (outcome < 0).any():
        raise DataError(f"outcome is negative for {int((outcome < 0).sum()):,} customers: gains add up "
                        f"an outcome of 0 or more (a response, an amount spent)")
    total = outcome.sum()
    if total <= 0:
        raise DataError("the outcome adds up to zero: there is nothing for the ranking to find")
    rank = score.rank(ascending=False, method="average").to_numpy()
    group = np.clip(np.ceil(rank * groups / n - 1e-9), 1, groups).astype("int64")
    by_group = outcome.groupby(pd.Index(group, name="group")).agg(["size", "sum"])
    table = pd.DataFrame({"customers": by_group["size"].astype("int64"), "outcome": by_group["sum"]})
    table["rate"] = table["outcome"] / table["customers"]
    table["customer_share"] = table["customers"].cumsum() / n
    table["gain"] = table["outcome"].cumsum() / total
    table["lift"] = table["rate"] / (total / n)
    table["cumulative_lift"] = table["gain"] / table["customer_share"]
    return table
