"""BG/NBD: how many purchases will a customer make, and is the customer still alive? (chapter 9)

The beta-geometric / negative binomial distribution model of Fader, Hardie & Lee (2005) for
non-contractual repeat buying (a store never learns that a customer has left):

- while alive, a customer buys at random with rate lambda (Poisson); lambda varies across
  customers as a gamma distribution with shape ``r`` and scale ``alpha``;
- after every purchase the customer may drop out for good with probability p; p varies across
  customers as a beta distribution with parameters ``a`` and ``b``.

A customer's history enters only through x (repeat purchases), t_x (time of the last purchase)
and T (age), the columns of :func:`crmlib.btyd.btyd_summary`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1
from scipy.stats import nbinom

from crmlib.btyd import DAYS_PER_UNIT
from crmlib.contract import DataError
from crmlib.models._base import (
    ProbabilityModel,
    check_enough,
    check_recency,
    maximize_log_likelihood,
)

__all__ = ["BetaGeo"]

COLUMNS = ("x", "t_x", "T")


def bgnbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Log-likelihood of each customer's (x, t_x, T) under BG/NBD (Fader, Hardie & Lee 2005, eq. 6).

    ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4)) with

    - A1 = ln G(r + x) - ln G(r) + r ln alpha
    - A2 = ln B(a, b + x) - ln B(a, b)
    - A3 = -(r + x) ln(alpha + T)
    - A4 = ln a - ln(b + x - 1) - (r + x) ln(alpha + t_x)

    The sum of the two exponentials is taken with log-sum-exp (``np.logaddexp``), so customers
    with very many purchases give a finite number, never NaN.
    """
    r, alpha, a, b = params
    x = np.asarray(x, dtype="float64")
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = betaln(a, b + x) - betaln(a, b)
    A3 = -(r + x) * np.log(alpha + np.asarray(T, dtype="float64"))
    repeat = x > 0
    A4 = np.full_like(A3, -np.inf)
    xr = x[repeat]
    A4[repeat] = np.log(a) - np.log(b + xr - 1) - (r + xr) * np.log(alpha + np.asarray(t_x, dtype="float64")[repeat])
    return A1 + A2 + np.logaddexp(A3, A4)


def bgnbd_objective(x, t_x, T):
    """The total BG/NBD log-likelihood of customers (x, t_x, T) and its gradient, as one function.

    Returns ``value_and_gradient(params)`` giving (sum of :func:`bgnbd_log_likelihood`,
    [dLL/dr, dLL/dalpha, dLL/da, dLL/db]). With w3 = exp(A3 - ln L') and w4 = [x > 0] exp(A4 - ln L')
    the shares of the two terms of L' = exp(A3) + [x > 0] exp(A4) (w3 + w4 = 1), per customer:

    - dLL/dr = psi(r + x) - psi(r) + ln alpha - w3 ln(alpha + T) - w4 ln(alpha + t_x)
    - dLL/dalpha = r / alpha - (r + x) [w3 / (alpha + T) + w4 / (alpha + t_x)]
    - dLL/da = psi(a + b) - psi(a + b + x) + w4 / a
    - dLL/db = psi(b + x) - psi(b) + psi(a + b) - psi(a + b + x) - w4 / (b + x - 1)

    (psi the digamma function). The gamma and digamma terms depend on x alone: they are computed
    once per distinct x and weighted by its number of customers, the rest per customer, so the
    cost grows with the number of customers and never depends on how many share a history.
    (Sums over customers are elementwise products summed, not ``@``: a BLAS dot product can
    spread over threads and wait for busy cores.)

    >>> value_and_gradient = bgnbd_objective(x=[0, 2], t_x=[0.0, 30.43], T=[38.86, 38.86])
    >>> value, gradient = value_and_gradient([0.243, 4.414, 0.793, 2.426])
    >>> round(float(value), 4), gradient.round(4).tolist()
    (-10.0133, [0.4134, 0.0492, -0.2029, 0.0766])
    """
    x = np.asarray(x, dtype="float64")
    t_x = np.asarray(t_x, dtype="float64")
    T = np.asarray(T, dtype="float64")
    xs, inverse = np.unique(x, return_inverse=True)
    counts = np.bincount(inverse).astype("float64")
    repeat = x > 0
    xr, tr = x[repeat], t_x[repeat]
    n = float(len(x))

    def value_and_gradient(params):
        r, alpha, a, b = params
        per_x = (gammaln(r + xs) - gammaln(r) + gammaln(b + xs) - gammaln(b)
                 + gammaln(a + b) - gammaln(a + b + xs))
        log_T = np.log(alpha + T)
        log_t = np.log(alpha + tr)
        A3 = -(r + x) * log_T
        A4 = np.log(a) - np.log(b + xr - 1) - (r + xr) * log_t
        L = A3.copy()
        L[repeat] = np.logaddexp(A3[repeat], A4)
        w3 = np.exp(A3 - L)
        w4 = np.exp(A4 - L[repeat])
        value = counts @ per_x + n * r * np.log(alpha) + L.sum()
        d_ab = digamma(a + b) - digamma(a + b + xs)
        gradient = np.array([
            counts @ (digamma(r + xs) - digamma(r)) + n * np.log(alpha) - (w3 * log_T).sum() - (w4 * log_t).sum(),
            n * r / alpha - (w3 * (r + x) / (alpha + T)).sum() - (w4 * (r + xr) / (alpha + tr)).sum(),
            counts @ d_ab + w4.sum() / a,
            counts @ (digamma(b + xs) - digamma(b) + d_ab) - (w4 / (b + xr - 1)).sum(),
        ])
        return value, gradient

    return value_and_gradient


class BetaGeo(ProbabilityModel):
    """The BG/NBD model (beta-geometric / NBD) of Fader, Hardie & Lee (2005).

    Settings go in the constructor, data in :meth:`fit`, which returns the model; fitted values
    end in ``_``: ``params_`` (``r``, ``alpha``, ``a``, ``b``), ``log_likelihood_`` (total),
    ``n_customers_``, ``converged_``, ``standard_errors_``, ``covariance_``, ``aic_``;
    :meth:`summary` shows them together.

    Parameters
    ----------
    start : sequence of 4 floats, optional
        Starting values of (r, alpha, a, b) for the maximum-likelihood search (default all 1,
        with time rescaled so that the oldest customer's T is 10).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
    Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model" (note 021).

    Examples
    --------
    With the published CDNOW estimates, the customer of Hardie's spreadsheet (2 repeat purchases,
    the last at week 30.43, first purchase 38.86 weeks before the end of the calibration period):

    >>> model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> customer = {"x": 2, "t_x": 30.43, "T": 38.86}
    >>> round(float(model.expected_purchases(customer, t=39).iloc[0]), 3)
    1.226
    >>> round(float(model.p_alive(customer).iloc[0]), 3)
    0.727

    Fitted on the CDNOW sample, with standard errors:

    >>> from crmlib.btyd import btyd_summary
    >>> from crmlib.datasets import load_cdnow_sample
    >>> summary = btyd_summary(load_cdnow_sample(), "1997-09-30", returns="keep")
    >>> BetaGeo().fit(summary).summary().params.round(3)
               estimate  std_error  lower_95  upper_95
    parameter
    r             0.243      0.013     0.218     0.267
    alpha         4.414      0.378     3.672     5.155
    a             0.793      0.186     0.429     1.157
    b             2.426      0.705     1.043     3.808
    """

    PARAMS = ("r", "alpha", "a", "b")
    NAME = "BG/NBD"
    FITTED_ON = "customers"
    COLUMNS = COLUMNS

    def _check_values(self, data: pd.DataFrame) -> None:
        check_recency(data)

    def fit(self, summary) -> "BetaGeo":
        """Fit r, alpha, a, b by maximum likelihood on a calibration summary.

        The search uses the analytic gradient of the log-likelihood (:func:`bgnbd_objective`);
        the standard errors come from the Hessian at the optimum (:meth:`summary`).

        Parameters
        ----------
        summary : DataFrame
            Columns ``x``, ``t_x``, ``T`` per customer (from :func:`crmlib.btyd.btyd_summary`).

        Returns
        -------
        BetaGeo
            ``self``, with ``params_``, ``log_likelihood_``, ``n_customers_``, ``converged_``,
            ``standard_errors_``, ``covariance_`` and ``aic_``.

        Raises
        ------
        crmlib.DataError
            For missing columns, negative or fractional counts, t_x > T, T <= 0, fewer than
            4 customers, or no repeat purchase at all. The message names the customers.
        """
        data = self._check(summary)
        check_enough(len(data), len(self.PARAMS), "customers", "BG/NBD")
        x, t_x, T = (data[c].to_numpy() for c in COLUMNS)
        if not (x > 0).any():
            raise DataError(
                "no customer made a repeat purchase (x = 0 for everyone): BG/NBD cannot learn "
                "how often customers buy again; use a longer calibration period"
            )
        # Rescale time so that the oldest T is 10: the same likelihood (up to a constant) with
        # parameters of similar size, which the search finds faster.
        scale = 10.0 / T.max()
        units = np.array([1.0, scale, 1.0, 1.0])
        start = np.ones(4) if self.start is None else np.asarray(self.start, dtype="float64") * units
        scaled = bgnbd_objective(x, t_x * scale, T * scale)
        params, converged = maximize_log_likelihood(scaled, start, "BG/NBD", weight=len(x))
        params = params / units
        objective = bgnbd_objective(x, t_x, T)
        return self._store_estimates(objective, params, len(x), converged)

    # ------------------------------------------------------------------ predictions
    def log_likelihood(self, summary) -> pd.Series:
        """Each customer's log-likelihood under the model's parameters (their sum is the fit's)."""
        self._check_fitted("log_likelihood")
        data = self._check(summary)
        values = bgnbd_log_likelihood(self.params_.to_numpy(), data["x"].to_numpy(),
                                      data["t_x"].to_numpy(), data["T"].to_numpy())
        return pd.Series(values, index=data.index, name="log_likelihood")

    def _log_odds_dead(self, data: pd.DataFrame) -> np.ndarray:
        r, alpha, a, b = self.params_.to_numpy()
        x, t_x, T = (data[c].to_numpy() for c in COLUMNS)
        repeat = x > 0
        out = np.full(len(x), -np.inf)
        xr = x[repeat]
        out[repeat] = (np.log(a) - np.log(b + xr - 1)
                       + (r + xr) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat])))
        return out

    def p_alive(self, summary) -> pd.Series:
        """Probability that each customer is still alive at the end of the calibration period.

        P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

        A customer with no repeat purchase is alive for sure: BG/NBD lets customers drop out
        only right after a purchase (Fader, Hardie & Lee 2008, note 021).
        """
        self._check_fitted("p_alive")
        data = self._check(summary)
        return pd.Series(expit(-self._log_odds_dead(data)), index=data.index, name="p_alive")

    def expected_purchases(self, summary, t) -> pd.Series:
        """Expected number of purchases of each customer in the next ``t`` time units.

        E[Y(t) | x, t_x, T] = P(alive) (a + b + x - 1) / (a - 1)
        x [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)],
        z = t / (alpha + T + t) (Fader, Hardie & Lee 2005, eq. 10). The hypergeometric term is
        computed after Euler's transformation, 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z)
        x (1 - z)^(a - 1), which stays finite for any x.

        ``t`` is a number or one number per customer (e.g. ``summary["T_holdout"]``), in the
        time unit of the summary.
        """
        self._check_fitted("expected_purchases")
        data = self._check(summary)
        t = np.broadcast_to(np.asarray(t, dtype="float64"), (len(data),))
        if (t < 0).any():
            raise DataError(f"t (the length of the forecast period) must be 0 or more, got {t.min()}")
        return pd.Series(self._expected(data, t), index=data.index, name="expected_purchases")

    def probability_of_buying(self, summary, t) -> pd.Series:
        """Probability that each customer makes at least one purchase in the next ``t`` time units.

        P(Y(t) > 0 | x, t_x, T) = P(alive) x [1 - ((alpha + T) / (alpha + T + t))^(r + x)]

        A customer who has left buys nothing; one who is alive at T buys nothing in the next t
        with probability exp(-lambda t), and given the history and being alive, lambda follows a
        gamma distribution with shape r + x and scale alpha + T, whose mean of exp(-lambda t) is
        ((alpha + T) / (alpha + T + t))^(r + x). This is the n = 0 case of the conditional
        distribution of future purchases (Fader & Hardie, "Deriving the conditional PMF of the
        BG/NBD model", brucehardie.com). Unlike :meth:`p_alive` it is a probability of *buying*,
        to set beside a response model's: P(alive) = 1 for every one-time buyer, who mostly
        never buys again.

        ``t`` is a number or one number per customer, in the time unit of the summary.

        Examples
        --------
        Hardie's customer (x = 2, t_x = 30.43, T = 38.86) with the published CDNOW estimates:
        alive with probability 0.727, and buying in the next 39 weeks with probability 0.555:

        >>> model = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(model.probability_of_buying({"x": 2, "t_x": 30.43, "T": 38.86}, t=39).iloc[0]), 3)
        0.555
        """
        self._check_fitted("probability_of_buying")
        data = self._check(summary)
        t = np.broadcast_to(np.asarray(t, dtype="float64"), (len(data),))
        if (t < 0).any():
            raise DataError(f"t (the length of the forecast period) must be 0 or more, got {t.min()}")
        r, alpha, _, _ = self.params_.to_numpy()
        x, T = data["x"].to_numpy(), data["T"].to_numpy()
        silent = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
        p_alive = expit(-self._log_odds_dead(data))
        return pd.Series(p_alive * (1 - silent), index=data.index, name="probability_of_buying")

    def _expected(self, data: pd.DataFrame, t: np.ndarray) -> np.ndarray:
        """E[Y(t) | x, t_x, T] on a checked summary (see :meth:`expected_purchases`)."""
        r, alpha, a, b = self.params_.to_numpy()
        if abs(a - 1) < 1e-6:  # the formula has a removable 0/0 at a = 1
            a = 1 + 1e-6
        x, T = data["x"].to_numpy(), data["T"].to_numpy()
        z = t / (alpha + T + t)
        c = a + b + x - 1
        tail = hyp2f1(a + b - 1 - r, a - 1, c, z) * (1 - z) ** (a - 1)
        return (c / (a - 1)) * (1 - tail) * expit(-self._log_odds_dead(data))

    def expected_purchases_new(self, t):
        """Expected number of repeat purchases of a new customer in their first ``t`` time units.

        E[X(t)] = (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]
        (Fader, Hardie & Lee 2005, eq. 9). Summed over a cohort's ages it gives the expected
        cumulative repeat purchases week by week (the tracking plot).

        ``t`` is a number or an array; the result has the same shape.
        """
        self._check_fitted("expected_purchases_new")
        r, alpha, a, b = self.params_.to_numpy()
        if abs(a - 1) < 1e-6:
            a = 1 + 1e-6
        t = np.asarray(t, dtype="float64")
        if (t < 0).any():
            raise DataError("t (time since the first purchase) must be 0 or more")
        z = t / (alpha + t)
        # Euler's transformation again: 2F1(r, b; c; z) = (1 - z)^(c - r - b) 2F1(c - r, c - b; c; z)
        c = a + b - 1
        tail = hyp2f1(c - r, c - b, c, z) * (1 - z) ** (c - b)
        result = np.where(t == 0, 0.0, c / (a - 1) * (1 - tail))
        return float(result) if result.ndim == 0 else result

    def probability_of_purchases(self, t, n: int):
        """P(X(t) = n): probability that a new customer makes exactly ``n`` repeat purchases by ``t``.

        P(X(t) = n) = B(a, b + n) / B(a, b) NB(n; r, alpha / (alpha + t))
        + [n > 0] B(a + 1, b + n - 1) / B(a, b) P(NB >= n)
        (Fader, Hardie & Lee 2005, eq. 8), NB the negative binomial count of an always-alive
        customer. Summed over the customers' T it gives the expected number of customers with
        0, 1, 2, ... repeat purchases in the calibration period.
        """
        self._check_fitted("probability_of_purchases")
        if n < 0 or n != int(n):
            raise DataError(f"n is a number of purchases (0, 1, 2, ...), got {n!r}")
        n = int(n)
        r, alpha, a, b = self.params_.to_numpy()
        t = np.asarray(t, dtype="float64")
        p = alpha / (alpha + t)
        result = np.exp(betaln(a, b + n) - betaln(a, b) + nbinom.logpmf(n, r, p))
        if n > 0:
            result = result + np.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * nbinom.sf(n - 1, r, p)
        return float(result) if np.ndim(result) == 0 else result

    def clv(self, summary, spend, years: float = 1.0, discount_rate: float = 0.0,
            freq: str = "W", steps_per_year: int = 12) -> pd.Series:
        """Discounted value of each customer's expected purchases over the next ``years``.

        The horizon is cut into ``steps_per_year`` steps a year (months by default); the
        purchases expected in step k are E[Y(t_k)] - E[Y(t_(k-1))], each worth ``spend``, and
        are discounted to today at the yearly ``discount_rate``:

        CLV = sum_k spend x (E[Y(t_k)] - E[Y(t_(k-1))]) / (1 + discount_rate)^(k / steps_per_year)

        Parameters
        ----------
        summary : DataFrame
            Columns ``x``, ``t_x``, ``T``.
        spend : float or Series
            Value of one purchase per customer (for example
            :meth:`crmlib.models.GammaGamma.expected_average_spend`, times a margin).
        years : float
            The horizon.
        discount_rate : float
            Yearly discount rate (0.1 = 10 %).
        freq : {"W", "D"}
            The time unit of the summary: the ``freq`` it was built with by
            :func:`~crmlib.btyd.btyd_summary` (weeks or days).
        steps_per_year : int
            Number of discounting steps a year.
        """
        self._check_fitted("clv")
        data = self._check(summary)
        if freq not in DAYS_PER_UNIT:
            raise DataError(f"freq must be 'D' or 'W' (the freq the summary was built with), got {freq!r}")
        if years <= 0 or discount_rate <= -1 or steps_per_year < 1:
            raise DataError("years and steps_per_year must be positive and discount_rate above -100 %")
        spend = pd.Series(spend, index=data.index, dtype="float64") if np.ndim(spend) == 0 \
            else pd.Series(spend, dtype="float64").reindex(data.index)
        if spend.isna().any():
            raise DataError("spend has no value for some customers of the summary: give one per customer")
        units_per_year = 365.0 / DAYS_PER_UNIT[freq]
        n_steps = int(np.ceil(years * steps_per_year - 1e-9))
        value = np.zeros(len(data))
        previous = np.zeros(len(data))
        for k in range(1, n_steps + 1):
            step_years = min(k / steps_per_year, years)
            current = self._expected(data, np.full(len(data), step_years * units_per_year))
            value += (current - previous) / (1 + discount_rate) ** step_years
            previous = current
        return pd.Series(value * spend.to_numpy(), index=data.index, name="clv")
