"""crmlib.response: the ranking AUC and the gains table, by definition and on chapter 9's CDNOW holdout.

Reference for the AUC: Hanley & McNeil (1982), the Mann-Whitney form (ties count half), checked
against a count of pairs and against scikit-learn's roc_auc_score. Chapter 9 numbers (CDNOW
sample, calibration to 1997-09-30, holdout to 1998-06-30) are written out in the test names.
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
from crmlib.response import gains_table, ranking_auc


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
