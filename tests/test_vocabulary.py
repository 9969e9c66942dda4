"""One vocabulary across crmlib (issue 11): one word for one thing, in every public signature and column.

- the transactions argument is ``transactions``, with ``customer=``, ``date=``, ``amount=`` and
  ``returns=`` beside it; a discount rate is ``discount_rate``; a time unit is ``freq``;
- raw columns have words, scores have letters: ``purchase_cycle_alerts`` and ``rfm_scores`` share
  only raw columns that mean the same thing, never a letter.
"""

import importlib
import inspect
import pkgutil
import re
import warnings

import pandas as pd
import pytest

import crmlib
from crmlib import DataError, DataWarning, btyd, churn, clv, rfm
from crmlib.transactions import validate_transactions

#: Words that name one of the vocabulary's things in another way.
BANNED = {
    "tx": "transactions",
    "df": "transactions (or what the frame holds)",
    "rate": "discount_rate",
    "unit": "freq",
    "variables": "columns (as in segment.rfm_features)",
}

#: Parameters that keep one of those words because they mean something else; each with its reason
#: (the test fails on an entry that no longer exists, so the list cannot go stale).
KEPT_WITH_A_REASON = {
    # the unit a number is shown in (" yuan", " %"), not a unit of time: exercises' test cells pass it
    ("crmlib.grading.Checks.check_number", "unit"),
    ("crmlib.grading.Checks.check_values", "unit"),
}

TRANSACTION_KEYWORDS = ("customer", "date", "amount", "returns")


def _modules():
    names = ["crmlib"] + [m.name for m in pkgutil.walk_packages(crmlib.__path__, "crmlib.")]
    return [importlib.import_module(name) for name in names if name != "crmlib.course"]


def _public_callables():
    """(qualified name, callable) for every public function and public method crmlib defines."""
    found = {}
    for module in _modules():
        for name, member in vars(module).items():
            if name.startswith("_") or getattr(member, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(member):
                found[f"{module.__name__}.{name}"] = member
            elif inspect.isclass(member):
                for attribute, method in vars(member).items():
                    if attribute.startswith("_") and attribute != "__init__":
                        continue
                    if isinstance(method, (classmethod, staticmethod)):
                        method = method.__func__
                    if inspect.isfunction(method):
                        found[f"{module.__name__}.{name}.{attribute}"] = method
    return found


PUBLIC = _public_callables()


def _parameters(function):
    return [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]


def test_the_walk_finds_the_functions_of_every_module():
    for expected in ("crmlib.transactions.validate_transactions", "crmlib.rfm.rfm_table", "crmlib.btyd.btyd_summary",
                     "crmlib.churn.purchase_cycle_alerts", "crmlib.clv.pvifa", "crmlib.models.bgnbd.BetaGeo.fit"):
        assert expected in PUBLIC


def test_no_public_function_names_a_parameter_tx_df_rate_unit_or_variables():
    offenders = [
        f"{name}({parameter}=...): say {BANNED[parameter]}"
        for name, function in PUBLIC.items()
        for parameter in _parameters(function)
        if parameter in BANNED and (name, parameter) not in KEPT_WITH_A_REASON
    ]
    assert not offenders, "\n".join(offenders)


def test_kept_words_still_exist():
    done = [f"{name}: {parameter}" for name, parameter in KEPT_WITH_A_REASON
            if name not in PUBLIC or parameter not in _parameters(PUBLIC[name])]
    assert not done, f"gone: remove these entries from KEPT_WITH_A_REASON: {done}"


def test_a_constant_name_means_one_thing_in_every_module():
    """rfm.RFM_COLUMNS (the RFM table's columns) and segment.RFM_COLUMNS (the default features) were two."""
    seen = {}
    # each model module's PARAMS and COLUMNS are its own model's, as a class attribute would be
    for module in [m for m in _modules() if not m.__name__.startswith("crmlib.models.")]:
        for name, constant in vars(module).items():
            if name.isupper() and not name.startswith("_") and not callable(constant):
                seen.setdefault(name, []).append((module.__name__, constant))
    clashes = {name: [m for m, _ in places] for name, places in seen.items()
               if any(not _same(constant, places[0][1]) for _, constant in places[1:])}
    assert not clashes, f"one name, different values: {clashes}"


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def test_every_function_that_takes_transactions_takes_them_first_with_the_column_keywords_and_returns():
    takers = {name: function for name, function in PUBLIC.items()
              if "transactions" in _parameters(function)
              or {"customer", "date", "amount"} <= set(_parameters(function))}
    assert {"crmlib.transactions.validate_transactions", "crmlib.rfm.rfm_table", "crmlib.btyd.btyd_summary",
            "crmlib.churn.purchase_cycle_alerts"} <= set(takers)
    for name, function in takers.items():
        parameters = _parameters(function)
        assert parameters[0] == "transactions", f"{name}: the first parameter is {parameters[0]!r}"
        missing = [k for k in TRANSACTION_KEYWORDS if k not in parameters]
        assert not missing, f"{name} lacks {missing}"
        defaults = inspect.signature(function).parameters
        assert defaults["returns"].default == "error", f"{name}: returns= must default to 'error'"


def test_discount_rate_is_one_word_in_clv():
    assert _parameters(clv.discount_factors) == ["discount_rate", "years", "timing"]
    assert _parameters(clv.pvifa) == ["discount_rate", "years"]
    assert _parameters(clv.customer_lifetime_value) == ["contributions", "costs", "discount_rate", "years"]
    assert _parameters(clv.group_lifetime_value) == ["annual_contribution", "annual_cost", "discount_rate", "years"]
    assert clv.customer_lifetime_value(2400, discount_rate=0.08, years=20) == pytest.approx(23563.5538, abs=1e-4)
    assert clv.group_lifetime_value(2400, 0, discount_rate=0.08, years=20) == pytest.approx(23563.5538, abs=1e-4)


@pytest.fixture
def purchases():
    """Three customers of the Quansheng kind, and one return (a negative amount) of customer "a"."""
    return pd.DataFrame({
        "cust": ["a", "a", "a", "b", "b", "c", "a"],
        "day": ["2004-01-10", "2004-05-01", "2004-09-01", "2004-03-01", "2004-11-20", "2004-08-15", "2004-10-01"],
        "yuan": [100.0, 80.0, 120.0, 60.0, 90.0, 500.0, -80.0],
    })


COLUMNS = {"customer": "cust", "date": "day", "amount": "yuan"}


def test_alert_and_score_columns_share_only_raw_columns_that_mean_the_same(purchases):
    bought = purchases[purchases["yuan"] > 0]
    alerts = churn.purchase_cycle_alerts(bought, asof="2004-11-27", **COLUMNS)
    scores = rfm.rfm_scores(rfm.rfm_table(bought, asof="2004-11-27", **COLUMNS), bins=3)
    assert alerts.columns.tolist() == ["frequency", "cycle_days", "recency_days", "delta", "overdue_days",
                                       "last_purchase", "status"]
    shared = set(alerts.columns) & set(scores.columns)
    assert shared == {"frequency", "recency_days", "last_purchase"}
    for column in sorted(shared):  # the same words hold the same numbers
        pd.testing.assert_series_equal(alerts[column].sort_index(), scores[column].sort_index())
    letters = [c for c in alerts.columns if re.fullmatch(r"[A-Z]", str(c))]
    assert not letters, f"letters are scores (rfm_scores' R, F, M): the alerts use words, not {letters}"
    assert set(scores.columns) >= {"R", "F", "M", "cell"}


def test_purchase_cycle_alerts_passes_returns_on(purchases):
    with pytest.raises(DataError, match=r"column 'yuan': amounts are zero or negative \(returns\?\) in 1 row: row 6"):
        churn.purchase_cycle_alerts(purchases, asof="2004-11-27", **COLUMNS)
    with pytest.warns(DataWarning, match="dropped 1 of 7 rows with a zero or negative amount"):
        dropped = churn.purchase_cycle_alerts(purchases, asof="2004-11-27", returns="drop", **COLUMNS)
    without = churn.purchase_cycle_alerts(purchases.drop(index=6), asof="2004-11-27", **COLUMNS)
    pd.testing.assert_frame_equal(dropped, without)
    assert dropped.loc["a", "frequency"] == 3
    kept = churn.purchase_cycle_alerts(purchases, asof="2004-11-27", returns="keep", **COLUMNS)
    assert kept.loc["a", "frequency"] == 4  # a return kept is a row of the window, as in rfm_table
    assert kept.loc["a", "cycle_days"] == pytest.approx(365 / 4)


@pytest.mark.parametrize("call", [
    lambda t, **k: validate_transactions(t, **k),
    lambda t, **k: rfm.rfm_table(t, asof="2004-11-27", **k),
    lambda t, **k: btyd.btyd_summary(t, "2004-11-27", freq="D", **k),
    lambda t, **k: churn.purchase_cycle_alerts(t, asof="2004-11-27", **k),
], ids=["validate_transactions", "rfm_table", "btyd_summary", "purchase_cycle_alerts"])
def test_every_door_for_transactions_takes_the_same_keywords(purchases, call):
    with pytest.raises(DataError, match="returns='drop'"):
        call(purchases, **COLUMNS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        assert len(call(purchases, returns="drop", **COLUMNS)) > 0
    assert len(call(purchases, returns="keep", **COLUMNS)) > 0
