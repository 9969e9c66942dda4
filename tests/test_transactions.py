"""Bad input never passes silently: every problem raises crmlib.DataError naming column, problem and rows."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from crmlib import DataError, churn, rfm
from crmlib.transactions import DataWarning, validate_transactions


@pytest.fixture
def tx():
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c"],
        "date": ["2004-01-05", "2004-06-01", "2004-03-15", "2004-02-01", "2004-11-20"],
        "amount": [100.0, 250.0, 80.0, 60.0, 40.0],
    })


def test_clean_copy_has_standard_columns_and_types_and_leaves_the_input_alone(tx):
    original = tx.copy()
    clean = validate_transactions(tx.rename(columns={"customer_id": "cust"}).assign(store="x"), customer="cust")
    assert clean.columns.tolist() == ["customer_id", "date", "amount", "store"]
    assert pd.api.types.is_datetime64_any_dtype(clean["date"])
    assert clean["amount"].dtype == "float64"
    pd.testing.assert_frame_equal(tx, original)


def test_missing_column_is_named_with_the_columns_there_are(tx):
    with pytest.raises(DataError, match=re.escape(
            "column 'amount' is missing from the transactions (columns: ['customer_id', 'date', 'value']): "
            "name the customer, date and amount columns with customer=, date=, amount=")):
        validate_transactions(tx.rename(columns={"amount": "value"}))


def test_missing_customer_id_names_the_rows(tx):
    tx.loc[3, "customer_id"] = None
    with pytest.raises(DataError, match=re.escape(
            "column 'customer_id': customer ids are missing in 1 row: row 3 (missing)")):
        validate_transactions(tx)


def test_missing_date_names_the_rows(tx):
    tx.loc[[1, 4], "date"] = None
    with pytest.raises(DataError,
                       match=r"column 'date': dates are missing in 2 rows: row 1 \(missing\), row 4 \(missing\)"):
        validate_transactions(tx)


def test_unparsable_date_shows_the_value(tx):
    tx.loc[2, "date"] = "31/31/2004"
    with pytest.raises(DataError, match=re.escape(
            "column 'date': dates cannot be read in 1 row: row 2 ('31/31/2004'). Write dates as YYYY-MM-DD.")):
        validate_transactions(tx)


def test_non_numeric_amount_shows_the_value(tx):
    tx["amount"] = ["100", "¥250", "80", "sixty", "40"]
    with pytest.raises(DataError, match=re.escape(
            "column 'amount': amounts are not numbers in 2 rows: row 1 ('¥250'), row 3 ('sixty')")):
        validate_transactions(tx)


def test_missing_amount_names_the_rows(tx):
    tx.loc[0, "amount"] = np.nan
    with pytest.raises(DataError, match=re.escape("column 'amount': amounts are missing in 1 row: row 0 (missing)")):
        validate_transactions(tx)


def test_zero_or_negative_amount_is_an_error_unless_returns_are_asked_for(tx):
    tx.loc[1, "amount"] = -250.0
    tx.loc[3, "amount"] = 0.0
    with pytest.raises(DataError, match=re.escape(
            "column 'amount': amounts are zero or negative (returns?) in 2 rows: row 1 (-250.0), row 3 (0.0). "
            "Pass returns='drop' to leave them out or returns='keep' to net them.")):
        validate_transactions(tx)
    kept = validate_transactions(tx, returns="keep")
    assert kept["amount"].sum() == pytest.approx(100 + 80 - 250 + 40)


def test_dropped_returns_are_counted_and_reported(tx):
    tx.loc[1, "amount"] = -250.0
    with pytest.warns(DataWarning, match=re.escape(
            "dropped 1 of 5 rows with a zero or negative amount (returns) from column 'amount'")):
        clean = validate_transactions(tx, returns="drop")
    assert len(clean) == 4
    assert clean.attrs["dropped_rows"] == {"returns": 1}


def test_purchase_after_asof_names_the_rows(tx):
    with pytest.raises(DataError, match=re.escape(
            "column 'date': purchases are after asof 2004-10-01 in 1 row: row 4 ('2004-11-20')")):
        validate_transactions(tx, asof="2004-10-01")


def test_asof_before_every_purchase_says_so(tx):
    with pytest.raises(DataError, match=re.escape(
            "column 'date': asof 2003-12-31 is before every purchase (the first is 2004-01-05)")):
        validate_transactions(tx, asof="2003-12-31")


def test_empty_frame_is_an_error():
    empty = pd.DataFrame({"customer_id": [], "date": [], "amount": []})
    with pytest.raises(DataError, match="the transactions are empty: there is no purchase to analyse"):
        validate_transactions(empty)


def test_not_a_dataframe_is_an_error():
    with pytest.raises(DataError, match="transactions must be a pandas DataFrame, got list"):
        validate_transactions([("a", "2004-01-01", 5.0)])


def test_long_lists_of_bad_rows_are_cut_after_five_and_counted(tx):
    many = pd.concat([tx] * 4, ignore_index=True)
    many["amount"] = "n/a"
    with pytest.raises(DataError, match=re.escape(
            "in 20 rows: row 0 ('n/a'), row 1 ('n/a'), row 2 ('n/a'), row 3 ('n/a'), row 4 ('n/a') and 15 more")):
        validate_transactions(many)


def test_every_function_that_takes_transactions_goes_through_the_same_door(tx):
    tx["amount"] = tx["amount"].astype(object)
    tx.loc[2, "amount"] = "abc"
    for call in (lambda: rfm.rfm_table(tx, asof="2004-11-27"),
                 lambda: churn.purchase_cycle_alerts(tx, asof="2004-11-27")):
        with pytest.raises(DataError, match="column 'amount': amounts are not numbers in 1 row"):
            call()


def test_no_purchase_in_the_window_is_an_error(tx):
    with pytest.raises(DataError, match=re.escape(
            "column 'date': no purchase in the 30 days up to asof 2005-06-30 (the last purchase is 2004-11-20)")):
        rfm.rfm_table(tx, asof="2005-06-30", window_days=30)


def test_bad_settings_are_named():
    with pytest.raises(DataError, match="returns must be one of"):
        validate_transactions(pd.DataFrame({"customer_id": [1], "date": ["2004-01-01"], "amount": [1.0]}),
                              returns="ignore")
    with pytest.raises(DataError, match="bins must be a whole number from 2 to 9, got 12"):
        rfm.quantile_scores(pd.Series([1, 2, 3]), bins=12)


def test_returns_drop_warning_is_not_raised_when_nothing_is_dropped(tx):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_transactions(tx, returns="drop")
