"""crmlib.models: BG/NBD, Gamma-Gamma and sBG against their published results, then their maths.

References (tolerances stated in each test name):

- Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2):
  BG/NBD on the CDNOW sample, 39 weeks: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
  LL = -9582.4. Hardie's spreadsheet: E[X(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226.
- Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves", JMR 42(4), and Fader &
  Hardie's note "The Gamma-Gamma model of monetary value" (2013): p = 6.25, q = 3.74,
  gamma = 15.44 on the 946 repeat buyers.
- Fader & Hardie (2007), "How to project customer retention", JIM 21(1): sBG fitted on years
  1..7 gives alpha = 0.704, beta = 1.182 (regular) and alpha = 0.668, beta = 3.806 (high end).

Standard errors: the papers publish none for these fits. lifetimes 0.11.3 documents its BG/NBD
fit of the CDNOW sample (docs/Quickstart.md, ``bgf.summary``): se(r) = 0.012557,
se(alpha) = 0.378221, se(a) = 0.185719, se(b) = 0.705345, from the Hessian (autograd) of its
log-likelihood on the summary it ships (t_x and T rounded to 2 decimals). CLVTools (R) pins the
Gamma-Gamma log-likelihood of the 946 repeat buyers at -4055.9177 (tests/testthat/test_correctness_gg.R).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import DataError, NotFittedError
from crmlib.btyd import btyd_summary
from crmlib.datasets import load_cdnow_sample, load_sbg_retention
from crmlib.models import (
    BetaGeo,
    GammaGamma,
    ShiftedBetaGeometric,
    conditional_expectation_table,
    p_alive_grid,
    purchase_count_table,
    tracking_table,
)
from crmlib.models.bgnbd import bgnbd_log_likelihood, bgnbd_objective
from crmlib.models.gamma_gamma import gamma_gamma_log_likelihood, gamma_gamma_objective
from crmlib.models.sbg import sbg_log_likelihood, sbg_objective

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def cdnow():
    return btyd_summary(load_cdnow_sample(), "1997-09-30", "1998-06-30", returns="keep")


@pytest.fixture(scope="module")
def bgnbd(cdnow):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning, no RuntimeWarning
        return BetaGeo().fit(cdnow)


@pytest.fixture(scope="module")
def gamma_gamma(cdnow):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return GammaGamma().fit(cdnow)


def sbg_retention() -> pd.DataFrame:
    """The Fader & Hardie (2007) survivor counts shipped as datasets/sbg_retention.csv."""
    return load_sbg_retention()


# -- published results -------------------------------------------------------------------------

def test_bgnbd_params_match_fader_hardie_lee_2005_cdnow_within_0_0005(bgnbd):
    for name, published in PUBLISHED_BGNBD.items():
        assert bgnbd.params_[name] == pytest.approx(published, abs=5e-4), name
    assert bgnbd.converged_
    assert bgnbd.n_customers_ == 2357


def test_bgnbd_log_likelihood_matches_fader_hardie_lee_2005_minus_9582_4_within_0_05(bgnbd, cdnow):
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    # and the published (rounded) parameters give the same value to within 0.05 too
    published = BetaGeo.from_params(**PUBLISHED_BGNBD)
    assert published.log_likelihood(cdnow).sum() == pytest.approx(-9582.4, abs=0.05)


def test_hardie_spreadsheet_expected_purchases_in_39_weeks_x2_tx30_43_T38_86_is_1_226_within_0_0005():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    customer = {"x": 2, "t_x": 30.43, "T": 38.86}
    assert model.expected_purchases(customer, t=39).iloc[0] == pytest.approx(1.226, abs=5e-4)


def test_gamma_gamma_params_match_fader_hardie_lee_2005_rfm_clv_946_repeat_buyers_within_0_005(gamma_gamma):
    assert gamma_gamma.n_customers_ == 946
    for name, published in PUBLISHED_GG.items():
        assert gamma_gamma.params_[name] == pytest.approx(published, abs=5e-3), name


@pytest.mark.parametrize("cohort, alpha, beta", [("regular", 0.704, 1.182), ("high_end", 0.668, 3.806)])
def test_sbg_fader_hardie_2007_years_1_to_7_give_published_alpha_beta_within_0_0005(cohort, alpha, beta):
    survivors = sbg_retention().loc[0:7, cohort]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ShiftedBetaGeometric().fit(survivors)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    assert model.n_periods_ == 7 and model.cohort_size_ == 1000


def test_sbg_retention_dataset_is_fader_hardie_2007_table():
    data = sbg_retention()
    assert data.index.tolist() == list(range(13))
    assert data["regular"].tolist() == [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
    assert data["high_end"].tolist() == [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def test_sbg_fader_hardie_2007_projects_year_12_of_the_regular_cohort_within_5_customers():
    # Fitted on years 0..7, the model projects the unseen years 8..12 closely (the paper's point).
    data = sbg_retention()
    model = ShiftedBetaGeometric().fit(data.loc[0:7, "regular"])
    projected = model.expected_survivors(12)
    assert (projected.loc[8:12] - data.loc[8:12, "regular"]).abs().max() < 5


# -- BG/NBD maths ------------------------------------------------------------------------------

def test_bgnbd_holdout_forecast_is_of_the_right_size(bgnbd, cdnow):
    predicted = bgnbd.expected_purchases(cdnow, cdnow["T_holdout"])
    assert predicted.index.equals(cdnow.index)
    actual = cdnow["x_holdout"].sum()
    assert 0.8 * actual < predicted.sum() < 1.1 * actual


def test_bgnbd_probabilities_of_purchase_counts_add_up_to_one_with_mean_e_x_t():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    t = 38.86
    probabilities = np.array([model.probability_of_purchases(t, n) for n in range(400)])
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-9)
    mean = (np.arange(400) * probabilities).sum()
    assert mean == pytest.approx(model.expected_purchases_new(t), rel=1e-6)


def test_bgnbd_a_customer_with_no_history_is_forecast_like_a_new_one():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    for t in (1.0, 39.0, 520.0):
        conditional = model.expected_purchases({"x": 0, "t_x": 0.0, "T": 1e-9}, t).iloc[0]
        assert conditional == pytest.approx(model.expected_purchases_new(t), rel=1e-6)


def test_bgnbd_p_alive_is_1_without_repeat_purchases_and_falls_with_time_since_the_last():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    assert model.p_alive({"x": 0, "t_x": 0.0, "T": 30.0}).iloc[0] == 1.0
    p = model.p_alive({"x": [3, 3, 3], "t_x": [35.0, 20.0, 5.0], "T": [38.0, 38.0, 38.0]})
    assert p.is_monotonic_decreasing and p.between(0, 1).all()


def test_bgnbd_log_likelihood_equals_the_direct_formula_for_small_counts():
    from scipy.special import beta as B
    from scipy.special import gamma as G

    r, alpha, a, b = PUBLISHED_BGNBD.values()
    for x, t_x, T in [(0, 0.0, 30.0), (1, 10.0, 30.0), (5, 25.5, 38.0)]:
        direct = (B(a, b + x) / B(a, b) * G(r + x) * alpha**r / (G(r) * (alpha + T) ** (r + x)))
        if x > 0:
            direct += B(a + 1, b + x - 1) / B(a, b) * G(r + x) * alpha**r / (G(r) * (alpha + t_x) ** (r + x))
        got = bgnbd_log_likelihood((r, alpha, a, b), np.array([x]), np.array([t_x]), np.array([T]))[0]
        assert got == pytest.approx(np.log(direct), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(x=st.integers(0, 10**7), share=st.floats(0.001, 1.0), T=st.floats(0.01, 1e4))
def test_bgnbd_stays_finite_for_customers_with_very_many_purchases(x, share, T):
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    t_x = share * T if x > 0 else 0.0
    customer = {"x": x, "t_x": t_x, "T": T}
    assert np.isfinite(model.log_likelihood(customer)).all()
    p = model.p_alive(customer).iloc[0]
    e = model.expected_purchases(customer, 52.0).iloc[0]
    assert 0.0 <= p <= 1.0
    assert np.isfinite(e) and e >= -1e-9


def test_bgnbd_expected_purchases_grow_with_the_horizon(bgnbd, cdnow):
    head = cdnow.head(50)
    short, long = bgnbd.expected_purchases(head, 10), bgnbd.expected_purchases(head, 100)
    assert (long >= short).all()
    assert bgnbd.expected_purchases(head, 0).eq(0).all()


def test_bgnbd_handles_a_equal_to_1():
    model = BetaGeo.from_params(r=0.3, alpha=4.0, a=1.0, b=2.5)
    near = BetaGeo.from_params(r=0.3, alpha=4.0, a=1.0 + 1e-4, b=2.5)
    customer = {"x": 2, "t_x": 20.0, "T": 30.0}
    assert model.expected_purchases(customer, 39).iloc[0] == pytest.approx(
        near.expected_purchases(customer, 39).iloc[0], rel=1e-3)
    assert model.expected_purchases_new(39.0) == pytest.approx(near.expected_purchases_new(39.0), rel=1e-3)


def test_bgnbd_clv_without_discount_is_spend_times_expected_purchases():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    customers = pd.DataFrame({"x": [0, 2, 7], "t_x": [0.0, 30.43, 36.0], "T": [38.86] * 3})
    value = model.clv(customers, spend=40.0, years=1, discount_rate=0.0)
    expected = 40.0 * model.expected_purchases(customers, 365 / 7)
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    discounted = model.clv(customers, spend=40.0, years=1, discount_rate=0.10)
    assert (discounted < value).all() and (discounted > value / 1.1).all()


def test_gamma_gamma_clv_uses_expected_average_spend(bgnbd, gamma_gamma, cdnow):
    head = cdnow.head(20)
    value = gamma_gamma.clv(bgnbd, head, years=2, discount_rate=0.1, margin=0.3)
    by_hand = bgnbd.clv(head, 0.3 * gamma_gamma.expected_average_spend(head), years=2, discount_rate=0.1)
    pd.testing.assert_series_equal(value, by_hand)


def test_fit_is_silent_returns_self_and_sets_only_fitted_values(cdnow, capsys):
    model = BetaGeo()
    assert not hasattr(model, "params_")
    assert model.fit(cdnow) is model
    assert list(model.params_.index) == ["r", "alpha", "a", "b"]
    assert capsys.readouterr() == ("", "")


def test_fit_is_faster_than_0_1_s_on_the_cdnow_sample(cdnow):
    import time

    BetaGeo().fit(cdnow)
    start = time.perf_counter()
    BetaGeo().fit(cdnow)
    assert time.perf_counter() - start < 0.5  # target 0.1 s (bench/bench_models.py); slack for CI


# -- Gamma-Gamma maths -------------------------------------------------------------------------

def test_gamma_gamma_expected_spend_weighs_own_mean_against_the_population_mean():
    model = GammaGamma.from_params(**PUBLISHED_GG)
    population = model.population_mean_spend()
    assert population == pytest.approx(6.25 * 15.44 / 2.74)
    spend = model.expected_average_spend({"x": [0, 1, 10, 1000], "monetary": [0.0, 100.0, 100.0, 100.0]})
    assert spend.iloc[0] == pytest.approx(population)
    assert population < spend.iloc[1] < spend.iloc[2] < spend.iloc[3] < 100.0
    assert spend.iloc[3] == pytest.approx(100.0, rel=0.01)


def test_gamma_gamma_fit_ignores_customers_without_repeat_purchases(cdnow, gamma_gamma):
    repeaters = cdnow[cdnow["x"] > 0]
    refit = GammaGamma().fit(repeaters)
    np.testing.assert_allclose(refit.params_, gamma_gamma.params_, rtol=1e-4)


# -- sBG maths ---------------------------------------------------------------------------------

def test_sbg_survival_churn_and_retention_agree():
    model = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182)
    t = np.arange(1, 30)
    s = model.survival(np.arange(0, 30))
    assert s[0] == 1.0
    np.testing.assert_allclose(model.churn_probability(t), s[:-1] - s[1:], rtol=1e-12)
    np.testing.assert_allclose(model.retention_rate(t), s[1:] / s[:-1], rtol=1e-12)
    assert np.all(np.diff(model.retention_rate(t)) > 0)  # retention rises: the sorting effect


def test_sbg_discounted_lifetimes_equal_their_series():
    model = ShiftedBetaGeometric.from_params(alpha=0.668, beta=3.806)
    d = 0.10
    t = np.arange(0, 3000)
    discount = (1 + d) ** -t.astype(float)
    assert model.discounted_expected_lifetime(d) == pytest.approx((model.survival(t) * discount).sum(), rel=1e-10)
    for renewals in (0, 1, 4):
        n = renewals + 1
        tail = np.arange(n, 3000)
        series = (model.survival(tail) / model.survival(n - 1) * (1 + d) ** -(tail - n).astype(float)).sum()
        assert model.discounted_expected_residual_lifetime(renewals, d) == pytest.approx(series, rel=1e-10)
    assert model.clv(margin=100.0, discount_rate=d) == pytest.approx(100 * model.discounted_expected_lifetime(d))


# -- bad input ---------------------------------------------------------------------------------

def test_t_x_after_T_names_the_customers():
    summary = pd.DataFrame({"x": [1, 2, 3, 0, 1], "t_x": [5.0, 40.0, 10.0, 0.0, 50.0], "T": [30.0] * 5},
                           index=pd.Index([11, 12, 13, 14, 15], name="customer_id"))
    with pytest.raises(DataError, match=r"t_x \(time of the last purchase\) is larger than T .*2 customers: 12, 15"):
        BetaGeo().fit(summary)


def test_negative_counts_name_the_customers():
    summary = pd.DataFrame({"x": [1, -2, 3, 0], "t_x": [5.0, 4.0, 10.0, 0.0], "T": [30.0] * 4},
                           index=["ann", "bob", "cy", "di"])
    with pytest.raises(DataError, match=r"'x' \(repeat purchases\) is negative for 1 customer: 'bob'"):
        BetaGeo().fit(summary)


def test_gamma_gamma_monetary_zero_or_negative_for_repeat_buyers_names_the_customers():
    summary = pd.DataFrame({"x": [1, 2, 3, 0], "monetary": [10.0, 0.0, -5.0, 0.0]}, index=[1, 2, 3, 4])
    with pytest.raises(DataError, match=r"'monetary' .* zero or negative although x > 0, for 2 customers: 2, 3\. "):
        GammaGamma().fit(summary)


@pytest.mark.parametrize("model, n_params", [(BetaGeo(), 4), (GammaGamma(), 3)])
def test_fewer_customers_than_parameters_is_an_error(model, n_params):
    summary = pd.DataFrame({"x": [1, 2], "t_x": [5.0, 8.0], "T": [10.0, 10.0], "monetary": [5.0, 6.0]})
    with pytest.raises(DataError, match=f"{n_params} parameters but the data have only 2"):
        model.fit(summary)


def test_sbg_fewer_periods_than_parameters_and_rising_counts_are_errors():
    with pytest.raises(DataError, match="2 parameters but the data have only 1 observed periods"):
        ShiftedBetaGeometric().fit([1000, 600])
    with pytest.raises(DataError, match=r"survivors rise in periods \[2\]"):
        ShiftedBetaGeometric().fit([1000, 600, 700, 500])


def test_no_repeat_buyer_at_all_is_an_error():
    summary = pd.DataFrame({"x": [0] * 5, "t_x": [0.0] * 5, "T": [10.0] * 5})
    with pytest.raises(DataError, match="no customer made a repeat purchase"):
        BetaGeo().fit(summary)


def test_missing_column_and_unfitted_model_are_explained():
    with pytest.raises(DataError, match="column 'T' is missing.*btyd_summary"):
        BetaGeo().fit(pd.DataFrame({"x": [1], "t_x": [1.0]}))
    with pytest.raises(NotFittedError, match=r"BetaGeo.p_alive\(\) needs a fitted model: call fit\(\) first") as info:
        BetaGeo().p_alive({"x": 1, "t_x": 1.0, "T": 2.0})
    assert not isinstance(info.value, DataError), "an unfitted model is not a data problem"


def test_from_params_rejects_non_positive_parameters():
    with pytest.raises(DataError, match="must all be positive"):
        BetaGeo.from_params(r=0.2, alpha=-1.0, a=0.8, b=2.4)


# -- the shared base class: from_params, repr, summary with standard errors ----------------------

LIFETIMES_DOC_BGNBD_SE = {"r": 0.012557, "alpha": 0.378221, "a": 0.185719, "b": 0.705345}


def central_difference_hessian(function, params, step=1e-4):
    """Hessian of a scalar function from its values alone (second differences, relative steps)."""
    params = np.asarray(params, dtype="float64")
    k = len(params)
    h = step * params
    hessian = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            def at(di, dj, i=i, j=j):
                moved = params.copy()
                moved[i] += di * h[i]
                moved[j] += dj * h[j]
                return function(moved)
            hessian[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
    return hessian


def test_bgnbd_standard_errors_match_lifetimes_0_11_3_documented_summary_within_0_02_percent(bgnbd):
    # lifetimes fits its CSV copy of the same summary, t_x and T rounded to 2 decimals: on that
    # copy crmlib gives lifetimes' six digits exactly (bench/bench_models.py prints both).
    for name, documented in LIFETIMES_DOC_BGNBD_SE.items():
        assert bgnbd.standard_errors_[name] == pytest.approx(documented, rel=2e-4), name


def test_bgnbd_standard_errors_equal_the_inverse_of_a_finite_difference_hessian_within_0_1_percent(bgnbd, cdnow):
    x, t_x, T = (cdnow[c].to_numpy() for c in ("x", "t_x", "T"))
    hessian = central_difference_hessian(lambda p: -bgnbd_log_likelihood(p, x, t_x, T).sum(), bgnbd.params_)
    np.testing.assert_allclose(bgnbd.standard_errors_, np.sqrt(np.diag(np.linalg.inv(hessian))), rtol=1e-3)
    np.testing.assert_allclose(bgnbd.covariance_, np.linalg.inv(hessian), rtol=2e-3, atol=1e-8)


def test_gamma_gamma_and_sbg_standard_errors_equal_the_inverse_of_a_finite_difference_hessian(gamma_gamma, cdnow):
    repeat = cdnow[cdnow["x"] > 0]
    x, m = repeat["x"].to_numpy(), repeat["monetary"].to_numpy()
    hessian = central_difference_hessian(lambda p: -gamma_gamma_log_likelihood(p, x, m).sum(), gamma_gamma.params_)
    np.testing.assert_allclose(gamma_gamma.standard_errors_, np.sqrt(np.diag(np.linalg.inv(hessian))), rtol=1e-3)
    survivors = sbg_retention().loc[0:7, "regular"].to_numpy()
    sbg = ShiftedBetaGeometric().fit(survivors)
    hessian = central_difference_hessian(lambda p: -sbg_log_likelihood(p, survivors), sbg.params_)
    np.testing.assert_allclose(sbg.standard_errors_, np.sqrt(np.diag(np.linalg.inv(hessian))), rtol=1e-3)


def test_bgnbd_summary_cdnow_ll_minus_9582_43_aic_19172_86_and_95_percent_wald_intervals(bgnbd):
    summary = bgnbd.summary()
    assert summary.model == "BG/NBD" and summary.n == 2357 and summary.n_label == "customers"
    assert summary.log_likelihood == pytest.approx(-9582.43, abs=0.005)
    assert summary.aic == pytest.approx(2 * 4 + 2 * 9582.4292, abs=0.005)  # 19,172.86
    table = summary.params
    assert list(table.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert list(table.index) == ["r", "alpha", "a", "b"]
    np.testing.assert_allclose(table["lower_95"], table["estimate"] - 1.959964 * table["std_error"], rtol=1e-6)
    np.testing.assert_allclose(table["upper_95"], table["estimate"] + 1.959964 * table["std_error"], rtol=1e-6)
    # the published r = 0.243 lies well inside r's interval 0.218 .. 0.267
    assert table.loc["r", "lower_95"] == pytest.approx(0.2180, abs=5e-5)
    assert table.loc["r", "upper_95"] == pytest.approx(0.2672, abs=5e-5)
    assert "BG/NBD fitted on 2,357 customers: log-likelihood -9,582.43, AIC 19,172.86" in repr(summary)
    assert "<b>BG/NBD</b>" in summary._repr_html_()
    assert summary.statistics()["AIC"] == summary.aic
    assert "lower_90" in bgnbd.summary(level=0.90).params.columns


def test_gamma_gamma_summary_946_repeat_buyers_ll_minus_4055_92_as_clvtools(gamma_gamma):
    summary = gamma_gamma.summary()
    assert summary.n == 946 and summary.n_label == "repeat buyers"
    assert summary.log_likelihood == pytest.approx(-4055.9177, abs=5e-4)
    assert summary.params.loc["p", "std_error"] == pytest.approx(1.1901, abs=5e-4)
    assert summary.params.loc["q", "std_error"] == pytest.approx(0.2901, abs=5e-4)
    assert summary.params.loc["gamma", "std_error"] == pytest.approx(4.1594, abs=5e-4)


def test_sbg_summary_regular_cohort_se_alpha_0_066_beta_0_153_on_1000_customers():
    summary = ShiftedBetaGeometric().fit(sbg_retention().loc[0:7, "regular"]).summary()
    assert summary.n == 1000 and summary.n_label == "customers in the cohort"
    assert summary.log_likelihood == pytest.approx(-1680.27, abs=0.005)
    assert summary.params.loc["alpha", "std_error"] == pytest.approx(0.0656, abs=5e-4)
    assert summary.params.loc["beta", "std_error"] == pytest.approx(0.1525, abs=5e-4)


def test_summary_needs_a_model_fitted_on_data():
    with pytest.raises(NotFittedError, match=r"BetaGeo.summary\(\) needs a fitted model"):
        BetaGeo().summary()
    with pytest.raises(NotFittedError, match=r"from_params\(\) has parameters but no data"):
        GammaGamma.from_params(**PUBLISHED_GG).summary()
    with pytest.raises(DataError, match="level is the coverage"):
        ShiftedBetaGeometric().fit([1000, 631, 468, 382]).summary(level=95)


def test_from_params_takes_names_or_the_parameter_order_and_names_what_is_wrong():
    by_name = BetaGeo.from_params(**PUBLISHED_BGNBD)
    in_order = BetaGeo.from_params(0.243, 4.414, 0.793, 2.426)
    pd.testing.assert_series_equal(by_name.params_, in_order.params_)
    assert by_name.log_likelihood_ is None and by_name.standard_errors_ is None and by_name.n_customers_ == 0
    assert repr(by_name) == "BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)"
    assert repr(ShiftedBetaGeometric()) == "ShiftedBetaGeometric()"
    assert ShiftedBetaGeometric.from_params(alpha=0.7, beta=1.2).cohort_size_ is None
    with pytest.raises(DataError, match=r"missing: \['b'\]"):
        BetaGeo.from_params(r=0.2, alpha=4.0, a=0.8)
    with pytest.raises(DataError, match=r"unknown: \['v'\]"):
        GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
    with pytest.raises(DataError, match=r"given twice: \['alpha'\]"):
        ShiftedBetaGeometric.from_params(0.7, alpha=0.7)


# -- analytic gradients ------------------------------------------------------------------------

def numerical_gradient(function, params, step=1e-6):
    params = np.asarray(params, dtype="float64")
    gradient = np.empty_like(params)
    for i in range(len(params)):
        h = step * params[i]
        up, down = params.copy(), params.copy()
        up[i] += h
        down[i] -= h
        gradient[i] = (function(up) - function(down)) / (2 * h)
    return gradient


@pytest.mark.parametrize("params", [(0.243, 4.414, 0.793, 2.426), (1.0, 1.0, 1.0, 1.0), (3.0, 0.5, 5.0, 0.3)])
def test_bgnbd_analytic_gradient_equals_finite_differences(cdnow, params):
    x, t_x, T = (cdnow[c].to_numpy() for c in ("x", "t_x", "T"))
    value, gradient = bgnbd_objective(x, t_x, T)(np.array(params))
    assert value == pytest.approx(bgnbd_log_likelihood(params, x, t_x, T).sum(), rel=1e-12)
    numeric = numerical_gradient(lambda p: bgnbd_log_likelihood(p, x, t_x, T).sum(), params)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("params", [(6.25, 3.74, 15.44), (1.0, 1.0, 1.0), (0.5, 8.0, 100.0)])
def test_gamma_gamma_analytic_gradient_equals_finite_differences(cdnow, params):
    repeat = cdnow[cdnow["x"] > 0]
    x, m = repeat["x"].to_numpy(), repeat["monetary"].to_numpy()
    value, gradient = gamma_gamma_objective(x, m)(np.array(params))
    assert value == pytest.approx(gamma_gamma_log_likelihood(params, x, m).sum(), rel=1e-12)
    numeric = numerical_gradient(lambda p: gamma_gamma_log_likelihood(p, x, m).sum(), params)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("params", [(0.704, 1.182), (1.0, 1.0), (3.0, 0.2)])
def test_sbg_analytic_gradient_equals_finite_differences(params):
    survivors = sbg_retention()["high_end"].to_numpy()
    value, gradient = sbg_objective(survivors)(np.array(params))
    assert value == sbg_log_likelihood(params, survivors)
    numeric = numerical_gradient(lambda p: sbg_log_likelihood(p, survivors), params)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-5)


def test_bgnbd_fit_does_not_lean_on_customers_sharing_a_history(cdnow, bgnbd):
    # Move every customer's t_x and T by about a second: no two histories are equal any more,
    # and the fit finds the same estimates, as fast (the bound is loose: shared machines).
    import time

    rng = np.random.default_rng(7)
    jitter = cdnow[["x", "t_x", "T"]].copy()
    jitter["T"] += rng.uniform(1e-6, 2e-6, len(jitter))
    repeat = jitter["x"] > 0
    jitter.loc[repeat, "t_x"] += rng.uniform(0, 1e-6, int(repeat.sum()))
    assert jitter.drop_duplicates().shape[0] == len(jitter)
    start = time.perf_counter()
    refit = BetaGeo().fit(jitter)
    assert time.perf_counter() - start < 0.5
    np.testing.assert_allclose(refit.params_, bgnbd.params_, rtol=1e-5)


# -- CLV: the time unit is freq, the margin is stated ----------------------------------------

def test_clv_in_days_with_freq_d_equals_clv_in_weeks():
    weekly = BetaGeo.from_params(**PUBLISHED_BGNBD)
    daily = BetaGeo.from_params(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426)
    in_weeks = pd.DataFrame({"x": [0, 2, 7], "t_x": [0.0, 30.43, 36.0], "T": [38.86] * 3})
    in_days = in_weeks.assign(t_x=in_weeks["t_x"] * 7, T=in_weeks["T"] * 7)
    np.testing.assert_allclose(weekly.clv(in_weeks, 40.0, years=2, discount_rate=0.1, freq="W"),
                               daily.clv(in_days, 40.0, years=2, discount_rate=0.1, freq="D"), rtol=1e-9)
    with pytest.raises(DataError, match="freq must be 'D' or 'W'"):
        weekly.clv(in_weeks, 40.0, freq="M")


def test_gamma_gamma_clv_margin_is_a_share_between_0_and_1(bgnbd, gamma_gamma, cdnow):
    head = cdnow.head(5)
    full = gamma_gamma.clv(bgnbd, head, years=1)
    np.testing.assert_allclose(gamma_gamma.clv(bgnbd, head, years=1, margin=0.3), 0.3 * full, rtol=1e-12)
    for margin in (30, 0, -0.2):
        with pytest.raises(DataError, match="margin is the gross margin"):
            gamma_gamma.clv(bgnbd, head, margin=margin)


# -- the tables that check a BG/NBD fit (chapter 9's figures) -----------------------------------

def test_purchase_count_table_cdnow_1411_customers_without_repeat_purchase_model_1407_7(bgnbd, cdnow):
    table = purchase_count_table(bgnbd, cdnow)
    assert table.index.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["actual"].tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert table["actual"].sum() == 2357 and table["expected"].sum() == pytest.approx(2357)
    assert table.loc["0", "expected"] == pytest.approx(1407.7, abs=0.05)
    assert table.loc["7+", "expected"] == pytest.approx(71.9, abs=0.05)
    assert table.attrs["model"] == "BG/NBD"


def test_tracking_table_cdnow_weeks_1_78_cumulative_actual_2457_and_4339_model_2494_0_and_4160_6(bgnbd):
    table = tracking_table(load_cdnow_sample(), bgnbd, "1997-09-30", "1998-06-30", returns="keep")
    assert table.index.tolist() == list(range(1, 79))
    assert table.attrs["calibration_periods"] == 39 and table.attrs["freq"] == "W"
    cumulative = table.cumsum()
    # 2,457 repeat purchases in the calibration period, 1,882 in the holdout (btyd_summary's x, x_holdout)
    assert cumulative.loc[39, "actual"] == 2457 and cumulative.loc[78, "actual"] == 2457 + 1882
    assert cumulative.loc[39, "expected"] == pytest.approx(2494.0, abs=0.05)
    assert cumulative.loc[78, "expected"] == pytest.approx(4160.6, abs=0.05)  # 4 % below the actual 4,339


def test_tracking_table_by_day_sums_like_the_new_customer_formula():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    tx = pd.DataFrame({"customer_id": [1, 2, 2], "date": ["2020-01-01", "2020-01-03", "2020-01-05"],
                       "amount": [5.0, 6.0, 7.0]})
    table = tracking_table(tx, model, "2020-01-04", "2020-01-10", freq="D")
    assert table["actual"].tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    # at the end of day 10 the customers are 9 and 7 days old
    new = model.expected_purchases_new
    assert table["expected"].sum() == pytest.approx(new(9.0) + new(7.0))
    with pytest.raises(DataError, match="observation_end 2020-01-04 must be after calibration_end"):
        tracking_table(tx, model, "2020-01-04", "2020-01-04")


def test_conditional_expectation_table_cdnow_forecast_adds_up_to_1653_4_against_1882_actual(bgnbd, cdnow):
    table = conditional_expectation_table(bgnbd, cdnow)
    assert table["customers"].sum() == 2357
    assert (table["expected"] * table["customers"]).sum() == pytest.approx(1653.4, abs=0.05)
    assert (table["actual"] * table["customers"]).sum() == pytest.approx(1882)
    assert table.loc["0", "actual"] == pytest.approx(0.237, abs=5e-4)
    assert table.loc["0", "expected"] == pytest.approx(0.225, abs=5e-4)
    with pytest.raises(DataError, match="column 'x_holdout' is missing: the summary needs a holdout period"):
        conditional_expectation_table(bgnbd, cdnow[["x", "t_x", "T"]])


def test_p_alive_grid_holds_the_model_p_alive():
    model = BetaGeo.from_params(**PUBLISHED_BGNBD)
    grid = p_alive_grid(model, T=38.86, max_x=5, points=10)
    assert grid.shape == (5, 10) and grid.index.name == "x" and grid.columns.name == "t_x"
    t_x = grid.columns[3]
    assert grid.loc[4, t_x] == pytest.approx(model.p_alive({"x": 4, "t_x": t_x, "T": 38.86}).iloc[0])
    assert grid.columns[-1] == pytest.approx(38.86)


def test_diagnostic_tables_need_a_fitted_bg_nbd_model(cdnow):
    with pytest.raises(NotFittedError, match=r"BetaGeo.purchase_count_table\(\) needs a fitted model"):
        purchase_count_table(BetaGeo(), cdnow)
    with pytest.raises(DataError, match="needs a BG/NBD model"):
        p_alive_grid(GammaGamma.from_params(**PUBLISHED_GG), T=39.0)
    with pytest.raises(DataError, match="max_count is the number of repeat purchases"):
        purchase_count_table(BetaGeo.from_params(**PUBLISHED_BGNBD), cdnow, max_count=0)


# -- chapter 9's numbers that rest on the fits ----------------------------------------------------

def test_chapter_9_a_and_b_correlate_0_94_and_a_over_a_plus_b_is_0_246_with_delta_method_se_0_020(bgnbd):
    a, b = bgnbd.params_["a"], bgnbd.params_["b"]
    covariance = bgnbd.covariance_.loc[["a", "b"], ["a", "b"]].to_numpy()
    assert covariance[0, 1] / np.sqrt(covariance[0, 0] * covariance[1, 1]) == pytest.approx(0.94, abs=0.005)
    gradient = np.array([b, -a]) / (a + b) ** 2
    assert a / (a + b) == pytest.approx(0.246, abs=5e-4)
    assert np.sqrt(gradient @ covariance @ gradient) == pytest.approx(0.020, abs=5e-4)


def test_chapter_9_three_year_clv_at_a_30_percent_margin_and_10_percent_is_44860_dollars_19_03_each(
        bgnbd, gamma_gamma, cdnow):
    value = gamma_gamma.clv(bgnbd, cdnow, years=3, discount_rate=0.10, margin=0.30)
    assert value.sum() == pytest.approx(44_859.65, abs=0.01)
    assert value.mean() == pytest.approx(19.03, abs=0.005)
    assert value.idxmax() == 509 and value.max() == pytest.approx(699.72, abs=0.005)
