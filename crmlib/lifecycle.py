"""The customer lifecycle (客户生命周期): stages, churn, average lifetime and lifecycle profit (chapter 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.contract import DataError

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
"""The four phases of the relationship over which customer profit is an inverted U."""


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
    (referrals) grows. The numbers are illustrative (profit relative to the peak = 1).

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
