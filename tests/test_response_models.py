"""Chapter 11: response models on CDNOW's calibration (weeks 1-39) and holdout (weeks 40-78), scored for profit.

Every figure of chapters/11-response-models.ipynb, written out in the test names. The set-up is the
chapter's: the CDNOW 1/10 sample through `holdout_table` (returns kept, as in chapter 9), a learning
half drawn with `table.sample(frac=0.5, random_state=0)` and the other half for testing; RFM cells
(quintiles, each cell's rate in the learning half), a logistic regression (scikit-learn, default
settings) on log(1 + R, F, M), and BG/NBD fitted on weeks 1-39 of every customer; a mailing at
$6 a contact and $30 of margin a response.

BG/NBD's probability of buying is checked against importance sampling from the model's priors.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from crmlib import DataError, plots, rfm, segment, widgets  # noqa: E402
from crmlib.btyd import btyd_summary  # noqa: E402
from crmlib.datasets import load_cdnow_sample  # noqa: E402
from crmlib.models import BetaGeo  # noqa: E402
from crmlib.response import (  # noqa: E402
    best_mailing_depth,
    calibration_table,
    gains_table,
    holdout_table,
    profit_curve,
    ranking_auc,
    top_decile_lift,
)

COST, MARGIN = 6.0, 30.0


def learned_scores(scores, features, learn, test):
    """The chapter's RFM cell rates and logistic-regression probabilities of ``test``, learned on ``learn``."""
    cells = rfm.cell_response(scores.loc[learn.index], learn["bought_again"], COST, MARGIN)
    cell_rate = scores.loc[test.index, "cell"].map(cells["response_rate"]).fillna(learn["bought_again"].mean())
    model = make_pipeline(StandardScaler(), LogisticRegression())
    model.fit(features.loc[learn.index], learn["bought_again"])
    probability = pd.Series(model.predict_proba(features.loc[test.index])[:, 1], index=test.index)
    return cell_rate, probability, model


@pytest.fixture(scope="module")
def chapter():
    cdnow = load_cdnow_sample()
    table = holdout_table(cdnow, "1997-09-30", "1998-06-30", returns="keep")
    summary = btyd_summary(cdnow, "1997-09-30", "1998-06-30", freq="W", returns="keep")
    learn = table.sample(frac=0.5, random_state=0)
    test = table.drop(learn.index)
    scores = rfm.rfm_scores(table)
    features = segment.rfm_features(table)
    cell_rate, logit_p, model = learned_scores(scores, features, learn, test)
    bgnbd = BetaGeo().fit(summary)
    in_test = summary.loc[test.index]
    rankings = {"RFM cells": cell_rate, "logistic regression": logit_p,
                "BG/NBD P(buy)": bgnbd.probability_of_buying(in_test, t=39),
                "BG/NBD expected purchases": bgnbd.expected_purchases(in_test, t=39),
                "BG/NBD P(alive)": bgnbd.p_alive(in_test)}
    return {"table": table, "summary": summary, "learn": learn, "test": test, "scores": scores,
            "features": features, "model": model, "bgnbd": bgnbd, "in_test": in_test,
            "rankings": rankings, "bought": test["bought_again"]}


# -- 11.2 the data -----------------------------------------------------------------------------------

def test_holdout_table_2357_customers_684_bought_again_0_290_spending_103_77(chapter):
    table = chapter["table"]
    assert len(table) == 2357
    assert table["bought_again"].sum() == 684
    assert table["bought_again"].mean() == pytest.approx(0.290, abs=5e-4)
    assert table.loc[table["bought_again"], "holdout_spend"].mean() == pytest.approx(103.77, abs=5e-3)


def test_split_seed_0_learning_half_1178_with_352_buyers_test_half_1179_with_332_rate_0_282(chapter):
    learn, test = chapter["learn"], chapter["test"]
    assert (len(learn), int(learn["bought_again"].sum())) == (1178, 352)
    assert (len(test), int(test["bought_again"].sum())) == (1179, 332)
    assert test["bought_again"].mean() == pytest.approx(0.282, abs=5e-4)


# -- 11.3 the three models ---------------------------------------------------------------------------

def test_rfm_cells_64_used_f_scores_1_3_4_5_eight_test_customers_in_unseen_cells(chapter):
    scores, learn, test = chapter["scores"], chapter["learn"], chapter["test"]
    assert scores["cell"].nunique() == 64
    assert sorted(scores["F"].unique().tolist()) == [1, 3, 4, 5]
    cells = rfm.cell_response(scores.loc[learn.index], learn["bought_again"], COST, MARGIN)
    assert (~scores.loc[test.index, "cell"].isin(cells.index)).sum() == 8
    # the top of the learning half's list: three cells of one customer each, at 100 %
    assert cells.index[:3].tolist() == ["244", "453", "542"] and (cells["customers"].iloc[:3] == 1).all()
    assert cells.loc["555", "customers"] == 101 and cells.loc["555", "responses"] == 88


def test_logistic_regression_coefficients_recency_minus_0_57_frequency_0_77_monetary_0_11(chapter):
    coefficients = chapter["model"][-1].coef_[0]
    np.testing.assert_allclose(coefficients, [-0.574, 0.767, 0.115], atol=5e-3)


def test_hardies_customer_p_alive_0_727_p_buy_in_39_weeks_0_555_expected_1_226():
    published = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    hardie = {"x": 2, "t_x": 30.43, "T": 38.86}
    assert published.p_alive(hardie).iloc[0] == pytest.approx(0.727, abs=5e-4)
    assert published.probability_of_buying(hardie, t=39).iloc[0] == pytest.approx(0.555, abs=5e-4)
    assert published.expected_purchases(hardie, t=39).iloc[0] == pytest.approx(1.226, abs=5e-4)


def test_probability_of_buying_matches_importance_sampling_from_the_bgnbd_priors():
    # draw (lambda, p) from the priors, weight each draw by the likelihood of the history; the
    # weighted share of "alive and buys in t" is P(Y(t) > 0 | history). 2 million draws: about 1e-3.
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    model = BetaGeo.from_params(r=r, alpha=alpha, a=a, b=b)
    histories = pd.DataFrame({"x": [2, 0, 7], "t_x": [30.43, 0.0, 20.0], "T": [38.86, 30.0, 38.0]})
    rng = np.random.default_rng(1)
    lam, p = rng.gamma(r, 1 / alpha, 2_000_000), rng.beta(a, b, 2_000_000)
    for row, computed in zip(histories.itertuples(), model.probability_of_buying(histories, t=39), strict=True):
        alive = (1 - p) ** row.x * lam ** row.x * np.exp(-lam * row.T)
        dead = p * (1 - p) ** (row.x - 1) * lam ** row.x * np.exp(-lam * row.t_x) if row.x > 0 else 0.0
        sampled = (alive * (1 - np.exp(-lam * 39))).sum() / (alive + dead).sum()
        assert computed == pytest.approx(sampled, abs=3e-3)


def test_probability_of_buying_is_0_at_t_0_tends_to_p_alive_and_explains_bad_t():
    model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    history = {"x": [2, 0], "t_x": [30.43, 0.0], "T": [38.86, 30.0]}
    assert model.probability_of_buying(history, t=0).tolist() == [0.0, 0.0]
    # ((alpha + T) / (alpha + T + t))^(r + x) -> 0 slowly for a small r + x: t = 1e30 leaves about 1e-7
    np.testing.assert_allclose(model.probability_of_buying(history, t=1e30), model.p_alive(history), atol=1e-6)
    with pytest.raises(DataError, match="t .* must be 0 or more"):
        model.probability_of_buying(history, t=-1)


# -- 11.4 ranking ------------------------------------------------------------------------------------

def test_test_half_auc_and_top_decile_lift_cells_0_734_2_48_logistic_0_758_2_71_p_buy_0_724_2_74_p_alive_0_339_0_52(
        chapter):
    rankings, bought = chapter["rankings"], chapter["bought"]
    # ranking AUC, top-decile lift, gain of the top 30 % (= its cumulative lift x 0.30)
    expected = {"RFM cells": (0.734, 2.482, 0.595), "logistic regression": (0.758, 2.708, 0.592),
                "BG/NBD P(buy)": (0.724, 2.738, 0.587), "BG/NBD expected purchases": (0.737, 2.648, 0.602),
                "BG/NBD P(alive)": (0.339, 0.516, 0.155)}
    for name, (auc, lift, gain_30) in expected.items():
        measured = (ranking_auc(rankings[name], bought), top_decile_lift(rankings[name], bought),
                    top_decile_lift(rankings[name], bought, share=0.30) * 0.30)
        assert measured == (pytest.approx(auc, abs=5e-4), pytest.approx(lift, abs=5e-4),
                            pytest.approx(gain_30, abs=5e-4)), name


def test_p_alive_ranks_695_one_time_buyers_first_who_buy_again_at_0_145_against_0_477(chapter):
    in_test, bought = chapter["in_test"], chapter["bought"]
    one_time = in_test["x"] == 0
    assert one_time.sum() == 695
    assert (chapter["rankings"]["BG/NBD P(alive)"][one_time] == 1.0).all()
    assert bought[one_time].mean() == pytest.approx(0.145, abs=5e-4)
    assert bought[~one_time].mean() == pytest.approx(0.477, abs=5e-4)


# -- 11.5 twenty splits ------------------------------------------------------------------------------

def test_twenty_splits_auc_logistic_0_776_expected_0_770_p_buy_0_753_cells_0_746(chapter):
    table, scores, features, bgnbd, summary = (chapter[k] for k in ("table", "scores", "features", "bgnbd", "summary"))
    all_p_buy, all_expected = bgnbd.probability_of_buying(summary, t=39), bgnbd.expected_purchases(summary, t=39)
    rows = []
    for seed in range(20):
        learn = table.sample(frac=0.5, random_state=seed)
        test = table.drop(learn.index)
        cell_rate, logit_p, _ = learned_scores(scores, features, learn, test)
        outcome = test["bought_again"]
        for name, score in {"cells": cell_rate, "logistic": logit_p, "p_buy": all_p_buy[test.index],
                            "expected": all_expected[test.index]}.items():
            rows.append({"seed": seed, "ranking": name, "auc": ranking_auc(score, outcome),
                         "lift": top_decile_lift(score, outcome),
                         "profit": best_mailing_depth(score, outcome, COST, MARGIN)["profit"]})
    splits = pd.DataFrame(rows)
    mean = splits.groupby("ranking")[["auc", "lift", "profit"]].mean()
    sd = splits.groupby("ranking")["auc"].std()
    assert mean["auc"].round(3).to_dict() == {"cells": 0.746, "expected": 0.770, "logistic": 0.776, "p_buy": 0.753}
    assert sd.round(3).to_dict() == {"cells": 0.011, "expected": 0.012, "logistic": 0.013, "p_buy": 0.011}
    assert mean["lift"].round(3).to_dict() == {"cells": 2.571, "expected": 2.730, "logistic": 2.665, "p_buy": 2.771}
    assert mean["profit"].round(0).to_dict() == {"cells": 4403, "expected": 4593, "logistic": 4613, "p_buy": 4429}
    winners = splits.loc[splits.groupby("seed")["auc"].idxmax(), "ranking"].value_counts().to_dict()
    assert winners == {"logistic": 17, "expected": 3}
    by_seed = splits.pivot(index="seed", columns="ranking", values="auc")
    # the cells lose in every split, by 0.030 (logistic) and 0.024 (expected purchases) on average
    assert (by_seed["logistic"] > by_seed["cells"]).all() and (by_seed["expected"] > by_seed["cells"]).all()
    assert round((by_seed["logistic"] - by_seed["cells"]).mean(), 3) == 0.030
    assert round((by_seed["expected"] - by_seed["cells"]).mean(), 3) == 0.024


# -- 11.6 calibration --------------------------------------------------------------------------------

def test_calibration_mean_predicted_cells_0_298_logistic_0_294_p_buy_0_258_p_alive_0_802_actual_0_282(chapter):
    rankings, bought = chapter["rankings"], chapter["bought"]
    means = {"RFM cells": 0.298, "logistic regression": 0.294, "BG/NBD P(buy)": 0.258, "BG/NBD P(alive)": 0.802}
    for name, mean in means.items():
        assert rankings[name].mean() == pytest.approx(mean, abs=5e-4), name
    cells = calibration_table(rankings["RFM cells"], bought)
    logistic = calibration_table(rankings["logistic regression"], bought)
    p_buy = calibration_table(rankings["BG/NBD P(buy)"], bought)
    # the cells promise too much at the top: 0.844 predicted, 0.702 bought; the logistic 0.837 and 0.761
    assert cells.iloc[0][["predicted", "actual"]].round(3).tolist() == [0.844, 0.702]
    assert logistic.iloc[0][["predicted", "actual"]].round(3).tolist() == [0.837, 0.761]
    assert logistic["difference"].abs().max() == pytest.approx(0.084, abs=5e-4)
    # BG/NBD's bottom decile buys more than the one above it: 0.231 against 0.108
    assert p_buy["actual"].iloc[-2:].round(3).tolist() == [0.108, 0.231]


def test_bgnbd_lowest_tenth_62_repeat_buyers_p_alive_0_16_predicted_0_10_bought_0_27(chapter):
    in_test, bought, rankings = chapter["in_test"], chapter["bought"], chapter["rankings"]
    lowest = rankings["BG/NBD P(buy)"].nsmallest(len(in_test) // 10).index
    repeaters = lowest[in_test.loc[lowest, "x"] > 0]
    assert len(lowest) == 117 and len(repeaters) == 62
    assert rankings["BG/NBD P(alive)"][repeaters].mean() == pytest.approx(0.16, abs=5e-3)
    assert rankings["BG/NBD P(buy)"][repeaters].mean() == pytest.approx(0.10, abs=5e-3)
    assert bought[repeaters].mean() == pytest.approx(0.27, abs=5e-3)


# -- 11.7 profit -------------------------------------------------------------------------------------

def test_profit_mail_everyone_2886_best_logistic_524_customers_4056_cells_459_3966_p_buy_389_3906(chapter):
    rankings, bought = chapter["rankings"], chapter["bought"]
    everyone = profit_curve(rankings["logistic regression"], bought, COST, MARGIN)["profit"].iloc[-1]
    assert everyone == 332 * 30 - 1179 * 6 == 2886
    expected = {"RFM cells": (459, 3966), "logistic regression": (524, 4056), "BG/NBD P(buy)": (389, 3906),
                "BG/NBD P(alive)": (1177, 2898)}
    for name, (contacted, profit) in expected.items():
        best = best_mailing_depth(rankings[name], bought, COST, MARGIN)
        assert (int(best["contacted"]), round(best["profit"])) == (contacted, profit), name
    best = best_mailing_depth(rankings["logistic regression"], bought, COST, MARGIN)
    assert best["customer_share"] == pytest.approx(0.444, abs=5e-4)
    assert best["response_rate"] == pytest.approx(0.458, abs=5e-4)


def test_mailing_p_at_least_20_percent_logistic_484_keeps_4026_cells_491_3924_p_buy_365_3750_p_alive_1137(chapter):
    rankings, bought = chapter["rankings"], chapter["bought"]
    expected = {"RFM cells": (491, 3924), "logistic regression": (484, 4026), "BG/NBD P(buy)": (365, 3750),
                "BG/NBD P(alive)": (1137, 2688)}
    for name, (mailed, profit) in expected.items():
        k = int((rankings[name] >= COST / MARGIN).sum())
        curve = profit_curve(rankings[name], bought, COST, MARGIN)
        assert (k, round(curve.loc[k, "profit"])) == (mailed, profit), name
    # 99 % of the hindsight best for the logistic regression: 4026 / 4056 = 0.993
    assert round(4026 / 4056, 3) == 0.993


def test_budget_1500_dollars_250_contacts_158_responders_profit_3240(chapter):
    best = best_mailing_depth(chapter["rankings"]["logistic regression"], chapter["bought"], COST, MARGIN,
                              max_contacts=int(1500 // COST))
    assert (int(best["contacted"]), best["responders"], best["profit"]) == (250, 158, 3240)
    assert best["score_cutoff"] == pytest.approx(0.455, abs=5e-4)


# -- 11.8 churn --------------------------------------------------------------------------------------

def test_churn_top_decile_lift_1_29_against_ceiling_1_39_and_buying_again_2_71_against_3_55(chapter):
    logit_p, bought = chapter["rankings"]["logistic regression"], chapter["bought"]
    assert top_decile_lift(1 - logit_p, ~bought) == pytest.approx(1.29, abs=5e-3)
    assert 1 / (~bought).mean() == pytest.approx(1.39, abs=5e-3)
    assert 1 / bought.mean() == pytest.approx(3.55, abs=5e-3)
    assert ranking_auc(1 - logit_p, ~bought) == pytest.approx(ranking_auc(logit_p, bought), abs=1e-12)


# -- plots and the widget ----------------------------------------------------------------------------

def test_lift_calibration_and_profit_plots_draw_one_line_per_ranking(chapter):
    rankings, bought = chapter["rankings"], chapter["bought"]
    names = ["RFM cells", "logistic regression"]
    ax = plots.lift_chart({name: gains_table(rankings[name], bought) for name in names})
    assert [line.get_label() for line in ax.lines] == [*names, "random order"]
    # the logistic regression's first decile: 117 of 1,179 customers, drawn at the middle of its share
    x, y = ax.lines[1].get_data()
    assert x[0] == pytest.approx(117 / 1179 / 2) and y[0] == pytest.approx(2.701, abs=5e-4)
    ax = plots.lift_chart(gains_table(rankings["RFM cells"], bought), cumulative=True)
    assert ax.get_ylabel() == "cumulative lift (gain / share)" and ax.lines[0].get_data()[0][-1] == 1.0
    ax = plots.calibration_plot({name: calibration_table(rankings[name], bought) for name in names})
    assert [line.get_label() for line in ax.lines] == [*names, "perfectly calibrated"]
    ax = plots.profit_curve_chart({name: profit_curve(rankings[name], bought, COST, MARGIN) for name in names})
    labels = [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
    assert labels == ["RFM cells: best 39% of customers, 3,966", "logistic regression: best 44% of customers, 4,056"]
    dot = ax.lines[3].get_data()  # after each curve, its best depth
    assert (dot[0][0], dot[1][0]) == (pytest.approx(524 / 1179), pytest.approx(4056))
    plt.close("all")


def test_plots_name_the_table_they_need():
    with pytest.raises(DataError, match=r"'lift' is missing from the gains table 'ranking'.*gains_table\(\)"):
        plots.lift_chart(pd.DataFrame({"customer_share": [1.0]}))
    with pytest.raises(DataError, match=r"'predicted' is missing from the calibration table 'a'"):
        plots.calibration_plot({"a": pd.DataFrame({"actual": [0.5]})})
    with pytest.raises(DataError, match=r"'profit' is missing from the profit curve 'ranking'"):
        plots.profit_curve_chart(pd.DataFrame({"customer_share": [0.0]}))


def test_mailing_depth_explorer_shows_the_best_depth_and_follows_the_sliders(chapter):
    rankings, bought = chapter["rankings"], chapter["bought"]
    box = widgets.mailing_depth_explorer({"logistic regression": rankings["logistic regression"]}, bought)
    cost, margin, summary = box.children[0], box.children[1], box.children[2]
    assert "break-even response rate = cost / margin = 20.0%" in summary.value
    assert "524 (44%)" in summary.value and "4,056" in summary.value and "2,886" in summary.value
    cost.value = 3.0  # break-even 10 %: mail deeper
    best = best_mailing_depth(rankings["logistic regression"], bought, 3.0, margin.value)
    assert f"{int(best['contacted']):,} (" in summary.value and "10.0%" in summary.value
    assert best["contacted"] > 524
    plt.close("all")
