"""The course's figures. Each function draws on ``ax`` (a new figure when ``ax`` is None) and returns the Axes.

Every text a figure draws itself (titles, axis labels, legends, annotations, and the words it takes
from the data, such as tiers, statuses and phases) comes from one table, :data:`LABELS`, with an
entry per language: English (``"en"``, the default) and simplified Chinese (``"zh"``). A chapter
of the Chinese edition calls :func:`use_language` once, ``plots.use_language("zh")``, which also
sets matplotlib to a font with Chinese glyphs (Debian's ``fonts-noto-cjk``: Noto Sans CJK SC).
Texts a chapter passes in itself (a ``title=``, a ``label=``) are drawn as given.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib import font_manager

from crmlib.contract import DataError, require_columns

PYRAMID_COLOURS = {"diamond": "#7fb3d5", "gold": "#f4d03f", "brass": "#c8a165", "lead": "#7f8c8d"}
STATUS_COLOURS = {"safe": "#27ae60", "watch": "#f1c40f", "at risk": "#e67e22", "high risk": "#c0392b"}

# ================================================================================================
# The one table of the figures' texts (str.format templates; "word." keys are words taken from
# the data, shown in the language's words). A translation is a new entry with the same keys.

LABELS: dict[str, dict[str, str]] = {
    "en": {
        # words from the data: pyramid levels, size tiers, alert statuses, lifecycle phases
        "word.diamond": "diamond", "word.gold": "gold", "word.brass": "brass", "word.lead": "lead",
        "word.top": "top", "word.high": "high", "word.mid": "mid", "word.low": "low",
        "word.safe": "safe", "word.watch": "watch", "word.at risk": "at risk", "word.high risk": "high risk",
        "word.exploration": "exploration", "word.formation": "formation", "word.stability": "stability",
        "word.decline": "decline",
        # words several figures share
        "actual": "actual",
        "model": "model",
        "ranking": "ranking",
        "random_order": "random order",
        "repurchase_rate": "repurchase rate",
        "unit.W": "week",
        "unit.D": "day",
        "unit.period": "period",
        # customer_pyramid
        "pyramid.band": "{level}: {size:,} customers, {share:.0%} of value",
        "pyramid.title": "The customer pyramid (by profitability)",
        "tiers.title": "Size tiers (ranked by value)",
        # pareto_curve
        "pareto.ranked": "customers ranked by value",
        "pareto.equal": "every customer equal",
        "pareto.mark": "top {mark:.0%} of customers:\n{share:.0%} of value",
        "pareto.x": "share of customers",
        "pareto.y": "share of value",
        "pareto.title": "Pareto curve (20/80 rule)",
        # rfm_heatmap
        "rfm.customers": "customers",
        "rfm.mean": "mean {value}",
        "rfm.x": "F score (5 = most purchases)",
        "rfm.y": "R score (5 = most recent)",
        "rfm.title": "RFM cells: {label}",
        # ltv_curves
        "ltv.cohort": "cohort",
        "ltv.x": "year",
        "ltv.y": "average LTV per acquired customer",
        "ltv.title": "Lifetime value builds up with retention",
        # lifecycle_profit_curve
        "lifecycle.y": "profit from the customer (peak = 1)",
        "lifecycle.title": "Customer profit over the relationship",
        # profit_by_tenure_plot
        "tenure.line": "lifetime {lifetime} {period_name}s ({customers:,} customers)",
        "tenure.x": "{period_name} of the relationship (0 = the first purchase's)",
        "tenure.y": "profit per customer in the {period_name}",
        "tenure.legend": "lifetime: first to last purchase",
        "tenure.title": "Profit over the relationship, by lifetime",
        # alert_chart
        "alert.diagonal": "R = P (delta = 0)",
        "alert.x": "average purchase cycle P = 365 / F (days)",
        "alert.y": "days since last purchase R",
        "alert.legend": "status",
        "alert.title": "Purchase-cycle alerts",
        # elbow_plot
        "elbow.inertia": "inertia (elbow)",
        "elbow.silhouette": "mean silhouette",
        "elbow.chosen": "chosen k = {k}",
        "elbow.x": "k (number of segments)",
        "elbow.y": "inertia (sum of squares)",
        "elbow.title": "Choosing k: the elbow and the silhouette",
        # segment_scatter: the RFM table's columns as axes
        "axis.recency_days": "days since last purchase (recency)",
        "axis.frequency": "number of purchases (frequency)",
        "axis.monetary": "total spent (monetary)",
        "axis.avg_amount": "spent per purchase (avg_amount)",
        "axis.log": " (log scale)",
        "axis.log_more": ", log scale",
        "segment.name": "segment {number}",
        "segment.entry": "{name} ({n:,})",
        "segment.legend": "segment (customers)",
        "segment.title": "{k} segments",
        # repurchase_by_satisfaction_plot, kano_lines
        "satisfaction.x": "satisfaction score",
        "satisfaction.title": "Repurchase by satisfaction score",
        "kano.line": "basic expectations met: {row}",
        "kano.x": "potential expectations met (1-5)",
        "kano.title": "Loyalty follows the potential expectations",
        # period_transactions, tracking_plot, conditional_expectation_plot, p_alive_matrix
        "period.x": "repeat purchases",
        "period.y": "customers",
        "period.title": "Repeat purchases in the calibration period: actual and model",
        "tracking.holdout": "holdout",
        "tracking.cumulative": "cumulative repeat purchases",
        "tracking.per_unit": "repeat purchases in the {unit}",
        "conditional.x": "repeat purchases in the calibration period",
        "conditional.y": "mean purchases in the holdout period",
        "conditional.title": "Conditional forecast by past purchases",
        "p_alive.bar": "P(alive)",
        "p_alive.x": "time of the last purchase (t_x)",
        "p_alive.y": "repeat purchases (x)",
        "p_alive.title": "P(alive) of a customer aged T = {T:g}",
        "p_alive.title_plain": "P(alive)",
        # gains_chart, lift_chart, calibration_plot, profit_curve_chart
        "gains.x": "share of customers, highest scores first",
        "gains.y": "cumulative share of the outcome (gain)",
        "gains.title": "Cumulative gains",
        "lift.y": "lift (rate / overall rate)",
        "lift.cumulative_y": "cumulative lift (gain / share)",
        "lift.title": "Lift by group",
        "lift.cumulative_title": "Cumulative lift",
        "calibration.diagonal": "perfectly calibrated",
        "calibration.x": "predicted probability (group mean)",
        "calibration.y": "actual rate in the group",
        "calibration.title": "Calibration: predicted against actual",
        "profit_curve.best": "{name}: best {share:.0%} of customers, {profit:,.0f}",
        "profit_curve.x": "share of customers contacted, highest scores first",
        "profit_curve.y": "profit",
        "profit_curve.title": "Profit by mailing depth",
        # whale_chart
        "whale.ranked": "customers ranked by profit",
        "whale.total": "100 % of profit",
        "whale.given_back": "profit given back",
        "whale.peak": "peak: {peak:.0%} of profit\nfrom the top {share:.0%} of customers",
        "whale.mark": "top {mark:.0%}: {share:.0%}",
        "whale.x": "share of customers, most profitable first",
        "whale.y": "cumulative share of total profit",
        "whale.title": "Whale curve of customer profitability",
        # c3_chart
        "c3.revenue": "revenue",
        "c3.x": "period",
        "c3.y": "{label} per period",
        "c3.legend": "cohort",
        "c3.title": "Customer cohort chart (C3): {label} by acquisition cohort",
        # crmlib.widgets: the explorers' controls and summaries
        "widget.sep": ", ",
        "widget.retention_y1": "retention y1",
        "widget.discount_rate": "discount rate",
        "widget.average_ltv": "Average LTV: {years}",
        "widget.ltv_year": "year {year}: <b>{value:,.2f}</b>",
        "widget.what_if": "what-if",
        "widget.as_given": "as given",
        "widget.bins": "bins",
        "widget.rfm_summary": "{bins} groups per letter: {cells:,} possible cells, {used:,} with customers. "
        "Customers per R score: {counts}",
        "widget.tier_line": "{tier}: {size:,} customers, {share:.1%} of value",
        "widget.variables": "variables",
        "widget.log_first": "log(1 + x) first",
        "widget.choose_variable": "Choose at least one variable.",
        "widget.yes": "yes",
        "widget.no": "no",
        "widget.segment_head": "<b>k = {k}</b> on {columns}{log}; mean silhouette {silhouette:.2f}",
        "widget.log_note": " (log)",
        "widget.segment_columns": "<tr><th>segment</th><th>customers</th><th>recency</th><th>frequency</th>"
        "<th>spend</th><th>passes the rules</th></tr>",
        "widget.kmeans_title": "K-means on {log}{columns}, k = {k}",
        "widget.log_prefix": "log ",
        "widget.score": "score",
        "widget.cost_contact": "cost/contact",
        "widget.margin_response": "margin/resp.",
        "widget.break_even": "break-even response rate = cost / margin = {rate:.1%}",
        "widget.mailing_columns": "<tr><th>ranking</th><th>best depth</th><th>response rate there</th>"
        "<th>profit</th><th>profit if everyone is mailed</th></tr>",
        "widget.margin": "margin",
        "widget.per_order": "per order",
        "widget.per_customer": "per customer",
        "widget.whale_loss": "Total profit is <b>{total:,.0f}</b>: the customers lose money together; no whale curve.",
        "widget.whale_summary": "Total profit <b>{total:,.0f}</b>; {profitable:.0%} of customers are profitable and "
        "make <b>{peak:.0%}</b> of it; the other {unprofitable:.0%} lose {destroyed:,.0f}; the top 20 % make "
        "{top:.0%}.",
        "widget.margin_amount": "margin",
        "widget.retention": "retention",
        "widget.clv_summary": "CLV = m r / (1 + d - r) = <b>{end:,.2f}</b> (margin multiple {multiple:.2f}); "
        "with the first margin now, m (1 + d) / (1 + d - r) = {start:,.2f}",
        "widget.clv_x": "retention rate r",
        "widget.clv_y": "CLV",
        "widget.clv_title": "Retention-based CLV, margin {m:,.0f}, discount rate {d:.0%}",
        "widget.offer_cost": "offer cost",
        "widget.months_kept": "months kept",
        "widget.targeting_summary": "A saved customer is worth {months} months of margin; an offer costs {cost:,.0f}. "
        "Sending it to all {n:,} customers: {everyone:,.0f}.",
        "widget.targeting_columns": "<tr><th>ranking</th><th>best number of offers</th>"
        "<th>expected incremental profit</th></tr>",
        # uplift_curve, targeting_profit_plot
        "uplift.random": "random choice",
        "uplift.x": "share of customers treated, highest scores first",
        "uplift.y": "incremental responses",
        "uplift.title": "Uplift (Qini) curve",
        "targeting.offers": "{k:,} offers",
        "targeting.one_offer": "{k:,} offer",
        "targeting.best": "{name}: best {offers}, profit {profit:,.0f}",
        "targeting.x": "offers sent, highest scores first",
        "targeting.y": "expected incremental profit",
        "targeting.title": "Whom to send the offer: expected incremental profit",
    },
    # 简体中文, with the course's terms (book/glossary.md): 客户金字塔, 钻石/黄金/黄铜/重铅, 考察期 ...
    "zh": {
        "word.diamond": "钻石", "word.gold": "黄金", "word.brass": "黄铜", "word.lead": "重铅",
        "word.top": "顶端", "word.high": "高端", "word.mid": "中端", "word.low": "低端",
        "word.safe": "安全", "word.watch": "留意", "word.at risk": "有风险", "word.high risk": "高风险",
        "word.exploration": "考察期", "word.formation": "形成期", "word.stability": "稳定期",
        "word.decline": "退化期",
        "actual": "实际",
        "model": "模型",
        "ranking": "排序",
        "random_order": "随机顺序",
        "repurchase_rate": "再购率",
        "unit.W": "周",
        "unit.D": "天",
        "unit.period": "期",
        "pyramid.band": "{level}：{size:,} 位客户，占价值的 {share:.0%}",
        "pyramid.title": "客户金字塔（按盈利能力）",
        "tiers.title": "客户价值区间（按价值排序）",
        "pareto.ranked": "按价值排序的客户",
        "pareto.equal": "每位客户价值相同",
        "pareto.mark": "前 {mark:.0%} 的客户：\n贡献 {share:.0%} 的价值",
        "pareto.x": "客户占比",
        "pareto.y": "价值占比",
        "pareto.title": "帕累托曲线（二八法则）",
        "rfm.customers": "客户数",
        "rfm.mean": "{value} 的均值",
        "rfm.x": "F 得分（5 = 购买次数最多）",
        "rfm.y": "R 得分（5 = 最近购买）",
        "rfm.title": "RFM 单元：{label}",
        "ltv.cohort": "客户群组",
        "ltv.x": "年份",
        "ltv.y": "每位获取客户的平均终生价值",
        "ltv.title": "客户终生价值随客户保留而累积",
        "lifecycle.y": "客户带来的利润（峰值 = 1）",
        "lifecycle.title": "客户利润在关系各阶段的变化",
        "tenure.line": "生命周期 {lifetime} {period_name}（{customers:,} 位客户）",
        "tenure.x": "关系的第几{period_name}（0 = 首次购买所在的{period_name}）",
        "tenure.y": "每{period_name}每位客户的利润",
        "tenure.legend": "生命周期：首次到末次购买",
        "tenure.title": "关系中的利润，按生命周期长短",
        "alert.diagonal": "R = P（△ = 0）",
        "alert.x": "平均采购周期 P = 365 / F（天）",
        "alert.y": "停止采购天数 R",
        "alert.legend": "状态",
        "alert.title": "采购周期预警",
        "elbow.inertia": "簇内平方和（肘部）",
        "elbow.silhouette": "平均轮廓系数",
        "elbow.chosen": "选定 k = {k}",
        "elbow.x": "k（细分群数）",
        "elbow.y": "簇内平方和（惯性）",
        "elbow.title": "选择 k：肘部法则与轮廓系数",
        "axis.recency_days": "距上次购买的天数（最近一次消费）",
        "axis.frequency": "购买次数（消费频率）",
        "axis.monetary": "消费总额（消费金额）",
        "axis.avg_amount": "每次购买金额（avg_amount）",
        "axis.log": "（对数刻度）",
        "axis.log_more": "，对数刻度",
        "segment.name": "细分群 {number}",
        "segment.entry": "{name}（{n:,}）",
        "segment.legend": "细分群（客户数）",
        "segment.title": "{k} 个细分群",
        "satisfaction.x": "满意度评分",
        "satisfaction.title": "各满意度评分的再购率",
        "kano.line": "基本期望满足程度：{row}",
        "kano.x": "潜在期望满足程度（1-5）",
        "kano.title": "忠诚取决于潜在期望",
        "period.x": "重复购买次数",
        "period.y": "客户数",
        "period.title": "校准期内的重复购买：实际与模型",
        "tracking.holdout": "验证期",
        "tracking.cumulative": "累计重复购买次数",
        "tracking.per_unit": "每{unit}的重复购买次数",
        "conditional.x": "校准期内的重复购买次数",
        "conditional.y": "验证期内的平均购买次数",
        "conditional.title": "按过去购买次数的条件预测",
        "p_alive.bar": "存活概率 P(alive)",
        "p_alive.x": "最后一次购买的时间（t_x）",
        "p_alive.y": "重复购买次数（x）",
        "p_alive.title": "客户年龄 T = {T:g} 时的存活概率 P(alive)",
        "p_alive.title_plain": "存活概率 P(alive)",
        "gains.x": "客户占比（按得分从高到低）",
        "gains.y": "结果的累计占比（增益）",
        "gains.title": "累积增益",
        "lift.y": "提升度（组内比率 / 总体比率）",
        "lift.cumulative_y": "累计提升度（增益 / 占比）",
        "lift.title": "各组提升度",
        "lift.cumulative_title": "累计提升度",
        "calibration.diagonal": "完全校准",
        "calibration.x": "预测概率（组均值）",
        "calibration.y": "组内实际比率",
        "calibration.title": "校准：预测与实际",
        "profit_curve.best": "{name}：最佳为前 {share:.0%} 的客户，{profit:,.0f}",
        "profit_curve.x": "接触的客户占比（按得分从高到低）",
        "profit_curve.y": "利润",
        "profit_curve.title": "不同邮寄深度的利润",
        "whale.ranked": "按利润排序的客户",
        "whale.total": "100% 的利润",
        "whale.given_back": "被亏掉的利润",
        "whale.peak": "峰值：利润的 {peak:.0%}\n来自前 {share:.0%} 的客户",
        "whale.mark": "前 {mark:.0%}：{share:.0%}",
        "whale.x": "客户占比（按利润从高到低）",
        "whale.y": "占总利润的累计比例",
        "whale.title": "客户盈利能力的鲸鱼曲线",
        "c3.revenue": "收入",
        "c3.x": "期间",
        "c3.y": "每期{label}",
        "c3.legend": "获客群组",
        "c3.title": "客户群组图（C3）：按获客群组的{label}",
        "widget.sep": "，",
        "widget.retention_y1": "第1年保留率",
        "widget.discount_rate": "贴现率",
        "widget.average_ltv": "平均客户终生价值：{years}",
        "widget.ltv_year": "第 {year} 年 <b>{value:,.2f}</b>",
        "widget.what_if": "假设情景",
        "widget.as_given": "原始数据",
        "widget.bins": "分组数",
        "widget.rfm_summary": "每个字母分 {bins} 组：共 {cells:,} 个可能的单元，其中 {used:,} 个有客户。"
        "各 R 得分的客户数：{counts}",
        "widget.tier_line": "{tier}：{size:,} 位客户，占价值的 {share:.1%}",
        "widget.variables": "变量",
        "widget.log_first": "先取 log(1 + x)",
        "widget.choose_variable": "请至少选择一个变量。",
        "widget.yes": "是",
        "widget.no": "否",
        "widget.segment_head": "<b>k = {k}</b>，变量：{columns}{log}；平均轮廓系数 {silhouette:.2f}",
        "widget.log_note": "（取对数）",
        "widget.segment_columns": "<tr><th>细分群</th><th>客户数</th><th>最近一次消费（天）</th><th>消费频率</th>"
        "<th>消费金额</th><th>通过评估规则</th></tr>",
        "widget.kmeans_title": "K 均值聚类：{log}{columns}，k = {k}",
        "widget.log_prefix": "对数 ",
        "widget.score": "得分",
        "widget.cost_contact": "每次接触成本",
        "widget.margin_response": "每次响应毛利",
        "widget.break_even": "盈亏平衡响应率 = 成本 / 毛利 = {rate:.1%}",
        "widget.mailing_columns": "<tr><th>排序</th><th>最佳邮寄深度</th><th>该深度的响应率</th>"
        "<th>利润</th><th>全部邮寄时的利润</th></tr>",
        "widget.margin": "毛利率",
        "widget.per_order": "每单成本",
        "widget.per_customer": "每位客户成本",
        "widget.whale_loss": "总利润为 <b>{total:,.0f}</b>：客户整体是亏损的，画不出鲸鱼曲线。",
        "widget.whale_summary": "总利润 <b>{total:,.0f}</b>；{profitable:.0%} 的客户有利润，贡献了总利润的 "
        "<b>{peak:.0%}</b>；其余 {unprofitable:.0%} 的客户亏掉 {destroyed:,.0f}；前 20% 的客户贡献 {top:.0%}。",
        "widget.margin_amount": "毛利",
        "widget.retention": "保留率",
        "widget.clv_summary": "CLV = m r / (1 + d - r) = <b>{end:,.2f}</b>（利润乘数 {multiple:.2f}）；"
        "若第一笔毛利当期到手，m (1 + d) / (1 + d - r) = {start:,.2f}",
        "widget.clv_x": "客户保留率 r",
        "widget.clv_y": "客户终生价值 CLV",
        "widget.clv_title": "基于保留率的客户终生价值：毛利 {m:,.0f}，贴现率 {d:.0%}",
        "widget.offer_cost": "优惠成本",
        "widget.months_kept": "保留月数",
        "widget.targeting_summary": "挽留住一位客户值 {months} 个月的毛利；一份优惠的成本是 {cost:,.0f}。"
        "发给全部 {n:,} 位客户：{everyone:,.0f}。",
        "widget.targeting_columns": "<tr><th>排序</th><th>最佳优惠数</th><th>预期增量利润</th></tr>",
        "uplift.random": "随机选择",
        "uplift.x": "接受处理的客户占比（按得分从高到低）",
        "uplift.y": "增量响应数",
        "uplift.title": "增益（Qini）曲线",
        "targeting.offers": "{k:,} 份优惠",
        "targeting.one_offer": "{k:,} 份优惠",
        "targeting.best": "{name}：最佳为 {offers}，利润 {profit:,.0f}",
        "targeting.x": "发出的优惠数（按得分从高到低）",
        "targeting.y": "预期增量利润",
        "targeting.title": "把优惠发给谁：预期增量利润",
    },
}

#: Fonts with Chinese glyphs, in the order :func:`use_language` tries them: Debian's
#: ``fonts-noto-cjk`` (Noto Sans CJK SC, the simplified-Chinese face) first, then fonts that
#: other systems ship (macOS: PingFang SC; Windows: Microsoft YaHei, SimHei).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
             "WenQuanYi Zen Hei", "SimHei")
#: The languages whose text needs a CJK font.
_NEEDS_CJK = {"zh"}
#: Font files whose names say they hold CJK glyphs (looked for on disk when matplotlib's font
#: list was made before the font was installed).
_CJK_FILES = ("CJK", "SourceHan", "NotoSansSC", "wqy", "PingFang", "msyh", "simhei")

_state = {"language": "en", "font": None, "saved_rc": None}


class FontWarning(UserWarning):
    """No font with Chinese glyphs: the plots keep their English texts (see :func:`use_language`)."""


def cjk_font() -> str | None:
    """The name of the first font of :data:`CJK_FONTS` that matplotlib can use, or None.

    matplotlib keeps a list of the system's fonts, made the first time it ran; a font installed
    later (``sudo apt-get install fonts-noto-cjk``) is looked for on disk and added to it.
    """
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in names), None)
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(part.lower() in Path(path).name.lower() for part in _CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a font file matplotlib cannot read
                    continue
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        found = next((name for name in CJK_FONTS if name in names), None)
    return found


def use_language(language: str = "en") -> str:
    """Draw the figures' own texts in ``language``, a key of :data:`LABELS` ("en" or "zh").

    For Chinese, matplotlib is set to a font with Chinese glyphs (:func:`cjk_font`; Noto Sans
    CJK SC from Debian's ``fonts-noto-cjk``), ahead of its default fonts. Where no such font is
    installed the figures keep their English texts, with a :class:`FontWarning` that says which
    package to install, rather than draw empty boxes. ``use_language("en")`` puts matplotlib's
    fonts back as they were. Returns the language the figures now speak.

    >>> use_language("en")
    'en'
    >>> plot_text("pareto.title")
    'Pareto curve (20/80 rule)'
    >>> LABELS["zh"]["pareto.title"]
    '帕累托曲线（二八法则）'
    """
    if language not in LABELS:
        raise DataError(f"language {language!r}: the figures speak {', '.join(map(repr, LABELS))}")
    if _state["saved_rc"] is not None:  # undo an earlier switch first
        mpl.rcParams.update(_state["saved_rc"])
        _state["saved_rc"], _state["font"] = None, None
    if language in _NEEDS_CJK:
        font = cjk_font()
        if font is None:
            warnings.warn(
                "No font with Chinese characters was found (looked for " + ", ".join(CJK_FONTS) + "): the "
                "plots keep their English labels. Install one, e.g. on Debian or Ubuntu: sudo apt-get install "
                "fonts-noto-cjk, then run this cell again.", FontWarning, stacklevel=2)
            language = "en"
        else:
            _state["saved_rc"] = {key: mpl.rcParams[key] for key in ("font.family", "font.sans-serif")}
            mpl.rcParams["font.family"] = ["sans-serif"]
            mpl.rcParams["font.sans-serif"] = [font] + [f for f in mpl.rcParams["font.sans-serif"] if f != font]
            _state["font"] = font
    _state["language"] = language
    return language


def plot_text(key: str, **fields) -> str:
    """The text ``key`` of :data:`LABELS` in the figures' language, filled in with ``fields``
    (for the figures of :mod:`crmlib.widgets` too).

    >>> plot_text("rfm.title", label="customers")
    'RFM cells: customers'
    """
    return LABELS[_state["language"]][key].format(**fields)


_t = plot_text


def _word(value):
    """A word taken from the data (a tier, a status, a phase) in the figures' language; other
    values as they are."""
    return LABELS[_state["language"]].get(f"word.{value}", value) if isinstance(value, str) else value


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
        ax.text(half_bottom * 0.5 + 0.58, level_number + 0.5, _t("pyramid.band", level=_word(level), size=size,
                                                                 share=share), ha="left", va="center", fontsize=9)
    ax.set_xlim(-1.05, 2.6)
    ax.set_ylim(0, len(names))
    ax.axis("off")
    if title is None:
        title = _t("pyramid.title") if column == "pyramid" else _t("tiers.title")
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
    ax.plot(x, y, label=_t("pareto.ranked"))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label=_t("pareto.equal"))
    k = max(1, int(round(mark * len(table))))
    share = table["value_share"].iloc[k - 1]
    right_of = max(mark, table["customer_share"].iloc[k - 1])  # the curve reaches `share` here
    ax.plot([mark, mark, 0], [0, share, share], color="C3", linestyle=":")
    # Below-right of the marked point: the curve only rises to the right of it, so text that starts
    # right of that point and ends below y = share cannot touch the curve. Two short lines also keep
    # clear of the diagonal; near the floor the text sits on it instead.
    top = share - 0.08
    below = top - 0.16 >= 0.02
    ax.annotate(_t("pareto.mark", mark=mark, share=share), (mark, share),
                xytext=(right_of + 0.06, top if below else 0.03), ha="left", va="top" if below else "bottom",
                fontsize=9, arrowprops={"arrowstyle": "->", "color": "0.3"},
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_xlabel(_t("pareto.x"))
    ax.set_ylabel(_t("pareto.y"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    # the legend goes to the lower right unless the text is down there: then the curve is close to
    # the diagonal and leaves the upper left free
    ax.legend(loc="lower right" if below and top - 0.16 >= 0.22 else "upper left")
    ax.set_title(_t("pareto.title"))
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
        label = _t("rfm.customers") if label is None else label
        fmt = ",.0f" if fmt is None else fmt
    else:
        require_columns(scores, [value], "the scores", "choose a column of the scores to average")
        grid = scores.pivot_table(index="R", columns="F", values=value, aggfunc="mean")
        label = _t("rfm.mean", value=value) if label is None else label
        fmt = _plain_number if fmt is None else fmt
    grid = grid.sort_index(ascending=False)
    numbers = grid.to_numpy(dtype=float)
    if cmap is None:
        cmap = "RdBu" if center is not None else "viridis"
    image = ax.imshow(numbers, cmap=cmap, norm=_colour_norm(numbers, vmin, vmax, center), aspect="auto")
    image.autoscale_None()
    ax.set_xticks(range(grid.shape[1]), grid.columns)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xlabel(_t("rfm.x"))
    ax.set_ylabel(_t("rfm.y"))
    for (i, j), number in np.ndenumerate(numbers):
        if np.isfinite(number):
            ax.text(j, i, _cell_text(number, fmt), ha="center", va="center", fontsize=8,
                    color=_text_colour(image.cmap(image.norm(number))))
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_title(_t("rfm.title", label=label) if title is None else title)
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
        tables = {_t("ltv.cohort"): tables}
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
    ax.set_xlabel(_t("ltv.x"))
    ax.set_ylabel(_t("ltv.y"))
    ax.legend()
    ax.set_title(_t("ltv.title"))
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
        ax.text(number + 0.5, -0.08, _word(phase), ha="center", va="top", fontsize=9)
    ax.set_ylim(-0.15, 1.1)
    ax.set_xticks([])
    ax.set_ylabel(_t("lifecycle.y"))
    ax.set_title(_t("lifecycle.title"))
    return ax


def profit_by_tenure_plot(table: pd.DataFrame, ax=None, period_name: str | None = None):
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
    period_name = _t("unit.period") if period_name is None else period_name
    flat = table.reset_index()
    for number, (lifetime, group) in enumerate(flat.groupby("lifetime_periods")):
        label = _t("tenure.line", lifetime=lifetime, period_name=period_name,
                   customers=int(group["customers"].iloc[0]))
        ax.plot(group["period"], group["profit_per_customer"], marker="o", color=f"C{number % 10}", label=label)
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set_xlabel(_t("tenure.x", period_name=period_name))
    ax.set_ylabel(_t("tenure.y", period_name=period_name))
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8, title=_t("tenure.legend"), title_fontsize=8)
    ax.set_title(_t("tenure.title"))
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
        ax.scatter(group["cycle_days"], group["recency_days"], s=18, color=STATUS_COLOURS.get(status),
                   label=_word(status), alpha=0.8)
    top = float(max(alerts["cycle_days"].max(), alerts["recency_days"].max())) * 1.05
    ax.plot([0, top], [0, top], color="grey", linestyle="--", label=_t("alert.diagonal"))
    for customer, name in (labels or {}).items():
        if customer in alerts.index:
            ax.annotate(name, (alerts.loc[customer, "cycle_days"], alerts.loc[customer, "recency_days"]),
                        textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.set_xlabel(_t("alert.x"))
    ax.set_ylabel(_t("alert.y"))
    ax.legend(title=_t("alert.legend"))
    ax.set_title(_t("alert.title"))
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
    lines = ax.plot(ks, elbow["inertia"], marker="o", color="C0", label=_t("elbow.inertia"))
    lines += right.plot(ks, elbow["silhouette"], marker="s", linestyle="--", color="C2", label=_t("elbow.silhouette"))
    if mark is not None:
        lines.append(ax.axvline(mark, color="grey", linestyle=":", label=_t("elbow.chosen", k=mark)))
    ax.set_xticks(ks)
    ax.set_xlabel(_t("elbow.x"))
    ax.set_ylabel(_t("elbow.y"), color="C0")
    right.set_ylabel(_t("elbow.silhouette"), color="C2")
    ax.tick_params(axis="y", colors="C0")
    right.tick_params(axis="y", colors="C2")
    right.legend(lines, [line.get_label() for line in lines], loc="upper right", fontsize=9)
    ax.set_title(_t("elbow.title"))
    ax.right_ax = right
    return ax


def _axis_label(column: str, log: bool) -> str:
    """An axis label for a column of the RFM table (``axis.<column>`` of :data:`LABELS`), or the column's name."""
    key = f"axis.{column}"
    text = _t(key) if key in LABELS[_state["language"]] else str(column)
    if not log:
        return text
    if text.endswith((")", "）")):  # "(recency)" becomes "(recency, log scale)"
        return text[:-1] + _t("axis.log_more") + text[-1]
    return text + _t("axis.log")


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
        name = (labels or {}).get(number, _t("segment.name", number=number))
        ax.scatter(members[x], members[y], s=8, alpha=0.6, color=f"C{int(number) % 10}",
                   label=_t("segment.entry", name=name, n=len(members)))
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(_axis_label(x, logx))
    ax.set_ylabel(_axis_label(y, logy))
    ax.legend(fontsize=8, markerscale=2, title=_t("segment.legend"), title_fontsize=8)
    ax.set_title(_t("segment.title", k=len(set(segments.tolist()))) if title is None else title)
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
    ax.set_xlabel(_t("satisfaction.x"))
    ax.set_ylabel(_t("repurchase_rate"))
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    if groups != [None]:
        title = None if labels else rates.index.names[0]
        ax.legend(title=title, loc="upper left", fontsize=9)
    ax.set_title(_t("satisfaction.title"))
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
        ax.plot(table.columns, table.loc[row], marker="o", label=_t("kano.line", row=row))
    ax.set_xticks(list(table.columns))
    ax.set_xlabel(_t("kano.x"))
    ax.set_ylabel(_t("repurchase_rate"))
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.legend(loc="upper left", fontsize=9)
    ax.set_title(_t("kano.title"))
    return ax


# -- chapter 9: checking a BG/NBD fit, and comparing rankings ------------------------------------

ACTUAL_COLOUR, MODEL_COLOUR = "0.3", "tab:orange"


def _model_name(table: pd.DataFrame) -> str:
    return table.attrs.get("model", _t("model"))


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
    ax.bar(positions - 0.2, table["actual"], width=0.4, color=ACTUAL_COLOUR, label=_t("actual"))
    ax.bar(positions + 0.2, table["expected"], width=0.4, color=MODEL_COLOUR, label=_model_name(table))
    ax.set_xticks(positions, [str(label) for label in table.index])
    ax.set_xlabel(_t("period.x"))
    ax.set_ylabel(_t("period.y"))
    ax.legend()
    ax.set_title(_t("period.title"))
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
    ax.plot(data.index, data["actual"], "-", color=ACTUAL_COLOUR, label=_t("actual"))
    ax.plot(data.index, data["expected"], "--", color=MODEL_COLOUR, label=_model_name(table))
    unit = _t(f"unit.{table.attrs.get('freq')}" if table.attrs.get("freq") in ("W", "D") else "unit.period")
    end = table.attrs.get("calibration_periods")
    if end is not None:
        ax.axvline(end, color="0.6", lw=1)
        ax.annotate(_t("tracking.holdout"), (end, 1), xycoords=("data", "axes fraction"), xytext=(4, -14),
                    textcoords="offset points", color="0.4")
    ax.set_xlabel(unit)
    ax.set_ylabel(_t("tracking.cumulative") if cumulative else _t("tracking.per_unit", unit=unit))
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
    ax.plot(labels, table["actual"], "o-", color=ACTUAL_COLOUR, label=_t("actual"))
    ax.plot(labels, table["expected"], "o--", color=MODEL_COLOUR, label=_model_name(table))
    ax.legend()
    ax.set(xlabel=_t("conditional.x"), ylabel=_t("conditional.y"), title=_t("conditional.title"))
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
    ax.figure.colorbar(image, ax=ax, label=_t("p_alive.bar"))
    ax.set_xlabel(_t("p_alive.x"))
    ax.set_ylabel(_t("p_alive.y"))
    T = grid.attrs.get("T")
    ax.set_title(_t("p_alive.title", T=T) if T is not None else _t("p_alive.title_plain"))
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
    tables = tables if isinstance(tables, dict) else {_t("ranking"): tables}
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        require_columns(table, ("customer_share", "gain"), f"the gains table {name!r}",
                 "pass the output of crmlib.response.gains_table()")
        ax.plot(np.concatenate([[0.0], table["customer_share"]]), np.concatenate([[0.0], table["gain"]]),
                marker="o" if len(table) <= 20 else None, markersize=3, label=name)
    ax.plot([0, 1], [0, 1], ":", color="0.5", label=_t("random_order"))
    ax.set_xlabel(_t("gains.x"))
    ax.set_ylabel(_t("gains.y"))
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    ax.set_title(_t("gains.title"))
    return ax


def _named_tables(tables, columns, what: str, fix: str) -> dict:
    """One table or a dict of them by name, each checked for ``columns``."""
    tables = tables if isinstance(tables, dict) else {_t("ranking"): tables}
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
    ax.axhline(1.0, ls=":", color="0.5", label=_t("random_order"))
    ax.set_xlabel(_t("gains.x"))
    ax.set_ylabel(_t("lift.cumulative_y") if cumulative else _t("lift.y"))
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
    ax.set_title(_t("lift.cumulative_title") if cumulative else _t("lift.title"))
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
    ax.plot([0, top], [0, top], ":", color="0.5", label=_t("calibration.diagonal"))
    ax.set_xlabel(_t("calibration.x"))
    ax.set_ylabel(_t("calibration.y"))
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    ax.set_title(_t("calibration.title"))
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
        label = _t("profit_curve.best", name=name, share=share, profit=profit) if mark_best else name
        (line,) = ax.plot(curve["customer_share"], curve["profit"], label=label)
        if mark_best:
            ax.plot(share, profit, "o", color=line.get_color())
    ax.axhline(0.0, color="0.6", lw=1)
    ax.set_xlabel(_t("profit_curve.x"))
    ax.set_ylabel(_t("profit_curve.y"))
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(_t("profit_curve.title"))
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
    ax.plot(x, y, color="C0", label=_t("whale.ranked"))
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=0.8, label=_t("whale.total"))
    peak = int(np.argmax(y))
    ax.fill_between(x[peak:], y[peak:], 1.0, color="C3", alpha=0.15, label=_t("whale.given_back"))
    ax.plot([x[peak]], [y[peak]], "o", color="C3")
    # right of the peak the curve only falls: text that starts there and above the peak stays clear of it
    ax.annotate(_t("whale.peak", peak=y[peak], share=x[peak]), (x[peak], y[peak]),
                xytext=(8, 6), textcoords="offset points", ha="left", va="bottom", fontsize=9)
    k = max(1, int(round(mark * len(curve))))
    share = float(curve["profit_share"].iloc[k - 1])
    ax.plot([x[k], x[k]], [0, share], color="C2", linestyle=":")
    ax.annotate(_t("whale.mark", mark=mark, share=share), (x[k], share / 2), xytext=(4, 0), textcoords="offset points",
                ha="left", va="center", fontsize=9, color="C2")
    ax.set_xlim(0, 1)
    ax.set_ylim(min(0.0, float(y.min())) - 0.02, float(y.max()) * 1.18)
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlabel(_t("whale.x"))
    ax.set_ylabel(_t("whale.y"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(_t("whale.title"))
    return ax


def c3_chart(table: pd.DataFrame, ax=None, label: str | None = None):
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
    label = _t("c3.revenue") if label is None else label
    ax.set_xlabel(_t("c3.x"))
    ax.set_ylabel(_t("c3.y", label=label))
    ax.legend(title=_t("c3.legend"), loc="best", fontsize=7, title_fontsize=8, ncol=1 if len(table) <= 6 else 2)
    ax.set_title(_t("c3.title", label=label))
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
    tables = tables if isinstance(tables, dict) else {_t("ranking"): tables}
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        require_columns(table, ("customer_share", "incremental", "random"), f"the Qini table {name!r}",
                        "pass the output of crmlib.uplift.qini_table()")
        ax.plot(np.concatenate([[0.0], table["customer_share"]]), np.concatenate([[0.0], table["incremental"]]),
                marker="o" if len(table) <= 20 else None, markersize=3, label=name)
    first = next(iter(tables.values()))
    ax.plot([0, 1], [0, first["random"].iloc[-1]], ":", color="0.5", label=_t("uplift.random"))
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set_xlabel(_t("uplift.x"))
    ax.set_ylabel(_t("uplift.y"))
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.legend(loc="best")
    ax.set_title(_t("uplift.title"))
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
    tables = tables if isinstance(tables, dict) else {_t("ranking"): tables}
    ax = _axes(ax, figsize=(6, 4))
    for name, table in tables.items():
        require_columns(table, ("incremental_profit",), f"the targeting table {name!r}",
                        "pass the output of crmlib.uplift.targeting_table()")
        k = np.concatenate([[0], table.index.to_numpy()])
        profit = np.concatenate([[0.0], table["incremental_profit"].to_numpy()])
        best = int(np.argmax(profit))
        offers = _t("targeting.one_offer" if k[best] == 1 else "targeting.offers", k=k[best])
        (line,) = ax.plot(k, profit, label=_t("targeting.best", name=name, offers=offers, profit=profit[best]))
        ax.plot(k[best], profit[best], "o", color=line.get_color())
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel(_t("targeting.x"))
    ax.set_ylabel(_t("targeting.y"))
    ax.xaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=8)
    ax.set_title(_t("targeting.title"))
    return ax
