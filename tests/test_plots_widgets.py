"""The figures draw what they say, and the explorers recompute when a control moves."""

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from crmlib import DataError, churn, clv, lifecycle, plots, rfm, value, widgets


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


def test_pyramid_draws_four_bands_labelled_with_counts():
    tiers = value.value_tiers(pd.Series(range(100, 0, -1), dtype=float))
    ax = plots.customer_pyramid(tiers)
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith("lead: 80 customers") and texts[-1].startswith("diamond: 1 customers")
    assert len(ax.patches) == 4


def test_pareto_curve_marks_the_top_20_percent():
    ax = plots.pareto_curve(value.pareto_table(pd.Series([80.0, 5, 5, 5, 5])))
    assert any("top 20% of customers: 80% of value" in t.get_text() for t in ax.texts)


def test_rfm_heatmap_counts_customers_per_r_and_f(scores):
    ax = plots.rfm_heatmap(scores)
    numbers = sum(int(t.get_text()) for t in ax.texts)
    assert numbers == 50
    ax = plots.rfm_heatmap(scores, value="responded")
    assert "mean responded" in ax.get_title()


def test_ltv_curves_end_at_the_ltv_of_the_last_year(cohort_inputs):
    ax = plots.ltv_curves(clv.cohort_ltv_table(**cohort_inputs))
    assert ax.lines[0].get_ydata().tolist() == pytest.approx([-12.0, 23.0, 66.08])
    assert ax.texts[-1].get_text() == "66.08"


def test_lifecycle_curve_and_alert_chart_draw():
    ax = plots.lifecycle_profit_curve(lifecycle.profit_curve())
    assert [t.get_text() for t in ax.texts] == ["exploration", "formation", "stability", "decline"]
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "date": ["2004-01-01", "2004-11-01", "2004-02-01", "2004-03-01"],
                       "amount": 1.0})
    ax = plots.alert_chart(churn.purchase_cycle_alerts(tx, asof="2004-11-27"), labels={"b": "Bing"})
    assert [t.get_text() for t in ax.texts] == ["Bing"]


def test_plots_name_the_missing_column():
    with pytest.raises(DataError, match="column 'pyramid' is missing"):
        plots.customer_pyramid(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(DataError, match="column 'status' is missing"):
        plots.alert_chart(pd.DataFrame({"P": [1.0], "R": [2]}))


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
