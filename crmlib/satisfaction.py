"""The satisfaction trap (客户满意陷阱): satisfied customers still defect (chapter 8).

The course source only titles this section (2.4: the satisfaction trap; basic and potential
expectations; customers' expectations at each stage). This module makes its ideas computable from
the standard literature:

- **Reichheld** (1993, 1996): 65-85 % of the customers who defect say they were *satisfied* or
  *very satisfied* with the supplier they left. Satisfaction is not loyalty (忠诚).
- **Jones & Sasser** (1995), "Why satisfied customers defect": in competitive markets only the
  *completely* satisfied (the "top box", 5 on a 5-point scale) are loyal; merely satisfied
  customers (4) defect almost as often as neutral ones. In protected markets (high switching
  costs, few alternatives) even dissatisfied customers stay, which is not loyalty either.
- **Kano** (Kano et al. 1984): *basic* expectations (基本期望, must-be qualities) cause
  dissatisfaction when missing but add nothing once met; *potential* expectations (潜在期望,
  attractive qualities) are not expected, delight when met and build loyalty. A firm that only
  polishes the basics raises satisfaction scores without raising loyalty: the satisfaction trap.

The course's survey, :func:`make_satisfaction_survey`, is a documented synthetic data set built to
show these effects (``datasets/satisfaction_survey.csv``; load it with
:func:`crmlib.datasets.load_satisfaction_survey`). The functions below read any survey with a
``satisfaction`` score and a ``repurchased`` outcome.

References
----------
Reichheld, F. F. (1993). Loyalty-based management. *Harvard Business Review* 71(2), 64-73.
Reichheld, F. F. (1996). *The Loyalty Effect*. Harvard Business School Press.
Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business Review*
73(6), 88-99.
Kano, N., Seraku, N., Takahashi, F. & Tsuji, S. (1984). Attractive quality and must-be quality.
*Journal of the Japanese Society for Quality Control* 14(2), 39-48.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.contract import DataError, column_error, require_columns
from crmlib.lifecycle import RELATIONSHIP_PHASES

SATISFACTION_LABELS = {
    1: "very dissatisfied",
    2: "dissatisfied",
    3: "neutral",
    4: "satisfied",
    5: "completely satisfied",
}
"""The five points of the satisfaction scale; 5 is the "top box"."""

STAGES = tuple(name for name, _ in RELATIONSHIP_PHASES)
"""The relationship phases of the survey's ``stage`` column: exploration, formation, stability, decline."""

XEROX_TOP_BOX_REPURCHASE_RATIO = 6.0
"""A published figure for the top box, to set beside any survey (the course's is synthetic):
Xerox's customers who gave a 5 ("completely satisfied") were six times as likely to buy Xerox
equipment again as those who gave a 4 ("satisfied"). Heskett, Jones, Loveman, Sasser &
Schlesinger (1994), "Putting the service-profit chain to work", *Harvard Business Review* 72(2),
164-174, report it from Xerox's 1991 analysis of its survey of 480,000 customers a year on a
five-point scale; Jones & Sasser (1995), "Why satisfied customers defect", cite it. Compare
:func:`top_box_comparison`'s ``repurchase_ratio``."""

SURVEY_COLUMNS = ("customer_id", "stage", "competition", "basic_met", "potential_met",
                  "satisfaction", "repurchased")

# The survey's generating model (see make_satisfaction_survey).
_STAGE_SHARES = (0.20, 0.25, 0.40, 0.15)
_PROTECTED_SHARE = 0.25
_BASIC_SHARES = (0.03, 0.05, 0.12, 0.40, 0.40)
_POTENTIAL_SHARES = (0.15, 0.25, 0.30, 0.20, 0.10)
_RATING_SLIP = 0.08
_INTERCEPT = -0.1
_BASIC_WEIGHT = (1.2, 0.9, 0.6, 0.6)
_POTENTIAL_WEIGHT = (0.6, 1.0, 1.5, 1.2)
_STAGE_EFFECT = (-0.3, 0.0, 0.4, -0.9)
_PROTECTED_EFFECT = 2.2
_CSV = {"index": False, "lineterminator": "\n"}


def make_satisfaction_survey(n_customers: int = 2000, seed: int = 2024) -> pd.DataFrame:
    """A synthetic customer survey: expectations met, satisfaction score and repurchase a year later.

    Each customer gets, in this order (all draws from ``numpy.random.default_rng(seed)``):

    1. ``stage``: relationship phase, exploration / formation / stability / decline with
       shares 20 / 25 / 40 / 15 %;
    2. ``competition``: ``"low"`` for 25 % (a protected market: few alternatives, high switching
       costs), otherwise ``"high"``;
    3. ``basic_met``: how well the basic expectations were met, 1-5, shares 3/5/12/40/40 %
       (most suppliers get the basics right);
    4. ``potential_met``: how well the potential expectations were met, 1-5, shares
       15/25/30/20/10 % (few suppliers delight);
    5. ``satisfaction`` (Kano): a customer whose basics fall short (``basic_met`` <= 3) rates
       satisfaction at ``basic_met`` (delight cannot make up for a missing basic); otherwise 5 if
       the potential expectations were met (``potential_met`` >= 4), else 4; then the rating
       slips one point down or up with probability 8 % each (kept within 1..5);
    6. ``repurchased``: True with probability 1 / (1 + exp(-z)),

       z = -0.1 + b_s min(basic_met - 4, 0) + p_s (potential_met - 3) + e_s + 2.2 [competition low]

       where, for exploration / formation / stability / decline, the basic weight
       b_s = 1.2 / 0.9 / 0.6 / 0.6, the potential weight p_s = 0.6 / 1.0 / 1.5 / 1.2 and the stage
       effect e_s = -0.3 / 0 / 0.4 / -0.9: basics matter most while a customer is trying the
       supplier out, delight matters most in a stable relationship.

    Loyalty is thus driven by the potential expectations, satisfaction mostly by the basic ones:
    most defectors are satisfied (Reichheld), only the top box is loyal in a competitive market
    (Jones & Sasser) and exceeding the basics (``basic_met`` 5 instead of 4) buys no loyalty (Kano).
    The numbers are illustrative, not estimates from a real survey.

    Parameters
    ----------
    n_customers : int
        Number of respondents (ids 1..n_customers).
    seed : int
        Seed of the generator; the shipped ``satisfaction_survey.csv`` is
        ``write_satisfaction_survey(path)`` with the defaults (2,000 customers, seed 2024).

    Returns
    -------
    DataFrame
        ``customer_id`` (int64), ``stage`` (str), ``competition`` (str: "high" or "low"),
        ``basic_met``, ``potential_met``, ``satisfaction`` (int64, 1-5) and ``repurchased`` (bool).

    Examples
    --------
    >>> survey = make_satisfaction_survey()
    >>> survey.shape
    (2000, 7)
    >>> survey["satisfaction"].value_counts().sort_index().tolist()
    [63, 117, 297, 998, 525]
    >>> round(float(survey["repurchased"].mean()), 3)
    0.501
    """
    n = int(n_customers)
    if n < 1:
        raise DataError(f"n_customers must be at least 1, got {n_customers!r}")
    rng = np.random.default_rng(seed)
    scale = np.arange(1, 6)
    stage = rng.choice(len(STAGES), size=n, p=_STAGE_SHARES)
    protected = rng.random(n) < _PROTECTED_SHARE
    basic = rng.choice(scale, size=n, p=_BASIC_SHARES)
    potential = rng.choice(scale, size=n, p=_POTENTIAL_SHARES)
    rating = np.where(basic <= 3, basic, np.where(potential >= 4, 5, 4))
    slip = rng.choice([-1, 0, 1], size=n, p=[_RATING_SLIP, 1 - 2 * _RATING_SLIP, _RATING_SLIP])
    satisfaction = np.clip(rating + slip, 1, 5)
    z = (
        _INTERCEPT
        + np.asarray(_BASIC_WEIGHT)[stage] * np.minimum(basic - 4, 0)
        + np.asarray(_POTENTIAL_WEIGHT)[stage] * (potential - 3)
        + np.asarray(_STAGE_EFFECT)[stage]
        + _PROTECTED_EFFECT * protected
    )
    repurchased = rng.random(n) < 1.0 / (1.0 + np.exp(-z))
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1, dtype="int64"),
            "stage": np.asarray(STAGES, dtype=object)[stage].tolist(),
            "competition": np.where(protected, "low", "high").tolist(),
            "basic_met": basic.astype("int64"),
            "potential_met": potential.astype("int64"),
            "satisfaction": satisfaction.astype("int64"),
            "repurchased": repurchased,
        }
    )


def write_satisfaction_survey(path, n_customers: int = 2000, seed: int = 2024) -> Path:
    """Write :func:`make_satisfaction_survey` as CSV (UTF-8, ``\\n`` line ends, True/False outcomes).

    ``datasets/satisfaction_survey.csv`` is ``write_satisfaction_survey(path)`` with the
    defaults, byte for byte (a test rebuilds it).
    """
    path = Path(path)
    make_satisfaction_survey(n_customers, seed).to_csv(path, encoding="utf-8", **_CSV)
    return path


def _checked_survey(survey: pd.DataFrame, columns=("satisfaction", "repurchased")) -> pd.DataFrame:
    require_columns(survey, columns, "the survey",
                    f"it needs {', '.join(map(repr, columns))} (see crmlib.datasets.load_satisfaction_survey())")
    if len(survey) == 0:
        raise DataError("the survey is empty: there are no respondents")
    for column in columns:
        if column == "repurchased":
            values = survey[column]
            if values.isna().any() or not set(pd.unique(values)) <= {True, False}:
                raise column_error(survey, column, ~values.isin([True, False]), "values are not True or False",
                                   "Every respondent either repurchased (True) or did not (False).")
        elif column in ("satisfaction", "basic_met", "potential_met"):
            values = pd.to_numeric(survey[column], errors="coerce")
            bad = values.isna() | ~values.isin(range(1, 6))
            if bad.any():
                raise column_error(survey, column, bad, "values are not scores from 1 to 5",
                                   "Scores are whole numbers from 1 to 5.")
    return survey


def repurchase_by_satisfaction(survey: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Customers and repurchase rate at each satisfaction score (optionally within groups ``by``).

    - ``customers``: respondents with that score; ``share``: their share of the respondents (of
      the group, with ``by``)
    - ``repurchase_rate`` = repurchased / customers; ``defection_rate`` = 1 - repurchase rate
    - ``label``: the score's meaning (:data:`SATISFACTION_LABELS`)

    Jones & Sasser (1995) read this table: in a competitive market the repurchase rate is low and
    nearly flat from 1 to 4 and jumps at 5, the top box.

    Parameters
    ----------
    survey : DataFrame
        Needs ``satisfaction`` (1-5) and ``repurchased`` (bool).
    by : str, optional
        A column to split by first, e.g. ``"competition"`` or ``"stage"``.

    Examples
    --------
    >>> survey = pd.DataFrame({"satisfaction": [4, 4, 4, 4, 5, 5],
    ...                        "repurchased": [True, False, False, False, True, True]})
    >>> repurchase_by_satisfaction(survey)[["customers", "repurchase_rate", "label"]]
                  customers  repurchase_rate                 label
    satisfaction
    4                     4             0.25             satisfied
    5                     2             1.00  completely satisfied
    """
    columns = ("satisfaction", "repurchased") + ((by,) if by else ())
    survey = _checked_survey(survey, columns[:2])
    if by is not None:
        require_columns(survey, [by], "the survey", "choose a column of the survey to split it by")
    keys = [by, "satisfaction"] if by else ["satisfaction"]
    frame = survey[list(columns)].copy()
    frame["satisfaction"] = pd.to_numeric(frame["satisfaction"]).astype("int64")
    frame["repurchased"] = frame["repurchased"].astype(bool)
    grouped = frame.groupby(keys, sort=True)["repurchased"]
    table = pd.DataFrame({"customers": grouped.size(), "repurchased": grouped.sum().astype("int64")})
    totals = table.groupby(level=0)["customers"].transform("sum") if by else len(frame)
    table["share"] = table["customers"] / totals
    table["repurchase_rate"] = table["repurchased"] / table["customers"]
    table["defection_rate"] = 1.0 - table["repurchase_rate"]
    table["label"] = [SATISFACTION_LABELS[s] for s in table.index.get_level_values("satisfaction")]
    return table[["customers", "share", "repurchased", "repurchase_rate", "defection_rate", "label"]]


def satisfied_defectors_share(survey: pd.DataFrame, satisfied_from: int = 4) -> float:
    """Share of the defectors who said they were satisfied: Reichheld's 65-85 %.

    share = (defectors with satisfaction >= ``satisfied_from``) / (all defectors), where a
    defector is a respondent with ``repurchased`` False.

    Examples
    --------
    >>> survey = pd.DataFrame({"satisfaction": [5, 4, 4, 2, 5],
    ...                        "repurchased": [False, False, True, False, True]})
    >>> round(satisfied_defectors_share(survey), 4)
    0.6667
    """
    survey = _checked_survey(survey)
    if satisfied_from not in range(1, 6):
        raise DataError(f"satisfied_from is a score from 1 to 5, got {satisfied_from!r}")
    defected = ~survey["repurchased"].astype(bool)
    if not defected.any():
        raise DataError("no respondent defected: the share of satisfied defectors is undefined")
    satisfied = pd.to_numeric(survey["satisfaction"]) >= satisfied_from
    return float((satisfied & defected).sum() / defected.sum())


def top_box_comparison(survey: pd.DataFrame, top: int = 5) -> pd.Series:
    """The top box against the box below it: completely satisfied (5) against satisfied (4).

    - ``top_box_rate``: repurchase rate of score ``top``; ``next_box_rate``: of score ``top - 1``
    - ``gap``: top_box_rate - next_box_rate (in shares; x 100 for percentage points)
    - ``defection_ratio``: defection rate of ``top - 1`` / defection rate of ``top``: how many
      times more often the merely satisfied leave
    - ``repurchase_ratio``: top_box_rate / next_box_rate: how many times more likely the top box
      is to buy again

    Xerox found its completely satisfied customers six times as likely to repurchase as its
    satisfied ones (:data:`XEROX_TOP_BOX_REPURCHASE_RATIO`; Heskett et al. 1994, Jones & Sasser 1995).

    Examples
    --------
    >>> survey = pd.DataFrame({"satisfaction": [4, 4, 4, 4, 5, 5, 5, 5],
    ...                        "repurchased": [True, True, False, False, True, True, True, False]})
    >>> top_box_comparison(survey)
    top_box_rate       0.75
    next_box_rate      0.50
    gap                 0.25
    defection_ratio     2.00
    repurchase_ratio    1.50
    dtype: float64
    """
    survey = _checked_survey(survey)
    if top not in range(2, 6):
        raise DataError(f"top is a score from 2 to 5, got {top!r}")
    table = repurchase_by_satisfaction(survey)
    for score in (top, top - 1):
        if score not in table.index:
            raise DataError(f"no respondent gave satisfaction {score}: cannot compare the top box")
    top_rate = float(table.loc[top, "repurchase_rate"])
    next_rate = float(table.loc[top - 1, "repurchase_rate"])
    ratio = (1 - next_rate) / (1 - top_rate) if top_rate < 1 else float("inf")
    repurchase_ratio = top_rate / next_rate if next_rate > 0 else float("inf")
    return pd.Series({"top_box_rate": top_rate, "next_box_rate": next_rate,
                      "gap": top_rate - next_rate, "defection_ratio": ratio, "repurchase_ratio": repurchase_ratio})


def repurchase_by_expectations(survey: pd.DataFrame, min_customers: int = 1) -> pd.DataFrame:
    """Repurchase rate for each combination of basic (rows) and potential (columns) expectations met.

    The Kano reading: along a row (more potential expectations met) the rate climbs; down a
    column it climbs only until the basics are met (4) and not beyond, because exceeding a basic
    expectation does not delight anybody. Combinations with fewer than ``min_customers``
    respondents are left empty (NaN).

    Examples
    --------
    >>> survey = pd.DataFrame({"basic_met": [4, 4, 5, 5], "potential_met": [2, 5, 2, 5],
    ...                        "satisfaction": [4, 5, 4, 5],
    ...                        "repurchased": [False, True, False, True]})
    >>> repurchase_by_expectations(survey)
    potential_met    2    5
    basic_met
    4              0.0  1.0
    5              0.0  1.0
    """
    survey = _checked_survey(survey, ("basic_met", "potential_met", "repurchased"))
    frame = survey[["basic_met", "potential_met", "repurchased"]].astype({"repurchased": bool})
    frame = frame.astype({"basic_met": "int64", "potential_met": "int64"})
    grouped = frame.groupby(["basic_met", "potential_met"])["repurchased"]
    rates = grouped.mean().where(grouped.size() >= min_customers)
    return rates.astype("float64").unstack("potential_met")
