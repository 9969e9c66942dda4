"""The exercise format (issue 14), for every exercise of the course.

Each exercise in ``solutions/`` is held to four rules:

1. **Visible value checks**: every numeric answer multiplied by 1.1 fails a visible check of the
   released notebook, and every right answer passes them. The solution's answer cells are run with
   the released notebook's test cells (in this process, cell by cell); an answer's value is the
   name its answer cell assigns last; numbers, numeric arrays and lists, numeric Series and the
   numeric columns of a DataFrame are multiplied by 1.1 before the test cells that follow the
   answer (up to the next answer) run. Answers that are not numeric (labels, text) or are exactly
   zero cannot be tested this way and are left out.
2. **Understanding, not one call**: at most 15 % of the autograded answers (over all exercises)
   are a one- or two-line crmlib call, and every exercise has a from-scratch answer (both defined
   by AST in :func:`crmlib_calls`, :func:`is_one_or_two_line_crmlib_call` and
   :func:`is_from_scratch`).
3. **No answer in the question**: no answer value appears in the released notebook's markdown
   (the hidden tests' literal expected numbers and the answers' computed numbers, written the ways
   a question would write them: see :func:`written_forms`).
4. **Literal hidden tests**: no hidden test calls a crmlib function other than crmlib.grading: the
   expected values are written out, not computed by the library under test at grading time.

An exercise that has not been reworked into the format yet is listed in ``NOT_YET_REWORKED``; the
lead takes it off the list once it is. For a listed exercise every test asserts that it is still
listed for a reason (it breaks at least one rule), so that the list cannot go stale.
"""

from __future__ import annotations

import ast
import functools
import io
import math
import numbers
import re
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from grading_helpers import region

from crm_course import nbgrader_api, notebooks, submissions

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = nbgrader_api.assignment_names(ROOT / "solutions")

#: Exercises not reworked into the format of issue 14 yet; the lead empties this list.
NOT_YET_REWORKED: list[str] = []

#: At most this share of the autograded answers is a one- or two-line crmlib call.
MAX_CRMLIB_CALL_SHARE = 0.15
RULES = ("value_checks", "from_scratch", "answer_in_text", "literal_hidden_tests")


# ------------------------------------------------------------------------------------------------
# reading an exercise


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _is_autograded_answer(cell) -> bool:
    return cell.cell_type == "code" and bool(_meta(cell).get("solution")) and not _meta(cell).get("grade")


def _is_test(cell) -> bool:
    return cell.cell_type == "code" and bool(_meta(cell).get("grade")) and not _meta(cell).get("solution")


def _region(source: str, begin: str, end: str) -> str:
    """The lines between the ``begin`` and ``end`` marker lines (the whole source if it has none)."""
    return "\n".join(region(source, begin, end)) if begin in source else source


def _solution(cell) -> str:
    return _region(cell.source, notebooks.BEGIN_SOLUTION, notebooks.END_SOLUTION)


def _hidden(cell) -> str:
    source = cell.source
    return _region(source, notebooks.BEGIN_HIDDEN, notebooks.END_HIDDEN) if notebooks.BEGIN_HIDDEN in source else ""


def _dotted(node) -> str | None:
    """``crmlib.clv.pvifa`` for the expression ``crmlib.clv.pvifa``, None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def crmlib_aliases(nb) -> dict[str, str]:
    """{name in the notebook: what it is in crmlib}, from every import of the notebook.

    ``import crmlib.clv`` binds ``crmlib``; ``from crmlib import rfm`` binds ``rfm`` to
    ``crmlib.rfm``; ``from crmlib.clv import pvifa as p`` binds ``p`` to ``crmlib.clv.pvifa``.
    """
    aliases = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "crmlib":
                        aliases[a.asname or "crmlib"] = a.name if a.asname else "crmlib"
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "crmlib":
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def _crmlib_name(call: ast.Call, aliases: dict[str, str]) -> str | None:
    """The full crmlib name of the function ``call`` calls (``crmlib.clv.pvifa``), None when it
    is not a crmlib function or is one of crmlib.grading."""
    name = _dotted(call.func)
    if name is None:
        return None
    root, _, rest = name.partition(".")
    if root not in aliases:
        return None
    full = aliases[root] + (f".{rest}" if rest else "")
    return None if full.startswith("crmlib.grading") else full


def crmlib_calls(tree, aliases: dict[str, str]) -> list[str]:
    """The crmlib functions a piece of code calls, by their full names (``crmlib.clv.pvifa``),
    except crmlib.grading: a call whose function is an attribute chain rooted at a name bound to
    crmlib (see :func:`crmlib_aliases`)."""
    names = (_crmlib_name(node, aliases) for node in ast.walk(tree) if isinstance(node, ast.Call))
    return [name for name in names if name]


def _statements(tree) -> list[ast.stmt]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.stmt) and node is not tree]


def _is_loader(name: str) -> bool:
    return name.startswith("crmlib.datasets.")


def is_one_or_two_line_crmlib_call(source: str, aliases: dict[str, str]) -> bool:
    """An answer is *a one- or two-line crmlib call* when its solution region parses into at most
    two statements (``ast.stmt`` nodes, nested ones included: comments, blank lines and
    continuation lines do not count) and at least one of them calls a crmlib function other than a
    ``crmlib.datasets`` loader (and other than crmlib.grading)."""
    tree = ast.parse(source)
    statements = _statements(tree)
    return len(statements) <= 2 and any(not _is_loader(c) for c in crmlib_calls(tree, aliases))


COMPARISONS = ("allclose", "isclose", "array_equal", "equals", "assert_allclose", "assert_frame_equal",
               "assert_series_equal")


def _only_compares(statement, aliases: dict[str, str]) -> bool:
    """True when every crmlib call of ``statement`` (loaders aside) sits inside a comparison: an
    ``==``-style comparison, an ``assert`` or a call to one of :data:`COMPARISONS`."""
    compared = set()
    for node in ast.walk(statement):
        if isinstance(node, (ast.Compare, ast.Assert)) or (
                isinstance(node, ast.Call) and (_dotted(node.func) or "").split(".")[-1] in COMPARISONS):
            compared |= {id(inner) for inner in ast.walk(node)}
    library = [node for node in ast.walk(statement) if isinstance(node, ast.Call)
               and not _is_loader(_crmlib_name(node, aliases) or "crmlib.datasets.")]
    return all(id(call) in compared for call in library)


def is_from_scratch(source: str, aliases: dict[str, str]) -> bool:
    """An answer is *from scratch* when its values are computed without crmlib: its solution region
    has at least three statements (``ast.stmt`` nodes that hold no other statement, nested ones
    included) that call no crmlib function other than a ``crmlib.datasets`` loader, at least one
    of them calls a function or method (of numpy, pandas or Python), and every other crmlib call
    only compares (inside a comparison, an ``assert`` or a call to one of :data:`COMPARISONS`,
    such as ``same = np.allclose(factors, crmlib.clv.discount_factors(0.10, 5))``)."""
    tree = ast.parse(source)
    leaves = [s for s in _statements(tree) if not any(isinstance(c, ast.stmt) for c in ast.iter_child_nodes(s))]
    plain, library = [], []
    for statement in leaves:
        calls = [c for c in crmlib_calls(statement, aliases) if not _is_loader(c)]
        (library if calls else plain).append(statement)
    in_library = {id(node) for s in library for node in ast.walk(s)}
    calls_something = any(isinstance(node, ast.Call) and id(node) not in in_library for node in ast.walk(tree))
    plain = [s for s in plain if not isinstance(s, (ast.Import, ast.ImportFrom))]
    return len(plain) >= 3 and calls_something and all(_only_compares(s, aliases) for s in library)


def _last_assigned_name(source: str) -> str | None:
    """The name an answer cell assigns last at its top level (crm_course.submissions.make_submission's rule,
    augmented and annotated assignments included)."""
    names = []
    for node in ast.parse(source).body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names[-1] if names else None


@dataclass
class Answer:
    grade_id: str
    name: str | None
    value: object = None
    failures_when_right: list[str] = field(default_factory=list)
    times_1_1: str = "not numeric"  # "fails", "passes", or why it was not tried


@dataclass
class Exercise:
    name: str
    source: object
    released: object
    aliases: dict[str, str]

    @property
    def answers(self):
        return [c for c in self.source.cells if _is_autograded_answer(c)]

    @property
    def hidden_cells(self):
        return [c for c in self.source.cells if _is_test(c) and _hidden(c)]

    @property
    def question_cells(self):
        """The released notebook's markdown, written answers excepted."""
        return [c for c in self.released.cells if c.cell_type == "markdown" and not _meta(c).get("solution")]


@functools.cache
def exercise(name: str) -> Exercise:
    (path,) = sorted((ROOT / "solutions" / name).glob("*.ipynb"))
    source = notebooks.read_notebook(path)
    released = notebooks.read_notebook(ROOT / "exercises" / name / path.name)
    return Exercise(name, source, released, crmlib_aliases(source))


# ------------------------------------------------------------------------------------------------
# rule 1: running the answers with the released notebook's visible checks


def times_1_1(value):
    """``value`` with every number multiplied by 1.1, or None when it holds no number to change."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (numbers.Number, np.number)) and not isinstance(value, complex):
        return None if value == 0 else value * 1.1
    if isinstance(value, pd.DataFrame):
        numeric = [c for c in value.columns if pd.api.types.is_numeric_dtype(value[c])
                   and not pd.api.types.is_bool_dtype(value[c])]
        if not numeric or (value[numeric] == 0).all().all():
            return None
        changed = value.copy()
        changed[numeric] = changed[numeric] * 1.1
        return changed
    if isinstance(value, (pd.Series, np.ndarray)):
        if not pd.api.types.is_numeric_dtype(value.dtype) or pd.api.types.is_bool_dtype(value.dtype):
            return None
        return None if (np.asarray(value) == 0).all() else value * 1.1
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(x, (numbers.Number, np.number)) and not isinstance(x, (bool, np.bool_)) for x in value):
        return None if all(x == 0 for x in value) else type(value)(x * 1.1 for x in value)
    return None


def _run(code: str, namespace: dict, label: str) -> str:
    """Run ``code``; '' if it passed, else the failed check's first line."""
    try:
        with redirect_stdout(io.StringIO()):
            exec(compile(code, label, "exec"), namespace)
    except AssertionError as failed:  # CheckFailed is one
        return str(failed).splitlines()[0] if str(failed) else type(failed).__name__
    return ""


@functools.cache
def run_answers(name: str) -> list[Answer]:
    """Run the solution's answers with the released notebook's test cells, cell by cell.

    After each answer cell, the test cells that follow it (up to the next answer) run twice: on
    a copy of the namespace in which the answer's value is multiplied by 1.1, then on the right
    value (that run carries on into the next cells)."""
    ex = exercise(name)
    submission = submissions.make_submission(ex.released, ex.source, "correct")
    cells = [c for c in submission.cells if c.cell_type == "code"]
    namespace: dict = {"__name__": "__main__"}
    answers: list[Answer] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        label = f"<{name} {_meta(cell).get('grade_id', f'cell {i}')}>"
        if not _is_autograded_answer(cell):
            if _run(cell.source, namespace, label) and not _is_test(cell):
                raise AssertionError(f"{label} fails: the solution does not run")
            i += 1
            continue
        with redirect_stdout(io.StringIO()):
            exec(compile(cell.source, label, "exec"), namespace)
        answer = Answer(_meta(cell)["grade_id"], _last_assigned_name(cell.source))
        answer.value = namespace.get(answer.name) if answer.name else None
        tests = []
        i += 1
        while i < len(cells) and not _is_autograded_answer(cells[i]):
            tests.append(cells[i])
            i += 1
        changed = times_1_1(answer.value)
        if changed is not None:
            trial = dict(namespace, **{answer.name: changed})
            failed = [f for t in tests if _is_test(t) for f in [_run(t.source, trial, label)] if f]
            answer.times_1_1 = "fails" if failed else "passes"
        for t in tests:
            failed = _run(t.source, namespace, f"<{name} {_meta(t).get('grade_id')}>")
            if failed and _is_test(t):
                answer.failures_when_right.append(f"{_meta(t).get('grade_id')}: {failed}")
        answers.append(answer)
    return answers


def value_check_problems(name: str) -> list[str]:
    problems = []
    for a in run_answers(name):
        problems += [f"{a.grade_id}: the right {a.name} fails {f}" for f in a.failures_when_right]
        if a.times_1_1 == "passes":
            problems.append(f"{a.grade_id}: {a.name} x 1.1 passes every visible check")
    return problems


# ------------------------------------------------------------------------------------------------
# rule 2: from scratch, few one-call answers


def from_scratch_problems(name: str) -> list[str]:
    ex = exercise(name)
    if any(is_from_scratch(_solution(c), ex.aliases) for c in ex.answers):
        return []
    return ["no from-scratch answer (three or more statements of pandas/numpy without a crmlib call)"]


def one_call_answers(name: str) -> list[str]:
    ex = exercise(name)
    return [_meta(c)["grade_id"] for c in ex.answers if is_one_or_two_line_crmlib_call(_solution(c), ex.aliases)]


# ------------------------------------------------------------------------------------------------
# rule 3: no answer value in the question text


def _expected_node(call: ast.Call):
    if len(call.args) >= 3:
        return call.args[2]
    return next((k.value for k in call.keywords if k.arg == "expected"), None)


def _numbers_in(node, assigned: dict) -> list[float]:
    """The numbers a literal expected value holds: constants, lists, dict values, the arguments
    of ``pd.Series(...)``/``pd.DataFrame(...)`` (not their ``index``), names assigned in the same
    hidden test, and arithmetic on constants."""
    if node is None:
        return []
    if isinstance(node, ast.Constant):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        return [float(node.value)] if ok else []
    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        try:
            value = eval(compile(ast.Expression(node), "<literal>", "eval"), {"__builtins__": {}})
        except Exception:
            return []
        return [float(value)] if isinstance(value, (int, float)) and not isinstance(value, bool) else []
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [x for e in node.elts for x in _numbers_in(e, assigned)]
    if isinstance(node, ast.Dict):
        return [x for v in node.values for x in _numbers_in(v, assigned)]
    if isinstance(node, ast.Call):
        parts = list(node.args) + [k.value for k in node.keywords if k.arg not in ("index", "columns", "name")]
        return [x for p in parts for x in _numbers_in(p, assigned)]
    if isinstance(node, ast.Name) and node.id in assigned:
        return _numbers_in(assigned.pop(node.id), assigned)
    return []


def hidden_expected_numbers(name: str) -> list[float]:
    """Every number the hidden tests expect (the literal ``expected`` of each check)."""
    found = []
    for cell in exercise(name).hidden_cells:
        tree = ast.parse(_hidden(cell))
        assigned = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (_dotted(node.func) or "").split(".")[-1].startswith("check_"):
                found += _numbers_in(_expected_node(node), dict(assigned))
    return found


def _significant_digits(text: str) -> int:
    return len(text.replace(",", "").replace("-", "").replace(".", "").lstrip("0"))


def written_forms(x: float) -> set[str]:
    """The ways a question would write the answer ``x``: as the checks print it (``66.08``,
    ``23,563.55``), rounded to 0 to 4 decimals with and without thousands separators, and a share
    below 1 as a percentage (``12.5``). Only forms with three or more significant digits count, and
    whole numbers from 10 up (small numbers such as "5 years" are everywhere in a question); a
    negative number is looked for with its sign (``-12``, ``−12``) and, unless it is a whole number
    below 100 ("12 months"), also without it ("a loss of 1,250 yuan")."""
    from crmlib.grading import fmt

    forms = set()
    unsigned = x < 0 and (x != int(x) or abs(x) >= 100)
    for value in {x, abs(x)} if unsigned else {x}:
        if value == int(value):
            if abs(value) >= 10:
                forms |= {f"{int(value)}", f"{int(value):,}"}
            continue
        candidates = {fmt(value)}
        for d in range(5):
            candidates |= {f"{value:.{d}f}", f"{value:,.{d}f}"}
        if abs(value) < 1:
            candidates |= {f"{100 * value:.{d}f}" for d in range(3)}
        forms |= {c for c in candidates if _significant_digits(c) >= 3}
    return forms


def answer_numbers(name: str) -> set[float]:
    """The hidden tests' expected numbers and the numbers the answers compute (scalars only)."""
    numbers_ = set(hidden_expected_numbers(name))
    for a in run_answers(name):
        if isinstance(a.value, (numbers.Number, np.number)) and not isinstance(a.value, (bool, np.bool_, complex)):
            if math.isfinite(float(a.value)):
                numbers_.add(float(a.value))
    return numbers_


def answer_in_text_problems(name: str) -> list[str]:
    ex = exercise(name)
    problems = []
    for x in sorted(answer_numbers(name)):
        for form in sorted(written_forms(x)):
            pattern = r"(?<![\d.,])" + re.escape(form).replace(r"\-", "[-−]") + r"(?![\d]|[.,]\d)"
            for cell in ex.question_cells:
                if re.search(pattern, cell.source):
                    where = _meta(cell).get("grade_id") or cell.source.splitlines()[0][:40]
                    problems.append(f"the answer {x:g} is written in the question text as {form!r} ({where})")
    return problems


# ------------------------------------------------------------------------------------------------
# rule 4: literal hidden tests


def literal_hidden_test_problems(name: str) -> list[str]:
    ex = exercise(name)
    return [f"{_meta(c)['grade_id']} calls {call}"
            for c in ex.hidden_cells for call in crmlib_calls(ast.parse(_hidden(c)), ex.aliases)]


RULE_PROBLEMS = {
    "literal_hidden_tests": literal_hidden_test_problems,
    "from_scratch": from_scratch_problems,
    "answer_in_text": answer_in_text_problems,
    "value_checks": value_check_problems,
}


def holds_the_format(name: str, rule: str) -> None:
    """Assert ``rule`` for an exercise in the format, or that a listed one still breaks a rule."""
    __tracebackhide__ = True
    if name in NOT_YET_REWORKED:
        share = len(one_call_answers(name)) / max(1, len(exercise(name).answers))
        # the cheap rules first; any one broken is a reason to stay on the list
        if share > MAX_CRMLIB_CALL_SHARE or any(RULE_PROBLEMS[r](name) for r in RULE_PROBLEMS):
            return
        pytest.fail(f"{name} holds every rule of the format: take it off NOT_YET_REWORKED", pytrace=False)
    problems = RULE_PROBLEMS[rule](name)
    assert not problems, f"{name}:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------------------
# the tests


def test_the_list_of_exercises_not_yet_reworked_names_exercises():
    assert set(NOT_YET_REWORKED) <= set(EXERCISES), set(NOT_YET_REWORKED) - set(EXERCISES)
    assert len(NOT_YET_REWORKED) == len(set(NOT_YET_REWORKED))


@pytest.mark.parametrize("name", EXERCISES)
def test_every_numeric_answer_times_1_1_fails_a_visible_check_and_every_right_answer_passes(name):
    holds_the_format(name, "value_checks")


@pytest.mark.parametrize("name", EXERCISES)
def test_each_exercise_has_a_from_scratch_answer(name):
    holds_the_format(name, "from_scratch")


def test_at_most_15_percent_of_the_answers_are_a_one_or_two_line_crmlib_call():
    reworked = [name for name in EXERCISES if name not in NOT_YET_REWORKED]
    if not reworked:  # then the course as a whole must break the rule, or the list is stale
        share = sum(len(one_call_answers(n)) for n in EXERCISES) / sum(len(exercise(n).answers) for n in EXERCISES)
        assert share > MAX_CRMLIB_CALL_SHARE, "every exercise is listed, yet the rule holds: shorten the list"
        return
    calls = {name: one_call_answers(name) for name in reworked}
    total = sum(len(exercise(name).answers) for name in reworked)
    share = sum(map(len, calls.values())) / total
    assert share <= MAX_CRMLIB_CALL_SHARE, f"{share:.0%} of {total} answers are one crmlib call: {calls}"


@pytest.mark.parametrize("name", EXERCISES)
def test_no_answer_value_appears_in_the_question_text(name):
    holds_the_format(name, "answer_in_text")


@pytest.mark.parametrize("name", EXERCISES)
def test_hidden_tests_hold_literal_expected_values(name):
    holds_the_format(name, "literal_hidden_tests")


# ------------------------------------------------------------------------------------------------
# the rules' own definitions, on small cases


def test_the_ast_definitions_of_a_crmlib_call_and_a_from_scratch_answer():
    aliases = {"crmlib": "crmlib", "rfm": "crmlib.rfm", "grading": "crmlib.grading"}
    assert is_one_or_two_line_crmlib_call("annuity_factor = crmlib.clv.pvifa(0.08, 20)", aliases)
    assert is_one_or_two_line_crmlib_call(
        "# the table\ninputs = crmlib.datasets.load_cohort_ltv_inputs()\n"
        "table = crmlib.clv.cohort_ltv_table(\n    **inputs,\n)", aliases)
    assert is_one_or_two_line_crmlib_call("scores = rfm.rfm_scores(table)", aliases)
    assert not is_one_or_two_line_crmlib_call("x = crmlib.datasets.load_x()\ny = x.sum()", aliases)
    assert not is_one_or_two_line_crmlib_call("a = 1\nb = crmlib.clv.pvifa(0.08, 20)\nc = a * b", aliases)
    scratch = ("t = np.arange(1, 6)\nfactors = (1 + 0.10) ** t\npresent_values = 1000 / factors\n"
               "total_value = present_values.sum()\nsame = np.allclose(factors, crmlib.clv.discount_factors(0.1, 5))")
    assert is_from_scratch(scratch, aliases)
    assert not is_from_scratch("a = crmlib.clv.pvifa(0.08, 20)\nb = a * 2\nc = b + 1\nd = c.sum()", aliases)
    assert is_from_scratch("total = 0\nfor t in range(1, 6):\n    total += 1 / 1.1 ** t\nx = total", aliases)
    reading = ('inputs = crmlib.datasets.load_cohort_ltv_inputs()\ntable = crmlib.clv.cohort_ltv_table(**inputs)\n'
               'ltv1 = table.loc["ltv", "year 1"]\nltv3 = table.loc["ltv", "year 3"]\nprint(ltv3)')
    assert not is_from_scratch(reading, aliases)  # a crmlib call and reading its result
    assert not is_from_scratch("a = 100 * 2\nb = a * 12\nc = b * 20", aliases)  # arithmetic, no pandas/numpy
    assert crmlib_calls(ast.parse("grading.check_number('x', x, 1.0)\nrfm.rfm_table(tx)"), aliases) == [
        "crmlib.rfm.rfm_table"]


def test_answer_values_are_looked_for_as_a_question_would_write_them():
    assert {"66.08", "66.1"} <= written_forms(66.08)
    assert "-12" in written_forms(-12.0) and "12" not in written_forms(-12.0)  # "12 months" is no leak
    assert {"-1,250", "1,250"} <= written_forms(-1250.0)
    assert {"23,563.55", "23563.55", "23,564", "23564"} <= written_forms(23563.5538)
    assert "12.5" in written_forms(0.125)
    assert not written_forms(5.0) & {"5"}  # "5 years" is no leak
    assert "10" not in written_forms(9.818147)  # too few digits to be the answer


def test_times_1_1_changes_every_kind_of_numeric_answer():
    assert times_1_1(10) == pytest.approx(11)
    assert times_1_1([1.0, 2.0]) == pytest.approx([1.1, 2.2])
    assert times_1_1(np.array([1, 2])).tolist() == pytest.approx([1.1, 2.2])
    table = times_1_1(pd.DataFrame({"a": [1.0], "b": ["x"]}))
    assert table["a"].iloc[0] == pytest.approx(1.1) and table["b"].iloc[0] == "x"
    assert times_1_1(pd.Series(["safe"])) is None and times_1_1(True) is None and times_1_1(0.0) is None
