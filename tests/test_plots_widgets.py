"""The figures draw what they say, and the explorers recompute when a control moves."""

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, churn, clv, lifecycle, plots, rfm, satisfaction, segment, value, widgets


@pytest.fixture(scope="module")
def cohort_inputs(request):
    root = request.config.rootpath
    inputs = json.loads((root / "datasets" / "cohort_ltv_inputs.json").read_text(encoding="utf-8"))
    inputs.pop("about")
    return inputs


@pytest.fixture(scope="module")
def scores():
    table = pd.DataFrame({"recency_days": range(1, 51), "frequency": [1 + i % 7 for i in range(50)],
                          "monetary": [10.0 * (1 + i % 11) for i in range(50)]})
    return rfm.rfm_scores(table).assign(responded=[i % 3 == 0 for i in range(50)])


def test_pyramid_draws_four_bands_labelled_with_counts_lead_at_the_bottom():
    ltv = pd.Series([float(v) for v in range(100, 0, -1)] + [-5.0] * 20)
    ax = plots.customer_pyramid(value.profitability_pyramid(ltv))
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith("lead: 20 customers") and texts[-1].startswith("diamond: 10 customers")
    assert "-2% of value" in texts[0]  # lead loses money: 20 x -5 of 5,050 - 100
    assert len(ax.patches) == 4
    assert ax.get_title() == "The customer pyramid (by profitability)"


def test_size_tiers_are_drawn_with_their_own_names_not_the_pyramids():
    ax = plots.customer_pyramid(value.value_tiers(pd.Series(range(100, 0, -1), dtype=float)))
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith("low: 80 customers") and texts[-1].startswith("top: 1 customers")
    assert not any(name in " ".join(texts) for name in value.PYRAMID)
    assert ax.get_title() == "Size tiers (ranked by value)"


def test_pareto_curve_marks_the_top_20_percent():
    ax = plots.pareto_curve(value.pareto_table(pd.Series([80.0, 5, 5, 5, 5])))
    assert any(t.get_text() == "top 20% of customers:\n80% of value" for t in ax.texts)


@pytest.mark.parametrize("values", [
    pd.Series(np.random.default_rng(4).pareto(1.2, 2000) + 1),  # strongly concentrated
    pd.Series(np.random.default_rng(5).lognormal(0, 0.8, 500)),  # moderately
    pd.Series(np.linspace(1.0, 1.5, 300)),                       # almost equal customers
], ids=["concentrated", "lognormal", "nearly-equal"])
def test_pareto_annotation_stays_off_the_curve_and_inside_the_axes(values):
    ax = plots.pareto_curve(value.pareto_table(values))
    ax.figure.canvas.draw()
    box = ax.texts[0].get_window_extent().padded(2)
    curve = ax.transData.transform(ax.lines[0].get_xydata())
    inside = (curve[:, 0] >= box.x0) & (curve[:, 0] <= box.x1) & (curve[:, 1] >= box.y0) & (curve[:, 1] <= box.y1)
    assert not inside.any(), "the annotation covers part of the curve"
    frame = ax.get_window_extent()
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    assert not box.overlaps(ax.get_legend().get_window_extent()), "the annotation is under the legend"


def test_rfm_heatmap_counts_customers_per_r_and_f(scores):
    ax = plots.rfm_heatmap(scores)
    numbers = sum(int(t.get_text()) for t in ax.texts)
    assert numbers == 50
    ax = plots.rfm_heatmap(scores, value="responded")
    assert "mean responded" in ax.get_title()


def _luminance(colour):
    r, g, b = plt.matplotlib.colors.to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_rfm_heatmap_writes_dark_text_on_bright_cells_and_light_on_dark(scores):
    for cmap in ("viridis", "cividis", "magma", "Greys"):
        ax = plots.rfm_heatmap(scores, cmap=cmap)
        image = ax.images[0]
        for text in ax.texts:
            background = image.cmap(image.norm(float(text.get_text())))
            # the text colour is the far end of the lightness scale from its background
            assert abs(_luminance(text.get_color()) - _luminance(background)) > 0.4, (cmap, text.get_text())
        plt.close(ax.figure)


def test_rfm_heatmap_labels_its_colour_bar_and_takes_the_colour_limits(scores):
    ax = plots.rfm_heatmap(scores, value="responded", label="response rate", vmin=0, vmax=1, fmt=".0%")
    colour_bar = ax.figure.axes[-1]
    assert colour_bar.get_ylabel() == "response rate" and ax.get_title() == "RFM cells: response rate"
    assert (ax.images[0].norm.vmin, ax.images[0].norm.vmax) == (0, 1)
    assert all(t.get_text().endswith("%") for t in ax.texts)
    assert plots.rfm_heatmap(scores, title="Test mailing").get_title() == "Test mailing"


def test_rfm_heatmap_centres_a_diverging_scale_for_break_even_indices(scores):
    be = 0.30
    indexed = scores.assign(index=(scores["responded"] - be) / be * 100)  # mean over a square = its index
    ax = plots.rfm_heatmap(indexed, value="index", center=0, label="break-even index")
    norm = ax.images[0].norm
    assert norm.vmin == -norm.vmax  # symmetric: equal distances from 0 look equally strong
    assert ax.images[0].cmap.name == "RdBu"
    assert norm(0) == pytest.approx(0.5)


@pytest.mark.parametrize("number, text", [
    (750.0, "750"), (12_345.6, "12,000"), (-40.0, "-40"), (0.0087, "0.0087"), (0.13, "0.13"), (1.0, "1"),
    (0.0, "0"), (9.96, "10"),
])
def test_rfm_heatmap_numbers_are_plain_with_two_significant_digits(number, text):
    grid = pd.DataFrame({"R": [3], "F": [2], "x": [number]})
    ax = plots.rfm_heatmap(grid, value="x")
    assert [t.get_text() for t in ax.texts] == [text]


def test_rfm_heatmap_writes_counts_as_whole_numbers():
    many = pd.DataFrame({"R": [5] * 1500, "F": [5] * 1500})
    assert [t.get_text() for t in plots.rfm_heatmap(many).texts] == ["1,500"]


@pytest.fixture(scope="module")
def customers():
    from crmlib import datasets
    return rfm.rfm_table(datasets.make_transactions(n_customers=300, seed=7), asof="2024-12-31", window_days=None)


def test_elbow_plot_draws_inertia_and_silhouette_against_k():
    elbow = pd.DataFrame({"inertia": [90.0, 40.0, 32.0, 28.0], "silhouette": [0.50, 0.55, 0.41, 0.38]},
                         index=pd.Index([2, 3, 4, 5], name="k"))
    ax = plots.elbow_plot(elbow, mark=3)
    assert ax.lines[0].get_ydata().tolist() == [90.0, 40.0, 32.0, 28.0]
    assert ax.right_ax.lines[0].get_ydata().tolist() == [0.50, 0.55, 0.41, 0.38]
    labels = [t.get_text() for t in ax.right_ax.get_legend().get_texts()]
    assert labels == ["inertia (elbow)", "mean silhouette", "chosen k = 3"]
    with pytest.raises(DataError, match="column 'silhouette' is missing"):
        plots.elbow_plot(elbow[["inertia"]])


def test_segment_scatter_colours_each_segment_and_counts_it(customers):
    found = segment.kmeans_segments(segment.rfm_features(customers), k=3)
    ax = plots.segment_scatter(customers, found, "recency_days", "monetary", labels={0: "largest"}, logy=True)
    sizes = found.value_counts()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"largest ({sizes[0]})", f"segment 1 ({sizes[1]})", f"segment 2 ({sizes[2]})"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(customers)
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "total spent (monetary, log scale)"
    with pytest.raises(DataError, match="column 'spend' is missing"):
        plots.segment_scatter(customers, found, "recency_days", "spend")
    with pytest.raises(DataError, match="but 2 segment labels"):
        plots.segment_scatter(customers, [0, 1], "recency_days", "monetary")


def test_repurchase_by_satisfaction_plot_draws_one_bar_per_score_and_group():
    survey = satisfaction.make_satisfaction_survey(n_customers=400, seed=3)
    plain = plots.repurchase_by_satisfaction_plot(satisfaction.repurchase_by_satisfaction(survey))
    rates = satisfaction.repurchase_by_satisfaction(survey)["repurchase_rate"]
    assert [p.get_height() for p in plain.patches] == pytest.approx(rates.tolist())
    assert [t.get_text() for t in plain.texts] == [f"{r:.0%}" for r in rates]
    split = satisfaction.repurchase_by_satisfaction(survey, by="competition")
    ax = plots.repurchase_by_satisfaction_plot(split, labels={"high": "competitive market"}, colors=["C3", "C7"])
    assert len(ax.patches) == len(split)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["competitive market", "low"]
    assert ax.get_xticklabels()[-1].get_text() == "5\ncompletely satisfied"
    with pytest.raises(DataError, match="column 'repurchase_rate' is missing"):
        plots.repurchase_by_satisfaction_plot(split.drop(columns="repurchase_rate"))


def test_kano_lines_draw_one_line_per_level_of_basic_expectations():
    survey = satisfaction.make_satisfaction_survey(n_customers=1000, seed=3)
    table = satisfaction.repurchase_by_expectations(survey)
    ax = plots.kano_lines(table, basic=(4, 5))
    assert [line.get_label() for line in ax.lines] == ["basic expectations met: 4", "basic expectations met: 5"]
    assert ax.lines[1].get_ydata() == pytest.approx(table.loc[5].to_numpy(), nan_ok=True)
    with pytest.raises(DataError, match="row basic_met = 7 is missing"):
        plots.kano_lines(table, basic=[7])


def test_new_figures_draw_on_a_given_axes(customers):
    fig, ax = plt.subplots()
    found = pd.Series(0, index=customers.index)
    assert plots.segment_scatter(customers, found, "frequency", "monetary", ax=ax) is ax
    fig, ax = plt.subplots()
    elbow = pd.DataFrame({"inertia": [2.0, 1.0], "silhouette": [0.4, 0.5]}, index=[2, 3])
    assert plots.elbow_plot(elbow, ax=ax) is ax


def test_ltv_curves_end_at_the_ltv_of_the_last_year(cohort_inputs):
    ax = plots.ltv_curves(clv.cohort_ltv_table(**cohort_inputs))
    assert ax.lines[0].get_ydata().tolist() == pytest.approx([-12.0, 23.0, 66.08])
    assert ax.texts[-1].get_text() == "66.08"


def test_lifecycle_curve_and_alert_chart_draw():
    ax = plots.lifecycle_profit_curve(lifecycle.profit_curve())
    assert [t.get_text() for t in ax.texts] == ["exploration", "formation", "stability", "decline"]
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
                       "date": ["2004-01-01", "2004-11-01", "2004-02-01", "2004-03-01"], "amount": 1.0})
    ax = plots.alert_chart(churn.purchase_cycle_alerts(tx, asof="2004-11-27"), labels={"b": "Bing"})
    assert [t.get_text() for t in ax.texts] == ["Bing"]


def test_plots_name_the_missing_column():
    with pytest.raises(DataError, match="column 'pyramid' is missing"):
        plots.customer_pyramid(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(DataError, match="column 'profit_per_customer' is missing"):
        plots.profit_by_tenure_plot(pd.DataFrame({"lifetime_periods": [0], "period": [0], "customers": [1]}))
    with pytest.raises(DataError, match="column 'status' is missing"):
        plots.alert_chart(pd.DataFrame({"cycle_days": [1.0], "recency_days": [2]}))


def test_plots_draw_on_a_given_axes():
    fig, ax = plt.subplots()
    assert plots.lifecycle_profit_curve(lifecycle.profit_curve(), ax=ax) is ax


def test_ltv_explorer_recomputes_when_retention_moves(cohort_inputs):
    box = widgets.ltv_explorer(cohort_inputs)
    retention, discount, summary = box.children[0], box.children[1], box.children[2]
    assert "year 3: <b>66.08</b>" in summary.value
    retention.value = 0.7
    assert "year 3: <b>66.08</b>" not in summary.value
    changed = dict(cohort_inputs, retention=[0.7, 0.9, 0.95])
    expected = clv.cohort_ltv_table(**changed).loc["ltv", "year 3"]
    assert f"year 3: <b>{expected:,.2f}</b>" in summary.value
    discount.value = 0.0
    assert "year 3: <b>" in summary.value


def test_rfm_bins_explorer_counts_cells(scores):
    box = widgets.rfm_bins_explorer(scores[["recency_days", "frequency", "monetary"]])
    bins, summary = box.children[0], box.children[1]
    assert "125 possible cells" in summary.value
    bins.value = 3
    assert "27 possible cells" in summary.value


def test_tier_explorer_moves_customers_between_tiers():
    box = widgets.tier_explorer(pd.Series(range(1000, 0, -1), dtype=float))
    top, summary = box.children[0], box.children[3]
    assert "top: 10 customers" in summary.value and "low: 800 customers" in summary.value
    top.value = 0.05
    assert "top: 50 customers" in summary.value and "low: 760 customers" in summary.value


def test_segment_explorer_reruns_k_means_when_a_control_moves(customers):
    reachable = customers["recency_days"] <= 365
    worth = 0.3 * customers["monetary"] - 40.0
    box = widgets.segment_explorer(customers, reachable=reachable, value=worth)
    k, variables, log, summary = box.children[:4]

    def expected_summary_parts(columns, k_value, use_log):
        features = segment.rfm_features(customers, log=use_log, columns=columns)
        found = segment.kmeans_segments(features, k=k_value, seed=0)
        report = segment.evaluate_segments(features, found, value=worth, reachable=reachable)
        sizes = found.value_counts().sort_index()
        return [f"mean silhouette {report['silhouette'].mean():.2f}"] + [
            f"<tr><td>{number}</td><td>{size:,}</td>" for number, size in sizes.items()]

    assert "<b>k = 4</b> on recency_days, frequency, monetary (log)" in summary.value
    assert all(part in summary.value for part in expected_summary_parts(segment.RFM_FEATURES, 4, True))
    k.value = 3
    assert "<b>k = 3</b>" in summary.value and "<tr><td>3</td>" not in summary.value
    assert all(part in summary.value for part in expected_summary_parts(segment.RFM_FEATURES, 3, True))
    variables.value = ("frequency", "avg_amount")
    log.value = False
    assert "<b>k = 3</b> on frequency, avg_amount;" in summary.value
    assert all(part in summary.value for part in expected_summary_parts(["frequency", "avg_amount"], 3, False))
    variables.value = ()
    assert summary.value == "Choose at least one variable."


# -- chapter 9: checks of a BG/NBD fit and the gains chart ---------------------------------------

@pytest.fixture(scope="module")
def bgnbd_fit():
    from crmlib.btyd import btyd_summary
    from crmlib.datasets import load_cdnow_sample
    from crmlib.models import BetaGeo

    summary = btyd_summary(load_cdnow_sample(), "1997-09-30", "1998-06-30", returns="keep")
    return BetaGeo().fit(summary), summary


def test_period_transactions_draws_actual_and_model_bars_per_count(bgnbd_fit):
    from crmlib.models import purchase_count_table

    model, summary = bgnbd_fit
    table = purchase_count_table(model, summary)
    ax = plots.period_transactions(table)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights[:8] == table["actual"].tolist() and heights[8:] == pytest.approx(table["expected"].tolist())
    assert [t.get_text() for t in ax.get_xticklabels()] == table.index.tolist()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["actual", "BG/NBD"]


def test_tracking_plot_draws_weekly_or_cumulative_purchases_and_marks_the_holdout(bgnbd_fit):
    from crmlib.datasets import load_cdnow_sample
    from crmlib.models import tracking_table

    model, _ = bgnbd_fit
    table = tracking_table(load_cdnow_sample(), model, "1997-09-30", "1998-06-30", returns="keep")
    weekly = plots.tracking_plot(table)
    assert weekly.lines[0].get_ydata().tolist() == table["actual"].tolist()
    assert weekly.get_xlabel() == "week" and weekly.get_ylabel() == "repeat purchases in the week"
    assert weekly.lines[2].get_xdata()[0] == 39  # the holdout line
    cumulative = plots.tracking_plot(table, cumulative=True)
    assert cumulative.lines[0].get_ydata()[-1] == 4339
    assert cumulative.texts[0].get_text() == "holdout"


def test_conditional_expectation_plot_and_p_alive_matrix_draw(bgnbd_fit):
    from crmlib.models import conditional_expectation_table, p_alive_grid

    model, summary = bgnbd_fit
    table = conditional_expectation_table(model, summary)
    ax = plots.conditional_expectation_plot(table)
    assert ax.lines[1].get_ydata().tolist() == pytest.approx(table["expected"].tolist())
    fig, ax = plt.subplots()
    grid = p_alive_grid(model, T=38.86)
    assert plots.p_alive_matrix(grid, ax=ax) is ax
    assert ax.images[0].get_array().shape == (14, 40)
    assert ax.get_title() == "P(alive) of a customer aged T = 38.86"


def test_gains_chart_draws_one_line_per_ranking_from_the_origin_and_the_random_diagonal():
    from crmlib.response import gains_table

    outcome = [5, 0, 3, 0, 0, 1, 0, 0, 2, 0]
    table = gains_table(list(range(10, 0, -1)), outcome, groups=5)
    ax = plots.gains_chart(table)
    assert ax.lines[0].get_xdata().tolist() == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert ax.lines[0].get_ydata().tolist() == pytest.approx([0.0, 5 / 11, 8 / 11, 9 / 11, 9 / 11, 1.0])
    assert [line.get_label() for line in ax.lines] == ["ranking", "random order"]


def test_chapter_9_plots_name_what_they_need():
    with pytest.raises(DataError, match=r"'expected' is missing from the tracking table .*: pass the output of crmlib"):
        plots.tracking_plot(pd.DataFrame({"actual": [1, 2]}))
    with pytest.raises(DataError, match=r"'gain' is missing from the gains table 'TM' .*crmlib.response.gains_table"):
        plots.gains_chart({"TM": pd.DataFrame({"customer_share": [1.0]})})
    with pytest.raises(DataError, match=r"pass the output of crmlib.models.p_alive_grid\(\)"):
        plots.p_alive_matrix(pd.DataFrame([[0.5]]))
