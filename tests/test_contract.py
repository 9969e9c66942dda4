"""crmlib.contract: the checks that many modules share say the same thing in the same words."""

import re

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, btyd, plots, rfm, satisfaction, segment
from crmlib.contract import SHOWN_ROWS, column_error, first_rows, require_columns
from crmlib.models import BetaGeo


def test_require_columns_names_the_first_missing_column_the_columns_there_are_and_the_fix():
    table = pd.DataFrame({"x": [1], "T": [2.0]})
    with pytest.raises(DataError, match=re.escape(
            "column 't_x' is missing from the summary (columns: ['x', 'T']): build it with btyd_summary()")):
        require_columns(table, ["x", "t_x", "monetary"], "the summary", "build it with btyd_summary()")
    assert require_columns(table, ("T", "x"), "the summary", "build it with btyd_summary()") is None


def test_require_columns_refuses_what_is_not_a_table():
    with pytest.raises(DataError, match="the survey must be a pandas DataFrame, got dict"):
        require_columns({"satisfaction": [5]}, ["satisfaction"], "the survey", "load it")


def test_first_rows_counts_and_names_the_first_five_with_or_without_values():
    assert first_rows(pd.Index([17]), [True], noun="customer") == "1 customer: 17"
    assert first_rows(pd.Index(["bob", "ann"]), [True, True], noun="customer") == "2 customers: 'bob', 'ann'"
    labels = pd.RangeIndex(1500)
    assert first_rows(labels, np.ones(1500, dtype=bool)) == "1,500 rows: 0, 1, 2, 3, 4 and 1,495 more"
    with_values = first_rows(pd.Index([3, 7]), [True, True], values=["¥250", np.nan])
    assert with_values == "2 rows: row 3 ('¥250'), row 7 (missing)"
    assert first_rows(pd.to_datetime(["2004-11-27"]), [True], noun="day") == "1 day: 2004-11-27 00:00:00"
    assert SHOWN_ROWS == 5


def test_the_models_name_bad_customers_with_first_rows():
    summary = pd.DataFrame({"x": [1, -1, -2], "t_x": [1.0, 0.0, 0.0], "T": [2.0, 2.0, 2.0]}, index=[7, "bob", 9])
    with pytest.raises(DataError, match=re.escape("is negative for 2 customers: 'bob', 9: a count of purchases")):
        BetaGeo().fit(summary)


def test_first_rows_reads_the_mask_by_position():
    mask = pd.Series([False, True], index=["b", "a"])  # a Series mask is not aligned by its labels
    assert first_rows(pd.Index(["a", "b"]), mask) == "1 row: 'b'"


def test_column_error_is_a_data_error_in_the_transactions_words():
    frame = pd.DataFrame({"amount": [1.0, -2.0, 0.0]}, index=[10, 11, 12])
    error = column_error(frame, "amount", frame["amount"] <= 0, "amounts are zero or negative", "Drop them.")
    assert isinstance(error, DataError)
    assert str(error) == ("column 'amount': amounts are zero or negative in 2 rows: row 11 (-2.0), row 12 (0.0). "
                          "Drop them.")
    assert str(column_error(frame, "amount", [True, False, False], "amounts are odd")).endswith("row 10 (1.0).")


# The modules speak through the contract: the same words for the same problem everywhere.

@pytest.mark.parametrize("call, what", [
    (lambda: rfm.rfm_scores(pd.DataFrame({"recency_days": [1]})), "the RFM table"),
    (lambda: rfm.cell_response(pd.DataFrame({"R": [1]}), [True], 1.0, 2.0), "the scores"),
    (lambda: segment.rfm_features(pd.DataFrame({"frequency": [1]})), "the table"),
    (lambda: satisfaction.repurchase_by_satisfaction(pd.DataFrame({"satisfaction": [5]})), "the survey"),
    (lambda: plots.alert_chart(pd.DataFrame({"cycle_days": [1.0]})), "the alerts"),
    (lambda: btyd.btyd_summary(pd.DataFrame({"customer_id": [1], "date": ["2004-01-01"]}), "2004-02-01"),
     "the transactions"),
    (lambda: BetaGeo().fit(pd.DataFrame({"x": [1], "t_x": [1.0]})), "the customer summary"),
], ids=["rfm_scores", "cell_response", "rfm_features", "survey", "alert_chart", "transactions", "models"])
def test_a_missing_column_is_reported_in_one_form(call, what):
    with pytest.raises(DataError, match=rf"^column '\w+' is missing from {what} \(columns: \[.*\]\): \w"):
        call()


@pytest.mark.parametrize("call, column", [
    (lambda: rfm.mailing_response_probability(pd.DataFrame({"R": [1, 12], "F": [1, 1], "M": [1, 1]})), "R"),
    (lambda: segment.kmeans_segments(pd.DataFrame({"m": [1.0, np.nan]}), k=1), "m"),
    (lambda: satisfaction.satisfied_defectors_share(pd.DataFrame({"satisfaction": [4, 9],
                                                                  "repurchased": [False, True]})), "satisfaction"),
], ids=["scores", "features", "survey"])
def test_bad_values_are_reported_in_one_form(call, column):
    with pytest.raises(DataError, match=rf"^column '{column}': .+ in 1 row: row 1 \(.+\)\. "):
        call()
