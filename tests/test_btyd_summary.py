"""btyd_summary: the x, t_x, T, monetary summary of the literature, on CDNOW and on small cases.

Reference: Fader, Hardie & Lee (2005), "Counting your customers the easy way" (and Hardie's note
on building the CDNOW summary): the 1/10 CDNOW sample with a 39-week calibration period
(1997-01-01 .. 1997-09-30) has 2,357 customers, 946 of them repeat buyers, with 2,457 repeat
purchases; purchases are counted per day and time is in weeks.
"""

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError
from crmlib.btyd import btyd_summary
from crmlib.datasets import load_cdnow_sample, make_transactions

CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"


@pytest.fixture(scope="module")
def cdnow():
    return btyd_summary(load_cdnow_sample(), CALIBRATION_END, OBSERVATION_END, returns="keep")


def test_fhl2005_cdnow_sample_39_weeks_has_2357_customers_946_repeat_buyers_2457_repeat_purchases(cdnow):
    assert len(cdnow) == 2357
    assert int((cdnow["x"] > 0).sum()) == 946
    assert int(cdnow["x"].sum()) == 2457


def test_fhl2005_cdnow_ages_are_in_weeks_up_to_38_86_and_the_holdout_is_39_weeks(cdnow):
    # A customer who first bought on 1997-01-01 is 272 days = 38.86 weeks old on 1997-09-30
    # (Hardie's spreadsheet customer has T = 38.86); the sample's last first purchase is on
    # 1997-03-25, 189 days = 27 weeks before the calibration end.
    assert cdnow["T"].max() == pytest.approx(272 / 7)
    assert cdnow["T"].min() == pytest.approx(27.0)
    assert (cdnow["T_holdout"] == 39.0).all()
    assert (cdnow["t_x"] <= cdnow["T"]).all()


def test_cdnow_holdout_counts_purchase_days_after_the_calibration_end(cdnow):
    sample = load_cdnow_sample()
    hold = sample[(sample["date"] > CALIBRATION_END) & (sample["date"] <= OBSERVATION_END)]
    days = hold.groupby(["customer_id", "date"]).size()
    assert int(cdnow["x_holdout"].sum()) == len(days)
    assert cdnow["x_holdout"].dtype == "int64"


def test_columns_index_and_dtypes(cdnow):
    assert list(cdnow.columns) == ["x", "t_x", "T", "monetary", "x_holdout", "monetary_holdout",
                                   "T_holdout", "first_purchase"]
    assert cdnow.index.name == "customer_id"
    assert cdnow.index.is_monotonic_increasing
    assert cdnow["x"].dtype == "int64"
    assert (cdnow.loc[cdnow["x"] == 0, "monetary"] == 0).all()
    assert (cdnow.loc[cdnow["x"] > 0, "monetary"] > 0).all()


def test_without_observation_end_there_are_no_holdout_columns():
    summary = btyd_summary(load_cdnow_sample(), CALIBRATION_END, returns="keep")
    assert list(summary.columns) == ["x", "t_x", "T", "monetary", "first_purchase"]


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_purchases_on_one_day_are_one_purchase_and_monetary_leaves_out_the_first():
    tx = _tx([
        (1, "2020-01-01", 100.0),   # first purchase: not in monetary
        (1, "2020-01-08", 10.0),
        (1, "2020-01-08", 20.0),    # same day: one purchase of 30
        (1, "2020-01-22", 60.0),
        (2, "2020-01-15", 5.0),
    ])
    summary = btyd_summary(tx, "2020-01-29", freq="D")
    assert summary.loc[1, "x"] == 2
    assert summary.loc[1, "t_x"] == 21.0
    assert summary.loc[1, "T"] == 28.0
    assert summary.loc[1, "monetary"] == 45.0
    assert summary.loc[2, ["x", "t_x", "T", "monetary"]].tolist() == [0, 0.0, 14.0, 0.0]


def test_weeks_are_days_divided_by_7():
    tx = make_transactions(200, seed=3)
    end = tx["date"].min() + pd.Timedelta(days=300)
    days = btyd_summary(tx, end, freq="D")
    weeks = btyd_summary(tx, end, freq="W")
    pd.testing.assert_series_equal(weeks["x"], days["x"])
    np.testing.assert_allclose(weeks["T"] * 7, days["T"])
    np.testing.assert_allclose(weeks["t_x"] * 7, days["t_x"])


def test_customers_who_first_buy_after_the_calibration_end_are_left_out_and_later_purchases_ignored():
    tx = _tx([
        (1, "2020-01-01", 10.0), (1, "2020-03-01", 10.0), (1, "2020-06-01", 99.0),
        (2, "2020-02-15", 10.0),   # first purchase in the holdout: not in the cohort
    ])
    summary = btyd_summary(tx, "2020-01-31", "2020-03-31", freq="D")
    assert summary.index.tolist() == [1]
    assert summary.loc[1, "x"] == 0
    assert summary.loc[1, "x_holdout"] == 1          # the June purchase is after observation_end
    assert summary.loc[1, "monetary_holdout"] == 10.0
    assert summary.loc[1, "T_holdout"] == 60.0


def test_agrees_with_a_plain_loop_over_customers():
    tx = make_transactions(150, seed=11)
    end = tx["date"].min() + pd.Timedelta(days=400)
    summary = btyd_summary(tx, end, freq="D")
    for customer, rows in tx[tx["date"] <= end].groupby("customer_id"):
        day_totals = rows.groupby(rows["date"].dt.normalize())["amount"].sum().sort_index()
        first, last = day_totals.index[0], day_totals.index[-1]
        got = summary.loc[customer]
        assert got["x"] == len(day_totals) - 1
        assert got["t_x"] == (last - first).days
        assert got["T"] == (pd.Timestamp(end).normalize() - first).days
        expected_m = day_totals.iloc[1:].mean() if len(day_totals) > 1 else 0.0
        assert got["monetary"] == pytest.approx(expected_m)


def test_cdnow_free_items_need_returns_keep_and_the_error_says_so():
    with pytest.raises(DataError, match="returns='drop'.*returns='keep'"):
        btyd_summary(load_cdnow_sample(), CALIBRATION_END)


def test_unknown_freq_is_an_error():
    with pytest.raises(DataError, match="freq must be 'D'.*or 'W'"):
        btyd_summary(_tx([(1, "2020-01-01", 1.0)]), "2020-02-01", freq="M")


def test_observation_end_must_be_after_calibration_end():
    with pytest.raises(DataError, match="observation_end 2020-01-15 must be after calibration_end 2020-02-01"):
        btyd_summary(_tx([(1, "2020-01-01", 1.0)]), "2020-02-01", "2020-01-15")


def test_calibration_end_before_every_purchase_is_an_error():
    with pytest.raises(DataError, match="no purchase on or before calibration_end 2019-12-01"):
        btyd_summary(_tx([(1, "2020-01-01", 1.0)]), "2019-12-01")
