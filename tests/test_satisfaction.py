"""The satisfaction trap (chapter 8): crmlib.satisfaction and the shipped survey.

The numbers pinned here are those of the shipped survey (``make_satisfaction_survey`` with
2,000 customers and seed 2024), written out in ``datasets/README.md`` and quoted in
chapter 8; the effects they show are those of Reichheld (1993, 1996), Jones & Sasser (1995) and
Kano et al. (1984).
"""

import hashlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlib import DataError, satisfaction
from crmlib.datasets import data_file, load_satisfaction_survey


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return load_satisfaction_survey()


def test_the_shipped_csv_rebuilds_byte_for_byte(tmp_path, root):
    rebuilt = satisfaction.write_satisfaction_survey(tmp_path / "satisfaction_survey.csv")
    shipped = root / "datasets" / "satisfaction_survey.csv"
    assert rebuilt.read_bytes() == shipped.read_bytes()
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == (
        "8ea0c857690fa0d997eeccd67a88d1a758317cb5c868528f29492fc91bf420bd")


def test_the_loader_gives_the_generator_frame(survey):
    pd.testing.assert_frame_equal(survey, satisfaction.make_satisfaction_survey(), check_dtype=False)
    assert survey.columns.tolist() == list(satisfaction.SURVEY_COLUMNS)
    assert survey["repurchased"].dtype == bool
    for column in ("customer_id", "basic_met", "potential_met", "satisfaction"):
        assert survey[column].dtype == "int64"


def test_the_data_card_exists_and_names_the_generator_and_seed(root):
    readme = (root / "datasets" / "README.md").read_text(encoding="utf-8")
    card = readme.split("## `satisfaction_survey.csv`")[1].split("\n## ")[0]
    for fact in ("synthetic", "make_satisfaction_survey", "seed=2024", "byte for byte", "61,579 bytes",
                 "`repurchased`", "`basic_met`", "`potential_met`"):
        assert fact in card
    assert data_file("satisfaction_survey.csv").is_file()


def test_survey_shape_and_scores(survey):
    assert survey.shape == (2000, 7)
    assert survey["satisfaction"].value_counts().sort_index().tolist() == [63, 117, 297, 998, 525]
    assert survey["repurchased"].sum() == 1002
    assert set(survey["stage"]) == set(satisfaction.STAGES)
    assert set(survey["competition"]) == {"high", "low"}
    for column in ("basic_met", "potential_met", "satisfaction"):
        assert survey[column].between(1, 5).all()


def test_reichheld_most_defectors_were_satisfied(survey):
    # Reichheld (1993): 65-85 % of defectors say they were satisfied or very satisfied
    share = satisfaction.satisfied_defectors_share(survey)
    assert share == pytest.approx(0.703407, abs=1e-6)
    assert 0.65 <= share <= 0.85


def test_jones_sasser_only_the_top_box_is_loyal_in_a_competitive_market(survey):
    competitive = survey[survey["competition"] == "high"]
    table = satisfaction.repurchase_by_satisfaction(competitive)
    rates = table["repurchase_rate"]
    assert rates.round(3).tolist() == [0.2, 0.256, 0.321, 0.346, 0.644]
    assert rates[5] - rates[4] > 2 * (rates[4] - rates[1]) / 3  # the jump at 5 beats the climb 1 -> 4
    comparison = satisfaction.top_box_comparison(survey)
    assert comparison["top_box_rate"] == pytest.approx(0.718095, abs=1e-6)
    assert comparison["next_box_rate"] == pytest.approx(0.444890, abs=1e-6)
    assert comparison["gap"] == pytest.approx(0.273205, abs=1e-6)
    assert comparison["defection_ratio"] == pytest.approx(1.969141, abs=1e-6)


def test_heskett_1994_jones_sasser_1995_xerox_top_box_six_times_against_the_synthetic_survey(survey):
    """Chapter 8: Xerox's 5s were six times as likely to repurchase as its 4s; the generated survey's
    top box only 1.61 times (all customers) and 1.86 times (competitive market)."""
    assert satisfaction.XEROX_TOP_BOX_REPURCHASE_RATIO == 6.0
    everyone = satisfaction.top_box_comparison(survey)
    competitive = satisfaction.top_box_comparison(survey[survey["competition"] == "high"])
    assert everyone["repurchase_ratio"] == pytest.approx(0.718095 / 0.444890, abs=1e-5)
    assert round(everyone["repurchase_ratio"], 2) == 1.61
    assert round(competitive["repurchase_ratio"], 2) == 1.86
    assert competitive["repurchase_ratio"] < satisfaction.XEROX_TOP_BOX_REPURCHASE_RATIO


def test_in_a_protected_market_even_neutral_customers_stay(survey):
    table = satisfaction.repurchase_by_satisfaction(survey, by="competition")
    assert table.loc[("low", 3), "repurchase_rate"] > table.loc[("high", 5), "repurchase_rate"]
    assert table.loc["low", "share"].sum() == pytest.approx(1.0)
    assert table["customers"].sum() == 2000


def test_kano_exceeding_the_basics_buys_no_loyalty_but_potential_does(survey):
    rates = satisfaction.repurchase_by_expectations(survey, min_customers=20)
    # down a column: basics met (4) -> exceeded (5) does not raise repurchase
    assert (rates.loc[5, 2:5] <= rates.loc[4, 2:5] + 0.02).all()
    # along a row: more potential expectations met, more repurchase
    for basic in (3, 4, 5):
        row = rates.loc[basic].dropna()
        assert row.is_monotonic_increasing, basic
    assert rates.loc[4].round(2).tolist() == [0.2, 0.37, 0.62, 0.78, 0.88]


def test_the_top_box_gap_grows_from_exploration_to_stability(survey):
    table = satisfaction.repurchase_by_satisfaction(survey, by="stage")["repurchase_rate"]
    gap = {stage: table[(stage, 5)] - table[(stage, 4)] for stage in satisfaction.STAGES}
    assert gap["stability"] > gap["exploration"]


def test_repurchase_by_satisfaction_columns_and_labels():
    survey = pd.DataFrame({"satisfaction": [1, 1, 3, 5], "repurchased": [False, True, True, True]})
    table = satisfaction.repurchase_by_satisfaction(survey)
    assert table.columns.tolist() == ["customers", "share", "repurchased", "repurchase_rate",
                                      "defection_rate", "label"]
    assert table.loc[1, "repurchase_rate"] == 0.5 and table.loc[1, "label"] == "very dissatisfied"
    assert table["share"].sum() == pytest.approx(1.0)


def test_bad_surveys_are_explained():
    with pytest.raises(DataError, match="column 'repurchased' is missing"):
        satisfaction.repurchase_by_satisfaction(pd.DataFrame({"satisfaction": [4]}))
    with pytest.raises(DataError,
                       match=r"column 'satisfaction': values are not scores from 1 to 5 in 1 row: row 1 \(7\)\."):
        satisfaction.satisfied_defectors_share(pd.DataFrame({"satisfaction": [4, 7], "repurchased": [False, True]}))
    with pytest.raises(DataError, match=r"column 'repurchased': values are not True or False in 2 rows: "
                                        r"row 0 \('yes'\), row 1 \('no'\)\. Every respondent"):
        satisfaction.top_box_comparison(pd.DataFrame({"satisfaction": [4, 5], "repurchased": ["yes", "no"]}))
    with pytest.raises(DataError, match="no respondent defected"):
        satisfaction.satisfied_defectors_share(pd.DataFrame({"satisfaction": [4, 5], "repurchased": [True, True]}))
    with pytest.raises(DataError, match="no respondent gave satisfaction 4"):
        satisfaction.top_box_comparison(pd.DataFrame({"satisfaction": [3, 5], "repurchased": [True, False]}))
    with pytest.raises(DataError, match="column 'segment' is missing"):
        satisfaction.repurchase_by_satisfaction(pd.DataFrame({"satisfaction": [4], "repurchased": [True]}),
                                                by="segment")
    with pytest.raises(DataError, match="survey is empty"):
        satisfaction.repurchase_by_satisfaction(pd.DataFrame({"satisfaction": [], "repurchased": []}))
    with pytest.raises(DataError, match="n_customers must be at least 1"):
        satisfaction.make_satisfaction_survey(0)


def test_the_generator_is_repeatable_and_seeded():
    a = satisfaction.make_satisfaction_survey(300, seed=1)
    pd.testing.assert_frame_equal(a, satisfaction.make_satisfaction_survey(300, seed=1))
    assert not a.equals(satisfaction.make_satisfaction_survey(300, seed=2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=60))
def test_the_satisfied_defectors_share_is_a_share_and_counts_add_up(rows):
    survey = pd.DataFrame(rows, columns=["satisfaction", "repurchased"])
    table = satisfaction.repurchase_by_satisfaction(survey)
    assert table["customers"].sum() == len(survey)
    assert table["repurchased"].sum() == survey["repurchased"].sum()
    assert np.allclose(table["repurchase_rate"] + table["defection_rate"], 1.0)
    if (~survey["repurchased"]).any():
        share = satisfaction.satisfied_defectors_share(survey)
        assert 0.0 <= share <= 1.0
