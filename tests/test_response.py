"""crmlib.response: the ranking AUC and the gains table, by definition and on chapter 9's CDNOW holdout;
top-decile lift, calibration, the profit curve, the best mailing depth and the holdout table (chapter 11)
by definition, against brute force and on small worked examples.

Reference for the AUC: Hanley & McNeil (1982), the Mann-Whitney form (ties count half), checked
against a count of pairs and against scikit-learn's roc_auc_score. Chapter 9 numbers (CDNOW
sample, calibration to 1997-09-30, holdout to 1998-06-30) are written out in the test names.
Chapter 11's CDNOW figures are in tests/test_response_models.py.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from crmlib import DataError, rfm
from crmlib.btyd import btyd_summary
from crmlib.datasets import load_cdnow_sample
from crmlib.models import BetaGeo, GammaGamma
from crmlib.response import (
    best_mailing_depth,
    calibration_table,
    gains_table,
    holdout_table,
    profit_curve,
    ranking_auc,
    top_decile_lift,
)


def pairs_auc(score, outcome) -> float:
    score, outcome = np.asarray(score, dtype=float), np.asarray(outcome, dtype=bool)
    wins = [(s > t) + 0.5 * (s == t) for s in score[outcome] for t in score[~outcome]]
    return float(np.mean(wins))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=40))
def test_ranking_auc_is_the_share_of_pairs_ranked_right_ties_half(rows):
    score, outcome = zip(*rows, strict=True)
    if len(set(outcome)) < 2:
        with pytest.raises(DataError, match="a ranking needs customers with and without it"):
            ranking_auc(score, outcome)
        return
    assert ranking_auc(score, outcome) == pytest.approx(pairs_auc(score, outcome), abs=1e-12)


def test_ranking_auc_equals_scikit_learn_roc_auc_score():
    rng = np.random.default_rng(3)
    score = rng.integers(0, 20, 500)  # many ties
    outcome = rng.random(500) < 0.2 + 0.03 * score
    assert ranking_auc(score, outcome) == pytest.approx(roc_auc_score(outcome, score), abs=1e-12)
    assert ranking_auc(-score, outcome) == pytest.approx(1 - roc_auc_score(outcome, score), abs=1e-12)


def test_ranking_auc_matches_series_by_index_and_explains_bad_input():
    score = pd.Series([0.9, 0.8, 0.3, 0.1], index=["a", "b", "c", "d"])
    outcome = pd.Series([False, True, False, True], index=["d", "c", "b", "a"])  # same customers, other order
    assert ranking_auc(score, outcome) == 0.75
    with pytest.raises(DataError, match="outcome has no value for 1 customers of score"):
        ranking_auc(score, outcome.rename({"a": "z"}))
    with pytest.raises(DataError, match="score has 3 customers but outcome has 4"):
        ranking_auc([1, 2, 3], [True, False, True, False])
    with pytest.raises(DataError, match="outcome must be True/False or 1/0"):
        ranking_auc([1, 2, 3], [10.0, 0.0, 5.0])
    with pytest.raises(DataError, match="score is missing or not a number for 1 customers"):
        ranking_auc([1, None, 3], [True, False, True])


def test_gains_table_adds_up_and_reads_as_deciles():
    rng = np.random.default_rng(11)
    score = pd.Series(rng.normal(size=1000))
    spend = pd.Series(np.where(rng.random(1000) < 0.3, rng.gamma(2, 30, 1000), 0.0) * (score > 0).add(1))
    table = gains_table(score, spend)
    assert list(table.columns) == ["customers", "outcome", "rate", "customer_share", "gain", "lift",
                                   "cumulative_lift"]
    assert table.index.tolist() == list(range(1, 11)) and table.index.name == "group"
    assert (table["customers"] == 100).all()
    assert table["outcome"].sum() == pytest.approx(spend.sum())
    assert table["gain"].iloc[-1] == pytest.approx(1.0) and table["customer_share"].iloc[-1] == 1.0
    assert table["cumulative_lift"].iloc[-1] == pytest.approx(1.0)
    assert np.average(table["lift"], weights=table["customers"]) == pytest.approx(1.0)
    # without ties, the top group is exactly the top 10 % by score
    assert table["outcome"].iloc[0] == pytest.approx(spend[score.nlargest(100).index].sum())


def test_gains_table_keeps_tied_scores_in_one_group():
    score = [5, 4, 3, 3, 3, 3, 3, 3, 2, 1]
    table = gains_table(score, [1, 0, 1, 0, 1, 0, 0, 0, 1, 0], groups=5)
    # the six 3s share the average rank 5.5, in group ceil(5.5 x 5 / 10) = 3; groups 2 and 4 stay empty
    assert table["customers"].tolist() == [2, 6, 2]
    assert table.index.tolist() == [1, 3, 5]
    assert table["gain"].tolist() == [0.25, 0.75, 1.0]


def test_gains_table_explains_bad_input():
    with pytest.raises(DataError, match="groups is the number of groups, a whole number from 1 to the 3"):
        gains_table([1, 2, 3], [1, 0, 1], groups=4)
    with pytest.raises(DataError, match="outcome is negative for 1 customers"):
        gains_table([1, 2, 3], [1, -5, 1], groups=2)
    with pytest.raises(DataError, match="the outcome adds up to zero"):
        gains_table([1, 2, 3], [0, 0, 0], groups=2)


# -- chapter 9 on the CDNOW holdout ----------------------------------------------------------------

@pytest.fixture(scope="module")
def cdnow_ranking():
    transactions = load_cdnow_sample()
    summary = btyd_summary(transactions, "1997-09-30", "1998-06-30", returns="keep")
    bgnbd, spend = BetaGeo().fit(summary), GammaGamma().fit(summary)
    summary["forecast"] = bgnbd.expected_purchases(summary, summary["T_holdout"])
    summary["p_alive"] = bgnbd.p_alive(summary)
    paying_days = transactions[transactions["amount"] > 0]
    paying_days = paying_days[paying_days["date"] <= "1997-09-30"]
    ranking = pd.DataFrame({
        "TM": rfm.rfm_table(paying_days, asof="1997-09-30", window_days=None)["monetary"],
        "CLV": spend.clv(bgnbd, summary, years=39 * 7 / 365, discount_rate=0.0, margin=0.30),
        "holdout_spend": summary["x_holdout"] * summary["monetary_holdout"],
    }).dropna()
    return summary, ranking


def test_chapter_9_repeat_buyers_auc_quansheng_0_638_p_alive_0_698_forecast_0_728(cdnow_ranking):
    summary, _ = cdnow_ranking
    repeaters = summary[summary["x"] > 0]
    came_back = repeaters["x_holdout"] > 0
    # the Quansheng reading delta / P = 1 - R / P with P = 273 / F days, R = days since the last purchase
    delta_over_p = 1 - (repeaters["T"] - repeaters["t_x"]) * 7 * (repeaters["x"] + 1) / 273
    assert len(repeaters) == 946
    assert ranking_auc(delta_over_p, came_back) == pytest.approx(0.638, abs=5e-4)
    assert ranking_auc(repeaters["p_alive"], came_back) == pytest.approx(0.698, abs=5e-4)
    assert ranking_auc(repeaters["forecast"], came_back) == pytest.approx(0.728, abs=5e-4)


def test_chapter_9_top_decile_of_2349_customers_clv_captures_0_499_of_holdout_spend_tm_0_478(cdnow_ranking):
    _, ranking = cdnow_ranking
    assert len(ranking) == 2349
    clv = gains_table(ranking["CLV"], ranking["holdout_spend"])
    tm = gains_table(ranking["TM"], ranking["holdout_spend"])
    assert clv["gain"].iloc[0] == pytest.approx(0.499, abs=5e-4)
    assert tm["gain"].iloc[0] == pytest.approx(0.478, abs=5e-4)
    # top 20 %: equal (0.663 both); top half: TM ahead (0.863 against 0.837)
    assert clv["gain"].iloc[1] == pytest.approx(0.663, abs=5e-4)
    assert tm["gain"].iloc[1] == pytest.approx(0.663, abs=5e-4)
    assert clv["gain"].iloc[4] == pytest.approx(0.837, abs=5e-4)
    assert tm["gain"].iloc[4] == pytest.approx(0.863, abs=5e-4)
    came_back = ranking["holdout_spend"] > 0
    assert ranking_auc(ranking["CLV"], came_back) == pytest.approx(0.758, abs=5e-4)
    assert ranking_auc(ranking["TM"], came_back) == pytest.approx(0.725, abs=5e-4)


# -- chapter 11: top-decile lift, calibration, profit curve, best depth, holdout table ---------------

def test_top_decile_lift_is_the_gains_tables_first_lift_without_ties():
    rng = np.random.default_rng(5)
    score = pd.Series(rng.normal(size=1000))
    bought = pd.Series(rng.random(1000) < 0.1 + 0.2 * (score > 1))
    assert top_decile_lift(score, bought) == pytest.approx(gains_table(score, bought)["lift"].iloc[0], abs=1e-12)
    # the top 5 %: 50 customers
    top = bought[score.nlargest(50).index].mean() / bought.mean()
    assert top_decile_lift(score, bought, share=0.05) == pytest.approx(top, abs=1e-12)
    assert top_decile_lift(score, bought, share=1.0) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1)), min_size=10, max_size=30))
def test_top_decile_lift_with_ties_is_the_mean_over_random_tie_orders(rows):
    score, outcome = (np.array(column) for column in zip(*rows, strict=True))
    if outcome.sum() == 0:
        with pytest.raises(DataError, match="the outcome adds up to zero"):
            top_decile_lift(score, outcome)
        return
    n, share = len(score), 0.2  # the top 20 %, a whole number of customers when n is a multiple of 5
    k = share * n
    # brute force: the expected outcome of the top k over many random orders of the ties
    rng = np.random.default_rng(0)
    totals = []
    for _ in range(400):
        order = np.lexsort((rng.random(n), -score))
        taken = outcome[order]
        whole = int(np.floor(k))
        totals.append(taken[:whole].sum() + (k - whole) * (taken[whole] if whole < n else 0))
    expected_lift = np.mean(totals) / k / outcome.mean()
    assert top_decile_lift(score, outcome, share=share) == pytest.approx(expected_lift, abs=0.25)
    # and exactly: a tied block counts its mean outcome
    order = np.argsort(-score, kind="stable")
    means = pd.Series(outcome).groupby(score).transform("mean").to_numpy()[order]
    exact = np.interp(k, np.arange(n + 1), np.concatenate([[0], np.cumsum(means)])) / k / outcome.mean()
    assert top_decile_lift(score, outcome, share=share) == pytest.approx(exact, abs=1e-9)


def test_top_decile_lift_explains_bad_input():
    with pytest.raises(DataError, match="share is the top share of customers, above 0 and at most 1"):
        top_decile_lift([1, 2, 3], [1, 0, 1], share=10)
    with pytest.raises(DataError, match="share is the top share"):
        top_decile_lift([1, 2, 3], [1, 0, 1], share=0)
    with pytest.raises(DataError, match="outcome is negative for 1 customers"):
        top_decile_lift([1, 2, 3], [1, -1, 1])


def test_calibration_table_puts_mean_prediction_beside_actual_rate():
    rng = np.random.default_rng(2)
    probability = pd.Series(rng.uniform(0, 1, 2000))
    outcome = pd.Series(rng.random(2000) < probability)  # calibrated by construction
    table = calibration_table(probability, outcome)
    assert list(table.columns) == ["customers", "predicted", "actual", "difference"]
    assert (table["customers"] == 200).all() and table.index.tolist() == list(range(1, 11))
    assert table["predicted"].is_monotonic_decreasing
    assert table.loc[1, "predicted"] == pytest.approx(probability.nlargest(200).mean())
    assert table.loc[1, "actual"] == pytest.approx(outcome[probability.nlargest(200).index].mean())
    assert (table["difference"].abs() < 0.1).all()
    # a prediction twice too high shows a negative difference in every group
    assert (calibration_table(probability.clip(upper=0.5) * 2, outcome)["difference"] <= 1e-12).all()


def test_calibration_table_explains_bad_input():
    with pytest.raises(DataError, match="probability is outside 0..1 for 1 customers"):
        calibration_table([0.2, 1.7, 0.5], [1, 0, 1], groups=2)
    with pytest.raises(DataError, match="outcome must be True/False or 1/0"):
        calibration_table([0.2, 0.7, 0.5], [1, 3, 1], groups=2)
    with pytest.raises(DataError, match="groups is the number of groups"):
        calibration_table([0.2, 0.7, 0.5], [1, 0, 1], groups=0)


def test_profit_curve_is_margin_times_responders_minus_cost_times_contacted():
    rng = np.random.default_rng(8)
    score = pd.Series(rng.normal(size=300))
    bought = pd.Series((rng.random(300) < 0.3).astype(int))
    curve = profit_curve(score, bought, cost_per_contact=6, margin_per_response=30)
    assert curve.index.tolist() == list(range(301)) and curve.index.name == "contacted"
    assert list(curve.columns) == ["customer_share", "responders", "cost", "margin", "profit"]
    order = score.sort_values(ascending=False).index
    by_hand = 30 * np.concatenate([[0], bought[order].cumsum()]) - 6 * np.arange(301)
    np.testing.assert_allclose(curve["profit"], by_hand)
    assert curve.loc[300, "profit"] == 30 * bought.sum() - 6 * 300


def test_profit_curve_takes_a_tied_block_in_a_random_order():
    # an RFM-cell-like score: two cells of 4 customers; the top cell has 3 responders
    curve = profit_curve([2, 2, 2, 2, 1, 1, 1, 1], [1, 0, 1, 1, 0, 1, 0, 0], cost_per_contact=1, margin_per_response=4)
    assert curve["responders"].tolist() == [0, 0.75, 1.5, 2.25, 3, 3.25, 3.5, 3.75, 4]
    assert curve["profit"].tolist() == [0, 2, 4, 6, 8, 8, 8, 8, 8]


def test_best_mailing_depth_is_the_peak_of_the_profit_curve_and_respects_a_budget():
    rng = np.random.default_rng(9)
    score = pd.Series(rng.normal(size=500))
    bought = pd.Series(rng.random(500) < 1 / (1 + np.exp(-2 * score)) - 0.2)
    curve = profit_curve(score, bought, 6, 30)
    best = best_mailing_depth(score, bought, 6, 30)
    assert best["contacted"] == curve["profit"].idxmax()
    assert best["profit"] == curve["profit"].max()
    assert best["response_rate"] == pytest.approx(best["responders"] / best["contacted"])
    assert best["score_cutoff"] == score.nlargest(int(best["contacted"])).min()
    limited = best_mailing_depth(score, bought, 6, 30, max_contacts=50)
    assert limited["contacted"] == curve.loc[:50, "profit"].idxmax() and limited["contacted"] <= 50
    # the break-even rate: past the best depth, the next customers respond below cost / margin
    k = int(best["contacted"])
    following = bought[score.sort_values(ascending=False).index].iloc[k:k + 60].mean()
    assert following < 6 / 30 + 0.1


def test_best_mailing_depth_with_no_profitable_contact_mails_nobody():
    best = best_mailing_depth([3, 2, 1], [0, 1, 0], cost_per_contact=5, margin_per_response=4)
    assert best["contacted"] == 0 and best["profit"] == 0 and best["response_rate"] == 0
    assert np.isnan(best["score_cutoff"])


def test_profit_curve_and_best_depth_explain_bad_input():
    with pytest.raises(DataError, match="cost_per_contact must be a number of at least 0"):
        profit_curve([1, 2], [1, 0], cost_per_contact=-1, margin_per_response=10)
    with pytest.raises(DataError, match="margin_per_response must be a number above 0"):
        profit_curve([1, 2], [1, 0], cost_per_contact=1, margin_per_response=0)
    with pytest.raises(DataError, match="outcome is negative for 1 customers: responses are 0 or more"):
        profit_curve([1, 2], [1, -1], cost_per_contact=1, margin_per_response=10)
    with pytest.raises(DataError, match="max_contacts is the most customers that may be contacted"):
        best_mailing_depth([1, 2], [1, 0], 1, 10, max_contacts=2.5)


def test_holdout_table_matches_the_btyd_summary_on_cdnow():
    transactions = load_cdnow_sample()
    table = holdout_table(transactions, "1997-09-30", "1998-06-30", returns="keep")
    summary = btyd_summary(transactions, "1997-09-30", "1998-06-30", returns="keep")
    assert table.index.equals(summary.index)
    assert (table["frequency"] - 1).equals(summary["x"])
    assert table["bought_again"].equals(summary["x_holdout"] > 0)
    assert table["holdout_purchases"].equals(summary["x_holdout"])
    np.testing.assert_allclose(table["holdout_spend"], summary["x_holdout"] * summary["monetary_holdout"])
    assert (table["tenure_days"] == (summary["T"] * 7).round().astype(int)).all()
    assert (table["recency_days"] == ((summary["T"] - summary["t_x"]) * 7).round().astype(int)).all()


def test_holdout_table_explains_bad_input():
    tx = pd.DataFrame({"customer_id": [1, 2], "date": ["1997-03-01", "1997-04-01"], "amount": [10.0, 20.0]})
    with pytest.raises(DataError, match="holdout_end 1997-01-31 must be after calibration_end 1997-02-28"):
        holdout_table(tx, "1997-02-28", "1997-01-31")
    with pytest.raises(DataError, match="no purchase on or before calibration_end 1997-02-28"):
        holdout_table(tx, "1997-02-28", "1997-05-31")
    with pytest.raises(DataError, match="column 'amount' is missing from the transactions"):
        holdout_table(tx.drop(columns="amount"), "1997-03-31", "1997-05-31")
