"""Interactive explorers for the chapters (ipywidgets). Each returns a widget box to display.

Every explorer recomputes with the same crmlib functions the chapters use; its ``summary``
(an HTML widget, the box's last child but one) shows the numbers and a plot is redrawn below it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from crmlib import clv, plots, rfm, value


def _box(controls: list, summary: widgets.HTML, output: widgets.Output, update) -> widgets.VBox:
    for control in controls:
        control.observe(lambda _change: update(), names="value")
    update()
    return widgets.VBox([*controls, summary, output])


def _redraw(output: widgets.Output, draw) -> None:
    output.clear_output(wait=True)
    with output:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        draw(ax)
        display(fig)
        plt.close(fig)


def ltv_explorer(inputs: dict) -> widgets.VBox:
    """Retention and discount rate -> average LTV by year, on a cohort table's inputs.

    The retention slider sets the year-1 retention rate and moves the later years by the same
    amount (capped at 100 %); the discount slider sets the discount rate.
    ``inputs`` are keyword arguments of :func:`crmlib.clv.cohort_ltv_table`, e.g.
    ``crmlib.datasets.load_cohort_ltv_inputs()``.
    """
    base_retention = list(inputs["retention"])
    retention = widgets.FloatSlider(value=base_retention[0], min=0.05, max=0.95, step=0.05,
                                    description="retention y1", readout_format=".0%")
    discount = widgets.FloatSlider(value=inputs.get("discount_rate", 0.0), min=0.0, max=0.30, step=0.01,
                                   description="discount rate", readout_format=".0%")
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        shift = retention.value - base_retention[0]
        changed = dict(inputs, retention=[min(1.0, max(0.0, r + shift)) for r in base_retention],
                       discount_rate=discount.value)
        table = clv.cohort_ltv_table(**changed)
        ltv = clv.ltv_by_year(table)
        summary.value = "Average LTV: " + ", ".join(f"year {y}: <b>{v:,.2f}</b>" for y, v in ltv.items())
        _redraw(output, lambda ax: plots.ltv_curves({"what-if": table, "as given": clv.cohort_ltv_table(**inputs)}, ax=ax))

    return _box([retention, discount], summary, output, update)


def rfm_bins_explorer(table: pd.DataFrame) -> widgets.VBox:
    """Number of score groups (bins) -> cells, customers per R score and the R x F heatmap.

    ``table`` is the output of :func:`crmlib.rfm.rfm_table`.
    """
    bins = widgets.IntSlider(value=5, min=2, max=9, description="bins")
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        scores = rfm.rfm_scores(table, bins=bins.value)
        counts = scores["R"].value_counts().sort_index()
        used = scores["cell"].nunique()
        summary.value = (
            f"{bins.value} groups per letter: {rfm.cell_count(bins.value):,} possible cells, "
            f"{used:,} with customers. Customers per R score: "
            + ", ".join(f"{score}: {count:,}" for score, count in counts.items())
        )
        _redraw(output, lambda ax: plots.rfm_heatmap(scores, ax=ax))

    return _box([bins], summary, output, update)


def tier_explorer(values: pd.Series) -> widgets.VBox:
    """Tier cut-offs -> customers and share of value in each tier, drawn as the pyramid.

    Three sliders set the shares of customers in the top, high and mid tiers; the rest is low.
    """
    top = widgets.FloatSlider(value=0.01, min=0.01, max=0.10, step=0.01, description="top", readout_format=".0%")
    high = widgets.FloatSlider(value=0.04, min=0.01, max=0.20, step=0.01, description="high", readout_format=".0%")
    mid = widgets.FloatSlider(value=0.15, min=0.05, max=0.40, step=0.01, description="mid", readout_format=".0%")
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        shares = (top.value, high.value, mid.value, round(1 - top.value - high.value - mid.value, 10))
        tiers = value.value_tiers(values, shares=shares)
        by_tier = tiers.groupby("tier", observed=False)["value"].agg(["size", "sum"])
        total = by_tier["sum"].sum()
        summary.value = "<br>".join(
            f"{html.escape(str(tier))}: {int(row['size']):,} customers, {row['sum'] / total:.1%} of value"
            for tier, row in by_tier.iterrows()
        )
        _redraw(output, lambda ax: plots.customer_pyramid(tiers, ax=ax))

    return _box([top, high, mid], summary, output, update)
