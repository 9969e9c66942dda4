"""Grading: the checks that test cells call, and the nbgrader round trip of the exercises.

Part 1 tests ``crmlib.grading`` directly: type first, then shape, then values with a tolerance,
with messages in course words. Part 2 runs nbgrader 0.9.6 through ``NbGraderAPI`` (with the
course's ``nbgrader_config.py`` loaded explicitly) in one temporary course root per session:
every exercise is generated once and every submission autograded in one batch per exercise;
the tests then read the gradebook, the autograded notebooks and the feedback.

Run alone: ``python -m pytest tests/test_grading.py -q`` (about a minute on 2 cores; under xdist
use ``--dist loadgroup`` so that one worker builds the course root).
"""

from __future__ import annotations

import copy
import html
import io
import re
import sqlite3
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from grading_helpers import (
    PILOT,
    WRONG_Q4,
    WRONG_Q4_MESSAGE,
    cell,
    pilot_submissions,
    region,
    release_and_source,
    submit,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crm_course import demo, errors, exercises, gradebook, grader, nbgrader_api, notebooks, submissions
from crmlib import grading
from crmlib.grading import CheckFailed

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = nbgrader_api.assignment_names(ROOT / "solutions")

pytestmark = [
    pytest.mark.xdist_group("grading"),
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),
    # nbgrader puts a deleted test cell back without a cell id
    pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning"),
]


# ================================================================================================
# Part 1: crmlib.grading


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        check(*args, **kwargs)
    return str(info.value)


def test_a_passing_check_says_so_briefly_and_returns_none(capsys):
    # A test cell ending in a number would be read by nbgrader as partial credit: checks return None.
    assert grading.check_number("annuity_factor", 9.818147, 9.818147) is None
    out = capsys.readouterr()
    assert out.out == "✓ annuity_factor = 9.81815: right.\n"
    assert out.err == ""


def test_check_number_looks_at_the_type_before_the_value():
    assert "is the text '66.08', but it should be a number" in failure(grading.check_number, "ltv", "66.08", 66.08)
    assert "Remove the quotes" in failure(grading.check_number, "ltv", "66.08", 66.08)
    assert "ltv is None: it has no answer yet" in failure(grading.check_number, "ltv", None, 66.08)
    assert ".iloc[0]" in failure(grading.check_number, "ltv", pd.Series([66.08]), 66.08)
    assert "truth value True" in failure(grading.check_number, "ltv", True, 1.0)
    assert "NaN" in failure(grading.check_number, "ltv", float("nan"), 66.08)


def test_check_number_accepts_any_number_type_within_the_tolerance(capsys):
    grading.check_number("undiscounted_value", 48000, 48000.0)  # int for a float
    grading.check_number("annuity_factor", np.float32(9.818147), 9.818147)  # float32
    grading.check_number("ltv_year3", np.float64(66.0808), 66.08, abs=0.005)  # within tolerance
    assert capsys.readouterr().out.count("right") == 3
    message = failure(grading.check_number, "ltv_year3", 66.2, 66.08, abs=0.005)
    assert message.startswith("ltv_year3 = 66.2 but it should be 66.08 (allowed difference ±0.005)")


def test_check_number_names_a_known_mistake_and_generic_slips():
    message = failure(grading.check_number, "annuity_factor", 20, 9.818147, hint="use PVIFA.",
                      mistakes={20: "that is the undiscounted number of years."})
    assert "Likely mistake: that is the undiscounted number of years." in message
    assert "How to look for it: use PVIFA." in message
    assert "100 times too large" in failure(grading.check_number, "rate", 10.0, 0.10)
    assert "Only the sign is wrong" in failure(grading.check_number, "ltv_year1", 12.0, -12.0)
    assert "rounded to 0 decimals" in failure(grading.check_number, "v", 23564, 23563.5538, rel=1e-6)
    assert "were intermediate values rounded?" in failure(grading.check_number, "v", 23560.0, 23563.5538, rel=1e-6)


def test_check_number_sanity_mode_checks_type_and_range_only(capsys):
    grading.check_number("annuity_factor", 9.8, between=(0, 20))
    assert "checked when the exercise is graded" in capsys.readouterr().out
    assert "outside the range" in failure(grading.check_number, "annuity_factor", 25.0, between=(0, 20))


def test_check_values_checks_type_then_length_then_values():
    assert "should be a sequence of numbers" in failure(grading.check_values, "factors", 1.1, [1.1, 1.21])
    assert "has 2 values but there should be 5 (one per year)" in failure(
        grading.check_values, "factors", [1.1, 1.21], length=5, label="year")
    assert "contains text at position 2 ('x')" in failure(grading.check_values, "factors", [1.1, "x"], [1.1, 1.21])
    message = failure(grading.check_values, "factors", [1.0, 1.1, 1.21], [1.1, 1.21, 1.331],
                      label="year", labels=[1, 2, 3],
                      mistakes=[([1.0, 1.1, 1.21], "discounted from t = 0.")])
    assert message.startswith("factors is wrong in 3 of 3 places, first in year 1: 1 where 1.1 was expected.")
    assert "Likely mistake: discounted from t = 0." in message


def test_check_values_accepts_lists_arrays_series_and_ints(capsys):
    expected = [1.0, 2.0, 3.0]
    for value in ([1, 2, 3], (1.0, 2.0, 3.0), np.array([1, 2, 3]), pd.Series([1.0, 2.0, 3.0], index=[7, 8, 9]),
                  np.array([[1.0], [2.0], [3.0]]), pd.DataFrame({"x": [1, 2, 3]})):
        grading.check_values("v", value, expected)
    assert capsys.readouterr().out.count("all 3 values right") == 6


def test_check_series_matches_customers_by_label_not_order(capsys):
    expected = pd.Series({101: "safe", 102: "watch", 103: "high risk"})
    grading.check_series("status", expected.iloc[::-1], expected, what="status")
    grading.check_series("status", expected.astype("category"), expected, what="status")
    assert capsys.readouterr().out.count("right for all 3 customers") == 2
    message = failure(grading.check_series, "status", expected.drop(103), expected)
    assert "Missing: customer 103." in message
    message = failure(grading.check_series, "status", expected.replace("watch", "safe"), expected, what="status")
    assert "customer 102: status 'safe' where 'watch' was expected." in message
    assert "keeps the customer ids" in failure(grading.check_series, "status", ["safe"] * 3, expected)


def test_check_scores_explains_a_reversed_scale():
    expected = pd.Series([5, 4, 3, 2, 1], index=[17, 18, 19, 20, 21])
    message = failure(grading.check_scores, "R", 6 - expected, expected, score="R",
                      meaning="higher R scores mean *more* recent buyers")
    assert "the scores run the wrong way round" in message
    assert "customer 17 has R = 1 but should have R = 5: higher R scores mean *more* recent buyers." in message
    assert "whole numbers from 1 to 5" in failure(grading.check_scores, "R", expected * 2, expected, score="R")
    shifted = expected.copy()
    shifted[19] = 4
    message = failure(grading.check_scores, "R", shifted, expected, score="R")
    assert "wrong way round" not in message and "customer 19: R 4 where 3 was expected." in message


def _cohort():
    import crmlib.clv
    import crmlib.datasets

    inputs = crmlib.datasets.load_cohort_ltv_inputs()
    return inputs, crmlib.clv.cohort_ltv_table(**inputs)


def test_check_table_names_the_first_cell_that_differs_and_its_row_hint():
    import crmlib.clv

    inputs, expected = _cohort()
    wrong = crmlib.clv.cohort_ltv_table(**{**inputs, "retention": [0.5, 0.8, 0.85]})
    message = failure(grading.check_table, "cohort_table", wrong, expected,
                      row_hints={"retention_rate": "the inputs' retention list: year 1's is 0.60."})
    first_line = message.splitlines()[0]
    assert first_line == ("cohort_table first differs in column 'year 1', row 'retention_rate': "
                          "0.5 where 0.6 was expected.")
    assert "Row 'retention_rate': the inputs' retention list: year 1's is 0.60." in message
    assert "'customers'" in message.splitlines()[1]  # every row that differs is listed


def test_check_table_accepts_other_row_orders_transposed_tables_and_extra_rows(capsys):
    _, expected = _cohort()
    grading.check_table("t", expected.iloc[::-1], expected)
    grading.check_table("t", expected.T, expected)
    grading.check_table("t", pd.concat([expected, expected.loc[["ltv"]].rename(index={"ltv": "mine"})]), expected)
    assert capsys.readouterr().out.count(f"all {expected.size} values right") == 3
    message = failure(grading.check_table, "t", expected.drop(index="ltv"), expected)
    assert "Missing rows: 'ltv'." in message
    assert "should be a table" in failure(grading.check_table, "t", expected.loc["ltv"], expected)


def test_checks_stay_silent_on_stderr_even_when_pandas_would_warn():
    # nbgrader gives a test cell zero points as soon as it writes to stderr.
    err = io.StringIO()
    with redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("always")
        with pytest.raises(CheckFailed):
            grading.check_series("m", pd.Series(["1", "x", None], index=[1, 2, 3]),
                                 pd.Series([1.0, 2.0, 3.0], index=[1, 2, 3]))
        with pytest.raises(CheckFailed):
            grading.check_values("v", np.array([np.inf, 1.0]), [1.0, 1.0])
    assert err.getvalue() == ""


def test_a_failed_check_shows_only_its_message_in_a_notebook():
    error = CheckFailed("ltv_year3 = 23 but it should be 66.08.")
    assert error._render_traceback_() == ["\x1b[0;31mCheckFailed\x1b[0m: ltv_year3 = 23 but it should be 66.08."]


# ------------------------------------------------------------------------------------------------
# Visible value checks: fingerprints instead of answers


def test_a_fingerprint_is_a_short_digest_of_the_rounded_value_salted_with_the_name():
    fp = grading.fingerprint(9.818147, 4, "annuity_factor")
    assert fp == "d820c7400ac9"  # pinned: a notebook holds it written out
    assert grading.fingerprint(9.8181, 4, "annuity_factor") == fp  # rounded to the stated 4 decimals
    assert grading.fingerprint(np.float32(9.818147), 4, "annuity_factor") == fp
    assert grading.fingerprint(9.8182, 4, "annuity_factor") != fp
    assert grading.fingerprint(9.818147, 4, "pvifa") != fp  # salted with the name
    assert grading.fingerprint(9.818147, 3, "annuity_factor") != fp
    assert grading.fingerprint(-0.0001, 2, "x") == grading.fingerprint(0.0, 2, "x")  # -0.00 is 0.00
    assert grading.fingerprint(1234.5, -2, "x") == grading.fingerprint(1200, -2, "x")  # to hundreds


def test_fingerprints_of_sequences_series_tables_and_text():
    assert grading.fingerprint([1.1, 1.21], 2, "f") == grading.fingerprint(np.array([1.1, 1.21]), 2, "f")
    assert grading.fingerprint([1.1, 1.21], 2, "f") != grading.fingerprint([1.21, 1.1], 2, "f")  # in order
    scores = pd.Series([5, 4, 1], index=[17, 18, 19])
    assert grading.fingerprint(scores, 0, "R") == grading.fingerprint(scores.iloc[::-1], 0, "R")  # any row order
    assert grading.fingerprint(scores, 0, "R") != grading.fingerprint(scores.set_axis([17, 19, 18]), 0, "R")
    table = pd.DataFrame({"year 1": [1.0, -12.0], "year 2": [0.6, 23.0]}, index=["customers", "ltv"])
    prints = grading.fingerprint(table, 2, "cohort")
    assert list(prints) == ["year 1", "year 2"] and all(len(p) == 12 for p in prints.values())
    assert grading.fingerprint(table.iloc[::-1], 2, "cohort") == prints
    assert grading.fingerprint(" Gold", None, "tier") == grading.fingerprint("gold", None, "tier")
    with pytest.raises(TypeError, match="digits="):
        grading.fingerprint(9.8, None, "annuity_factor")
    with pytest.raises(TypeError, match="name"):
        grading.fingerprint(9.8, 2, "")


def test_a_visible_check_passes_a_right_answer_and_fails_a_wrong_one_without_showing_the_answer(capsys):
    fp = grading.fingerprint(3790.7868, 2, "total_value")
    grading.check_number("total_value", 3790.786769, fingerprint=fp, digits=2, unit=" yuan")
    assert capsys.readouterr().out == "✓ total_value = 3,790.79 yuan: right to 2 decimals.\n"
    message = failure(grading.check_number, "total_value", 3790.786769 * 1.1, fingerprint=fp, digits=2,
                      unit=" yuan", hint="add up the present values (chapter 3, 'Discounting').")
    assert message == ("total_value = 4,169.87 yuan is not right yet (checked to 2 decimals).\n"
                       "  How to look for it: add up the present values (chapter 3, 'Discounting').")
    assert "3,790" not in message and "3790" not in message


@pytest.mark.parametrize("cents", range(0, 100_000, 997))
def test_a_right_answer_never_fails_at_a_rounding_boundary(cents):
    # x.xx5 exactly: float noise of either sign, in the author's value or the student's, must not matter
    boundary = cents / 100 + 0.005
    for author in (boundary, boundary * (1 + 1e-15), boundary - 1e-12):
        fp = grading.fingerprint(author, 2, "v")
        for student in (boundary, boundary + 1e-12, boundary - 1e-12, boundary * (1 - 1e-14)):
            grading.check_number("v", student, fingerprint=fp, digits=2)
    grading.check_values("v", [boundary + 1e-12, boundary - 1e-12],
                         fingerprint=grading.fingerprint([boundary, boundary], 2, "v"), digits=2)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.integers(min_value=-1, max_value=5),
       st.floats(min_value=-1e-12, max_value=1e-12))
def test_any_right_value_passes_its_visible_check_and_the_same_times_1_1_fails(expected, digits, noise):
    assume(abs(expected) < 10.0 ** (10 - digits))  # a precision of at most 10 significant digits
    fp = grading.fingerprint(expected, digits, "answer")
    with redirect_stdout(io.StringIO()):
        grading.check_number("answer", expected * (1 + noise), fingerprint=fp, digits=digits)
    assume(abs(expected) * 0.1 > 2 * 10.0 ** -digits)  # 1.1 x must differ at the stated precision
    with pytest.raises(CheckFailed, match="is not right yet"):
        grading.check_number("answer", expected * 1.1, fingerprint=fp, digits=digits)


def test_visible_checks_give_the_diagnoses_that_need_no_answer():
    def fp(value, name="share", digits=3):
        return grading.fingerprint(value, digits, name)

    assert "100 times too large: is a percentage written as 10 instead of 0.10?" in failure(
        grading.check_number, "share", 12.5, fingerprint=fp(0.125), digits=3)
    assert "100 times too small" in failure(grading.check_number, "share", 0.125, fingerprint=fp(12.5), digits=3)
    assert "Only the sign is wrong" in failure(grading.check_number, "ltv_year1", 12.0,
                                               fingerprint=fp(-12.0, "ltv_year1", 2), digits=2)
    message = failure(grading.check_number, "annuity_factor", 10.603599, fingerprint=fp(9.818147, "annuity_factor", 4),
                      digits=4, period_factor=1.08)
    assert "off by exactly one period (a factor of 1.08)" in message
    # a sequence that grows by a constant factor is recognised as shifted without being told the factor
    factors = [1.1 ** t for t in range(1, 6)]
    message = failure(grading.check_values, "factors", [1.1 ** t for t in range(5)],
                      fingerprint=fp(factors, "factors", 4), digits=4, length=5)
    assert message.splitlines() == [
        "factors is not right yet: at least one of its 5 values differs (checked to 4 decimals).",
        "  It is off by exactly one period (a factor of 1.1): check whether t starts at 0 or at 1.",
    ]
    assert "off by exactly one period" in failure(grading.check_values, "pv", [1000 / f for f in [1.0] + factors[:4]],
                                                  fingerprint=fp([1000 / f for f in factors], "pv", 2), digits=2)
    assert "has 6 values but there should be 5 (one per year)" in failure(
        grading.check_values, "factors", factors + [1.0], fingerprint=fp(factors, "factors", 4), digits=4, length=5,
        label="year")


def test_a_visible_check_names_a_known_mistake_by_its_fingerprint():
    right = grading.fingerprint(23563.5538, 2, "discounted_value")
    wrong = grading.fingerprint(25448.6381, 2, "discounted_value")
    mistakes = {wrong: "the first year was counted in full (t = 0)."}
    message = failure(grading.check_number, "discounted_value", 25448.638, fingerprint=right, digits=2,
                      mistakes=mistakes)
    assert "Likely mistake: the first year was counted in full (t = 0)." in message
    # a wrong value may also be named as it is: it is not the answer
    message = failure(grading.check_number, "discounted_value", 48000, fingerprint=right, digits=2,
                      mistakes={48000: "that is the undiscounted value."})
    assert "Likely mistake: that is the undiscounted value." in message
    factors = grading.fingerprint([1.1, 1.21], 2, "factors")
    message = failure(grading.check_values, "factors", [0.909091, 0.826446], fingerprint=factors, digits=2,
                      mistakes={grading.fingerprint([0.91, 0.83], 2, "factors"): "these are 1 / (1 + i)^t."})
    assert "Likely mistake: these are 1 / (1 + i)^t." in message


def test_visible_checks_of_series_scores_tables_and_text(capsys):
    status = pd.Series({101: "safe", 102: "watch", 103: "high risk"})
    fp = grading.fingerprint(status, None, "status")
    grading.check_series("status", status.iloc[::-1], fingerprint=fp, index=[101, 102, 103], what="status")
    assert capsys.readouterr().out == "✓ status: right for all 3 customers.\n"
    message = failure(grading.check_series, "status", status.replace("watch", "safe"), fingerprint=fp,
                      index=[101, 102, 103], what="status")
    assert message == "status is not right yet: the status of at least one of the 3 customers differs."
    assert "Missing: customer 103." in failure(grading.check_series, "status", status.drop(103), fingerprint=fp,
                                               index=[101, 102, 103])
    values = pd.Series({1: 0.25, 2: 0.5})
    assert "100 times too large" in failure(grading.check_series, "share", values * 100, digits=2,
                                            fingerprint=grading.fingerprint(values, 2, "share"))

    scores = pd.Series([5, 4, 3, 2, 1], index=[17, 18, 19, 20, 21])
    fp = grading.fingerprint(scores, 0, "R")
    grading.check_scores("R", scores.astype(float), fingerprint=fp, score="R")
    assert capsys.readouterr().out == "✓ R: right for all 5 customers.\n"
    message = failure(grading.check_scores, "R", 6 - scores, fingerprint=fp, score="R",
                      meaning="higher R scores mean *more* recent buyers")
    assert message.splitlines()[1] == ("  Read the other way round, the scores would be right: "
                                       "higher R scores mean *more* recent buyers.")

    _, table = _cohort()
    rows = ["customers", "revenue", "ltv"]
    fp = grading.fingerprint(table.loc[rows], 2, "cohort_table")
    grading.check_table("cohort_table", table.T, fingerprint=fp, digits=2, rows=rows)  # years as rows, extra rows
    assert "all 9 values right to 2 decimals (rows read from the columns)" in capsys.readouterr().out
    wrong = table.copy()
    wrong.loc["ltv", ["year 2", "year 3"]] *= 1.1
    message = failure(grading.check_table, "cohort_table", wrong, fingerprint=fp, digits=2, rows=rows,
                      column_label="year", hint="the cohort table (chapter 3).")
    assert message.splitlines() == [
        "cohort_table is not right yet in 2 of 3 years, first in year 'year 2' (checked to 2 decimals).",
        "  Years that differ: 'year 2', 'year 3'.",
        "  How to look for it: the cohort table (chapter 3).",
    ]
    assert "66.08" not in message

    fp = grading.fingerprint("gold", None, "tier")
    grading.check_text("tier", " GOLD ", fingerprint=fp)
    assert capsys.readouterr().out == "✓ tier = 'GOLD': right.\n"
    assert failure(grading.check_text, "tier", "brass", fingerprint=fp) == "tier = 'brass' is not right yet."


def test_a_visible_check_is_asked_for_consistently():
    fp = grading.fingerprint(1.0, 2, "x")
    with pytest.raises(TypeError, match="not both"):
        grading.check_number("x", 1.0, 1.0, fingerprint=fp, digits=2)
    with pytest.raises(TypeError, match="digits="):
        grading.check_number("x", 1.0, fingerprint=fp)
    with pytest.raises(TypeError, match="rows="):
        grading.check_table("t", pd.DataFrame({"a": [1.0]}), fingerprint={"a": fp}, digits=2)
    # the type still comes first: a wrong type is a wrong type, whatever the fingerprint
    assert "is the text '1', but it should be a number" in failure(grading.check_number, "x", "1", fingerprint=fp,
                                                                   digits=2)


def test_follow_through_says_consistent_with_your_earlier_answer(capsys):
    grading.check_number("calls_profit", 120.0, 120.0, follows="call_list")
    assert capsys.readouterr().out == "✓ calls_profit = 120: consistent with your earlier answer (call_list).\n"
    grading.check_series("calls", pd.Series({1: "call"}), pd.Series({1: "call"}), follows="alerts")
    assert "consistent with your earlier answer (alerts) for all 1 customer" in capsys.readouterr().out
    message = failure(grading.check_number, "calls_profit", 100.0, 120.0, follows="call_list")
    assert "computed from your earlier answer (call_list)" in message
    assert "right" not in capsys.readouterr().out


def test_the_checks_speak_the_language_of_their_table(monkeypatch, capsys):
    assert grading.checks("en").check_number.__func__ is grading.check_number.__func__
    with pytest.raises(ValueError, match="no messages for language 'xx': the checks speak 'en'"):
        grading.checks("xx")
    # a new language is a new table: the checks are not touched
    table = {key: f"[{key}] " + text for key, text in grading.MESSAGES["en"].items()}
    monkeypatch.setitem(grading.MESSAGES, "test", table)
    monkeypatch.setitem(grading.GRAMMAR, "test", {"article": lambda word: "", "plural": lambda label, kind: label})
    other = grading.checks("test")
    other.check_number("ltv", 66.08, 66.08)
    assert capsys.readouterr().out == "[passed] ✓ [number_right] ltv = 66.08: [verdict_right] right.\n"
    with pytest.raises(CheckFailed) as info:
        other.check_series("R", [1, 2], pd.Series([1, 2]))
    assert str(info.value).startswith("[wrong_type] R is [type_container] a list of 2 items")


def test_every_message_template_is_used_and_every_used_one_is_in_the_table():
    """Every key the code asks for (the first argument of ``say``, the word kinds of ``_plural``, the
    default words) is in the English table, and the table holds no template that no check uses."""
    import ast

    tree = ast.parse(Path(grading.__file__).read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            arguments = {"say": node.args[:1], "_plural": node.args[1:2]}.get(node.func.attr, [])
            used |= {c.value for a in arguments for c in ast.walk(a) if isinstance(c, ast.Constant)
                     and isinstance(c.value, str)}
        if isinstance(node, ast.FunctionDef) and node.name == "_plural" and node.args.args[0].arg == "self":
            used |= {d.value for d in node.args.defaults}  # its default kind of word
    table = set(grading.MESSAGES["en"])
    assert used - table == set(), "keys missing from MESSAGES['en']"
    assert table - used == set(), "templates that no check uses"


# ================================================================================================
# Part 2: the nbgrader round trip


def test_nbgrader_config_sets_the_course_folders_and_the_safety_nets(tmp_path):
    config = nbgrader_api.load_config(tmp_path)
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"
    assert config.CourseDirectory.root == str(tmp_path.resolve())
    assert config.OverwriteCells.add_missing_cells is True
    assert 1 <= config.Execute.timeout <= 10
    assert grader.GuardedExecute in config.Autograde.autograde_preprocessors
    ignored = (ROOT / ".gitignore").read_text()
    for folder in ("submitted/", "autograded/", "feedback/", "gradebook.db"):
        assert folder in ignored


def test_a_notebook_in_a_sub_folder_of_an_assignment_is_an_error(tmp_path):
    # nbgrader would silently drop it.
    (tmp_path / "ex99-test" / "extra").mkdir(parents=True)
    (tmp_path / "ex99-test" / "extra" / "ex99-test.ipynb").write_text("{}")
    with pytest.raises(errors.CourseError, match="nbgrader ignores notebooks in sub-folders"):
        nbgrader_api.assignment_names(tmp_path)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercise_follows_the_course_layout(assignment):
    """Answer cells, one sanity test (0 or 1 point) per question, hidden tests with the points,
    a written answer graded by hand, a locked header, data only through crmlib.datasets."""
    for path in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
        nb = notebooks.read_notebook(path)
        meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        assert meta[0].get("locked") and nb.cells[0].cell_type == "markdown", "the header cell is locked"
        grade_ids = [m["grade_id"] for m in meta if m.get("grade_id")]
        assert len(grade_ids) == len(set(grade_ids))
        assert all(re.fullmatch(r"[a-z][a-z0-9_]{3,}", g) for g in grade_ids), grade_ids
        tests = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("grade") and c.cell_type == "code"]
        hidden = [c for c in tests if notebooks.BEGIN_HIDDEN in c.source]
        sanity = [c for c in tests if notebooks.BEGIN_HIDDEN not in c.source]
        answers = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("solution") and c.cell_type == "code"]
        written = [c for c, m in zip(nb.cells, meta, strict=True) if m.get("solution") and c.cell_type == "markdown"]
        assert len(sanity) == len(hidden) == len(answers) >= 1
        assert all(c.metadata.nbgrader.points <= 1 for c in sanity)
        assert all(c.metadata.nbgrader.points >= 1 for c in hidden)
        assert written and all(c.metadata.nbgrader.get("grade") for c in written)
        for c in tests:
            assert c.source.startswith("# "), f"{c.metadata.nbgrader.grade_id} opens with a line saying what it checks"
            assert "grading.check_" in c.source
        for c in nb.cells:
            assert not re.search(r"read_csv|read_json|open\(|Path\(", c.source), "data only through crmlib.datasets"


class Batch:
    """The session's course root: every exercise generated, every submission autograded once."""

    def __init__(self, root: Path):
        self.root = root
        self.api = nbgrader_api.nbgrader_api(root, exchange=root / "exchange")
        self.errors: dict[str, set[str]] = {}
        self.subs: dict[str, dict[str, object]] = {}
        for assignment in ASSIGNMENTS:
            nbgrader_api.generate(self.api, assignment)

    def grade(self, assignment: str, subs: dict[str, object]):
        """Submit {student: notebook} (one notebook per assignment) and autograde them in one batch."""
        notebook = self.notebook_name(assignment)
        for student, nb in subs.items():
            submit(self.root, student, assignment, nb, notebook)
        result = self.api.autograde(assignment, "*")
        log = result.get("log", "")
        self.errors[assignment] = set(re.findall(r"error processing assignment '[^']+' for student '([^']+)'", log))
        self.subs[assignment] = subs

    def notebook_name(self, assignment: str) -> str:
        return sorted((self.root / "solutions" / assignment).glob("*.ipynb"))[0].stem

    def grades(self, student: str, assignment: str = PILOT) -> dict[str, tuple]:
        return gradebook.cell_grades(self.api, assignment, student)

    def autograded(self, student: str, assignment: str = PILOT):
        name = self.notebook_name(assignment)
        return notebooks.read_notebook(self.root / "autograded" / student / assignment / f"{name}.ipynb")


#: The Chinese edition's exercises and their English originals (tests/test_chinese_edition.py holds
#: the pairs' cells equal): {Chinese assignment: English assignment}.
PAIRS = {name: name[:-len("-zh")] for name in ASSIGNMENTS if name.endswith("-zh") and name[:-len("-zh")] in ASSIGNMENTS}
PILOT_ZH = f"{PILOT}-zh"
#: Every exercise that has a Chinese edition, and its Chinese edition, also gets a partly wrong submission.
KINDS = ("correct", "partly wrong", "blank")


@pytest.fixture(scope="session")
def batch(tmp_path_factory) -> Batch:
    root = nbgrader_api.new_course_root(tmp_path_factory.mktemp("course"))
    batch = Batch(root)
    paired = set(PAIRS) | set(PAIRS.values())
    for assignment in ASSIGNMENTS:
        notebooks = sorted((root / "solutions" / assignment).glob("*.ipynb"))
        assert len(notebooks) == 1, "the round trip expects one notebook per exercise"
        released, source = release_and_source(root, assignment, notebooks[0].stem)
        kinds = KINDS if assignment in paired else ("correct", "blank")
        subs = {kind: submissions.make_submission(released, source, kind) for kind in kinds}
        if assignment == PILOT:
            subs.update(pilot_submissions(released, source))
        elif assignment == PILOT_ZH:  # a known mistake, to be told in Chinese
            subs["wrong_q4"] = copy.deepcopy(subs["correct"])
            cell(subs["wrong_q4"], "q4_cohort_table_answer").source = WRONG_Q4.strip()
        batch.grade(assignment, subs)
    return batch


def full_marks_except(grades: dict[str, tuple], *lost: str) -> None:
    """Every autograded cell has full points except the ``lost`` ones, which have 0."""
    for grade_id, (score, maximum, manual) in grades.items():
        if manual:
            continue
        if grade_id in lost:
            assert score == 0, f"{grade_id} should have lost its {maximum:g} points"
        else:
            assert score == maximum, f"{grade_id}: {score} of {maximum}"


def errors_of(nb, grade_id: str) -> list:
    return [o for o in cell(nb, grade_id).get("outputs", []) if o.output_type == "error"]


def test_every_solution_validates(batch):
    from nbgrader.validator import Validator

    validator = Validator(config=batch.api.config)
    for assignment in ASSIGNMENTS:
        for path in sorted((batch.root / "solutions" / assignment).glob("*.ipynb")):
            assert validator.validate(str(path)) == {}, path.name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_scores_full_marks(batch, assignment):
    grades = batch.grades("correct", assignment)
    assert "correct" not in batch.errors[assignment]
    full_marks_except(grades)
    manual = [g for g, (_, _, needs) in grades.items() if needs]
    assert manual, "the written answer waits for the instructor"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_released_exercise_scores_zero_without_an_error(batch, assignment):
    assert "blank" not in batch.errors[assignment]
    grades = batch.grades("blank", assignment)
    assert sum(score or 0 for score, _, _ in grades.values()) == 0
    assert not any(needs for _, _, needs in grades.values()), "an untouched written answer scores 0 by itself"
    assert batch.autograded("blank", assignment).cells


def test_answers_computed_another_valid_way_get_full_marks(batch):
    # lists, Series, float32, ints, rounded values, a transposed table with its rows reversed
    full_marks_except(batch.grades("other_way"))


def test_a_wrong_answer_loses_exactly_its_questions_points(batch):
    full_marks_except(batch.grades("wrong_q4"), "q4_cohort_table_hidden")
    message = errors_of(batch.autograded("wrong_q4"), "q4_cohort_table_hidden")[0].evalue
    assert message.startswith(WRONG_Q4_MESSAGE)
    assert "Row 'discount_factor': (1 + discount rate x risk factor)^(t - 1)" in message


def test_the_feedback_shows_the_targeted_message_and_the_hidden_tests(batch):
    _ = nbgrader_api.checked(batch.api.generate_feedback(PILOT, "wrong_q4"), "generate_feedback")
    page = batch.root / "feedback" / "wrong_q4" / PILOT / f"{PILOT}.html"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    assert WRONG_Q4_MESSAGE in text
    assert "How to look for it: build it from the unchanged inputs" in text
    # nbgrader 0.9.6 puts the hidden tests in the feedback: the instructor guide warns about it.
    assert "BEGIN HIDDEN TESTS" in text


@pytest.mark.parametrize("chinese", sorted(PAIRS))
@pytest.mark.parametrize("kind", KINDS)
def test_the_chinese_edition_grades_the_same_as_the_english_one(batch, chinese, kind):
    """The same submission (correct, partly wrong, blank) scores the same, cell by cell, in both editions."""
    english = PAIRS[chinese]
    assert batch.grades(kind, chinese) == batch.grades(kind, english)
    assert kind not in batch.errors[chinese]


def test_a_known_mistake_in_the_chinese_exercise_is_told_in_chinese(batch):
    full_marks_except(batch.grades("wrong_q4", PILOT_ZH), "q4_cohort_table_hidden")
    message = errors_of(batch.autograded("wrong_q4", PILOT_ZH), "q4_cohort_table_hidden")[0].evalue
    assert message.startswith("cohort_table 第一处不同在列 'year 2'、行 'discount_factor'：是 1.1，应为 1.2。")
    assert "行 'discount_factor'：(1 + 贴现率 x 风险系数)^(t - 1)：第 1 年不贴现。" in message
    assert "提示：用未改动的输入来构建（第 3 章 3.5 节）。" in message
    # the visible checks of the same submission speak Chinese too
    (visible,) = errors_of(batch.autograded("wrong_q4", PILOT_ZH), "q4_cohort_table_sanity")
    assert visible.evalue.startswith("cohort_table 还不对：3 个列中有 2 个不同，第一个是列 'year 2'")


def test_an_infinite_loop_is_cut_by_the_timeout_and_the_rest_is_graded(batch):
    assert "infinite_loop" not in batch.errors[PILOT]
    nb = batch.autograded("infinite_loop")
    names = {o.ename for o in errors_of(nb, "q2_pvifa_answer")}
    assert "CellTimeoutError" in names
    # annuity_factor was still counting up when it was cut: a number, but a wrong one
    full_marks_except(batch.grades("infinite_loop"), "q2_pvifa_hidden", "q2_pvifa_sanity")


def test_a_deleted_test_cell_is_put_back_and_run(batch):
    nb = batch.autograded("deleted_test")
    restored = cell(nb, "q1_discounting_hidden")
    assert "was missing from the submission" in restored.source
    assert notebooks.BEGIN_HIDDEN in restored.source
    (error,) = errors_of(nb, "q1_discounting_hidden")
    assert "Likely mistake: these are (1 + i)^(t - 1)" in error.evalue
    full_marks_except(batch.grades("deleted_test"), "q1_discounting_hidden")


def test_edited_test_cells_are_restored(batch):
    nb = batch.autograded("edited_test")
    _, source = release_and_source(batch.root, PILOT)
    for grade_id in ("q3_lifetime_value_hidden", "q2_pvifa_sanity"):
        assert cell(nb, grade_id).source == cell(source, grade_id).source
    (error,) = errors_of(nb, "q3_lifetime_value_hidden")
    assert "Likely mistake: the first year was counted in full" in error.evalue
    full_marks_except(batch.grades("edited_test"), "q3_lifetime_value_hidden")


def test_a_kernel_crash_is_graded_without_taking_the_batch_down(batch):
    assert "kernel_crash" not in batch.errors[PILOT]
    nb = batch.autograded("kernel_crash")
    assert [o.ename for o in errors_of(nb, "q3_lifetime_value_answer")] == ["KernelDied"]
    # the cells above were re-run in the new kernel: questions 4 and 5 still score
    full_marks_except(batch.grades("kernel_crash"), "q3_lifetime_value_sanity", "q3_lifetime_value_hidden")
    for student in batch.subs[PILOT]:
        if student != "damaged_file":
            assert batch.grades(student), f"{student} was graded"


def test_a_damaged_file_is_reported_and_the_rest_of_the_batch_is_graded(batch):
    assert batch.errors[PILOT] == {"damaged_file"}
    assert not (batch.root / "autograded" / "damaged_file").joinpath(PILOT).exists()
    graded = [s for s in batch.subs[PILOT] if s != "damaged_file"]
    assert all((batch.root / "autograded" / s / PILOT).is_dir() for s in graded)


def test_megabytes_of_output_are_cut_and_graded(batch):
    assert "output_flood" not in batch.errors[PILOT]
    full_marks_except(batch.grades("output_flood"))
    name = batch.notebook_name(PILOT)
    size = (batch.root / "autograded" / "output_flood" / PILOT / f"{name}.ipynb").stat().st_size
    assert size < 200_000, f"the autograded notebook keeps {size:,} bytes"
    text = "".join(o.get("text", "") for o in cell(batch.autograded("output_flood"), "q1_discounting_answer").outputs)
    assert "cut by the grader" in text


def _gradebook_rows(root: Path) -> dict[str, list]:
    with sqlite3.connect(root / "gradebook.db") as db:
        return {table: sorted(map(repr, db.execute(f"SELECT * FROM {table}").fetchall()))
                for table in ("grade", "comment", "submitted_notebook", "submitted_assignment")}


def test_grading_the_same_submission_twice_gives_the_same_gradebook_rows(batch):
    before = _gradebook_rows(batch.root)
    for student in ("correct", "wrong_q4"):
        assert nbgrader_api.checked(batch.api.autograde(PILOT, student), "autograde")
    assert _gradebook_rows(batch.root) == before


def test_regenerating_exercises_gives_exactly_the_committed_files(tmp_path):
    written = exercises.build_exercises(ROOT / "solutions", tmp_path / "exercises", quiet=True)
    assert written
    fresh = {p.relative_to(tmp_path / "exercises"): p.read_bytes() for p in written}
    committed = {p.relative_to(ROOT / "exercises"): p.read_bytes()
                 for p in (ROOT / "exercises").rglob("*") if p.is_file() and p.parent != ROOT / "exercises"}
    assert sorted(fresh) == sorted(committed), "make exercises: exercises/ lists other files"
    for path, content in fresh.items():
        assert committed[path] == content, f"exercises/{path} differs from its regeneration: run make exercises"


def _regions(source: str, begin: str, end: str) -> list[str]:
    return [line.strip() for line in region(source, begin, end)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_text_and_no_hidden_test_in_exercises(assignment):
    released = "\n".join(p.read_text(encoding="utf-8")
                         for p in (ROOT / "exercises" / assignment).rglob("*") if p.is_file())
    for marker in (notebooks.BEGIN_SOLUTION, notebooks.END_SOLUTION, notebooks.BEGIN_HIDDEN, notebooks.END_HIDDEN):
        assert marker not in released
    released_lines = {line.strip() for p in (ROOT / "exercises" / assignment).glob("*.ipynb")
                      for c in notebooks.read_notebook(p).cells for line in c.source.splitlines()}
    for path in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
        nb = notebooks.read_notebook(path)
        secret, public = set(), set()
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if c.cell_type == "markdown" and meta.get("solution"):
                secret.update(line.strip() for line in c.source.splitlines())
                continue
            inside = set(_regions(c.source, notebooks.BEGIN_SOLUTION, notebooks.END_SOLUTION))
            inside |= set(_regions(c.source, notebooks.BEGIN_HIDDEN, notebooks.END_HIDDEN))
            secret |= inside
            public |= {line.strip() for line in c.source.splitlines()} - inside
        leaks = [line for line in secret - public if len(line) >= 8 and line in released_lines]
        assert not leaks, f"exercises/{assignment} shows solution or hidden-test lines: {leaks[:3]}"


def test_the_demo_class_grades_every_kind_of_submission(tmp_path, capsys):
    # make course runs it on every exercise; here the pilot is enough to see the whole cycle
    # (release, fetch, submit, collect, autograde, feedback, CSV export).
    students = demo.DEMO_STUDENTS[:3]
    table = demo.demo(tmp_path / "demo-class", assignments=[PILOT], students=students)
    out = capsys.readouterr().out
    for kind in ("correct", "partly wrong", "blank"):
        assert kind in out
    assert (tmp_path / "demo-class" / "grades.csv").read_text().count("\n") == 1 + len(students)
    assert len(list((tmp_path / "demo-class" / "feedback").rglob("*.html"))) == len(students)
    header, row = table.splitlines()[:2]
    assert header.split() == ["assignment", *students]
    # ex03: 17 autograded points + 3 written; "partly wrong" doubles question 6's answer (3 points)
    assert re.split(r"\s{2,}", row.strip()) == [PILOT, "17 / 20 *", "14 / 20 *", "0 / 20"]


def test_executing_a_broken_notebook_names_the_notebook_and_the_cell(tmp_path):
    import nbformat.v4 as v4

    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# t"), v4.new_code_cell("x = 1"),
                                v4.new_code_cell("1 / 0  # the broken cell")])
    path = notebooks.write_notebook(notebooks.normalise_notebook(nb), tmp_path / "chapter" / "99-broken.ipynb")
    with pytest.raises(errors.CourseError) as info:
        notebooks.execute_notebook(path, timeout=30)
    message = str(info.value)
    assert "99-broken.ipynb" in message and "cell 3" in message and "ZeroDivisionError" in message
