"""The course's figures. Each function draws on ``ax`` (a new figure when ``ax`` is None) and returns the Axes.

Plot text is in English (Chinese terms are in the chapters' text: not every machine has a font
with Chinese glyphs).
"""

from __future__ import annotations

import math

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from crmlib.contract import DataError, require_columns

PYRAMID_COLOURS = {"diamond": "#7fb3d5", "gold": "#f4d03f", "brass": "#c8a165", "lead": "#7f8c8d"}
STATUS_COLOURS = {"safe": "#27ae60", "watch": "#f1c40f", "at risk": "#e67e22", "high risk": "#c0392b"}


def _axes(ax, figsize=(6, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def customer_pyramid(levels: pd.DataFrame, ax=None, title: str | None = None):
    """Customers in bands, one per level, the last level widest at the bottom, labelled with counts.

    ``levels`` is the output of :func:`crmlib.value.profitability_pyramid` (a ``pyramid`` column:
    the customer pyramid by profitability, lead at the bottom) or of
    :func:`crmlib.value.value_tiers` (a ``tier`` column: size tiers such as top / high / mid /
    low). Each band says how many customers it holds and their share of the total value; in the
    pyramid the lead band's share is negative (the firm loses money on them).

    >>> from crmlib.value import profitability_pyramid, value_tiers
    >>> ax = customer_pyramid(value_tiers(pd.Series(range(1000, 0, -1), dtype=float)))
    >>> ax.texts[0].get_text(), ax.get_title()
    ('low: 800 customers, 64% of value', 'Size tiers (ranked by value)')
    >>> ax = customer_pyramid(profitability_pyramid(pd.Series([90.0, 50, 20, 10, 5, -25])))
    >>> ax.texts[0].get_text()
    'lead: 1 customers, -17% of value'
    """
    column = next((name for name in ("pyramid", "tier") if name in levels), "pyramid")
    require_columns(levels, (column, "value"), "the levels",
                    "pass the output of crmlib.value.profitability_pyramid() or crmlib.value.value_tiers()")
    ax = _axes(ax)
    summary = levels.groupby(column, observed=False)["value"].agg(["size", "sum"])
    total_value = summary["sum"].sum()
    names = list(summary.index)[::-1]  # the last level (lead, low) at the bottom
    shades = plt.get_cmap("Blues")(np.linspace(0.35, 0.85, len(names)))
    for level_number, level in enumerate(names):
        half_bottom = 1.0 - level_number / len(names)
        half_top = 1.0 - (level_number + 1) / len(names)
        xs = [-half_bottom, half_bottom, half_top, -half_top]
        ys = [level_number, level_number, level_number + 1, level_number + 1]
        colour = PYRAMID_COLOURS.get(level, shades[level_number]) if column == "pyramid" else shades[level_number]
        ax.fill(xs, ys, color=colour, edgecolor="white", linewidth=2)
        size, value = summary.loc[level, "size"], summary.loc[level, "sum"]
        share = value / total_value if total_value else 0
        # the label stands beside the band, where even the narrow top band leaves room for it
        ax.text(half_bottom * 0.5 + 0.58, level_number + 0.5, f"{level}: {size:,} customers, {share:.0%} of value",
                ha="left", va="center", fontsize=9)
    ax.set_xlim(-1.05, 2.6)
    ax.set_ylim(0, len(names))
    ax.axis("off")
    if title is None:
        title = "The customer pyramid (by profitability)" if column == "pyramid" else "Size tiers (ranked by value)"
    ax.set_title(title)
    return ax


def pareto_curve(table: pd.DataFrame, ax=None, mark: float = 0.2):
    """Cumulative share of value against cumulative share of customers (the 20/80 curve).

    ``table`` is the output of :func:`crmlib.value.pareto_table`; the top ``mark`` share of
    customers is marked with its share of value.

    >>> from crmlib.value import pareto_table
    >>> ax = pareto_curve(pareto_table(pd.Series([80.0, 5, 5, 5, 5])))
    >>> ax.texts[0].get_text()
    'top 20% of customers:\\n80% of value'
    """
    require_columns(table, ("customer_share", "value_share"), "the table",
                    "pass the output of crmlib.value.pareto_table()")
    ax = _axes(ax)
    x = np.concatenate([[0], table["customer_share"].to_numpy()])
    y = np.concatenate([[0], table["value_share"].to_numpy()])
    ax.plot(x, y, label="customers ranked by value")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="every customer equal")
    k = max(1, int(round(mark * len(table))))
    share = table["value_share"].iloc[k - 1]
    right_of = max(mark, table["customer_share"].iloc[k - 1])  # the curve reaches `share` here
    ax.plot([mark, mark, 0], [0, share, share], color="C3", linestyle=":")
    # Below-right of the marked point: the curve only rises to the right of it, so text that starts
    # right of that point and ends below y = share cannot touch the curve. Two short lines also keep
    # clear of the diagonal; near the floor the text sits on it instead.
    top = share - 0.08
    below = top - 0.16 >= 0.02
    ax.annotate(f"top {mark:.0%} of customers:\n{share:.0%} of value", (mark, share),
                xytext=(right_of + 0.06, top if below else 0.03), ha="left", va="top" if below else "bottom",
                fontsize=9, arrowprops={"arrowstyle": "->", "color": "0.3"},
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_xlabel("share of customers")
    ax.set_ylabel("share of value")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    # the legend goes to the lower right unless the text is down there: then the curve is close to
    # the diagonal and leaves the upper left free
    ax.legend(loc="lower right" if below and top - 0.16 >= 0.22 else "upper left")
    ax.set_title("Pareto curve (20/80 rule)")
    return ax


def _plain_number(number: float, digits: int = 2) -> str:
    """``number`` to ``digits`` significant digits in plain notation (750, 0.0087, -40; never 7.5e+02)."""
    if not np.isfinite(number):
        return ""
    rounded = float(f"{number:.{digits}g}")
    if rounded == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(rounded))))
    text = f"{rounded:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell_text(number: float, fmt) -> str:
    """A cell's number as text: ``fmt`` is a format spec (".0%", "+.0f"), a "{...}" template or a callable."""
    if callable(fmt):
        return fmt(number)
    return fmt.format(number) if "{" in fmt else format(number, fmt)


def _text_colour(rgba) -> str:
    """Black or white, whichever contrasts more with the background colour ``rgba`` (WCAG luminance)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): equal at L = 0.179
    return "black" if luminance > 0.179 else "white"


def _colour_norm(values: np.ndarray, vmin, vmax, center):
    """Colour scale limits; with ``center``, symmetric around it unless both limits are given."""
    if center is None:
        return mcolors.Normalize(vmin=vmin, vmax=vmax)
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else center - 1.0
    high = float(finite.max()) if finite.size else center + 1.0
    if vmin is None and vmax is None:
        half = max(abs(low - center), abs(high - center)) or 1.0
        vmin, vmax = center - half, center + half
    elif vmin is None:
        vmin = min(low, 2 * center - vmax)
    elif vmax is None:
        vmax = max(high, 2 * center - vmin)
    if vmin < center < vmax:
        return mcolors.TwoSlopeNorm(vcenter=center, vmin=vmin, vmax=vmax)
    return mcolors.Normalize(vmin=vmin, vmax=vmax)


def rfm_heatmap(scores: pd.DataFrame, value: str | None = None, ax=None, cmap=None, *,
                label: str | None = None, title: str | None = None, vmin: float | None = None,
                vmax: float | None = None, center: float | None = None, fmt=None):
    """Heatmap of R score (rows) by F score (columns): the number of customers, or the mean of ``value``.

    ``scores`` is the output of :func:`crmlib.rfm.rfm_scores` (extra columns, such as a response
    flag, may be added). The numbers are written in the cells, in black on light colours and in
    white on dark ones.

    Parameters
    ----------
    value : str, optional
        A column to average per square (a 0/1 response gives the response rate); without it, the
        squares count customers.
    cmap : str or Colormap, optional
        ``"viridis"`` by default; ``"RdBu"`` (red below ``center``, blue above) with ``center``.
    label : str, optional
        The colour bar's label (and the default title): "customers" or "mean <value>".
    title : str, optional
        The title; "RFM cells: <label>" by default.
    vmin, vmax : float, optional
        The ends of the colour scale (from the data by default).
    center : float, optional
        A value in the middle of a diverging colour scale, e.g. ``center=0`` for break-even
        indices: losing squares red, paying squares blue, as strong as they are far from 0.
    fmt : str or callable, optional
        How numbers are written: a format spec such as ``".0%"`` or ``"+.0f"``, a ``"{...}"``
        template, or a function. By default whole numbers for counts and two significant digits
        in plain notation otherwise (750, 0.13, 0.0087).

    >>> scores = pd.DataFrame({"R": [5, 5, 1], "F": [5, 5, 1], "M": [3, 2, 1]})
    >>> sorted(t.get_text() for t in rfm_heatmap(scores).texts)
    ['1', '2']
    >>> scores["index"] = [740.0, 760.0, -40.0]  # e.g. break-even indices
    >>> ax = rfm_heatmap(scores, value="index", center=0, label="break-even index")
    >>> [(t.get_text(), t.get_color()) for t in ax.texts]  # white on dark blue, black on near-white
    [('750', 'white'), ('-40', 'black')]
    """
    require_columns(scores, ("R", "F"), "the scores", "pass the output of crmlib.rfm.rfm_scores()")
    ax = _axes(ax, figsize=(5.5, 4.5))
    if value is None:
        grid = scores.pivot_table(index="R", columns="F", values=scores.columns[0], aggfunc="size")
        label = "customers" if label is None else label
        fmt = ",.0f" if fmt is None else fmt
    else:
        require_columns(scores, [value], "the scores", "choose a column of the scores to average")
        grid = scores.pivot_table(index="R", columns="F", values=value, aggfunc="mean")
        label = f"mean {value}" if label is None else label
        fmt = _plain_number if fmt is None else fmt
    grid = grid.sort_index(ascending=False)
    numbers = grid.to_numpy(dtype=float)
    if cmap is None:
        cmap = "RdBu" if center is not None else "viridis"
    image = ax.imshow(numbers, cmap=cmap, norm=_colour_norm(numbers, vmin, vmax, center), aspect="auto")
    image.autoscale_None()
    ax.set_xticks(range(grid.shape[1]), grid.columns)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xlabel("F score (5 = most purchases)")
    ax.set_ylabel("R score (5 = most recent)")
    for (i, j), number in np.ndenumerate(numbers):
        if np.isfinite(number):
            ax.text(j, i, _cell_text(number, fmt), ha="center", va="center", fontsize=8,
                    color=_text_colour(image.cmap(image.norm(number))))
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_title(f"RFM cells: {label}" if title is None else title)
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


def profit_by_tenure_plot(table: pd.DataFrame, ax=None, period_name: str = "period"):
    """Profit per customer in each period of the relationship, one line per lifetime length.

    ``table`` is the output of :func:`crmlib.lifecycle.profit_by_tenure`. If the inverted U held,
    the lines of long-lived customers would rise through the middle periods and fall at the end;
    the lifetime group with a single period is drawn as a point.

    >>> from crmlib.lifecycle import profit_by_tenure
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 20.0, 5.0],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-01-01"])})
    >>> ax = profit_by_tenure_plot(profit_by_tenure(tx, margin=0.5))
    >>> ax.get_legend_handles_labels()[1]
    ['lifetime 0 periods (1 customers)', 'lifetime 1 periods (1 customers)']
    """
    require_columns(table.reset_index(), ("lifetime_periods", "period", "customers", "profit_per_customer"),
                    "the table", "pass the output of crmlib.lifecycle.profit_by_tenure()")
    ax = _axes(ax, figsize=(7, 4.2))
    flat = table.reset_index()
    for number, (lifetime, group) in enumerate(flat.groupby("lifetime_periods")):
        label = f"lifetime {lifetime} {period_name}s ({int(group['customers'].iloc[0]):,} customers)"
        ax.plot(group["period"], group["profit_per_customer"], marker="o", color=f"C{number % 10}", label=label)
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set_xlabel(f"{period_name} of the relationship (0 = the first purchase's)")
    ax.set_ylabel(f"profit per customer in the {period_name}")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8, title="lifetime: first to last purchase", title_fontsize=8)
    ax.set_title("Profit over the relationship, by lifetime")
    return ax


def alert_chart(alerts: pd.DataFrame, labels: dict | None = None, ax=None):
    """Average purchase cycle P against days since the last purchase R, coloured by alert status.

    Points above the diagonal R = P are overdue. ``alerts`` is the output of
    :func:`crmlib.churn.purchase_cycle_alerts` (P is its ``cycle_days``, R its ``recency_days``);
    ``labels`` maps customer ids to names to print next to their points (e.g. the named firms of
    the case).

    >>> alerts = pd.DataFrame({"cycle_days": [17.4, 45.6], "recency_days": [43, 6],
    ...                        "status": ["high risk", "safe"]}, index=["c1", "c2"])
    >>> [t.get_text() for t in alert_chart(alerts, labels={"c1": "Bing"}).texts]
    ['Bing']
    """
    require_columns(alerts, ("cycle_days", "recency_days", "status"), "the alerts",
                    "pass the output of crmlib.churn.purchase_cycle_alerts()")
    ax = _axes(ax, figsize=(6, 5))
    for status, group in alerts.groupby("status", observed=True):
        ax.scatter(group["cycle_days"], group["recency_days"], s=18, color=STATUS_COLOURS.get(status), label=status,
                   alpha=0.8)
    top = float(max(alerts["cycle_days"].max(), alerts["recency_days"].max())) * 1.05
    ax.plot([0, top], [0, top], color="grey", linestyle="--", label="R = P (delta = 0)")
    for customer, name in (labels or {}).items():
        if customer in alerts.index:
            ax.annotate(name, (alerts.loc[customer, "cycle_days"], alerts.loc[customer, "recency_days"]),
                        textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.set_xlabel("average purchase cycle P = 365 / F (days)")
    ax.set_ylabel("days since last purchase R")
    ax.legend(title="status")
    ax.set_title("Purchase-cycle alerts")
    return ax


def elbow_plot(elbow: pd.DataFrame, ax=None, mark: int | None = None):
    """Inertia (left axis) and mean silhouette (right axis) against the number of segments k.

    ``elbow`` is the output of :func:`crmlib.segment.elbow_table` (index k, columns ``inertia``
    and ``silhouette``). Look for the elbow, the k after which inertia stops falling fast, and
    for a high silhouette; ``mark`` draws a line at the k chosen. The right-hand axes is
    ``ax.right_ax`` (as in pandas' ``secondary_y`` plots).

    >>> elbow = pd.DataFrame({"inertia": [90.0, 40.0, 32.0], "silhouette": [0.50, 0.55, 0.41]},
    ...                      index=pd.Index([2, 3, 4], name="k"))
    >>> ax = elbow_plot(elbow, mark=3)
    >>> ax.get_ylabel(), ax.right_ax.get_ylabel()
    ('inertia (sum of squares)', 'mean silhouette')
    """
    require_columns(elbow, ("inertia", "silhouette"), "the elbow table",
                    "pass the output of crmlib.segment.elbow_table()")
    ax = _axes(ax, figsize=(6.5, 3.8))
    right = ax.twinx()
    ks = elbow.index.to_numpy()
    lines = ax.plot(ks, elbow["inertia"], marker="o", color="C0", label="inertia (elbow)")
    lines += right.plot(ks, elbow["silhouette"], marker="s", linestyle="--", color="C2", label="mean silhouette")
    if mark is not None:
        lines.append(ax.axvline(mark, color="grey", linestyle=":", label=f"chosen k = {mark}"))
    ax.set_xticks(ks)
    ax.set_xlabel("k (number of segments)")
    ax.set_ylabel("inertia (sum of squares)", color="C0")
    right.set_ylabel("mean silhouette", color="C2")
    ax.tick_params(axis="y", colors="C0")
    right.tick_params(axis="y", colors="C2")
    right.legend(lines, [line.get_label() for line in lines], loc="upper right", fontsize=9)
    ax.set_title("Choosing k: the elbow and the silhouette")
    ax.right_ax = right
    return ax


#: Axis labels of the RFM table's columns, for scatter plots of segments.
RFM_AXIS_LABELS = {
    "recency_days": "days since last purchase (recency)",
    "frequency": "number of purchases (frequency)",
    "monetary": "total spent (monetary)",
    "avg_amount": "spent per purchase (avg_amount)",
}


def _axis_label(column: str, log: bool) -> str:
    label = RFM_AXIS_LABELS.get(column, str(column))
    if not log:
        return label
    return label[:-1] + ", log scale)" if label.endswith(")") else label + " (log scale)"


def segment_scatter(features: pd.DataFrame, segments, x: str, y: str, labels: dict | None = None, ax=None, *,
                    logx: bool = False, logy: bool = False, title: str | None = None):
    """Each customer as a point of ``x`` against ``y``, one colour per segment, with segment sizes.

    ``features`` holds the two columns, one row per customer (the RFM table reads best, in its
    own units); ``segments`` one segment number per customer, in the same order (the output of
    :func:`crmlib.segment.kmeans_segments`); ``labels`` maps segment numbers to names for the
    legend. ``logx``/``logy`` put an axis on a log scale (money is skewed).

    >>> table = pd.DataFrame({"recency_days": [5, 10, 300], "monetary": [900.0, 800.0, 20.0]})
    >>> ax = segment_scatter(table, pd.Series([0, 0, 1]), "recency_days", "monetary", labels={0: "best"})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['best (2)', 'segment 1 (1)']
    """
    require_columns(features, (x, y), "the features", "choose x and y among them")
    if len(segments) != len(features):
        raise DataError(f"{len(features)} customers but {len(segments)} segment labels")
    segments = np.asarray(segments)
    ax = _axes(ax, figsize=(7, 4.5))
    for number in sorted(pd.unique(segments)):
        members = features[segments == number]
        name = (labels or {}).get(number, f"segment {number}")
        ax.scatter(members[x], members[y], s=8, alpha=0.6, color=f"C{int(number) % 10}",
                   label=f"{name} ({len(members):,})")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(_axis_label(x, logx))
    ax.set_ylabel(_axis_label(y, logy))
    ax.legend(fontsize=8, markerscale=2, title="segment (customers)", title_fontsize=8)
    ax.set_title(f"{len(set(segments.tolist()))} segments" if title is None else title)
    return ax


def repurchase_by_satisfaction_plot(table: pd.DataFrame, ax=None, labels: dict | None = None,
                                    colors=None):
    """Bars of the repurchase rate at each satisfaction score, side by side per group if split.

    ``table`` is the output of :func:`crmlib.satisfaction.repurchase_by_satisfaction`, with or
    without ``by=`` (e.g. ``by="competition"``: one bar per market at each score). ``labels``
    renames the groups in the legend (``{"high": "competitive market"}``); ``colors`` gives one
    colour per group, in order. Each bar is labelled with its rate.

    >>> from crmlib.satisfaction import repurchase_by_satisfaction
    >>> survey = pd.DataFrame({"satisfaction": [4, 4, 5, 5], "repurchased": [True, False, True, True]})
    >>> ax = repurchase_by_satisfaction_plot(repurchase_by_satisfaction(survey))
    >>> [t.get_text() for t in ax.texts]
    ['50%', '100%']
    """
    require_columns(table, ["repurchase_rate"], "the table",
                    "pass the output of crmlib.satisfaction.repurchase_by_satisfaction()")
    rates = table["repurchase_rate"]
    if rates.index.nlevels == 1:
        by_group = {None: rates}
    else:
        by_group = {group: rates.xs(group, level=0) for group in pd.unique(rates.index.get_level_values(0))}
    groups = list(by_group)
    scores = sorted(pd.unique(rates.index.get_level_values(-1)))
    meaning = {}
    if "label" in table.columns:
        meaning = dict(zip(table.index.get_level_values(-1), table["label"], strict=True))
    ax = _axes(ax, figsize=(7.5, 4))
    width = 0.8 / len(groups)
    positions = np.arange(len(scores), dtype=float)
    for number, group in enumerate(groups):
        heights = by_group[group].reindex(scores).to_numpy(dtype=float)
        colour = colors[number] if colors is not None else f"C{number}"
        name = None if group is None else (labels or {}).get(group, str(group))
        bars = ax.bar(positions + (number - (len(groups) - 1) / 2) * width, heights, width * 0.95,
                      color=colour, label=name)
        for bar, height in zip(bars, heights, strict=True):
            if np.isfinite(height):
                ax.text(bar.get_x() + bar.get_width() / 2, height + 0.01, f"{height:.0%}",
                        ha="center", va="bottom", fontsize=8)
    ax.set_xticks(positions, [f"{s}\n{meaning[s]}" if s in meaning else str(s) for s in scores], fontsize=8)
    ax.set_xlabel("satisfaction score")
    ax.set_ylabel("repurchase rate")
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    if groups != [None]:
        title = None if labels else rates.index.names[0]
        ax.legend(title=title, loc="upper left", fontsize=9)
    ax.set_title("Repurchase by satisfaction score")
    return ax


def kano_lines(table: pd.DataFrame, basic=None, ax=None):
    """Repurchase rate against potential expectations met, one line per level of basic expectations.

    ``table`` is the output of :func:`crmlib.satisfaction.repurchase_by_expectations` (rows
    ``basic_met``, columns ``potential_met``); ``basic`` chooses the rows to draw (all by
    default). The Kano reading: each line climbs steeply (potential expectations build loyalty);
    the lines for basics met (4) and exceeded (5) lie together (over-delivering the basics adds
    nothing).

    >>> table = pd.DataFrame({2: [0.1, 0.1], 5: [0.8, 0.7]}, index=pd.Index([4, 5], name="basic_met"))
    >>> [line.get_label() for line in kano_lines(table).lines]
    ['basic expectations met: 4', 'basic expectations met: 5']
    """
    rows = list(table.index) if basic is None else list(basic)
    missing = [row for row in rows if row not in table.index]
    if missing:
        raise DataError(f"row basic_met = {missing[0]!r} is missing: pass the output of "
                        "crmlib.satisfaction.repurchase_by_expectations() (rows basic_met, columns potential_met)")
    ax = _axes(ax, figsize=(7, 4))
    for row in rows:
        ax.plot(table.columns, table.loc[row], marker="o", label=f"basic expectations met: {row}")
    ax.set_xticks(list(table.columns))
    ax.set_xlabel("potential expectations met (1-5)")
    ax.set_ylabel("repurchase rate")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.legend(loc="upper left", fontsize=9)
    ax.set_title("Loyalty follows the potential expectations")
    return ax


# -- chapter 9: checking a BG/NBD fit, and comparing rankings ------------------------------------

ACTUAL_COLOUR, MODEL_COLOUR = "0.3", "tab:orange"


def _model_name(table: pd.DataFrame) -> str:
    return table.attrs.get("model", "model")


def period_transactions(table: pd.DataFrame, ax=None):
    """Customers by number of repeat purchases in the calibration period: actual bars beside the model's.

    ``table`` is the output of :func:`crmlib.models.purchase_count_table`. The first check of a
    BG/NBD fit (Fader, Hardie & Lee 2005, figure 1; lifetimes' ``plot_period_transactions``).

    >>> table = pd.DataFrame({"actual": [1411, 439, 507], "expected": [1407.7, 460.3, 489.0]},
    ...                      index=pd.Index(["0", "1", "2+"], name="repeat purchases"))
    >>> ax = period_transactions(table)
    >>> len(ax.patches), ax.get_ylabel()
    (6, 'customers')
    """
    require_columns(table, ("actual", "expected"), "the table",
             "pass the output of crmlib.models.purchase_count_table()")
    ax = _axes(ax, figsize=(7, 3.5))
    positions = np.arange(len(table))
    ax.bar(positions - 0.2, table["actual"], width=0.4, color=ACTUAL_COLOUR, label="actual")
    ax.bar(positions + 0.2, table["expected"], width=0.4, color=MODEL_COLOUR, label=_model_name(table))
    ax.set_xticks(positions, [str(label) for label in table.index])
    ax.set_xlabel(table.index.name or "repeat purchases")
    ax.set_ylabel("customers")
    ax.legend()
    ax.set_title("Repeat purchases in the calibration period: actual and model")
    return ax


def tracking_plot(table: pd.DataFrame, cumulative: bool = False, ax=None):
    """Repeat purchases period by period (or cumulated), actual against the model, holdout marked.

    ``table`` is the output of :func:`crmlib.models.tracking_table`; a vertical line marks the end
    of the calibration period (``table.attrs["calibration_periods"]``). Fader, Hardie & Lee
    (2005), figure 2 (weekly) and its cumulative form.

    >>> table = pd.DataFrame({"actual": [0, 3, 5, 4], "expected": [0.5, 2.9, 4.2, 4.0]},
    ...                      index=pd.Index([1, 2, 3, 4], name="period"))
    >>> table.attrs.update(calibration_periods=2, freq="W", model="BG/NBD")
    >>> ax = tracking_plot(table, cumulative=True)
    >>> [line.get_label() for line in ax.lines][:2], ax.get_ylabel()
    (['actual', 'BG/NBD'], 'cumulative repeat purchases')
    """
    require_columns(table, ("actual", "expected"), "the tracking table",
             "pass the output of crmlib.models.tracking_table()")
    ax = _axes(ax, figsize=(6, 3.8))
    data = table[["actual", "expected"]].cumsum() if cumulative else table
    ax.plot(data.index, data["actual"], "-", color=ACTUAL_COLOUR, label="actual")
    ax.plot(data.index, data["expected"], "--", color=MODEL_COLOUR, label=_model_name(table))
    unit = {"W": "week", "D": "day"}.get(table.attrs.get("freq"), "period")
    end = table.attrs.get("calibration_periods")
    if end is not None:
        ax.axvline(end, color="0.6", lw=1)
        ax.annotate("holdout", (end, 1), xycoords=("data", "axes fraction"), xytext=(4, -14),
                    textcoords="offset points", color="0.4")
    ax.set_xlabel(unit)
    ax.set_ylabel("cumulative repeat purchases" if cumulative else f"repeat purchases in the {unit}")
    ax.legend(loc="lower right" if cumulative else "upper right")
    return ax


def conditional_expectation_plot(table: pd.DataFrame, ax=None):
    """Mean holdout purchases by number of calibration purchases: actual against the model's forecast.

    ``table`` is the output of :func:`crmlib.models.conditional_expectation_table` (Fader, Hardie
    & Lee 2005, figure 3; lifetimes' ``plot_calibration_purchases_vs_holdout_purchases``).

    >>> table = pd.DataFrame({"customers": [10, 5, 2], "actual": [0.2, 0.7, 1.5],
    ...                       "expected": [0.22, 0.52, 1.3]},
    ...                      index=pd.Index(["0", "1", "2+"], name="repeat purchases"))
    >>> ax = conditional_expectation_plot(table)
    >>> ax.get_xlabel()
    'repeat purchases in the calibration period'
    """
    require_columns(table, ("actual", "expected"), "the table",
             "pass the output of crmlib.models.conditional_expectation_table()")
    ax = _axes(ax, figsize=(6, 3.8))
    labels = [str(label) for label in table.index]
    ax.plot(labels, table["actual"], "o-", color=ACTUAL_COLOUR, label="actual")
    ax.plot(labels, table["expected"], "o--", color=MODEL_COLOUR, label=_model_name(table))
    ax.legend()
    ax.set(xlabel="repeat purchases in the calibration period", ylabel="mean purchases in the holdout period",
           title="Conditional forecast by past purchases")
    return ax


def p_alive_matrix(grid: pd.DataFrame, ax=None):
    """P(alive) as a colour map over repeat purchases x and time of the last purchase t_x.

    ``grid`` is the output of :func:`crmlib.models.p_alive_grid` (rows x, columns t_x). Green
    is alive, red has probably left: for a frequent buyer P(alive) falls fast with silence.

    >>> grid = pd.DataFrame([[0.5, 0.7], [0.3, 0.8]], index=pd.Index([1, 2], name="x"),
    ...                     columns=pd.Index([19.5, 39.0], name="t_x"))
    >>> ax = p_alive_matrix(grid)
    >>> ax.get_ylabel()
    'repeat purchases (x)'
    """
    if getattr(grid, "index", None) is None or grid.index.name != "x" or grid.columns.name != "t_x":
        raise DataError("pass the output of crmlib.models.p_alive_grid(): rows x, columns t_x")
    ax = _axes(ax, figsize=(7, 3.8))
    t_x, xs = grid.columns.to_numpy(dtype="float64"), grid.index.to_numpy(dtype="float64")
    left = t_x[0] - (t_x[1] - t_x[0]) / 2 if len(t_x) > 1 else 0.0
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="RdYlGn", vmin=0, vmax=1,
                      extent=[left, t_x[-1], xs[0] - 0.5, xs[-1] + 0.5])
    ax.figure.colorbar(image, ax=ax, label="P(alive)")
    ax.set_xlabel("time of the last purchase (t_x)")
    ax.set_ylabel("repeat purchases (x)")
    T = grid.attrs.get("T")
    ax.set_title(f"P(alive) of a customer aged T = {T:g}" if T is not None else "P(alive)")
    return ax


def gains_chart(tables, ax=None):
    """Cumulative gains: the share of the outcome that the top customers of each ranking bring.

    ``tables`` is one output of :func:`crmlib.response.gains_table` or a dict of them by name
    (one line per ranking, against the share of customers contacted from the top); the diagonal
    is a random order. The higher and earlier a line rises, the better the ranking.

    >>> from crmlib.response import gains_table
    >>> outcome = [5, 0, 3, 0, 0, 1, 0, 0]
    >>> tables = {"good score": gains_table([8, 7, 6, 5, 4, 3, 2, 1], outcome, groups=4),
    ...           "poor score": gains_table([1, 2, 3, 4, 5, 6, 7, 8], outcome, groups=4)}
    >>> [line.get_label() for line in gains_chart(tables).lines]
    ['good score', 'poor score', 'random order']
    """
    tables = tables if isinstance(tables, dict) else {"ranking": tables}
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        require_columns(table, ("customer_share", "gain"), f"the gains table {name!r}",
                 "pass the output of crmlib.response.gains_table()")
        ax.plot(np.concatenate([[0.0], table["customer_share"]]), np.concatenate([[0.0], table["gain"]]),
                marker="o" if len(table) <= 20 else None, markersize=3, label=name)
    ax.plot([0, 1], [0, 1], ":", color="0.5", label="random order")
    ax.set_xlabel("share of customers, highest scores first")
    ax.set_ylabel("cumulative share of the outcome (gain)")
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    ax.set_title("Cumulative gains")
    return ax


def _named_tables(tables, columns, what: str, fix: str) -> dict:
    """One table or a dict of them by name, each checked for ``columns``."""
    tables = tables if isinstance(tables, dict) else {"ranking": tables}
    for name, table in tables.items():
        require_columns(table, columns, f"{what} {name!r}", fix)
    return tables


def lift_chart(tables, cumulative: bool = False, ax=None):
    """Lift by group: how many times the overall rate each group of customers reaches, from the top.

    ``tables`` is one output of :func:`crmlib.response.gains_table` or a dict of them by name (one
    line per ranking). Each group's lift (its rate / the overall rate) is drawn at the middle of
    its share of customers, the top-scored group first; with ``cumulative=True`` the cumulative
    lift of the top groups (gain / customer share) at their end. The dotted line at 1 is a random
    order. A good ranking starts high and falls below 1 at the bottom.

    >>> from crmlib.response import gains_table
    >>> outcome = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0]
    >>> ax = lift_chart({"score": gains_table(list(range(10, 0, -1)), outcome, groups=5)})
    >>> [line.get_label() for line in ax.lines], ax.get_ylabel()
    (['score', 'random order'], 'lift (rate / overall rate)')
    """
    tables = _named_tables(tables, ("customer_share", "lift", "cumulative_lift"), "the gains table",
                           "pass the output of crmlib.response.gains_table()")
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        share = table["customer_share"].to_numpy()
        if cumulative:
            x, y = share, table["cumulative_lift"].to_numpy()
        else:
            x, y = (np.concatenate([[0.0], share[:-1]]) + share) / 2, table["lift"].to_numpy()
        ax.plot(x, y, marker="o" if len(table) <= 20 else None, markersize=4, label=name)
    ax.axhline(1.0, ls=":", color="0.5", label="random order")
    ax.set_xlabel("share of customers, highest scores first")
    ax.set_ylabel("cumulative lift (gain / share)" if cumulative else "lift (rate / overall rate)")
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
    ax.set_title("Cumulative lift" if cumulative else "Lift by group")
    return ax


def calibration_plot(tables, ax=None):
    """Predicted probability against the actual rate, group by group: on the diagonal is calibrated.

    ``tables`` is one output of :func:`crmlib.response.calibration_table` or a dict of them by
    name. A point below the diagonal is a group the model is too optimistic about (it predicts
    more than happened), above it too pessimistic.

    >>> from crmlib.response import calibration_table
    >>> table = calibration_table([0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1], [1, 1, 1, 0, 0, 0, 1, 0], groups=2)
    >>> ax = calibration_plot({"model": table})
    >>> [line.get_label() for line in ax.lines], ax.get_xlabel()
    (['model', 'perfectly calibrated'], 'predicted probability (group mean)')
    """
    tables = _named_tables(tables, ("predicted", "actual"), "the calibration table",
                           "pass the output of crmlib.response.calibration_table()")
    ax = _axes(ax, figsize=(5, 5))
    top = 0.0
    for name, table in tables.items():
        ax.plot(table["predicted"], table["actual"], "o-", markersize=4, label=name)
        top = max(top, table["predicted"].max(), table["actual"].max())
    top = min(1.0, top * 1.05) if top > 0 else 1.0
    ax.plot([0, top], [0, top], ":", color="0.5", label="perfectly calibrated")
    ax.set_xlabel("predicted probability (group mean)")
    ax.set_ylabel("actual rate in the group")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    ax.set_title("Calibration: predicted against actual")
    return ax


def profit_curve_chart(curves, ax=None, mark_best: bool = True):
    """Profit of a mailing against the share of customers contacted from the top, best depth marked.

    ``curves`` is one output of :func:`crmlib.response.profit_curve` or a dict of them by name
    (one line per ranking). Each line's highest point, the profit-maximising mailing depth
    (:func:`crmlib.response.best_mailing_depth`), is marked with a dot when ``mark_best``. The
    line's right end is "mail everyone"; the horizontal line is zero profit.

    >>> from crmlib.response import profit_curve
    >>> curve = profit_curve([0.9, 0.7, 0.5, 0.3, 0.1], [1, 0, 1, 0, 0], cost_per_contact=2,
    ...                      margin_per_response=10)
    >>> ax = profit_curve_chart({"score": curve})
    >>> ax.lines[0].get_label(), ax.get_ylabel()
    ('score: best 60% of customers, 14', 'profit')
    """
    curves = _named_tables(curves, ("customer_share", "profit"), "the profit curve",
                           "pass the output of crmlib.response.profit_curve()")
    ax = _axes(ax, figsize=(6.5, 4))
    for name, curve in curves.items():
        best = int(curve["profit"].to_numpy().argmax())
        share, profit = curve["customer_share"].iloc[best], curve["profit"].iloc[best]
        label = f"{name}: best {share:.0%} of customers, {profit:,.0f}" if mark_best else name
        (line,) = ax.plot(curve["customer_share"], curve["profit"], label=label)
        if mark_best:
            ax.plot(share, profit, "o", color=line.get_color())
    ax.axhline(0.0, color="0.6", lw=1)
    ax.set_xlabel("share of customers contacted, highest scores first")
    ax.set_ylabel("profit")
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.legend(fontsize=8, loc="best")
    ax.set_title("Profit by mailing depth")
    return ax


def whale_chart(curve: pd.DataFrame, ax=None, mark: float = 0.2):
    """The whale curve: cumulative profit (as a share of total profit) against customers ranked by profit.

    ``curve`` is the output of :func:`crmlib.profitability.whale_curve`. The hump is marked with
    its height and where it is reached (the last profitable customer); the top ``mark`` share of
    customers is marked too (Kaplan & Narayanan's "top 20 %"); the dashed line is 100 % of profit,
    where the curve ends.

    >>> from crmlib.profitability import whale_curve
    >>> ax = whale_chart(whale_curve(pd.Series([80.0, 30, 5, -10])), mark=0.25)
    >>> [t.get_text() for t in ax.texts]
    ['peak: 110% of profit\\nfrom the top 75% of customers', 'top 25%: 76%']
    """
    require_columns(curve, ("customer_share", "profit_share", "profit"), "the whale curve",
                    "pass the output of crmlib.profitability.whale_curve()")
    ax = _axes(ax)
    x = np.concatenate([[0.0], curve["customer_share"].to_numpy()])
    y = np.concatenate([[0.0], curve["profit_share"].to_numpy()])
    ax.plot(x, y, color="C0", label="customers ranked by profit")
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=0.8, label="100 % of profit")
    peak = int(np.argmax(y))
    ax.fill_between(x[peak:], y[peak:], 1.0, color="C3", alpha=0.15, label="profit given back")
    ax.plot([x[peak]], [y[peak]], "o", color="C3")
    # right of the peak the curve only falls: text that starts there and above the peak stays clear of it
    ax.annotate(f"peak: {y[peak]:.0%} of profit\nfrom the top {x[peak]:.0%} of customers", (x[peak], y[peak]),
                xytext=(8, 6), textcoords="offset points", ha="left", va="bottom", fontsize=9)
    k = max(1, int(round(mark * len(curve))))
    share = float(curve["profit_share"].iloc[k - 1])
    ax.plot([x[k], x[k]], [0, share], color="C2", linestyle=":")
    ax.annotate(f"top {mark:.0%}: {share:.0%}", (x[k], share / 2), xytext=(4, 0), textcoords="offset points",
                ha="left", va="center", fontsize=9, color="C2")
    ax.set_xlim(0, 1)
    ax.set_ylim(min(0.0, float(y.min())) - 0.02, float(y.max()) * 1.18)
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlabel("share of customers, most profitable first")
    ax.set_ylabel("cumulative share of total profit")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Whale curve of customer profitability")
    return ax


def c3_chart(table: pd.DataFrame, ax=None, label: str = "revenue"):
    """The customer cohort chart (C3): each period's revenue stacked by acquisition cohort.

    ``table`` is :func:`crmlib.profitability.cohort_table` with ``by="period"``: one row per
    cohort, one column per calendar period. The oldest cohort is the bottom layer; a layer that
    thins out is a cohort whose customers leave or buy less, and the top edge of each new layer is
    what the newest customers add (McCarthy & Fader 2018). With more than 12 cohorts the legend
    names about 12 of them, evenly spaced; the colours run from the oldest (dark) to the newest.

    >>> from crmlib.profitability import cohort_table
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 1, 2], "date": ["1997-01-05", "1997-02-03", "1997-02-20",
    ...                    "1997-03-01"], "amount": [12.0, 30.0, 8.0, 10.0]})
    >>> [t.get_text() for t in c3_chart(cohort_table(tx)).get_legend().get_texts()]
    ['1997-01', '1997-02']
    """
    if not isinstance(table, pd.DataFrame) or not isinstance(table.columns, pd.PeriodIndex):
        raise DataError("the cohort table must have calendar periods as columns: pass "
                        "crmlib.profitability.cohort_table(..., by='period')")
    ax = _axes(ax, figsize=(7, 4))
    x = table.columns.to_timestamp()
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.95, len(table)))
    step = max(1, math.ceil(len(table) / 12))
    labels = [str(c) if i % step == 0 else "_nolegend_" for i, c in enumerate(table.index)]
    layers = ax.stackplot(x, table.to_numpy(dtype=float), colors=colours, labels=labels)
    for layer, colour in zip(layers, colours, strict=True):
        layer.set_edgecolor(colour)  # no light seams between thin layers
        layer.set_linewidth(0.5)
    ax.set_xlim(x[0], x[-1])
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("period")
    ax.set_ylabel(f"{label} per period")
    ax.legend(title="cohort", loc="best", fontsize=7, title_fontsize=8, ncol=1 if len(table) <= 6 else 2)
    ax.set_title(f"Customer cohort chart (C3): {label} by acquisition cohort")
    return ax


def uplift_curve(tables, ax=None):
    """The uplift (Qini) curve: the responses a treatment adds if the top customers of a ranking get it.

    ``tables`` is one output of :func:`crmlib.uplift.qini_table` or a dict of them by name (one
    line per ranking, measured on the same test), drawn as ``incremental`` against the share of
    customers treated from the top; the dotted line is a random choice of customers (the
    ``random`` column of the first table). A ranking by uplift rises above it early; a ranking
    that puts customers the treatment does not change first stays near or below it.

    >>> from crmlib.uplift import qini_table
    >>> offer, stayed = [1, 0, 1, 0, 1, 0, 1, 0], [1, 0, 1, 0, 1, 1, 0, 0]
    >>> tables = {"by uplift": qini_table([8, 7, 6, 5, 4, 3, 2, 1], offer, stayed, groups=2),
    ...           "by risk": qini_table([1, 2, 3, 4, 5, 6, 7, 8], offer, stayed, groups=2)}
    >>> uplift_curve(tables).get_legend_handles_labels()[1]
    ['by uplift', 'by risk', 'random choice']
    """
    tables = tables if isinstance(tables, dict) else {"ranking": tables}
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        require_columns(table, ("customer_share", "incremental", "random"), f"the Qini table {name!r}",
                        "pass the output of crmlib.uplift.qini_table()")
        ax.plot(np.concatenate([[0.0], table["customer_share"]]), np.concatenate([[0.0], table["incremental"]]),
                marker="o" if len(table) <= 20 else None, markersize=3, label=name)
    first = next(iter(tables.values()))
    ax.plot([0, 1], [0, first["random"].iloc[-1]], ":", color="0.5", label="random choice")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set_xlabel("share of customers treated, highest scores first")
    ax.set_ylabel("incremental responses")
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.legend(loc="best")
    ax.set_title("Uplift (Qini) curve")
    return ax


def targeting_profit_plot(tables, ax=None):
    """Expected incremental profit against the number of offers sent, for one or more rankings.

    ``tables`` is one output of :func:`crmlib.uplift.targeting_table` or a dict of them by name
    (targeting by uplift, by churn risk, ...); each curve's highest point, the best number of
    offers for that ranking, is marked, and the legend gives it with its profit (no offers at
    all when no number of offers makes a profit).

    >>> from crmlib.uplift import targeting_table
    >>> uplift = pd.Series([0.0, 0.2, 0.05])
    >>> tables = {"by risk": targeting_table([0.9, 0.5, 0.1], uplift, 500.0, 30.0),
    ...           "by uplift": targeting_table(uplift, uplift, 500.0, 30.0)}
    >>> targeting_profit_plot(tables).get_legend_handles_labels()[1]
    ['by risk: best 2 offers, profit 40', 'by uplift: best 1 offer, profit 70']
    """
    tables = tables if isinstance(tables, dict) else {"ranking": tables}
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        require_columns(table, ("incremental_profit",), f"the targeting table {name!r}",
                        "pass the output of crmlib.uplift.targeting_table()")
        k = np.concatenate([[0], table.index.to_numpy()])
        profit = np.concatenate([[0.0], table["incremental_profit"].to_numpy()])
        best = int(np.argmax(profit))
        offers = f"{k[best]:,} offer{'' if k[best] == 1 else 's'}"
        (line,) = ax.plot(k, profit, label=f"{name}: best {offers}, profit {profit[best]:,.0f}")
        ax.plot(k[best], profit[best], "o", color=line.get_color())
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel("offers sent, highest scores first")
    ax.set_ylabel("expected incremental profit")
    ax.xaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=8)
    ax.set_title("Whom to send the offer: expected incremental profit")
    return ax
