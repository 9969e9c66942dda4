"""Interactive explorers for the chapters (ipywidgets). Each returns a widget box to display.

Every explorer recomputes with the same crmlib functions the chapters use; its ``summary``
(an HTML widget, the box's last child but one) shows the numbers and a plot is redrawn below it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.core.interactiveshell import InteractiveShell

from crmlib import clv, plots, profitability, response, rfm, segment, uplift, value
from crmlib.plots import plot_text as _t


def _box(controls: list, summary: widgets.HTML, output: widgets.Output, update) -> widgets.VBox:
    for control in controls:
        control.observe(lambda _change: update(), names="value")
    update()
    return widgets.VBox([*controls, summary, output])


def _redraw(output: widgets.Output, draw, figsize=(6, 3.5)) -> None:
    """Draw a new figure with ``draw(ax)`` and make it the only content of ``output``.

    The figure is put into the widget's ``outputs`` in one state update, not shown with
    ``with output: display(fig)``: for a display captured by an Output widget, the notebook
    runner that executes the chapters for the tests and the website sends a state message back
    on the kernel's shell channel while it waits for the cell's reply, and now and then that reply is then only seen
    when the cell's timeout runs out (a cell of 0.5 s took 120 s). A running notebook shows the
    same either way.
    """
    fig, ax = plt.subplots(figsize=figsize)
    try:
        draw(ax)
        data, metadata = InteractiveShell.instance().display_formatter.format(fig)
    finally:
        plt.close(fig)
    output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)


def ltv_explorer(inputs: dict) -> widgets.VBox:
    """Retention and discount rate -> average LTV by year, on a cohort table's inputs.

    The retention slider sets the year-1 retention rate and moves the later years by the same
    amount (capped at 100 %); the discount slider sets the discount rate.
    ``inputs`` are keyword arguments of :func:`crmlib.clv.cohort_ltv_table`, e.g.
    ``crmlib.datasets.load_cohort_ltv_inputs()``.
    """
    base_retention = list(inputs["retention"])
    retention = widgets.FloatSlider(value=base_retention[0], min=0.05, max=0.95, step=0.05,
                                    description=_t("widget.retention_y1"), readout_format=".0%")
    discount = widgets.FloatSlider(value=inputs.get("discount_rate", 0.0), min=0.0, max=0.30, step=0.01,
                                   description=_t("widget.discount_rate"), readout_format=".0%")
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        shift = retention.value - base_retention[0]
        changed = dict(inputs, retention=[min(1.0, max(0.0, r + shift)) for r in base_retention],
                       discount_rate=discount.value)
        table = clv.cohort_ltv_table(**changed)
        ltv = clv.ltv_by_year(table)
        years = _t("widget.sep").join(_t("widget.ltv_year", year=y, value=v) for y, v in ltv.items())
        summary.value = _t("widget.average_ltv", years=years)
        given = clv.cohort_ltv_table(**inputs)
        _redraw(output, lambda ax: plots.ltv_curves({_t("widget.what_if"): table, _t("widget.as_given"): given},
                                                      ax=ax))

    return _box([retention, discount], summary, output, update)


def rfm_bins_explorer(table: pd.DataFrame) -> widgets.VBox:
    """Number of score groups (bins) -> cells, customers per R score and the R x F heatmap.

    ``table`` is the output of :func:`crmlib.rfm.rfm_table`.
    """
    bins = widgets.IntSlider(value=5, min=2, max=9, description=_t("widget.bins"))
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        scores = rfm.rfm_scores(table, bins=bins.value)
        counts = scores["R"].value_counts().sort_index()
        used = scores["cell"].nunique()
        per_score = _t("widget.sep").join(f"{score}: {count:,}" for score, count in counts.items())
        summary.value = _t("widget.rfm_summary", bins=bins.value, cells=rfm.cell_count(bins.value), used=used,
                           counts=per_score)
        _redraw(output, lambda ax: plots.rfm_heatmap(scores, ax=ax))

    return _box([bins], summary, output, update)


def tier_explorer(values: pd.Series) -> widgets.VBox:
    """Tier cut-offs -> customers and share of value in each size tier, drawn as bands.

    Three sliders set the shares of customers in the top, high and mid tiers; the rest is low
    (:func:`crmlib.value.value_tiers`). These are size tiers, not the profitability pyramid.
    """
    top = widgets.FloatSlider(value=0.01, min=0.01, max=0.10, step=0.01, description=_t("word.top"),
                              readout_format=".0%")
    high = widgets.FloatSlider(value=0.04, min=0.01, max=0.20, step=0.01, description=_t("word.high"),
                               readout_format=".0%")
    mid = widgets.FloatSlider(value=0.15, min=0.05, max=0.40, step=0.01, description=_t("word.mid"),
                              readout_format=".0%")
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        shares = (top.value, high.value, mid.value, round(1 - top.value - high.value - mid.value, 10))
        tiers = value.value_tiers(values, shares=shares)
        by_tier = tiers.groupby("tier", observed=False)["value"].agg(["size", "sum"])
        total = by_tier["sum"].sum()
        summary.value = "<br>".join(
            _t("widget.tier_line", tier=html.escape(str(plots._word(tier))), size=int(row["size"]),
               share=row["sum"] / total)
            for tier, row in by_tier.iterrows()
        )
        _redraw(output, lambda ax: plots.customer_pyramid(tiers, ax=ax))

    return _box([top, high, mid], summary, output, update)


SEGMENT_COLUMNS = ("recency_days", "frequency", "monetary", "avg_amount")
"""The RFM table's columns the segment explorer offers as clustering variables."""


def segment_explorer(table: pd.DataFrame, reachable: pd.Series | None = None, value: pd.Series | None = None,
                     columns=SEGMENT_COLUMNS, k: int = 4, seed: int = 0) -> widgets.VBox:
    """k, the clustering variables and the log -> K-means segments, their profiles and the evaluation rules.

    A slider sets k (2 to 8), a list chooses the variables among ``columns`` (Ctrl/Cmd-click for
    several), a box turns log(1 + x) on or off. Each change reruns :func:`crmlib.segment.rfm_features`,
    :func:`~crmlib.segment.kmeans_segments` (with ``seed``) and
    :func:`~crmlib.segment.evaluate_segments`; the summary shows the mean silhouette and, per
    segment, its size, mean recency, frequency and spend (:func:`~crmlib.segment.segment_profiles`)
    and whether it passes the rules, and the plot shows recency against spend
    (:func:`crmlib.plots.segment_scatter`).

    ``table`` is the output of :func:`crmlib.rfm.rfm_table`; ``reachable`` (bool) and ``value``
    (a contribution per customer), indexed like it, feed the *reachable* and *profitable* rules.
    """
    k_slider = widgets.IntSlider(value=k, min=2, max=8, description="k")
    chosen = widgets.SelectMultiple(options=list(columns), value=tuple(segment.RFM_FEATURES), rows=len(columns),
                                    description=_t("widget.variables"))
    log = widgets.Checkbox(value=True, description=_t("widget.log_first"))
    summary = widgets.HTML()
    output = widgets.Output()
    profile_columns = ["recency_days", "frequency", "monetary"]

    def update():
        if not chosen.value:
            summary.value = _t("widget.choose_variable")
            output.outputs = ()
            return
        features = segment.rfm_features(table, log=log.value, columns=chosen.value)
        found = segment.kmeans_segments(features, k=k_slider.value, seed=seed)
        report = segment.evaluate_segments(features, found, value=value, reachable=reachable)
        profile = segment.segment_profiles(table[profile_columns], found)
        rows = "".join(
            f"<tr><td>{number}</td><td>{int(row['size']):,}</td><td>{row['recency_days']:.0f}</td>"
            f"<td>{row['frequency']:.1f}</td><td>{row['monetary']:,.0f}</td>"
            f"<td>{_t('widget.yes') if report.loc[number, 'passes'] else _t('widget.no')}</td></tr>"
            for number, row in profile.iterrows()
        )
        head = _t("widget.segment_head", k=k_slider.value, columns=html.escape(", ".join(chosen.value)),
                  log=_t("widget.log_note") if log.value else "", silhouette=report["silhouette"].mean())
        summary.value = f"{head}<table>{_t('widget.segment_columns')}{rows}</table>"
        _redraw(output, lambda ax: plots.segment_scatter(
            table, found, "recency_days", "monetary", ax=ax, logy=True,
            title=_t("widget.kmeans_title", log=_t("widget.log_prefix") if log.value else "",
                     columns=", ".join(chosen.value), k=k_slider.value)),
            figsize=(6.5, 4))

    return _box([k_slider, chosen, log], summary, output, update)


def mailing_depth_explorer(scores, outcome, cost_per_contact: float = 6.0,
                           margin_per_response: float = 30.0) -> widgets.VBox:
    """Cost per contact and margin per response -> the profit curve and best mailing depth of each ranking.

    ``scores`` is one score per customer (a Series) or a dict of them by name; ``outcome`` is who
    responded (or a probability, for the expected profit), indexed like the scores. Two sliders
    set the cost of a contact and the margin of a response; each change reruns
    :func:`crmlib.response.best_mailing_depth` for every ranking, shows the best depth, its
    response rate and profit beside the profit of mailing everyone and the break-even rate
    cost / margin, and redraws :func:`crmlib.plots.profit_curve_chart`.
    """
    scores = scores if isinstance(scores, dict) else {_t("widget.score"): scores}
    cost = widgets.FloatSlider(value=cost_per_contact, min=0.5, max=20.0, step=0.5,
                               description=_t("widget.cost_contact"))
    margin = widgets.FloatSlider(value=margin_per_response, min=5.0, max=100.0, step=5.0,
                                 description=_t("widget.margin_response"))
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        curves, rows = {}, ""
        for name, score in scores.items():
            curves[name] = response.profit_curve(score, outcome, cost.value, margin.value)
            best = response.best_mailing_depth(score, outcome, cost.value, margin.value)
            rows += (f"<tr><td>{html.escape(str(name))}</td><td>{int(best['contacted']):,} "
                     f"({best['customer_share']:.0%})</td><td>{best['response_rate']:.1%}</td>"
                     f"<td>{best['profit']:,.0f}</td><td>{curves[name]['profit'].iloc[-1]:,.0f}</td></tr>")
        summary.value = (_t("widget.break_even", rate=cost.value / margin.value)
                         + f"<table>{_t('widget.mailing_columns')}{rows}</table>")
        _redraw(output, lambda ax: plots.profit_curve_chart(curves, ax=ax), figsize=(6.5, 4))

    return _box([cost, margin], summary, output, update)


def whale_explorer(transactions: pd.DataFrame, margin: float = 0.30, order_cost: float = 6.0,
                   customer_cost: float = 5.0, customer: str = "customer_id", date: str = "date",
                   amount: str = "amount", returns: str = "error") -> widgets.VBox:
    """Gross margin, cost per order and cost per customer -> profit per customer and the whale curve.

    Each change reruns :func:`crmlib.profitability.customer_profit` and
    :func:`~crmlib.profitability.whale_summary` on ``transactions`` and redraws
    :func:`crmlib.plots.whale_chart`. ``customer``, ``date``, ``amount`` and ``returns`` are passed
    on to ``customer_profit``.
    """
    margin_slider = widgets.FloatSlider(value=margin, min=0.05, max=0.60, step=0.01, description=_t("widget.margin"),
                                        readout_format=".0%")
    order_slider = widgets.FloatSlider(value=order_cost, min=0.0, max=15.0, step=0.5,
                                       description=_t("widget.per_order"))
    customer_slider = widgets.FloatSlider(value=customer_cost, min=0.0, max=20.0, step=0.5,
                                          description=_t("widget.per_customer"))
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        table = profitability.customer_profit(transactions, margin_slider.value, order_slider.value,
                                              customer_slider.value, customer, date, amount, returns)
        total = table["profit"].sum()
        if total <= 0:
            summary.value = _t("widget.whale_loss", total=total)
            output.outputs = ()
            return
        key = profitability.whale_summary(table)
        summary.value = _t("widget.whale_summary", total=total, profitable=key["profitable_share"],
                           peak=key["peak_profit_share"], unprofitable=key["unprofitable_share"],
                           destroyed=key["profit_destroyed"], top=key["top_profit_share"])
        _redraw(output, lambda ax: plots.whale_chart(profitability.whale_curve(table), ax=ax))

    return _box([margin_slider, order_slider, customer_slider], summary, output, update)


def retention_clv_explorer(margin: float = 100.0, retention: float = 0.80, discount_rate: float = 0.10
                           ) -> widgets.VBox:
    """Margin, retention and discount rate -> retention-based CLV, m r / (1 + d - r).

    The summary shows the CLV in both timing conventions of :func:`crmlib.clv.retention_clv`
    and the margin multiple r / (1 + d - r); the plot shows the CLV against retention from 0 to
    0.95 at the chosen margin and discount rate, with the chosen retention marked.
    """
    margin_slider = widgets.FloatSlider(value=margin, min=10.0, max=300.0, step=10.0,
                                        description=_t("widget.margin_amount"))
    retention_slider = widgets.FloatSlider(value=retention, min=0.0, max=0.95, step=0.01,
                                           description=_t("widget.retention"), readout_format=".0%")
    discount_slider = widgets.FloatSlider(value=discount_rate, min=0.0, max=0.30, step=0.01,
                                          description=_t("widget.discount_rate"), readout_format=".0%")
    summary = widgets.HTML()
    output = widgets.Output()
    grid = [i / 100 for i in range(96)]

    def update():
        m, r, d = margin_slider.value, retention_slider.value, discount_slider.value
        end = clv.retention_clv(m, r, d)
        start = clv.retention_clv(m, r, d, timing="start")
        summary.value = _t("widget.clv_summary", end=end, multiple=end / m, start=start)

        def draw(ax):
            ax.plot(grid, clv.retention_clv(m, grid, d), label="m r / (1 + d - r)")
            ax.plot([r], [end], "o", color="C3")
            ax.set_xlabel(_t("widget.clv_x"))
            ax.set_ylabel(_t("widget.clv_y"))
            ax.set_title(_t("widget.clv_title", m=m, d=d))
            ax.legend(loc="upper left")

        _redraw(output, draw)

    return _box([margin_slider, retention_slider, discount_slider], summary, output, update)


def targeting_explorer(rankings: dict, true_uplift: pd.Series, monthly_margin: pd.Series, cost: float = 30.0,
                       months: int = 12) -> widgets.VBox:
    """Offer cost and the value of a saved customer -> whom to send the retention offer, by each ranking.

    ``rankings`` maps a name to a score per customer (the estimated uplift, the churn risk, ...);
    ``true_uplift`` and ``monthly_margin`` are indexed like them. A saved customer is worth
    ``months`` x monthly margin; an offer costs ``cost``. Each change reruns
    :func:`crmlib.uplift.targeting_table` for every ranking: the summary gives the best number
    of offers and its expected incremental profit, beside sending the offer to everyone, and
    :func:`crmlib.plots.targeting_profit_plot` draws the curves.
    """
    cost_slider = widgets.FloatSlider(value=cost, min=0.0, max=100.0, step=5.0, description=_t("widget.offer_cost"),
                                      readout_format=".0f")
    months_slider = widgets.IntSlider(value=months, min=3, max=36, step=3, description=_t("widget.months_kept"))
    summary = widgets.HTML()
    output = widgets.Output()

    def update():
        worth = months_slider.value * monthly_margin
        tables = {name: uplift.targeting_table(score, true_uplift, worth, cost_slider.value)
                  for name, score in rankings.items()}
        best = {name: (table["incremental_profit"].idxmax() if table["incremental_profit"].max() > 0 else 0)
                for name, table in tables.items()}  # no offer at all when none pays
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{best[name]:,}</td>"
            f"<td>{max(table['incremental_profit'].max(), 0.0):,.0f}</td></tr>"
            for name, table in tables.items()
        )
        everyone = next(iter(tables.values()))["incremental_profit"].iloc[-1]
        summary.value = (_t("widget.targeting_summary", months=months_slider.value, cost=cost_slider.value,
                            n=len(true_uplift), everyone=everyone)
                         + f"<table>{_t('widget.targeting_columns')}{rows}</table>")
        _redraw(output, lambda ax: plots.targeting_profit_plot(tables, ax=ax), figsize=(6.5, 4))

    return _box([cost_slider, months_slider], summary, output, update)
