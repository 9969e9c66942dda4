"""What the three models share: the base class (repr, fitted check, ``from_params``, ``summary``
with standard errors), reading a customer summary, naming bad customers, and the fit itself."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import norm

from crmlib.contract import DataError, NotFittedError, first_rows, require_columns


class ConvergenceWarning(UserWarning):
    """The maximum-likelihood search stopped before it converged: check the data and the fit."""


# -- the base class -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FitSummary:
    """What :meth:`ProbabilityModel.summary` returns: the estimates with their uncertainty, and the fit.

    Attributes
    ----------
    model : str
        The model's name (``"BG/NBD"``).
    params : DataFrame
        One row per parameter: ``estimate``, ``std_error``, ``lower_95``, ``upper_95``.
    log_likelihood : float
        The maximised log-likelihood (the sum over the customers).
    n : int
        How many observations the fit used (customers, repeat buyers, cohort members).
    n_label : str
        What ``n`` counts.
    aic : float
        Akaike's information criterion, 2 k - 2 LL (k parameters): lower is better, between
        models fitted on the same data.
    """

    model: str
    params: pd.DataFrame
    log_likelihood: float
    n: int
    n_label: str
    aic: float

    def statistics(self) -> pd.Series:
        """The fit's statistics as a Series: log-likelihood, observations, parameters, AIC."""
        return pd.Series({"log-likelihood": self.log_likelihood, self.n_label: self.n,
                          "parameters": len(self.params), "AIC": self.aic}, name=self.model, dtype=object)

    def __repr__(self) -> str:
        head = (f"{self.model} fitted on {self.n:,} {self.n_label}: log-likelihood {self.log_likelihood:,.2f}, "
                f"AIC {self.aic:,.2f}")
        return head + "\n" + self.params.to_string(float_format=lambda v: f"{v:.4f}")

    def _repr_html_(self) -> str:
        head = (f"<p><b>{self.model}</b> fitted on {self.n:,} {self.n_label}: log-likelihood "
                f"{self.log_likelihood:,.2f}, AIC {self.aic:,.2f}</p>")
        return head + self.params.to_html(float_format=lambda v: f"{v:.4f}")


class ProbabilityModel:
    """The shared behaviour of :class:`~crmlib.models.BetaGeo`, :class:`~crmlib.models.GammaGamma`
    and :class:`~crmlib.models.ShiftedBetaGeometric`.

    Subclasses name their parameters (``PARAMS``), the model (``NAME``), what the fit counts
    (``FITTED_ON``) and, for a customer summary, its columns (``COLUMNS``, read and checked by
    :meth:`_check`, which calls the subclass's :meth:`_check_values`); ``fit`` ends with
    :meth:`_store_estimates`. Fitted values end in ``_``:
    ``params_``, ``log_likelihood_``, ``n_customers_``, ``converged_``, ``covariance_`` (the
    inverse of the Hessian of the negative log-likelihood at the optimum), ``standard_errors_``
    and ``aic_``.
    """

    PARAMS: tuple[str, ...] = ()
    NAME = ""
    FITTED_ON = "customers"
    COLUMNS: tuple[str, ...] = ()

    def _check(self, summary) -> pd.DataFrame:
        """The customer summary's ``COLUMNS`` as floats, checked (whole repeat counts, then the model's own checks)."""
        data = as_summary(summary, self.COLUMNS, self.NAME)
        check_counts(data)
        self._check_values(data)
        return data

    def _check_values(self, data: pd.DataFrame) -> None:
        """What else the model needs of a summary; raises :class:`~crmlib.DataError`."""

    def __init__(self, start=None):
        self.start = start

    # ------------------------------------------------------------------ building
    @classmethod
    def from_params(cls, *values, **named):
        """A model with known parameters (for example published ones), ready to predict.

        Give the parameters by name (``BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793,
        b=2.426)``) or in the order of ``PARAMS``. The model has no data behind it, so it has no
        log-likelihood and no standard errors (:meth:`summary` needs a fitted model).

        >>> from crmlib.models import GammaGamma
        >>> GammaGamma.from_params(6.25, 3.74, gamma=15.44)
        GammaGamma(p=6.250, q=3.740, gamma=15.440)
        """
        names = list(cls.PARAMS)
        if len(values) > len(names):
            raise DataError(f"{cls.NAME} has {len(names)} parameters {names}, got {len(values)} values")
        given = dict(zip(names[:len(values)], values, strict=True))
        twice = sorted(set(given) & set(named))
        unknown = sorted(set(named) - set(names))
        missing = [n for n in names if n not in given and n not in named]
        if twice or unknown or missing:
            problems = [f"{label} {items}" for label, items in
                        (("given twice:", twice), ("unknown:", unknown), ("missing:", missing)) if items]
            raise DataError(f"{cls.NAME} parameters are {names}; " + "; ".join(problems))
        given.update(named)
        model = cls()
        model._store_fit(known_params([given[n] for n in names], names, cls.NAME), None, 0, None, True)
        return model

    def _store_estimates(self, objective, params, n, converged: bool):
        """End of ``fit``: store ``params`` with the log-likelihood and the Hessian of ``objective``
        there (``objective(p)`` returns the fit's log-likelihood term and its gradient); return self."""
        hessian = negative_hessian(lambda p: objective(p)[1], params)
        self._store_fit(params, objective(params)[0], n, hessian, converged)
        return self

    def _store_fit(self, params, log_likelihood, n, hessian, converged: bool) -> None:
        """Set the fitted values; ``hessian`` is that of the negative log-likelihood (None: no data)."""
        names = list(self.PARAMS)
        self.params_ = pd.Series(np.asarray(params, dtype="float64"), index=names, name=self.NAME)
        self.log_likelihood_ = None if log_likelihood is None else float(log_likelihood)
        self.n_customers_ = int(n)
        self.converged_ = bool(converged)
        if hessian is None:
            self.covariance_ = self.standard_errors_ = self.aic_ = None
            return
        covariance = inverse_hessian(hessian)
        self.covariance_ = pd.DataFrame(covariance, index=names, columns=names)
        self.standard_errors_ = pd.Series(np.sqrt(np.diag(covariance)), index=names, name="std_error")
        self.aic_ = 2.0 * len(names) - 2.0 * self.log_likelihood_

    def _check_fitted(self, method: str) -> None:
        if getattr(self, "params_", None) is None:
            raise NotFittedError(
                f"{type(self).__name__}.{method}() needs a fitted model: call fit() first "
                f"(or build one from known parameters with {type(self).__name__}.from_params())"
            )

    # ------------------------------------------------------------------ reading the fit
    def summary(self, level: float = 0.95) -> FitSummary:
        """Each parameter with its standard error and confidence interval, and the fit's statistics.

        The standard errors are the square roots of the diagonal of the inverse of the Hessian
        of the negative log-likelihood at the maximum (the observed information), and the
        interval is estimate +/- z x standard error with z = 1.96 for ``level=0.95`` (a Wald
        interval), as lifetimes' ``summary`` and statsmodels' ``summary()`` give them. With the
        log-likelihood LL of k parameters, AIC = 2 k - 2 LL.

        Raises
        ------
        crmlib.NotFittedError
            Before ``fit``, or for a model built with ``from_params`` (no data, no standard errors).

        References
        ----------
        Pawitan, Y. (2001). *In All Likelihood: Statistical Modelling and Inference Using
        Likelihood*. Oxford University Press (observed information, Wald intervals).
        Akaike, H. (1974). A new look at the statistical model identification. *IEEE Transactions
        on Automatic Control* 19(6), 716-723.

        Examples
        --------
        The "high end" cohort of Fader & Hardie (2007), years 0..7:

        >>> from crmlib.models import ShiftedBetaGeometric
        >>> fit = ShiftedBetaGeometric().fit([1000, 869, 743, 653, 593, 551, 517, 491]).summary()
        >>> fit.n, round(fit.log_likelihood, 2), round(fit.aic, 2)
        (1000, -1611.16, 3226.32)
        >>> fit.params.round(3)
                   estimate  std_error  lower_95  upper_95
        parameter
        alpha         0.668      0.104     0.465     0.871
        beta          3.806      0.786     2.266     5.346
        """
        self._check_fitted("summary")
        if self.standard_errors_ is None:
            raise NotFittedError(
                f"{type(self).__name__}.summary() needs a model fitted on data: a model built with "
                f"from_params() has parameters but no data, so no log-likelihood or standard errors"
            )
        if not 0 < level < 1:
            raise DataError(f"level is the coverage of the interval, between 0 and 1 (0.95), got {level!r}")
        z = norm.ppf(0.5 + level / 2)
        estimate, se = self.params_, self.standard_errors_
        label = f"{level:.0%}".rstrip("%")
        table = pd.DataFrame({"estimate": estimate, "std_error": se,
                              f"lower_{label}": estimate - z * se, f"upper_{label}": estimate + z * se})
        table.index.name = "parameter"
        return FitSummary(self.NAME, table, self.log_likelihood_, self.n_customers_, self.FITTED_ON, self.aic_)

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return f"{type(self).__name__}()"
        shown = ", ".join(f"{k}={v:.3f}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown})"


# -- reading and checking a customer summary ------------------------------------------------------

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
            f"{what} takes a customer summary DataFrame (from crmlib.btyd.btyd_summary) "
            f"with columns {list(columns)}, got {type(data).__name__}"
        )
    require_columns(data, columns, "the customer summary",
                    f"{what} needs columns {list(columns)}; build it with crmlib.btyd.btyd_summary()")
    if len(data) == 0:
        raise DataError(f"the customer summary is empty: {what} has no customer to work on")
    out = {}
    for column in columns:
        series = data[column]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            values = series.to_numpy(dtype="float64", na_value=np.nan)
        else:
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            raise DataError(
                f"column {column!r}: values are missing or not finite numbers for "
                f"{customers_named(data.index, bad)}"
            )
        out[column] = values
    return pd.DataFrame(out, index=data.index, copy=False)


def check_counts(summary: pd.DataFrame, column: str = "x") -> None:
    """Repeat-purchase counts must be whole numbers of at least 0."""
    x = summary[column].to_numpy()
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
    x, t_x, T = (summary[c].to_numpy() for c in ("x", "t_x", "T"))
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
            f"calibration period; rebuild the summary with crmlib.btyd.btyd_summary()"
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


def known_params(values, names, model: str) -> np.ndarray:
    """Parameters given by hand (for example published ones), all checked positive and finite."""
    params = np.asarray(list(values), dtype="float64")
    if (params <= 0).any() or not np.isfinite(params).all():
        given = dict(zip(names, params.tolist(), strict=True))
        raise DataError(f"{model} parameters must all be positive numbers, got {given}")
    return params


def check_enough(n: int, n_params: int, who: str, model: str) -> None:
    if n < n_params:
        raise DataError(
            f"{model} has {n_params} parameters but the data have only {n} {who}: "
            f"a model cannot be fitted on fewer {who} than parameters"
        )


# -- the fit --------------------------------------------------------------------------------------

def maximize_log_likelihood(value_and_gradient, start, model: str, weight: float = 1.0):
    """Maximise a log-likelihood over positive parameters; returns (parameters, converged).

    ``value_and_gradient(params)`` gives the log-likelihood and its gradient (the analytic
    derivatives with respect to each parameter). The search runs BFGS on the logarithms of the
    parameters (so they stay positive), minimising -LL / ``weight`` with the gradient
    -dLL/dp x p / ``weight``; if it stops away from a stationary point, Nelder-Mead from there,
    then BFGS again. Never prints; a search that still has not converged gives a
    :class:`ConvergenceWarning`.
    """
    start = np.asarray(start, dtype="float64")

    def objective(theta):
        params = np.exp(theta)
        value, gradient = value_and_gradient(params)
        if not np.isfinite(value) or not np.isfinite(gradient).all():
            return 1e300, np.zeros_like(theta)
        return -value / weight, -gradient * params / weight

    def stationary(theta) -> bool:
        value, gradient = objective(theta)
        return value < 1e300 and np.max(np.abs(gradient)) < 1e-5

    options = {"gtol": 1e-9, "maxiter": 5000}
    result = minimize(objective, np.log(start), jac=True, method="BFGS", options=options)
    if not stationary(result.x):
        polish = minimize(lambda theta: objective(theta)[0], result.x, method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000, "maxfev": 20000})
        again = minimize(objective, polish.x, jac=True, method="BFGS", options=options)
        result = again if again.fun <= polish.fun else polish
    converged = stationary(result.x)
    if not converged:
        warnings.warn(
            f"{model}: the maximum-likelihood search did not converge ({result.message}); "
            f"the parameters may be off: check the data (enough repeat buyers?)",
            ConvergenceWarning,
            stacklevel=3,
        )
    return np.exp(result.x), converged


def negative_hessian(gradient, params, step: float = 1e-5) -> np.ndarray:
    """Hessian of the negative log-likelihood at ``params``: central differences of its gradient.

    ``gradient(params)`` is the analytic gradient of the log-likelihood; each parameter moves by
    ``step`` times its value, both ways. The result is made symmetric.
    """
    params = np.asarray(params, dtype="float64")
    k = len(params)
    hessian = np.empty((k, k))
    for i in range(k):
        h = step * params[i]
        up, down = params.copy(), params.copy()
        up[i] += h
        down[i] -= h
        hessian[:, i] = -(gradient(up) - gradient(down)) / (2 * h)
    return (hessian + hessian.T) / 2


def inverse_hessian(hessian: np.ndarray) -> np.ndarray:
    """The covariance of the estimates, inv(H); all NaN when H is not positive definite (no minimum)."""
    try:
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        warnings.warn("the Hessian of the negative log-likelihood is not positive definite at the "
                      "estimates: no standard errors", ConvergenceWarning, stacklevel=4)
        return np.full_like(hessian, np.nan)
    return np.linalg.inv(hessian)
