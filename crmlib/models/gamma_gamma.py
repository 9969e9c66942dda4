"""Gamma-Gamma: how much will a customer spend per purchase? (chapter 9)

The spend model of Fader, Hardie & Lee (2005, "RFM and CLV: using iso-value curves"), in the
form of Colombo & Jiang (1999) worked out in Hardie's note "The Gamma-Gamma model of monetary
value" (2013):

- a customer's purchase amounts vary around their own mean: each amount is gamma(p, nu);
- nu varies across customers as gamma(q, gamma).

So a customer's average spend m_x over x purchases is pulled towards the population mean
p gamma / (q - 1), the more the fewer purchases they have made. The model assumes that spend
does not depend on how often a customer buys (check the correlation of x and monetary).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln

from crmlib.contract import DataError
from crmlib.models._base import (
    known_params,
    as_summary,
    check_counts,
    check_enough,
    check_fitted,
    customers_named,
    maximize_log_likelihood,
)

__all__ = ["GammaGamma"]

PARAMS = ("p", "q", "gamma")
COLUMNS = ("x", "monetary")


def gamma_gamma_log_likelihood(params, x, m) -> np.ndarray:
    """Log-density of each repeat buyer's mean spend ``m`` over ``x`` purchases (Hardie 2013, eq. 3).

    ln f(m | p, q, gamma, x) = ln G(p x + q) - ln G(p x) - ln G(q) + q ln gamma
    + (p x - 1) ln m + p x ln x - (p x + q) ln(gamma + x m)
    """
    p, q, g = params
    px = p * np.asarray(x, dtype="float64")
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + x * m))


class GammaGamma:
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
    Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value (note 025).

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

    def __init__(self, start=None):
        self.start = start

    @classmethod
    def from_params(cls, p: float, q: float, gamma: float) -> "GammaGamma":
        """A model with known parameters (for example published ones), ready to predict."""
        model = cls()
        model.params_ = known_params([p, q, gamma], PARAMS, "Gamma-Gamma")
        model.log_likelihood_ = None
        model.n_customers_ = 0
        model.converged_ = True
        return model

    @staticmethod
    def _check(summary) -> pd.DataFrame:
        data = as_summary(summary, COLUMNS, "Gamma-Gamma")
        check_counts(data)
        bad = (data["x"] > 0) & (data["monetary"] <= 0)
        if bad.any():
            raise DataError(
                f"column 'monetary' (mean spend of the repeat purchases) is zero or negative "
                f"although x > 0, for {customers_named(data.index, bad)}. Gamma-Gamma models "
                f"positive spend: leave out free items and returns (returns='drop') or these customers"
            )
        return data

    def fit(self, summary) -> "GammaGamma":
        """Fit p, q, gamma by maximum likelihood on the repeat buyers of a calibration summary.

        Parameters
        ----------
        summary : DataFrame
            Columns ``x`` and ``monetary`` (from :func:`crmlib.rfm.btyd_summary`); customers
            with x = 0 are left out (they have no repeat spend).

        Raises
        ------
        crmlib.DataError
            For missing columns, negative or fractional counts, monetary <= 0 for a repeat
            buyer, or fewer than 3 repeat buyers.
        """
        data = self._check(summary)
        repeat = data[data["x"] > 0]
        check_enough(len(repeat), len(PARAMS), "repeat buyers (x > 0)", "Gamma-Gamma")
        scale = repeat["monetary"].mean()
        x = repeat["x"].to_numpy()
        m = repeat["monetary"].to_numpy() / scale

        def neg_ll(theta):
            return -gamma_gamma_log_likelihood(np.exp(theta), x, m).mean()

        start = np.ones(3) if self.start is None else np.asarray(self.start, dtype="float64") / [1, 1, scale]
        theta, _, converged = maximize_log_likelihood(neg_ll, np.log(start), "Gamma-Gamma")
        p, q, g = np.exp(theta)
        self.params_ = pd.Series([p, q, g * scale], index=list(PARAMS), name="Gamma-Gamma")
        self.log_likelihood_ = float(self.log_likelihood(repeat).sum())
        self.n_customers_ = len(repeat)
        self.converged_ = converged
        return self

    def log_likelihood(self, summary) -> pd.Series:
        """Each repeat buyer's log-likelihood under the model's parameters (x = 0 rows left out)."""
        check_fitted(self, "log_likelihood")
        data = self._check(summary)
        data = data[data["x"] > 0]
        values = gamma_gamma_log_likelihood(self.params_.to_numpy(), data["x"].to_numpy(),
                                            data["monetary"].to_numpy())
        return pd.Series(values, index=data.index, name="log_likelihood")

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across all customers: E[M] = p gamma / (q - 1) (needs q > 1)."""
        check_fitted(self, "population_mean_spend")
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
        check_fitted(self, "expected_average_spend")
        data = self._check(summary)
        p, q, g = self.params_.to_numpy()
        if q <= 1:
            raise DataError(f"q = {q:.3f} <= 1: expected spend is infinite under this fit")
        x = data["x"].to_numpy()
        m = np.where(x > 0, data["monetary"].to_numpy(), 0.0)
        spend = p * (g + x * m) / (p * x + q - 1)
        return pd.Series(spend, index=data.index, name="expected_average_spend")

    def clv(self, transaction_model, summary, years: float = 1.0, discount_rate: float = 0.0,
            unit: str = "W", steps_per_year: int = 12, margin: float = 1.0) -> pd.Series:
        """Discounted CLV: expected purchases (a fitted :class:`~crmlib.models.BetaGeo`) x spend.

        CLV = margin x E[M] x discounted expected purchases over ``years``; see
        :meth:`crmlib.models.BetaGeo.clv` for the discounting. ``summary`` needs ``x``, ``t_x``,
        ``T`` and ``monetary``.
        """
        spend = self.expected_average_spend(summary) * margin
        return transaction_model.clv(summary, spend, years=years, discount_rate=discount_rate,
                                     unit=unit, steps_per_year=steps_per_year)

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return "GammaGamma()"
        shown = ", ".join(f"{k}={v:.3f}" for k, v in self.params_.items())
        return f"GammaGamma({shown})"
