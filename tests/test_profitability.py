"""Chapter 10: customer profitability and the value of the customer base (crmlib.profitability,
clv.retention_clv, datasets.make_subscriptions, plots.whale_chart and c3_chart, two widgets).

Each key figure of the chapter is written out here. The CDNOW figures rest on the chapter's stated
assumptions (CDNOW has no costs): gross margin 30 %, 6 dollars to handle an order (a customer's
purchases on one day), 5 dollars per customer over the 18 months, free items kept (they are
shipped too).
"""

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, clv, datasets, plots, profitability, widgets

CDNOW_ASSUMPTIONS = {"margin": 0.30, "order_cost": 6.0, "customer_cost": 5.0, "returns": "keep"}
MONTHLY_RATE = 1.10 ** (1 / 12) - 1  # 10 % a year, per month: 0.7974 %


# -- retention-based CLV (Gupta & Lehmann 2003) ----------------------------------------------------

def test_gupta_lehmann_retention_clv_of_100_at_80_percent_and_10_percent_is_266_67():
    assert clv.retention_clv(100, 0.8, 0.1) == pytest.approx(266.6667, abs=1e-4)  # 100 x 0.8 / 0.3


def test_the_other_timing_convention_counts_the_first_margin_now_366_67_exactly_m_more():
    start = clv.retention_clv(100, 0.8, 0.1, timing="start")
    assert start == pytest.approx(366.6667, abs=1e-4)  # 100 x 1.1 / 0.3
    for m, r, d in [(100, 0.8, 0.1), (11.7, 0.8, MONTHLY_RATE), (-5, 0.5, 0.0)]:
        assert clv.retention_clv(m, r, d, timing="start") - clv.retention_clv(m, r, d) == pytest.approx(m)


def test_retention_clv_is_the_discounted_sum_of_margins_over_the_survival_probabilities():
    t = np.arange(1, 2000)
    for m, r, d in [(100, 0.8, 0.1), (20.7, 0.92, MONTHLY_RATE), (50, 0.3, 0.2)]:
        assert clv.retention_clv(m, r, d) == pytest.approx(np.sum(m * r ** t / (1 + d) ** t), rel=1e-9)
        start = np.sum(m * r ** (t - 1) / (1 + d) ** (t - 1))
        assert clv.retention_clv(m, r, d, timing="start") == pytest.approx(start, rel=1e-9)


def test_undiscounted_retention_clv_is_the_margin_times_the_periods_after_this_one():
    # chapter 2: average lifetime = 1 / churn; the margins still to come are lifetime - 1 periods
    assert clv.retention_clv(100, 0.8, 0.0) == pytest.approx(100 * (1 / 0.2 - 1))


def test_retention_clv_takes_arrays_of_retention_and_margin():
    assert clv.retention_clv(100, [0.5, 0.8, 0.9], 0.1).round(2).tolist() == [83.33, 266.67, 450.0]
    assert clv.retention_clv([11.7, 20.7], [0.8, 0.92], MONTHLY_RATE).round(2).tolist() == [45.01, 216.47]


@pytest.mark.parametrize("kwargs, message", [
    ({"retention": 80}, r"retention must be a rate between 0 and 1, got 80: write 80 % as 0.80"),
    ({"retention": -0.1}, "retention must be a rate between 0 and 1"),
    ({"retention": 1.0, "discount_rate": 0.0}, "infinite CLV"),
    ({"discount_rate": 10}, "looks like a percentage"),
    ({"margin": float("nan")}, "margin must be a number"),
    ({"timing": "middle"}, "timing must be 'end'"),
])
def test_retention_clv_refuses_bad_arguments_in_course_words(kwargs, message):
    arguments = {"margin": 100, "retention": 0.8, "discount_rate": 0.1, **kwargs}
    with pytest.raises(DataError, match=message):
        clv.retention_clv(**arguments)


# -- profit per customer -------------------------------------------------------------------------

@pytest.fixture
def purchases():
    """Customer a: two orders (two rows on 1 March are one order); b: one order; c: a free item."""
    return pd.DataFrame({
        "cust": ["a", "a", "a", "b", "c"],
        "day": ["2024-03-01", "2024-03-01", "2024-04-02", "2024-03-05", "2024-03-09"],
        "usd": [20.0, 15.0, 40.0, 90.0, 0.0],
    })


COLUMNS = {"customer": "cust", "date": "day", "amount": "usd"}


def test_cost_to_serve_counts_orders_as_days_and_adds_the_cost_per_customer(purchases):
    cost = profitability.cost_to_serve(purchases, order_cost=6.0, customer_cost=5.0, returns="keep", **COLUMNS)
    assert cost.to_dict() == {"a": 17.0, "b": 11.0, "c": 11.0}  # a: 2 x 6 + 5; b, c: 6 + 5
    assert cost.name == "cost_to_serve"


def test_customer_profit_is_margin_times_revenue_minus_cost_to_serve(purchases):
    table = profitability.customer_profit(purchases, margin=0.30, order_cost=6.0, customer_cost=5.0,
                                          returns="keep", **COLUMNS)
    assert table.columns.tolist() == list(profitability.PROFIT_COLUMNS)
    assert table["orders"].tolist() == [2, 1, 1]
    assert table["revenue"].tolist() == [75.0, 90.0, 0.0]
    assert table["profit"].tolist() == pytest.approx([5.5, 16.0, -11.0])  # 22.5 - 17; 27 - 11; 0 - 11


def test_two_customers_with_the_same_revenue_one_order_or_ten():
    # the chapter's first example: 100 in one order or in ten orders of 10
    tx = pd.DataFrame({"customer_id": ["A"] + ["B"] * 10,
                       "date": ["2024-01-05"] + [f"2024-{month:02d}-10" for month in range(1, 11)],
                       "amount": [100.0] + [10.0] * 10})
    table = profitability.customer_profit(tx, margin=0.30, order_cost=6.0, customer_cost=5.0)
    assert table["profit"].to_dict() == pytest.approx({"A": 19.0, "B": -35.0})


@pytest.mark.parametrize("kwargs, message", [
    ({"margin": 30}, r"margin is a share of revenue between 0 and 1, got 30: write 30 % as 0.30"),
    ({"margin": "30%"}, "margin must be a number between 0 and 1"),
    ({"margin": 0.3, "order_cost": -1}, "order_cost must be a number of at least 0"),
    ({"margin": 0.3, "customer_cost": None}, "customer_cost must be a number"),
])
def test_customer_profit_refuses_bad_margins_and_costs(purchases, kwargs, message):
    with pytest.raises(DataError, match=message):
        profitability.customer_profit(purchases, returns="keep", **COLUMNS, **kwargs)


def test_customer_profit_goes_through_the_one_door_for_transactions(purchases):
    with pytest.raises(DataError, match=r"column 'usd': amounts are zero or negative \(returns\?\) in 1 row: row 4"):
        profitability.customer_profit(purchases, margin=0.3, **COLUMNS)
    with pytest.raises(DataError, match="column 'customer_id' is missing from the transactions"):
        profitability.cost_to_serve(purchases, order_cost=6.0)


# -- the whale curve -------------------------------------------------------------------------------

def test_whale_curve_ranks_by_profit_and_rises_above_100_percent():
    curve = profitability.whale_curve(pd.Series({"a": 30.0, "b": -10.0, "c": 5.0, "d": 80.0}))
    assert curve.index.tolist() == ["d", "a", "c", "b"]
    assert curve["profit_share"].round(4).tolist() == [0.7619, 1.0476, 1.0952, 1.0]  # 80, 110, 115, 105 of 105
    assert curve["customer_share"].tolist() == [0.25, 0.5, 0.75, 1.0]


def test_whale_curve_takes_the_profit_table_and_breaks_ties_by_customer_id():
    table = pd.DataFrame({"profit": [5.0, 5.0, 9.0]}, index=[30, 10, 20])
    assert profitability.whale_curve(table).index.tolist() == [20, 10, 30]


def test_whale_summary_names_the_hump_and_what_the_unprofitable_destroy():
    key = profitability.whale_summary(pd.Series({"a": 30.0, "b": -10.0, "c": 5.0, "d": 80.0}), top=0.25)
    assert key["peak_profit_share"] == pytest.approx(115 / 105)
    assert key["profit_destroyed"] == 10.0
    assert key["profitable_customers"] == 3 and key["unprofitable_customers"] == 1
    assert key["top_profit_share"] == pytest.approx(80 / 105)


@pytest.mark.parametrize("profit, message", [
    (pd.Series({"a": 10.0, "b": -30.0}), r"the customers' total profit is -20.00: a whale curve"),
    (pd.Series(dtype="float64"), "profit is empty"),
    (pd.Series({"a": 10.0, "b": np.nan}), "profit is missing or infinite for 1 customer: 'b'"),
    (pd.Series({"a": "ten"}), "profit must be numbers"),
    (pd.DataFrame({"revenue": [1.0]}), "column 'profit' is missing from the profit table"),
])
def test_whale_curve_refuses_what_it_cannot_rank(profit, message):
    with pytest.raises(DataError, match=message):
        profitability.whale_curve(profit)


def test_whale_summary_refuses_a_top_share_written_as_a_percentage():
    with pytest.raises(DataError, match="top is a share of customers"):
        profitability.whale_summary(pd.Series([1.0, 2.0]), top=20)


# -- loyal is not profitable ---------------------------------------------------------------------

def test_loyalty_profit_segments_are_reinartz_and_kumars_four_kinds():
    profit = pd.Series({"a": 50.0, "b": 40.0, "c": -5.0, "d": 2.0})
    months = pd.Series({"d": 0, "c": 15, "b": 1, "a": 12})  # another order: matched by customer
    segments = profitability.loyalty_profit_segments(profit, months, profit_cut=10, loyalty_cut=6)
    assert segments.tolist() == ["true friends", "butterflies", "barnacles", "strangers"]
    assert list(segments.cat.categories) == list(profitability.LOYALTY_SEGMENTS)
    by_median = profitability.loyalty_profit_segments(profit, months)  # cuts 21 and 6.5
    assert by_median.tolist() == ["true friends", "butterflies", "barnacles", "strangers"]


def test_loyalty_profit_segments_need_the_same_customers():
    with pytest.raises(DataError, match="profit and loyalty need the same customers"):
        profitability.loyalty_profit_segments(pd.Series({"a": 1.0, "b": 2.0}), pd.Series({"a": 3}))


# -- LTV to CAC and customer equity (Gupta, Lehmann & Stuart 2004) --------------------------------

def test_ltv_to_cac():
    assert profitability.ltv_to_cac(180.0, 60.0) == 3.0
    assert profitability.ltv_to_cac(pd.Series({"basic": 45.0, "family": 240.0}), 60.0).tolist() == [0.75, 4.0]
    with pytest.raises(DataError, match="acquisition_cost must be above zero"):
        profitability.ltv_to_cac(100.0, 0)


def test_customer_equity_of_the_docstring_example():
    equity = profitability.customer_equity(1000, 100, 0.8, 0.1, new_customers=200, acquisition_cost=150)
    assert equity["current_customers"] == pytest.approx(266_666.67, abs=0.01)  # 1000 x 266.67
    assert equity["future_customers"] == pytest.approx(433_333.33, abs=0.01)   # 200 x (366.67 - 150) / 0.1
    assert equity["customer_equity"] == pytest.approx(700_000.00, abs=0.01)


def test_customer_equity_is_the_sum_of_the_discounted_cohorts():
    n_now, m, r, d, n_new, c = 500, 20.0, 0.9, 0.01, 40, 35.0
    t = np.arange(1, 5000)
    current = n_now * np.sum(m * r ** t / (1 + d) ** t)
    per_new = m * np.sum(r ** (t - 1) / (1 + d) ** (t - 1)) - c
    future = np.sum(n_new * per_new / (1 + d) ** t)
    equity = profitability.customer_equity(n_now, m, r, d, new_customers=n_new, acquisition_cost=c)
    assert equity["current_customers"] == pytest.approx(current, rel=1e-9)
    assert equity["future_customers"] == pytest.approx(future, rel=1e-9)
    assert profitability.customer_equity(n_now, m, r, d)["future_customers"] == 0.0


def test_customer_equity_refuses_endless_undiscounted_acquisitions():
    with pytest.raises(DataError, match="the discount rate must be above zero"):
        profitability.customer_equity(100, 10, 0.5, 0.0, new_customers=10)
    with pytest.raises(DataError, match="new_customers must be a number of at least 0"):
        profitability.customer_equity(100, 10, 0.5, 0.1, new_customers=-10)


# -- cohorts ---------------------------------------------------------------------------------------

@pytest.fixture
def cohort_purchases():
    return pd.DataFrame({"customer_id": [1, 2, 1, 3, 2, 1],
                         "date": ["1997-01-20", "1997-02-03", "1997-02-25", "1997-03-15", "1997-03-20", "1997-03-21"],
                         "amount": [12.0, 30.0, 8.0, 20.0, 10.0, 5.0]})


def test_acquisition_cohorts_are_the_periods_of_the_first_purchase(cohort_purchases):
    cohorts = profitability.acquisition_cohorts(cohort_purchases)
    assert cohorts.astype(str).to_dict() == {1: "1997-01", 2: "1997-02", 3: "1997-03"}
    assert profitability.acquisition_cohorts(cohort_purchases, freq="Q").astype(str).unique().tolist() == ["1997Q1"]


def test_cohort_table_by_period_is_zero_before_acquisition(cohort_purchases):
    table = profitability.cohort_table(cohort_purchases)
    assert table.to_numpy().tolist() == [[12.0, 8.0, 5.0], [0.0, 30.0, 10.0], [0.0, 0.0, 20.0]]
    assert table.sum().tolist() == [12.0, 38.0, 35.0]  # each month's revenue
    orders = profitability.cohort_table(cohort_purchases, value="orders")
    assert orders.to_numpy().sum() == 6


def test_cohort_table_by_age_marks_what_the_data_does_not_reach_yet(cohort_purchases):
    table = profitability.cohort_table(cohort_purchases, value="customers", by="age")
    assert table.columns.tolist() == [0, 1, 2]
    assert table.fillna(-1).to_numpy().tolist() == [[1, 1, 1], [1, 1, -1], [1, -1, -1]]


def test_cohort_table_yearly_cohorts_followed_monthly(cohort_purchases):
    table = profitability.cohort_table(cohort_purchases, cohort_freq="Y")
    assert table.index.astype(str).tolist() == ["1997"]
    assert table.iloc[0].tolist() == [12.0, 38.0, 35.0]
    by_age = profitability.cohort_table(cohort_purchases, value="customers", by="age", cohort_freq="Q")
    # the quarter's last customers joined in March, the last month of the data: only age 0 is seen for all
    assert by_age.iloc[0].fillna(-1).tolist() == [3.0, -1, -1]


@pytest.mark.parametrize("kwargs, message", [
    ({"freq": "ME"}, r"freq must be one of \('D', 'W', 'M', 'Q', 'Y'\)"),
    ({"value": "profit"}, "value must be one of"),
    ({"by": "cohort"}, "by must be 'period'"),
    ({"freq": "M", "cohort_freq": "W"}, "cohort_freq 'W' must be freq 'M' or a longer period"),
    ({"freq": "W", "cohort_freq": "M"}, "weeks do not add up to months"),
])
def test_cohort_table_refuses_bad_arguments(cohort_purchases, kwargs, message):
    with pytest.raises(DataError, match=message):
        profitability.cohort_table(cohort_purchases, **kwargs)


def test_cohort_retention_pools_the_cohorts_followed_to_each_age():
    table = pd.DataFrame([[100.0, 80.0, 64.0], [200.0, 150.0, np.nan]], columns=pd.Index([0, 1, 2], name="age"))
    retention = profitability.cohort_retention(table)
    assert retention.round(4).tolist() == [0.7667, 0.8]  # (80 + 150) / 300; 64 / 80
    with pytest.raises(DataError, match="customers_by_age must have the columns 0, 1, 2"):
        profitability.cohort_retention(table.rename(columns={0: "a"}))


# -- chapter 10's key figures on CDNOW -------------------------------------------------------------

@pytest.fixture(scope="module")
def cdnow():
    return datasets.load_cdnow_master()


@pytest.fixture(scope="module")
def cdnow_profit(cdnow):
    return profitability.customer_profit(cdnow, **CDNOW_ASSUMPTIONS)


def test_ch10_cdnow_revenue_2500315_63_gross_profit_750094_69_cost_to_serve_523396_profit_226698_69(cdnow_profit):
    totals = cdnow_profit.sum()
    assert totals["orders"] == 67_591  # 69,659 rows, 67,591 customer-days
    assert totals["revenue"] == pytest.approx(2_500_315.63, abs=0.005)
    assert totals["gross_profit"] == pytest.approx(750_094.689, abs=0.001)
    assert totals["cost_to_serve"] == 523_396.0  # 6 x 67,591 + 5 x 23,570
    assert totals["profit"] == pytest.approx(226_698.689, abs=0.001)


def test_ch10_cdnow_whale_top_20_percent_make_125_percent_peak_137_percent_58_percent_lose_money(cdnow_profit):
    key = profitability.whale_summary(cdnow_profit)
    assert key["customers"] == 23_570
    assert key["top_profit_share"] == pytest.approx(1.2541, abs=5e-5)
    assert key["profitable_customers"] == 9_812 and key["profitable_share"] == pytest.approx(0.4163, abs=5e-5)
    assert key["peak_profit_share"] == pytest.approx(1.3701, abs=5e-5)
    assert key["unprofitable_customers"] == 13_758 and key["unprofitable_share"] == pytest.approx(0.5837, abs=5e-5)
    assert key["profit_destroyed"] == pytest.approx(83_906.307, abs=0.001)


def test_ch10_cdnow_one_order_customers_12054_lose_22313_three_in_four_unprofitable(cdnow_profit):
    one = cdnow_profit[cdnow_profit["orders"] == 1]
    assert len(one) == 12_054
    assert one["profit"].sum() == pytest.approx(-22_313.313, abs=0.001)
    assert (one["profit"] < 0).mean() == pytest.approx(0.7482, abs=5e-5)


def test_ch10_cdnow_loyal_is_not_profitable_3076_friends_6736_butterflies_1452_barnacles_12306_strangers(
        cdnow, cdnow_profit):
    by_customer = cdnow.groupby("customer_id")["date"]
    months = (by_customer.max() - by_customer.min()).dt.days / 30.4375
    segments = profitability.loyalty_profit_segments(cdnow_profit["profit"], months, profit_cut=0, loyalty_cut=12)
    assert segments.value_counts().to_dict() == {"strangers": 12_306, "butterflies": 6_736, "true friends": 3_076,
                                                 "barnacles": 1_452}
    barnacles = cdnow_profit[segments == "barnacles"]
    assert barnacles["revenue"].sum() / barnacles["orders"].sum() == pytest.approx(17.87, abs=0.005)
    assert months.corr(cdnow_profit["profit"]) == pytest.approx(0.284, abs=5e-4)


def test_ch10_cdnow_is_one_quarter_of_first_purchases_three_monthly_cohorts_7846_8476_7248(cdnow):
    cohorts = profitability.acquisition_cohorts(cdnow, returns="keep")
    assert cohorts.value_counts().sort_index().tolist() == [7_846, 8_476, 7_248]
    revenue = profitability.cohort_table(cdnow, returns="keep")
    assert revenue.shape == (3, 18)  # January 1997 .. June 1998
    assert revenue.to_numpy().sum() == pytest.approx(2_500_315.63, abs=0.005)
    active = profitability.cohort_table(cdnow, value="customers", by="age", returns="keep")
    assert (active[1] / active[0]).round(3).tolist() == [0.147, 0.155, 0.142]


# -- chapter 10's key figures on the generated subscription file ---------------------------------

@pytest.fixture(scope="module")
def boxes():
    return datasets.make_subscriptions()


def test_make_subscriptions_same_seed_same_frame_17119_subscribers_109398_boxes(boxes):
    pd.testing.assert_frame_equal(boxes, datasets.make_subscriptions(seed=2019))
    assert not boxes.equals(datasets.make_subscriptions(seed=2020))
    assert boxes.shape == (109_398, 4) and boxes["customer_id"].nunique() == 17_119
    assert boxes.columns.tolist() == ["customer_id", "date", "amount", "plan"]
    assert str(boxes["date"].dtype) == "datetime64[ns]" and boxes["amount"].dtype == "float64"
    assert boxes["date"].min() == pd.Timestamp("2019-01-01") and boxes["date"].max() <= pd.Timestamp("2023-12-28")
    assert bool(boxes["date"].is_monotonic_increasing)
    assert (boxes.groupby("customer_id")["plan"].nunique() == 1).all()


def test_make_subscriptions_recovers_its_true_retention_0_80_and_0_92(boxes):
    measured = {}
    for plan in ("basic", "family"):
        table = profitability.cohort_table(boxes[boxes["plan"] == plan], value="customers", by="age")
        measured[plan] = profitability.cohort_retention(table)
    assert measured["basic"].loc[1:12].mean() == pytest.approx(0.80, abs=0.01)
    assert measured["family"].loc[1:12].mean() == pytest.approx(0.92, abs=0.01)
    # one box a month while subscribed: no subscriber skips a month and comes back
    months = boxes["date"].dt.to_period("M").astype("int64")
    spans = months.groupby(boxes["customer_id"]).agg(["min", "max", "size"])
    assert (spans["max"] - spans["min"] + 1 == spans["size"]).all()


def test_ch10_pooled_retention_rises_with_age_from_0_851_to_0_884_as_basic_subscribers_leave(boxes):
    retention = profitability.cohort_retention(profitability.cohort_table(boxes, value="customers", by="age"))
    assert retention.loc[1] == pytest.approx(0.851, abs=5e-4)
    assert retention.loc[12] == pytest.approx(0.884, abs=5e-4)


def test_ch10_new_subscriber_clv_56_71_basic_237_17_family_ltv_to_cac_0_95_and_3_95():
    margin = {"basic": 0.30 * 39.0, "family": 0.30 * 69.0}  # 11.70 and 20.70 a box
    start = {plan: clv.retention_clv(margin[plan], r, MONTHLY_RATE, timing="start")
             for plan, r in (("basic", 0.80), ("family", 0.92))}
    assert round(start["basic"], 2) == 56.71 and round(start["family"], 2) == 237.17
    assert round(profitability.ltv_to_cac(start["basic"], 60.0), 2) == 0.95
    assert round(profitability.ltv_to_cac(start["family"], 60.0), 2) == 3.95
    mix = 0.6 * start["basic"] + 0.4 * start["family"]
    assert round(mix, 2) == 128.89 and round(profitability.ltv_to_cac(mix, 60.0), 2) == 2.15


def test_ch10_customer_equity_at_the_end_of_2023_467941_now_3412595_to_come(boxes):
    december = boxes[boxes["date"] >= "2023-12-01"]["plan"].value_counts()
    assert december.to_dict() == {"family": 1_918, "basic": 1_172}
    new_per_month = profitability.acquisition_cohorts(boxes).value_counts().sort_index().loc["2023"].mean()
    assert new_per_month == pytest.approx(397.92, abs=0.005)
    plans = datasets.SUBSCRIPTION_PLANS.set_index("plan")
    equity = sum(profitability.customer_equity(december[plan], 0.30 * plans.loc[plan, "price"],
                                               plans.loc[plan, "retention"], MONTHLY_RATE,
                                               new_customers=395 * plans.loc[plan, "share"], acquisition_cost=60.0)
                 for plan in ("basic", "family"))
    assert equity["current_customers"] == pytest.approx(467_941.20, abs=0.01)
    assert equity["future_customers"] == pytest.approx(3_412_595.18, abs=0.01)
    assert equity["customer_equity"] == pytest.approx(3_880_536.39, abs=0.01)


# -- plots and widgets -------------------------------------------------------------------------------

def test_whale_chart_marks_the_peak_and_the_top_share(cdnow_profit):
    ax = plots.whale_chart(profitability.whale_curve(cdnow_profit))
    assert [t.get_text() for t in ax.texts] == ["peak: 137% of profit\nfrom the top 42% of customers",
                                                "top 20%: 125%"]
    with pytest.raises(DataError, match="column 'profit_share' is missing from the whale curve"):
        plots.whale_chart(pd.DataFrame({"customer_share": [1.0]}))


def test_c3_chart_stacks_one_layer_per_cohort_and_names_about_12(boxes, cdnow):
    ax = plots.c3_chart(profitability.cohort_table(cdnow, returns="keep"))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1997-01", "1997-02", "1997-03"]
    monthly = plots.c3_chart(profitability.cohort_table(boxes))
    assert len(monthly.collections) == 60 and len(monthly.get_legend().get_texts()) == 12
    with pytest.raises(DataError, match="calendar periods as columns"):
        plots.c3_chart(profitability.cohort_table(boxes, by="age"))


def test_whale_explorer_recomputes_the_curve_and_says_when_there_is_no_whale(cdnow):
    box = widgets.whale_explorer(cdnow, returns="keep")
    summary = box.children[3]
    assert "42% of customers are profitable and make <b>137%</b>" in summary.value
    box.children[0].value = 0.20  # margin 20 %: the customers lose money together
    assert "Total profit is <b>-23,333</b>" in summary.value


def test_retention_clv_explorer_shows_both_conventions():
    box = widgets.retention_clv_explorer()
    assert "<b>266.67</b>" in box.children[3].value and "366.67" in box.children[3].value
    box.children[1].value = 0.5
    assert "<b>83.33</b>" in box.children[3].value
