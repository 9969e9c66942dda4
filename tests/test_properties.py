"""Invariants that must hold for any data (hypothesis property tests)."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import clv, rfm, value

amounts = st.floats(min_value=0.01, max_value=10_000, allow_nan=False, allow_infinity=False)


@st.composite
def transactions(draw):
    n = draw(st.integers(min_value=1, max_value=60))
    customers = draw(st.lists(st.integers(0, 15), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 364), min_size=n, max_size=n))
    spent = draw(st.lists(amounts, min_size=n, max_size=n))
    return pd.DataFrame({
        "customer_id": customers,
        "date": pd.Timestamp("2004-01-01") + pd.to_timedelta(days, unit="D"),
        "amount": spent,
    })


@settings(max_examples=60, deadline=None)
@given(transactions(), st.integers(2, 9))
def test_scores_are_between_1_and_bins(tx, bins):
    scored = rfm.rfm_scores(rfm.rfm_table(tx, asof="2004-12-31", window_days=None), bins=bins)
    for letter in "RFM":
        assert scored[letter].between(1, bins).all()
    assert scored["cell"].str.len().eq(3).all()


@settings(max_examples=60, deadline=None)
@given(transactions(), st.randoms(use_true_random=False))
def test_rfm_results_do_not_depend_on_row_order(tx, random):
    order = list(range(len(tx)))
    random.shuffle(order)
    shuffled = tx.iloc[order].reset_index(drop=True)
    first = rfm.rfm_scores(rfm.rfm_table(tx, asof="2004-12-31", window_days=None))
    second = rfm.rfm_scores(rfm.rfm_table(shuffled, asof="2004-12-31", window_days=None))
    pd.testing.assert_frame_equal(first, second, check_exact=False, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=400))
def test_tiers_partition_the_customers(values):
    series = pd.Series(values, index=[f"c{i}" for i in range(len(values))], dtype="float64")
    tiers = value.value_tiers(series)
    assert sorted(tiers.index) == sorted(series.index)  # every customer exactly once
    assert tiers["tier"].notna().all()
    assert tiers["tier"].value_counts(sort=False).tolist() == value.tier_sizes(len(values))
    # a better tier never holds a smaller value than a worse tier
    codes = tiers["tier"].cat.codes.to_numpy()
    assert np.all(np.diff(codes) >= 0)
    assert tiers["value"].is_monotonic_decreasing


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.05, 0.90), st.floats(0.01, 0.09),
    st.lists(st.floats(0.5, 5.0), min_size=2, max_size=6),
    st.floats(0.0, 0.25),
)
def test_ltv_rises_with_retention(retention, step, orders, rate):
    years = len(orders)
    common = dict(initial_customers=1000, orders_per_customer=orders, average_order_value=[100.0] * years,
                  cost_of_sales_rate=[0.5] * years, acquisition_cost=40.0,
                  yearly_costs={"service": [5.0] * years}, discount_rate=rate)
    lower = clv.cohort_ltv_table(retention=[retention] * years, **common).loc["ltv"].iloc[-1]
    higher = clv.cohort_ltv_table(retention=[retention + step] * years, **common).loc["ltv"].iloc[-1]
    assert higher > lower


@settings(max_examples=80, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.0, 0.5), st.floats(1.0, 1000.0))
def test_annuity_over_the_average_lifetime_overstates_the_expected_value(retention, discount_rate, margin):
    """Chapter 1: m x PVIFA(d, 1 / (1 - r)) >= m / (1 + d - r) whenever 1 / (1 - r) is a whole number
    of years; they are equal only without discounting (PVIFA is concave in the lifetime)."""
    lifetime = round(1 / (1 - retention))
    retention = 1 - 1 / lifetime  # a retention whose average lifetime is whole
    annuity = margin * clv.pvifa(discount_rate, lifetime)
    expected = clv.expected_lifetime_value(margin, retention, discount_rate)
    assert annuity >= expected * (1 - 1e-9)
    if discount_rate == 0:
        assert abs(annuity - expected) <= 1e-9 * annuity
