"""Incrementality (增量效果): what a campaign *changes*, measured with a control group, and whom to target.

A retention offer is sent to a customer; the customer stays. Did the offer keep them? Only a
**control group** (对照组) that did not get the offer can say: the customers who stay anyway
("sure things") stay in both groups, and so do the customers who leave anyway ("lost causes").
What the offer changes is the difference between the groups, the **uplift** (增量, incremental
response):

    uplift = response rate of the treated group - response rate of the control group

For a retention offer the response is "stayed", so the uplift is the fall in churn the offer
brings. The functions:

- :func:`treatment_effect` (处理效应): the uplift of a randomised test with its confidence
  interval;
- :func:`required_sample_size` (样本量): how many customers a test needs to see an effect of a
  given size (Lewis & Rao 2015: small effects need very large tests);
- :func:`two_model_uplift` (双模型增量估计): each customer's uplift, estimated with one model on
  the treated and one on the control customers (scikit-learn);
- :func:`qini_table` (Qini表): customers ranked by a score, with the incremental responses that
  the top groups bring, measured on a test's treated and control customers; the uplift (Qini)
  curve of :func:`crmlib.plots.uplift_curve`;
- :func:`incremental_profit` (增量利润): uplift x value - cost, the expected gain of sending the
  offer to one customer; :func:`targeting_table` adds it up down a ranking, so that the best
  number of offers can be read off (:func:`crmlib.plots.targeting_profit_plot` draws it).

Chapter 12 uses them on :func:`crmlib.datasets.make_retention_campaign`, a generated campaign
whose true effects are known, to show that the customers most likely to churn are not the ones
the offer saves (Ascarza 2018, "Retention futility").

References
----------
Ascarza, E. (2018). Retention futility: Targeting high-risk customers might be ineffective.
*Journal of Marketing Research* 55(1), 80-98.

Gutierrez, P. & Gérardy, J.-Y. (2017). Causal inference and uplift modelling: A review of the
literature. *Proceedings of the 3rd International Conference on Predictive Applications and
APIs*, PMLR 67, 1-13.

Lewis, R. A. & Rao, J. M. (2015). The unfavorable economics of measuring the returns to
advertising. *Quarterly Journal of Economics* 130(4), 1941-1973.

Radcliffe, N. J. & Surry, P. D. (2011). Real-world uplift modelling with significance-based
uplift trees. Stochastic Solutions, Technical Report TR-2011-1.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from crmlib.contract import DataError, column_error, require_columns

__all__ = [
    "treatment_effect",
    "required_sample_size",
    "two_model_uplift",
    "qini_table",
    "incremental_profit",
    "targeting_table",
]

_BINARY_FIX = "Use True/False or 1/0 for every customer (and drop customers without a value)."


# --------------------------------------------------------------------------------------------
# input checks shared by the functions below
# --------------------------------------------------------------------------------------------


def _per_customer(**inputs) -> pd.DataFrame:
    """The named per-customer inputs as the columns of one DataFrame.

    The first input gives the customers: its index if it is a Series, else positions 0..n-1.
    A Series among the others is matched to them by its index; a list or array by position.
    """
    names = list(inputs)
    first = inputs[names[0]]
    index = first.index if isinstance(first, pd.Series) else pd.RangeIndex(len(first))
    columns = {}
    for name, values in inputs.items():
        if isinstance(values, pd.DataFrame):
            raise DataError(f"{name} must be one value per customer (a Series, list or array), got a DataFrame")
        if isinstance(values, pd.Series) and isinstance(first, pd.Series):
            missing = index.difference(values.index)
            if len(missing):
                raise DataError(f"{name} has no value for {len(missing):,} customers of {names[0]} (first: "
                                f"{list(missing[:5])}): give every customer a value, matched by the index")
            values = values.reindex(index).to_numpy()
        elif isinstance(values, pd.Series):
            values = values.to_numpy()
        elif not isinstance(values, np.ndarray):
            values = pd.Series(list(values) if np.ndim(values) else [values], dtype=None).to_numpy()
        if values.ndim != 1 or len(values) != len(index):
            raise DataError(f"{name} has {values.size:,} values but {names[0]} has {len(index):,} customers: "
                            f"give one value per customer")
        columns[name] = pd.Series(values, index=index)
    frame = pd.DataFrame(columns, index=index)
    if frame.empty:
        raise DataError(f"{names[0]} is empty: there are no customers")
    return frame


def _numbers(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    """Column ``name`` as float64, or a DataError naming the rows that are missing or not numbers."""
    values = frame[name]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = ~np.isfinite(numbers.to_numpy())
    if bad.any():
        raise column_error(frame, name, bad, f"{what} are missing or not numbers",
                           "Fill them in or drop those customers first.")
    return numbers


def _binary(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    """Column ``name`` as 0.0/1.0, or a DataError naming the rows that are not True/False or 1/0."""
    values = frame[name]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64").where(values.isin([0, 1]))
    else:
        numbers = values.map(lambda v: 1.0 if v is True or v == 1 else 0.0 if v is False or v == 0 else np.nan)
    bad = numbers.isna().to_numpy()
    if bad.any():
        raise column_error(frame, name, bad, f"{what} are not True/False or 1/0", _BINARY_FIX)
    return numbers.astype("float64")


def _both_groups(treated: pd.Series) -> None:
    n_treated = int(treated.sum())
    if n_treated == 0 or n_treated == len(treated):
        group = "control" if n_treated else "treated"
        raise DataError(f"there are no customers in the {group} group ({n_treated:,} of {len(treated):,} were "
                        f"treated): an effect is a comparison of treated and control customers")


def _share(name: str, value) -> float:
    """A number strictly between 0 and 1, or a DataError naming the argument."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not 0.0 < number < 1.0:
        raise DataError(f"{name} must be a share between 0 and 1 (for example 0.95, not 95), got {value!r}")
    return number


def _z(probability: float) -> float:
    """The standard normal quantile z with P(Z <= z) = probability."""
    return NormalDist().inv_cdf(probability)


# --------------------------------------------------------------------------------------------
# measuring an effect: the randomised test
# --------------------------------------------------------------------------------------------


def treatment_effect(outcome, treated, confidence: float = 0.95) -> pd.Series:
    """The effect of a treatment in a randomised test: treated mean - control mean, with its interval.

    effect = ȳ_T - ȳ_C, the difference of the mean outcome of the treated and the control
    customers (for a 0/1 outcome, of the response rates: the *incremental response rate*, or
    uplift). Its standard error is

        SE = sqrt(s_T² / n_T + s_C² / n_C)

    with s² the variance of the outcome in each group (for a 0/1 outcome s² = p (1 - p)), and
    the interval is effect ± z × SE with z the normal quantile of the confidence (1.96 for 95 %).
    Only a *random* split into treated and control makes the difference the effect of the
    treatment: otherwise it mixes the effect with the differences between the groups.

    Parameters
    ----------
    outcome : Series or array of numbers or bool
        Each customer's outcome: stayed (1) or left (0), bought or not, an amount spent.
    treated : Series or array of bool or 0/1
        Whether the customer got the treatment (the offer, the mailing). Two Series are matched
        by their index.
    confidence : float
        The confidence of the interval, between 0 and 1.

    Returns
    -------
    Series
        ``customers_treated``, ``customers_control``, ``rate_treated``, ``rate_control`` (the
        mean outcome of each group: a rate for a 0/1 outcome), ``effect``, ``std_error``,
        ``ci_low`` and ``ci_high``.

    Raises
    ------
    crmlib.DataError
        For different lengths or customers, missing outcomes, ``treated`` not True/False, a
        group without customers, or ``confidence`` not between 0 and 1.

    References
    ----------
    Gutierrez, P. & Gérardy, J.-Y. (2017). Causal inference and uplift modelling: A review of the
    literature. PMLR 67, 1-13 (the average treatment effect of a randomised experiment).

    Examples
    --------
    Eight customers, four got the offer; three of them stayed, against one of the four others:

    >>> stayed = [1, 1, 1, 0, 1, 0, 0, 0]
    >>> offer = [True, True, True, True, False, False, False, False]
    >>> treatment_effect(stayed, offer).round(3)
    customers_treated    4.000
    customers_control    4.000
    rate_treated         0.750
    rate_control         0.250
    effect               0.500
    std_error            0.306
    ci_low              -0.100
    ci_high              1.100
    Name: treatment_effect, dtype: float64
    """
    confidence = _share("confidence", confidence)
    frame = _per_customer(outcome=outcome, treated=treated)
    y = _numbers(frame, "outcome", "outcomes")
    t = _binary(frame, "treated", "treatment flags").astype(bool)
    _both_groups(t)
    groups = {"treated": y[t], "control": y[~t]}
    means = {name: float(values.mean()) for name, values in groups.items()}
    std_error = math.sqrt(sum(float(values.var(ddof=0)) / len(values) for values in groups.values()))
    effect = means["treated"] - means["control"]
    half_width = _z(0.5 + confidence / 2) * std_error
    return pd.Series({
        "customers_treated": float(len(groups["treated"])),
        "customers_control": float(len(groups["control"])),
        "rate_treated": means["treated"],
        "rate_control": means["control"],
        "effect": effect,
        "std_error": std_error,
        "ci_low": effect - half_width,
        "ci_high": effect + half_width,
    }, name="treatment_effect")


def required_sample_size(base_rate: float, effect: float, power: float = 0.8, confidence: float = 0.95,
                         treated_share: float = 0.5) -> pd.Series:
    """How many customers a test needs to detect an effect of a given size on a response rate.

    A two-sided test at the given confidence, which finds a true effect δ = p_T - p_C with
    probability ``power``, needs

        N = (z(1 - α/2) + z(power))² × (p_T (1 - p_T) / s + p_C (1 - p_C) / (1 - s)) / δ²

    customers in all, with p_C = ``base_rate`` the control group's rate, p_T = p_C + δ, s the
    share of customers treated and α = 1 - confidence; s N of them treated and (1 - s) N in the
    control group (each rounded up). Halving the effect quadruples the test: Lewis & Rao (2015)
    show that for advertising, whose effects are small beside the noise of what customers do,
    tests of millions of customers can still be too small.

    Parameters
    ----------
    base_rate : float
        The response rate without the treatment (the control group's), between 0 and 1.
    effect : float
        The smallest effect worth finding, in rate points (0.02 for 2 points); negative for a
        fall (a lower churn rate).
    power : float
        The chance that the test finds the effect if it is there (0.8 is the usual choice).
    confidence : float
        1 - the chance of "finding" an effect that is not there (0.95 is the usual choice).
    treated_share : float
        The share of the test's customers who get the treatment.

    Returns
    -------
    Series of int
        ``customers_treated``, ``customers_control`` and ``customers_total``.

    Raises
    ------
    crmlib.DataError
        For a rate, power, confidence or share outside 0..1, a zero effect, or a treated rate
        base_rate + effect outside 0..1.

    References
    ----------
    Lewis, R. A. & Rao, J. M. (2015). The unfavorable economics of measuring the returns to
    advertising. *Quarterly Journal of Economics* 130(4), 1941-1973.

    Examples
    --------
    Churn is 20 %; to see an offer lower it by 2 points, half the customers treated:

    >>> required_sample_size(0.20, -0.02)
    customers_treated     6036
    customers_control     6036
    customers_total      12072
    Name: required_sample_size, dtype: int64
    """
    p_control = _share("base_rate", base_rate)
    power = _share("power", power)
    confidence = _share("confidence", confidence)
    share = _share("treated_share", treated_share)
    try:
        effect = float(effect)
    except (TypeError, ValueError):
        raise DataError(f"effect must be a number of rate points (0.02 for 2 points), got {effect!r}") from None
    if effect == 0 or not math.isfinite(effect):
        raise DataError(f"effect must be a non-zero number of rate points (0.02 for 2 points), got {effect!r}: "
                        f"no test can find an effect of zero")
    p_treated = p_control + effect
    if not 0.0 < p_treated < 1.0:
        raise DataError(f"base_rate + effect = {p_treated:g} is not a rate between 0 and 1: the effect is in rate "
                        f"points (0.02 for 2 points), not in percent")
    z = _z(0.5 + confidence / 2) + _z(power)
    variance = p_treated * (1 - p_treated) / share + p_control * (1 - p_control) / (1 - share)
    total = z**2 * variance / effect**2
    n_treated, n_control = math.ceil(share * total), math.ceil((1 - share) * total)
    return pd.Series({"customers_treated": n_treated, "customers_control": n_control,
                      "customers_total": n_treated + n_control}, name="required_sample_size", dtype="int64")


# --------------------------------------------------------------------------------------------
# estimating each customer's uplift
# --------------------------------------------------------------------------------------------


def _default_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _feature_matrix(features, what: str) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame with one numeric column per feature, "
                        f"got {type(features).__name__}")
    if features.shape[1] == 0:
        raise DataError(f"{what} has no columns: give the model at least one feature")
    matrix = pd.DataFrame(index=features.index)
    for column in features.columns:
        matrix[column] = _numbers(features, column, "feature values")
    return matrix


def two_model_uplift(features: pd.DataFrame, treated, outcome, *, score: pd.DataFrame | None = None,
                     model=None) -> pd.DataFrame:
    """Each customer's uplift estimated with two models: one fitted on the treated, one on the control.

    The *two-model* (or T-learner) approach: a model of the outcome is fitted on the treated
    customers of a randomised test, p_T(x) = P(outcome | x, treated), and another on the control
    customers, p_C(x) = P(outcome | x, control); a customer's estimated uplift is

        uplift(x) = p_T(x) - p_C(x)

    The control model alone is an ordinary response (or churn) model: it says who responds
    without the treatment, not who responds *because of* it. The approach is simple and works
    with any classifier, but each model is fitted to the outcome, not to the difference, and
    the difference of two estimates is noisier than either (Radcliffe & Surry 2011): check the
    ranking on customers the models have not seen, with :func:`qini_table`.

    Parameters
    ----------
    features : DataFrame
        The customers of the test, one numeric (or True/False) column per feature.
    treated : Series or array of bool or 0/1
        Whether each customer got the treatment; a Series is matched to ``features`` by index.
    outcome : Series or array of bool or 0/1
        The outcome the treatment should raise (for a retention offer: stayed).
    score : DataFrame, optional
        The customers whose uplift is wanted, with the columns of ``features`` (for example a
        hold-out half of the test, or the whole customer base); by default ``features``.
    model : scikit-learn classifier, optional
        Any estimator with ``fit`` and ``predict_proba``; two fresh copies are fitted
        (``sklearn.base.clone``). By default a logistic regression on standardised features
        (``StandardScaler`` then ``LogisticRegression(max_iter=1000)``, scikit-learn's usual L2
        penalty, C = 1).

    Returns
    -------
    DataFrame
        Indexed like ``score``: ``p_treated`` = p_T(x), ``p_control`` = p_C(x) and ``uplift``.

    Raises
    ------
    crmlib.DataError
        For features that are missing or not numbers, ``treated`` or ``outcome`` not True/False,
        a group without customers, a group in which every customer (or none) had the outcome, or
        a ``score`` frame without the features' columns.

    References
    ----------
    Gutierrez, P. & Gérardy, J.-Y. (2017). Causal inference and uplift modelling: A review of the
    literature. PMLR 67, 1-13 (section 3.1, the two-model approach).

    Radcliffe, N. J. & Surry, P. D. (2011). Real-world uplift modelling with significance-based
    uplift trees. Stochastic Solutions, TR-2011-1 (why two models can rank uplift poorly).

    Examples
    --------
    A test of 400 customers, half of them with a price increase (price = 1), half of each group
    treated: with a price increase, 75 of the 100 treated customers stay against 25 of the 100
    in the control group; without one, half stay either way. The estimates (a little shrunk by
    the logistic regression's penalty) find the offer's effect where it is:

    >>> features = pd.DataFrame({"price": [1] * 200 + [0] * 200})
    >>> offer = ([True] * 100 + [False] * 100) * 2
    >>> stayed = [1] * 75 + [0] * 25 + [1] * 25 + [0] * 75 + [1, 0] * 100
    >>> estimate = two_model_uplift(features, offer, stayed)
    >>> estimate.groupby(features["price"]).mean().round(2)
           p_treated  p_control  uplift
    price
    0           0.50       0.50    0.01
    1           0.75       0.25    0.49
    """
    from sklearn.base import clone

    x = _feature_matrix(features, "features")
    frame = _per_customer(features=pd.Series(0, index=x.index), treated=treated, outcome=outcome)
    t = _binary(frame, "treated", "treatment flags").astype(bool)
    y = _binary(frame, "outcome", "outcomes").astype("int64")
    _both_groups(t)
    if score is None:
        new = x
    else:
        require_columns(score, list(x.columns), "score (the customers to score)",
                        "give it the same feature columns as features")
        new = _feature_matrix(score[list(x.columns)], "score")
    model = _default_model() if model is None else model
    probability = {}
    for group, mask in (("treated", t), ("control", ~t)):
        seen = set(y[mask].unique().tolist())
        if seen != {0, 1}:
            had = "every" if seen == {1} else "no"
            raise DataError(f"{had} customer of the {group} group had the outcome ({int(y[mask].sum()):,} of "
                            f"{int(mask.sum()):,}): a model of the outcome needs customers with and without it")
        fitted = clone(model).fit(x[mask], y[mask])
        probability[group] = fitted.predict_proba(new)[:, list(fitted.classes_).index(1)]
    result = pd.DataFrame({"p_treated": probability["treated"], "p_control": probability["control"]},
                          index=new.index)
    result["uplift"] = result["p_treated"] - result["p_control"]
    return result


# --------------------------------------------------------------------------------------------
# checking a ranking by uplift on a test
# --------------------------------------------------------------------------------------------


def qini_table(score, treated, outcome, groups: int = 10) -> pd.DataFrame:
    """Customers of a test ranked by a score, with the incremental responses the top groups bring.

    Customers are ranked by ``score`` (highest first, ties at their average rank) and cut into
    ``groups`` groups like :func:`crmlib.response.gains_table`: rank r of n falls in group
    ceil(r × groups / n). Each group holds treated and control customers of a randomised test,
    so each group's uplift can be measured; per group and cumulated from the top:

    - ``customers``, ``treated``, ``control``: the group's customers and how many of them were
      treated; ``rate_treated``, ``rate_control`` and ``uplift`` = rate_treated - rate_control,
      the group's measured uplift;
    - ``customer_share``: the share of all customers in the top groups (φ);
    - ``cumulative_uplift`` = R_T(φ) / N_T(φ) - R_C(φ) / N_C(φ): the uplift of the top groups
      together (R the responses, N the customers, T treated, C control);
    - ``incremental`` = cumulative_uplift × N(φ): the responses the treatment would add if all
      N(φ) customers of the top groups got it: the **uplift curve** (Gutierrez & Gérardy 2017);
    - ``qini`` = R_T(φ) - R_C(φ) × N_T(φ) / N_C(φ): the same, counted on the treated customers
      only (Radcliffe's **Qini curve**; for a 50/50 test about half of ``incremental``);
    - ``random`` = overall uplift × N(φ): ``incremental`` of a random choice of N(φ) customers.

    A score ranks uplift well when ``incremental`` rises steeply above ``random`` at the start.
    Measure it on customers the score was not fitted on.

    Parameters
    ----------
    score : Series or array
        Higher means "treat first" (an estimated uplift, or a churn risk to compare with).
    treated : Series or array of bool or 0/1
        Whether each customer was treated in the test.
    outcome : Series or array of bool or 0/1
        The response (for a retention offer: stayed). Series are matched by their index.
    groups : int
        Number of groups (10: deciles).

    Returns
    -------
    DataFrame
        Indexed by ``group`` (1 = highest scores), the columns above.

    Raises
    ------
    crmlib.DataError
        For different lengths or customers, missing scores, ``treated`` or ``outcome`` not
        True/False, ``groups`` not a whole number from 1 to the number of customers, or a group
        without treated or without control customers (use fewer groups).

    References
    ----------
    Radcliffe, N. J. (2007). Using control groups to target on predicted lift: Building and
    assessing uplift models. *Direct Marketing Analytics Journal* 1, 14-21.

    Gutierrez, P. & Gérardy, J.-Y. (2017). Causal inference and uplift modelling: A review of the
    literature. PMLR 67, 1-13 (section 4, the uplift and Qini curves).

    Examples
    --------
    Eight customers of a test; the score puts the customers the offer helps first:

    >>> score = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1]
    >>> offer = [True, False, True, False, True, False, True, False]
    >>> stayed = [1, 0, 1, 0, 1, 1, 0, 0]
    >>> qini_table(score, offer, stayed, groups=2)[["treated", "control", "uplift", "incremental", "qini", "random"]]
           treated  control  uplift  incremental  qini  random
    group
    1            2        2     1.0          4.0   2.0     2.0
    2            2        2     0.0          4.0   2.0     4.0
    """
    frame = _per_customer(score=score, treated=treated, outcome=outcome)
    s = _numbers(frame, "score", "scores")
    t = _binary(frame, "treated", "treatment flags").astype(bool)
    y = _binary(frame, "outcome", "outcomes")
    n = len(frame)
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or not 1 <= groups <= n:
        raise DataError(f"groups is the number of groups, a whole number from 1 to the {n:,} customers, "
                        f"got {groups!r}")
    _both_groups(t)
    rank = s.rank(ascending=False, method="average").to_numpy()
    group = pd.Index(np.clip(np.ceil(rank * groups / n - 1e-9), 1, groups).astype("int64"), name="group")
    parts = pd.DataFrame({"treated": t.to_numpy(), "control": ~t.to_numpy(),
                          "responses_treated": (y * t).to_numpy(), "responses_control": (y * ~t).to_numpy()})
    table = parts.groupby(group).sum()
    table.insert(0, "customers", table["treated"] + table["control"])
    empty = table.index[(table["treated"] == 0) | (table["control"] == 0)]
    if len(empty):
        raise DataError(f"group {empty[0]} has no {'treated' if table.loc[empty[0], 'treated'] == 0 else 'control'} "
                        f"customers: its uplift cannot be measured; use fewer groups (got {groups})")
    totals = table.cumsum()
    table["rate_treated"] = table["responses_treated"] / table["treated"]
    table["rate_control"] = table["responses_control"] / table["control"]
    table["uplift"] = table["rate_treated"] - table["rate_control"]
    table["customer_share"] = totals["customers"] / n
    table["cumulative_uplift"] = (totals["responses_treated"] / totals["treated"]
                                  - totals["responses_control"] / totals["control"])
    table["incremental"] = table["cumulative_uplift"] * totals["customers"]
    table["qini"] = totals["responses_treated"] - totals["responses_control"] * totals["treated"] / totals["control"]
    table["random"] = table["cumulative_uplift"].iloc[-1] * totals["customers"]
    columns = ["customers", "treated", "control", "rate_treated", "rate_control", "uplift", "customer_share",
               "cumulative_uplift", "incremental", "qini", "random"]
    return table[columns].astype({"customers": "int64", "treated": "int64", "control": "int64"})


# --------------------------------------------------------------------------------------------
# the money: whom to target
# --------------------------------------------------------------------------------------------


def incremental_profit(uplift, value, cost):
    """The expected profit of sending the offer to a customer: uplift × value - cost.

    The offer costs ``cost`` whoever gets it; it brings ``value`` (for example a year of margin
    of a customer who stays) only for the share ``uplift`` of such customers it changes. A
    customer who would stay anyway, or leave anyway, brings no value and still costs the offer:

        incremental profit = uplift × value - cost

    so an offer pays for a customer when uplift > cost / value. Targeting by churn *risk* looks
    at the wrong number: a high risk with no uplift loses the cost (Ascarza 2018).

    Parameters
    ----------
    uplift : float, Series or array
        The rise in the chance that the customer responds (stays) because of the offer, per
        customer (a share: 0.10 for 10 points; negative if the offer drives customers away).
    value : float, Series or array
        What a customer who responds is worth (for example 12 × monthly margin).
    cost : float, Series or array
        The cost of sending the offer to one customer, 0 or more.

    Returns
    -------
    float or Series
        A Series (indexed like the first Series given) when any input is a Series or an array,
        else a float.

    Raises
    ------
    crmlib.DataError
        For inputs that are missing or not numbers, of different lengths, or a negative cost.

    References
    ----------
    Ascarza, E. (2018). Retention futility: Targeting high-risk customers might be ineffective.
    *Journal of Marketing Research* 55(1), 80-98.

    Examples
    --------
    An offer costing 30 that raises a customer's chance of staying by 10 points, for a customer
    worth 480 a year; and the same offer to a customer it does not change:

    >>> incremental_profit(0.10, 480.0, 30.0)
    18.0
    >>> incremental_profit(pd.Series([0.10, 0.0], index=["A", "B"]), 480.0, 30.0)
    A    18.0
    B   -30.0
    Name: incremental_profit, dtype: float64
    """
    inputs = {"uplift": uplift, "value": value, "cost": cost}
    if all(np.ndim(v) == 0 and not isinstance(v, pd.Series) for v in inputs.values()):
        numbers = {}
        for name, number in inputs.items():
            try:
                numbers[name] = float(number)
            except (TypeError, ValueError):
                numbers[name] = math.nan
            if not math.isfinite(numbers[name]):
                raise DataError(f"{name} must be a number, got {number!r}")
        if numbers["cost"] < 0:
            raise DataError(f"cost must be 0 or more (what one offer costs), got {cost!r}")
        return numbers["uplift"] * numbers["value"] - numbers["cost"]
    first = next(name for name, v in inputs.items() if np.ndim(v) > 0 or isinstance(v, pd.Series))
    length = len(inputs[first])
    ordered = {first: inputs[first]}
    ordered.update({name: (v if np.ndim(v) > 0 or isinstance(v, pd.Series) else np.full(length, v))
                    for name, v in inputs.items() if name != first})
    frame = _per_customer(**ordered)
    numbers = {name: _numbers(frame, name, f"{name} values") for name in inputs}
    if (numbers["cost"] < 0).any():
        raise column_error(frame, "cost", (numbers["cost"] < 0).to_numpy(), "costs are negative",
                           "An offer's cost is 0 or more.")
    return (numbers["uplift"] * numbers["value"] - numbers["cost"]).rename("incremental_profit")


def targeting_table(score, uplift, value, cost) -> pd.DataFrame:
    """The expected incremental profit of sending the offer to the top 1, 2, ..., n customers by a score.

    Customers are taken in the order of ``score``, highest first (ties in the order given); the
    k-th row adds the k-th customer:

    - ``customer``: the customer's label; ``score``; ``uplift``; ``profit``, the customer's
      uplift × value minus the cost (:func:`incremental_profit`);
    - ``share`` = k / n;
    - ``expected_saved`` = the sum of the top k uplifts: the customers the offers are expected to
      change (to keep, for a retention offer);
    - ``incremental_profit`` = the sum of the top k profits.

    The best number of offers is the k with the largest ``incremental_profit``
    (``table["incremental_profit"].idxmax()``); ``uplift`` is the *expected* uplift (an estimate,
    or the truth where it is known, as in a generated campaign), so the profit is expected, not
    measured: measure it on a test with :func:`qini_table`.

    Parameters
    ----------
    score : Series or array
        The ranking: higher means "send the offer first" (an estimated uplift, a churn risk,
        uplift × value).
    uplift : Series or array
        Each customer's uplift, used to count the profit (as in :func:`incremental_profit`).
    value : float, Series or array
        What a customer who responds is worth.
    cost : float
        The cost of one offer, 0 or more.

    Returns
    -------
    DataFrame
        Indexed by ``targeted`` (k = 1..n), the columns above.

    Raises
    ------
    crmlib.DataError
        For inputs that are missing or not numbers, of different lengths or customers, or a
        negative cost.

    Examples
    --------
    Three customers ranked by churn risk, two ways to rank; the riskiest is a lost cause:

    >>> risk = pd.Series([0.9, 0.5, 0.1], index=["A", "B", "C"])
    >>> uplift = pd.Series([0.0, 0.2, 0.05], index=["A", "B", "C"])
    >>> targeting_table(risk, uplift, value=500.0, cost=30.0)[["customer", "profit", "incremental_profit"]]
             customer  profit  incremental_profit
    targeted
    1               A   -30.0               -30.0
    2               B    70.0                40.0
    3               C    -5.0                35.0
    >>> float(targeting_table(uplift, uplift, 500.0, 30.0)["incremental_profit"].max())
    70.0
    """
    value = value if np.ndim(value) > 0 or isinstance(value, pd.Series) else np.full(len(score), value)
    frame = _per_customer(score=score, uplift=uplift, value=value)
    s = _numbers(frame, "score", "scores")
    profit = incremental_profit(_numbers(frame, "uplift", "uplift values"), _numbers(frame, "value", "values"),
                                np.full(len(frame), cost) if np.ndim(cost) == 0 else cost)
    order = np.argsort(-s.to_numpy(), kind="stable")
    table = pd.DataFrame({
        "customer": frame.index[order],
        "score": s.to_numpy()[order],
        "uplift": frame["uplift"].to_numpy(dtype="float64")[order],
        "profit": profit.to_numpy()[order],
    }, index=pd.RangeIndex(1, len(frame) + 1, name="targeted"))
    table["share"] = table.index / len(table)
    table["expected_saved"] = table["uplift"].cumsum()
    table["incremental_profit"] = table["profit"].cumsum()
    return table
