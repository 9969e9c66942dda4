"""crmlib.uplift and the generated retention campaign of chapter 12, with the chapter's key figures written out.

References: the treatment effect and its interval are the difference of two means with the
unequal-variance standard error; the sample size is the two-proportion formula (Lewis & Rao 2015
for why it matters), checked by simulation; the uplift and Qini curves follow Gutierrez & Gérardy
(2017) and Radcliffe (2007), checked against a count customer by customer. The campaign is
``make_retention_campaign(20_000, seed=2018)``; the chapter splits it in halves with
``train_test_split(test_size=0.5, random_state=12)``, fits the two models on one half and
scores the other.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from crmlib import DataError, plots, widgets
from crmlib.datasets import make_retention_campaign
from crmlib.uplift import (
    incremental_profit,
    qini_table,
    required_sample_size,
    targeting_table,
    treatment_effect,
    two_model_uplift,
)

FEATURES = ["tenure_months", "monthly_margin", "support_calls", "usage_change", "price_increase"]
OFFER_COST = 30.0  # yuan per offer sent (the chapter's cost)
MONTHS_KEPT = 12  # a saved customer is worth a year of margin (the chapter's value)


@pytest.fixture(scope="module")
def campaign():
    frame = make_retention_campaign(20_000, seed=2018)
    frame["stayed"] = ~frame["churned"]
    frame["true_uplift"] = frame["churn_prob_no_offer"] - frame["churn_prob_offer"]
    return frame


@pytest.fixture(scope="module")
def scored(campaign):
    """The chapter's hold-out half, with the two-model estimates fitted on the other half."""
    train, test = train_test_split(campaign, test_size=0.5, random_state=12)
    estimate = two_model_uplift(train[FEATURES], train["offer"], train["stayed"], score=test[FEATURES])
    return test.assign(estimated_uplift=estimate["uplift"], churn_risk=1 - estimate["p_control"])


# -- the generator's documented properties ------------------------------------------------------------


def test_campaign_has_20000_customers_half_with_the_offer_and_the_documented_columns(campaign):
    assert campaign.shape == (20_000, 12)
    assert list(campaign.columns[:10]) == ["customer_id", "tenure_months", "monthly_margin", "support_calls",
                                           "usage_change", "price_increase", "offer", "churned",
                                           "churn_prob_no_offer", "churn_prob_offer"]
    assert campaign["customer_id"].tolist() == list(range(1, 20_001))
    assert int(campaign["offer"].sum()) == 10_000
    assert campaign["tenure_months"].between(1, 120).all() and campaign["usage_change"].between(-0.9, 0.9).all()
    assert campaign["price_increase"].mean() == pytest.approx(0.2474)


def test_campaign_is_the_same_for_the_same_seed_and_differs_for_another():
    pd.testing.assert_frame_equal(make_retention_campaign(500, seed=7), make_retention_campaign(500, seed=7))
    assert not make_retention_campaign(500, seed=7).equals(make_retention_campaign(500, seed=8))


def test_campaign_seed_2018_churn_24_3_percent_without_the_offer_19_6_with_it(campaign):
    churn = campaign.groupby("offer")["churned"].mean()
    assert churn[False] == 0.2428 and churn[True] == 0.1961


def test_campaign_seed_2018_true_uplift_5_2_points_52_percent_positive_12_negative_36_none(campaign):
    uplift = campaign["true_uplift"]
    assert uplift.mean() == pytest.approx(0.05225, abs=5e-6)
    assert (uplift > 0).mean() == 0.52190
    assert (uplift < 0).mean() == 0.12165
    assert (uplift == 0).mean() == 0.35645


def test_campaign_seed_2018_a_quarter_of_the_high_risk_customers_cannot_be_saved(campaign):
    # "more likely to leave than to stay without the offer": 2,346 customers, 639 (27.2 %) with uplift 0
    high_risk = campaign["churn_prob_no_offer"] >= 0.5
    assert int(high_risk.sum()) == 2346
    assert int((campaign.loc[high_risk, "true_uplift"] == 0).sum()) == 639
    assert (campaign.loc[high_risk, "true_uplift"] == 0).mean() == pytest.approx(0.2724, abs=5e-5)


def test_campaign_seed_2018_four_kinds_of_customers_1114_persuadables_69_sleeping_dogs(campaign):
    # One uniform draw decides both potential outcomes: a persuadable has p_offer <= u < p_no_offer.
    p0, p1 = campaign["churn_prob_no_offer"], campaign["churn_prob_offer"]
    assert np.maximum(p0 - p1, 0).sum() == pytest.approx(1113.85, abs=0.01)  # persuadables
    assert np.maximum(p1 - p0, 0).sum() == pytest.approx(68.84, abs=0.01)  # sleeping dogs
    assert np.minimum(p0, p1).sum() == pytest.approx(3835.96, abs=0.01)  # lost causes
    assert (1 - np.maximum(p0, p1)).sum() == pytest.approx(14981.35, abs=0.01)  # sure things


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_offer_changes_only_the_price_reason_and_settled_customers(seed):
    c = make_retention_campaign(400, seed=seed)
    uplift = c["churn_prob_no_offer"] - c["churn_prob_offer"]
    price_reason = c["price_increase"] | (c["tenure_months"] <= 12)
    settled = (c["tenure_months"] > 36) & ~c["price_increase"] & (c["support_calls"] == 0)
    assert (uplift[~price_reason & ~settled] == 0).all()
    assert (uplift[price_reason] > 0).all()
    assert (uplift[settled] < 0).all()
    # the truth is a function of what is observed: rebuild it from the documented formula
    service = 1 - 0.8 ** c["support_calls"]
    needs_less = np.minimum(1.2 * np.maximum(0.0, -c["usage_change"] - 0.15), 0.9)
    price = 1 - (1 - 0.25 * c["price_increase"]) * (1 - 0.10 * (c["tenure_months"] <= 12))
    stay_other = (1 - service) * (1 - needs_less) * 0.98
    np.testing.assert_allclose(c["churn_prob_no_offer"], 1 - stay_other * (1 - price), atol=1e-12)
    np.testing.assert_allclose(c["churn_prob_offer"], 1 - stay_other * (1 - 0.3 * price) * (1 - 0.03 * settled),
                               atol=1e-12)


def test_campaign_explains_bad_arguments():
    with pytest.raises(DataError, match="n_customers must be at least 2"):
        make_retention_campaign(1)
    with pytest.raises(DataError, match="offer_share must be a share between 0 and 1"):
        make_retention_campaign(100, offer_share=50)


# -- the test: treatment effect and sample size ------------------------------------------------------


def test_chapter_12_offer_keeps_4_7_points_more_customers_interval_3_5_to_5_8(campaign):
    effect = treatment_effect(campaign["stayed"], campaign["offer"])
    assert effect["rate_control"] == 0.7572 and effect["rate_treated"] == 0.8039
    assert effect["effect"] == pytest.approx(0.0467, abs=1e-12)
    # SE = sqrt(0.8039 x 0.1961 / 10,000 + 0.7572 x 0.2428 / 10,000) = 0.005844
    assert effect["std_error"] == pytest.approx(math.sqrt(0.8039 * 0.1961 / 1e4 + 0.7572 * 0.2428 / 1e4))
    assert effect["std_error"] == pytest.approx(0.005844, abs=5e-7)
    assert (effect["ci_low"], effect["ci_high"]) == pytest.approx((0.03525, 0.05815), abs=5e-5)


def test_treatment_effect_of_an_amount_and_a_90_percent_interval():
    effect = treatment_effect(pd.Series([10.0, 30.0, 0.0, 10.0]), pd.Series([True, True, False, False]),
                              confidence=0.90)
    assert effect["effect"] == 15.0
    se = math.sqrt(100 / 2 + 25 / 2)  # population variances 100 and 25
    assert effect["ci_high"] - effect["effect"] == pytest.approx(1.6448536 * se)


def test_treatment_effect_explains_bad_input():
    with pytest.raises(DataError, match=r"column 'treated': treatment flags are not True/False or 1/0 in 1 row: "
                                        r"row 2 \('yes'\)"):
        treatment_effect([1, 0, 1], [True, False, "yes"])
    with pytest.raises(DataError, match="there are no customers in the control group"):
        treatment_effect([1, 0, 1], [True, True, True])
    with pytest.raises(DataError, match=r"column 'outcome': outcomes are missing or not numbers in 1 row"):
        treatment_effect([1, None, 1], [True, False, False])
    with pytest.raises(DataError, match="treated has 2 values but outcome has 3 customers"):
        treatment_effect([1, 0, 1], [True, False])
    with pytest.raises(DataError, match=r"treated has no value for 1 customers of outcome \(first: \['c'\]\)"):
        treatment_effect(pd.Series([1, 0, 1], index=list("abc")), pd.Series([True, False], index=list("ab")))
    with pytest.raises(DataError, match="confidence must be a share between 0 and 1"):
        treatment_effect([1, 0], [True, False], confidence=95)


def test_lewis_rao_sample_size_10_vs_15_percent_needs_683_a_group():
    # (1.95996 + 0.84162)^2 x (0.15 x 0.85 + 0.10 x 0.90) / 0.05^2 = 682.6 -> 683 per group
    assert required_sample_size(0.10, 0.05).tolist() == [683, 683, 1366]


def test_chapter_12_a_one_point_effect_needs_56898_customers_half_a_point_229250(campaign):
    base = treatment_effect(campaign["stayed"], campaign["offer"])["rate_control"]  # 0.7572
    assert required_sample_size(base, 0.01)["customers_total"] == 56_898
    assert required_sample_size(base, 0.005)["customers_total"] == 229_250
    assert required_sample_size(base, 0.02)["customers_total"] == 14_012
    assert required_sample_size(base, 0.05)["customers_total"] == 2_132


def test_required_sample_size_finds_the_effect_with_the_stated_power():
    size = required_sample_size(0.20, -0.03, power=0.8)
    n = int(size["customers_treated"])
    rng = np.random.default_rng(0)
    control = rng.binomial(n, 0.20, 20_000) / n
    treated = rng.binomial(n, 0.17, 20_000) / n
    se = np.sqrt(treated * (1 - treated) / n + control * (1 - control) / n)
    found = np.abs(treated - control) / se > 1.959964
    assert found.mean() == pytest.approx(0.80, abs=0.01)


def test_required_sample_size_quadruples_when_the_effect_halves_and_takes_unequal_groups():
    big, small = required_sample_size(0.5, 0.04)["customers_total"], required_sample_size(0.5, 0.02)["customers_total"]
    assert small / big == pytest.approx(4, rel=0.01)
    unequal = required_sample_size(0.2, 0.02, treated_share=0.8)
    assert unequal["customers_treated"] / unequal["customers_total"] == pytest.approx(0.8, abs=1e-3)


def test_required_sample_size_explains_bad_arguments():
    with pytest.raises(DataError, match="effect must be a non-zero number of rate points"):
        required_sample_size(0.2, 0)
    with pytest.raises(DataError, match="base_rate \\+ effect = 1.3 is not a rate between 0 and 1"):
        required_sample_size(0.3, 1.0)
    with pytest.raises(DataError, match="power must be a share between 0 and 1"):
        required_sample_size(0.3, 0.01, power=80)


# -- the naive comparison ------------------------------------------------------------------------------


def test_chapter_12_a_campaign_sent_to_the_6000_riskiest_looks_like_it_raised_churn(campaign):
    # Without a random control group: the targeted churn 42.1 % with the offer, the others 14.0 %
    # without it, though the offer lowered the targeted customers' churn by 7.6 points.
    targeted = campaign["churn_prob_no_offer"].rank(ascending=False, method="first") <= 6000
    assert campaign.loc[targeted, "churn_prob_offer"].mean() == pytest.approx(0.4213, abs=5e-5)
    assert campaign.loc[~targeted, "churn_prob_no_offer"].mean() == pytest.approx(0.1402, abs=5e-5)
    assert campaign.loc[targeted, "true_uplift"].mean() == pytest.approx(0.0765, abs=5e-5)


# -- the two-model estimate and the Qini table --------------------------------------------------------


def test_chapter_12_two_model_estimate_correlates_0_85_with_the_true_uplift(scored):
    assert len(scored) == 10_000
    assert scored["estimated_uplift"].corr(scored["true_uplift"]) == pytest.approx(0.851, abs=0.002)
    assert scored["churn_risk"].corr(scored["churn_prob_no_offer"]) == pytest.approx(0.916, abs=0.002)


def test_two_model_uplift_takes_any_classifier_and_scores_by_default_the_test_itself():
    features = pd.DataFrame({"price": [1] * 200 + [0] * 200})
    offer = ([True] * 100 + [False] * 100) * 2
    stayed = [1] * 75 + [0] * 25 + [1] * 25 + [0] * 75 + [1, 0] * 100
    tree = two_model_uplift(features, offer, stayed, model=DecisionTreeClassifier(random_state=0))
    assert tree["uplift"].groupby(features["price"]).mean().tolist() == pytest.approx([0.0, 0.5])
    assert list(tree.columns) == ["p_treated", "p_control", "uplift"] and tree.index.equals(features.index)


def test_two_model_uplift_explains_bad_input():
    features = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(DataError, match="no customer of the control group had the outcome"):
        two_model_uplift(features, [1, 1, 0, 0], [1, 0, 0, 0])
    with pytest.raises(DataError, match=r"column 'x': feature values are missing or not numbers in 1 row: row 2"):
        two_model_uplift(pd.DataFrame({"x": [1.0, 2.0, None, 4.0]}), [1, 1, 0, 0], [1, 0, 1, 0])
    with pytest.raises(DataError, match="column 'x' is missing from score"):
        two_model_uplift(features, [1, 1, 0, 0], [1, 0, 1, 0], score=pd.DataFrame({"y": [1.0]}))
    with pytest.raises(DataError, match="features must be a pandas DataFrame"):
        two_model_uplift([1, 2, 3, 4], [1, 1, 0, 0], [1, 0, 1, 0])


def _brute_force(score, treated, outcome, top):
    """incremental and qini of the `top` customers by score, counted one by one."""
    order = np.argsort(-np.asarray(score), kind="stable")[:top]
    t, y = np.asarray(treated, bool)[order], np.asarray(outcome, float)[order]
    uplift = y[t].mean() - y[~t].mean()
    return uplift * top, y[t].sum() - y[~t].sum() * t.sum() / (~t).sum()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_qini_table_counts_the_top_groups_like_a_count_customer_by_customer(seed):
    rng = np.random.default_rng(seed)
    n = 200
    score, treated, outcome = rng.permutation(n), np.arange(n) % 2 == 0, rng.random(n) < 0.4
    treated = rng.permutation(treated)
    table = qini_table(score, treated, outcome, groups=4)
    for group, top in zip(table.index, [50, 100, 150, 200], strict=True):
        incremental, qini = _brute_force(score, treated, outcome, top)
        assert table.loc[group, "incremental"] == pytest.approx(incremental)
        assert table.loc[group, "qini"] == pytest.approx(qini)
    overall = treatment_effect(outcome, treated)["effect"]
    assert table["random"].iloc[-1] == pytest.approx(overall * n) == table["incremental"].iloc[-1]


def test_chapter_12_top_20_percent_by_uplift_add_277_stays_by_risk_149_random_89(scored):
    by_uplift = qini_table(scored["estimated_uplift"], scored["offer"], scored["stayed"])
    by_risk = qini_table(scored["churn_risk"], scored["offer"], scored["stayed"])
    assert by_uplift.loc[2, "incremental"] == pytest.approx(276.75, abs=0.01)
    assert by_risk.loc[2, "incremental"] == pytest.approx(148.84, abs=0.01)
    assert by_uplift.loc[2, "random"] == pytest.approx(89.10, abs=0.01)
    # all 10,000 treated: 445.5 more stays, whatever the order (the measured 4.455 points)
    assert by_uplift["incremental"].iloc[-1] == pytest.approx(445.50, abs=0.01)
    assert by_risk["incremental"].iloc[-1] == pytest.approx(445.50, abs=0.01)


def test_chapter_12_retention_futility_the_riskiest_tenth_responds_less_than_the_next(scored):
    by_risk = qini_table(scored["churn_risk"], scored["offer"], scored["stayed"])
    assert by_risk.loc[1, "uplift"] == pytest.approx(0.048, abs=0.001)
    assert by_risk.loc[2, "uplift"] == pytest.approx(0.116, abs=0.001)
    rank = scored["churn_risk"].rank(ascending=False)
    truth = scored.groupby(np.ceil(rank * 10 / len(scored)))["true_uplift"].mean()
    assert truth.loc[1] == pytest.approx(0.0629, abs=5e-4)
    assert truth.loc[3] == pytest.approx(0.1188, abs=5e-4)
    assert truth.idxmax() == 3


def test_qini_table_explains_bad_input():
    with pytest.raises(DataError, match="group 2 has no control customers"):
        qini_table([4, 3, 2, 1], [0, 1, 1, 1], [1, 0, 1, 0], groups=2)
    with pytest.raises(DataError, match="groups is the number of groups"):
        qini_table([4, 3, 2, 1], [0, 1, 0, 1], [1, 0, 1, 0], groups=0)
    with pytest.raises(DataError, match=r"column 'outcome': outcomes are not True/False or 1/0 in 1 row: row 0"):
        qini_table([4, 3, 2, 1], [0, 1, 0, 1], [2, 0, 1, 0])


# -- the money ---------------------------------------------------------------------------------------


def test_incremental_profit_is_uplift_times_value_minus_cost():
    assert incremental_profit(0.10, 480.0, 30.0) == 18.0
    assert incremental_profit(0.0, 480.0, 30.0) == -30.0
    profit = incremental_profit(pd.Series([0.1, -0.02], index=["a", "b"]), np.array([500.0, 400.0]), 20.0)
    assert profit.to_dict() == pytest.approx({"a": 30.0, "b": -28.0})
    with pytest.raises(DataError, match="cost must be 0 or more"):
        incremental_profit(0.1, 480.0, -5.0)
    with pytest.raises(DataError, match="uplift must be a number"):
        incremental_profit("ten", 480.0, 5.0)


def test_targeting_table_adds_up_profits_down_the_ranking():
    table = targeting_table([0.9, 0.5, 0.1], [0.0, 0.2, 0.05], value=500.0, cost=30.0)
    assert table["incremental_profit"].tolist() == [-30.0, 40.0, 35.0]
    assert table["expected_saved"].tolist() == pytest.approx([0.0, 0.2, 0.25])
    assert table["incremental_profit"].idxmax() == 2
    with pytest.raises(DataError, match="column 'cost': costs are negative"):
        targeting_table([1, 2], [0.1, 0.1], 100.0, [5.0, -1.0])


def test_chapter_12_best_offers_by_uplift_2399_profit_133500_by_risk_4428_profit_81716(scored):
    worth = MONTHS_KEPT * scored["monthly_margin"]
    rankings = {"estimated uplift": scored["estimated_uplift"], "churn risk": scored["churn_risk"],
                "estimated uplift x value": scored["estimated_uplift"] * worth,
                "true uplift": scored["true_uplift"]}
    best = {}
    for name, score in rankings.items():
        table = targeting_table(score, scored["true_uplift"], worth, OFFER_COST)
        best[name] = (table["incremental_profit"].idxmax(), table["incremental_profit"].max())
        assert table["incremental_profit"].iloc[-1] == pytest.approx(-25_134, abs=1)  # everyone: a loss
    assert best["estimated uplift"][0] == pytest.approx(2399, abs=25)
    assert best["estimated uplift"][1] == pytest.approx(133_500, rel=2e-3)
    assert best["churn risk"][0] == pytest.approx(4428, abs=25)
    assert best["churn risk"][1] == pytest.approx(81_716, rel=2e-3)
    assert best["estimated uplift x value"][1] == pytest.approx(144_681, rel=2e-3)
    assert best["true uplift"][1] == pytest.approx(145_741, rel=1e-4)


# -- plots and the explorer ----------------------------------------------------------------------------


def test_uplift_curve_draws_one_line_per_ranking_from_zero_and_the_random_line(scored):
    tables = {"by uplift": qini_table(scored["estimated_uplift"], scored["offer"], scored["stayed"]),
              "by risk": qini_table(scored["churn_risk"], scored["offer"], scored["stayed"])}
    ax = plots.uplift_curve(tables)
    lines = {line.get_label(): line for line in ax.lines}
    assert lines["by uplift"].get_xydata()[0].tolist() == [0.0, 0.0]
    assert lines["by uplift"].get_ydata()[2] == pytest.approx(tables["by uplift"].loc[2, "incremental"])
    assert lines["random choice"].get_ydata()[-1] == pytest.approx(tables["by uplift"]["random"].iloc[-1])
    plt.close(ax.figure)
    with pytest.raises(DataError, match="pass the output of crmlib.uplift.qini_table"):
        plots.uplift_curve(pd.DataFrame({"gain": [1.0]}))


def test_targeting_profit_plot_marks_each_best_number_of_offers():
    uplift = pd.Series([0.0, 0.2, 0.05])
    tables = {"by risk": targeting_table([0.9, 0.5, 0.1], uplift, 500.0, 30.0),
              "by uplift": targeting_table(uplift, uplift, 500.0, 30.0)}
    ax = plots.targeting_profit_plot(tables)
    marks = [line.get_xydata()[0].tolist() for line in ax.lines if line.get_marker() == "o"]
    assert marks == [[2.0, 40.0], [1.0, 70.0]]
    assert ax.get_legend_handles_labels()[1] == ["by risk: best 2 offers, profit 40",
                                                 "by uplift: best 1 offer, profit 70"]
    plt.close(ax.figure)
    losing = targeting_table([1.0, 2.0], [0.0, 0.01], 500.0, 30.0)  # no offer pays: the best is none
    assert plots.targeting_profit_plot(losing).get_legend_handles_labels()[1] == ["ranking: best 0 offers, profit 0"]
    plt.close(ax.figure)


def test_targeting_explorer_recomputes_when_cost_or_value_moves(scored):
    rankings = {"estimated uplift": scored["estimated_uplift"], "churn risk": scored["churn_risk"]}
    box = widgets.targeting_explorer(rankings, scored["true_uplift"], scored["monthly_margin"])
    cost, months, summary = box.children[:3]
    table = targeting_table(scored["estimated_uplift"], scored["true_uplift"], 12 * scored["monthly_margin"], 30.0)
    assert f"<td>{table['incremental_profit'].idxmax():,}</td><td>{table['incremental_profit'].max():,.0f}</td>" \
        in summary.value
    cost.value = 100.0
    months.value = 3  # a saved customer worth 3 months of margin cannot pay for a 100-yuan offer
    assert summary.value.count("<td>0</td><td>0</td>") == 2
