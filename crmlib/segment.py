"""Segmentation by clustering (客户细分): prepared features, K-means, profiles and the evaluation rules (chapter 7).

The course's five steps: describe customer characteristics; set value intervals; find common
needs; choose a clustering technique (K-means here) with preprocessing; evaluate the segments
(large enough, distinct, reachable, profitable).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_samples, silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from crmlib.contract import DataError, column_error, require_columns
from crmlib.transactions import validate_transactions

FAMILY_LIFECYCLE = (
    ("young single", "青年单身", "entertainment, housing, cars"),
    ("young married, no children (DINK)", "青年已婚 / 丁克族", "furniture, furnished homes"),
    ("married, children under 6", "已婚有子女，子女6岁以下", "child care, car seats, diapers"),
    ("married, children 6 or over", "已婚有子女，子女6岁以上", "school, courses, bicycles"),
    ("middle-aged single or divorced, with children", "中青年单身/离婚，有子女", "child care, health care"),
    ("middle-aged single or divorced, no children", "中青年单身/离婚，无子女", "travel, entertainment"),
    ("empty nest", "空巢期", "rearranging life, travel, cruises, university courses"),
    ("widowed", "鳏夫/寡妇", "activities, meals delivered to the home"),
    ("non-traditional households", "非传统家庭", "shared homes of unrelated people, dormitories, same-sex couples"),
)
"""The family lifecycle (FLC) table of the course source (table 2-2): stage (English, Chinese), typical purchases."""


RFM_FEATURES = ("recency_days", "frequency", "monetary")
"""The three RFM variables of :func:`crmlib.rfm.rfm_table`, the default clustering features
(:data:`crmlib.rfm.RFM_COLUMNS` are all the columns of the RFM table)."""


def rfm_features(table: pd.DataFrame, log: bool = True, columns=RFM_FEATURES) -> pd.DataFrame:
    """Clustering features from an RFM table: the chosen ``columns``, log(1 + x)-transformed.

    RFM variables are strongly skewed (a few heavy buyers); log(1 + x) makes K-means see
    differences among ordinary customers instead of only the extremes. ``columns`` picks the
    variables, in order: recency, frequency and monetary by default; any other numeric column
    of the table that cannot be negative works too, such as ``avg_amount`` (spent per purchase).
    Scaling is done by :func:`kmeans_segments`.

    >>> t = pd.DataFrame({"recency_days": [0, 9], "frequency": [1, 99], "monetary": [9.0, 999.0],
    ...                   "avg_amount": [9.0, 10.1]})
    >>> rfm_features(t).round(3)
       recency_days  frequency  monetary
    0         0.000      0.693     2.303
    1         2.303      4.605     6.908
    >>> rfm_features(t, columns=["frequency", "avg_amount"]).round(3)
       frequency  avg_amount
    0      0.693       2.303
    1      4.605       2.407
    """
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if not columns:
        raise DataError("columns is empty: choose at least one variable, e.g. columns=['monetary']")
    require_columns(table, columns, "the table", "pass the output of crmlib.rfm.rfm_table() and choose columns it has")
    non_numeric = [c for c in columns if not pd.api.types.is_numeric_dtype(table[c])]
    if non_numeric:
        raise DataError(f"column {non_numeric[0]!r} is not numeric: clustering features must be numbers")
    features = table[columns].astype("float64")
    if (features < 0).any().any():
        column = features.columns[(features < 0).any()][0]
        raise DataError(f"column {column!r} has negative values: RFM features cannot be negative")
    return np.log1p(features) if log else features


HABIT_COLUMNS = ("tenure_days", "mean_gap_days", "gap_cv", "items_per_order", "price_per_item")
"""The columns of :func:`purchase_habits` (the last two only when an items column is given)."""


def purchase_habits(
    transactions: pd.DataFrame,
    items: str | None = None,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    returns: str = "error",
) -> pd.DataFrame:
    """Behavioural variables beyond RFM, per customer: how long, how regularly, how much at a time, at what price.

    Step 1 of the five-step segmentation (customer characteristics, 客户特征细分) asks for more than
    R, F and M. A transaction file cannot give age or attitudes, but it can give habits:

    - ``tenure_days``: days from the first to the last purchase (0 for a single purchase day);
    - ``mean_gap_days``: the mean number of days between purchase days (NaN with one purchase day);
    - ``gap_cv``: the coefficient of variation of those gaps, standard deviation / mean (population
      standard deviation; NaN with fewer than two gaps): near 0 a steady rhythm (replenishment),
      1 or more irregular bursts;
    - with ``items`` (the column counting units per purchase, e.g. CDNOW's ``cds``):
      ``items_per_order`` = units / purchases (a collector or a gift buyer buys many at a time) and
      ``price_per_item`` = amount / units (what they are willing to pay per unit: a sign of the
      benefit sought, 目标利益).

    Purchases on the same day are one purchase day for the gaps; every row is an order for
    ``items_per_order``. Source: the segmentation variables of the course source (slide 59:
    behavioural variables, benefit sought, loyalty) and the essay's step 1.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase, checked by :func:`crmlib.transactions.validate_transactions`.
    items : str, optional
        Name of a column with the number of units in each purchase.
    customer, date, amount, returns
        Passed to :func:`~crmlib.transactions.validate_transactions`.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: the columns of :data:`HABIT_COLUMNS` (without the last two when
        ``items`` is None).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "a", "b"], "cds": [2, 1, 3, 2, 1],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-31", "2024-03-01"]),
    ...     "amount": [30.0, 15.0, 45.0, 30.0, 9.0]})
    >>> habits = purchase_habits(tx, items="cds")
    >>> habits[["tenure_days", "mean_gap_days", "gap_cv"]]
                 tenure_days  mean_gap_days  gap_cv
    customer_id
    a                     30           10.0     0.0
    b                      0            NaN     NaN
    >>> habits[["items_per_order", "price_per_item"]]
                 items_per_order  price_per_item
    customer_id
    a                        2.0            15.0
    b                        1.0             9.0
    """
    tx = validate_transactions(transactions, customer=customer, date=date, amount=amount, returns=returns)
    if items is not None:
        require_columns(tx, [items], "the transactions", "name the column that counts units per purchase")
        units = pd.to_numeric(tx[items], errors="coerce")
        if units.isna().any() or (units <= 0).any():
            raise DataError(f"column {items!r}: every purchase needs a positive number of units")
    per_customer = tx.groupby("customer_id")
    habits = pd.DataFrame(index=per_customer.size().index)
    habits["tenure_days"] = (per_customer["date"].max() - per_customer["date"].min()).dt.days
    days = tx[["customer_id", "date"]].drop_duplicates().sort_values(["customer_id", "date"])
    gaps = days.groupby("customer_id")["date"].diff().dt.days.dropna()
    by_gap = gaps.groupby(days.loc[gaps.index, "customer_id"])
    habits["mean_gap_days"] = by_gap.mean()
    spread = by_gap.std(ddof=0).where(by_gap.size() >= 2)
    habits["gap_cv"] = spread / habits["mean_gap_days"]
    if items is not None:
        totals = tx.assign(_units=units).groupby("customer_id").agg(units=("_units", "sum"), spend=("amount", "sum"))
        habits["items_per_order"] = totals["units"] / per_customer.size()
        habits["price_per_item"] = totals["spend"] / totals["units"]
    return habits


def _checked_features(features: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame) or features.shape[1] == 0:
        raise DataError("features must be a DataFrame with at least one column")
    non_numeric = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if non_numeric:
        raise DataError(f"column {non_numeric[0]!r} is not numeric: K-means needs numbers")
    if features.isna().any().any():
        column = features.columns[features.isna().any()][0]
        raise column_error(features, column, features[column].isna(), "values are missing",
                           "K-means needs a number for every customer: fill or drop them first.")
    return features


def _fit_kmeans(x, k: int, seed: int) -> KMeans:
    """K-means with 10 starts on one thread: course-sized data gains nothing from OpenMP threads,
    and on a busy 2-core machine their spin-waiting made a fit 6 to 30 times slower."""
    with threadpool_limits(1, user_api="openmp"):
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x)


def kmeans_segments(features: pd.DataFrame, k: int, seed: int = 0, scale: bool = True) -> pd.Series:
    """Assign each customer to one of ``k`` K-means segments, numbered 0..k-1 from the largest.

    Features are standardised first (mean 0, standard deviation 1) unless ``scale=False``, so that
    no variable dominates because of its unit. ``seed`` makes the result repeatable.

    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1], "y": [0.0, 0.2, 0.1, 5.0, 4.9]})
    >>> kmeans_segments(f, k=2).tolist()
    [0, 0, 0, 1, 1]
    """
    features = _checked_features(features)
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= len(features):
        raise DataError(f"k must be a whole number from 1 to the number of customers ({len(features)}), got {k!r}")
    x = StandardScaler().fit_transform(features) if scale else features.to_numpy()
    labels = _fit_kmeans(x, k, seed).labels_
    sizes = pd.Series(labels).value_counts()
    order = sorted(sizes.index, key=lambda label: (-sizes[label], label))
    renumber = {old: new for new, old in enumerate(order)}
    return pd.Series([renumber[label] for label in labels], index=features.index, name="segment")


def segment_profiles(data: pd.DataFrame, segments: pd.Series, statistic: str = "mean") -> pd.DataFrame:
    """Size, share and the mean (or median) of every numeric column, per segment: the basis for naming segments.

    ``statistic="median"`` suits skewed variables (spend, items per order), where a few extreme
    customers pull the mean.

    >>> data = pd.DataFrame({"monetary": [10.0, 20.0, 300.0]})
    >>> segment_profiles(data, pd.Series([0, 0, 1]))
             size     share  monetary
    segment
    0           2  0.666667      15.0
    1           1  0.333333     300.0
    >>> segment_profiles(pd.DataFrame({"monetary": [10.0, 20.0, 600.0]}), pd.Series([0, 0, 0]), statistic="median")
             size  share  monetary
    segment
    0           3    1.0      20.0
    """
    if len(data) != len(segments):
        raise DataError(f"{len(data)} customers but {len(segments)} segment labels")
    if statistic not in ("mean", "median"):
        raise DataError(f"statistic must be 'mean' or 'median', got {statistic!r}")
    numeric = data.select_dtypes("number")
    grouped = numeric.groupby(np.asarray(segments))
    profile = grouped.agg(statistic)
    profile.insert(0, "share", grouped.size() / len(data))
    profile.insert(0, "size", grouped.size())
    profile.index.name = "segment"
    return profile


def elbow_table(features: pd.DataFrame, ks=range(2, 9), seed: int = 0, scale: bool = True) -> pd.DataFrame:
    """Inertia (within-segment sum of squares) and mean silhouette for each k.

    The elbow is the k after which inertia stops falling fast; a higher silhouette means
    tighter, better separated segments.

    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1, 9.0, 9.2]})
    >>> elbow_table(f, ks=[2, 3])["silhouette"].idxmax()
    3
    """
    features = _checked_features(features)
    x = StandardScaler().fit_transform(features) if scale else features.to_numpy()
    rows = []
    for k in ks:
        if not 2 <= k < len(features):
            raise DataError(f"k = {k} needs between 2 and {len(features) - 1} segments for a silhouette")
        model = _fit_kmeans(x, k, seed)
        rows.append({"k": k, "inertia": model.inertia_, "silhouette": silhouette_score(x, model.labels_)})
    return pd.DataFrame(rows).set_index("k")


def evaluate_segments(
    features: pd.DataFrame,
    segments: pd.Series,
    value: pd.Series | None = None,
    reachable: pd.Series | None = None,
    min_share: float = 0.05,
    min_silhouette: float = 0.1,
    min_reachable: float = 0.5,
    scale: bool = True,
) -> pd.DataFrame:
    """Check each segment against the course's evaluation rules.

    - ``large_enough``: share of customers >= ``min_share`` (worth a campaign of its own)
    - ``distinct``: mean silhouette of its members >= ``min_silhouette`` (its customers are closer
      to each other than to other segments: a distinct campaign can be built)
    - ``reachable``: share of members we can contact >= ``min_reachable`` (needs ``reachable``)
    - ``profitable``: mean ``value`` > 0 (needs ``value``)
    - ``passes``: all the rules that could be checked

    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 0.3, 5.0, 5.1, 5.2, 9.0]})
    >>> report = evaluate_segments(f, pd.Series([0, 0, 0, 0, 1, 1, 1, 2]), min_share=0.2)
    >>> report[["size", "large_enough", "distinct", "passes"]]
             size  large_enough  distinct  passes
    segment
    0           4          True      True    True
    1           3          True      True    True
    2           1         False     False   False
    """
    features = _checked_features(features)
    segments = pd.Series(np.asarray(segments), index=features.index)
    x = StandardScaler().fit_transform(features) if scale else features.to_numpy()
    sizes = segments.value_counts().sort_index()
    report = pd.DataFrame({"size": sizes, "share": sizes / len(segments)})
    report.index.name = "segment"
    if len(sizes) >= 2:
        silhouette = pd.Series(silhouette_samples(x, segments.to_numpy()), index=features.index)
        # a one-customer segment has silhouette 0 by convention
        report["silhouette"] = silhouette.groupby(segments).mean()
    else:
        report["silhouette"] = np.nan
    report["large_enough"] = report["share"] >= min_share
    report["distinct"] = report["silhouette"] >= min_silhouette
    rules = ["large_enough", "distinct"]
    if reachable is not None:
        reach = pd.Series(np.asarray(reachable, dtype=bool), index=features.index)
        report["reachable_share"] = reach.groupby(segments).mean()
        report["reachable"] = report["reachable_share"] >= min_reachable
        rules.append("reachable")
    if value is not None:
        worth = pd.Series(np.asarray(value, dtype="float64"), index=features.index)
        report["mean_value"] = worth.groupby(segments).mean()
        report["profitable"] = report["mean_value"] > 0
        rules.append("profitable")
    report["passes"] = report[rules].all(axis=1)
    return report
