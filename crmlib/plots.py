"""The course's figures. Each function draws on ``ax`` (a new figure when ``ax`` is None) and returns the Axes.

Plot text is in English (Chinese terms are in the chapters' text: not every machine has a font
with Chinese glyphs).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlib.errors import DataError

PYRAMID_COLOURS = {"diamond": "#7fb3d5", "gold": "#f4d03f", "brass": "#c8a165", "lead": "#7f8c8d"}
STATUS_COLOURS = {"safe": "#27ae60", "watch": "#f1c40f", "at risk": "#e67e22", "high risk": "#c0392b"}


def _axes(ax, figsize=(6, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def customer_pyramid(tiers: pd.DataFrame, ax=None):
    """The customer pyramid: one band per tier, widest (lead) at the bottom, labelled with counts.

    ``tiers`` is the output of :func:`crmlib.value.value_tiers` (needs ``pyramid`` and ``value``).

    >>> from crmlib.value import value_tiers
    >>> ax = customer_pyramid(value_tiers(pd.Series(range(1000, 0, -1), dtype=float)))
    >>> ax.texts[0].get_text()
    'lead: 800 customers, 64% of value'
    """
    if "pyramid" not in tiers.columns:
        raise DataError("column 'pyramid' is missing: pass the output of crmlib.value.value_tiers() with four tiers")
    ax = _axes(ax)
    summary = tiers.groupby("pyramid", observed=False)["value"].agg(["size", "sum"])
    total_value = summary["sum"].sum()
    levels = list(summary.index)[::-1]  # lead at the bottom
    for level_number, level in enumerate(levels):
        half_bottom = 1.0 - level_number / len(levels)
        half_top = 1.0 - (level_number + 1) / len(levels)
        xs = [-half_bottom, half_bottom, half_top, -half_top]
        ys = [level_number, level_number, level_number + 1, level_number + 1]
        ax.fill(xs, ys, color=PYRAMID_COLOURS.get(level, "#cccccc"), edgecolor="white", linewidth=2)
        size, value = summary.loc[level, "size"], summary.loc[level, "sum"]
        share = value / total_value if total_value else 0
        # the label stands beside the band, where even the narrow top band leaves room for it
        ax.text(half_bottom * 0.5 + 0.58, level_number + 0.5, f"{level}: {size:,} customers, {share:.0%} of value",
                ha="left", va="center", fontsize=9)
    ax.set_xlim(-1.05, 2.6)
    ax.set_ylim(0, len(levels))
    ax.axis("off")
    ax.set_title("The customer pyramid")
    return ax


def pareto_curve(table: pd.DataFrame, ax=None, mark: float = 0.2):
    """Cumulative share of value against cumulative share of customers (the 20/80 curve).

    ``table`` is the output of :func:`crmlib.value.pareto_table`; the top ``mark`` share of
    customers is marked with its share of value.

    >>> from crmlib.value import pareto_table
    >>> ax = pareto_curve(pareto_table(pd.Series([80.0, 5, 5, 5, 5])))
    >>> ax.texts[0].get_text()
    'top 20% of customers: 80% of value'
    """
    for column in ("customer_share", "value_share"):
        if column not in table.columns:
            raise DataError(f"column {column!r} is missing: pass the output of crmlib.value.pareto_table()")
    ax = _axes(ax)
    x = np.concatenate([[0], table["customer_share"].to_numpy()])
    y = np.concatenate([[0], table["value_share"].to_numpy()])
    ax.plot(x, y, label="customers ranked by value")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="every customer equal")
    k = max(1, int(round(mark * len(table))))
    share = table["value_share"].iloc[k - 1]
    ax.plot([mark, mark, 0], [0, share, share], color="C3", linestyle=":")
    ax.annotate(f"top {mark:.0%} of customers: {share:.0%} of value", (mark, share),
                xytext=(mark + 0.05, share - 0.15), arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("share of customers")
    ax.set_ylabel("share of value")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    ax.set_title("Pareto curve (20/80 rule)")
    return ax


def rfm_heatmap(scores: pd.DataFrame, value: str | None = None, ax=None, cmap="viridis"):
    """Heatmap of R score (rows) by F score (columns): the number of customers, or the mean of ``value``.

    ``scores`` is the output of :func:`crmlib.rfm.rfm_scores` (extra columns, such as a response
    flag, may be added). The numbers are written in the cells.

    >>> scores = pd.DataFrame({"R": [5, 5, 1], "F": [5, 5, 1], "M": [3, 2, 1]})
    >>> sorted(t.get_text() for t in rfm_heatmap(scores).texts)
    ['1', '2']
    """
    for column in ("R", "F"):
        if column not in scores.columns:
            raise DataError(f"column {column!r} is missing: pass the output of crmlib.rfm.rfm_scores()")
    ax = _axes(ax, figsize=(5.5, 4.5))
    if value is None:
        grid = scores.pivot_table(index="R", columns="F", values=scores.columns[0], aggfunc="size")
        label = "customers"
    else:
        if value not in scores.columns:
            raise DataError(f"column {value!r} is missing from the scores")
        grid = scores.pivot_table(index="R", columns="F", values=value, aggfunc="mean")
        label = f"mean {value}"
    grid = grid.sort_index(ascending=False)
    image = ax.imshow(grid.to_numpy(dtype=float), cmap=cmap, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xlabel("F score (5 = most purchases)")
    ax.set_ylabel("R score (5 = most recent)")
    for (i, j), number in np.ndenumerate(grid.to_numpy(dtype=float)):
        if np.isfinite(number):
            text = f"{number:.0f}" if value is None else f"{number:.2g}"
            ax.text(j, i, text, ha="center", va="center", color="white", fontsize=8)
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_title(f"RFM cells: {label}")
    return ax


def ltv_curves(tables: dict[str, pd.DataFrame] | pd.DataFrame, ax=None):
    """Average LTV by year for one or more cohort tables (:func:`crmlib.clv.cohort_ltv_table`).

    Each line ends with its final LTV; labels that would overlap are moved apart.

    >>> from crmlib import clv, datasets
    >>> ax = ltv_curves(clv.cohort_ltv_table(**datasets.load_cohort_ltv_inputs()))
    >>> ax.texts[-1].get_text()
    '66.08'
    """
    if isinstance(tables, pd.DataFrame):
        tables = {"cohort": tables}
    ax = _axes(ax)
    ends = []
    for label, table in tables.items():
        if "ltv" not in table.index:
            raise DataError(f"table {label!r} has no 'ltv' row: pass the output of crmlib.clv.cohort_ltv_table()")
        ltv = table.loc["ltv"].to_numpy(dtype=float)
        years = np.arange(1, len(ltv) + 1)
        (line,) = ax.plot(years, ltv, marker="o", label=label)
        ends.append((ltv[-1], years[-1], line.get_color()))
    low, high = ax.get_ylim()
    gap = 0.06 * (high - low)
    placed = []
    for value, year, colour in sorted(ends):
        y = max(value, placed[-1] + gap) if placed else value
        placed.append(y)
        ax.annotate(f"{value:.2f}", (year, value), xytext=(year + 0.08, y), va="center", color=colour)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(years)
    ax.set_xlim(years[0] - 0.2, years[-1] + 0.45)  # room for the end labels
    ax.set_xlabel("year")
    ax.set_ylabel("average LTV per acquired customer")
    ax.legend()
    ax.set_title("Lifetime value builds up with retention")
    return ax


def lifecycle_profit_curve(curve: pd.DataFrame, ax=None):
    """The inverted-U customer-profit curve over the four relationship phases (:func:`crmlib.lifecycle.profit_curve`).

    >>> from crmlib.lifecycle import profit_curve
    >>> [t.get_text() for t in lifecycle_profit_curve(profit_curve()).texts]
    ['exploration', 'formation', 'stability', 'decline']
    """
    ax = _axes(ax)
    ax.plot(curve["time"], curve["profit"], color="C0")
    for number, phase in enumerate(pd.unique(curve["phase"])):
        ax.axvspan(number, number + 1, color=f"C{number}", alpha=0.08)
        ax.text(number + 0.5, -0.08, phase, ha="center", va="top", fontsize=9)
    ax.set_ylim(-0.15, 1.1)
    ax.set_xticks([])
    ax.set_ylabel("profit from the customer (peak = 1)")
    ax.set_title("Customer profit over the relationship")
    return ax


def alert_chart(alerts: pd.DataFrame, labels: dict | None = None, ax=None):
    """Average purchase cycle P against days since the last purchase R, coloured by alert status.

    Points above the diagonal R = P are overdue. ``alerts`` is the output of
    :func:`crmlib.churn.purchase_cycle_alerts`; ``labels`` maps customer ids to names to print
    next to their points (e.g. the named firms of the case).

    >>> alerts = pd.DataFrame({"P": [17.4, 45.6], "R": [43, 6], "status": ["high risk", "safe"]},
    ...                       index=["c1", "c2"])
    >>> [t.get_text() for t in alert_chart(alerts, labels={"c1": "Bing"}).texts]
    ['Bing']
    """
    for column in ("P", "R", "status"):
        if column not in alerts.columns:
            raise DataError(f"column {column!r} is missing: pass the output of crmlib.churn.purchase_cycle_alerts()")
    ax = _axes(ax, figsize=(6, 5))
    for status, group in alerts.groupby("status", observed=True):
        ax.scatter(group["P"], group["R"], s=18, color=STATUS_COLOURS.get(status), label=status, alpha=0.8)
    top = float(max(alerts["P"].max(), alerts["R"].max())) * 1.05
    ax.plot([0, top], [0, top], color="grey", linestyle="--", label="R = P (delta = 0)")
    for customer, name in (labels or {}).items():
        if customer in alerts.index:
            ax.annotate(name, (alerts.loc[customer, "P"], alerts.loc[customer, "R"]),
                        textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.set_xlabel("average purchase cycle P = 365 / F (days)")
    ax.set_ylabel("days since last purchase R")
    ax.legend(title="status")
    ax.set_title("Purchase-cycle alerts")
    return ax
