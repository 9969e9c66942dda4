"""Shared plumbing of the models: reading a customer summary, naming bad customers, fitting."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from crmlib.contract import DataError, NotFittedError, first_rows, require_columns


class ConvergenceWarning(UserWarning):
    """The maximum-likelihood search stopped before it converged: check the data and the fit."""


def customers_named(index: pd.Index, mask) -> str:
    """'3 customers: 17, 42, 99' for the customers (index labels) where ``mask`` is true."""
    return first_rows(index, mask, noun="customer")


def as_summary(data, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    """The columns of a customer summary as a float DataFrame, checked for presence and numbers.

    ``data`` is a DataFrame (normally from :func:`crmlib.btyd.btyd_summary`) or a mapping of
    column name to a number or a list of numbers (one customer: ``{"x": 2, "t_x": 30.43, "T": 38.86}``).
    """
    if isinstance(data, Mapping) and not isinstance(data, pd.DataFrame):
        values = {k: np.atleast_1d(np.asarray(v)) for k, v in data.items()}
        data = pd.DataFrame(values)
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            f"{what} takes a customer summary DataFrame (from crmlib.rfm.btyd_summary) "
            f"with columns {list(columns)}, got {type(data).__name__}"
        )
    require_columns(data, columns, "the customer summary",
                    f"{what} needs columns {list(columns)}; build it with crmlib.btyd.btyd_summary()")
    out = pd.DataFrame(index=data.index)
    for column in columns:
        values = pd.to_numeric(data[column], errors="coerce").astype("float64")
        bad = values.isna() | ~np.isfinite(values)
        if bad.any():
            raise DataError(
                f"column {column!r}: values are missing or not finite numbers for "
                f"{customers_named(data.index, bad)}"
            )
        out[column] = values
    if len(out) == 0:
        raise DataError(f"the customer summary is empty: {what} has no customer to work on")
    return out


def check_counts(summary: pd.DataFrame, column: str = "x") -> None:
    """Repeat-purchase counts must be whole numbers of at least 0."""
    x = summary[column]
    negative = x < 0
    if negative.any():
        raise DataError(
            f"column {column!r} (repeat purchases) is negative for {customers_named(summary.index, negative)}: "
            f"a count of purchases cannot be below zero"
        )
    fractional = x != np.round(x)
    if fractional.any():
        raise DataError(
            f"column {column!r} (repeat purchases) is not a whole number for "
            f"{customers_named(summary.index, fractional)}: count purchase days, not amounts"
        )


def check_recency(summary: pd.DataFrame) -> None:
    """0 <= t_x <= T, t_x = 0 exactly when x = 0, and T > 0 (the customer's age)."""
    idx = summary.index
    x, t_x, T = summary["x"], summary["t_x"], summary["T"]
    if (T <= 0).any():
        raise DataError(
            f"column 'T' (age: time from the first purchase to the end of the calibration period) "
            f"is zero or negative for {customers_named(idx, T <= 0)}: leave out customers who "
            f"first bought on the last day, or end the calibration period later"
        )
    if (t_x < 0).any():
        raise DataError(
            f"column 't_x' (time of the last purchase) is negative for "
            f"{customers_named(idx, t_x < 0)}: it is measured from the first purchase, so it is at least 0"
        )
    late = t_x > T * (1 + 1e-12)
    if late.any():
        raise DataError(
            f"t_x (time of the last purchase) is larger than T (the customer's age) for "
            f"{customers_named(idx, late)}: the last purchase cannot come after the end of the "
            f"calibration period; rebuild the summary with crmlib.rfm.btyd_summary()"
        )
    lonely = (x == 0) & (t_x != 0)
    if lonely.any():
        raise DataError(
            f"t_x is not 0 for {customers_named(idx, lonely)} with no repeat purchase (x = 0): "
            f"with only the first purchase, the last purchase is the first one"
        )
    silent = (x > 0) & (t_x == 0)
    if silent.any():
        raise DataError(
            f"t_x is 0 for {customers_named(idx, silent)} with repeat purchases (x > 0): a repeat "
            f"purchase comes after the first, so t_x > 0; count purchase days, not rows"
        )


def known_params(values, names, model: str) -> pd.Series:
    """Parameters given by hand (for example published ones) as a Series, all checked positive."""
    params = pd.Series(list(values), index=list(names), dtype="float64", name=model)
    if (params <= 0).any() or not np.isfinite(params).all():
        raise DataError(f"{model} parameters must all be positive numbers, got {params.to_dict()}")
    return params


def check_enough(n: int, n_params: int, who: str, model: str) -> None:
    if n < n_params:
        raise DataError(
            f"{model} has {n_params} parameters but the data have only {n} {who}: "
            f"a model cannot be fitted on fewer {who} than parameters"
        )


def maximize_log_likelihood(neg_ll, start, model: str) -> tuple[np.ndarray, float, bool]:
    """Minimise ``neg_ll`` over log-parameters from ``start``; returns (log-params, min, converged).

    BFGS first; if it stops without converging, Nelder-Mead from its end point, then BFGS again.
    Never prints; a search that still has not converged gives a :class:`ConvergenceWarning`.
    """
    start = np.asarray(start, dtype="float64")

    def objective(theta):
        value = neg_ll(theta)
        return value if np.isfinite(value) else 1e300

    result = minimize(objective, start, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
    if not result.success:
        polish = minimize(objective, result.x, method="Nelder-Mead",
                          options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
        result = minimize(objective, polish.x, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
        if not result.success and polish.fun <= result.fun:
            result = polish
    converged = bool(result.success) or _is_stationary(objective, result.x)
    if not converged:
        warnings.warn(
            f"{model}: the maximum-likelihood search did not converge ({result.message}); "
            f"the parameters may be off: check the data (enough repeat buyers?)",
            ConvergenceWarning,
            stacklevel=3,
        )
    return result.x, float(result.fun), converged


def _is_stationary(objective, theta, step: float = 1e-5, tol: float = 1e-4) -> bool:
    """True when no coordinate step of the objective improves it by more than ``tol`` (relative)."""
    base = objective(theta)
    for i in range(len(theta)):
        for sign in (-1.0, 1.0):
            moved = theta.copy()
            moved[i] += sign * step
            if objective(moved) < base - tol * max(1.0, abs(base)) * step:
                return False
    return True


def check_fitted(model, method: str) -> None:
    if getattr(model, "params_", None) is None:
        raise NotFittedError(
            f"{type(model).__name__}.{method}() needs a fitted model: call fit() first "
            f"(or build one from known parameters with {type(model).__name__}.from_params())"
        )
