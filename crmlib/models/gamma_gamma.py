"""Gamma-Gamma: how much will a customer spend per purchase? (chapter 9)

The spend model of Fader, Hardie & Lee (2005, "RFM and CLV: using iso-value curves"), in the
form of Colombo & Jiang (1999) worked out in Fader & Hardie's note "The Gamma-Gamma model of
monetary value" (2013):

- a customer's purchase amounts vary around their own mean: each amount is gamma(p, nu);
- nu varies across customers as gamma(q, gamma).

So a customer's average spend m_x over x purchases is pulled towards the population mean
p gamma / (q - 1), the more the fewer purchases they have made. The model assumes that spend
does not depend on how often a customer buys (check the correlation of x and monetary).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from crmlib.contract import DataError
from crmlib.models._base import (
    ProbabilityModel,
    check_enough,
    customers_named,
    maximize_log_likelihood,
)

__all__ = ["GammaGamma"]

COLUMNS = ("x", "monetary")


def gamma_gamma_log_likelihood(params, x, m) -> np.ndarray:
    """Log-density of each repeat buyer's mean spend ``m`` over ``x`` purchases (Fader & Hardie 2013, eq. 3).

    ln f(m | p, q, gamma, x) = ln G(p x + q) - ln G(p x) - ln G(q) + q ln gamma
    + (p x - 1) ln m + p x ln x - (p x + q) ln(gamma + x m)
    """
    p, q, g = params
    px = p * np.asarray(x, dtype="float64")
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + x * m))


def gamma_gamma_objective(x, m):
    """The total Gamma-Gamma log-likelihood of repeat buyers (x, m) and its gradient, as one function.

    Returns ``value_and_gradient(params)`` giving (sum of :func:`gamma_gamma_log_likelihood`,
    [dLL/dp, dLL/dq, dLL/dgamma]); per repeat buyer, with psi the digamma function:

    - dLL/dp = x [psi(p x + q) - psi(p x) + ln m + ln x - ln(gamma + x m)]
    - dLL/dq = psi(p x + q) - psi(q) + ln gamma - ln(gamma + x m)
    - dLL/dgamma = q / gamma - (p x + q) / (gamma + x m)

    The gamma and digamma terms of p x are computed once per distinct x, the sums of ln m and
    ln x once for all: each evaluation costs one logarithm per buyer.

    >>> value, gradient = gamma_gamma_objective(x=[1, 3], m=[20.0, 45.0])([6.25, 3.74, 15.44])
    >>> round(float(value), 4), gradient.round(4).tolist()
    (-8.1994, [0.1624, -0.1251, 0.0531])
    """
    x = np.asarray(x, dtype="float64")
    m = np.asarray(m, dtype="float64")
    xs, inverse = np.unique(x, return_inverse=True)
    counts = np.bincount(inverse).astype("float64")
    n = float(len(x))
    log_m, log_x = np.log(m), np.log(x)
    sum_log_m, sum_x_log_mx = log_m.sum(), (x * (log_m + log_x)).sum()

    def value_and_gradient(params):
        p, q, g = params
        pxs = p * xs
        log_gxm = np.log(g + x * m)
        value = (counts @ (gammaln(pxs + q) - gammaln(pxs)) - n * gammaln(q) + n * q * np.log(g)
                 + p * sum_x_log_mx - sum_log_m - ((p * x + q) * log_gxm).sum())
        gradient = np.array([
            counts @ (xs * (digamma(pxs + q) - digamma(pxs))) + sum_x_log_mx - (x * log_gxm).sum(),
            counts @ digamma(pxs + q) - n * digamma(q) + n * np.log(g) - log_gxm.sum(),
            n * q / g - ((p * x + q) / (g + x * m)).sum(),
        ])
        return value, gradient

    return value_and_gradient


class GammaGamma(ProbabilityModel):
    """The Gamma-Gamma model of average spend per purchase (Fader, Hardie & Lee 2005).

    Fitted on the repeat buyers only (x > 0) with their mean repeat spend ``monetary``; fitted
    values ``params_`` (``p``, ``q``, ``gamma``), ``log_likelihood_``, ``n_customers_`` (repeat
    buyers used), ``converged_``.

    Parameters
    ----------
    start : sequence of 3 floats, optional
        Starting values of (p, q, gamma) (default: 1, 1 and the mean of ``monetary``).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value (note 025).

    Examples
    --------
    With the published CDNOW estimates the population mean spend is p gamma / (q - 1) = $35.22;
    a customer who spent $35 on average over 2 repeat purchases is expected to spend a little
    more than their own mean next time, pulled towards the population mean:

    >>> model = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> round(model.population_mean_spend(), 2)
    35.22
    >>> round(float(model.expected_average_spend({"x": 2, "monetary": 35.0}).iloc[0]), 2)
    35.04
    """

    PARAMS = ("p", "q", "gamma")
    NAME = "Gamma-Gamma"
    FITTED_ON = "repeat buyers"

    COLUMNS = COLUMNS

    def _check_values(self, data: pd.DataFrame) -> None:
        bad = (data["x"] > 0) & (data["monetary"] <= 0)
        if bad.any():
            raise DataError(
                f"column 'monetary' (mean spend of the repeat purchases) is zero or negative "
                f"although x > 0, for {customers_named(data.index, bad)}. Gamma-Gamma models "
                f"positive spend: leave out free items and returns (returns='drop') or these customers"
            )

    def fit(self, summary) -> "GammaGamma":
        """Fit p, q, gamma by maximum likelihood on the repeat buyers of a calibration summary.

        Parameters
        ----------
        summary : DataFrame
            Columns ``x`` and ``monetary`` (from :func:`crmlib.btyd.btyd_summary`); customers
            with x = 0 are left out (they have no repeat spend).

        Raises
        ------
        crmlib.DataError
            For missing columns, negative or fractional counts, monetary <= 0 for a repeat
            buyer, or fewer than 3 repeat buyers.
        """
        data = self._check(summary)
        repeat = data[data["x"] > 0]
        check_enough(len(repeat), len(self.PARAMS), "repeat buyers (x > 0)", "Gamma-Gamma")
        x = repeat["x"].to_numpy()
        m = repeat["monetary"].to_numpy()
        # Rescale money so that the mean spend is 1: the same fit, parameters of similar size.
        scale = m.mean()
        units = np.array([1.0, 1.0, 1.0 / scale])
        start = np.ones(3) if self.start is None else np.asarray(self.start, dtype="float64") * units
        params, converged = maximize_log_likelihood(gamma_gamma_objective(x, m / scale), start, "Gamma-Gamma",
                                                    weight=len(x))
        params = params / units
        objective = gamma_gamma_objective(x, m)
        return self._store_estimates(objective, params, len(x), converged)

    def log_likelihood(self, summary) -> pd.Series:
        """Each repeat buyer's log-likelihood under the model's parameters (x = 0 rows left out)."""
        self._check_fitted("log_likelihood")
        data = self._check(summary)
        data = data[data["x"] > 0]
        values = gamma_gamma_log_likelihood(self.params_.to_numpy(), data["x"].to_numpy(),
                                            data["monetary"].to_numpy())
        return pd.Series(values, index=data.index, name="log_likelihood")

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across all customers: E[M] = p gamma / (q - 1) (needs q > 1)."""
        self._check_fitted("population_mean_spend")
        p, q, g = self.params_.to_numpy()
        if q <= 1:
            raise DataError(f"q = {q:.3f} <= 1: the population mean spend is infinite under this fit")
        return float(p * g / (q - 1))

    def expected_average_spend(self, summary) -> pd.Series:
        """Expected spend per purchase of each customer, given their x and mean spend.

        E[M | p, q, gamma, m_x, x] = p (gamma + x m_x) / (p x + q - 1)
        = w p gamma / (q - 1) + (1 - w) m_x with w = (q - 1) / (p x + q - 1):
        a weighted average of the population mean and the customer's own mean, the own mean
        weighing more the more purchases it rests on (Fader, Hardie & Lee 2005, eq. 5).
        Customers with x = 0 get the population mean.
        """
        self._check_fitted("expected_average_spend")
        data = self._check(summary)
        p, q, g = self.params_.to_numpy()
        if q <= 1:
            raise DataError(f"q = {q:.3f} <= 1: expected spend is infinite under this fit")
        x = data["x"].to_numpy()
        m = np.where(x > 0, data["monetary"].to_numpy(), 0.0)
        spend = p * (g + x * m) / (p * x + q - 1)
        return pd.Series(spend, index=data.index, name="expected_average_spend")

    def clv(self, transaction_model, summary, years: float = 1.0, discount_rate: float = 0.0,
            freq: str = "W", steps_per_year: int = 12, margin: float = 1.0) -> pd.Series:
        """Discounted CLV: expected purchases (a fitted :class:`~crmlib.models.BetaGeo`) x spend x margin.

        CLV = margin x E[M] x discounted expected purchases over ``years``; see
        :meth:`crmlib.models.BetaGeo.clv` for the discounting. ``summary`` needs ``x``, ``t_x``,
        ``T`` and ``monetary``.

        ``margin`` is the gross margin, the share of a purchase's amount that the firm keeps
        (0.30 = 30 %). The model forecasts *sales*; the default ``margin=1.0`` values them at
        their full amount, which is revenue, not value (chapter 6: "TM is sales, not net value").
        Give the margin whenever the CLV is to guide spending on customers.

        Examples
        --------
        The spreadsheet customer of :class:`~crmlib.models.BetaGeo` with $35 of mean spend, over
        one year at a 30 % gross margin and 10 % a year:

        >>> from crmlib.models import BetaGeo
        >>> spend = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> purchases = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> customer = {"x": 2, "t_x": 30.43, "T": 38.86, "monetary": 35.0}
        >>> round(float(spend.clv(purchases, customer, years=1, discount_rate=0.10, margin=0.30).iloc[0]), 2)
        15.65
        """
        if not 0 < margin <= 1:
            raise DataError(f"margin is the gross margin, a share of the amount between 0 and 1 (0.30 = 30 %), "
                            f"got {margin!r}")
        spend = self.expected_average_spend(summary) * margin
        return transaction_model.clv(summary, spend, years=years, discount_rate=discount_rate,
                                     freq=freq, steps_per_year=steps_per_year)
