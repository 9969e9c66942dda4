"""The simulated RFM test mailing of chapter 5: crmlib.rfm.mailing_response_probability,
simulate_mailing_response and mailing_profit.

The course source (chapter 2, RFM): test a campaign on every cell, compute each cell's response
rate and break-even index, mail only the cells that pay; "usually higher M, F and recency respond
more, but not always: that is why the test is run".
"""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import DataError, rfm
from crmlib.datasets import make_transactions


@pytest.fixture(scope="module")
def grid() -> pd.DataFrame:
    """One row per RFM cell, 111 .. 555."""
    cells = pd.DataFrame(list(itertools.product(range(1, 6), repeat=3)), columns=["R", "F", "M"])
    cells.index = cells["R"].astype(str) + cells["F"].astype(str) + cells["M"].astype(str)
    return cells


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    tx = make_transactions(n_customers=3000, seed=5)
    return rfm.rfm_scores(rfm.rfm_table(tx, asof="2024-12-31"))


def test_cell_111_responds_at_the_base_rate_and_555_at_27_percent_without_cell_effects(grid):
    p = rfm.mailing_response_probability(grid, cell_noise=0.0)
    assert p["111"] == pytest.approx(0.01)
    # logit = logit(0.01) + 4 x (0.45 + 0.30 + 0.15) = -4.5951 + 3.6 = -0.9951
    assert p["555"] == pytest.approx(0.269902, abs=1e-6)
    assert p["552"] == pytest.approx(0.190754, abs=1e-6)


def test_without_cell_effects_response_rises_strictly_with_every_score(grid):
    p = rfm.mailing_response_probability(grid, cell_noise=0.0)
    for letter in ("R", "F", "M"):
        others = [c for c in ("R", "F", "M") if c != letter]
        wide = pd.DataFrame({"p": p, **{c: grid[c] for c in grid}}).pivot_table(
            index=others, columns=letter, values="p")
        assert (wide.diff(axis=1).iloc[:, 1:] > 0).all().all(), letter
    assert p.idxmax() == "555"


def test_recency_matters_most_and_money_least(grid):
    p = rfm.mailing_response_probability(grid, cell_noise=0.0)
    step = {letter: p[grid[letter] == 5].mean() - p[grid[letter] == 1].mean() for letter in "RFM"}
    assert step["R"] > step["F"] > step["M"] > 0


def test_with_the_default_seed_the_best_cell_is_552_not_555(grid):
    # the reason to test every cell: a neighbour of 555 can respond better
    p = rfm.mailing_response_probability(grid, seed=0)
    assert p.idxmax() == "552"
    assert p["552"] == pytest.approx(0.3218, abs=1e-4)
    assert p["555"] == pytest.approx(0.2173, abs=1e-4)
    # ... but on average the response still rises with each score
    for letter in "RFM":
        means = p.groupby(grid[letter]).mean()
        assert means[5] > means[1], letter


def test_the_cell_effect_belongs_to_the_cell_not_to_the_customer(grid, scores):
    p_customers = rfm.mailing_response_probability(scores, seed=3)
    p_cells = rfm.mailing_response_probability(grid, seed=3)
    assert np.allclose(p_customers.to_numpy(), p_cells.reindex(scores["cell"]).to_numpy())


def test_the_same_seed_gives_the_same_mailing_and_another_seed_another(scores):
    first = rfm.simulate_mailing_response(scores, seed=7)
    again = rfm.simulate_mailing_response(scores, seed=7)
    other = rfm.simulate_mailing_response(scores, seed=8)
    pd.testing.assert_series_equal(first, again)
    assert not first.equals(other)
    assert first.name == "responded" and first.dtype == bool
    assert first.index.equals(scores.index)


def test_the_response_rate_matches_the_probabilities_on_average(scores):
    probability = rfm.mailing_response_probability(scores, seed=11)
    responded = rfm.simulate_mailing_response(scores, seed=11)
    expected, n = probability.mean(), len(scores)
    assert abs(responded.mean() - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


def test_settings_change_the_probabilities():
    cell = pd.DataFrame({"R": [1], "F": [1], "M": [1]})
    assert rfm.mailing_response_probability(cell, base_rate=0.05, cell_noise=0.0).iloc[0] == pytest.approx(0.05)
    responded = rfm.simulate_mailing_response(pd.concat([cell] * 200, ignore_index=True), seed=1,
                                              base_rate=0.5, cell_noise=0.0)
    assert 0.35 < responded.mean() < 0.65


def test_bad_input_is_explained():
    with pytest.raises(DataError, match=r"column 'M' is missing from the scores \(columns: \['R', 'F'\]\): "
                                        r"pass the output of rfm_scores"):
        rfm.mailing_response_probability(pd.DataFrame({"R": [1], "F": [1]}))
    with pytest.raises(DataError, match=r"column 'R': values are not whole scores from 1 to 9 in 1 row: row 0 \(0\)"):
        rfm.mailing_response_probability(pd.DataFrame({"R": [0], "F": [1], "M": [1]}))
    with pytest.raises(DataError, match="base_rate is a probability"):
        rfm.mailing_response_probability(pd.DataFrame({"R": [1], "F": [1], "M": [1]}), base_rate=1.5)
    with pytest.raises(DataError, match="unknown setting 'recency'"):
        rfm.simulate_mailing_response(pd.DataFrame({"R": [1], "F": [1], "M": [1]}), recency=1.0)
    with pytest.raises(DataError, match="scores are empty"):
        rfm.simulate_mailing_response(pd.DataFrame({"R": [], "F": [], "M": []}))


def test_mailing_profit_of_the_test_mailing(scores):
    responded = rfm.simulate_mailing_response(scores, seed=0)
    cells = rfm.cell_response(scores, responded, cost_per_contact=0.5, profit_per_response=20.0)
    plans = rfm.mailing_profit(cells, cost_per_contact=0.5, profit_per_response=20.0)
    every, chosen = plans.loc["every cell"], plans.loc["positive-index cells"]
    assert every["customers"] == len(scores) and every["responses"] == responded.sum()
    assert every["net_profit"] == pytest.approx(responded.sum() * 20.0 - len(scores) * 0.5)
    assert chosen["customers"] == cells.loc[cells["mail"], "customers"].sum()
    assert chosen["net_profit"] >= every["net_profit"]
    assert chosen["response_rate"] > every["response_rate"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.integers(0, 60)), min_size=1, max_size=12),
       st.floats(0.1, 5.0), st.floats(5.0, 100.0))
def test_mailing_only_positive_index_cells_never_earns_less(cell_counts, cost, profit):
    rows = []
    for number, (customers, responses) in enumerate(cell_counts):
        responses = min(responses, customers)
        rows += [{"cell": f"{number:03d}", "responded": k < responses} for k in range(customers)]
    frame = pd.DataFrame(rows)
    cells = rfm.cell_response(frame, "responded", cost_per_contact=cost, profit_per_response=profit)
    plans = rfm.mailing_profit(cells, cost_per_contact=cost, profit_per_response=profit)
    assert plans.loc["positive-index cells", "net_profit"] >= plans.loc["every cell", "net_profit"] - 1e-9
