"""Submissions for the grading round trip (tests/test_grading.py) and the benchmark.

Every submission of the pilot exercise, ex03, starts from the released notebook with the
solution's answers filled in (crmlib.submissions.make_submission) and changes one thing, the way a
student would: an answer computed another valid way, a wrong answer, an infinite loop, a deleted
or edited test cell, a crash, a flood of output.
"""

from __future__ import annotations

import copy
from pathlib import Path

from crm_course import notebooks, submissions

PILOT = "ex03-customer-lifetime-value"


def cell(nb, grade_id: str):
    """The cell of ``nb`` with this nbgrader grade_id."""
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return c
    raise KeyError(grade_id)


def region(source: str, begin: str, end: str) -> list[str]:
    """The lines of ``source`` between a line holding ``begin`` and one holding ``end`` (every such
    region, the marker lines left out), as written."""
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def release_and_source(root: Path, assignment: str, notebook: str | None = None):
    notebook = notebook or assignment
    released = notebooks.read_notebook(root / "exercises" / assignment / f"{notebook}.ipynb")
    source = notebooks.read_notebook(root / "solutions" / assignment / f"{notebook}.ipynb")
    return released, source


# Answers of ex03 computed another valid way: lists instead of arrays, a Series, float32, ints,
# values rounded to the cent, the cohort table transposed (years as rows) with its rows reversed,
# text with other capitals and spaces.
OTHER_WAY = {
    "q1_discounting_answer": """
factors = [1.1 ** t for t in range(1, 6)]
present_values = pd.Series([1000 / f for f in factors], index=range(1, 6))
total_value = round(float(present_values.sum()), 2)
""",
    "q2_predict_answer": """
pvifa_range = " Below 10 "
""",
    "q2_pvifa_answer": """
annuity_factor = np.float32(sum(1 / 1.08 ** t for t in range(1, 21)))
""",
    "q3_lifetime_value_answer": """
undiscounted_value = 100 * 2 * 12 * 20
discounted_value = round(2400 * sum(1 / 1.08 ** t for t in range(1, 21)), 2)
""",
    "q4_cohort_table_answer": """
inputs = crmlib.datasets.load_cohort_ltv_inputs()
cohort_table = crmlib.clv.cohort_ltv_table(**inputs).iloc[::-1].T
ltv_year1 = int(round(cohort_table.loc["year 1", "ltv"]))
ltv_year3 = round(cohort_table.loc["year 3", "ltv"], 2)
""",
    "q5_find_the_error_answer": """
first_wrong_line = 5.0
changed = dict(crmlib.datasets.load_cohort_ltv_inputs(), retention=[0.70, 0.80, 0.85])
ltv_year3_welcome = round(float(crmlib.clv.cohort_ltv_table(**changed).loc["ltv"].iloc[-1]), 2)
""",
    "q6_budget_answer": """
ltv = {r: crmlib.clv.cohort_ltv_table(**dict(crmlib.datasets.load_cohort_ltv_inputs(), retention=[r, 0.8, 0.85]))
       .loc["ltv", "year 3"] for r in (0.60, 0.65, 0.70)}
gains = pd.Series({"call": 10_000 * (ltv[0.65] - ltv[0.60] - 4), "gift": 10_000 * (ltv[0.70] - ltv[0.60] - 10)})
chosen_offer = gains.idxmax().upper()
chosen_net_gain = int(round(gains.max()))
""",
}

# ex03, question 4 done wrong: the discount rate is used without the inputs' risk factor, so the
# table first differs in year 2's discount factor (1.1 instead of 1.2).
WRONG_Q4 = """
inputs = crmlib.datasets.load_cohort_ltv_inputs()
cohort_table = crmlib.clv.cohort_ltv_table(**{**inputs, "risk_factor": 1.0})
ltv_year1 = cohort_table.loc["ltv", "year 1"]
ltv_year3 = cohort_table.loc["ltv", "year 3"]
"""
WRONG_Q4_MESSAGE = "cohort_table first differs in column 'year 2', row 'discount_factor': 1.1 where 1.2 was expected."


def _replaced(source: str, old: str, new: str) -> str:
    """``source`` with ``old`` replaced, which must be there (the solution may have changed)."""
    assert old in source, f"the solution no longer holds {old!r}: update tests/grading_helpers.py"
    return source.replace(old, new)


def pilot_submissions(released, source) -> dict[str, object]:
    """{student: notebook} for every case of the round trip on the pilot exercise."""
    correct = submissions.make_submission(released, source, "correct")
    subs = {
        "correct": correct,
        "blank": submissions.make_submission(released, source, "blank"),
    }

    nb = copy.deepcopy(correct)
    for grade_id, answer in OTHER_WAY.items():
        cell(nb, grade_id).source = answer.strip()
    subs["other_way"] = nb

    nb = copy.deepcopy(correct)
    cell(nb, "q4_cohort_table_answer").source = WRONG_Q4.strip()
    subs["wrong_q4"] = nb

    # An infinite loop in question 2's answer: cut by the per-cell timeout.
    nb = copy.deepcopy(correct)
    cell(nb, "q2_pvifa_answer").source = "annuity_factor = 0\nwhile True:\n    annuity_factor += 1"
    subs["infinite_loop"] = nb

    # Question 1's hidden test cell deleted, and question 1 answered wrong (discounted from t = 0):
    # the restored cell must run and fail.
    nb = copy.deepcopy(correct)
    nb.cells.remove(cell(nb, "q1_discounting_hidden"))
    answer = cell(nb, "q1_discounting_answer")
    answer.source = _replaced(answer.source, "np.arange(1, 6)", "np.arange(0, 5)")
    subs["deleted_test"] = nb

    # Question 3's hidden test cell and question 2's value check edited to pass anything, and
    # question 3 answered wrong (the first year counted in full): the original cells must come back.
    nb = copy.deepcopy(correct)
    cell(nb, "q3_lifetime_value_hidden").source = "pass  # nothing to see here"
    cell(nb, "q2_pvifa_sanity").source = "assert True"
    answer = cell(nb, "q3_lifetime_value_answer")
    answer.source = _replaced(answer.source, "yearly_profit * annuity_factor", "yearly_profit * annuity_factor * 1.08")
    subs["edited_test"] = nb

    # The kernel dies in question 3's answer.
    nb = copy.deepcopy(correct)
    cell(nb, "q3_lifetime_value_answer").source = "import os\nos._exit(1)"
    subs["kernel_crash"] = nb

    # Megabytes of output (one huge line, then many lines), every answer right.
    nb = copy.deepcopy(correct)
    answer = cell(nb, "q1_discounting_answer")
    answer.source += "\nprint('x' * 5_000_000)\nfor i in range(100_000):\n    print(i)"
    subs["output_flood"] = nb

    # Not a notebook at all (a damaged upload): reported, and the rest of the batch is graded.
    subs["damaged_file"] = "{ this is not a notebook"
    return subs


def submit(root: Path, student: str, assignment: str, nb, notebook: str | None = None) -> Path:
    """Put a submission where ``nbgrader collect`` would: submitted/<student>/<assignment>/."""
    notebook = notebook or assignment
    path = root / "submitted" / student / assignment / f"{notebook}.ipynb"
    if isinstance(nb, str):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nb, encoding="utf-8")
        return path
    return notebooks.write_notebook(nb, path)
