"""Probabilistic customer-base models (chapter 9): BG/NBD, Gamma-Gamma, shifted-beta-geometric.

RFM ranks customers by their past; these models say what comes next, on numpy and scipy alone:

======================================  ====================================================
model                                   answers
======================================  ====================================================
:class:`BetaGeo` (BG/NBD)               is a customer still alive? how many purchases next?
:class:`GammaGamma`                     how much per purchase? (with BG/NBD: the CLV)
:class:`ShiftedBetaGeometric` (sBG)     how will a subscription cohort's retention evolve?
======================================  ====================================================

They follow scikit-learn's conventions: settings in the constructor, data in ``fit``, which
returns the model, fitted values ending in ``_`` (``params_``, ``log_likelihood_``,
``standard_errors_``). They share one base class: ``from_params`` builds a model from known (for
example published) parameters, and ``summary()`` gives each estimate with its standard error and
95 % interval, the log-likelihood and AIC, as lifetimes and statsmodels do. Each fit maximises the
log-likelihood with its analytic gradient. BG/NBD and Gamma-Gamma take the per-customer summary
of :func:`crmlib.btyd.btyd_summary`.

The tables that check a BG/NBD fit against the data (:mod:`crmlib.models.diagnostics`:
``purchase_count_table``, ``tracking_table``, ``conditional_expectation_table``,
``p_alive_grid``) feed chapter 9's figures in :mod:`crmlib.plots`.

Examples
--------
>>> from crmlib.datasets import load_cdnow_sample
>>> from crmlib.btyd import btyd_summary
>>> summary = btyd_summary(load_cdnow_sample(), "1997-09-30", returns="keep")
>>> BetaGeo().fit(summary).params_.round(3).tolist()
[0.243, 4.414, 0.793, 2.426]
"""

from crmlib.models._base import ConvergenceWarning, FitSummary, ProbabilityModel
from crmlib.models.bgnbd import BetaGeo
from crmlib.models.diagnostics import (
    conditional_expectation_table,
    p_alive_grid,
    purchase_count_table,
    tracking_table,
)
from crmlib.models.gamma_gamma import GammaGamma
from crmlib.models.sbg import ShiftedBetaGeometric

__all__ = [
    "BetaGeo",
    "GammaGamma",
    "ShiftedBetaGeometric",
    "ProbabilityModel",
    "FitSummary",
    "ConvergenceWarning",
    "purchase_count_table",
    "tracking_table",
    "conditional_expectation_table",
    "p_alive_grid",
]
