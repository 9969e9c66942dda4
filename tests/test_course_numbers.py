"""Every number of the course brief (../shared/COURSE-BRIEF.md), computed by crmlib, written out.

Each test is named after its source: the course's chapter 2 (客户关系管理理论基础, "ch2"), the value
segmentation essay ("essay"), Hughes (1994) for RFM, and the Quansheng case.
"""

import pandas as pd
import pytest

from crmlib import churn, clv, datasets, lifecycle, rfm, segment, value

# -- 2. Customer lifecycle ---------------------------------------------------------------------

def test_ch2_company_a_loses_20_of_100_a_year_churn_20_percent_lifetime_5_years_20_replacements():
    churn_a = lifecycle.churn_rate(lost=20, customers=100)
    assert churn_a == 0.20
    assert lifecycle.average_lifetime(churn_a) == 5.0
    assert lifecycle.replacements_needed(100, churn_a) == 20.0


def test_ch2_company_b_loses_10_of_100_a_year_churn_10_percent_lifetime_10_years_10_replacements():
    churn_b = lifecycle.churn_rate(lost=10, customers=100)
    assert churn_b == 0.10
    assert lifecycle.average_lifetime(churn_b) == 10.0
    assert lifecycle.replacements_needed(100, churn_b) == 10.0


def test_ch2_lifecycle_profit_is_total_profit_minus_total_investment():
    assert lifecycle.lifecycle_profit(
        base_profit=1000, cost_savings=100, referral_value=150,
        acquisition_cost=300, price_concessions=50, referral_damage=25,
    ) == 875.0


def test_ch2_six_lifecycle_stages_and_four_relationship_phases():
    assert [name for name, _ in lifecycle.LIFECYCLE_STAGES] == [
        "potential", "development", "growth", "maturity", "decline", "termination"]
    assert [chinese for _, chinese in lifecycle.RELATIONSHIP_PHASES] == ["考察期", "形成期", "稳定期", "退化期"]


def test_ch2_profit_is_an_inverted_u_largest_in_stability_falling_fast_in_decline():
    curve = lifecycle.profit_curve()
    mean = curve.groupby("phase", sort=False)["profit"].mean()
    assert list(mean.index) == ["exploration", "formation", "stability", "decline"]
    assert mean["exploration"] < mean["formation"] < mean["stability"]
    assert curve.loc[curve["profit"].idxmax(), "phase"] == "stability"
    decline = curve[curve["phase"] == "decline"]["profit"]
    assert decline.iloc[-1] < mean["formation"]  # falls fast


def test_ch2_six_stages_fall_in_the_four_phases():
    assert dict(lifecycle.STAGE_PHASES) == {
        "potential": "exploration", "development": "exploration", "growth": "formation",
        "maturity": "stability", "decline": "decline", "termination": "decline"}
    assert [stage for stage, _ in lifecycle.STAGE_PHASES] == [name for name, _ in lifecycle.LIFECYCLE_STAGES]


def test_reinartz_kumar_2000_cdnow_profit_does_not_follow_the_inverted_u():
    """Chapter 2, section 2.3: profit = 0.30 x amount - 4 an order, by quarter of the relationship."""
    table = lifecycle.profit_by_tenure(datasets.load_cdnow_master(), margin=0.30, cost_per_order=4.0,
                                       period_days=91, returns="keep")
    per_customer = table["profit_per_customer"].unstack()
    customers = table["customers"].groupby(level=0).first()
    assert customers.tolist() == [14_522, 1_361, 1_380, 1_721, 2_550, 2_036]
    assert per_customer.loc[5].round(2).tolist() == [19.39, 10.40, 9.88, 11.21, 10.78, 11.09]
    for lifetime in per_customer.index:  # every group earns most in the quarter of its first purchase
        assert per_customer.loc[lifetime].idxmax() == 0
    per_quarter = (table["profit"].groupby(level=0).sum() / customers) / (customers.index + 1)
    assert per_quarter.round(2).tolist() == [6.94, 10.73, 7.91, 7.76, 8.40, 12.12]


# -- 1. Relationship marketing -----------------------------------------------------------------

def test_ch2_delivered_value_is_total_customer_value_minus_total_customer_cost():
    assert value.delivered_value(total_customer_value=1500, total_customer_cost=1100) == 400


def test_ch2_retention_rate_is_one_minus_churn_60_percent_when_40_of_100_leave():
    assert lifecycle.retention_rate(lost=40, customers=100) == pytest.approx(0.60)


# -- 3. Customer lifetime value ----------------------------------------------------------------

def test_ch2_lifetime_value_of_the_30_year_old_customer_is_48000_undiscounted():
    per_year = 100 * 2 * 12  # 100 yuan a purchase, 2 purchases a month
    assert per_year == 2400
    assert clv.customer_lifetime_value(per_year, years=20) == 48_000.0
    # the essay's simple form on profit: 8,000 yuan of spend a year at a 30 % margin is 2,400 of profit
    assert value.simple_ltv(8_000, 20, margin=0.30) == pytest.approx(48_000)
    assert value.simple_ltv(per_year, 20, margin=1.0) == 48_000  # 2,400 is already profit


def test_ch2_the_48000_customer_discounted_at_8_percent_is_worth_23563_55_today():
    discounted = clv.customer_lifetime_value(2400, years=20, discount_rate=0.08)
    assert discounted == pytest.approx(23_563.55, abs=0.005)
    assert clv.group_lifetime_value(2400, 0, 0.08, 20) == pytest.approx(discounted)


def test_ch2_single_customer_clv_discounts_each_year_from_year_1():
    # V = sum (Q_t - C_t) / (1 + i)^t = 100/1.1 + 200/1.21 + 300/1.331
    value_ = clv.customer_lifetime_value([150, 250, 350], costs=[50, 50, 50], discount_rate=0.10)
    assert value_ == pytest.approx(90.909091 + 165.289256 + 225.394440, abs=1e-5)
    assert value_ == pytest.approx(481.59, abs=0.005)


def test_ch2_pvifa_is_the_annuity_factor():
    assert clv.pvifa(0.10, 3) == pytest.approx(2.486852, abs=1e-6)
    assert clv.pvifa(0.08, 20) == pytest.approx(9.818147, abs=1e-6)
    assert clv.pvifa(0.0, 20) == 20.0


def test_ch2_cohort_table_average_ltv_is_66_08_at_the_end_of_year_3():
    table = clv.cohort_ltv_table(**datasets.load_cohort_ltv_inputs())
    assert table.loc["ltv", "year 3"] == pytest.approx(66.08, abs=1e-9)
    assert table.loc["cumulative_npv", "year 3"] == pytest.approx(660_800.0, abs=1e-6)


def test_ch2_cohort_table_a_customer_lost_after_year_1_is_a_loss_of_12():
    table = clv.cohort_ltv_table(**datasets.load_cohort_ltv_inputs())
    assert table.loc["ltv", "year 1"] == pytest.approx(-12.0, abs=1e-9)


def test_ch2_cohort_table_inputs_are_the_sources_10000_customers_60_percent_70_percent_60_and_20():
    inputs = datasets.load_cohort_ltv_inputs()
    table = clv.cohort_ltv_table(**inputs)
    assert table.loc["customers", "year 1"] == 10_000
    assert table.loc["retention_rate", "year 1"] == 0.60
    assert table.loc["customers", "year 2"] == pytest.approx(6_000)  # 40 % lost after year 1
    assert table.loc["cost_of_sales_rate", "year 1"] == 0.70
    assert table.loc["acquisition_cost", "year 1"] == 60 * 10_000
    per_customer_later = sum(line[1] for line in inputs["yearly_costs"].values())
    assert per_customer_later == 20
    assert table.loc["discount_factor"].round(4).tolist() == [1.0, 1.2, 1.44]
    # acquisition alone is not profitable: only years 2 and 3 make money
    assert table.loc["profit"].tolist() == pytest.approx([-120_000.0, 420_000.0, 620_352.0])


def test_ch3_loyalty_discount_holding_the_cost_of_goods_gives_year_3_ltv_43_38_not_58_99():
    """Chapter 3, lesson 4 (issue 15): 10 % off every order in years 2 and 3, retention 5 points higher.
    Lowering the average order value with the cost-of-sales rate unchanged makes the goods 10 %
    cheaper too (58.99); holding the cost of goods at the undiscounted level gives 43.38."""
    inputs = datasets.load_cohort_ltv_inputs()
    retention = [0.60, 0.85, 0.90]
    held = clv.cohort_ltv_table(**{**inputs, "retention": retention, "price_reduction": [0.0, 0.10, 0.10]})
    assert held.loc["ltv", "year 3"] == pytest.approx(43.38, abs=0.005)
    assert clv.ltv_by_year(held).round(2).tolist() == [-12.0, 10.5, 43.38]
    cheaper_goods = clv.cohort_ltv_table(**{**inputs, "retention": retention,
                                            "average_order_value": [80.0, 90.0, 117.0]})
    assert cheaper_goods.loc["ltv", "year 3"] == pytest.approx(58.99, abs=0.005)
    # the difference is the cost of goods the second version forgot: 10 % of list revenue x the rate
    forgotten = (held.loc["cost_of_sales"] - cheaper_goods.loc["cost_of_sales"]).round(2).tolist()
    assert forgotten == [0.0, 96_000.0, 109_527.6]
    assert held.loc["ltv", "year 3"] < 66.08  # the conclusion stands: do not run it


def test_ch1_annuity_over_the_rounded_average_lifetime_overstates_the_geometric_expectation():
    """Chapter 1, section 1.6: 100 a year, 10 % discount rate. Churn 20 %: 5 certain years are worth
    379.08, the expected value with retention 0.8 is 333.33; churn 10 % and 5 a year spent on
    retention: 583.73 against 475.00."""
    five_years = clv.customer_lifetime_value(100, discount_rate=0.10, years=5)
    assert five_years == pytest.approx(379.08, abs=0.005)
    assert clv.expected_lifetime_value(100, retention=0.80, discount_rate=0.10) == pytest.approx(333.33, abs=0.005)
    ten_years = clv.customer_lifetime_value(100, costs=5, discount_rate=0.10, years=10)
    assert ten_years == pytest.approx(583.73, abs=0.005)
    assert clv.expected_lifetime_value(95, retention=0.90, discount_rate=0.10) == pytest.approx(475.00, abs=0.005)
    assert lifecycle.average_lifetime(0.20) == 5.0 and lifecycle.average_lifetime(0.10) == 10.0
    # the self-check: 200 a year, a quarter lost each year: 634 as an annuity over 4 years, 571 expected
    assert 200 * clv.pvifa(0.10, 4) == pytest.approx(633.97, abs=0.005)
    assert clv.expected_lifetime_value(200, retention=0.75, discount_rate=0.10) == pytest.approx(571.43, abs=0.005)


# -- 4. Value segmentation and the pyramid -----------------------------------------------------

def test_essay_share_of_wallet_100_of_1000_is_10_percent():
    assert value.share_of_wallet(our_spend=100, category_spend=1000) == 0.10
    assert 1000 * value.share_of_wallet(100, 1000) == 100


def test_quansheng_tiers_are_1_4_15_80_percent_10_40_150_800_of_1000_customers():
    assert value.TIER_SHARES == (0.01, 0.04, 0.15, 0.80)
    assert value.tier_sizes(1000) == [10, 40, 150, 800]
    tiers = value.value_tiers(pd.Series(range(1, 1001), index=[f"c{i}" for i in range(1000)]))
    assert tiers["tier"].value_counts(sort=False).to_dict() == {"top": 10, "high": 40, "mid": 150, "low": 800}
    assert "pyramid" not in tiers  # size tiers are not the profitability pyramid


def test_ch2_slides_40_41_pyramid_levels_lead_is_negative_ltv_and_their_moves():
    assert value.PYRAMID == ("diamond", "gold", "brass", "lead")
    assert value.PYRAMID_CHINESE == {"diamond": "钻石", "gold": "黄金", "brass": "黄铜", "lead": "重铅"}
    assert value.PYRAMID_MOVES["lead"] == ("move up", "cut benefits")
    assert value.PYRAMID_MOVES["brass"] == ("move up", "maintain", "cut benefits")
    assert value.PYRAMID_MOVES["gold"] == ("move up", "extend", "care")
    assert value.PYRAMID_MOVES["diamond"] == ("strengthen", "extend", "loyalty care")
    pyramid = value.profitability_pyramid(pd.Series([66.08, 23.0, -12.0]))
    assert pyramid["pyramid"].tolist()[-1] == "lead"  # the -12 customer of the cohort table


def test_cdnow_bottom_80_percent_by_spend_made_32_percent_of_spending():
    spend = datasets.load_cdnow_master().groupby("customer_id")["amount"].sum()
    tiers = value.value_tiers(spend)
    low = tiers.loc[tiers["tier"] == "low", "value"]
    assert len(low) == 18_856
    assert low.sum() / spend.sum() == pytest.approx(0.3222, abs=5e-5)
    assert (low > 0).mean() > 0.99  # nearly every low-tier customer brought money in


def test_cdnow_illustrative_pyramid_30_percent_margin_4_dollars_an_order_lead_is_not_the_low_tier():
    """Chapter 4, section 4.5: profit = 0.30 x spend - 4 x orders (stated assumptions)."""
    purchases = datasets.load_cdnow_master()
    per_customer = purchases.groupby("customer_id")
    spend = per_customer["amount"].sum()
    profit = 0.30 * spend - 4.0 * per_customer.size()
    tiers = value.value_tiers(spend)
    pyramid = value.profitability_pyramid(profit)
    counts = pd.crosstab(tiers["tier"], pyramid["pyramid"].reindex(tiers.index))
    assert counts.loc["low"].to_dict() == {"diamond": 0, "gold": 3_512, "brass": 12_103, "lead": 3_241}
    assert counts.loc["top"].to_dict() == {"diamond": 236, "gold": 0, "brass": 0, "lead": 0}
    assert (pyramid["pyramid"] == "lead").sum() == 3_251
    low_profit = profit[tiers.index[tiers["tier"] == "low"]].sum()
    assert low_profit == pytest.approx(112_916.14, abs=0.01)
    assert low_profit / profit.sum() == pytest.approx(0.2395, abs=5e-5)


def test_essay_20_80_rule_top_20_percent_share_of_value():
    values = pd.Series([80.0] + [5.0] * 4)  # 1 of 5 customers = 20 %, 80 of 100 = 80 %
    assert value.pareto_share(values, top=0.2) == pytest.approx(0.80)


def test_essay_step_3_cdnow_top_5_percent_buy_many_cds_at_a_time_and_are_not_bargain_hunters():
    """Chapter 7, steps 1 and 3 on CDNOW (rows of 0 dollars left out): medians by value group."""
    paid = datasets.load_cdnow_master().query("amount > 0")
    habits = segment.purchase_habits(paid, items="cds")
    assert len(habits) == 23_502
    tiers = value.value_tiers(paid.groupby("customer_id")["amount"].sum())["tier"]
    top5 = tiers.isin(["top", "high"]).reindex(habits.index)
    bottom80 = (tiers == "low").reindex(habits.index)
    assert top5.sum() == 1_175 and bottom80.sum() == 18_802
    assert habits.loc[top5, "items_per_order"].median() == pytest.approx(3.44, abs=0.005)
    assert habits.loc[bottom80, "items_per_order"].median() == pytest.approx(1.33, abs=0.005)
    assert habits.loc[top5, "price_per_item"].median() == pytest.approx(14.84, abs=0.005)
    assert habits.loc[bottom80, "price_per_item"].median() == pytest.approx(14.17, abs=0.005)
    assert habits.loc[top5, "tenure_days"].median() == 450
    assert (habits.loc[top5, "items_per_order"] >= 3).mean() == pytest.approx(0.63, abs=0.005)
    assert (habits.loc[top5, "price_per_item"] < 12.70).mean() == pytest.approx(0.07, abs=0.005)
    assert (habits.loc[bottom80, "price_per_item"] < 12.70).mean() == pytest.approx(0.28, abs=0.005)


# -- 6. RFM (Hughes 1994) ----------------------------------------------------------------------

def test_hughes_5_by_5_by_5_is_125_cells():
    assert rfm.cell_count(5) == 125


def test_hughes_cell_532_is_r_group_5_f_group_3_m_group_2():
    table = pd.DataFrame(
        {"recency_days": [1, 10, 20, 30, 40], "frequency": [3, 1, 2, 4, 5], "monetary": [20.0, 10, 30, 40, 50]},
        index=pd.Index(["x", "b", "c", "d", "e"], name="customer_id"),
    )
    scored = rfm.rfm_scores(table)
    assert scored.loc["x", ["R", "F", "M"]].tolist() == [5, 3, 2]
    assert scored.loc["x", "cell"] == "532"


def test_hughes_every_one_of_the_125_cells_occurs_with_enough_customers():
    tx = datasets.make_transactions(3000, seed=1)
    scored = rfm.rfm_scores(rfm.rfm_table(tx, asof=tx["date"].max(), window_days=None))
    assert scored["cell"].str.fullmatch(r"[1-5]{3}").all()
    assert scored["cell"].nunique() > 100


def test_hughes_mail_only_cells_with_a_positive_break_even_index_such_as_555():
    scores = pd.DataFrame({"cell": ["555"] * 10 + ["111"] * 10,
                           "responded": [True] * 3 + [False] * 7 + [False] * 10})
    result = rfm.cell_response(scores, "responded", cost_per_contact=2.0, profit_per_response=40.0)
    # break-even rate 2/40 = 5 %; cell 555 responds 30 % -> index (0.30 - 0.05) / 0.05 x 100 = 500
    assert result.loc["555", "break_even_index"] == pytest.approx(500.0)
    assert result.loc["111", "break_even_index"] == pytest.approx(-100.0)
    assert result["mail"].to_dict() == {"555": True, "111": False}


# -- 7. The Quansheng case ---------------------------------------------------------------------

QUANSHENG_TODAY = "2004-11-27"


@pytest.fixture(scope="module")
def quansheng_alerts():
    tx = datasets.load_quansheng()
    alerts = churn.purchase_cycle_alerts(tx, asof=QUANSHENG_TODAY, window_days=365)
    names = tx.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
    return alerts.assign(name=names.reindex(alerts.index)).set_index("name")


def test_quansheng_over_40_million_yuan_about_1000_customers_today_2004_11_27():
    tx = datasets.load_quansheng()
    assert tx["amount"].sum() > 40_000_000
    assert tx["customer_id"].nunique() == 1000
    assert tx["date"].max() <= pd.Timestamp(QUANSHENG_TODAY)
    assert tx["date"].min() > pd.Timestamp(QUANSHENG_TODAY) - pd.Timedelta(days=365)


def test_quansheng_tm_equals_m_times_f():
    table = rfm.rfm_table(datasets.load_quansheng(), asof=QUANSHENG_TODAY)
    assert (table["avg_amount"] * table["frequency"]).to_numpy() == pytest.approx(table["monetary"].to_numpy())


def test_quansheng_tm_tiers_are_10_40_150_800_and_the_seven_firms_are_high_or_mid():
    tx = datasets.load_quansheng()
    tm = rfm.rfm_table(tx, asof=QUANSHENG_TODAY)["monetary"]
    tiers = value.value_tiers(tm)
    assert tiers["tier"].value_counts(sort=False).tolist() == [10, 40, 150, 800]
    names = tx.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
    seven = names[names.isin(list("甲乙丙丁戊己庚"))].index
    assert set(tiers.loc[seven, "tier"]) <= {"high", "mid"}
    assert len(seven) == 7


def test_quansheng_jia_wu_geng_are_inside_their_cycle_safe(quansheng_alerts):
    for firm in "甲戊庚":
        assert quansheng_alerts.loc[firm, "delta"] > 0
        assert quansheng_alerts.loc[firm, "status"] == "safe"


def test_quansheng_ding_is_on_the_line_delta_0(quansheng_alerts):
    assert quansheng_alerts.loc["丁", "delta"] == 0
    assert quansheng_alerts.loc["丁", "status"] == "watch"


def test_quansheng_yi_is_4_days_over_a_46_day_cycle_normal_fluctuation(quansheng_alerts):
    yi = quansheng_alerts.loc["乙"]
    assert round(yi["cycle_days"]) == 46  # P = 365 / 8
    assert round(-yi["delta"]) == 4
    assert yi["status"] == "watch"  # treated like 丁


def test_quansheng_bing_and_ji_are_26_and_22_days_over_a_17_day_cycle_high_risk(quansheng_alerts):
    for firm, overdue in (("丙", 26), ("己", 22)):
        row = quansheng_alerts.loc[firm]
        assert round(row["cycle_days"]) == 17  # P = 365 / 21
        assert round(-row["delta"]) == overdue
        assert row["status"] == "high risk"


def test_quansheng_bing_and_ji_overdue_days_are_not_double_the_cycle_but_their_recency_is(quansheng_alerts):
    """The source's 大一倍以上 (chapter 6's note): 26 and 22 days over a 17-day cycle are 1.5 and 1.3
    cycles; the days since the last purchase, 43 and 39, are 2.5 and 2.3 cycles."""
    for firm, recency in (("丙", 43), ("己", 39)):
        row = quansheng_alerts.loc[firm]
        assert row["recency_days"] == recency
        assert 1 < -row["delta"] / row["cycle_days"] < 2
        assert row["recency_days"] / row["cycle_days"] > 2
    assert round(26 / (365 / 21), 1) == 1.5 and round(43 / (365 / 21), 1) == 2.5


def test_quansheng_overdue_firms_are_yi_bing_ji(quansheng_alerts):
    seven = quansheng_alerts.loc[list("甲乙丙丁戊己庚")]
    assert sorted(seven.index[seven["delta"] < 0]) == sorted("乙丙己")
    assert sorted(seven.index[seven["delta"] > 0]) == sorted("甲戊庚")
