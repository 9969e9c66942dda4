"""Behaviour of crmlib's functions beyond the course numbers: windows, tie rules, errors, segments."""

import re

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, churn, clv, lifecycle, rfm, segment, value


def test_rfm_window_is_asof_minus_days_exclusive_to_asof_inclusive():
    # 2004 is a leap year: 365 days before 2004-11-27 is 2003-11-28, which is outside the window
    tx = pd.DataFrame({"customer_id": [1, 1, 2, 3],
                       "date": ["2003-11-28", "2004-11-27", "2003-11-29", "2004-05-01"],
                       "amount": [999.0, 10.0, 20.0, 30.0]})
    table = rfm.rfm_table(tx, asof="2004-11-27", window_days=365)
    assert table.loc[1, ["frequency", "monetary", "recency_days"]].tolist() == [1, 10.0, 0]
    assert table.loc[2, "recency_days"] == 364
    assert list(table.index) == [1, 2, 3]
    everything = rfm.rfm_table(tx, asof="2004-11-27", window_days=None)
    assert everything.loc[1, "monetary"] == 1009.0


def test_rfm_scores_reward_recent_frequent_big_spenders():
    table = pd.DataFrame({"recency_days": [3, 300], "frequency": [9, 1], "monetary": [500.0, 5.0]},
                         index=pd.Index(["loyal", "lapsed"], name="customer_id"))
    scored = rfm.rfm_scores(table, bins=2)
    assert scored.loc["loyal", "cell"] == "222"
    assert scored.loc["lapsed", "cell"] == "111"


def test_rfm_tie_rule_never_splits_identical_customers():
    table = pd.DataFrame({"recency_days": [10] * 6 + [1, 2, 3, 4],
                          "frequency": [1] * 6 + [2, 3, 4, 5],
                          "monetary": np.arange(10.0)})
    scored = rfm.rfm_scores(table)
    assert scored["F"].tolist() == [1] * 6 + [4, 4, 5, 5]
    assert scored["R"].iloc[:6].nunique() == 1


def test_rfm_scores_need_the_rfm_columns():
    with pytest.raises(DataError, match=re.escape(
            "column 'frequency' is missing from the RFM table (columns: ['recency_days', 'monetary']): "
            "pass the output of rfm_table()")):
        rfm.rfm_scores(pd.DataFrame({"recency_days": [1], "monetary": [2.0]}))


def test_cell_response_needs_a_response_for_every_customer():
    scores = pd.DataFrame({"cell": ["111", "555"]}, index=["a", "b"])
    with pytest.raises(DataError, match=re.escape("response is missing for 1 customer: 'b'")):
        rfm.cell_response(scores, pd.Series({"a": True}), 1.0, 10.0)


def test_alert_statuses_follow_the_quansheng_reading():
    status = churn.alert_status(delta=[5, 0, -4.375, -10, -17.3, -17.5],
                              cycle_days=[30, 73, 45.625, 17.4, 17.4, 17.4])
    assert status.tolist() == ["safe", "watch", "watch", "at risk", "at risk", "high risk"]
    assert list(status.cat.categories) == ["safe", "watch", "at risk", "high risk"]
    assert status.cat.ordered


def test_alerts_are_sorted_from_highest_risk_and_carry_cycle_recency_delta():
    tx = pd.DataFrame({"customer_id": ["ok", "ok", "late", "late", "late"],
                       "date": ["2004-06-01", "2004-11-01", "2004-01-01", "2004-02-01", "2004-03-01"],
                       "amount": 100.0})
    alerts = churn.purchase_cycle_alerts(tx, asof="2004-11-27")
    assert alerts.index.tolist() == ["late", "ok"]
    assert alerts.columns.tolist() == list(churn.ALERT_COLUMNS)
    assert alerts.loc["late", "frequency"] == 3
    assert alerts.loc["late", "cycle_days"] == pytest.approx(365 / 3)  # P = 365 / F
    assert alerts.loc["late", "recency_days"] == 271  # R
    assert alerts.loc["late", "status"] == "high risk"
    assert alerts.loc["ok", "delta"] == pytest.approx(182.5 - 26)


def test_value_tiers_break_ties_by_customer_id_and_check_shares():
    tiers = value.value_tiers(pd.Series([5.0, 5.0, 1.0, 1.0], index=["d", "b", "c", "a"]), shares=(0.5, 0.5),
                              labels=("best", "rest"))
    assert tiers.index.tolist() == ["b", "d", "a", "c"]
    assert tiers["tier"].tolist() == ["best", "best", "rest", "rest"]
    assert "pyramid" not in tiers
    with pytest.raises(DataError, match=re.escape("shares must be positive and add up to 1")):
        value.value_tiers(pd.Series([1.0, 2.0]), shares=(0.5, 0.6), labels=("a", "b"))
    with pytest.raises(DataError, match=re.escape("values: no value for 1 customer: 'x'")):
        value.value_tiers(pd.Series({"x": np.nan, "y": 1.0}))


def test_value_tiers_are_size_tiers_without_pyramid_levels():
    tiers = value.value_tiers(pd.Series(range(1000, 0, -1), dtype=float))
    assert tiers.columns.tolist() == ["value", "rank", "tier"]
    assert value.TIER_CHINESE == {"top": "顶端客户", "high": "高端客户", "mid": "中端客户", "low": "低端客户"}


def test_profitability_pyramid_puts_every_negative_ltv_in_lead_and_only_those():
    ltv = pd.Series([300.0, -1.0, 0.0, 50.0, -200.0, 20.0, 10.0, 5.0, 1.0, 2.0, 3.0, 4.0],
                    index=[f"c{i:02d}" for i in range(12)])
    pyramid = value.profitability_pyramid(ltv)
    lead = pyramid.index[pyramid["pyramid"] == "lead"]
    assert sorted(lead) == ["c01", "c04"]
    assert (pyramid.loc[pyramid["pyramid"] != "lead", "value"] >= 0).all()
    # 10 profitable customers: 10 % diamond, 30 % gold, 60 % brass
    assert pyramid["pyramid"].value_counts(sort=False).to_dict() == {"diamond": 1, "gold": 3, "brass": 6, "lead": 2}
    assert pyramid["rank"].tolist() == list(range(1, 13))


def test_profitability_pyramid_of_all_losses_is_all_lead_and_checks_its_shares():
    pyramid = value.profitability_pyramid(pd.Series([-3.0, -1.0]))
    assert pyramid["pyramid"].tolist() == ["lead", "lead"]
    with pytest.raises(DataError, match="give three numbers adding up to 1"):
        value.profitability_pyramid(pd.Series([1.0]), shares=(0.2, 0.8))
    with pytest.raises(DataError, match=re.escape("ltv: no value for 1 customer: 'x'")):
        value.profitability_pyramid(pd.Series({"x": np.nan, "y": 1.0}))


def test_simple_ltv_needs_a_margin_between_0_and_1():
    with pytest.raises(TypeError):
        value.simple_ltv(8000, 20)  # spend is not profit: the margin must be given
    with pytest.raises(DataError, match=re.escape("between 0 and 1 (30 % = 0.30), got 30")):
        value.simple_ltv(8000, 20, margin=30)


def test_share_of_wallet_rejects_impossible_spend():
    with pytest.raises(DataError, match="our_spend 1200 must be between 0 and the category spend 1000"):
        value.share_of_wallet(1200, 1000)


def test_pareto_table_cumulative_shares_end_at_one():
    table = value.pareto_table(pd.Series([3.0, 1.0, 6.0]))
    assert table["value"].tolist() == [6.0, 3.0, 1.0]
    assert table["value_share"].tolist() == pytest.approx([0.6, 0.9, 1.0])
    assert table["customer_share"].iloc[-1] == 1.0


def test_expected_lifetime_value_is_the_sum_of_survival_weighted_discounted_margins():
    years = np.arange(1, 401)
    by_hand = float(np.sum(100 * 0.8 ** (years - 1) / 1.1 ** years))
    assert clv.expected_lifetime_value(100, 0.8, 0.10) == pytest.approx(by_hand, rel=1e-12)
    assert clv.expected_lifetime_value(100, 0.8, 0.10, years=400) == pytest.approx(by_hand, rel=1e-12)
    # with retention 1 the customer surely stays: the annuity
    assert clv.expected_lifetime_value(100, 1.0, 0.10, years=5) == pytest.approx(100 * clv.pvifa(0.10, 5))


def test_expected_lifetime_value_errors_name_the_argument():
    with pytest.raises(DataError, match=re.escape("retention is a rate between 0 and 1 (80 % = 0.80), got 80")):
        clv.expected_lifetime_value(100, 80, 0.10)
    with pytest.raises(DataError, match="the sum never stops growing: give a horizon with years="):
        clv.expected_lifetime_value(100, 1.0, 0.0)
    with pytest.raises(DataError, match="looks like a percentage"):
        clv.expected_lifetime_value(100, 0.8, 10)


def test_cohort_price_reduction_lowers_revenue_not_the_cost_of_goods():
    common = dict(initial_customers=100, retention=[1.0, 1.0], orders_per_customer=[1, 1],
                  average_order_value=[50.0, 50.0], cost_of_sales_rate=[0.6, 0.6], acquisition_cost=0)
    full = clv.cohort_ltv_table(**common)
    cut = clv.cohort_ltv_table(**common, price_reduction=[0.0, 0.2])
    assert cut.loc["price_reduction"].tolist() == [0.0, 0.2]
    assert cut.loc["revenue"].tolist() == [5000.0, 4000.0]
    assert cut.loc["cost_of_sales"].tolist() == full.loc["cost_of_sales"].tolist() == [3000.0, 3000.0]
    assert cut.loc["profit", "year 2"] == full.loc["profit", "year 2"] - 1000.0
    with pytest.raises(DataError, match=re.escape("price_reduction in year 2 is 10.0: a share of the price")):
        clv.cohort_ltv_table(**common, price_reduction=[0.0, 10.0])


def test_profit_by_tenure_counts_every_period_of_every_lifetime_and_checks_its_arguments():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-12-01", "2024-03-01"],
                       "amount": [10.0, 30.0, 20.0]})
    table = lifecycle.profit_by_tenure(tx, margin=0.5, period_days=91, cost_per_order=1.0)
    assert table.index.tolist() == [(0, 0), (3, 0), (3, 1), (3, 2), (3, 3)]  # a's 335 days are 3 quarters
    assert table["profit"].tolist() == [9.0, 4.0, 0.0, 0.0, 14.0]
    assert table["orders"].tolist() == [1, 1, 0, 0, 1]
    with pytest.raises(DataError, match=re.escape("margin is the share of each purchase kept as profit, between 0 "
                                                  "and 1 (30 % = 0.30), got 30")):
        lifecycle.profit_by_tenure(tx, margin=30)
    with pytest.raises(DataError, match="period_days must be a whole number of days of at least 1"):
        lifecycle.profit_by_tenure(tx, margin=0.3, period_days=0)
    with pytest.raises(DataError, match="column 'amount' is missing"):
        lifecycle.profit_by_tenure(tx.drop(columns="amount"), margin=0.3)


def test_purchase_habits_counts_same_day_purchases_as_one_day_and_checks_the_items():
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "a"], "cds": [1, 1, 2, 4],
                       "date": ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-13"],
                       "amount": [10.0, 10.0, 20.0, 40.0]})
    habits = segment.purchase_habits(tx, items="cds")
    assert habits.loc["a"].to_dict() == {"tenure_days": 12, "mean_gap_days": 6.0, "gap_cv": pytest.approx(1 / 3),
                                         "items_per_order": 2.0, "price_per_item": 10.0}
    assert segment.purchase_habits(tx).columns.tolist() == list(segment.HABIT_COLUMNS[:3])
    with pytest.raises(DataError, match="column 'units' is missing"):
        segment.purchase_habits(tx, items="units")
    with pytest.raises(DataError, match="column 'cds': every purchase needs a positive number of units"):
        segment.purchase_habits(tx.assign(cds=[1, 0, 2, 4]), items="cds")
    with pytest.raises(DataError, match="statistic must be 'mean' or 'median', got 'mode'"):
        segment.segment_profiles(habits, pd.Series(["x"], index=habits.index), statistic="mode")


def test_clv_errors_name_the_argument():
    with pytest.raises(DataError, match=re.escape("discount_rate = 8 looks like a percentage: write 10 % as 0.10")):
        clv.pvifa(8, 10)
    with pytest.raises(DataError, match="contributions is a single number: say for how many years with years="):
        clv.customer_lifetime_value(100.0)
    with pytest.raises(DataError, match="orders_per_customer has 2 years but retention has 3: give one value per year"):
        clv.cohort_ltv_table(100, retention=[0.5, 0.6, 0.7], orders_per_customer=[1, 2],
                             average_order_value=[1, 2, 3], cost_of_sales_rate=[0.5] * 3, acquisition_cost=1)
    message = "retention in year 2 is 60.0: a rate is between 0 and 1 (60 % = 0.60)"
    with pytest.raises(DataError, match=re.escape(message)):
        clv.cohort_ltv_table(100, retention=[0.5, 60, 0.7], orders_per_customer=[1, 2, 3],
                             average_order_value=[1, 2, 3], cost_of_sales_rate=[0.5] * 3, acquisition_cost=1)


def test_cohort_table_referrals_join_the_year_and_cost_an_incentive():
    table = clv.cohort_ltv_table(1000, retention=[0.5, 0.5], orders_per_customer=[1, 1],
                                 average_order_value=[100, 100], cost_of_sales_rate=[0.5, 0.5],
                                 acquisition_cost=10, referral_rate=0.1, referral_incentive=5)
    assert table.loc["referred_customers"].tolist() == pytest.approx([100, 55])
    assert table.loc["active_customers"].tolist() == pytest.approx([1100, 605])
    assert table.loc["referral_incentive_cost"].tolist() == pytest.approx([500, 275])
    assert table.loc["revenue", "year 1"] == pytest.approx(110_000)


def test_cohort_table_risk_factor_and_payment_delay_enter_the_discount_factor():
    table = clv.cohort_ltv_table(100, retention=[1, 1, 1], orders_per_customer=[1] * 3,
                                 average_order_value=[10] * 3, cost_of_sales_rate=[0] * 3, acquisition_cost=0,
                                 discount_rate=0.08, risk_factor=1.5, payment_delay_days=73)
    expected = [(1 + 0.08 * 1.5) ** (t - 1 + 73 / 365) for t in (1, 2, 3)]
    assert table.loc["discount_factor"].tolist() == pytest.approx(expected)


def test_cohort_table_accepts_any_number_of_cost_lines():
    table = clv.cohort_ltv_table(10, retention=[1, 1], orders_per_customer=[1, 1], average_order_value=[50, 50],
                                 cost_of_sales_rate=[0, 0], acquisition_cost=0,
                                 yearly_costs={"marketing": [1, 2], "service": [3, 4], "database": [5, 6]})
    assert table.loc[["marketing_cost", "service_cost", "database_cost"], "year 2"].tolist() == [20, 40, 60]
    assert table.loc["total_costs", "year 2"] == 120


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [6, 0], [0, 6]])
    points = np.concatenate([rng.normal(c, 0.5, size=(n, 2)) for c, n in zip(centres, (60, 40, 20), strict=True)])
    return pd.DataFrame(points, columns=["x", "y"])


def test_kmeans_segments_are_numbered_from_the_largest_and_repeatable(blobs):
    labels = segment.kmeans_segments(blobs, k=3, seed=1)
    assert labels.value_counts().tolist() == [60, 40, 20]
    assert labels.iloc[:60].eq(0).all() and labels.iloc[60:100].eq(1).all()
    pd.testing.assert_series_equal(labels, segment.kmeans_segments(blobs, k=3, seed=1))


def test_elbow_and_silhouette_point_at_the_true_number_of_segments(blobs):
    table = segment.elbow_table(blobs, ks=range(2, 6))
    assert table["silhouette"].idxmax() == 3
    assert table["inertia"].is_monotonic_decreasing


def test_evaluate_segments_reports_each_rule(blobs):
    labels = segment.kmeans_segments(blobs, k=3)
    reachable = pd.Series(np.r_[np.ones(60), np.zeros(40), np.ones(20)].astype(bool))
    worth = pd.Series(np.r_[np.full(60, 10.0), np.full(40, -1.0), np.full(20, 50.0)])
    report = segment.evaluate_segments(blobs, labels, value=worth, reachable=reachable, min_share=0.2)
    assert report["large_enough"].tolist() == [True, True, False]
    assert report["reachable"].tolist() == [True, False, True]
    assert report["profitable"].tolist() == [True, False, True]
    assert report["distinct"].all()
    assert report["passes"].tolist() == [True, False, False]


def test_segment_features_must_be_numbers_without_gaps():
    with pytest.raises(DataError, match=re.escape(
            "column 'm': values are missing in 1 row: row 1 (missing). K-means needs")):
        segment.kmeans_segments(pd.DataFrame({"m": [1.0, np.nan, 3.0]}), k=2)
    with pytest.raises(DataError, match="k must be a whole number from 1 to the number of customers"):
        segment.kmeans_segments(pd.DataFrame({"m": [1.0, 2.0]}), k=3)


def test_rfm_features_log_the_chosen_columns_in_the_order_given():
    table = pd.DataFrame({"recency_days": [0, 9], "frequency": [1, 99], "monetary": [9.0, 999.0],
                          "avg_amount": [9.0, 10.09]}, index=["a", "b"])
    default = segment.rfm_features(table)
    assert default.columns.tolist() == ["recency_days", "frequency", "monetary"]
    chosen = segment.rfm_features(table, columns=("avg_amount", "frequency"))
    assert chosen.columns.tolist() == ["avg_amount", "frequency"]
    pd.testing.assert_frame_equal(chosen, np.log1p(table[["avg_amount", "frequency"]].astype("float64")))
    raw = segment.rfm_features(table, log=False, columns="monetary")
    assert raw["monetary"].tolist() == [9.0, 999.0] and raw.index.tolist() == ["a", "b"]


def test_rfm_features_name_the_column_that_cannot_be_used():
    table = pd.DataFrame({"recency_days": [0, 9], "frequency": [1, 2], "monetary": [9.0, -1.0], "name": ["x", "y"]})
    with pytest.raises(DataError,
                       match=r"column 'avg_amount' is missing from the table \(columns: \[.*\]\): "
                             r"pass the output of crmlib.rfm.rfm_table"):
        segment.rfm_features(table, columns=["frequency", "avg_amount"])
    with pytest.raises(DataError, match="column 'monetary' has negative values"):
        segment.rfm_features(table)
    with pytest.raises(DataError, match="column 'name' is not numeric"):
        segment.rfm_features(table, columns=["name"])
    with pytest.raises(DataError, match="columns is empty"):
        segment.rfm_features(table, columns=[])


def test_clv_accepts_a_whole_number_of_years_given_as_a_float():
    lifetime = 5.0  # what crmlib.lifecycle.average_lifetime(0.2) returns
    assert clv.customer_lifetime_value(100.0, years=lifetime) == 500.0
    assert clv.pvifa(0.1, lifetime) == clv.pvifa(0.1, 5)
    with pytest.raises(DataError, match="years must be a whole number of at least 1, got 4.5"):
        clv.pvifa(0.1, 4.5)
