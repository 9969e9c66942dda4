"""Shifted-beta-geometric (sBG): retention of a contractual cohort, year by year (chapter 9).

Fader & Hardie (2007), "How to project customer retention": in a contractual setting (a
subscription, a membership) the firm sees when a customer leaves. Each customer renews at the
end of every period with their own probability 1 - theta and leaves with probability theta
(a geometric lifetime); theta varies across customers as a beta(alpha, beta) distribution.

Because the customers most likely to leave leave first, the cohort's retention rate rises over
time even though no single customer changes: the sBG model explains the rising retention curve
that a constant churn rate (chapter 2: average lifetime = 1 / churn) misses.

- P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), t = 1, 2, ...  (leaves in period t)
- S(t) = B(alpha, beta + t) / B(alpha, beta)                             (still there after t)
- r_t = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)        (retention rate)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, hyp2f1

from crmlib.contract import DataError
from crmlib.models._base import ProbabilityModel, check_enough, maximize_log_likelihood

__all__ = ["ShiftedBetaGeometric"]


def sbg_log_likelihood(params, survivors) -> float:
    """Log-likelihood of a cohort's survivor counts S_0, S_1, ..., S_n (Fader & Hardie 2007, eq. 8).

    LL = sum_(t=1..n) (S_(t-1) - S_t) ln P(T = t) + S_n ln S(n): the customers lost in each
    period, and those still there at the end (censored).
    """
    alpha, beta = params
    survivors = np.asarray(survivors, dtype="float64")
    t = np.arange(1, len(survivors))
    lost = survivors[:-1] - survivors[1:]
    log_p = betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta)
    log_s = betaln(alpha, beta + t[-1]) - betaln(alpha, beta)
    return float(np.dot(lost, log_p) + survivors[-1] * log_s)


def sbg_objective(survivors):
    """The sBG log-likelihood of a cohort's survivor counts and its gradient, as one function.

    Returns ``value_and_gradient(params)`` giving (:func:`sbg_log_likelihood`, [dLL/dalpha,
    dLL/dbeta]). With D_t = S_(t-1) - S_t customers lost in period t, n periods, N = S_0 and
    psi the digamma function:

    - dLL/dalpha = sum_t D_t [psi(alpha + 1) - psi(alpha + beta + t)] + S_n [psi(alpha) - psi(alpha + beta + n)]
      - N [psi(alpha) - psi(alpha + beta)]
    - dLL/dbeta = sum_t D_t [psi(beta + t - 1) - psi(alpha + beta + t)] + S_n [psi(beta + n) - psi(alpha + beta + n)]
      - N [psi(beta) - psi(alpha + beta)]

    At the estimates of the "regular" cohort (Fader & Hardie 2007) the gradient is about zero:

    >>> value, gradient = sbg_objective([1000, 631, 468, 382, 326, 289, 262, 241])([0.7041, 1.1820])
    >>> round(float(value), 2), gradient.round(1).tolist()
    (-1680.27, [0.0, 0.0])
    """
    survivors = np.asarray(survivors, dtype="float64")
    t = np.arange(1, len(survivors), dtype="float64")
    lost = survivors[:-1] - survivors[1:]
    n, left, size = t[-1], survivors[-1], survivors[0]

    def value_and_gradient(params):
        alpha, beta = params
        both = digamma(alpha + beta + t)
        gradient = np.array([
            lost @ (digamma(alpha + 1) - both) + left * (digamma(alpha) - digamma(alpha + beta + n))
            - size * (digamma(alpha) - digamma(alpha + beta)),
            lost @ (digamma(beta + t - 1) - both) + left * (digamma(beta + n) - digamma(alpha + beta + n))
            - size * (digamma(beta) - digamma(alpha + beta)),
        ])
        return sbg_log_likelihood(params, survivors), gradient

    return value_and_gradient


class ShiftedBetaGeometric(ProbabilityModel):
    """The shifted-beta-geometric retention model of Fader & Hardie (2007).

    Fitted on the survivor counts of one cohort; fitted values ``params_`` (``alpha``,
    ``beta``), ``log_likelihood_``, ``n_periods_`` (periods observed), ``cohort_size_`` (also
    ``n_customers_``), ``converged_``, ``standard_errors_``, ``covariance_``, ``aic_``;
    :meth:`summary` shows them together.

    Parameters
    ----------
    start : sequence of 2 floats, optional
        Starting values of (alpha, beta) (default 1, 1).

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. *Journal of
    Interactive Marketing* 21(1), 76-90.
    Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
    the perils of ignoring heterogeneity. *Marketing Science* 29(1), 85-93.

    Examples
    --------
    The "regular" customers of Fader & Hardie (2007), years 0..7:

    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> model = ShiftedBetaGeometric().fit(regular)
    >>> model.params_.round(3).tolist()
    [0.704, 1.182]
    >>> model.survival([8, 12]).round(2).tolist()  # the paper's actual: 0.223 and 0.173
    [0.22, 0.17]
    >>> model.summary().params.round(3)
               estimate  std_error  lower_95  upper_95
    parameter
    alpha         0.704      0.066     0.576     0.833
    beta          1.182      0.152     0.883     1.481
    """

    PARAMS = ("alpha", "beta")
    NAME = "sBG"
    FITTED_ON = "customers in the cohort"

    @classmethod
    def from_params(cls, *values, **named) -> "ShiftedBetaGeometric":
        """A model with known parameters, ready to predict (see :meth:`ProbabilityModel.from_params`)."""
        model = super().from_params(*values, **named)
        model.n_periods_ = 0
        model.cohort_size_ = None
        return model

    @staticmethod
    def _check(survivors) -> np.ndarray:
        values = pd.Series(survivors)
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        if numbers.isna().any() or not np.isfinite(numbers).all():
            raise DataError(
                f"survivors must be numbers: periods {values.index[numbers.isna()].tolist()[:5]} "
                f"are missing or not numbers"
            )
        s = numbers.to_numpy()
        if len(s) == 0 or s[0] <= 0:
            raise DataError("survivors must start with the cohort size at period 0, a positive number")
        if (s < 0).any():
            raise DataError(
                f"survivors are negative in periods {values.index[s < 0].tolist()[:5]}: "
                f"a number of customers cannot be below zero"
            )
        rising = np.flatnonzero(np.diff(s) > 0) + 1
        if len(rising):
            raise DataError(
                f"survivors rise in periods {values.index[rising].tolist()[:5]}: a cohort only "
                f"loses customers (count the customers of period 0 who are still there, "
                f"not all active customers)"
            )
        return s

    def fit(self, survivors) -> "ShiftedBetaGeometric":
        """Fit alpha and beta by maximum likelihood on one cohort's survivor counts.

        Parameters
        ----------
        survivors : sequence of numbers
            Customers still active at the start (period 0: the cohort size) and at the end of
            each period 1..n, e.g. ``[1000, 631, 468, 382, 326, 289, 262, 241]``. Shares of the
            cohort (1.0, 0.631, ...) give the same estimates but a log-likelihood on another
            scale, and standard errors that are meaningless: they need the counts.

        Raises
        ------
        crmlib.DataError
            For non-numbers, a cohort size that is not positive, negative or rising counts,
            or fewer periods than the 2 parameters.
        """
        s = self._check(survivors)
        check_enough(len(s) - 1, len(self.PARAMS), "observed periods after period 0", "sBG")
        if s[-1] == s[0]:
            raise DataError("no customer left the cohort: the sBG model cannot estimate churn")
        start = np.ones(2) if self.start is None else np.asarray(self.start, dtype="float64")
        objective = sbg_objective(s)
        params, converged = maximize_log_likelihood(objective, start, "sBG", weight=s[0])
        self.n_periods_ = len(s) - 1
        self.cohort_size_ = float(s[0])
        return self._store_estimates(objective, params, s[0], converged)

    def _periods(self, t, method: str) -> np.ndarray:
        self._check_fitted(method)
        t = np.asarray(t, dtype="float64")
        if (t < 0).any() or (t != np.round(t)).any():
            raise DataError(f"periods must be whole numbers 0, 1, 2, ..., got {t.ravel()[:5].tolist()}")
        return t

    def survival(self, t) -> np.ndarray:
        """S(t) = B(alpha, beta + t) / B(alpha, beta): share of the cohort still there after t periods."""
        t = self._periods(t, "survival")
        alpha, beta = self.params_.to_numpy()
        return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))

    def churn_probability(self, t) -> np.ndarray:
        """P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta): share of the cohort lost in period t >= 1."""
        t = self._periods(t, "churn_probability")
        if (t < 1).any():
            raise DataError("customers can leave only in periods 1, 2, ...: t must be at least 1")
        alpha, beta = self.params_.to_numpy()
        return np.exp(betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta))

    def retention_rate(self, t) -> np.ndarray:
        """r_t = (beta + t - 1) / (alpha + beta + t - 1): share of period t - 1's survivors who renew in t."""
        t = self._periods(t, "retention_rate")
        if (t < 1).any():
            raise DataError("retention is measured from period 1 on: t must be at least 1")
        alpha, beta = self.params_.to_numpy()
        return (beta + t - 1) / (alpha + beta + t - 1)

    def expected_survivors(self, periods: int, cohort_size: float | None = None) -> pd.Series:
        """Expected customers left at periods 0..``periods`` from a cohort (default: the fitted one)."""
        self._check_fitted("expected_survivors")
        size = cohort_size if cohort_size is not None else (self.cohort_size_ or 1.0)
        t = np.arange(int(periods) + 1)
        return pd.Series(size * self.survival(t), index=pd.Index(t, name="period"), name="expected_survivors")

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        """DEL = sum_(t>=0) S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d)).

        The number of (discounted) payments a newly acquired customer is expected to make, the
        first one today (Fader & Hardie 2010, eq. 6). Times the margin per period it is the
        customer's CLV at acquisition.
        """
        self._check_fitted("discounted_expected_lifetime")
        if discount_rate <= 0:
            raise DataError("the discount rate must be above 0: without discounting the sum may not converge")
        alpha, beta = self.params_.to_numpy()
        return float(hyp2f1(1.0, beta, alpha + beta, 1.0 / (1.0 + discount_rate)))

    def discounted_expected_residual_lifetime(self, renewals: int, discount_rate: float) -> float:
        """DERL of a customer who has renewed ``renewals`` times and is about to decide again.

        DERL = sum_(t>=n) S(t) / S(n - 1) / (1 + d)^(t - n)
        = (beta + n - 1) / (alpha + beta + n - 1) 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))
        with n - 1 = ``renewals`` (Fader & Hardie 2010, eq. 5). The longer a customer has stayed,
        the more valuable they are: they are more likely to be one of the loyal ones.
        """
        self._check_fitted("discounted_expected_residual_lifetime")
        if discount_rate <= 0:
            raise DataError("the discount rate must be above 0: without discounting the sum may not converge")
        if renewals < 0 or renewals != int(renewals):
            raise DataError(f"renewals is a number of renewals (0, 1, 2, ...), got {renewals!r}")
        alpha, beta = self.params_.to_numpy()
        n = int(renewals) + 1
        return float((beta + n - 1) / (alpha + beta + n - 1)
                     * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount_rate)))

    def clv(self, margin: float, discount_rate: float) -> float:
        """CLV of a new customer paying ``margin`` at the start of every period: margin x DEL."""
        return float(margin) * self.discounted_expected_lifetime(discount_rate)
